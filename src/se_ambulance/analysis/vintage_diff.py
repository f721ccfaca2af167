"""What a new vintage of a monthly table changed: months added, values revised, values withdrawn.

Both tables are tidy (org, indicator, month, value). A value counts as revised when it differs from the
earlier vintage's by more than `tolerance` (in the indicator's own unit).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

KEYS = ["org", "indicator", "month"]


def new_months(previous: pd.DataFrame, current: pd.DataFrame) -> list[pd.Timestamp]:
    """Months the current vintage holds that the previous did not (in order)."""
    before = set(pd.DatetimeIndex(previous["month"].unique()))
    return sorted(pd.Timestamp(m) for m in pd.DatetimeIndex(current["month"].unique()) if m not in before)


def _frame(t: pd.DataFrame, orgs, indicators) -> pd.DataFrame:
    out = t[KEYS + ["value"]].copy()
    for c in ("org", "indicator"):
        out[c] = out[c].astype(str)
    if orgs is not None:
        out = out[out["org"].isin(list(orgs))]
    if indicators is not None:
        out = out[out["indicator"].isin(list(indicators))]
    return out


def revisions(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    orgs: Sequence[str] | None = None,
    indicators: Sequence[str] | None = None,
    tolerance: float = 0.0,
) -> pd.DataFrame:
    """Values of months both vintages hold that changed: org, indicator, month, previous, current, change,
    relative (change ÷ |previous|). A value present before and missing now is listed with current NaN."""
    a, b = _frame(previous, orgs, indicators), _frame(current, orgs, indicators)
    shared = set(pd.DatetimeIndex(a["month"].unique())) & set(pd.DatetimeIndex(b["month"].unique()))
    a, b = a[a["month"].isin(shared)], b[b["month"].isin(shared)]
    m = a.merge(b, on=KEYS, how="outer", suffixes=("_previous", "_current"))
    m = m.rename(columns={"value_previous": "previous", "value_current": "current"})
    change = m["current"] - m["previous"]
    moved = (change.abs() > tolerance) | (m["previous"].isna() != m["current"].isna())
    out = m[moved].assign(change=change[moved])
    out["relative"] = out["change"] / out["previous"].abs()
    return out.sort_values(["month", "org", "indicator"], ignore_index=True)[
        KEYS + ["previous", "current", "change", "relative"]
    ]


def revisions_by_month(rev: pd.DataFrame) -> pd.DataFrame:
    """How many values were revised in each month, and for how many organisations and indicators."""
    g = rev.groupby("month")
    return pd.DataFrame(
        {"values": g.size(), "orgs": g["org"].nunique(), "indicators": g["indicator"].nunique()}
    ).reset_index()
