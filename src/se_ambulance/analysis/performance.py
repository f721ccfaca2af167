"""Response-time performance: the tables the performance chapter shows.

Everything here composes `metrics` so that the same number shown in two places comes from
one function.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from se_ambulance.analysis import metrics
from se_ambulance.reference.orgs import CASE_GROUP, GROUP_CODE, PROVIDERS, Group, short_name
from se_ambulance.reference.standards import standard


def monthly_with_combined(tidy: pd.DataFrame, orgs: Sequence[str], group: Group | None = None) -> pd.DataFrame:
    """Monthly response times for real orgs and, if `orgs` names GROUP, the group's members pooled by
    incidents (months every member reports), named after the group ('LAS + SCAS (pooled)').

    `group` is the book's `group` parameter as a `Group`; it must be given when `orgs` holds GROUP."""
    if GROUP_CODE in orgs and group is None:
        raise ValueError("GROUP asked for without a group: pass the book's group (the `group` parameter)")
    real = [o for o in orgs if o != GROUP_CODE]
    members = sorted(set(group.members)) if GROUP_CODE in orgs else []
    base = metrics.response_monthly(tidy, sorted(set(real) | set(members)))
    parts = [base[base["org"].isin(real)]]
    if GROUP_CODE in orgs:
        parts.append(metrics.combine_orgs(base, group.members, GROUP_CODE))
    out = pd.concat(parts, ignore_index=True)
    out["org_name"] = out["org"].map(lambda o: short_name(o, group))
    # Rows follow the order asked for, so tables and legends put the focus trust first.
    rank = {o: i for i, o in enumerate(orgs)}
    return (
        out.assign(_rank=out["org"].map(rank))
        .sort_values(["_rank", "category", "month"])
        .drop(columns="_rank")
        .reset_index(drop=True)
    )


def coverage(monthly: pd.DataFrame, org: str) -> pd.DataFrame:
    """First and last month with data, the number of months, and the months missing in between
    (a list of month starts), by category."""
    rows = []
    for cat, grp in monthly[monthly["org"] == org].groupby("category", observed=True):
        months = pd.DatetimeIndex(grp["month"]).sort_values()
        gaps = pd.date_range(months.min(), months.max(), freq="MS").difference(months)
        rows.append(
            {"category": cat, "first": months.min(), "last": months.max(), "months": len(months), "missing": list(gaps)}
        )
    return pd.DataFrame(rows, columns=["category", "first", "last", "months", "missing"])


def chart_frame(monthly: pd.DataFrame, category: str) -> pd.DataFrame:
    """Long frame for a chart: month, organisation, statistic, minutes and the standard."""
    sub = monthly[monthly["category"] == category]
    rows = []
    for stat, label in (("mean", "Mean"), ("p90", "90th centile")):
        std = standard(category, stat)
        if category in ("C3", "C4") and stat == "mean":
            continue  # no mean standard; the chapter charts the standard that exists
        part = pd.DataFrame(
            {
                "month": sub["month"].dt.strftime("%Y-%m"),
                "organisation": sub["org_name"],
                "statistic": label,
                "minutes": (sub[stat] / 60).round(2),
                "standard_minutes": None if std is None else std / 60,
            }
        )
        rows.append(part)
    return pd.concat(rows, ignore_index=True)


def fy_means(
    monthly: pd.DataFrame, orgs: Sequence[str], categories: Sequence[str] = ("C1", "C2"), complete_only: bool = True
) -> pd.DataFrame:
    """Financial-year incident-weighted means (seconds): org, category, fy, months, mean."""
    fy = metrics.pooled_by_financial_year(monthly)
    if complete_only:
        fy = fy[metrics.complete_years(fy["months"])]
    fy = fy[fy["org"].isin(orgs) & fy["category"].isin(categories)]
    return fy[["org", "category", "fy", "months", "mean"]].reset_index(drop=True)


def slowest_year_against_first(fy: pd.DataFrame, org: str, category: str) -> dict[str, float] | None:
    """From `fy_means` (complete years only): the org's first complete financial year, its slowest, and the
    slowest year's mean relative to the first's (`change` = slowest ÷ first − 1; 0 when the first is the
    slowest). None with fewer than two complete years."""
    sub = fy[(fy["org"] == org) & (fy["category"] == category)].sort_values("fy")
    if len(sub) < 2:
        return None
    first, slowest = sub.iloc[0], sub.loc[sub["mean"].idxmax()]
    return {
        "first_year": int(first["fy"]),
        "first_mean": float(first["mean"]),
        "slowest_year": int(slowest["fy"]),
        "slowest_mean": float(slowest["mean"]),
        "change": float(slowest["mean"] / first["mean"] - 1),
    }


def standards_met_counts(monthly: pd.DataFrame, orgs: Sequence[str]) -> pd.DataFrame:
    """How many months each org met each ARP standard and the interim C2 mean, from unrounded monthly
    means: org, category, statistic ('mean', 'p90', 'interim mean'), standard (s), months, met, share_met."""
    sub = monthly[monthly["org"].isin(orgs)]
    return pd.concat([metrics.months_meeting_standards(sub), metrics.months_meeting_interim_c2(sub)], ignore_index=True)


