"""`fetch --update` on AmbSYS: every broken candidate is refused by the loader before anything is
replaced; a good one is installed with its pin in one transaction; text describing the data follows it."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from se_ambulance.data import manifest as manifest_mod
from se_ambulance.data.ambsys import load_ambsys
from se_ambulance.data.fetch import ensure
from se_ambulance.data.manifest import load_manifest, previous_vintages
from se_ambulance.errors import DataError
from se_ambulance.paths import cache_dir

from .support.builders import ambsys_csv, org_rows, sha

QUIET = {"progress": lambda m: None}
MONTHS = [(2024, 4), (2024, 5), (2024, 6)]
NAME = "AmbSYS-to-Jun-2024-TEST.csv"
JULY = "AmbSYS-to-Jul-2024-TEST2.csv"  # the next release, under its own name
AUGUST = "AmbSYS-to-Aug-2024-TEST3.csv"


def _rows(months):
    return (
        org_rows("RYD", months, A8=100, A24=50000, A25=500)
        + org_rows("RYE", months, A8=90, A24=40000, A25=450)
        + org_rows("Y59", months, region="South East", A8=190, A24=90000, A25=475)
        + org_rows("Eng", months, region="Eng", A8=1000, A24=480000, A25=480)
    )


GOOD = ambsys_csv(_rows(MONTHS)).encode()


@pytest.fixture
def amb_root(tmp_path, monkeypatch):
    """A project whose manifest pins a small AmbSYS-shaped file, already fetched into data/raw."""
    root = tmp_path / "project"
    (root / "data" / "raw").mkdir(parents=True)
    mirror = tmp_path / "mirror"
    (mirror / "ambsys").mkdir(parents=True)
    (mirror / "ambsys" / NAME).write_bytes(GOOD)
    manifest = (
        "# A comment that must survive an update.\n"
        "licence_default: &ogl\n  name: OGL\n  url: http://example.invalid\n"
        "datasets:\n"
        "  ambsys:\n"
        "    title: AmbSYS\n    publisher: NHS England\n    landing_page: http://127.0.0.1:1/\n"
        f"    file: {NAME}\n    mirror_path: ambsys/{NAME}\n    sha256: {sha(GOOD)}\n    bytes: {len(GOOD)}\n"
        "    vintage: data to June 2024\n    coverage: 2024-04 to 2024-06; test\n    licence: *ogl\n"
        "    attribution: test\n    citation: NHS England (2024). AmbSYS to June 2024.\n"
        "    url: http://127.0.0.1:1/AmbSYS.csv\n    adopted: '2024-07-11'\n"
    )
    (root / "data" / "manifest.yaml").write_text(manifest, encoding="utf-8")
    monkeypatch.setenv("SE_AMBULANCE_HOME", str(root))
    monkeypatch.delenv("SE_AMBULANCE_DATA_MIRROR", raising=False)
    ensure("ambsys", mirror=mirror, **QUIET)
    return {
        "root": root,
        "mirror": mirror,
        "manifest": root / "data" / "manifest.yaml",
        "raw": root / "data" / "raw" / NAME,
    }


def _offer(amb_root, data: bytes, name: str = JULY) -> None:
    (amb_root["mirror"] / "ambsys" / name).write_bytes(data)


def _unchanged(amb_root, manifest_text: str) -> None:
    assert amb_root["raw"].read_bytes() == GOOD
    assert amb_root["manifest"].read_text(encoding="utf-8") == manifest_text
    assert sorted(p.name for p in amb_root["raw"].parent.iterdir()) == [NAME]
    assert ensure("ambsys", **QUIET) == amb_root["raw"]  # the old pin still holds


def _broken():
    text = GOOD.decode()
    header, *lines = text.splitlines()
    no_may = [ln for ln in lines if not (ln.startswith("2024,5,") and ",RYD," in ln)]
    dup = lines + [lines[1]]
    nonnum = [lines[0].replace(",500,", ",fast,", 1)] + lines[1:]
    cafe = text.replace("RYD name", "RYD café")
    return {
        "truncated": (text[: len(text) // 2].encode(), "truncated"),
        "empty": (b"", "is empty"),
        "header only": ((header + "\n").encode(), "header row but no data rows"),
        "html page": (b"<!DOCTYPE html><html><body>Page not found</body></html>", "web page"),
        "renamed column": (text.replace(",A24,", ",A24_total,", 1).encode(), r"lacks required column\(s\): A24"),
        "missing column": (
            "\n".join(",".join(c for i, c in enumerate(ln.split(",")) if i != 5) for ln in text.splitlines()).encode(),
            r"lacks required column\(s\): A0",
        ),
        "missing month": ("\n".join([header, *no_may]).encode(), "RYD has no row for 2024-05"),
        "duplicated rows": ("\n".join([header, *dup]).encode(), "more than one row for 2024-05"),
        "non-numeric": ("\n".join([header, *nonnum]).encode(), "value 'fast' is not a number"),
        "windows-1252": (cafe.encode("cp1252"), "is not UTF-8 text"),
        "utf-16": (text.encode("utf-16"), "is not UTF-8 text"),
    }


@pytest.mark.parametrize("case", list(_broken()))
def test_update_refuses_a_broken_candidate_and_changes_nothing(amb_root, case):
    data, message = _broken()[case]
    before = amb_root["manifest"].read_text(encoding="utf-8")
    _offer(amb_root, data)
    with pytest.raises(DataError, match=message) as e:
        ensure("ambsys", mirror=amb_root["mirror"], update=True, **QUIET)
    assert "refused and nothing was changed" in str(e.value)
    _unchanged(amb_root, before)
    assert previous_vintages("ambsys") == []


def test_update_adopts_a_good_new_vintage_and_the_text_follows_the_file(amb_root):
    newer = ambsys_csv(_rows(MONTHS + [(2024, 7)])).encode()
    _offer(amb_root, newer)
    ensure("ambsys", mirror=amb_root["mirror"], update=True, **QUIET)
    ds = load_manifest()["ambsys"]
    assert ds.file == JULY and ds.mirror_path == f"ambsys/{JULY}"  # the release's own name
    assert ds.sha256 == sha(newer) and (amb_root["raw"].parent / JULY).read_bytes() == newer
    assert amb_root["raw"].read_bytes() == GOOD  # the replaced release is kept beside it
    # Its official address follows NHS England's upload pattern: the folder of the month after its data's last.
    assert ds.url == f"https://www.england.nhs.uk/statistics/wp-content/uploads/sites/2/2024/08/{JULY}"
    assert ds.vintage == "data to July 2024"
    assert ds.coverage == "2024-04 to 2024-07; England, 1 NHS England regions, 2 ambulance providers"
    assert ds.citation == "NHS England (2024). Ambulance Quality Indicators, AmbSYS time series to July 2024."
    [prev] = previous_vintages("ambsys")
    assert (prev.sha256, prev.vintage, prev.coverage, prev.adopted) == (
        sha(GOOD),
        "data to June 2024",
        "2024-04 to 2024-06; test",
        "2024-07-11",
    )
    text = amb_root["manifest"].read_text(encoding="utf-8")
    assert "# A comment that must survive an update." in text and "licence: *ogl" in text
    # A second update keeps both earlier vintages, newest first.
    newest = ambsys_csv(_rows(MONTHS + [(2024, 7), (2024, 8)])).encode()
    _offer(amb_root, newest, AUGUST)
    ensure("ambsys", mirror=amb_root["mirror"], update=True, **QUIET)
    assert [p.vintage for p in previous_vintages("ambsys")] == ["data to July 2024", "data to June 2024"]
    assert load_manifest()["ambsys"].vintage == "data to August 2024"


def test_a_failed_manifest_write_rolls_back_the_raw_file(amb_root, monkeypatch):
    before = amb_root["manifest"].read_text(encoding="utf-8")
    _offer(amb_root, ambsys_csv(_rows(MONTHS + [(2024, 7)])).encode())

    def disk_full(path, text):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(manifest_mod, "atomic_write_text", disk_full)
    with pytest.raises(DataError, match="put back as they were"):
        ensure("ambsys", mirror=amb_root["mirror"], update=True, **QUIET)
    monkeypatch.undo()
    monkeypatch.setenv("SE_AMBULANCE_HOME", str(amb_root["root"]))
    _unchanged(amb_root, before)


def test_an_interrupted_update_rolls_back_too(amb_root, monkeypatch):
    before = amb_root["manifest"].read_text(encoding="utf-8")
    _offer(amb_root, ambsys_csv(_rows(MONTHS + [(2024, 7)])).encode())

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(manifest_mod, "record_new_vintage", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ensure("ambsys", mirror=amb_root["mirror"], update=True, **QUIET)
    _unchanged(amb_root, before)


@pytest.mark.parametrize("damage", [b"PAR1 this is not parquet", b""])
def test_a_corrupt_parquet_cache_is_detected_deleted_and_rebuilt(amb_root, capsys, damage):
    first = load_ambsys()
    [cache] = list(cache_dir().glob("ambsys-*.parquet"))
    cache.write_bytes(damage)
    capsys.readouterr()
    pd.testing.assert_frame_equal(load_ambsys(), first)
    err = capsys.readouterr().err
    assert "could not be read" in err and "rebuilding it from the raw file" in err
    pd.testing.assert_frame_equal(pd.read_parquet(cache), pd.read_parquet(cache))  # readable again
    assert len(pd.read_parquet(cache)) == len(first)


def test_manifest_write_is_checked_before_it_replaces_the_file(amb_root):
    text = amb_root["manifest"].read_text(encoding="utf-8")
    new = manifest_mod.updated_manifest_text(text, "ambsys", {"vintage": 'data to "July": 2024'}, None)
    body = yaml.safe_load(new)["datasets"]["ambsys"]
    assert body["vintage"] == 'data to "July": 2024'  # quoted safely
    assert yaml.safe_load(new)["licence_default"] == yaml.safe_load(text)["licence_default"]


def test_previous_pin_text_puts_an_update_back(amb_root):
    before = amb_root["manifest"].read_text(encoding="utf-8")
    _offer(amb_root, ambsys_csv(_rows(MONTHS + [(2024, 7)])).encode())
    ensure("ambsys", mirror=amb_root["mirror"], update=True, **QUIET)
    after = amb_root["manifest"].read_text(encoding="utf-8")
    back = manifest_mod.previous_pin_text(after, "ambsys", "NHS England (2024). AmbSYS to June 2024.")
    assert yaml.safe_load(back) == yaml.safe_load(before)
    assert "# A comment that must survive an update." in back
    with pytest.raises(DataError, match="records no previous vintage"):
        manifest_mod.previous_pin_text(back, "ambsys")


def test_adoption_dates_of_the_current_and_previous_releases(amb_root):
    import datetime as dt

    from se_ambulance.data.vintages import adoption_date, find_release

    _offer(amb_root, ambsys_csv(_rows(MONTHS + [(2024, 7)])).encode())
    ensure("ambsys", mirror=amb_root["mirror"], update=True, **QUIET)
    current = load_manifest()["ambsys"]
    assert adoption_date(current) == dt.date.today() == adoption_date(JULY)
    assert adoption_date(NAME) == dt.date(2024, 7, 11) == adoption_date(find_release(sha(GOOD)[:12]))
    assert adoption_date(find_release(NAME).model_copy(update={"adopted": None})) is None  # before dates were kept
    with pytest.raises(DataError, match="not a date"):
        adoption_date(find_release(NAME).model_copy(update={"adopted": "last spring"}))
    with pytest.raises(DataError, match="No vintage 'AmbSYS-to-Jan-1999-X.csv' of 'ambsys' is recorded"):
        adoption_date("AmbSYS-to-Jan-1999-X.csv")


def test_the_book_s_releases_were_adopted_on_the_dates_the_manifest_records():
    import datetime as dt

    from se_ambulance.data.vintages import adoption_date

    assert adoption_date("AmbSYS-to-Mar-2026-UI7FG.csv") == dt.date(2026, 11, 21)
    assert adoption_date("AmbSYS-to-Apr-2026-QWZX3.csv") == dt.date(2026, 12, 7)
