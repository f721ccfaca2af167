"""`se-ambulance atlas`: every trust's book in one site, trust-independent chapters executed once."""

from __future__ import annotations

import json

import pytest

from se_ambulance.pipeline.cli import main

from .conftest import ROOT


def test_an_unknown_trust_is_refused_before_anything_runs(tmp_path, capsys):
    assert main(["atlas", "--out", str(tmp_path / "atlas"), "--trusts", "RX7,XYZ"]) == 2
    err = capsys.readouterr().err
    assert "unknown trust code(s) ['XYZ']" in err and "RYD" in err
    assert not (tmp_path / "atlas" / "trusts").exists()


def test_the_index_links_every_trust_to_each_of_its_pages():
    from pathlib import Path

    from se_ambulance.pipeline.atlas import index_page

    per_trust = [Path("01_performance.ipynb"), Path("04_demand.ipynb")]
    page = index_page(["RX7", "RYD"], per_trust, [Path("06_claims.ipynb")],
                      {"01_performance": "Response times", "04_demand": "Demand"})
    assert "2 of England's 11 ambulance trusts" in page
    for t in ("RX7", "RYD"):
        for nb in ("01_performance", "04_demand"):
            assert f"{{doc}}`{t} <../trusts/{t}/{nb}>`" in page
    assert "{doc}`../notebooks/06_claims`" in page


@pytest.mark.book
def test_the_atlas_for_two_trusts_builds_one_site(tmp_path):
    before = {p.name: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")}
    out = tmp_path / "atlas"
    assert main(["atlas", "--out", str(out), "--trusts", "RX7,RYD"]) == 0
    html = out / "_build" / "html"
    # Each trust's own pages, with its own figures: the demand chapter follows the trust's footprint.
    for trust, name in (("RX7", "North West (NWAS)"), ("RYD", "South East Coast (SECAmb)")):
        for page in ("01_performance", "04_demand"):
            assert name in (html / "trusts" / trust / f"{page}.html").read_text(encoding="utf-8"), (trust, page)
        executed = json.loads((out / "trusts" / trust / "04_demand.ipynb").read_text(encoding="utf-8"))
        assert executed["metadata"]["papermill"]["parameters"]["focus"]["demand_area"] == trust
    # Trust-independent chapters once, static assets once, and a front page that lists both trusts.
    assert (html / "notebooks" / "06_claims.html").is_file()
    assert not list((html / "trusts").rglob("06_claims.html"))
    assert len(list(html.rglob("se-charts.js"))) == 1
    index = (html / "atlas" / "index.html").read_text(encoding="utf-8")
    assert "North West (NWAS)" in index and "trusts/RX7/04_demand.html" in index
    # The canonical book's own notebooks are untouched.
    assert {p.name: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")} == before
