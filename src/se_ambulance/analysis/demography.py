"""The demographic demand model: population by age band × relative use rates, as an index.

There is no official England table of ambulance use by age, so the rates are assumptions with
a low, central and high value and a source each (see `RATE_ASSUMPTIONS`); the chapter shows how
much the answer moves with each of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from se_ambulance.data.population import AGE_BANDS

# Rate groups: each 5-year band belongs to one group; rates are relative to ages 15–64 (= 1).
GROUPS: dict[str, tuple[str, ...]] = {
    "0-14": ("0-4", "5-9", "10-14"),
    "15-64": ("15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64"),
    "65-74": ("65-69", "70-74"),
    "75-84": ("75-79", "80-84"),
    "85+": ("85-89", "90+"),
}


@dataclass(frozen=True)
class RateAssumption:
    low: float
    central: float
    high: float
    source: str


RATE_ASSUMPTIONS: dict[str, RateAssumption] = {
    "0-14": RateAssumption(0.3, 0.45, 0.6, "Assumption: children use ambulances less than working-age adults; "
                           "no England table by age exists."),
    "65-74": RateAssumption(1.3, 1.7, 2.2, "Assumption between the working-age rate and the 75–84 rate."),
    "75-84": RateAssumption(2.4, 3.2, 4.0, "Tokyo: 90 per 1,000 a year at 65–84 (against 250 at 85+)."),
    "85+": RateAssumption(5.0, 7.0, 8.5, "Melbourne: people aged 85+ conveyed 7.9 times as often as those "
                          "aged 45–69; Tokyo: 250 per 1,000 a year at 85+."),
}


def rates(choice: dict[str, float] | None = None) -> dict[str, float]:
    """Relative rates for every group: central values, overridden by `choice`."""
    out = {"15-64": 1.0, **{g: a.central for g, a in RATE_ASSUMPTIONS.items()}}
    out.update(choice or {})
    return out


def weighted_population(banded: pd.DataFrame, rate: dict[str, float]) -> pd.Series:
    """Σ population × rate, by year (the 'demand-weighted population')."""
    weights = pd.Series({band: rate[g] for g, bands in GROUPS.items() for band in bands})[AGE_BANDS]
    return banded[AGE_BANDS].mul(weights, axis=1).sum(axis=1)


def demand_index(banded: pd.DataFrame, base_year: int, rate: dict[str, float] | None = None) -> pd.Series:
    """Demand relative to `base_year` (= 1) from demography alone."""
    w = weighted_population(banded, rates(rate))
    return w / w.loc[base_year]


def growth(banded: pd.DataFrame, base_year: int, target_year: int, rate: dict[str, float] | None = None) -> float:
    return float(demand_index(banded, base_year, rate).loc[target_year] - 1)


def over_65_share(banded: pd.DataFrame, year: int, rate: dict[str, float] | None = None) -> float:
    """Share of modelled demand from people aged 65+ (a check against SCAS's 48% of calls)."""
    r = rates(rate)
    w = banded.loc[year]
    old = sum(w[b] * r[g] for g in ("65-74", "75-84", "85+") for b in GROUPS[g])
    total = sum(w[b] * r[g] for g, bands in GROUPS.items() for b in bands)
    return float(old / total)


def tornado(banded: pd.DataFrame, base_year: int, target_year: int) -> pd.DataFrame:
    """Growth with each rate at its low and high value, the others central; widest first."""
    centre = growth(banded, base_year, target_year)
    rows = []
    for g, a in RATE_ASSUMPTIONS.items():
        rows.append({"assumption": f"Rate at {g} (central {a.central:g})",
                     "low": growth(banded, base_year, target_year, {g: a.low}),
                     "high": growth(banded, base_year, target_year, {g: a.high}), "central": centre})
    out = pd.DataFrame(rows)
    out["width"] = (out["high"] - out["low"]).abs()
    return out.sort_values("width", ascending=False, ignore_index=True)


def growth_range(banded: pd.DataFrame, base_year: int, target_year: int) -> tuple[float, float, float]:
    """(all rates low, central, all rates high) growth."""
    lo = {g: a.low for g, a in RATE_ASSUMPTIONS.items()}
    hi = {g: a.high for g, a in RATE_ASSUMPTIONS.items()}
    vals = [growth(banded, base_year, target_year, lo), growth(banded, base_year, target_year),
            growth(banded, base_year, target_year, hi)]
    return min(vals), vals[1], max(vals)


def rates_table(choice: dict[str, float] | None = None) -> pd.DataFrame:
    """The rate assumptions with their ranges, sources and the values in use."""
    used = rates(choice)
    return pd.DataFrame([{"age group": g, "low": a.low, "central": a.central, "high": a.high, "used here": used[g],
                          "source": a.source} for g, a in RATE_ASSUMPTIONS.items()]).set_index("age group")
