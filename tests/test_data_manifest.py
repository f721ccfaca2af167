"""The manifest: entries cannot point outside data/raw or the mirror; every dataset has an official
route or says it is derived; the committed manifest pins what the mirror holds."""

from __future__ import annotations

import re

from pathlib import Path

import pytest
import yaml

from se_ambulance.data.fetch import ensure
from se_ambulance.data.manifest import load_manifest, previous_vintages
from se_ambulance.data.validate import VALIDATORS
from se_ambulance.errors import DataError

from .support.builders import data_mirror

QUIET = {"progress": lambda m: None}
ROOT = Path(__file__).resolve().parents[1]


def _set(root, **fields):
    path = root / "data" / "manifest.yaml"
    m = yaml.safe_load(path.read_text())
    m["datasets"]["demo"].update(fields)
    path.write_text(yaml.safe_dump(m))


@pytest.mark.parametrize("bad", ["../../x.csv", "/etc/passwd", "sub/demo.csv", "..", "C:evil.csv", "~x"])
def test_a_file_outside_data_raw_is_refused_at_load(fake_root, bad):
    _set(fake_root["root"], file=bad)
    with pytest.raises(DataError, match=r"Dataset 'demo'.*file: .*plain file name inside data/raw"):
        load_manifest()


@pytest.mark.parametrize("bad", ["../../../etc/passwd", "/etc/passwd", "sub/../../x", "~/x"])
def test_a_mirror_path_outside_the_mirror_is_refused_at_load(fake_root, bad):
    _set(fake_root["root"], mirror_path=bad)
    with pytest.raises(DataError, match=r"mirror_path: .*relative path inside the mirror folder"):
        load_manifest()


def test_a_mirror_path_that_escapes_through_a_symlink_is_refused(fake_root, tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_bytes(fake_root["payload"])
    (fake_root["mirror"] / "link").symlink_to(tmp_path)
    _set(fake_root["root"], mirror_path="link/outside.csv")
    for update in (False, True):
        with pytest.raises(DataError, match="leads outside the mirror folder"):
            ensure("demo", mirror=fake_root["mirror"], update=update, **QUIET)
    assert not (fake_root["root"] / "data" / "raw" / "demo.csv").exists()


def test_derived_needs_a_derivation_sources_a_function_and_no_url(fake_root):
    _set(fake_root["root"], derived=True)
    with pytest.raises(DataError, match="derivation"):
        load_manifest()
    src = [{"name": "csv", "url": "https://example.org/big.csv"}]
    how = {"function": "csv_rows_extract", "args": {}}
    _set(
        fake_root["root"],
        derived=True,
        derivation="made by hand",
        url="https://example.org/x.csv",
        sources=src,
        derive=how,
    )
    with pytest.raises(DataError, match="no URL of its own"):
        load_manifest()
    _set(fake_root["root"], derived=True, derivation="made by hand", url=None, sources=[], derive=None)
    with pytest.raises(DataError, match="needs `sources:`"):
        load_manifest()
    _set(fake_root["root"], derived=True, derivation="made by hand", url=None, sources=src, derive={"function": "nope"})
    with pytest.raises(DataError, match="not a derivation"):
        load_manifest()
    _set(
        fake_root["root"],
        derived=True,
        derivation="made by hand",
        url=None,
        sources=[{"name": "csv", "url": "file:///etc/passwd"}],
        derive=how,
    )
    with pytest.raises(DataError, match="http"):
        load_manifest()
    _set(fake_root["root"], derived=False, derivation=None, url=None, sources=src, derive=how)
    with pytest.raises(DataError, match="only a derived file"):
        load_manifest()


def test_a_merge_conflict_in_the_manifest_is_named(fake_root):
    path = fake_root["root"] / "data" / "manifest.yaml"
    path.write_text("<<<<<<< HEAD\n" + path.read_text() + "=======\n>>>>>>> other\n")
    with pytest.raises(DataError, match="merge-conflict"):
        load_manifest()


def test_previous_vintages_of_an_unknown_dataset(fake_root):
    assert previous_vintages("demo") == []
    with pytest.raises(DataError, match="Known datasets: demo"):
        previous_vintages("nope")


# --- the committed manifest ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    return load_manifest(ROOT / "data" / "manifest.yaml")


def test_every_dataset_has_an_official_url_or_is_marked_derived(real):
    for ds in real.values():
        if ds.derived:
            assert ds.url is None and ds.derivation and ds.derive and ds.sources, ds.id
            for src in ds.sources:  # the official route: each original at its pinned commit or release
                assert src.url.startswith("https://"), (ds.id, src.name)
                if "raw.githubusercontent.com" in src.url:
                    assert re.search(r"/[0-9a-f]{40}/", src.url), (ds.id, src.url)
            assert "only in the data mirror" not in ds.derivation, ds.id
        else:
            assert ds.url and ds.url.startswith("https://"), ds.id
        assert ds.adopted, ds.id


def test_official_urls_follow_the_sources(real):
    assert real["ambsys"].url.startswith("https://www.england.nhs.uk/statistics/wp-content/uploads/")
    assert real["ambsys"].url.endswith("/" + real["ambsys"].file)
    assert real["snpp_region"].url.startswith("https://www.ons.gov.uk/file?uri=")
    for ds_id, commit in [
        ("ambco", "1d0d870b3d7096d24fc080c879755ee2374898db"),
        ("arp_dates", "9bd47e5f57dee58e0eff629741c3f4a5f5281a0a"),
        ("snpp_subicb", "8b8c93fac9aecd21a4afdde35a7dcde4c0990589"),
        ("workforce_fte", "109d3662be34a5357b658fca76213e68cf034177"),
    ]:
        assert "raw.githubusercontent.com/" in real[ds_id].url and f"/{commit}/" in real[ds_id].url
    assert {d.id for d in real.values() if d.derived} == {
        "pre_arp",
        "snpp_la_85plus",
        "mye_2019_utla",
        "emergency_calls_history",
        # geography (issue 14): each a CSV/GeoJSON copy of an .rda, or built from such copies
        "trust_polygons",
        "district_boundaries",
        "district_trust_overlay_2021",
        "district_trust_overlay_2024",
        "lsoa_subicb_lookup",
        "rural_urban_2021",
        "ccg_footprint_population",
        "mye_2020_ltla",
    }


def test_every_dataset_has_a_loader_to_check_an_update(real):
    assert set(real) <= set(VALIDATORS)


MIRROR = data_mirror()  # absolute, resolved as the fetch resolves it


@pytest.mark.skipif(not MIRROR.is_dir(), reason="needs the data mirror")
def test_the_mirror_holds_exactly_the_pinned_files(real):
    from se_ambulance.data.fetch import sha256_file

    for ds in real.values():
        f = MIRROR / ds.mirror_path
        assert f.stat().st_size == ds.bytes and sha256_file(f) == ds.sha256, ds.id
