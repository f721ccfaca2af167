"""Response-time performance: the tables the performance chapter shows.

Everything here composes `metrics` so that the same number shown in two places comes from
one function.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from se_ambulance.analysis import metrics
from se_ambulance.reference.indicators import RESPONSE_CATEGORIES
from se_ambulance.reference.orgs import COMBINED, PROVIDERS, short_name
from se_ambulance.reference.standards import standard
from se_ambulance.publish.format import fy_label, mmss


def monthly_with_combined(tidy: pd.DataFrame, orgs: Sequence[str]) -> pd.DataFrame:
    """Monthly response times for real orgs and any COMBINED pseudo-orgs named in `orgs`."""
    real = [o for o in orgs if o not in COMBINED]
    members = sorted({m for o in orgs if o in COMBINED for m in COMBINED[o][1]})
    base = metrics.response_monthly(tidy, sorted(set(real) | set(members)))
    parts = [base[base["org"].isin(real)]]
    for o in orgs:
        if o in COMBINED:
            parts.append(metrics.combine_orgs(base, COMBINED[o][1], o))
    out = pd.concat(parts, ignore_index=True)
    out["org_name"] = out["org"].map(short_name)
    # Rows follow the order asked for, so tables and legends put the focus trust first.
    rank = {o: i for i, o in enumerate(orgs)}
    return (out.assign(_rank=out["org"].map(rank)).sort_values(["_rank", "category", "month"])
            .drop(columns="_rank").reset_index(drop=True))


def coverage(monthly: pd.DataFrame, org: str) -> pd.DataFrame:
    """First and last month with data, and the months missing in between, by category."""
    rows = []
    for cat, grp in monthly[monthly["org"] == org].groupby("category", observed=True):
        months = pd.DatetimeIndex(grp["month"]).sort_values()
        gaps = pd.date_range(months.min(), months.max(), freq="MS").difference(months)
        rows.append({"category": cat, "first": f"{months.min():%b %Y}", "last": f"{months.max():%b %Y}",
                     "months": len(months),
                     "missing": ", ".join(f"{m:%b %Y}" for m in gaps) or "none"})
    return pd.DataFrame(rows, columns=["category", "first", "last", "months", "missing"])


def chart_frame(monthly: pd.DataFrame, category: str) -> pd.DataFrame:
    """Long frame for a chart: month, organisation, statistic, minutes and the standard."""
    sub = monthly[monthly["category"] == category]
    rows = []
    for stat, label in (("mean", "Mean"), ("p90", "90th centile")):
        std = standard(category, stat)
        if category in ("C3", "C4") and stat == "mean":
            continue  # no mean standard; the chapter charts the standard that exists
        part = pd.DataFrame({
            "month": sub["month"].dt.strftime("%Y-%m"),
            "organisation": sub["org_name"],
            "statistic": label,
            "minutes": (sub[stat] / 60).round(2),
            "standard_minutes": None if std is None else std / 60,
        })
        rows.append(part)
    return pd.concat(rows, ignore_index=True)


def fy_summary(monthly: pd.DataFrame, orgs: Sequence[str], categories: Sequence[str] = ("C1", "C2"),
               complete_only: bool = True) -> pd.DataFrame:
    """Financial-year incident-weighted means (m:ss) for each org and category, one row per year."""
    fy = metrics.pooled_by_financial_year(monthly)
    if complete_only:
        fy = fy[fy["months"] == 12]
    fy = fy[fy["org"].isin(orgs) & fy["category"].isin(categories)]
    fy = fy.assign(column=fy["category"] + " mean · " + fy["org"].map(short_name),
                   year=fy["fy"].map(fy_label), value=fy["mean"].map(mmss))
    table = fy.pivot(index="year", columns="column", values="value")
    order = [f"{c} mean · {short_name(o)}" for c in categories for o in orgs]
    table = table.reindex(columns=[c for c in order if c in table.columns]).fillna("–")
    table.columns.name = None
    table.index.name = "Financial year"
    return table


def standards_met(monthly: pd.DataFrame, orgs: Sequence[str]) -> pd.DataFrame:
    """How many months each org met each ARP standard."""
    sub = monthly[monthly["org"].isin(orgs)]
    m = pd.concat([metrics.months_meeting_standards(sub), metrics.months_meeting_interim_c2(sub)],
                  ignore_index=True)
    labels = {"mean": "mean", "p90": "90th centile", "interim mean": "mean, interim target (2023/24, 2025/26)"}
    m = m.assign(organisation=m["org"].map(short_name),
                 measure=m["category"] + " " + m["statistic"].map(labels),
                 standard=m["standard"].map(mmss),
                 result=m["met"].astype(int).astype(str) + " of " + m["months"].astype(str)
                 + " (" + (100 * m["share_met"]).round(0).astype(int).astype(str) + "%)")
    table = m.pivot(index=["measure", "standard"], columns="organisation", values="result")
    table = table.reindex(columns=[short_name(o) for o in orgs if short_name(o) in table.columns])
    table.columns.name = None
    return table


def claim_definitions(tidy: pd.DataFrame, fy: int) -> pd.DataFrame:
    """The case's 2024/25 C1 and C2 means under each plausible definition of 'the South East'.

    Returns seconds for each definition, so the caller can compare them with the claim.
    """
    orgs = ["RYD", "RYE", "R1F", "Y59", "Eng"]
    monthly = monthly_with_combined(tidy, orgs + ["GROUP"])
    monthly = monthly[monthly["category"].isin(["C1", "C2"])]
    year = monthly[metrics.financial_year(monthly["month"]) == fy]
    weighted = metrics.pooled_by_financial_year(year).set_index(["org", "category"])["mean"]
    simple = metrics.simple_mean_by_financial_year(year).set_index(["org", "category"])["simple_mean"]
    definitions = [
        ("SECAmb alone, incident-weighted", weighted, "RYD"),
        ("SCAS alone, incident-weighted", weighted, "RYE"),
        ("SCAS + SECAmb pooled by incidents", weighted, "GROUP"),
        ("NHS South East region (SCAS + SECAmb + Isle of Wight), incident-weighted", weighted, "Y59"),
        ("NHS South East region, simple average of monthly means", simple, "Y59"),
        ("SCAS + SECAmb, simple average of monthly means", simple, "GROUP"),
        ("England, incident-weighted", weighted, "Eng"),
    ]
    rows = [{"definition": name, "C1": series.get((org, "C1")), "C2": series.get((org, "C2"))}
            for name, series, org in definitions]
    return pd.DataFrame(rows)


def compare_with_claim(defs: pd.DataFrame, claimed: dict[str, float]) -> pd.DataFrame:
    """Each definition's C1/C2 (m:ss) and its difference from the claimed figure in seconds."""
    out = pd.DataFrame({"Definition": defs["definition"]})
    for cat in ("C1", "C2"):
        out[f"{cat} mean"] = defs[cat].map(mmss)
        out[f"{cat} − claim (s)"] = (defs[cat] - claimed[cat]).round(1)
    return out


