"""The demographic demand model: population by age band × relative use rates, as an index.

There is no official England table of ambulance use by age, so each rate is an input with a low,
central and high value (`rates`: {group: (low, central, high)}, the `demand.age_rates` parameter;
defaults and sources in `reference.use_rates`). The central rates give the projection; the range
is the exact minimum and maximum over every combination of low and high rates (growth is a ratio
of two linear functions of the rates, so its extremes lie at the corners of the box of rates).
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import product

import pandas as pd

from se_ambulance.data.population import AGE_BANDS
from se_ambulance.reference.use_rates import GROUPS, RATED_GROUPS, REFERENCE_GROUP

Rates = Mapping[str, tuple[float, float, float]]


def _triple(v) -> tuple[float, float, float]:
    if isinstance(v, Mapping):
        return float(v["low"]), float(v["central"]), float(v["high"])
    low, central, high = v
    return float(low), float(central), float(high)


def triples(rates: Mapping) -> dict[str, tuple[float, float, float]]:
    """Rates given as {group: (low, central, high)} or {group: {low, central, high}}; every rated group needed."""
    missing = [g for g in RATED_GROUPS if g not in rates]
    if missing:
        raise ValueError(f"use rates missing for age group(s) {missing}")
    return {g: _triple(rates[g]) for g in RATED_GROUPS}


def point_rates(rates: Mapping, pick: Mapping[str, int] | None = None) -> dict[str, float]:
    """One rate per group: central (index 1) unless `pick` chooses 0 (low) or 2 (high); ages 15-64 = 1."""
    t = triples(rates)
    out = {REFERENCE_GROUP: 1.0}
    out.update({g: t[g][(pick or {}).get(g, 1)] for g in RATED_GROUPS})
    return out


def weighted_population(banded: pd.DataFrame, rate: Mapping[str, float]) -> pd.Series:
    """Σ population × rate, by year (the 'demand-weighted population')."""
    weights = pd.Series({band: rate[g] for g, bands in GROUPS.items() for band in bands})[AGE_BANDS]
    return banded[AGE_BANDS].mul(weights, axis=1).sum(axis=1)


def index_at(banded: pd.DataFrame, base_year: int, rate: Mapping[str, float]) -> pd.Series:
    """Demand relative to `base_year` (= 1) for one set of point rates."""
    w = weighted_population(banded, rate)
    return w / w.loc[base_year]


def demand_index(banded: pd.DataFrame, base_year: int, rates: Rates) -> pd.Series:
    """Demand relative to `base_year` (= 1) from demography alone, at the central rates."""
    return index_at(banded, base_year, point_rates(rates))


def growth(banded: pd.DataFrame, base_year: int, target_year: int, rates: Rates) -> float:
    return float(demand_index(banded, base_year, rates).loc[target_year] - 1)


def corner_indices(banded: pd.DataFrame, base_year: int, rates: Rates) -> pd.DataFrame:
    """The demand index at every combination of low and high rates (columns), by year (rows)."""
    cols = {}
    for combo in product((0, 2), repeat=len(RATED_GROUPS)):
        pick = dict(zip(RATED_GROUPS, combo))
        cols[combo] = index_at(banded, base_year, point_rates(rates, pick))
    return pd.DataFrame(cols)


def index_range(banded: pd.DataFrame, base_year: int, rates: Rates) -> pd.DataFrame:
    """By year: the lowest, central and highest demand index over the box of rates."""
    corners = corner_indices(banded, base_year, rates)
    return pd.DataFrame(
        {"low": corners.min(axis=1), "central": demand_index(banded, base_year, rates), "high": corners.max(axis=1)}
    )


def growth_range(banded: pd.DataFrame, base_year: int, target_year: int, rates: Rates) -> tuple[float, float, float]:
    """(lowest, central, highest) growth from base to target over every combination of low and high rates."""
    r = index_range(banded, base_year, rates).loc[target_year] - 1
    return float(r["low"]), float(r["central"]), float(r["high"])


def over_65_share(banded: pd.DataFrame, year: int, rates: Rates) -> float:
    """Share of modelled demand from people aged 65+ (a check against SCAS's 48% of calls)."""
    r = point_rates(rates)
    w = banded.loc[year]
    old = sum(w[b] * r[g] for g in ("65-74", "75-84", "85+") for b in GROUPS[g])
    total = sum(w[b] * r[g] for g, bands in GROUPS.items() for b in bands)
    return float(old / total)


def tornado(banded: pd.DataFrame, base_year: int, target_year: int, rates: Rates) -> pd.DataFrame:
    """Growth with each rate at its low and high value, the others central; widest first.
    Columns: group, central_rate, low, high, central (growth)."""
    t = triples(rates)
    centre = growth(banded, base_year, target_year, rates)
    rows = []
    for g in RATED_GROUPS:
        lo = float(index_at(banded, base_year, point_rates(rates, {g: 0})).loc[target_year] - 1)
        hi = float(index_at(banded, base_year, point_rates(rates, {g: 2})).loc[target_year] - 1)
        rows.append({"group": g, "central_rate": t[g][1], "low": lo, "high": hi, "central": centre})
    out = pd.DataFrame(rows)
    out["width"] = (out["high"] - out["low"]).abs()
    return out.sort_values("width", ascending=False, ignore_index=True)
