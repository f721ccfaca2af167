"""Activity and its relation to performance: mix of incidents and outcomes, seasonality,
handover, and a regression of Category 2 performance on demand and handover."""

from __future__ import annotations

import numpy as np
import pandas as pd

from se_ambulance.analysis import metrics
from se_ambulance.reference.standards import HANDOVER_EXPECTED_MINUTES

# The COVID window every chapter and model uses (March 2020 to March 2021 inclusive).
COVID_FIRST, COVID_LAST = pd.Timestamp("2020-03-01"), pd.Timestamp("2021-03-01")

_ACTIVITY = {
    "A7": "incidents",
    "A8": "c1",
    "A10": "c2",
    "A11": "c3",
    "A12": "c4",
    "A17": "hear_and_treat",
    "A55": "see_and_treat",
    "A53": "conveyed_ed",
    "A54": "conveyed_other",
    "A142": "handover_mean_s",
    "A31": "c2_mean_s",
}


def activity_monthly(tidy: pd.DataFrame, org: str) -> pd.DataFrame:
    """One row per month for one org: incidents by category and outcome, handover and C2 mean."""
    sub = tidy[(tidy["org"] == org) & tidy["indicator"].isin(list(_ACTIVITY))]
    wide = sub.pivot_table(index="month", columns="indicator", values="value", observed=True, aggfunc="first")
    wide = wide.rename(columns=_ACTIVITY).reindex(columns=list(_ACTIVITY.values()))
    wide = wide.dropna(subset=["incidents"])
    wide["days"] = wide.index.days_in_month
    wide["incidents_per_day"] = wide["incidents"] / wide["days"]
    return wide


def activity_shares_by_year(activity: pd.DataFrame) -> pd.DataFrame:
    """Complete financial years (`metrics.complete_years` on incidents, A7): incidents per day and each
    category's and outcome's share of incidents, and the share in no category (`other_types_share`). A share is NaN for a year in which its own count is missing
    for any month (London's category counts for October and November 2022, say), by the same rule: summing
    ten months of a count over twelve months of incidents would understate the share."""
    df = activity.copy()
    df["fy"] = metrics.financial_year(df.index.to_series()).to_numpy()
    g = df.groupby("fy")
    parts = ("c1", "c2", "c3", "c4", "hear_and_treat", "see_and_treat", "conveyed_ed", "conveyed_other")
    columns = ["incidents", *parts, "days"]
    sums = g[columns].sum(min_count=1)
    months = g[columns].count()  # months of each year with each value
    keep = metrics.complete_years(months["incidents"])
    sums, months = sums[keep], months[keep]
    out = pd.DataFrame({"incidents_per_day": sums["incidents"] / sums["days"]})
    for col in parts:
        out[f"{col}_share"] = (sums[col] / sums["incidents"]).where(metrics.complete_years(months[col]))
    # The category counts are of incidents with a timed response at the scene; the rest of all incidents (hear and
    # treat among them) fall in no category. NaN where any category's share is.
    categories = out[[f"{c}_share" for c in ("c1", "c2", "c3", "c4")]]
    out["other_types_share"] = 1 - categories.sum(axis=1, skipna=False)
    return out


def balanced_years(monthly: pd.DataFrame, exclude_covid: bool = True) -> list[int]:
    """Financial years with all twelve months of data (and, with `exclude_covid`, none in the COVID
    window), so every calendar month is pooled over the same years."""
    df = monthly
    if exclude_covid:
        df = df[(df["month"] < COVID_FIRST) | (df["month"] > COVID_LAST)]
    fy = metrics.financial_year(df["month"])
    months = df.groupby(fy.to_numpy())["month"].nunique()
    covid_fys = set(metrics.financial_year(pd.Series([COVID_FIRST, COVID_LAST]))) if exclude_covid else set()
    return [int(y) for y, n in months.items() if metrics.complete_years(n) and y not in covid_fys]


def seasonal_profile(monthly_c2: pd.DataFrame, exclude_covid: bool = True) -> pd.DataFrame:
    """Incident-weighted C2 mean by calendar month, pooled over balanced complete financial years only
    (`balanced_years`): every calendar month covers the same years, so a month is never compared with
    another measured in different years (e.g. the early-ARP winter of 2017/18). Columns: mean (s), years."""
    years = balanced_years(monthly_c2, exclude_covid)
    df = monthly_c2[metrics.financial_year(monthly_c2["month"]).isin(years)].copy()
    df["calendar_month"] = df["month"].dt.month
    g = df.groupby("calendar_month")
    out = pd.DataFrame({"mean": g["total"].sum() / g["count"].sum(), "years": g.size()})
    out.index = [pd.Timestamp(2000, m, 1).strftime("%b") for m in out.index]
    return out