def claim_definitions(tidy: pd.DataFrame, fy: int) -> pd.DataFrame:
    """The case's 2024/25 C1 and C2 means under each plausible definition of 'the South East'.

    The claim concerns the case's group (SCAS + SECAmb, `reference.orgs.CASE_GROUP`) and is judged on that
    scope whatever the book's `group` parameter is, so 'group' here is always the case's group.

    Returns one row per definition: a stable `key`, the organisation, the weighting ("incidents" or
    "simple", an unweighted average of monthly means) and the C1 and C2 means in seconds. The labels
    readers see are in `publish.tables.DEFINITION_LABELS`.
    """
    orgs = ["RYD", "RYE", "R1F", "Y59", "Eng"]
    monthly = monthly_with_combined(tidy, orgs + [GROUP_CODE], CASE_GROUP)
    monthly = monthly[monthly["category"].isin(["C1", "C2"])]
    year = monthly[metrics.financial_year(monthly["month"]) == fy]
    weighted = metrics.pooled_by_financial_year(year).set_index(["org", "category"])["mean"]
    simple = metrics.simple_mean_by_financial_year(year).set_index(["org", "category"])["simple_mean"]
    definitions = [
        ("secamb", "RYD", "incidents"),
        ("scas", "RYE", "incidents"),
        ("group", "GROUP", "incidents"),
        ("region", "Y59", "incidents"),
        ("region_simple", "Y59", "simple"),
        ("group_simple", "GROUP", "simple"),
        ("england", "Eng", "incidents"),
    ]
    series = {"incidents": weighted, "simple": simple}
    rows = [
        {"key": key, "org": org, "weighting": w, "C1": series[w].get((org, "C1")), "C2": series[w].get((org, "C2"))}
        for key, org, w in definitions
    ]
    return pd.DataFrame(rows)


def compare_with_claim(defs: pd.DataFrame, claimed: dict[str, float]) -> pd.DataFrame:
    """Each definition's C1/C2 mean (seconds) and its difference from the claimed figure (seconds)."""
    out = defs[["key", "C1", "C2"]].copy()
    for cat in ("C1", "C2"):
        out[f"{cat}_diff"] = defs[cat] - claimed[cat]
    return out


def ranks_by_year(tidy: pd.DataFrame, category: str, trust: str) -> pd.DataFrame:
    """The trust's rank among English ambulance providers by incident-weighted mean, each complete
    financial year (1 = fastest). Only providers reporting all twelve months are ranked.

    Columns: fy, mean (s), rank, of, fastest_org, fastest_mean, slowest_org, slowest_mean."""
    fy = metrics.pooled_by_financial_year(metrics.response_monthly(tidy, list(PROVIDERS), [category]))
    fy = fy[metrics.complete_years(fy["months"])]
    fy["rank"] = fy.groupby("fy")["mean"].rank(method="min")
    rows = []
    for year, grp in fy.groupby("fy"):
        mine = grp[grp["org"] == trust]
        if mine.empty:
            continue
        best, worst = grp.loc[grp["mean"].idxmin()], grp.loc[grp["mean"].idxmax()]
        rows.append(
            {
                "fy": int(year),
                "mean": float(mine["mean"].iloc[0]),
                "rank": int(mine["rank"].iloc[0]),
                "of": len(grp),
                "fastest_org": best["org"],
                "fastest_mean": float(best["mean"]),
                "slowest_org": worst["org"],
                "slowest_mean": float(worst["mean"]),
            }
        )
    return pd.DataFrame(
        rows, columns=["fy", "mean", "rank", "of", "fastest_org", "fastest_mean", "slowest_org", "slowest_mean"]
    )


def latest_complete_year(monthly: pd.DataFrame, org: str, category: str = "C2") -> int | None:
    """The org's latest financial year with all twelve months of `category` (None if it has none)."""
    fy = metrics.pooled_by_financial_year(monthly[(monthly["org"] == org) & (monthly["category"] == category)])
    complete = fy[metrics.complete_years(fy["months"])]
    return int(complete["fy"].max()) if len(complete) else None


def standards_by_year(monthly: pd.DataFrame, org: str, years: Sequence[int]) -> pd.DataFrame:
    """Each response-time standard against the org's figure for each complete financial year in `years`: the
    incident-weighted mean, or the approximate yearly 90th centile (`metrics.pooled_by_financial_year`), and
    whether it was met (at or within the standard). The interim Category 2 mean counts only in the years it
    applied. A year the org did not report in full has no rows.

    Columns: category, statistic ('mean', 'p90', 'interim mean'), standard (s), fy, seconds, met, approximate."""
    from se_ambulance.reference.standards import ARP_STANDARDS, INTERIM_C2_MEAN, INTERIM_C2_YEARS

    fy = metrics.pooled_by_financial_year(monthly[monthly["org"] == org])
    fy = fy[metrics.complete_years(fy["months"]) & fy["fy"].isin(list(years))].set_index(["category", "fy"])
    rows = []
    for year in years:
        for (category, statistic), std in ARP_STANDARDS.items():
            if (category, year) not in fy.index:
                continue
            seconds = float(fy.loc[(category, year), statistic])
            rows.append(
                {
                    "category": category,
                    "statistic": statistic,
                    "standard": std,
                    "fy": year,
                    "seconds": seconds,
                    "met": seconds <= std,
                    "approximate": statistic == "p90",
                }
            )
            if (category, statistic) == ("C2", "mean") and year in INTERIM_C2_YEARS:
                rows.append(
                    {
                        "category": category,
                        "statistic": "interim mean",
                        "standard": INTERIM_C2_MEAN,
                        "fy": year,
                        "seconds": seconds,
                        "met": seconds <= INTERIM_C2_MEAN,
                        "approximate": False,
                    }
                )
    return pd.DataFrame(rows, columns=["category", "statistic", "standard", "fy", "seconds", "met", "approximate"])


def standards_years(monthly: pd.DataFrame, org: str, claim_year: int) -> list[int]:
    """The years the front page judges the standards in: the case's claim year and the org's latest complete
    financial year (one year if they are the same, or if the org has no complete year)."""
    latest = latest_complete_year(monthly, org)
    return sorted({int(claim_year)} | ({latest} if latest is not None else set()))
