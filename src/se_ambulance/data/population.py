"""Loaders for the ONS 2022-based subnational population projections (mid-year, persons)."""

from __future__ import annotations

import pandas as pd
import xlrd

from se_ambulance.errors import DataError
from se_ambulance.data.fetch import ensure

AGE_BANDS = ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
             "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"]


def load_subicb() -> pd.DataFrame:
    """Sub-ICB projections: code, year, age_group (5-year bands), population (persons = male + female)."""
    path = ensure("snpp_subicb")
    df = pd.read_csv(path)
    need = {"code", "year", "sex", "age_group", "population"}
    if not need <= set(df.columns):
        raise DataError(f"{path.name} lacks column(s) {sorted(need - set(df.columns))}.")
    return df.groupby(["code", "year", "age_group"], as_index=False)["population"].sum()


def load_region() -> pd.DataFrame:
    """Region projections (Table 1, Persons sheet): code, area, age_group, year, population (unrounded)."""
    path = ensure("snpp_region")
    book = xlrd.open_workbook(str(path), on_demand=True)
    try:
        sheet = book.sheet_by_name("Persons")
    except xlrd.biffh.XLRDError as e:
        raise DataError(f"{path.name} has no 'Persons' sheet.") from e
    header_row = next((r for r in range(10) if sheet.cell_value(r, 0) == "CODE"), None)
    if header_row is None:
        raise DataError(f"{path.name}: no header row starting with CODE in the Persons sheet.")
    header = [sheet.cell_value(header_row, c) for c in range(sheet.ncols)]
    rows = [sheet.row_values(r) for r in range(header_row + 1, sheet.nrows) if sheet.cell_value(r, 0)]
    wide = pd.DataFrame(rows, columns=[str(int(h)) if isinstance(h, float) else h for h in header])
    years = [c for c in wide.columns if c.isdigit()]
    long = wide.melt(id_vars=["CODE", "AREA", "AGE GROUP"], value_vars=years, var_name="year",
                     value_name="population")
    long = long.rename(columns={"CODE": "code", "AREA": "area", "AGE GROUP": "age_group"})
    long["year"] = long["year"].astype(int)
    long["population"] = long["population"].astype(float)
    return long


def load_la_85plus() -> pd.DataFrame:
    """Local-authority single-year extract: code, name, age (85 … 89, '90 and over', 'All ages'), year, population."""
    path = ensure("snpp_la_85plus")
    wide = pd.read_csv(path, dtype={"AGE_GROUP": str})
    years = [c for c in wide.columns if c.isdigit()]
    if not years:
        raise DataError(f"{path.name}: no year columns.")
    long = wide.melt(id_vars=["AREA_CODE", "AREA_NAME", "AGE_GROUP"], value_vars=years, var_name="year",
                     value_name="population")
    long = long.rename(columns={"AREA_CODE": "code", "AREA_NAME": "name", "AGE_GROUP": "age"})
    long["year"] = long["year"].astype(int)
    return long


def load_mye_2019() -> pd.DataFrame:
    """Mid-2019 estimates by county/unitary: code, all_ages, aged_85_plus (pre-2021-Census vintage)."""
    path = ensure("mye_2019_utla")
    df = pd.read_csv(path)
    old = [str(a) for a in range(85, 90)] + ["90+"]
    missing = [c for c in ["utla20_code", "total_population", *old] if c not in df.columns]
    if missing:
        raise DataError(f"{path.name} lacks column(s) {missing}.")
    return pd.DataFrame({"code": df["utla20_code"], "all_ages": df["total_population"],
                         "aged_85_plus": df[old].sum(axis=1)})
