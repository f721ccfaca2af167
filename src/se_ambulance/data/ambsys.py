"""AmbSYS: the wide monthly CSV to a tidy long table, with schema checks and a parquet cache."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd

from se_ambulance.errors import DataError
from se_ambulance.data.common import cached_frame, check_shape, read_text
from se_ambulance.data.fetch import ensure, sha256_file
from se_ambulance.reference.indicators import REGISTRY

ID_COLUMNS = ["Year", "Month", "Region", "Org Code", "Org Name"]
TIDY_COLUMNS = ["org", "org_name", "level", "region", "month", "indicator", "category",
                "statistic", "value", "unit"]
_CACHE_VERSION = "1"  # bump when the tidy layout changes
_WHAT = "the AmbSYS CSV (Year, Month, Region, Org Code, Org Name, A0 ... A148)"


def read_ambsys_csv(path: Path) -> pd.DataFrame:
    """Read and validate the wide AmbSYS CSV; return the tidy long table."""
    path = Path(path)
    text = read_text(path, _WHAT)
    header = check_shape(text, path, _WHAT)
    missing = [c for c in ID_COLUMNS + list(REGISTRY) if c not in header]
    if missing:
        described = [f"{c} ({REGISTRY[c].label})" if c in REGISTRY else c for c in missing]
        raise DataError(
            f"{path} lacks required column(s): {', '.join(described)}. "
            f"Expected {', '.join(ID_COLUMNS)} and the indicator codes A0 ... A148."
        )
    wide = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    codes = list(REGISTRY)
    values = {}
    for code in codes + ["Year", "Month"]:
        raw = wide[code].str.strip()
        num = pd.to_numeric(raw.where(~raw.isin([".", ""])), errors="coerce")
        bad = num.isna() & ~raw.isin([".", ""])
        if code in ("Year", "Month"):
            bad |= num.isna()
        if bad.any():
            i = int(bad.idxmax())
            raise DataError(
                f"{path}, line {i + 2}, column {code}: value {raw[i]!r} is not a number "
                "(allowed: a number, or '.' for missing)."
            )
        values[code] = num
    month = pd.to_datetime(
        {"year": values["Year"].astype(int), "month": values["Month"].astype(int), "day": 1},
        errors="coerce",
    )
    if month.isna().any():
        i = int(month.isna().idxmax())
        raise DataError(f"{path}, line {i + 2}: Year/Month {wide['Year'][i]}/{wide['Month'][i]} is not a date.")
    ids = pd.DataFrame({"org": wide["Org Code"].str.strip(), "org_name": wide["Org Name"].str.strip(),
                        "region_raw": wide["Region"].str.strip(), "month": month})
    dup = ids.duplicated(["org", "month"], keep=False)
    if dup.any():
        first = ids[dup].iloc[0]
        raise DataError(
            f"{path}: organisation {first.org} has more than one row for {first.month:%Y-%m}; "
            "each org-month must appear once."
        )
    _check_months_complete(ids, path)
    ids["level"] = ids["org"].map(_level)
    ids["region"] = ids["region_raw"].where(ids["level"] == "trust", ids["org"])
    body = pd.DataFrame(values)[codes]
    long = pd.concat([ids.drop(columns="region_raw"), body], axis=1).melt(
        id_vars=["org", "org_name", "level", "region", "month"], var_name="indicator", value_name="value"
    )
    long = long.dropna(subset=["value"])
    if long.empty:
        raise DataError(f"{path} has rows but not one indicator value (every cell is '.'): not a usable AmbSYS file.")
    meta = pd.DataFrame([(i.code, i.category, i.statistic, i.unit) for i in REGISTRY.values()],
                        columns=["indicator", "category", "statistic", "unit"])
    long = long.merge(meta, on="indicator", how="left")
    long = long[TIDY_COLUMNS].sort_values(["org", "indicator", "month"], ignore_index=True)
    for c in ("org", "org_name", "level", "region", "indicator", "category", "statistic", "unit"):
        long[c] = long[c].astype("category")
    return long


def _level(org: str) -> str:
    if org == "Eng":
        return "england"
    if org.startswith("Y"):
        return "region"
    return "trust"


def _check_months_complete(ids: pd.DataFrame, path: Path) -> None:
    """Every organisation has a row for every month from the file's first month to its last."""
    expected = pd.date_range(ids["month"].min(), ids["month"].max(), freq="MS")
    for org, grp in ids.groupby("org", sort=True):
        gaps = expected.difference(pd.DatetimeIndex(grp["month"]))
        if len(gaps):
            raise DataError(
                f"{path}: organisation {org} has no row for {gaps[0]:%Y-%m}"
                f"{f' (and {len(gaps) - 1} more months)' if len(gaps) > 1 else ''}. "
                "AmbSYS lists every org for every month (with '.' for missing values)."
            )


def describe_ambsys(tidy: pd.DataFrame) -> dict[str, str]:
    """The manifest text that describes a vintage, derived from the file itself (used on --update)."""
    first, last = tidy["month"].min(), tidy["month"].max()
    orgs = tidy[["org", "level"]].drop_duplicates()
    n_regions = int((orgs["level"] == "region").sum())
    n_trusts = int((orgs["level"] == "trust").sum())
    published = last + pd.DateOffset(months=1)
    return {
        "vintage": f"data to {last:%B %Y}",
        "coverage": (f"{first:%Y-%m} to {last:%Y-%m}; England, {n_regions} NHS England regions, "
                     f"{n_trusts} ambulance providers"),
        "citation": (f"NHS England ({published:%Y}). Ambulance Quality Indicators, AmbSYS time series "
                     f"to {last:%B %Y}."),
    }


def check_ambsys_file(path: Path) -> dict[str, str]:
    """Validate a candidate AmbSYS file with the loader's own checks; return its description."""
    return describe_ambsys(read_ambsys_csv(path))


def load_ambsys(mirror: str | os.PathLike | None = None) -> pd.DataFrame:
    """The tidy AmbSYS table from the pinned raw file, cached as parquet keyed by its sha256."""
    path = ensure("ambsys", mirror=mirror)
    return cached_frame("ambsys", path, sha256_file(path), _CACHE_VERSION, read_ambsys_csv)
