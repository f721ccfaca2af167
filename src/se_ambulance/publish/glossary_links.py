"""Link every technical term to the glossary where a page first uses it (a small Sphinx transform).

The terms are read from the glossary page's source (`book/glossary.md`), so defining a term there is all it
takes for every page to link it. On each page the first use of each term is linked: first in the text a reader
sees, then, for terms met only there, inside the collapsed "How this was measured" sections. Headings, code,
links, tables written as HTML and the glossary itself are left alone. The links are ordinary glossary
references (the `term` role's), so the strict build fails if one does not resolve.

A term written in lower case in the glossary matches in any case ("donor", "Donors"); one with capitals
matches exactly ("AmbSYS", "Monte Carlo", "R²"). A term ending in a lower-case letter also matches its plural in -s or
-es ("donors", "XmR charts"); an abbreviation does not ("SPCs" is not "SPC"). Quotations
(block quotes) are the quoted author's words and are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from docutils import nodes

GLOSSARY_DOC = "book/glossary"

# Inside these nodes a term is not linked: headings, code, existing links and references, raw HTML, the
# glossary's own terms, captions, maths, quotations and bold labels.
_SKIP = (
    nodes.title,
    nodes.subtitle,
    nodes.rubric,
    nodes.literal,
    nodes.literal_block,
    nodes.reference,
    nodes.raw,
    nodes.term,
    nodes.caption,
    nodes.target,
    nodes.comment,
    nodes.citation,
    nodes.citation_reference,
    nodes.footnote_reference,
    nodes.math,
    nodes.math_block,
    nodes.field_name,
    nodes.option_list,
    nodes.doctest_block,
    nodes.block_quote,  # a quotation is its author's words
    nodes.strong,
)  # bold text is a label or a verdict word
_SKIP_NAMES = {"pending_xref", "glossary", "toctree", "desc_signature", "download_reference", "number_reference"}


def glossary_terms(source: str) -> list[str]:
    """The terms a glossary page defines: the unindented lines of its ```{glossary} block (a definition's
    lines are indented; an entry may have several terms, one a line)."""
    terms, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if not inside:
            inside = stripped.startswith("```{glossary}")
            continue
        if stripped.startswith("```"):
            break
        if stripped and not stripped.startswith(":") and not line[0].isspace():
            terms.append(stripped)
    return terms


def _one(term: str) -> str:
    body = re.escape(term).replace(r"\ ", r"\s+")
    if term[-1].islower():  # a word, not an abbreviation: 'donors', and 'XmR charts' as well as 'XmR chart'
        body += "(?:s|es)?"
    case = "(?i:" if term == term.lower() else "(?:"
    return case + body + ")"


def term_pattern(terms: Iterable[str]) -> tuple[re.Pattern, list[str]]:
    """One pattern for all terms, longest first (so 'prediction interval' wins over 'interval'), each a whole
    word: not inside a longer word, a hyphenated word or a code like 'C2T'. Returns the pattern and the terms in
    its order: the match's group `t<i>` is the i-th term."""
    ordered = sorted(set(terms), key=len, reverse=True)
    if not ordered:
        return re.compile(r"(?!x)x"), []  # matches nothing
    groups = "|".join(f"(?P<t{i}>{_one(t)})" for i, t in enumerate(ordered))
    return re.compile(rf"(?<![\w\-–]){'(?:' + groups + ')'}(?![\w\-–])", re.UNICODE), ordered


def first_uses(text: str, terms: Iterable[str]) -> dict[str, int]:
    """Each glossary term found in `text` with the position of its first use (what a page would link)."""
    pattern, ordered = _compiled(tuple(terms))
    found: dict[str, int] = {}
    for m in pattern.finditer(text):
        term = ordered[int(m.lastgroup[1:])]
        found.setdefault(term, m.start())
    return found


_CACHE: dict[tuple[str, ...], tuple[re.Pattern, list[str]]] = {}


def _compiled(terms: tuple[str, ...]):
    if terms not in _CACHE:
        _CACHE[terms] = term_pattern(terms)
    return _CACHE[terms]


def _skipped(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, _SKIP) or type(parent).__name__ in _SKIP_NAMES:
            return True
        parent = parent.parent
    return False


def _collapsed(node: nodes.Node) -> bool:
    """Inside a collapsed section (a sphinx-design dropdown: 'How this was measured')."""
    parent = node.parent
    while parent is not None:
        if type(parent).__name__ == "dropdown_main" or "sd-dropdown" in parent.get("classes", []):
            return True
        parent = parent.parent
    return False


def link_terms(document: nodes.document, terms: list[str], make_ref) -> list[str]:
    """Replace the first use of each term in `document` by `make_ref(term, text)`: visible text first, then
    collapsed sections. Returns the terms linked, in the order linked."""
    pattern, ordered = _compiled(tuple(terms))
    linked: list[str] = []
    texts = [t for t in document.findall(nodes.Text) if not _skipped(t)]
    for pass_collapsed in (False, True):
        for text_node in texts:
            if _collapsed(text_node) != pass_collapsed or text_node.parent is None:
                continue
            source = str(text_node)
            pieces, last = [], 0
            for m in pattern.finditer(source):
                term = ordered[int(m.lastgroup[1:])]
                if term in linked:
                    continue
                linked.append(term)
                pieces += [nodes.Text(source[last : m.start()]), make_ref(term, m.group(0))]
                last = m.end()
            if pieces:
                pieces.append(nodes.Text(source[last:]))
                text_node.parent.replace(text_node, [p for p in pieces if not (isinstance(p, nodes.Text) and not p)])
    return linked


# --- Sphinx wiring ----------------------------------------------------------------------------------------------


def _term_reference(docname: str):
    from sphinx import addnodes

    def make(term: str, text: str) -> nodes.Node:
        ref = addnodes.pending_xref(
            "", refdomain="std", reftype="term", reftarget=term.lower(), refdoc=docname, refexplicit=True, refwarn=True
        )
        ref += nodes.inline(text, text, classes=["xref", "std", "std-term"])
        return ref

    return make


def _load_terms(app) -> None:
    path = Path(app.srcdir) / f"{GLOSSARY_DOC}.md"
    app.env.se_glossary_terms = glossary_terms(path.read_text(encoding="utf-8")) if path.is_file() else []


def _transform_class():
    from sphinx.transforms import SphinxTransform

    class GlossaryLinks(SphinxTransform):
        default_priority = 880  # late: after MyST and myst-nb have put glued text in place

        def apply(self, **kwargs) -> None:
            env = self.env
            terms = getattr(env, "se_glossary_terms", None)
            if not terms or env.docname == GLOSSARY_DOC or GLOSSARY_DOC not in env.found_docs:
                return
            link_terms(self.document, terms, _term_reference(env.docname))

    return GlossaryLinks


def setup(app):
    """Registered from `publish.sphinx_ext.setup`."""
    app.connect("builder-inited", _load_terms)
    app.add_transform(_transform_class())
    return {"parallel_read_safe": True, "parallel_write_safe": True}


__all__ = ["GLOSSARY_DOC", "first_uses", "glossary_terms", "link_terms", "setup", "term_pattern"]
