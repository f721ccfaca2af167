"""Derived datasets fetched through their official route: the sources served over local HTTP, the
derivation run in staging, the result installed only if it matches the pin."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from se_ambulance.data import derive
from se_ambulance.data.fetch import ensure, sha256_file
from se_ambulance.data.manifest import load_manifest
from se_ambulance.errors import DataError

from .test_fetch import _Server
from .support.builders import data_mirror

QUIET = {"progress": lambda m: None}
ROOT = Path(__file__).resolve().parents[1]
MIRROR = data_mirror()  # absolute, resolved as the fetch resolves it
REAL = load_manifest(ROOT / "data" / "manifest.yaml")
needs_mirror = pytest.mark.skipif(not MIRROR.is_dir(), reason=f"no data mirror at {MIRROR}")


def _serve_entry(fake_root, entry: dict, routes: dict[str, tuple[bytes, dict]], dataset_id: str = "demo"):
    """Write a manifest holding one derived entry whose sources point at a local server."""
    server = _Server(routes)
    for src in entry["sources"]:
        src["url"] = f"{server.base}/{src['name']}"
    path = fake_root["root"] / "data" / "manifest.yaml"
    path.write_text(yaml.safe_dump({"datasets": {dataset_id: entry}}), encoding="utf-8")
    return server


def _real_entry(dataset_id: str) -> dict:
    return REAL[dataset_id].model_dump(exclude={"id", "previous"}, exclude_none=True)


def _mirror_routes(entry: dict) -> dict[str, tuple[bytes, dict]]:
    return {f"/{s['name']}": ((MIRROR / s["mirror_path"]).read_bytes(), {}) for s in entry["sources"]}


WITH_ORIGINALS = sorted(d.id for d in REAL.values() if d.derived and all(s.mirror_path for s in d.sources))


def test_every_derived_dataset_has_a_route_and_those_with_originals_here_are_tested():
    assert sum(d.derived for d in REAL.values()) == 12
    assert set(WITH_ORIGINALS) == {
        "mye_2019_utla",
        "mye_2020_ltla",
        "trust_polygons",
        "district_boundaries",
        "district_trust_overlay_2024",
        "lsoa_subicb_lookup",
        "rural_urban_2021",
        "ccg_footprint_population",
    }


@needs_mirror
@pytest.mark.slow  # reads and derives the real originals (0.5 s to 15 s each): the full tier
@pytest.mark.parametrize("dataset_id", WITH_ORIGINALS)
def test_the_official_route_reproduces_the_pinned_file(fake_root, dataset_id):
    entry = _real_entry(dataset_id)
    server = _serve_entry(fake_root, entry, _mirror_routes(entry), dataset_id)
    try:
        messages: list[str] = []
        path = ensure(dataset_id, progress=messages.append)  # no mirror: sources, derivation, pin
    finally:
        server.close()
    assert sha256_file(path) == REAL[dataset_id].sha256
    assert sorted(server.requests) == sorted(f"/{s['name']}" for s in entry["sources"])
    assert any("derived from its sources and verified" in m for m in messages)
    assert list((fake_root["root"] / "data" / "cache" / "staging").iterdir()) == []


@needs_mirror
def test_a_changed_source_is_refused_and_data_raw_is_untouched(fake_root):
    entry = _real_entry("rural_urban_2021")
    routes = _mirror_routes(entry)
    routes["/rda"] = (routes["/rda"][0] + b"\0", {})
    server = _serve_entry(fake_root, entry, routes, "rural_urban_2021")
    try:
        with pytest.raises(DataError) as e:
            ensure("rural_urban_2021", **QUIET)
    finally:
        server.close()
    msg = str(e.value)
    assert "source 'rda'" in msg and entry["sources"][0]["sha256"] in msg and "nothing was derived" in msg
    assert "\n" not in msg
    raw = fake_root["root"] / "data" / "raw"
    assert not raw.exists() or list(raw.iterdir()) == []


# --- each derivation on small synthetic originals, served over local HTTP ---------------------------


def _synthetic(fake_root, function: str, args: dict, originals: dict[str, bytes], expected: bytes):
    entry = {
        "title": "Demo",
        "publisher": "Test",
        "landing_page": "http://127.0.0.1:1/",
        "file": "demo.csv",
        "mirror_path": "sub/demo.csv",
        "sha256": hashlib.sha256(expected).hexdigest(),
        "bytes": len(expected),
        "vintage": "test",
        "coverage": "test",
        "licence": {"name": "OGL", "url": "http://example.invalid"},
        "attribution": "t",
        "citation": "t",
        "derived": True,
        "derivation": "test",
        "sources": [{"name": n} for n in originals],
        "derive": {"function": function, "args": args},
    }
    return _serve_entry(fake_root, entry, {f"/{n}": (b, {}) for n, b in originals.items()})


def _fetch_demo(fake_root, server) -> bytes:
    try:
        return ensure("demo", **QUIET).read_bytes()
    finally:
        server.close()


CHART_1 = b"""/* a Highcharts file */{
xAxis: {title: {text:''}, categories: ['Apr 2011','May 2011','Jun 2011']},
series:[
{name: 'All Category A', type: 'line', data: [76.9,77,null]},
{type: 'line', marker: {fillColor: 'none', lineColor: null }, name: 'All Category A trendline', data: [[0, 79.6],[2, 61.8]]},
{name: 'Eight minute target', data: [75,75,75]}
]}"""
CHART_2 = b"""{ xAxis: { categories: ['Apr-11', 'May-11', 'Jun-11'] },
  series: [{ name: 'Percentage', data: [76.9, 77, 75.5] },
           { name: 'Number category A', type: 'column', data: [194617, 0, 196613
]}]}"""


def test_highcharts_series(fake_root):
    spec = {"geography": "England", "call_category": "A"}
    args = {
        "keys": ["geography", "call_category", "measure"],
        "sort": ["measure", "geography", "month"],
        "drop_zero": ["count"],
        "series": [
            {"chart": "c1", "name": "All Category A", "measure": "pct", **spec},
            {"chart": "c2", "name": "Percentage", "measure": "pct", **spec},
            {"chart": "c2", "name": "Number category A", "measure": "count", **spec},
        ],
    }
    expected = (
        b"month,geography,call_category,measure,value,source_chart\n"
        b"2011-04,England,A,count,194617.0,c2\n2011-06,England,A,count,196613.0,c2\n"
        b"2011-04,England,A,pct,76.9,c1\n2011-05,England,A,pct,77.0,c1\n2011-06,England,A,pct,75.5,c2\n"
    )
    server = _synthetic(fake_root, "highcharts_series_csv", args, {"c1": CHART_1, "c2": CHART_2}, expected)
    assert _fetch_demo(fake_root, server) == expected


def test_csv_rows_extract_keeps_lines_verbatim_in_the_listed_order(fake_root):
    original = (
        b'"CODE","NAME","AGE","2022"\r\n'
        b"E1,One,85,1.000\r\nE1,One,86,2.500\r\nE1,One,All ages,10.000\r\n"
        b'E2,"Two, the",85,3.000\r\nE3,Three,85,9.000\r\n'
    )
    args = {"group_column": "CODE", "groups": ["E2", "E1"], "filter_column": "AGE", "keep": ["85", "All ages"]}
    expected = b'"CODE","NAME","AGE","2022"\nE2,"Two, the",85,3.000\nE1,One,85,1.000\nE1,One,All ages,10.000\n'
    server = _synthetic(fake_root, "csv_rows_extract", args, {"csv": original}, expected)
    assert _fetch_demo(fake_root, server) == expected


def test_hansard_table_from_an_html_page(fake_root):
    page = b"""<html><head><script>var x = "Ambulance service 2002-03";</script></head><body>
