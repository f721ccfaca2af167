"""Before ARP: the QualityWatch Category A / Red 1 / Red 2 series and the ARP implementation dates."""

from __future__ import annotations

import pandas as pd

from se_ambulance.errors import DataError
from se_ambulance.data.fetch import ensure

_PRE_ARP_COLUMNS = ["month", "geography", "call_category", "measure", "value", "source_chart"]


def load_pre_arp() -> pd.DataFrame:
    path = ensure("pre_arp")
    df = pd.read_csv(path)
    missing = [c for c in _PRE_ARP_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"{path.name} lacks column(s) {missing}; expected {_PRE_ARP_COLUMNS}.")
    df["month"] = pd.to_datetime(df["month"], format="%Y-%m")
    return df


def load_arp_dates() -> pd.DataFrame:
    """Trust, date of additional triage time, date of revised call categories, and note numbers."""
    path = ensure("arp_dates")
    raw = pd.read_csv(path, header=None, skiprows=2, dtype=str, keep_default_na=False)
    is_date = raw[3].str.match(r"\d{4}-\d{2}-\d{2}")
    rows = raw[is_date & ~raw[0].str.contains("period", case=False)]  # drop the "data period" line
    out = pd.DataFrame({"service": rows[0].str.strip(), "notes": rows[2].str.strip(),
                        "additional_triage_time": pd.to_datetime(rows[3]),
                        "revised_call_categories": pd.to_datetime(rows[4])})
    if len(out) != 10:
        raise DataError(f"{path.name}: expected 10 trust rows, found {len(out)}.")
    return out.reset_index(drop=True)
