"""The appraisal's model: Monte Carlo draws, yearly flows, present values, break-even, the tornado,
the sensitivity to dependence between the cash lines, and the numbers behind the verdict map.

Benefit of an item in year y = value × base × ramp(y) [× realisation, for lines sized as plans], where
the ramp rises linearly from the start year (after the drawn delay) to 1 over `ramp` years. Costs carry
optimism bias as the Green Book's supplementary guidance intends: an uplift on the most likely (central)
estimate, `capital_optimism_bias` on one-off costs and `operating_optimism_bias` (0 by default) on
recurring costs, added once as a fixed amount (bias × central) to a cost whose own range is drawn.
Year 1 is undiscounted (Green Book convention for year 0).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr

from se_ambulance.analysis.appraisal.inputs import (
    GLOBALS,
    MONITOR_MIDDLE,
    OPTIMISM_BIAS_CAPITAL_BOUNDS,
    SETTING_RANGES,
    Scale,
    Settings,
    register,
)
from se_ambulance.reference.benefits import Item


# --- discounting --------------------------------------------------------------------------------


def discount_factors(years: int, rate: float) -> np.ndarray:
    """Green Book discount factors: 1 in the first year, then 1/(1+r)^t."""
    return (1.0 + rate) ** -np.arange(years, dtype=float)


def npv(flows: np.ndarray, rate: float) -> np.ndarray:
    """Present value of yearly flows (last axis = years; the first year undiscounted)."""
    flows = np.asarray(flows, dtype=float)
    return (flows * discount_factors(flows.shape[-1], rate)).sum(axis=-1)


def breakeven_year(flows: np.ndarray, rate: float) -> np.ndarray:
    """First appraisal year (1-based) in which cumulative discounted net flows reach zero; NaN if never."""
    flows = np.atleast_2d(np.asarray(flows, dtype=float))
    cum = np.cumsum(flows * discount_factors(flows.shape[-1], rate), axis=-1)
    reached = cum >= 0
    first = reached.argmax(axis=-1).astype(float) + 1
    first[~reached.any(axis=-1)] = np.nan
    return first


def breakeven_summary(years: np.ndarray | pd.Series) -> dict[str, float]:
    """Break-even over ALL draws: a draw that never breaks even counts as later than any year (inf).

    Returns the median, 5th and 95th centiles (inf = not within the appraisal period) and the share
    of draws that never break even. E.g. [2, 3, NaN, NaN, 5]: median 5, share never 0.4."""
    y = np.asarray(years, dtype=float)
    y = np.where(np.isnan(y), np.inf, y)

    def q(p: float) -> float:
        return float(np.quantile(y, p, method="inverted_cdf"))  # an observed year, or inf

    return {"median": q(0.5), "p5": q(0.05), "p95": q(0.95), "share_never": float(np.mean(np.isinf(y)))}


# --- draws ----------------------------------------------------------------------------------------


def triangular_ppf(u: np.ndarray, values: tuple[float, float, float]) -> np.ndarray:
    """The triangular distribution's quantile function at probabilities u (a constant if low == high)."""
    a, c, b = (float(v) for v in values)
    u = np.asarray(u, dtype=float)
    if b == a:
        return np.full_like(u, a)
    fc = (c - a) / (b - a)
    return np.where(u < fc, a + np.sqrt(u * (b - a) * (c - a)), b - np.sqrt((1 - u) * (b - a) * (b - c)))


def _mean(values: tuple[float, float, float]) -> float:
    return sum(values) / 3.0


def cash_benefit_ids(items: tuple[Item, ...]) -> list[str]:
    return [i.id for i in items if i.kind == "benefit" and i.cash]


def global_ranges(settings: Settings, sc: Scale) -> dict[str, tuple[float, float, float]]:
    """(low, central, high) of every global input: from the settings, and the income's from the published sources
    (as a share of the scale's most likely income; a fixed income when the reader set `group_turnover_m`)."""
    out = {name: tuple(getattr(settings, name)) for name in SETTING_RANGES}
    out["income"] = (1.0, 1.0, 1.0) if settings.group_turnover_m is not None else tuple(sc.income_range)
    return out