def winter_ratio(profile: pd.DataFrame) -> float:
    """December–February C2 mean over the mean of the other months (simple ratio of profile means)."""
    winter = profile.loc[["Dec", "Jan", "Feb"], "mean"].mean()
    rest = profile.drop(index=["Dec", "Jan", "Feb"])["mean"].mean()
    return float(winter / rest)


def c2_regressions(activity: pd.DataFrame) -> dict[str, object]:
    """Two OLS models of the monthly C2 mean (minutes), with HAC (Newey–West, 3 lags) errors.

    - demand: C2 mean ~ incidents per day (hundreds) + calendar month + a COVID indicator, April 2018
      onwards; the indicator's coefficient is a level contrast (the COVID months, Mar 2020–Mar 2021,
      against all other months, other terms held fixed), not an effect of the pandemic;
    - handover: C2 mean ~ incidents per day (hundreds) + mean handover (minutes), from October 2023,
      when handover times enter AmbSYS.
    Associations only: see the chapter for what they cannot show.
    """
    import statsmodels.formula.api as smf  # here, not at the top: most users of this module need no model

    df = activity.copy()
    df = df[df.index >= "2018-04-01"].dropna(subset=["c2_mean_s"])
    df["c2_min"] = df["c2_mean_s"] / 60
    df["demand_100"] = df["incidents_per_day"] / 100
    df["cal_month"] = df.index.month.astype(str)
    df["covid"] = ((df.index >= COVID_FIRST) & (df.index <= COVID_LAST)).astype(int)
    out: dict[str, object] = {}
    out["demand"] = smf.ols("c2_min ~ demand_100 + covid + C(cal_month)", data=df).fit(
        cov_type="HAC", cov_kwds={"maxlags": 3}
    )
    hand = df.dropna(subset=["handover_mean_s"]).copy()
    if len(hand) >= 12:
        hand["handover_min"] = hand["handover_mean_s"] / 60
        out["handover"] = smf.ols("c2_min ~ demand_100 + handover_min", data=hand).fit(
            cov_type="HAC", cov_kwds={"maxlags": 3}
        )
    return out


def coefficient_table(results: dict[str, object]) -> pd.DataFrame:
    """Coefficients of interest with 95% confidence intervals, p-values, R² and n, for each model (unrounded)."""
    labels = {
        "demand_100": "+100 incidents a day",
        "handover_min": "+1 minute mean handover",
        "covid": "COVID months (Mar 2020–Mar 2021) vs other months, level difference",
    }
    rows = []
    for name, res in results.items():
        ci = res.conf_int()
        for term, label in labels.items():
            if term in res.params.index:
                rows.append(
                    {
                        "model": name,
                        "term": label,
                        "minutes": res.params[term],
                        "ci_low": ci.loc[term, 0],
                        "ci_high": ci.loc[term, 1],
                        "p": res.pvalues[term],
                        "r2": res.rsquared,
                        "n": int(res.nobs),
                    }
                )
    return pd.DataFrame(rows, columns=["model", "term", "minutes", "ci_low", "ci_high", "p", "r2", "n"])


def handover_summary(activity: pd.DataFrame) -> pd.Series:
    """Handover since it is recorded: months, first month, mean of monthly means (minutes), latest."""
    h = activity["handover_mean_s"].dropna()
    if h.empty:
        return pd.Series({"months": 0})
    return pd.Series(
        {
            "months": len(h),
            "first": h.index.min(),
            "latest_month": h.index.max(),
            "latest_minutes": h.iloc[-1] / 60,
            "share_over_15": float(np.mean(h > HANDOVER_EXPECTED_MINUTES * 60)),
        }
    )


def incidents_series(tidy: pd.DataFrame, orgs: tuple[str, ...] | list[str]) -> pd.Series:
    """Monthly incidents (A7) summed over orgs, keeping only months every org reports."""
    frames = [activity_monthly(tidy, o)["incidents"].rename(o) for o in orgs]
    wide = pd.concat(frames, axis=1, join="inner", sort=True)
    return wide.sum(axis=1).rename("incidents")


def category_series(tidy: pd.DataFrame, orgs: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """Monthly incidents by category (C1–C4) summed over orgs, months every org reports."""
    frames = [activity_monthly(tidy, o)[["c1", "c2", "c3", "c4"]].dropna() for o in orgs]
    wide = pd.concat(frames, keys=range(len(frames)), axis=1, join="inner", sort=True)
    return wide.T.groupby(level=1).sum().T.rename(columns=str.upper).rename_axis(columns=None)