<p>Emergency calls received</p><table>
<tr><th>Ambulance service</th><th>2002-03</th><th>2003-04</th></tr>
<tr><td>England</td><td>4,934.7</td><td>5,322.8</td></tr>
<tr><td>South East Coast</td><td>403.3</td><td>436.0</td></tr></table>
<p>The information in the table is taken from 2006-07 1.0 2.0</p></body></html>"""
    expected = b"ambulance_service,2002-03,2003-04\nEngland,4934.7,5322.8\nSouth East Coast,403.3,436.0\n"
    server = _synthetic(
        fake_root,
        "hansard_table_csv",
        {"header": "Ambulance service", "first_column": "ambulance_service"},
        {"page": page},
        expected,
    )
    assert _fetch_demo(fake_root, server) == expected


def test_a_derivation_giving_another_digest_is_refused_with_both_digests(fake_root):
    original = b"CODE,AGE\nE1,85\nE1,86\n"
    args = {"group_column": "CODE", "groups": ["E1"], "filter_column": "AGE", "keep": ["85"]}
    pinned = b"CODE,AGE\nE1,86\n"  # not what the derivation makes
    server = _synthetic(fake_root, "csv_rows_extract", args, {"csv": original}, pinned)
    with pytest.raises(DataError) as e:
        _fetch_demo(fake_root, server)
    msg = str(e.value)
    made = hashlib.sha256(b"CODE,AGE\nE1,85\n").hexdigest()
    assert "demo:" in msg and made in msg and hashlib.sha256(pinned).hexdigest() in msg
    assert "not installed" in msg and "mirror" in msg and "\n" not in msg
    raw = fake_root["root"] / "data" / "raw"
    assert not raw.exists() or list(raw.iterdir()) == []


def test_a_source_without_the_expected_content_is_refused(fake_root):
    server = _synthetic(
        fake_root,
        "csv_rows_extract",
        {"group_column": "CODE", "groups": ["E9"], "filter_column": "AGE", "keep": ["85"]},
        {"csv": b"CODE,AGE\nE1,85\n"},
        b"x",
    )
    with pytest.raises(DataError, match="no rows for"):
        _fetch_demo(fake_root, server)
    assert not (fake_root["root"] / "data" / "raw" / "demo.csv").exists()


def test_unknown_derivation_function():
    with pytest.raises(KeyError, match="unknown derivation"):
        derive.run("nope", {}, Path("x"))


def test_every_derivation_the_manifest_can_name_exists():
    """`derive.FUNCTIONS` names each function as text (imported only when a file is derived): each must resolve."""
    import importlib

    from se_ambulance.data.derive import FUNCTIONS

    for name, target in FUNCTIONS.items():
        module, function = target.split(":")
        assert callable(getattr(importlib.import_module(f"se_ambulance.data.derive.{module}"), function, None)), name