def draw(settings: Settings, items: tuple[Item, ...], sc: Scale, correlation: float = 0.0) -> dict[str, np.ndarray]:
    """The Monte Carlo inputs: one array of `mc_draws` values per uncertain input.

    Every input is drawn as a triangular quantile of a uniform. The cash-releasing benefit lines share
    a Gaussian copula with equal pairwise `correlation` (0 = independent, 1 = comonotonic: all at the
    same centile); the same seed gives the same idiosyncratic numbers whatever the correlation."""
    if not 0.0 <= correlation <= 1.0:
        raise ValueError(f"correlation must be between 0 and 1, got {correlation}")
    rng = np.random.default_rng(settings.mc_seed)
    n = settings.mc_draws
    ranges = global_ranges(settings, sc)
    out = {name: triangular_ppf(rng.random(n), ranges[name]) for name in GLOBALS}
    common = rng.standard_normal(n)
    cash = set(cash_benefit_ids(items))
    for item in items:
        z = rng.standard_normal(n)
        if item.id in cash:
            z = np.sqrt(correlation) * common + np.sqrt(1.0 - correlation) * z
        out[item.id] = triangular_ppf(ndtr(z), item.values())
    return out


def central(settings: Settings, items: tuple[Item, ...], sc: Scale, **at: str) -> dict[str, np.ndarray]:
    """Every input at its central value (one 'draw'); `at={'name': 'low'|'high'|'mean'}` moves inputs.
    'mean' is the triangular mean (low + central + high) / 3."""

    def pick(values, how):
        return _mean(values) if how == "mean" else values[{"low": 0, "central": 1, "high": 2}[how]]

    ranges = global_ranges(settings, sc)
    out = {name: np.array([pick(ranges[name], at.get(name, "central"))]) for name in GLOBALS}
    for item in items:
        out[item.id] = np.array([pick(item.values(), at.get(item.id, "central"))])
    return out


def at_means(settings: Settings, items: tuple[Item, ...], sc: Scale) -> dict[str, np.ndarray]:
    """Every input at its mean."""
    return central(settings, items, sc, **{k: "mean" for k in [*GLOBALS, *(i.id for i in items)]})


# --- flows ----------------------------------------------------------------------------------------


@dataclass
class Flows:
    """Yearly flows per draw (rows = draws, columns = appraisal years), in pounds."""

    cash_benefit: np.ndarray
    noncash_benefit: np.ndarray
    one_off_cost: np.ndarray
    recurring_cost: np.ndarray
    by_item: dict[str, np.ndarray]

    @property
    def net_cash(self) -> np.ndarray:
        return self.cash_benefit - self.one_off_cost - self.recurring_cost

    @property
    def recurring_savings(self) -> np.ndarray:
        """Cash-releasing benefits less the group's running costs (the 'efficiencies' of a year)."""
        return self.cash_benefit - self.recurring_cost


def income(inputs: dict[str, np.ndarray], settings: Settings, sc: Scale) -> np.ndarray:
    """The group's yearly income per draw (£, 2025/26 prices): the reader's figure, or the estimate from the
    published incomes (the most likely income × the drawn share of it)."""
    n = len(inputs["realisation"])
    if settings.group_turnover_m is not None:
        return np.full(n, settings.group_turnover_m * 1e6)
    return sc.turnover * inputs["income"]


