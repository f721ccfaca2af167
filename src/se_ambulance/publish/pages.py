"""The book's pages by title: how one page names another.

The site's navigation shows each page's title, not a chapter number, so a page that points to another names it by
its title, and links it where it can. The titles are the pages' own first headings; a test holds this table to them
(tests/test_chapter_text.py), so a renamed page cannot leave a stale name behind.
"""

from __future__ import annotations

import html
from pathlib import PurePosixPath

# Each page (its path in the book, without suffix) and its title, in the order of the table of contents.
PAGE_TITLES = {
    "notebooks/00_introduction": "The case for the ambulance group, and what the data say",
    "notebooks/01_performance": "Response times since the Ambulance Response Programme",
    "notebooks/02_signals_and_drivers": "Signals, seasons and drivers",
    "notebooks/03_before_arp_and_outcomes": "Before ARP, and clinical outcomes",
    "notebooks/04_demand": "Demand: the population and the trend",
    "notebooks/09_evaluation": "Is the group working?",
    "notebooks/05_appraisal": "The £10m and £80m: a Green Book appraisal",
    "notebooks/06_claims": "The claims register",
    "notebooks/07_sources": "Data sources",
    "notebooks/08_assumptions": "Assumptions log",
    "book/editions": "Editions and what changed",
    "book/glossary": "Glossary",
    "book/references": "References",
    "book/cite": "How to cite this book",
}


def page_title(doc: str) -> str:
    """A page's title from its path in the book ('notebooks/03_before_arp_and_outcomes'); a KeyError naming the
    pages there are for any other."""
    try:
        return PAGE_TITLES[doc]
    except KeyError:
        raise KeyError(f"no page {doc!r} in the book; pages: {', '.join(PAGE_TITLES)}") from None


def page_link(doc: str, from_doc: str, anchor: str | None = None) -> str:
    """An HTML link to a page, its title as the link text, relative to the page `from_doc` that shows it."""
    here = PurePosixPath(from_doc).parent
    target = PurePosixPath(doc)
    href = f"{target.name}.html" if target.parent == here else "../" * len(here.parts) + f"{target}.html"
    href += f"#{anchor}" if anchor else ""
    return f'<a href="{html.escape(href)}">{html.escape(page_title(doc))}</a>'


__all__ = ["PAGE_TITLES", "page_link", "page_title"]
