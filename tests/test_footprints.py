"""Footprints of every ambulance trust (issue 14): checked against independent figures, the
apportionment on a synthetic table, the county construction kept for SECAmb and SCAS, 85+ growth by
district, and the geography loaders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from se_ambulance.analysis import footprints as fp
from se_ambulance.analysis import population as pop
from se_ambulance.data import geography
from se_ambulance.data.population import AGE_BANDS, load_la_85plus, load_region, load_subicb
from se_ambulance.data.validate import check_candidate
from se_ambulance.errors import DataError

from .support.builders import data_mirror

ROOT = Path(__file__).resolve().parents[1]
MIRROR = data_mirror()  # absolute, resolved as the fetch resolves it
needs_data = pytest.mark.skipif(not MIRROR.is_dir(), reason="needs the data mirror")

# The ONS sub-ICB table is rounded to whole people per sex and band, Table 1's England row is not:
# 106 sub-ICBs × 2 sexes × 0.5 is the most rounding can make one band differ.
ENGLAND_TOLERANCE = 106
# Share of the ten trusts' population, footprint (2022 projection) against NHS England's CCG
# footprints (mid-2018 estimates). They differ by growth that differs between trusts over four years
# (London grew least, and the 2021 Census revised it down most), by CCG boundaries that moved after
# April 2018 (Glossop to Derbyshire) and by the apportionment; measured: London −2.4%, SCAS +1.7%,
# East Midlands +1.4%, every other trust within ±1.1%.
CCG_TOLERANCE = 0.03


# --- synthetic: the apportionment ---------------------------------------------------------------


def _synthetic():
    # Sub-ICB S1 lies in districts D1 (trust A) and D2 (trust B); S2 wholly in D3 (trust B).
    lookup = pd.DataFrame(
        {
            "lsoa11_code": [f"E0100000{i}" for i in range(8)],
            "sicbl22_code": ["S1", "S1", "S1", "S1", "S2", "S2", "S1", "S1"],
            "ltla22_code": ["D1", "D1", "D1", "D2", "D3", "D3", "D4", "D4"],
        }
    )
    overlay = pd.DataFrame({"ltla_code": ["D1", "D2", "D3", "D4"], "amb_org_code": ["A", "B", "B", "B"]})
    # D4 is split by area; its LSOAs in S1 go to A by the piece rule.
    pieces = {("D4", "S1"): "A"}
    bands = pd.DataFrame(1.0, index=pd.Index(["D1", "D2", "D3", "D4"], name="district"), columns=AGE_BANDS)
    bands.loc["D1"] = 300.0  # D1 has 300 people per band, D2 100 (one LSOA); D4 200 (two LSOAs)
    bands.loc["D2"] = 100.0
    bands.loc["D4"] = 200.0
    return lookup, overlay, pieces, bands


def test_a_straddling_sub_icb_is_split_by_population_weight():
    lookup, overlay, pieces, bands = _synthetic()
    lsoas = fp.lsoa_trusts(lookup, overlay, pieces)
    assert lsoas.set_index("lsoa11_code").loc["E01000006", "trust"] == "A"
    shares = fp.subicb_shares(fp.piece_weights(lsoas, bands))
    s1 = shares[(shares["subicb"] == "S1") & (shares["age_group"] == "85-89")].set_index("trust")["share"]
    # A: all of D1 (300) + all of D4 (200); B: all of D2 (100) → 5/6 and 1/6
    assert s1["A"] == pytest.approx(5 / 6) and s1["B"] == pytest.approx(1 / 6)
    assert shares.groupby(["subicb", "age_group"])["share"].sum().round(12).eq(1).all()
    proj = pd.DataFrame(
        [{"code": s, "year": 2030, "age_group": b, "population": 600.0} for s in ("S1", "S2") for b in AGE_BANDS]
    )
    a = fp.apportioned(proj, shares, ["A"])
    b = fp.apportioned(proj, shares, ["B"])
    assert a.loc[2030, "0-4"] == pytest.approx(500) and b.loc[2030, "0-4"] == pytest.approx(100 + 600)
    assert (a + b).loc[2030].sum() == pytest.approx(1200 * len(AGE_BANDS))


def test_a_piece_that_counts_only_part_of_a_district_weighs_its_share_of_the_lsoas():
    lookup = pd.DataFrame(
        {
            "lsoa11_code": ["L1", "L2", "L3", "L4"],
            "sicbl22_code": ["S1", "S1", "S1", "S2"],
            "ltla22_code": ["D1", "D1", "D2", "D2"],
        }
    )
    overlay = pd.DataFrame({"ltla_code": ["D1", "D2"], "amb_org_code": ["A", "B"]})
    bands = pd.DataFrame(400.0, index=pd.Index(["D1", "D2"], name="district"), columns=AGE_BANDS)
    shares = fp.subicb_shares(fp.piece_weights(fp.lsoa_trusts(lookup, overlay, {}), bands))
    s1 = shares[(shares["subicb"] == "S1") & (shares["age_group"] == "0-4")].set_index("trust")["share"]
    assert s1["A"] == pytest.approx(400 / 600) and s1["B"] == pytest.approx(200 / 600)


def test_unknown_trust_codes_and_constructions_are_refused():
    shares = pd.DataFrame({"subicb": ["S"], "trust": ["A"], "age_group": ["0-4"], "share": [1.0], "lsoas": [1]})
    with pytest.raises(ValueError, match="unknown trust code"):
        fp.footprint_population(["ZZZ"], pd.DataFrame(), shares)
    with pytest.raises(ValueError, match="construction must be"):
        fp.footprint_population(["A"], pd.DataFrame(), shares, construction="best")


# --- real data ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    subicb, region, la = load_subicb(), load_region(), load_la_85plus()
    lookup, overlay = geography.load_lsoa_subicb_lookup(), geography.load_district_trust_overlay(2021)
    mye = geography.load_district_population_2020()
    lsoas = fp.lsoa_trusts(lookup, overlay)
    bands = fp.district_bands(mye)
    shares = fp.subicb_shares(fp.piece_weights(lsoas, bands))
    return {"subicb": subicb, "region": region, "la": la, "lsoas": lsoas, "bands": bands, "shares": shares, "mye": mye}


@needs_data
def test_every_sub_icb_of_the_projections_is_assigned_and_shares_add_to_one(real):
    assert set(real["shares"]["subicb"]) == set(real["subicb"]["code"])
    assert real["shares"].groupby(["subicb", "age_group"])["share"].sum().round(9).eq(1).all()


@needs_data
def test_only_the_known_sub_icbs_straddle_two_trusts(real):
    s = fp.straddling(real["shares"])
    assert set(s["subicb"]) == {"E38000252", "E38000253", "E38000249", "E38000231"}
    frimley = s[s["subicb"] == "E38000252"].set_index("trust")["mean_share"]
    assert set(frimley.index) == {"RYD", "RYE"} and 0.35 < frimley["RYD"] < 0.5


@needs_data
@pytest.mark.parametrize("year", [2022, 2035])
def test_all_trusts_and_the_isle_of_wight_add_up_to_england(real, year):
    by_trust = fp.all_trusts(real["subicb"], real["shares"], year)
    assert set(by_trust.index) == {"RRU", "RX6", "RX7", "RX8", "RX9", "RYA", "RYC", "RYD", "RYE", "RYF", "R1F"}
    check = fp.england_check(by_trust, real["region"], year)
    assert check["difference"].abs().max() <= ENGLAND_TOLERANCE, check


@needs_data
def test_each_trust_is_close_to_its_ccg_footprint_population(real):
    by_trust = fp.all_trusts(real["subicb"], real["shares"], 2022)
    cmp = fp.against_ccg_footprints(by_trust, geography.load_ccg_footprint_population(), 2018)
    assert len(cmp) == 10
    assert cmp["difference"].abs().max() <= CCG_TOLERANCE, cmp
    secamb = cmp.set_index("org_code").loc["RYD"]
    assert secamb["ccg_pop"] == 4_895_121  # FACTS.md: South East Coast, 2018 CCG footprint


@needs_data
def test_the_apportionment_error_is_stated_and_small(real):
    check = fp.apportionment_check(real["subicb"], real["shares"], real["lsoas"], real["bands"])
    assert set(check.columns) >= {"subicb", "trust", "share", "population", "gap", "error"}
    assert check["gap"].abs().max() < 0.06  # each straddling sub-ICB rebuilt from its pieces within 6%
    assert check.groupby("trust")["error"].sum().max() < 20_000


@needs_data
@pytest.mark.parametrize("code", ["RYD", "RYE"])
def test_secamb_and_scas_keep_the_county_construction(real, code):
    got = fp.footprint_population([code], real["subicb"], real["shares"])
    assert got.construction == "county"
    today = pop.banded(pop.FOOTPRINTS[code], real["subicb"])
    pd.testing.assert_frame_equal(got.banded, today.astype(float), check_names=False)
    both = fp.footprint_population(["RYD", "RYE"], real["subicb"], real["shares"])
    pd.testing.assert_frame_equal(
        both.banded, pop.banded(pop.FOOTPRINTS["GROUP"], real["subicb"]).astype(float), check_names=False
    )


@needs_data
def test_a_mixed_group_says_which_construction_each_member_used(real):
    got = fp.footprint_population(["RYD", "RYF"], real["subicb"], real["shares"])
    assert got.members.set_index("org_code")["construction"].to_dict() == {"RYD": "county", "RYF": "apportioned"}
    assert got.construction == "county + apportioned"
    rydf = pop.banded(pop.FOOTPRINTS["RYD"], real["subicb"]) + fp.apportioned(real["subicb"], real["shares"], ["RYF"])
    pd.testing.assert_frame_equal(got.banded, rydf, check_names=False)
    iow = fp.footprint_population(["RYE", "R1F"], real["subicb"], real["shares"])
    assert iow.construction == "apportioned"


@needs_data
def test_district_85plus_adds_up_to_england_and_uses_district_projections_where_they_exist(real):
    d85 = fp.district_85plus(real["subicb"], real["la"], real["lsoas"], real["mye"], [2024, 2035])
    eng = real["region"][(real["region"]["code"] == "E92000001") & real["region"]["age_group"].isin(fp.OLD_BANDS)]
    for year in (2024, 2035):
        total = d85.loc[d85["year"] == year, "aged_85_plus"].sum()
        expected = eng.loc[eng["year"] == year, "population"].sum()
        assert abs(total / expected - 1) < 0.001
    assert d85["code"].nunique() == 296
    own = set(d85.loc[d85["level"] == "district", "code"])
    assert len(own) == 26 and "E07000089" in own  # Hart


@needs_data
def test_85plus_growth_by_district_and_by_rural_urban_class(real):
    d85 = fp.district_85plus(real["subicb"], real["la"], real["lsoas"], real["mye"], [2024, 2034, 2035])
    districts = fp.footprint_districts(geography.load_district_trust_overlay(2024), ["RYD", "RYE"])
    assert len(districts) == 63
    growth = fp.district_85plus_growth(d85, districts, 2024, 2035, geography.load_rural_urban())
    assert growth["growth"].between(0.1, 1.0).all() and growth["class"].notna().all()
    by_class = fp.growth_by_rural_urban(growth)
    assert by_class["districts"].sum() == 63
    total = by_class["target_85"].sum() / by_class["base_85"].sum() - 1
    assert total == pytest.approx(growth["target_85"].sum() / growth["base_85"].sum() - 1)
    # The SECAmb counties' 85+ growth 2024-2034 is +48.0% (population/SOURCES.md); the districts'
    # estimates reproduce it apart from Rushmoor (in SECAmb's CCG footprint, not its counties).
    secamb = fp.district_85plus_growth(
        d85, fp.footprint_districts(geography.load_district_trust_overlay(2024), ["RYD"]), 2024, 2034
    )
    counties = secamb[secamb["code"] != "E07000092"]
    assert counties["target_85"].sum() / counties["base_85"].sum() - 1 == pytest.approx(0.480, abs=0.002)


# --- loaders ------------------------------------------------------------------------------------

CSV = {  # dataset: a column its loader needs
    "district_trust_overlay_2021": "amb_org_code",
    "lsoa_subicb_lookup": "sicbl22_code",
    "rural_urban_2021": "ltla24_code",
    "ccg_footprint_population": "site",
    "mye_2020_ltla": "ltla21_code",
}


def _pinned(ds_id: str) -> Path:
    from se_ambulance.data.manifest import load_manifest

    return MIRROR / load_manifest(ROOT / "data" / "manifest.yaml")[ds_id].mirror_path


@needs_data
@pytest.mark.parametrize("ds_id", [*CSV, "district_trust_overlay_2024", "trust_polygons", "district_boundaries"])
def test_the_pinned_geography_files_are_accepted(ds_id):
    check_candidate(ds_id, _pinned(ds_id))


@needs_data
@pytest.mark.parametrize("ds_id", list(CSV))
def test_a_broken_geography_csv_is_refused(tmp_path, ds_id):
    text = _pinned(ds_id).read_text(encoding="utf-8-sig")
    header, first, *rest = text.splitlines()
    for bad, message in [
        (text[: len(text) // 3].rsplit(",", 1)[0], "truncated|fields where the header"),
        (header + "\n", "no data rows"),
        (text.replace(CSV[ds_id], CSV[ds_id] + "_x", 1), "lacks required column"),
        ("\n".join([header, first, first, *rest[:5]]), "more than one row"),
    ]:
        path = tmp_path / "x.csv"
        path.write_text(bad)
        with pytest.raises(DataError, match=message):
            check_candidate(ds_id, path)


@needs_data
def test_broken_geojson_is_refused(tmp_path):
    path = tmp_path / "x.geojson"
    text = _pinned("trust_polygons").read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(DataError, match="not valid JSON"):
        geography.read_trust_polygons(path)
    path.write_text(text.replace('"South Central"', '"Somewhere Else"'))
    with pytest.raises(DataError, match="not expected"):
        geography.read_trust_polygons(path)
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"site": "London"}, "geometry": {"type": "Polygon", "coordinates": '
        "[[[530000, 180000], [531000, 180000], [531000, 181000], [530000, 180000]]]}}]}"
    )
    with pytest.raises(DataError, match="another projection"):
        geography.read_trust_polygons(path)
