"""Before ARP: England and regional Category A / Red 1 / Red 2 performance, 2011–2017, and
when each trust adopted the ARP changes."""

from __future__ import annotations

import pandas as pd

from se_ambulance.reference.orgs import ARP_TABLE_NAMES
from se_ambulance.reference.standards import PRE_ARP_TARGET as CATEGORY_A_TARGET  # 75% within 8 minutes


def within_8_minutes(pre_arp: pd.DataFrame, geographies: list[str], categories: list[str]) -> pd.DataFrame:
    """Chart frame: month, series ('England: Red 1' ...), share within 8 minutes (0–1)."""
    sub = pre_arp[
        (pre_arp["measure"] == "pct_within_8min")
        & pre_arp["geography"].isin(geographies)
        & pre_arp["call_category"].isin(categories)
    ]
    return pd.DataFrame(
        {
            "month": sub["month"].dt.strftime("%Y-%m"),
            "series": sub["geography"] + ": " + sub["call_category"],
            "share": (sub["value"] / 100).round(4),
        }
    ).reset_index(drop=True)


def value_at(
    pre_arp: pd.DataFrame, month: str, geography: str, category: str, measure: str = "pct_within_8min"
) -> float | None:
    """One published value as a share (0–1), or None where the file has no such figure."""
    hit = pre_arp[
        (pre_arp["month"] == pd.Timestamp(month))
        & (pre_arp["geography"] == geography)
        & (pre_arp["call_category"] == category)
        & (pre_arp["measure"] == measure)
    ]
    return None if hit.empty else float(hit["value"].iloc[0]) / 100


# QualityWatch: figures from April 2016 are not comparable across services (the ARP pilots).
COMPARABLE_LAST = pd.Timestamp("2016-03-01")


def months_meeting_target(
    pre_arp: pd.DataFrame, geography: str, category: str, last: pd.Timestamp | str = COMPARABLE_LAST
) -> dict[str, object]:
    """Months at or above 75% within 8 minutes over the comparable period: from the first month the
    category is published (Red 1 from June 2012) to `last` (March 2016, before the ARP pilots).
    Returns met, months, first, last."""
    sub = pre_arp[
        (pre_arp["measure"] == "pct_within_8min")
        & (pre_arp["geography"] == geography)
        & (pre_arp["call_category"] == category)
        & (pre_arp["month"] <= pd.Timestamp(last))
    ]
    sub = sub.dropna(subset=["value"])
    return {
        "met": int((sub["value"] >= 100 * CATEGORY_A_TARGET).sum()),
        "months": len(sub),
        "first": sub["month"].min(),
        "last": sub["month"].max(),
    }


def arp_dates_for(arp_dates: pd.DataFrame, trust: str) -> pd.Series | None:
    """The trust's row of the ARP implementation table, or None (e.g. the Isle of Wight)."""
    name = ARP_TABLE_NAMES.get(trust)
    row = arp_dates[arp_dates["service"] == name]
    return None if row.empty else row.iloc[0]