def flows(inputs: dict[str, np.ndarray], items: tuple[Item, ...], settings: Settings, sc: Scale) -> Flows:
    """Yearly cash and non-cash flows for every draw (see the module's docstring for the rules)."""
    n = len(inputs["realisation"])
    years = settings.appraisal_years
    y = np.arange(1, years + 1, dtype=float)[None, :]
    turnover = income(inputs, settings, sc)
    uplift = inputs["turnover_uplift"]
    realised = inputs["realisation"][:, None]
    delay = inputs["benefit_delay_years"][:, None]
    planned = inputs["planned_savings"][:, None]  # the part of a line the trusts would save alone
    zero = np.zeros((n, years))
    acc = {"cash": zero.copy(), "noncash": zero.copy(), "one-off cost": zero.copy(), "recurring cost": zero.copy()}
    by_item = {}
    for item in items:
        base = sc.base(item.basis, turnover, uplift)
        amount = (inputs[item.id] * base)[:, None]
        if item.kind == "benefit":
            ramp = np.clip((y - item.start + 1 - delay) / item.ramp, 0, 1)
            flow = amount * ramp * (realised if item.sized_as == "plan" else 1.0)
            if item.in_trust_plans:
                flow = flow * (1.0 - planned)
            acc["cash" if item.cash else "noncash"] += flow
        else:
            bias = settings.capital_optimism_bias if item.kind == "one-off cost" else settings.operating_optimism_bias
            amount = amount + (bias * item.central * base)[:, None]
            if item.kind == "one-off cost":
                flow = amount * ((y >= item.start) & (y < item.start + item.ramp)) / item.ramp
            else:
                flow = amount * (y >= item.start)
            acc[item.kind] += flow
        by_item[item.id] = flow
    return Flows(acc["cash"], acc["noncash"], acc["one-off cost"], acc["recurring cost"], by_item)


@dataclass
class Result:
    """One Monte Carlo run: per-draw outcomes and the flows behind them."""

    settings: Settings
    items: tuple[Item, ...]
    scale: Scale
    flows: Flows
    outcomes: pd.DataFrame  # one row per draw
    correlation: float = 0.0


OUTCOMES = (
    "annual_cash_savings",
    "npv_cash",
    "pv_cash_benefits",
    "pv_costs",
    "breakeven_year",
    "annual_wider",
    "pv_wider",
    "cumulative_cash_savings",
    "cumulative_wider",
)


def outcomes_of(f: Flows, settings: Settings) -> pd.DataFrame:
    """Per draw: the two readings of each claim and what lies behind them (£; break-even in years).

    annual_*: the final appraisal year (a yearly amount once the plan is in place); npv_cash: present
    value of cash benefits net of ALL costs, one-off included; pv_wider: gross present value of non-cash
    benefits; cumulative_*: undiscounted sums, kept only to show what discounting changes."""
    r = settings.discount_rate
    return pd.DataFrame(
        {
            "annual_cash_savings": f.recurring_savings[:, -1],
            "npv_cash": npv(f.net_cash, r),
            "pv_cash_benefits": npv(f.cash_benefit, r),
            "pv_costs": npv(f.one_off_cost + f.recurring_cost, r),
            "breakeven_year": breakeven_year(f.net_cash, r),
            "annual_wider": f.noncash_benefit[:, -1],
            "pv_wider": npv(f.noncash_benefit, r),
            "cumulative_cash_savings": f.recurring_savings.sum(axis=1),
            "cumulative_wider": f.noncash_benefit.sum(axis=1),
        }
    )


def simulate(settings: Settings, sc: Scale, correlation: float = 0.0) -> Result:
    """The Monte Carlo; `correlation` between the cash benefit lines (0 = independent, the default)."""
    items = register(settings)
    f = flows(draw(settings, items, sc, correlation), items, settings, sc)
    return Result(settings, items, sc, f, outcomes_of(f, settings), correlation)


def deterministic(settings: Settings, sc: Scale, **at: str) -> pd.Series:
    """The outcomes with every input at its central value (or some moved to low/high/mean)."""
    items = register(settings)
    return outcomes_of(flows(central(settings, items, sc, **at), items, settings, sc), settings).iloc[0]


