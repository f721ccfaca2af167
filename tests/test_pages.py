"""How one page names another: by its title (publish/pages.py), linked where this build holds the page."""

from __future__ import annotations

import re

import nbformat
import pytest
from docutils import nodes

from se_ambulance.publish.pages import PAGE_TITLES, page_link, page_title
from se_ambulance.publish.sphinx_ext import _page_outside_this_book

from .support.builders import ROOT


def _first_heading(doc: str) -> str:
    notebook = ROOT / f"{doc}.ipynb"
    if notebook.exists():
        text = next(c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "markdown")
    else:
        text = (ROOT / f"{doc}.md").read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", text, re.M).group(1).strip()


@pytest.mark.parametrize("doc", sorted(PAGE_TITLES))
def test_each_title_is_the_pages_own_first_heading(doc):
    assert page_title(doc) == _first_heading(doc), f"{doc}: PAGE_TITLES is stale; use its first heading"


def test_the_table_lists_every_page_of_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    root = re.search(r"^root: (\S+)", toc, re.M).group(1)
    assert {root, *re.findall(r"file: (\S+)", toc)} == set(PAGE_TITLES)


def test_a_link_is_relative_to_the_page_that_shows_it():
    assert page_link("notebooks/09_evaluation", "notebooks/00_introduction") == (
        '<a href="09_evaluation.html">Is the group working?</a>'
    )
    assert page_link("notebooks/06_claims", "book/editions", "register") == (
        '<a href="../notebooks/06_claims.html#register">The claims register</a>'
    )
    with pytest.raises(KeyError, match="no page 'notebooks/99_x' in the book; pages: notebooks/00_introduction"):
        page_title("notebooks/99_x")


def _xref(target: str, refdoc: str = "notebooks/00_introduction"):
    node = {"refdomain": "std", "reftype": "doc", "reftarget": target, "refdoc": refdoc}
    return _page_outside_this_book(None, None, node, nodes.inline(text="the title"))


def test_a_book_page_missing_from_a_partial_build_becomes_its_title_and_a_mistyped_one_still_fails():
    assert _xref("09_evaluation").astext() == "the title"  # a one-chapter site
    assert _xref("/notebooks/06_claims", "book/editions").astext() == "the title"  # the editions record's site
    assert _xref("09_evaluation", "trusts/RYD/00_introduction").astext() == "the title"  # an atlas
    assert _xref("09_evaluaton") is None  # a typo: Sphinx then warns and the strict build fails
    assert (
        _page_outside_this_book(
            None, None, {"refdomain": "py", "reftype": "func", "reftarget": "x", "refdoc": "a"}, nodes.inline(text="x")
        )
        is None
    )
