"""How a built page reads: its sentences, their lengths, what a reader sees first, and its links to the glossary.

The book's plain-language limits (tests/test_readability.py) and the reader-task measurements
(benchmarks/reader_tasks.py) read the built site through this one module, so both count words the same way.

What counts as the reader's text: the paragraphs and list items of a page's main article, outside collapsed
sections (`<details>`: "How this was measured" and the like), tables, charts, code, headings and quotations (a
quotation is its author's words, not the book's). The collapsed text is kept apart, for analysts; of it, the prose of
method boxes (`explained`) is still for any reader, while the code boxes (`ANALYST_BOXES`: "The parameters of this
page", "In the code", "How it is computed", a chart's numbers) may name code.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

BLOCKS = {"p", "li", "dd", "dt"}
SKIPPED = {
    "table",
    "figure",
    "pre",
    "script",
    "style",
    "svg",
    "nav",
    "button",
    "form",
    "select",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "q",
    "figcaption",
    "caption",
    "dialog",
    "template",
    "noscript",
}
ANALYST_BOXES = {"se-method", "se-chart-numbers"}  # <details> classes whose contents are for analysts
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Page:
    """What one built page shows a reader."""

    visible: list[str] = field(default_factory=list)  # paragraphs and list items a reader sees
    linkable: list[str] = field(default_factory=list)  # the same without bold text and links: where a link could go
    collapsed: list[str] = field(default_factory=list)  # the same inside collapsed sections
    explained: list[str] = field(default_factory=list)  # collapsed, but method prose, not an analyst's code box
    briefing: list[str] = field(default_factory=list)  # paragraphs and list items of the front page's briefing
    glossary_links: list[tuple[str, str]] = field(default_factory=list)  # (link text, target) to the glossary

    @property
    def text(self) -> str:
        return " ".join(self.visible)


class _Reader(HTMLParser):
    def __init__(self, briefing_class: str):
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.briefing_class = briefing_class
        self.stack: list[tuple[str, bool, bool, bool, bool]] = []  # (tag, skipped, collapsed, briefing, analyst)
        self.unlinkable = 0
        self.in_article = 0
        self.blocks: list[list[str]] = []
        self.linkable_blocks: list[list[str]] = []
        self.block_flags: list[tuple[bool, bool, bool]] = []
        self.link: list[str] | None = None
        self.link_target = ""

    def _state(self):
        return self.stack[-1][1:] if self.stack else (False, False, False, False)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "article" and "bd-article" in classes:
            self.in_article += 1
        if tag in VOID:
            return
        skipped, collapsed, briefing, analyst = self._state()
        skipped = (
            skipped
            or tag in SKIPPED
            or "headerlink" in classes
            or "cell_input" in classes
            or "toctree-wrapper" in classes
        )  # a table of contents is navigation, not prose
        collapsed = collapsed or tag == "details"
        analyst = analyst or (tag == "details" and bool(ANALYST_BOXES & set(classes)))
        briefing = briefing or self.briefing_class in classes
        if tag == "summary":
            skipped = True
        self.stack.append((tag, skipped, collapsed, briefing, analyst))
        if tag in BLOCKS:
            self.blocks.append([])
            self.linkable_blocks.append([])
            self.block_flags.append((collapsed, briefing, analyst))
        if tag in ("strong", "b", "a"):
            self.unlinkable += 1
        if tag == "a" and "glossary.html#term-" in (a.get("href") or ""):
            self.link, self.link_target = [], a["href"].split("#", 1)[1]

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            top = self.stack.pop()[0]
            if top in BLOCKS:
                self._close_block()
            if top in ("strong", "b", "a"):
                self.unlinkable -= 1
            if top == "a" and self.link is not None:
                if self.in_article:
                    self.page.glossary_links.append((" ".join("".join(self.link).split()), self.link_target))
                self.link = None
            if top == tag:
                break
        if tag == "article" and self.in_article:
            self.in_article -= 1

    def _close_block(self):
        text = " ".join("".join(self.blocks.pop()).split())
        linkable = " ".join("".join(self.linkable_blocks.pop()).split())
        collapsed, briefing, analyst = self.block_flags.pop()
        if not text or not self.in_article:
            return
        (self.page.collapsed if collapsed else self.page.visible).append(text)
        if collapsed and not analyst:
            self.page.explained.append(text)
        if not collapsed:
            self.page.linkable.append(linkable)
        if briefing and not collapsed:
            self.page.briefing.append(text)

    def handle_data(self, data):
        if self.link is not None:
            self.link.append(data)
        skipped = self._state()[0]
        if self.blocks and not skipped:
            self.blocks[-1].append(data)
            if not self.unlinkable:
                self.linkable_blocks[-1].append(data)


def read_page(html: str, briefing_class: str = "se-briefing") -> Page:
    """The reader's text of one built page."""
    reader = _Reader(briefing_class)
    reader.feed(html)
    reader.close()
    return reader.page


