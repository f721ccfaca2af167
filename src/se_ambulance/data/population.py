"""Loaders for the ONS population files: 2022-based subnational projections and mid-2019 estimates.

Each file has a `read_*(path)` that checks it (and is what `fetch --update` runs on a candidate)
and a `load_*()` that fetches the pinned file and reads it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xlrd

from se_ambulance.errors import DataError
from se_ambulance.data.common import no_duplicates, numeric, read_csv, require_columns
from se_ambulance.data.fetch import ensure

AGE_BANDS = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
             "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]


def _years_contiguous(years: pd.Series, path: Path) -> None:
    got = sorted(set(int(y) for y in years))
    gaps = sorted(set(range(got[0], got[-1] + 1)) - set(got))
    if gaps:
        raise DataError(f"{path}: no rows for year {gaps[0]}; years run from {got[0]} to {got[-1]} without gaps.")


def read_subicb(path: Path) -> pd.DataFrame:
    """Sub-ICB projections: code, year, age_group (5-year bands), population (persons = male + female)."""
    path = Path(path)
    df = read_csv(path, "the sub-ICB projection table (code, year, sex, age_group, population)",
                  ["code", "year", "sex", "age_group", "population"], dtype=str, keep_default_na=False)
    df = numeric(df, ["year", "population"], path, missing=())
    no_duplicates(df, ["code", "year", "sex", "age_group"], path)
    _years_contiguous(df["year"], path)
    unknown = sorted(set(df["age_group"]) - set(AGE_BANDS))
    if unknown:
        raise DataError(f"{path}: age group(s) {unknown} are not the ONS 5-year bands {AGE_BANDS}.")
    df["year"] = df["year"].astype(int)
    if (df["population"] % 1 == 0).all():  # the tidy file holds whole numbers; keep them integers
        df["population"] = df["population"].astype("int64")
    return df.groupby(["code", "year", "age_group"], as_index=False)["population"].sum()


def load_subicb() -> pd.DataFrame:
    return read_subicb(ensure("snpp_subicb"))


def read_region(path: Path) -> pd.DataFrame:
    """Region projections (Table 1, Persons sheet): code, area, age_group, year, population (unrounded)."""
    path = Path(path)
    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except (xlrd.biffh.XLRDError, OSError, ValueError, AssertionError, IndexError) as e:
        raise DataError(f"{path} is not a readable Excel 97-2003 (.xls) workbook ({e}): expected "
                        "ONS Table 1 of the 2022-based projections.") from e
    try:
        sheet = book.sheet_by_name("Persons")
    except xlrd.biffh.XLRDError as e:
        raise DataError(f"{path.name} has no 'Persons' sheet.") from e
    header_row = next((r for r in range(min(10, sheet.nrows)) if sheet.cell_value(r, 0) == "CODE"), None)
    if header_row is None:
        raise DataError(f"{path.name}: no header row starting with CODE in the Persons sheet.")
    header = [sheet.cell_value(header_row, c) for c in range(sheet.ncols)]
    rows = [sheet.row_values(r) for r in range(header_row + 1, sheet.nrows) if sheet.cell_value(r, 0)]
    if not rows:
        raise DataError(f"{path.name}: the Persons sheet has a header but no data rows.")
    wide = pd.DataFrame(rows, columns=[str(int(h)) if isinstance(h, float) else h for h in header])
    require_columns(wide.columns, ["CODE", "AREA", "AGE GROUP"], path)
    years = [c for c in wide.columns if c.isdigit()]
    if not years:
        raise DataError(f"{path.name}: no year columns (2022 … 2047) in the Persons sheet.")
    _years_contiguous(pd.Series(years), path)
    wide = numeric(wide, years, path, missing=())
    no_duplicates(wide, ["CODE", "AGE GROUP"], path)
    long = wide.melt(id_vars=["CODE", "AREA", "AGE GROUP"], value_vars=years, var_name="year",
                     value_name="population")
    long = long.rename(columns={"CODE": "code", "AREA": "area", "AGE GROUP": "age_group"})
    long["year"] = long["year"].astype(int)
    long["population"] = long["population"].astype(float)
    return long


def load_region() -> pd.DataFrame:
    return read_region(ensure("snpp_region"))


def read_la_85plus(path: Path) -> pd.DataFrame:
    """Local-authority single-year extract: code, name, age (85 … 89, '90 and over', 'All ages'), year, population."""
    path = Path(path)
    what = "the local-authority projection extract (AREA_CODE, AREA_NAME, AGE_GROUP, 2022 … 2047)"
    wide = read_csv(path, what, ["AREA_CODE", "AREA_NAME", "AGE_GROUP"], dtype=str, keep_default_na=False)
    years = [c for c in wide.columns if c.isdigit()]
    if not years:
        raise DataError(f"{path.name}: no year columns (2022 … 2047).")
    _years_contiguous(pd.Series(years), path)
    wide = numeric(wide, years, path, missing=())
    no_duplicates(wide, ["AREA_CODE", "AGE_GROUP"], path)
    long = wide.melt(id_vars=["AREA_CODE", "AREA_NAME", "AGE_GROUP"], value_vars=years, var_name="year",
                     value_name="population")
    long = long.rename(columns={"AREA_CODE": "code", "AREA_NAME": "name", "AGE_GROUP": "age"})
    long["year"] = long["year"].astype(int)
    return long


def load_la_85plus() -> pd.DataFrame:
    return read_la_85plus(ensure("snpp_la_85plus"))


_MYE_OLD = [str(a) for a in range(85, 90)] + ["90+"]


def read_mye_2019(path: Path) -> pd.DataFrame:
    """Mid-2019 estimates by county/unitary: code, all_ages, aged_85_plus (pre-2021-Census vintage)."""
    path = Path(path)
    df = read_csv(path, "the mid-2019 estimates (utla20_code, total_population, 0 … 89, 90+)",
                  ["utla20_code", "total_population", *_MYE_OLD], dtype=str, keep_default_na=False)
    df = numeric(df, ["total_population", *_MYE_OLD], path, missing=())
    no_duplicates(df, ["utla20_code"], path)
    return pd.DataFrame({"code": df["utla20_code"], "all_ages": df["total_population"].astype(int),
                         "aged_85_plus": df[_MYE_OLD].sum(axis=1).astype(int)})


def load_mye_2019() -> pd.DataFrame:
    return read_mye_2019(ensure("mye_2019_utla"))
