"""`se-ambulance atlas`: every trust's book in one site, trust-independent chapters executed once."""

from __future__ import annotations

import json

import pytest

from se_ambulance.pipeline.cli import main

from .support.builders import ROOT
from .support.chapters import declaring, focus_chapters
from .support.consistency import focus_problems, outputs_of

# London: months missing, and a footprint made from the CCG lookups. SECAmb: the canonical trust, so the chapter
# store supplies its chapters 1-3 and only its own footprint's demand chapter executes. test_trusts.py and
# test_demand.py leave these two to this test.
ATLAS_TRUSTS = ("RRU", "RYD")


def test_an_unknown_trust_is_refused_before_anything_runs(tmp_path, capsys):
    assert main(["atlas", "--out", str(tmp_path / "atlas"), "--trusts", "RX7,XYZ"]) == 2
    err = capsys.readouterr().err
    assert "unknown trust code(s) ['XYZ']" in err and "RYD" in err
    assert not (tmp_path / "atlas" / "trusts").exists()


def test_the_index_links_every_trust_to_each_of_its_pages():
    from pathlib import Path

    from se_ambulance.pipeline.atlas import index_page

    per_trust = [Path("01_performance.ipynb"), Path("04_demand.ipynb")]
    page = index_page(
        ["RX7", "RYD"],
        per_trust,
        [Path("06_claims.ipynb")],
        {"01_performance": "Response times", "04_demand": "Demand"},
    )
    assert "2 of England's 11 ambulance trusts" in page
    for t in ("RX7", "RYD"):
        for nb in ("01_performance", "04_demand"):
            assert f"{{doc}}`{t} <../trusts/{t}/{nb}>`" in page
    assert "{doc}`../notebooks/06_claims`" in page


@pytest.mark.book
def test_the_atlas_for_two_trusts_builds_one_site(tmp_path):
    """London and SECAmb: whole books through kernels, the chapter store and one strict site; each focus chapter
    names its trust and prints nothing to stderr (the check test_trusts.py runs on every other trust)."""
    from se_ambulance.analysis import demography, footprints
    from se_ambulance.data import geography
    from se_ambulance.data.population import load_subicb
    from se_ambulance.pipeline.params import load_params
    from se_ambulance.publish.format import percent
    from se_ambulance.reference.orgs import short_name

    before = {p.name: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")}
    out = tmp_path / "atlas"
    assert main(["atlas", "--out", str(out), "--trusts", ",".join(ATLAS_TRUSTS)]) == 0
    html = out / "_build" / "html"

    def shown(trust: str, chapter: str) -> str:
        nb = json.loads((out / "trusts" / trust / f"{chapter}.ipynb").read_text(encoding="utf-8"))
        return json.dumps([c.get("outputs", []) for c in nb["cells"]], ensure_ascii=False)

    # Each trust's own pages, with its own figures: the demand chapter follows the trust's footprint.
    for trust, name in zip(ATLAS_TRUSTS, ("London (LAS)", "South East Coast (SECAmb)")):
        for page, key in focus_chapters().items():  # every chapter that follows a trust or its footprint
            assert name in (html / "trusts" / trust / f"{page}.html").read_text(encoding="utf-8"), (trust, page)
            outputs = outputs_of(out / "trusts" / trust / f"{page}.ipynb")
            assert focus_problems(outputs, key, trust, short_name(trust)) == [], (trust, page)
        executed = json.loads((out / "trusts" / trust / "04_demand.ipynb").read_text(encoding="utf-8"))
        assert executed["metadata"]["papermill"]["parameters"]["focus"] == {"demand_area": trust}
    # London's demand chapter shows its footprint's own demographic growth.
    demand = load_params(overrides={"demand_area": "RRU"}).area("demand")
    shares = footprints.build_shares(
        geography.load_lsoa_subicb_lookup(),
        geography.load_district_trust_overlay(2021),
        geography.load_district_population_2020(),
    )
    banded = footprints.footprint_population(["RRU"], load_subicb(), shares).banded
    growth = demography.growth(banded, demand["base_year"], demand["horizon_year"], demand["age_rates"])
    assert percent(growth) in shown("RRU", "04_demand")
    # SECAmb's trust pages are the canonical book's (the same key: copied from the chapter store or executed again).
    for page in declaring("focus", "trust"):
        assert outputs_of(out / "trusts" / "RYD" / f"{page}.ipynb") == outputs_of(
            ROOT / "notebooks" / f"{page}.ipynb"
        ), page
    # London has no response times for Oct and Nov 2022: its coverage table says so.
    assert "Oct 2022, Nov 2022" in shown("RRU", "01_performance")
    # Trust-independent chapters once, static assets once, and a front page that lists both trusts.
    assert (html / "notebooks" / "06_claims.html").is_file()
    assert not list((html / "trusts").rglob("06_claims.html"))
    assert len(list(html.rglob("se-charts.js"))) == 1
    index = (html / "atlas" / "index.html").read_text(encoding="utf-8")
    assert (
        "London (LAS)" in index and "trusts/RYD/04_demand.html" in index and "trusts/RRU/01_performance.html" in index
    )
    # The canonical book's own notebooks are untouched.
    assert {p.name: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")} == before
