"""Demand scenarios to the horizon year (the demand claim is judged in `claims.evaluate`).

- demography only: base-year incidents × the demographic demand index (rates low/central/high);
- trend only: base-year incidents grown at a log-linear trend's fitted rate (fitted-to-fitted growth,
  so the path starts at the base year's actual and does not revert to the trend line), with a 90%
  prediction interval (the claims rule uses 90% intervals);
- blended: the average of the two central paths, with the envelope of both ranges.
Financial year Y (April Y to March Y+1) is matched to the mid-Y population.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from se_ambulance.analysis import demography
from se_ambulance.analysis import forecast
from se_ambulance.analysis import metrics
from se_ambulance.analysis.activity import COVID_LAST

TREND_ALPHA = 0.10  # a 90% prediction interval for the trend, as the claims rule uses
# The financial year the COVID window (March 2020 to March 2021) fills: 2020/21. March 2020 falls in 2019/20.
COVID_FY = int(metrics.financial_year(pd.Series([COVID_LAST])).iloc[0])


def trend_excluded_years(covid: str) -> tuple[int, ...]:
    """Financial years the log-linear trend leaves out: 2020/21 with `covid_handling` 'exclude', none with
    'intervention'. The annual trend has no COVID term, so with 'intervention' 2020/21 enters it as an
    ordinary year; only SARIMA's monthly model takes the step (see `forecast`)."""
    if covid not in ("exclude", "intervention"):
        raise ValueError(f"unknown covid handling {covid!r}; allowed: exclude, intervention")
    return (COVID_FY,) if covid == "exclude" else ()


def trend_years(totals: pd.Series, covid: str) -> list[int]:
    """The financial years (complete, from `metrics.annual_totals`) the log-linear trend is fitted to."""
    excluded = trend_excluded_years(covid)
    return [int(y) for y in totals.index if y not in excluded]


def scenarios(
    totals: pd.Series, banded: pd.DataFrame, base_year: int, horizon_year: int, covid: str, rates
) -> pd.DataFrame:
    """Annual incidents by scenario: year, scenario, incidents, lower, upper.

    `rates`: {age group: (low, central, high)} relative use rates (the `demand.age_rates` parameter)."""
    years = np.arange(base_year, horizon_year + 1)
    base = float(totals.loc[base_year]) if base_year in totals.index else float(totals.iloc[-1])
    idx = demography.index_range(banded, base_year, rates).loc[years]
    demo = pd.DataFrame(
        {
            "year": years,
            "scenario": "Demography only",
            "incidents": base * idx["central"].to_numpy(),
            "lower": base * idx["low"].to_numpy(),
            "upper": base * idx["high"].to_numpy(),
        }
    )
    exclude = trend_excluded_years(covid)
    trend_rows = []
    for y in years:
        t = forecast.log_linear_trend(totals, exclude, base_year, int(y), alpha=TREND_ALPHA) if y > base_year else None
        if t is None:
            trend_rows.append((base, base, base))
        else:
            trend_rows.append((base * (1 + t["growth"]), base * (1 + t["low"]), base * (1 + t["high"])))
    tr = np.array(trend_rows)
    trend = pd.DataFrame(
        {"year": years, "scenario": "Trend only", "incidents": tr[:, 0], "lower": tr[:, 1], "upper": tr[:, 2]}
    )
    blend = pd.DataFrame(
        {
            "year": years,
            "scenario": "Blended",
            "incidents": (demo["incidents"].to_numpy() + trend["incidents"].to_numpy()) / 2,
            "lower": np.minimum(demo["lower"], trend["lower"]).to_numpy(),
            "upper": np.maximum(demo["upper"], trend["upper"]).to_numpy(),
        }
    )
    return pd.concat([trend, demo, blend], ignore_index=True)


def growth_by_scenario(paths: pd.DataFrame, base_year: int, horizon_year: int) -> pd.DataFrame:
    """Growth from base to horizon by scenario, central and range."""
    rows = []
    for name, p in paths.groupby("scenario", sort=False):
        b = p[p["year"] == base_year]["incidents"].iloc[0]
        h = p[p["year"] == horizon_year].iloc[0]
        rows.append(
            {"scenario": name, "growth": h["incidents"] / b - 1, "low": h["lower"] / b - 1, "high": h["upper"] / b - 1}
        )
    return pd.DataFrame(rows).set_index("scenario")
