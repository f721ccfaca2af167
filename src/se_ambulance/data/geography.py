"""Loaders for the geography files: ambulance trust footprints, district boundaries, the district →
trust overlay, the LSOA → sub-ICB → district lookup, the rural–urban classification, the CCG-footprint
populations by trust, and the mid-2020 district estimates used to weight straddling areas.

Every file here is described in the mirror's `geography/SOURCES.md` (and `population/SOURCES.md` for
the mid-2020 estimates). Each file has a `read_*(path)` that checks it (what `fetch --update` runs on a
candidate) and a `load_*()` that fetches the pinned file and reads it. The GeoJSON readers return a
DataFrame with one shapely geometry per row in `geometry`; they do not repair, simplify or rewind
anything (that is `analysis.footprints`' job).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import shape

from se_ambulance.data.common import no_duplicates, numeric, read_csv, read_text
from se_ambulance.data.fetch import ensure
from se_ambulance.errors import DataError
from se_ambulance.reference.orgs import ARP_TABLE_NAMES

# Trust codes the overlay may name: the ten trusts with polygons, plus the Isle of Wight (set by hand).
TRUST_CODES: tuple[str, ...] = (*ARP_TABLE_NAMES, "R1F")
# A generous box round the UK (WGS84): a projected file (metres) or swapped axes fail here.
_LON, _LAT = (-9.0, 2.5), (49.5, 61.0)


# --- GeoJSON -------------------------------------------------------------------------------------

def _features(path: Path, what: str, properties: list[str]) -> list[dict]:
    path = Path(path)
    text = read_text(path, what)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise DataError(f"{path} is not valid JSON ({e.msg} at line {e.lineno}); expected {what}. "
                        "The file is truncated or is not GeoJSON; fetch it again.") from e
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(
            doc.get("features"), list):
        raise DataError(f"{path} is not a GeoJSON FeatureCollection; expected {what}.")
    if not doc["features"]:
        raise DataError(f"{path} has no features: expected {what}.")
    for i, f in enumerate(doc["features"], start=1):
        props = (f or {}).get("properties") or {}
        missing = [p for p in properties if p not in props]
        if missing:
            raise DataError(f"{path}, feature {i}: no property {', '.join(map(repr, missing))}; it has "
                            f"{', '.join(map(repr, sorted(props))) or 'none'}. The file is not {what}.")
        geom = (f or {}).get("geometry") or {}
        if geom.get("type") not in ("Polygon", "MultiPolygon"):
            raise DataError(f"{path}, feature {i} ({props.get(properties[0])}): geometry is "
                            f"{geom.get('type')!r}, not a Polygon or MultiPolygon.")
    return doc["features"]


def _frame(features: list[dict], properties: list[str], path: Path) -> pd.DataFrame:
    rows = []
    for f in features:
        try:
            geom = shape(f["geometry"])
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as e:
            raise DataError(f"{path}: the geometry of {f['properties'][properties[0]]!r} cannot be read "
                            f"({type(e).__name__}: {e}).") from e
        rows.append({**{p: f["properties"][p] for p in properties}, "geometry": geom})
    df = pd.DataFrame(rows)
    x0, y0, x1, y1 = shapely.total_bounds(df["geometry"].to_numpy())
    if x0 < _LON[0] or x1 > _LON[1] or y0 < _LAT[0] or y1 > _LAT[1]:
        raise DataError(f"{path}: coordinates span longitude {x0:.2f}…{x1:.2f}, latitude {y0:.2f}…{y1:.2f}; "
                        "expected WGS84 degrees round the UK (the file may be in another projection).")
    return df


def read_trust_polygons(path: Path) -> pd.DataFrame:
    """The ten ambulance trust footprints (April 2018 CCG basis, WGS84, simplified; the Isle of Wight is
    not among them): columns `site` (NHS England's name, e.g. "South East Coast"), `org_code` (RYD …),
    `geometry` (shapely). Ring orientation is as published (counter-clockwise exteriors)."""
    path = Path(path)
    what = "the ambulance trust footprints (GeoJSON, property 'site')"
    df = _frame(_features(path, what, ["site"]), ["site"], path)
    no_duplicates(df, ["site"], path)
    code = {name: c for c, name in ARP_TABLE_NAMES.items()}
    have, want = set(df["site"]), set(code)
    if have != want:
        raise DataError(f"{path}: trust names {sorted(have - want) or ''} not expected and "
                        f"{sorted(want - have) or ''} missing; expected exactly {sorted(want)}.")
    df.insert(1, "org_code", df["site"].map(code))
    return df.sort_values("org_code", ignore_index=True)


def load_trust_polygons() -> pd.DataFrame:
    return read_trust_polygons(ensure("trust_polygons"))


def read_district_boundaries(path: Path) -> pd.DataFrame:
    """Local authority district boundaries, May 2024 (ONS BUC, UK): columns `code`, `name`, `geometry`.
    English districts have codes starting with E."""
    path = Path(path)
    what = "the district boundaries (GeoJSON, properties 'ltla24_code' and 'ltla24_name')"
    df = _frame(_features(path, what, ["ltla24_code", "ltla24_name"]), ["ltla24_code", "ltla24_name"], path)
    no_duplicates(df, ["ltla24_code"], path)
    return df.rename(columns={"ltla24_code": "code", "ltla24_name": "name"})


def load_district_boundaries() -> pd.DataFrame:
    return read_district_boundaries(ensure("district_boundaries"))


# --- CSV -----------------------------------------------------------------------------------------

_OVERLAY = ["ltla_code", "ltla_name", "amb_site", "amb_org_code", "share_of_area", "second_site",
            "second_share", "centroid_site"]


def read_district_trust_overlay(path: Path) -> pd.DataFrame:
    """District → ambulance trust by area overlay (derived): `ltla_code, ltla_name, amb_site,
    amb_org_code, share_of_area, second_site, second_share, centroid_site`. Shares are of area, not
    population; districts with share_of_area < 0.9 are split between two trusts."""
    path = Path(path)
    df = read_csv(path, "the district → ambulance trust overlay", _OVERLAY, dtype=str, keep_default_na=False)
    df = numeric(df, ["share_of_area", "second_share"], path)
    no_duplicates(df, ["ltla_code"], path)
    bad = sorted(set(df["amb_org_code"]) - set(TRUST_CODES))
    if bad:
        raise DataError(f"{path}: trust code(s) {bad} are not ambulance trusts ({', '.join(TRUST_CODES)}).")
    shares = df[["share_of_area", "second_share"]]
    if ((shares < 0) | (shares > 1)).any().any() or (shares.sum(axis=1) > 1.001).any():
        raise DataError(f"{path}: area shares must lie in 0…1 and a district's two shares add to at most 1.")
    return df


def load_district_trust_overlay(vintage: int = 2021) -> pd.DataFrame:
    """The overlay on April 2021 districts (`vintage=2021`, the codes of the LSOA lookup) or May 2024."""
    return read_district_trust_overlay(ensure({2021: "district_trust_overlay_2021",
                                               2024: "district_trust_overlay_2024"}[vintage]))


_LOOKUP = ["lsoa11_code", "sicbl22_code", "sicbl22_name", "icb22_code", "ltla22_code", "ltla22_name"]


def read_lsoa_subicb_lookup(path: Path) -> pd.DataFrame:
    """ONS LSOA (2011) → sub-ICB location → ICB → district (July 2022): one row per LSOA, columns
    `lsoa11_code, sicbl22_code, sicbl22_name, icb22_code, ltla22_code, ltla22_name` (England only)."""
    path = Path(path)
    df = read_csv(path, "the LSOA → sub-ICB → district lookup", _LOOKUP, dtype=str, keep_default_na=False,
                  usecols=_LOOKUP)
    no_duplicates(df, ["lsoa11_code"], path)
    for col, prefix in (("lsoa11_code", "E01"), ("sicbl22_code", "E38"), ("ltla22_code", "E0")):
        bad = ~df[col].str.startswith(prefix)
        if bad.any():
            raise DataError(f"{path}: {col} {df.loc[bad, col].iloc[0]!r} is not an English code "
                            f"(starting {prefix}).")
    return df[_LOOKUP]


def load_lsoa_subicb_lookup() -> pd.DataFrame:
    return read_lsoa_subicb_lookup(ensure("lsoa_subicb_lookup"))


RUC_BROAD = ("Urban", "Rural")


def read_rural_urban(path: Path) -> pd.DataFrame:
    """ONS 2021 rural–urban classification of districts (2024 codes): `code, ruc21_code,
    classification` (e.g. "Intermediate rural: Majority nearer to a major town or city"), `ruc`
    (Urban / Rural) and `class` (the part of `classification` before the colon: Urban, Intermediate
    urban, Intermediate rural, Majority rural). England and Wales."""
    path = Path(path)
    df = read_csv(path, "the rural–urban classification of districts",
                  ["ltla24_code", "ruc21_code", "classification", "ruc"], dtype=str, keep_default_na=False)
    no_duplicates(df, ["ltla24_code"], path)
    bad = sorted(set(df["ruc"]) - set(RUC_BROAD))
    if bad:
        raise DataError(f"{path}: ruc value(s) {bad} are not {' / '.join(RUC_BROAD)}.")
    df = df.rename(columns={"ltla24_code": "code"})
    df["class"] = df["classification"].str.split(":").str[0].str.strip()
    return df


def load_rural_urban() -> pd.DataFrame:
    return read_rural_urban(ensure("rural_urban_2021"))


_CCG_AGES = ["[0,20)", "[20,50)", "[50,75)", "[75,Inf)"]


def read_ccg_footprint_population(path: Path) -> pd.DataFrame:
    """ONS CCG mid-year estimates 2013–2018 summed to each trust's April 2018 CCG footprint (iARPca):
    `year, site, org_code, sex, age_group` ([0,20) [20,50) [50,75) [75,Inf)), `pop`. No Isle of Wight."""
    path = Path(path)
    df = read_csv(path, "the CCG-footprint populations by trust (year, site, sex, age_group, pop)",
                  ["year", "site", "sex", "age_group", "pop"], dtype=str, keep_default_na=False)
    df = numeric(df, ["year", "pop"], path, missing=())
    no_duplicates(df, ["year", "site", "sex", "age_group"], path)
    code = {name: c for c, name in ARP_TABLE_NAMES.items()}
    bad = sorted(set(df["site"]) - set(code))
    if bad:
        raise DataError(f"{path}: trust name(s) {bad} are not NHS England's ({sorted(code)}).")
    bad = sorted(set(df["age_group"]) - set(_CCG_AGES))
    if bad:
        raise DataError(f"{path}: age group(s) {bad} are not {_CCG_AGES}.")
    df["year"] = df["year"].astype(int)
    df.insert(2, "org_code", df["site"].map(code))
    return df


def load_ccg_footprint_population() -> pd.DataFrame:
    return read_ccg_footprint_population(ensure("ccg_footprint_population"))


_MYE_AGES = [str(a) for a in range(90)] + ["90+"]


def read_district_population_2020(path: Path) -> pd.DataFrame:
    """ONS mid-2020 estimates by district (April 2021 codes = the LSOA lookup's 2022 codes), single year
    of age, pre-2021-Census vintage: `code, name, all_ages`, then `0` … `89`, `90+`. UK (E, W, S, N)."""
    path = Path(path)
    df = read_csv(path, "the mid-2020 district estimates (ltla21_code, total_population, 0 … 89, 90+)",
                  ["ltla21_code", "ltla21_name", "total_population", *_MYE_AGES], dtype=str,
                  keep_default_na=False)
    df = numeric(df, ["total_population", *_MYE_AGES], path, missing=())
    no_duplicates(df, ["ltla21_code"], path)
    off = (df[_MYE_AGES].sum(axis=1) - df["total_population"]).abs() > 0.5
    if off.any():
        raise DataError(f"{path}: for {df.loc[off, 'ltla21_code'].iloc[0]} the single years of age do not add "
                        "up to total_population.")
    df = df.rename(columns={"ltla21_code": "code", "ltla21_name": "name", "total_population": "all_ages"})
    return df[["code", "name", "all_ages", *_MYE_AGES]]


def load_district_population_2020() -> pd.DataFrame:
    return read_district_population_2020(ensure("mye_2020_ltla"))
