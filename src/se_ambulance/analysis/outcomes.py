"""Clinical outcomes by organisation and financial year, with binomial confidence intervals."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from se_ambulance.analysis import metrics
from se_ambulance.data.ambco import MEASURES
from se_ambulance.reference.orgs import short_name


def outcome_rates(ambco: pd.DataFrame, orgs: Sequence[str], measures: Sequence[str] | None = None) -> pd.DataFrame:
    """Rates (numerator ÷ denominator summed over each complete financial year) with Wilson 95% CIs."""
    df = ambco[ambco["org"].isin(orgs)]
    if measures:
        df = df[df["measure"].isin(measures)]
    df = df.assign(fy=metrics.financial_year(df["month"]))
    g = df.groupby(["org", "measure", "fy"])
    out = g.agg(
        numerator=("numerator", "sum"), denominator=("denominator", "sum"), months=("month", "nunique")
    ).reset_index()
    out = out[(out["months"] == 12) & (out["denominator"] > 0)]
    from statsmodels.stats.proportion import proportion_confint  # here: see comparison.pooled_difference

    low, high = proportion_confint(out["numerator"], out["denominator"], alpha=0.05, method="wilson")
    out["rate"] = out["numerator"] / out["denominator"]
    out["ci_low"], out["ci_high"] = low, high
    out["organisation"] = out["org"].map(short_name)
    out["measure_label"] = out["measure"].map(lambda m: MEASURES[m][2])
    return out.reset_index(drop=True)


def gap_between(rates: pd.DataFrame, measure: str, a: str, b: str) -> pd.DataFrame:
    """Difference in rate (a − b) by year and whether the two 95% intervals overlap."""
    r = rates[rates["measure"] == measure].set_index(["org", "fy"])
    years = sorted(set(r.loc[a].index) & set(r.loc[b].index))
    rows = []
    for y in years:
        x, z = r.loc[(a, y)], r.loc[(b, y)]
        rows.append(
            {
                "fy": y,
                "difference": x["rate"] - z["rate"],
                "intervals_overlap": not (x["ci_low"] > z["ci_high"] or z["ci_low"] > x["ci_high"]),
            }
        )
    return pd.DataFrame(rows)
