"""Every loader reads a file at a given path, accepts the pinned file, and refuses a broken one
with a plain-words message (what `fetch --update` shows before it changes anything)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from se_ambulance.data import ambco, history, population, pre_arp, workforce
from se_ambulance.data.manifest import load_manifest
from se_ambulance.data.validate import VALIDATORS, check_candidate
from se_ambulance.errors import DataError

from .support.builders import data_mirror

ROOT = Path(__file__).resolve().parents[1]
MIRROR = data_mirror()  # absolute, resolved as the fetch resolves it
pytestmark = pytest.mark.skipif(not MIRROR.is_dir(), reason="needs the data mirror")

CSV_READERS = {
    "ambco": ambco.read_ambco,
    "pre_arp": pre_arp.read_pre_arp,
    "snpp_subicb": population.read_subicb,
    "snpp_la_85plus": population.read_la_85plus,
    "mye_2019_utla": population.read_mye_2019,
    "emergency_calls_history": history.read_emergency_calls,
}


def _pinned(ds_id: str) -> Path:
    return MIRROR / load_manifest(ROOT / "data" / "manifest.yaml")[ds_id].mirror_path


def _breakages(text: str) -> dict[str, tuple[bytes, str]]:
    header, *lines = text.splitlines()
    first = header.split(",")[0]
    return {
        "truncated": (text[: len(text) * 2 // 3].rsplit(",", 1)[0].encode(), "truncated"),
        "empty": (b"", "is empty"),
        "header only": ((header + "\n").encode(), "no data rows"),
        "html": (b"<html><body>Not found</body></html>", "web page"),
        "renamed column": (text.replace(first, first + "_x", 1).encode(), "lacks required column"),
        "duplicated rows": ("\n".join([header, *lines, lines[0]]).encode(), "more than one row"),
        "encoding": (text.encode("utf-16"), "is not UTF-8"),
    }


@pytest.mark.parametrize("ds_id", list(CSV_READERS))
def test_the_pinned_file_is_accepted(ds_id):
    assert len(CSV_READERS[ds_id](_pinned(ds_id))) > 0
    check_candidate(ds_id, _pinned(ds_id))  # the registry names the same reader


@pytest.mark.parametrize("case", list(_breakages("a,b\n1,2\n")))
@pytest.mark.parametrize("ds_id", list(CSV_READERS))
def test_a_broken_file_is_refused_in_plain_words(tmp_path, ds_id, case):
    text = _pinned(ds_id).read_text(encoding="utf-8-sig")
    data, message = _breakages(text)[case]
    bad = tmp_path / _pinned(ds_id).name
    bad.write_bytes(data)
    with pytest.raises(DataError, match=message):
        check_candidate(ds_id, bad)


def test_non_numeric_values_are_named(tmp_path):
    src = _pinned("emergency_calls_history").read_text()
    bad = tmp_path / "calls.csv"
    bad.write_text(src.replace("493.0", "n/a"))
    with pytest.raises(DataError, match=r"column '2005-06': value 'n/a' is not a number"):
        history.read_emergency_calls(bad)


def test_a_missing_month_is_named(tmp_path):
    src = _pinned("pre_arp").read_text()
    bad = tmp_path / "pre.csv"
    bad.write_text("\n".join(ln for ln in src.splitlines() if not ln.startswith("2014-06")) + "\n")
    with pytest.raises(DataError, match="no rows for 2014-06"):
        pre_arp.read_pre_arp(bad)


def test_a_missing_history_row_breaks_the_england_total(tmp_path):
    src = _pinned("emergency_calls_history").read_text()
    bad = tmp_path / "calls.csv"
    bad.write_text("\n".join(ln for ln in src.splitlines() if not ln.startswith("London")) + "\n")
    with pytest.raises(DataError, match="the services add up to .* England row says"):
        history.read_emergency_calls(bad)


def test_arp_dates_and_region_workbook_refuse_garbage(tmp_path):
    pre_arp.read_arp_dates(_pinned("arp_dates"))
    population.read_region(_pinned("snpp_region"))
    bad = tmp_path / "x.xls"
    bad.write_bytes(b"<html>moved</html>")
    with pytest.raises(DataError, match="not a readable Excel 97-2003"):
        population.read_region(bad)
    bad = tmp_path / "ARP.csv"
    bad.write_bytes("a,b\n1,2\n".encode("utf-16"))
    with pytest.raises(DataError, match="is not UTF-8"):
        pre_arp.read_arp_dates(bad)


def test_every_manifest_dataset_is_checked_by_a_loader():
    assert set(load_manifest(ROOT / "data" / "manifest.yaml")) <= set(VALIDATORS)


def test_the_workforce_loader_says_it_needs_openpyxl(monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(DataError, match="needs the openpyxl package"):
        workforce.read_workforce(_pinned("workforce_fte"))


def test_the_workforce_loader_refuses_a_non_workbook(tmp_path):
    pytest.importorskip("openpyxl", reason="the workforce loader needs openpyxl")
    bad = tmp_path / "staff.xlsx"
    bad.write_bytes(b"a,b\n1,2\n")
    with pytest.raises(DataError, match=r"not a readable Excel \(.xlsx\) workbook"):
        workforce.read_workforce(bad)