def centre_and_median(res: Result, outcome: str = "npv_cash") -> dict[str, float]:
    """Why the tornado's centre differs from the Monte Carlo median (£).

    centre: every input at its most likely value (the tornado's dashed line); at_means: every input at
    its mean (right-skewed triangular ranges have means above their modes); mc_median and mc_mean:
    of the draws. The centre and the median differ because the ranges are skewed and the outcome is a
    product of inputs (value × base × realisation), not a sum of independent symmetric terms."""
    items = res.items
    at_mean = outcomes_of(flows(at_means(res.settings, items, res.scale), items, res.settings, res.scale), res.settings)
    x = res.outcomes[outcome]
    return {
        "centre": float(deterministic(res.settings, res.scale)[outcome]),
        "at_means": float(at_mean[outcome].iloc[0]),
        "mc_median": float(x.median()),
        "mc_mean": float(x.mean()),
    }


# --- summaries (numbers only) -------------------------------------------------------------------


def probability(x: pd.Series | np.ndarray, threshold: float) -> tuple[float, float]:
    """P(x >= threshold) and its Monte Carlo standard error."""
    x = np.asarray(x, dtype=float)
    p = float(np.mean(x >= threshold))
    return p, float(np.sqrt(p * (1 - p) / len(x)))


def summary(res: Result) -> pd.DataFrame:
    """Mean, 5th, 50th and 95th centiles of each money outcome (£), indexed by outcome id."""
    out = {}
    for key in ("annual_cash_savings", "npv_cash", "pv_cash_benefits", "pv_costs", "annual_wider", "pv_wider"):
        x = res.outcomes[key]
        out[key] = {"mean": x.mean(), "p5": x.quantile(0.05), "median": x.median(), "p95": x.quantile(0.95)}
    return pd.DataFrame(out).T


def tornado(settings: Settings, sc: Scale, outcome: str = "npv_cash") -> pd.DataFrame:
    """One at a time, each uncertain input at its low and its high value, the others central (£).

    Columns: input (a global name or register id), low, high, central; ordered by swing."""
    items = register(settings)
    base = float(deterministic(settings, sc)[outcome])
    names = [*GLOBALS, *(i.id for i in items)]
    if settings.group_turnover_m is not None:
        names.remove("income")
    rows = []
    for key in names:
        lo = float(deterministic(settings, sc, **{key: "low"})[outcome])
        hi = float(deterministic(settings, sc, **{key: "high"})[outcome])
        rows.append({"input": key, "low": min(lo, hi), "high": max(lo, hi), "central": base, "swing": abs(hi - lo)})
    frame = pd.DataFrame(rows)
    frame = frame[frame["swing"] > 1e-3]  # inputs that cannot move this outcome
    return frame.sort_values("swing", ascending=False).reset_index(drop=True).drop(columns="swing")


def with_input(settings: Settings, name: str, value: float, sc: Scale | None = None) -> Settings:
    """Settings with one input held at `value`: a global range, a cost uplift, a register line's fraction (its
    low, central and high all set to `value`), or the income as a share of the scale's most likely income (held
    as the reader's income, `group_turnover_m`; it needs the scale `sc`)."""
    if name == "income":
        if sc is None:
            raise ValueError("holding the income needs the scale its share is of")
        return replace(settings, group_turnover_m=float(value) * central_income(settings, sc) / 1e6)
    held: dict[str, Any]  # one field of Settings, named at run time
    if name in GLOBALS:
        held = {name: (value, value, value)}
        return replace(settings, **held)
    if name in ("capital_optimism_bias", "operating_optimism_bias", "discount_rate"):
        held = {name: float(value)}
        return replace(settings, **held)
    over = {k: dict(v) for k, v in settings.register_overrides.items()}
    over[name] = {**over.get(name, {}), "low": value, "central": value, "high": value}
    return replace(settings, register_overrides=over)


# A verdict-map axis value meaning "as the run draws it": the input is not held at one value but left
# uncertain over the run's own range, as everywhere else in the run.
AS_RUN = None


