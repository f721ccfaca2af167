"""Response-time aggregation: monthly series, combined organisations and financial years.

Pooled means are incident-weighted: the sum of total response times divided by the sum of
incidents, never an average of monthly means. A 90th centile cannot be pooled from published
figures; where one is needed over several months or organisations the incident-weighted mean
of the monthly centiles is used and labelled as an approximation.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from se_ambulance.reference.indicators import RESPONSE_CATEGORIES
from se_ambulance.reference.standards import INTERIM_C2_MEAN, INTERIM_C2_YEARS, standard


# A financial year (April to March) counts as complete for a value when all twelve of its months have it.
MONTHS_IN_YEAR = 12


def complete_years(months: pd.Series | int) -> pd.Series | bool:
    """The book's one rule for a complete financial year: every one of its twelve months has the value.
    `months` is the number of months with data in each year (a Series, or one count). Chapter 1's yearly
    means, chapter 2's ranks and shares of work, and the annual totals all apply it, so a year shown as
    incomplete ('–') on one page is never shown as a whole year on another."""
    return months == MONTHS_IN_YEAR


def financial_year(month: pd.Series) -> pd.Series:
    """The start year of the April–March financial year of each month (Jan 2025 -> 2024)."""
    month = pd.to_datetime(month)
    return (month.dt.year - (month.dt.month < 4)).astype(int)


def annual_totals(monthly: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    """Financial-year totals of monthly values (month-start index), complete years only."""
    fy = monthly.index.year - (monthly.index.month < 4)
    g = monthly.groupby(fy)
    return g.sum()[complete_years(g.size())]


def response_monthly(
    tidy: pd.DataFrame, orgs: Sequence[str], categories: Sequence[str] = RESPONSE_CATEGORIES
) -> pd.DataFrame:
    """One row per org, category and month: incidents, total, mean and p90 (seconds)."""
    sub = tidy[
        tidy["org"].isin(orgs)
        & tidy["category"].isin(categories)
        & tidy["statistic"].isin(["count", "total", "mean", "p90"])
    ]
    wide = sub.pivot_table(
        index=["org", "category", "month"], columns="statistic", values="value", observed=True, aggfunc="first"
    )
    wide = wide.reindex(columns=["count", "total", "mean", "p90"]).reset_index()
    wide.columns.name = None
    wide["org"] = wide["org"].astype(str)
    wide["category"] = wide["category"].astype(str)
    # A month with incidents but no recorded time is missing, not zero.
    return wide.dropna(subset=["count", "total"]).sort_values(["org", "category", "month"], ignore_index=True)


def combine_orgs(monthly: pd.DataFrame, orgs: Sequence[str], code: str) -> pd.DataFrame:
    """Pool several organisations month by month as if they were one (e.g. SCAS + SECAmb).

    A month is kept only when every organisation reports it, so a gap in one is never read as
    a fall in the total.
    """
    sub = monthly[monthly["org"].isin(orgs)].copy()
    sub["p90_x_count"] = sub["p90"] * sub["count"]
    g = sub.groupby(["category", "month"], observed=True)
    out = g.agg(
        count=("count", "sum"), total=("total", "sum"), p90_x_count=("p90_x_count", "sum"), n_orgs=("org", "nunique")
    ).reset_index()
    out = out[out["n_orgs"] == len(set(orgs))]
    out["mean"] = out["total"] / out["count"]
    out["p90"] = out["p90_x_count"] / out["count"]  # approximation: see module docstring
    out["org"] = code
    return out[["org", "category", "month", "count", "total", "mean", "p90"]].reset_index(drop=True)


def pooled_by_financial_year(monthly: pd.DataFrame) -> pd.DataFrame:
    """Incident-weighted mean and approximate p90 by org, category and financial year.

    `months` says how many months of the year have data (12 for a complete year).
    """
    df = monthly.assign(fy=financial_year(monthly["month"]), p90_x_count=monthly["p90"] * monthly["count"])
    g = df.groupby(["org", "category", "fy"], observed=True)
    out = g.agg(
        months=("month", "nunique"), count=("count", "sum"), total=("total", "sum"), p90_x_count=("p90_x_count", "sum")
    ).reset_index()
    out["mean"] = out["total"] / out["count"]
    out["p90"] = out["p90_x_count"] / out["count"]
    return out.drop(columns=["p90_x_count"])


def simple_mean_by_financial_year(monthly: pd.DataFrame) -> pd.DataFrame:
    """The unweighted average of monthly means by financial year: shown only to compare
    with the incident-weighted figure, since some published summaries compute it this way."""
    df = monthly.assign(fy=financial_year(monthly["month"]))
    return df.groupby(["org", "category", "fy"], observed=True)["mean"].mean().rename("simple_mean").reset_index()


def exact_mean(monthly: pd.DataFrame) -> pd.Series:
    """The unrounded monthly mean: total response time ÷ incidents (AmbSYS publishes the mean rounded
    to whole seconds, so a month 0.28 s above a standard can be published at it)."""
    return monthly["total"] / monthly["count"]


def against_standards(monthly: pd.DataFrame) -> pd.DataFrame:
    """Long table of each monthly mean/p90 with its ARP standard and whether it was met.

    The mean is the unrounded total ÷ incidents (see `exact_mean`); the 90th centile is as published."""
    rows = []
    for stat in ("mean", "p90"):
        seconds = exact_mean(monthly) if stat == "mean" else monthly[stat]
        part = monthly[["org", "category", "month"]].assign(seconds=seconds, statistic=stat)
        part["standard"] = [standard(c, stat) for c in part["category"]]
        rows.append(part)
    out = pd.concat(rows, ignore_index=True).dropna(subset=["standard", "seconds"])
    out["standard"] = out["standard"].astype(int)
    out["met"] = out["seconds"] <= out["standard"]
    return out.sort_values(["org", "category", "statistic", "month"], ignore_index=True)


def months_meeting_standards(monthly: pd.DataFrame) -> pd.DataFrame:
    """For each org and standard: months with data, months met, share met."""
    a = against_standards(monthly)
    g = a.groupby(["org", "category", "statistic", "standard"], observed=True)["met"]
    out = g.agg(months="size", met="sum").reset_index()
    out["share_met"] = out["met"] / out["months"]
    return out


def months_meeting_interim_c2(monthly: pd.DataFrame) -> pd.DataFrame:
    """Months at or within the interim 30-minute C2 mean (unrounded), in the years it applied
    (2023/24, 2024/25 and 2025/26: `INTERIM_C2_YEARS`)."""
    c2 = monthly[monthly["category"] == "C2"]
    c2 = c2[financial_year(c2["month"]).isin(INTERIM_C2_YEARS)]
    g = c2.assign(met=exact_mean(c2) <= INTERIM_C2_MEAN).groupby("org", observed=True)["met"]
    out = g.agg(months="size", met="sum").reset_index()
    out["share_met"] = out["met"] / out["months"]
    return out.assign(category="C2", statistic="interim mean", standard=INTERIM_C2_MEAN)
