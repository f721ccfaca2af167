"""Measure the reader tasks: where in a built site a councillor finds the answer to each of six plain questions.

For each question, each page that answers it and the word at which the answer starts: the number of words a
reader passes on that page before it, counting only what a reader sees (paragraphs and list items outside collapsed
sections, tables, charts and quotations; `se_ambulance.publish.readability`). A question counts as answered on a
page only if the page states the answer in words (a verdict, "met" or "missed", "faster" or "slower"), not if a
reader must work it out from a table or a chart.

    .venv/bin/python benchmarks/reader_tasks.py [SITE_HTML_FOLDER] [--json OUT]

It measures; it does not test. The results for the canonical book are in the README.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from se_ambulance.publish.readability import pages, words

# (question, [(page, pattern that states the answer in words)]). A pattern's group `answer<n>`, where it has one, marks
# the answer itself (a verdict word after the data it rests on). Each pattern also accepts the wording of the
# edition before the briefing (issue 22's "before"), so one script measures both.
A = "['’]"


def V(n: int = 1) -> str:  # a verdict word, the answer (group names must differ within one pattern)
    return rf"(?P<answer{n}>[Ss]upported|[Pp]artly supported|[Nn]ot supported)"


def _openings() -> list[str]:
    from se_ambulance.publish.evaluation_text.sentences import PLAIN_OPENINGS

    return list(PLAIN_OPENINGS.values())


TASKS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Did SECAmb meet the Category 2 standard in 2024/25?",
        [
            (
                "notebooks/00_introduction.html",
                rf"SECAmb{A}s Category 2 average in 2024/25 was \d+:\d\d: it (?:met|missed)",
            ),
            (
                "notebooks/01_performance.html",
                rf"SECAmb{A}s Category 2 average in 2024/25 was \d+:\d\d: it (?:met|missed)",
            ),
        ],
    ),
    (
        "Is the group working?",
        [
            # the plain answer opens with one of its fixed openings (publish.evaluation_text.PLAIN_OPENINGS)
            ("notebooks/00_introduction.html", "(?:" + "|".join(map(re.escape, _openings())) + r")[.:]"),
            ("notebooks/09_evaluation.html", r"The answer so far\.|Headline \(Category 2 mean"),
        ],
    ),
    (
        "Is the claimed rise of more than 60% in people over 85 right?",
        [
            (
                "notebooks/00_introduction.html",
                rf"People aged over 85\. Claimed:.*?{V(1)}:|rise by more than 60 per cent\.” {V(2)}",
            ),
            (
                "notebooks/04_demand.html",
                rf"The case{A}s “more than 60 per cent” is|Verdict under the book{A}s rule \(stated",
            ),
        ],
    ),
    (
        "Is demand up by over 20% in the next decade?",
        [
            (
                "notebooks/00_introduction.html",
                rf"Demand for ambulances\. Claimed:.*?{V(1)}:|in the next decade\.” {V(2)}",
            ),
            (
                "notebooks/04_demand.html",
                rf"The case{A}s “over 20 per cent” is|Verdict on “over 20 per cent in the next decade”",
            ),
        ],
    ),
    (
        "Are the £10 million and £80 million right?",
        [
            ("notebooks/00_introduction.html", rf"Cash savings\. Claimed:.*?{V(1)}:|worth over £10 million” {V(2)}"),
            (
                "notebooks/05_appraisal.html",
                r"Verdict on “efficiencies worth over £10 million”|Verdict on the most favourable reading|"
                r"£10 million” as a yearly saving, the way NHS savings plans state efficiencies\. Verdict:",
            ),
        ],
    ),
    (
        "How does SECAmb compare with its neighbours and England?",
        [
            (
                "notebooks/00_introduction.html",
                rf"SECAmb{A}s Category 2 average \(\d+:\d\d\) was (?:faster|slower|the same)",
            ),
            (
                "notebooks/01_performance.html",
                rf"SECAmb{A}s Category 2 average \(\d+:\d\d\) was (?:faster|slower|the same)",
            ),
        ],
    ),
]


def answered_at(page, pattern: str) -> int | None:
    """Words before the answer: its group `answer<n>` if the pattern has one, else the match. A pattern
    'block:TEXT' is the start of the paragraph or list item holding TEXT (an answer whose own words vary)."""
    text = page.text
    if pattern.startswith("block:"):
        hits = [i for i, b in enumerate(page.visible) if pattern[len("block:") :] in b]
        return words(" ".join(page.visible[: hits[0]])) if hits else None
    m = re.search(pattern, text)
    if m is None:
        return None
    answers = [m.start(g) for g in m.re.groupindex if g.startswith("answer") and m.group(g) is not None]
    return words(text[: answers[0] if answers else m.start()])


def measure(site: Path) -> list[dict]:
    built = pages(site)
    rows = []
    for question, places in TASKS:
        for page, pattern in places:
            p = built.get(page)
            rows.append(
                {
                    "question": question,
                    "page": page,
                    "word": answered_at(p, pattern) if p else None,
                    "page_words": words(p.text) if p else 0,
                }
            )
    return rows


def table(rows: list[dict]) -> str:
    out = ["| question | page | answered at word | words on the page |", "|---|---|---|---|"]
    for r in rows:
        page = r["page"].split("/")[-1].removesuffix(".html")
        out.append(
            f"| {r['question']} | {page} | {'not stated' if r['word'] is None else r['word']} | {r['page_words']} |"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", nargs="?", default="_build/html", help="a built site's html folder")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = ap.parse_args(argv)
    rows = measure(Path(args.site))
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