def input_range(settings: Settings, name: str, sc: Scale | None = None) -> tuple[float, float, float]:
    """The run's (low, central, high) of an input: a global range, a register line, a cost uplift (a point), or
    the income as shares of the most likely income (it needs the scale `sc`)."""
    if name in SETTING_RANGES:
        return getattr(settings, name)
    if name == "income":
        if sc is None:
            raise ValueError("the income's range needs the scale it is a share of")
        return global_ranges(settings, sc)["income"]
    if name in ("capital_optimism_bias", "operating_optimism_bias", "discount_rate"):
        v = float(getattr(settings, name))
        return v, v, v
    for item in register(settings):
        if item.id == name:
            return item.values()
    raise ValueError(f"unknown input {name!r}")


def map_references(settings: Settings, name: str) -> tuple[float, ...]:
    """Values a verdict map adds to an input's own low, central and high, as yardsticks: a full merger's savings
    for the corporate line (the middle of Monitor's 1-3%), twice the high of Carter's productivity line, and the
    Green Book's bounds for optimism bias on one-off costs."""
    if name == "corporate":
        return (MONITOR_MIDDLE,)
    if name == "productivity":
        return (2 * input_range(settings, name)[2],)
    if name == "capital_optimism_bias":
        return OPTIMISM_BIAS_CAPITAL_BOUNDS
    return ()


def map_axis(settings: Settings, name: str, sc: Scale | None = None) -> tuple[str, list[float | None]]:
    """An axis of a verdict map: the run's low, central and high values of `name` held one at a time, its
    `map_references`, and, if the run draws the input over a range, AS_RUN (the run's own range)."""
    low, central, high = input_range(settings, name, sc)
    values: list[float | None] = sorted(
        {float(low), float(central), float(high), *map(float, map_references(settings, name))}
    )
    if high > low:
        values.append(AS_RUN)
    return name, values


def verdict_map_axes(
    settings: Settings, sc: Scale, inputs: dict[str, tuple[str, str]]
) -> dict[str, tuple[tuple[str, list[float | None]], tuple[str, list[float | None]]]]:
    """The verdict maps' axes: {claim: (x axis, y axis)} for the (x, y) inputs chosen per claim (the chapter
    chooses those whose variance decides the claim's verdict: `sensitivity.map_inputs`). Each axis is the
    input's run values (`map_axis`); an input the run draws over a range also gets AS_RUN, so the cell at AS_RUN
    (or the run's value) on both axes is the run itself."""
    return {claim: (map_axis(settings, x, sc), map_axis(settings, y, sc)) for claim, (x, y) in inputs.items()}


def _inputs_of(settings: Settings) -> tuple:
    """What a run's numbers depend on (the register by value, not by its sources' wording)."""
    lines = tuple((i.id, i.kind, i.cash, i.basis, i.values(), i.start, i.ramp, i.sized_as) for i in register(settings))
    return replace(settings, register_overrides={}), lines


def same_inputs(a: Settings, b: Settings) -> bool:
    """Whether two settings give the same Monte Carlo (the same values, draws and seed)."""
    return _inputs_of(a) == _inputs_of(b)


def verdict_map(
    settings: Settings,
    sc: Scale,
    x: tuple[str, list[float | None]],
    y: tuple[str, list[float | None]],
    estimates,
    draws: int | None = None,
) -> pd.DataFrame:
    """The numbers behind a verdict map: for each (x, y) pair of input values (the others uncertain as
    usual), each claim reading's median and 90% interval (£).

    A value AS_RUN (None; NaN in the frame) leaves that input as the run draws it. Column `run` is True in
    the cell whose inputs are the run's own (same values, draws and seed): its numbers are `simulate(settings,
    sc)`'s, the run's. `estimates` maps a Result to {claim: {reading: Estimate}} (the package's
    `claim_estimates`). `draws` overrides the number of draws per cell (fewer keep a test fast; then no
    cell is the run)."""
    rows = []
    base = replace(settings, mc_draws=draws) if draws else settings
    for xv in x[1]:
        for yv in y[1]:
            s = base
            for name, value in ((x[0], xv), (y[0], yv)):
                if value is not AS_RUN:
                    s = with_input(s, name, value, sc)
            run = same_inputs(s, settings)
            for claim, readings in estimates(simulate(settings if run else s, sc)).items():
                for reading, e in readings.items():
                    rows.append(
                        {
                            x[0]: np.nan if xv is AS_RUN else xv,
                            y[0]: np.nan if yv is AS_RUN else yv,
                            "claim": claim,
                            "reading": reading,
                            "central": e.central,
                            "low": e.low,
                            "high": e.high,
                            "mc": e.mc,
                            "run": run,
                        }
                    )
    return pd.DataFrame(rows)


