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


def test_each_page_describes_itself_for_link_previews():
    from se_ambulance.publish.sphinx_ext import DESCRIPTION, description_tag

    tag = description_tag('The £10m and £80m: "a" <Green Book> appraisal')
    assert tag.startswith(
        '<meta name="description" content="The £10m and £80m: &quot;a&quot; &lt;Green Book&gt; appraisal. An'
    )
    assert "working? An open book" in description_tag("Is the group working?")
    assert (
        tag.endswith(f'{DESCRIPTION}">')
        and description_tag(None) == f'<meta name="description" content="{DESCRIPTION}">'
    )


def test_the_assumptions_log_puts_its_ratings_beside_each_assumption():
    import pandas as pd

    from se_ambulance.publish.report import rag_html

    log = pd.DataFrame(
        [
            {
                "area": "Demand",
                "assumption": "A",
                "source": "S",
                "quality": "red",
                "impact": "amber",
                "where": "se_ambulance.x",
            }
        ]
    )
    table = rag_html(log).data
    heads = re.findall(r"<th>(.*?)</th>", table)
    assert heads[:5] == ["Area", "Assumption", "Quality", "Impact", "Evidence"]  # ratings in a phone's first screen
    cells = re.findall(r"<td>(.*?)</td>", table)
    assert "se-rag-red" in cells[2] and "se-rag-amber" in cells[3] and cells[4] == "S"


def test_the_85_plus_table_shows_the_claims_reading_first():
    from se_ambulance.data.population import load_la_85plus, load_mye_2019, load_region, load_subicb
    from se_ambulance.publish.tables import over_85_change_frame

    table = over_85_change_frame(load_subicb(), load_la_85plus(), load_region(), load_mye_2019())
    assert list(table.columns) == [
        "from mid-2025",
        "from mid-2024",
        "from mid-2023",
        "from mid-2022",
        "from mid-2019 (estimate)",
    ]