def best_definition(defs: pd.DataFrame, claimed: dict[str, float]) -> pd.Series:
    """The definition closest to the claim (sum of absolute differences in seconds)."""
    err = (defs["C1"] - claimed["C1"]).abs() + (defs["C2"] - claimed["C2"]).abs()
    return defs.loc[err.idxmin()]


def ranks_by_year(tidy: pd.DataFrame, category: str, trust: str) -> pd.DataFrame:
    """The trust's rank among English ambulance providers by incident-weighted mean, each complete
    financial year (1 = fastest). Only providers reporting all twelve months are ranked."""
    fy = metrics.pooled_by_financial_year(metrics.response_monthly(tidy, list(PROVIDERS), [category]))
    fy = fy[fy["months"] == 12]
    fy["rank"] = fy.groupby("fy")["mean"].rank(method="min")
    rows = []
    for year, grp in fy.groupby("fy"):
        mine = grp[grp["org"] == trust]
        if mine.empty:
            continue
        best, worst = grp.loc[grp["mean"].idxmin()], grp.loc[grp["mean"].idxmax()]
        rows.append({"Financial year": fy_label(year), "mean": mmss(mine["mean"].iloc[0]),
                     "rank": int(mine["rank"].iloc[0]), "of": len(grp),
                     "fastest": f"{short_name(best['org'])} {mmss(best['mean'])}",
                     "slowest": f"{short_name(worst['org'])} {mmss(worst['mean'])}"})
    return pd.DataFrame(rows).set_index("Financial year")
