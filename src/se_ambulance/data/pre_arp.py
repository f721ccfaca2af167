"""Before ARP: the QualityWatch Category A / Red 1 / Red 2 series and the ARP implementation dates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from se_ambulance.errors import DataError
from se_ambulance.data.common import months_contiguous, no_duplicates, numeric, read_csv, read_text
from se_ambulance.data.fetch import ensure

_PRE_ARP_COLUMNS = ["month", "geography", "call_category", "measure", "value", "source_chart"]


def read_pre_arp(path: Path) -> pd.DataFrame:
    """Read and check the derived QualityWatch table (long: month, geography, call_category, measure, value)."""
    path = Path(path)
    df = read_csv(path, f"the pre-ARP table ({', '.join(_PRE_ARP_COLUMNS)})", _PRE_ARP_COLUMNS,
                  dtype={"month": str})
    df = numeric(df, ["value"], path, missing=())
    month = pd.to_datetime(df["month"], format="%Y-%m", errors="coerce")
    if month.isna().any():
        i = int(month.isna().to_numpy().argmax())
        raise DataError(f"{path}, data row {i + 1}: month {df['month'].iloc[i]!r} is not a month "
                        "written YYYY-MM.")
    df["month"] = month
    no_duplicates(df, ["month", "geography", "call_category", "measure"], path)
    months_contiguous(df["month"], path)
    return df


def load_pre_arp() -> pd.DataFrame:
    return read_pre_arp(ensure("pre_arp"))


def read_arp_dates(path: Path) -> pd.DataFrame:
    """Trust, date of additional triage time, date of revised call categories, and note numbers."""
    path = Path(path)
    read_text(path, "the ARP implementation-dates table")
    try:
        raw = pd.read_csv(path, header=None, skiprows=2, dtype=str, keep_default_na=False,
                          encoding="utf-8-sig")
    except (ValueError, pd.errors.ParserError) as e:
        raise DataError(f"{path} could not be read as the ARP implementation-dates table: {e}") from e
    if raw.shape[1] < 5:
        raise DataError(f"{path}: expected at least 5 columns (service, …, notes, two dates), found {raw.shape[1]}.")
    is_date = raw[3].str.match(r"\d{4}-\d{2}-\d{2}")
    rows = raw[is_date & ~raw[0].str.contains("period", case=False)]  # drop the "data period" line
    dates = {c: pd.to_datetime(rows[i], format="%Y-%m-%d", errors="coerce")
             for c, i in (("additional_triage_time", 3), ("revised_call_categories", 4))}
    for c, d in dates.items():
        if d.isna().any():
            raise DataError(f"{path}: a {c.replace('_', ' ')} date is not written YYYY-MM-DD "
                            f"({rows[3 if c == 'additional_triage_time' else 4][d.isna()].iloc[0]!r}).")
    out = pd.DataFrame({"service": rows[0].str.strip(), "notes": rows[2].str.strip(), **dates})
    if len(out) != 10:
        raise DataError(f"{path.name}: expected 10 trust rows, found {len(out)}.")
    no_duplicates(out, ["service"], path)
    return out.reset_index(drop=True)


def load_arp_dates() -> pd.DataFrame:
    return read_arp_dates(ensure("arp_dates"))