def dependence(
    settings: Settings, sc: Scale, estimates, probabilities, correlations: tuple[float, ...] = (0.0, 0.5, 1.0)
) -> pd.DataFrame:
    """The same outputs with the cash benefit lines drawn with each stated correlation (Gaussian
    copula; 1 = comonotonic): median and 90% interval of each reading (£) and the chance of each claim."""
    rows = []
    for rho in correlations:
        res = simulate(settings, sc, correlation=rho)
        est, prob = estimates(res), probabilities(res)
        for claim, readings in est.items():
            for reading, e in readings.items():
                rows.append(
                    {
                        "correlation": rho,
                        "claim": claim,
                        "reading": reading,
                        "central": e.central,
                        "low": e.low,
                        "high": e.high,
                    }
                )
        for key, (p, se) in prob.items():
            rows.append({"correlation": rho, "claim": key, "reading": "probability", "central": p, "low": p, "high": p})
    return pd.DataFrame(rows)


def central_income(settings: Settings, sc: Scale) -> float:
    """The group's yearly income at the central price change (or as the reader set it), £."""
    if settings.group_turnover_m is not None:
        return settings.group_turnover_m * 1e6
    return sc.turnover


def central_cash_share(settings: Settings, sc: Scale) -> float:
    """Cash-releasing benefits at their central values as a share of income (as sized: realised outcomes)."""
    return sum(i.central for i in register(settings) if i.kind == "benefit" and i.cash and i.basis == "turnover")


def register_frame(settings: Settings, sc: Scale) -> pd.DataFrame:
    """The register in pounds at the central income and price change: each item's low, central and high
    (£ a year; one-off costs in total, before optimism bias), with its timing and attributes."""
    turnover = np.array([central_income(settings, sc)])
    uplift = np.array([settings.turnover_uplift[1]])
    rows = []
    for i in register(settings):
        base = float(sc.base(i.basis, turnover, uplift)[0])
        rows.append(
            {
                "id": i.id,
                "label": i.label,
                "kind": i.kind,
                "cash": i.cash,
                "sized_as": i.sized_as,
                "low": i.low * base,
                "central": i.central * base,
                "high": i.high * base,
                "start": i.start,
                "ramp": i.ramp,
                "source": i.source,
                "quality": i.quality,
            }
        )
    return pd.DataFrame(rows)


def yearly_frame(res: Result) -> pd.DataFrame:
    """Median and 90% range of the cumulative discounted net cash position by appraisal year (£)."""
    r = res.settings.discount_rate
    cum = np.cumsum(res.flows.net_cash * discount_factors(res.settings.appraisal_years, r), axis=1)
    return pd.DataFrame(
        {
            "year": np.arange(1, res.settings.appraisal_years + 1),
            "median": np.median(cum, axis=0),
            "low": np.quantile(cum, 0.05, axis=0),
            "high": np.quantile(cum, 0.95, axis=0),
        }
    )


def histogram_frame(values: pd.Series, bins: int = 40) -> pd.DataFrame:
    """Shares of draws in equal-width bins (£m), for a distribution chart."""
    x = np.asarray(values, dtype=float) / 1e6
    counts, edges = np.histogram(x, bins=bins)
    return pd.DataFrame({"from": edges[:-1].round(3), "to": edges[1:].round(3), "share": (counts / len(x)).round(5)})
