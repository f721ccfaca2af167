"""What the money verdicts rest on: a variance-based (Sobol) sensitivity analysis with SALib, the same outputs with
the inputs that have no published evidence held at their most likely values, and how much the Monte Carlo's
answers move with the random seed.

SALib (Herman & Usher 2017) samples the unit hypercube with Saltelli's scheme; each coordinate is mapped through
the input's own triangular quantile function, so the indices are those of the model as the Monte Carlo draws it
(Sobol indices do not change under a one-to-one map of an input). The first-order index S1 is the share of the
output's variance an input explains alone; the total index ST adds its interactions.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from se_ambulance.analysis.appraisal.inputs import GLOBALS, GLOBAL_QUALITY, Scale, Settings, register
from se_ambulance.analysis.appraisal.model import (
    Result,
    flows,
    global_ranges,
    input_range,
    outcomes_of,
    simulate,
    triangular_ppf,
    with_input,
)

SOBOL_OUTCOMES = ("annual_cash_savings", "npv_cash", "annual_wider", "pv_wider")


def uncertain_inputs(settings: Settings, sc: Scale) -> dict[str, tuple[float, float, float]]:
    """Every input the Monte Carlo draws over a range (low < high), in draw order."""
    ranges = global_ranges(settings, sc) | {i.id: i.values() for i in register(settings)}
    return {k: (float(v[0]), float(v[1]), float(v[2])) for k, v in ranges.items() if v[2] > v[0]}


def input_quality(settings: Settings, sc: Scale) -> dict[str, str]:
    """Each input's evidence rating (red / amber / green), as the assumptions log gives it."""
    from se_ambulance.reference.finance import INCOME_SOURCES

    income = next(s.quality for s in INCOME_SOURCES if s.id == settings.income_source)
    return dict(GLOBAL_QUALITY) | {"income": income} | {i.id: i.quality for i in register(settings)}


def sobol(settings: Settings, sc: Scale, base_samples: int = 1024, seed: int | None = None) -> pd.DataFrame:
    """First-order and total Sobol indices of each money outcome for every uncertain input.

    Columns: input, outcome, S1, ST, ST_conf (the half-width of SALib's bootstrap 95% interval of ST). `seed` is
    the run's `mc_seed` unless given."""
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    ranges = uncertain_inputs(settings, sc)
    names = list(ranges)
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    seed = settings.mc_seed if seed is None else seed
    u = sample.sample(problem, base_samples, calc_second_order=False, seed=seed)
    items = register(settings)
    fixed = global_ranges(settings, sc) | {i.id: i.values() for i in items}
    inputs = {k: np.full(len(u), float(v[1])) for k, v in fixed.items()}  # fixed inputs at their one value
    for j, name in enumerate(names):
        inputs[name] = triangular_ppf(u[:, j], ranges[name])
    out = outcomes_of(flows(inputs, items, settings, sc), settings)
    rows = []
    for outcome in SOBOL_OUTCOMES:
        y = out[outcome].to_numpy()
        if np.ptp(y) == 0:
            continue
        si = analyze.analyze(problem, y, calc_second_order=False, seed=seed)
        rows += [
            {
                "input": n,
                "outcome": outcome,
                "S1": float(si["S1"][k]),
                "ST": float(si["ST"][k]),
                "ST_conf": float(si["ST_conf"][k]),
            }
            for k, n in enumerate(names)
        ]
    return pd.DataFrame(rows, columns=["input", "outcome", "S1", "ST", "ST_conf"])


# An input decides a verdict when it explains at least this share of the variance of the reading that decides it.
DECIDING_SHARE = 0.10


def shown_share(st: float) -> float:
    """A total index as the book shows it: clipped at zero and rounded to a whole percent (0.096 -> 0.10). The rule
    for what decides is applied to this number, so the page's words and its table of indices always agree."""
    return float(f"{100 * max(st, 0.0):.0f}") / 100


def rests_on(indices: pd.DataFrame, outcome: str, share: float = DECIDING_SHARE) -> pd.DataFrame:
    """The inputs that decide an outcome, largest first: every input whose total index, as shown (`shown_share`),
    is at least `share`; the largest alone when none reaches it; none when nothing moves the outcome."""
    sub = indices[indices["outcome"] == outcome].sort_values("ST", ascending=False, kind="stable")
    if sub["ST"].clip(lower=0).sum() <= 0:
        return sub.iloc[:0]
    keep = sub["ST"].map(shown_share) >= share
    if not keep.any():
        keep.iloc[0] = True
    return sub[keep.to_numpy()].reset_index(drop=True)


def map_inputs(indices: pd.DataFrame, outcome: str, settings: Settings, sc: Scale) -> tuple[str, str]:
    """The two inputs a verdict map on `outcome` holds, as (x, y): the two with the largest total Sobol indices for
    it (`sobol`), the larger on the rows (y), the other on the columns (x). Ties keep the draw order. If fewer than
    two inputs move the outcome, the next inputs in draw order make up the pair, so the map shows that they do not
    move it."""
    sub = indices[(indices["outcome"] == outcome) & (indices["ST"] > 0)]
    ranked = list(sub.sort_values("ST", ascending=False, kind="stable")["input"])
    order = [*uncertain_inputs(settings, sc), *GLOBALS, *(i.id for i in register(settings))]
    pair = list(dict.fromkeys([*ranked, *order]))[:2]
    return pair[1], pair[0]


def best_evidenced(settings: Settings, sc: Scale, quality: dict[str, str] | None = None) -> Settings:
    """The run's settings with every input rated red (our own range: no published evidence for it) held at its
    most likely value; inputs with published evidence (amber, green) keep their ranges. The income's range comes
    from the published sources and is rated by its most likely source, so it is never held here."""
    quality = quality or input_quality(settings, sc)
    out = settings
    for name in uncertain_inputs(settings, sc):
        if quality.get(name) == "red" and name != "income":
            out = with_input(out, name, input_range(settings, name)[1])
    return out


def best_evidenced_result(settings: Settings, sc: Scale) -> Result:
    """The Monte Carlo under `best_evidenced` settings (same draws and seed)."""
    return simulate(best_evidenced(settings, sc), sc)


def seed_runs(settings: Settings, sc: Scale, seeds: int = 10) -> list[Result]:
    """The same Monte Carlo with `seeds` other seeds (the run's seed + 1, + 2, ...): how much its answers move
    with the random numbers alone."""
    return [simulate(replace(settings, mc_seed=(settings.mc_seed + k) % 2**32), sc) for k in range(1, seeds + 1)]


__all__ = [
    "GLOBALS",
    "SOBOL_OUTCOMES",
    "best_evidenced",
    "best_evidenced_result",
    "input_quality",
    "map_inputs",
    "rests_on",
    "seed_runs",
    "sobol",
    "uncertain_inputs",
]