# --- sentences ---------------------------------------------------------------------------------------------------

_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "cf.", "No.", "St.", "Dr.", "approx.")
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9£])")


def sentences(text: str) -> list[str]:
    """Sentences of a paragraph: split after . ! or ? followed by a space and a capital, a digit or £; not after
    common abbreviations ('e.g.') or a colon-list."""
    protected = text
    for i, abbr in enumerate(_ABBREVIATIONS):
        protected = protected.replace(abbr, f"\x00{i}\x00")
    parts = [p.strip() for p in _BOUNDARY.split(protected) if p.strip()]
    out = []
    for p in parts:
        for i, abbr in enumerate(_ABBREVIATIONS):
            p = p.replace(f"\x00{i}\x00", abbr)
        out.append(p)
    return out


_WORD = re.compile(r"[\w£%][\w'’.,:/£%+−–-]*", re.UNICODE)


def words(sentence: str) -> int:
    """Words in a sentence: runs of letters or digits ('30:11', '£10m' and '2024/25' are one word each)."""
    return len(_WORD.findall(sentence))


@dataclass(frozen=True)
class Lengths:
    sentences: int
    median: float
    longest: int
    over_35: int
    longest_sentence: str

    @classmethod
    def of(cls, blocks: list[str]) -> "Lengths":
        ss = [s for b in blocks for s in sentences(b)]
        counts = [words(s) for s in ss]
        if not counts:
            return cls(0, 0.0, 0, 0, "")
        i = max(range(len(counts)), key=counts.__getitem__)
        return cls(len(counts), float(statistics.median(counts)), counts[i], sum(c > 35 for c in counts), ss[i])


# --- what a reader should never see -------------------------------------------------------------------------------

# Python names, the project's files, hashes and internal codes. A trust code is allowed only where a collapsed
# section explains it. An official data file's own name (NHS England's 'AmbSYS-to-Mar-2026-UI7FG.csv') is a
# citation, not a code name.
CODE_NAMES = {
    "a Python module or function": re.compile(r"\bse_ambulance\b|\b[a-z]+(?:_[a-z0-9]+)+\b|\b\w+\.(?:py|ipynb|yaml)\b"),
    "a seed file or number": re.compile(r"\b\d{3}_[0-9a-f]{16}\b|\bseeds? \d{3}\b", re.IGNORECASE),
    "a checksum": re.compile(r"\b[0-9a-f]{32,}\b"),
    "a trust code": re.compile(r"\b(?:RRU|RX[6-9]|R1F|RY[ACDEF])\b"),
}


def code_names(text: str) -> list[tuple[str, str]]:
    """(what, text) for every code name, file name, hash or internal code in reader-facing text."""
    return [(what, m.group(0)) for what, pattern in CODE_NAMES.items() for m in pattern.finditer(text)]


# --- where an answer first appears --------------------------------------------------------------------------------


def word_position(text: str, pattern: re.Pattern | str) -> int | None:
    """The number of words before the first match of `pattern` in `text` (a page's visible text), or None."""
    m = re.search(pattern, text)
    return None if m is None else words(text[: m.start()])


def pages(site: Path) -> dict[str, Page]:
    """Every HTML page of a built site, keyed by its path in the site ('notebooks/01_performance.html')."""
    return {
        str(p.relative_to(site)): read_page(p.read_text(encoding="utf-8"))
        for p in sorted(site.rglob("*.html"))
        if not p.relative_to(site).parts[0].startswith("_")
    }


__all__ = ["CODE_NAMES", "Lengths", "Page", "code_names", "pages", "read_page", "sentences", "word_position", "words"]
