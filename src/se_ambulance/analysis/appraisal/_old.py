"""A Green Book appraisal of the group's two benefit claims.

The case says joint planning "could unlock efficiencies worth over £10 million" and "wider benefits of
potentially up to the equivalent of £80 million". No business case has been published, so this module
builds the appraisal that should sit behind such figures:

- a benefits register (`REGISTER`): what two ambulance trusts can plausibly save, and what it costs,
  each item with a low/central/high value, a start year, a ramp-up, cash-releasing or not, and a source;
- the scale from public facts: the group's income (SECAmb's published income scaled by AmbSYS activity)
  and the group's share of Lord Carter's national opportunity (by AmbSYS incidents);
- realisation risk from the evidence on mergers, optimism bias on costs and on timing, discounting at the
  Green Book rate;
- a seeded Monte Carlo over every uncertain input (triangular distributions), with cash-releasing and
  non-cash benefits kept apart throughout: "equivalent" values are never added to cash.

Years are financial years: appraisal year 1 is the group's first year (2025/26); year 1 is discounted
by one year less than year 2 and so on, with year 1 undiscounted (Green Book convention for year 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from se_ambulance.analysis import metrics
from se_ambulance.analysis.activity import activity_monthly
from se_ambulance.reference.benefits import Item, apply_overrides
from se_ambulance.errors import ParameterError
from se_ambulance.reference.orgs import PROVIDERS

# Book parameters this module reads (their defaults and bounds are in `params.BookParams`).
PARAMETERS = ("appraisal_years", "discount_rate", "mc_draws", "mc_seed", "realisation", "cost_optimism_bias",
              "benefit_delay_years", "turnover_uplift", "group_turnover_m", "value_per_conveyance",
              "register_overrides")

# Seed 003 (an encyclopaedia article on SECAmb): "Budget: £250.8million (2019/2020)".
SECAMB_INCOME_2019 = 250.8e6
INCOME_YEAR = 2019
# Lord Carter (2018), operational productivity and performance in English NHS ambulance trusts.
CARTER_CONVEYANCE = 300e6
CARTER_PRODUCTIVITY = 200e6
CLAIM_CASH = 10e6
CLAIM_WIDER = 80e6


# Global uncertain inputs, in the fixed order the Monte Carlo draws them (reproducibility).
GLOBALS = {
    "realisation": "Share of planned benefits realised",
    "cost_optimism_bias": "Optimism bias on costs",
    "benefit_delay_years": "Delay to benefits (years)",
    "turnover_uplift": "Price change in income since 2019/20",
}


@dataclass(frozen=True)
class Settings:
    """The appraisal's parameters (validated by `params.BookParams`; built with `from_params`)."""
    appraisal_years: int
    discount_rate: float
    mc_draws: int
    mc_seed: int
    realisation: tuple[float, float, float]
    cost_optimism_bias: tuple[float, float, float]
    benefit_delay_years: tuple[float, float, float]
    turnover_uplift: tuple[float, float, float]
    group_turnover_m: float | None
    value_per_conveyance: tuple[float, float, float]
    register_overrides: dict[str, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def from_params(cls, values: dict[str, Any]) -> "Settings":
        """From book parameter values (a `BookParams.model_dump()` or a chapter's parameters)."""
        missing = [k for k in PARAMETERS if k not in values]
        if missing:
            raise ParameterError(f"Appraisal parameters missing: {', '.join(missing)}.")

        def rng(v):
            return (float(v["low"]), float(v["central"]), float(v["high"])) if isinstance(v, dict) else tuple(v)

        return cls(
            appraisal_years=int(values["appraisal_years"]), discount_rate=float(values["discount_rate"]),
            mc_draws=int(values["mc_draws"]), mc_seed=int(values["mc_seed"]),
            realisation=rng(values["realisation"]), cost_optimism_bias=rng(values["cost_optimism_bias"]),
            benefit_delay_years=rng(values["benefit_delay_years"]), turnover_uplift=rng(values["turnover_uplift"]),
            group_turnover_m=values["group_turnover_m"], value_per_conveyance=rng(values["value_per_conveyance"]),
            register_overrides=dict(values["register_overrides"] or {}))

    @classmethod
    def defaults(cls) -> "Settings":
        from se_ambulance.pipeline.params import BookParams

        return cls.from_params(BookParams().model_dump())


def register(settings: Settings) -> tuple[Item, ...]:
    """The register with the reader's overrides applied."""
    try:
        return apply_overrides(settings.register_overrides)
    except ValueError as e:
        raise ParameterError(f"Parameter 'register_overrides' is not valid: {e}.") from e


# --- scale from public facts ------------------------------------------------------------------

def _fy_incidents(tidy: pd.DataFrame, org: str) -> pd.Series:
    """Incidents (A7) by complete financial year for one org."""
    return metrics.annual_totals(activity_monthly(tidy, org)["incidents"])


@dataclass(frozen=True)
class Scale:
    """What the register's fractions are fractions of."""
    turnover_2019: float  # group income proxy at 2019/20 prices (£)
    carter_share: float  # the group's share of England's incidents, latest complete year
    year: int  # that year

    def base(self, basis: str, turnover: np.ndarray) -> np.ndarray:
        if basis == "turnover":
            return turnover
        if basis == "carter_conveyance":
            return np.full_like(turnover, CARTER_CONVEYANCE * self.carter_share)
        if basis == "carter_productivity":
            return np.full_like(turnover, CARTER_PRODUCTIVITY * self.carter_share)
        raise ValueError(f"unknown basis {basis!r}")


def scale(tidy: pd.DataFrame) -> Scale:
    """The group's income proxy and its share of England's incidents, from AmbSYS.

    Income: SECAmb's published 2019/20 income times the group's incidents over SECAmb's in 2019/20.
    SCAS also runs NHS 111 and patient transport, so this proxy understates the group's turnover."""
    secamb, scas, eng = (_fy_incidents(tidy, o) for o in ("RYD", "RYE", "Eng"))
    year = int(eng.index.max())
    turnover = SECAMB_INCOME_2019 * (secamb[INCOME_YEAR] + scas[INCOME_YEAR]) / secamb[INCOME_YEAR]
    share = (secamb[year] + scas[year]) / eng[year]
    return Scale(float(turnover), float(share), year)


# --- the model --------------------------------------------------------------------------------

def discount_factors(years: int, rate: float) -> np.ndarray:
    """Green Book discount factors: 1 in the first year, then 1/(1+r)^t."""
    return (1.0 + rate) ** -np.arange(years, dtype=float)


def npv(flows: np.ndarray, rate: float) -> np.ndarray:
    """Net present value of yearly flows (last axis = years; the first year undiscounted)."""
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


def triangular(rng: np.random.Generator, values: tuple[float, float, float], n: int) -> np.ndarray:
    """n draws from a triangular distribution (a constant when low == high)."""
    low, mode, high = values
    if high == low:
        return np.full(n, float(low))
    return rng.triangular(low, mode, high, n)


def draw(settings: Settings, items: tuple[Item, ...]) -> dict[str, np.ndarray]:
    """The Monte Carlo inputs: one array of `mc_draws` values per uncertain input, in a fixed order."""
    rng = np.random.default_rng(settings.mc_seed)
    n = settings.mc_draws
    out = {name: triangular(rng, getattr(settings, name), n) for name in GLOBALS}
    for item in items:
        out[item.id] = triangular(rng, item.values(), n)
    return out


def central(settings: Settings, items: tuple[Item, ...], **at: str) -> dict[str, np.ndarray]:
    """Every input at its central value (one 'draw'); `at={'name': 'low'|'high'}` moves single inputs."""
    pick = {"low": 0, "central": 1, "high": 2}
    out = {name: np.array([getattr(settings, name)[pick[at.get(name, "central")]]]) for name in GLOBALS}
    for item in items:
        out[item.id] = np.array([item.values()[pick[at.get(item.id, "central")]]])
    return out


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


def flows(inputs: dict[str, np.ndarray], items: tuple[Item, ...], settings: Settings, sc: Scale) -> Flows:
    """Yearly cash and non-cash flows for every draw.

    Benefit of an item in year y = value × base × ramp(y) × realisation, where ramp rises linearly from
    the start year (after the drawn delay) to 1 over `ramp` years. Costs are uplifted by the drawn
    optimism bias; costs are not delayed (they fall when the work is done)."""
    n = len(inputs["realisation"])
    years = settings.appraisal_years
    y = np.arange(1, years + 1, dtype=float)[None, :]
    if settings.group_turnover_m is not None:
        turnover = np.full(n, settings.group_turnover_m * 1e6)
    else:
        turnover = sc.turnover_2019 * inputs["turnover_uplift"]
    realised = inputs["realisation"][:, None]
    delay = inputs["benefit_delay_years"][:, None]
    uplift = 1 + inputs["cost_optimism_bias"][:, None]
    zero = np.zeros((n, years))
    acc = {"cash": zero.copy(), "noncash": zero.copy(), "one-off cost": zero.copy(), "recurring cost": zero.copy()}
    by_item = {}
    for item in items:
        amount = (inputs[item.id] * sc.base(item.basis, turnover))[:, None]
        if item.kind == "benefit":
            ramp = np.clip((y - item.start + 1 - delay) / item.ramp, 0, 1)
            flow = amount * ramp * realised
            acc["cash" if item.cash else "noncash"] += flow
        elif item.kind == "one-off cost":
            active = (y >= item.start) & (y < item.start + item.ramp)
            flow = amount * uplift * active / item.ramp
            acc[item.kind] += flow
        else:
            flow = amount * uplift * (y >= item.start)
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


def outcomes_of(f: Flows, settings: Settings) -> pd.DataFrame:
    r = settings.discount_rate
    return pd.DataFrame({
        "annual_cash_savings": f.recurring_savings[:, -1],
        "cumulative_cash_savings": f.recurring_savings.sum(axis=1),
        "npv_cash": npv(f.net_cash, r),
        "pv_costs": npv(f.one_off_cost + f.recurring_cost, r),
        "breakeven_year": breakeven_year(f.net_cash, r),
        "annual_wider": f.noncash_benefit[:, -1],
        "cumulative_wider": f.noncash_benefit.sum(axis=1),
        "pv_wider": npv(f.noncash_benefit, r),
    })


def simulate(settings: Settings, sc: Scale) -> Result:
    items = register(settings)
    f = flows(draw(settings, items), items, settings, sc)
    return Result(settings, items, sc, f, outcomes_of(f, settings))


def deterministic(settings: Settings, sc: Scale, **at: str) -> pd.Series:
    """The outcomes with every input at its central value (or some moved to low/high)."""
    items = register(settings)
    return outcomes_of(flows(central(settings, items, **at), items, settings, sc), settings).iloc[0]


# --- summaries --------------------------------------------------------------------------------

def probability(x: pd.Series | np.ndarray, threshold: float) -> tuple[float, float]:
    """P(x >= threshold) and its Monte Carlo standard error."""
    x = np.asarray(x, dtype=float)
    p = float(np.mean(x >= threshold))
    return p, float(np.sqrt(p * (1 - p) / len(x)))


def summary(res: Result) -> pd.DataFrame:
    """Mean, 5th, 50th and 95th centiles of each outcome (£m; break-even in years)."""
    rows = {
        "annual_cash_savings": "Cash savings in the final year, net of running the group (£m a year)",
        "cumulative_cash_savings": "Cash savings over the appraisal period, undiscounted (£m)",
        "npv_cash": "Net present value, cash only (£m)",
        "pv_costs": "Present value of costs, with optimism bias (£m)",
        "annual_wider": "Non-cash ('equivalent') benefits in the final year (£m a year)",
        "cumulative_wider": "Non-cash benefits over the appraisal period, undiscounted (£m)",
    }
    out = []
    for key, label in rows.items():
        x = res.outcomes[key] / 1e6
        out.append({"outcome": label, "mean": x.mean(), "p5": x.quantile(0.05), "median": x.median(),
                    "p95": x.quantile(0.95)})
    be = res.outcomes["breakeven_year"]
    out.append({"outcome": "Break-even year (discounted; draws that break even)", "mean": be.mean(),
                "p5": be.quantile(0.05), "median": be.median(), "p95": be.quantile(0.95)})
    return pd.DataFrame(out).set_index("outcome")


def claim_probabilities(res: Result) -> dict[str, tuple[float, float]]:
    """The chances behind the verdicts, each with its Monte Carlo standard error."""
    o = res.outcomes
    return {
        "cash_10m_a_year": probability(o["annual_cash_savings"], CLAIM_CASH),
        "cash_10m_in_total": probability(o["cumulative_cash_savings"], CLAIM_CASH),
        "wider_80m_a_year": probability(o["annual_wider"], CLAIM_WIDER),
        "wider_80m_in_total": probability(o["cumulative_wider"], CLAIM_WIDER),
        "npv_positive": probability(o["npv_cash"], 0.0),
        "breaks_even": (float(o["breakeven_year"].notna().mean()), 0.0),
    }


def verdict_cash(p: dict[str, tuple[float, float]]) -> str:
    """'over £10 million': supported if more likely than not as a yearly saving; partly if only as a total."""
    if p["cash_10m_a_year"][0] >= 0.5:
        return "supported"
    return "partly supported" if p["cash_10m_in_total"][0] >= 0.5 else "not supported"


def verdict_wider(p: dict[str, tuple[float, float]]) -> str:
    """'potentially up to £80 million': a ceiling, so 'partly' if it lies inside the 90% range of either reading."""
    if p["wider_80m_a_year"][0] >= 0.5:
        return "supported"
    if max(p["wider_80m_a_year"][0], p["wider_80m_in_total"][0]) >= 0.05:
        return "partly supported"
    return "not supported"


def cash_reading(p: dict[str, tuple[float, float]]) -> str:
    """The verdict on the £10m in words (for the chapter's prose)."""
    return {"supported": "£10 million a year is more likely than not on this evidence",
            "partly supported": "savings of this size are plausible as a total over several years, but as a yearly "
                                "figure only if most of the plan is realised on time",
            "not supported": "even as a total over the appraisal period, £10 million is less likely than not"}[
        verdict_cash(p)]


def wider_reading(p: dict[str, tuple[float, float]]) -> str:
    """The verdict on the £80m in words (for the chapter's prose)."""
    v = verdict_wider(p)
    if v == "supported":
        return "£80 million a year is more likely than not on this evidence"
    if v == "partly supported":
        how = "a yearly figure" if p["wider_80m_a_year"][0] >= 0.05 else "a total over the appraisal period"
        return f"£80 million lies inside the model's 90% range only as {how}, towards the top of it"
    return "£80 million lies outside the model's 90% range however it is read"


def tornado(settings: Settings, sc: Scale, outcome: str = "npv_cash") -> pd.DataFrame:
    """One at a time, each uncertain input at its low and its high value, the others central (£m)."""
    items = register(settings)
    base = deterministic(settings, sc)[outcome] / 1e6
    names = dict(GLOBALS) | {i.id: i.label for i in items}
    if settings.group_turnover_m is not None:
        names.pop("turnover_uplift")
    rows = []
    for key, label in names.items():
        lo = deterministic(settings, sc, **{key: "low"})[outcome] / 1e6
        hi = deterministic(settings, sc, **{key: "high"})[outcome] / 1e6
        rows.append({"assumption": label, "low": min(lo, hi), "high": max(lo, hi), "central": base,
                     "swing": abs(hi - lo)})
    frame = pd.DataFrame(rows)
    frame = frame[frame["swing"] > 1e-9]  # inputs that cannot move this outcome (non-cash items for cash NPV)
    return frame.sort_values("swing", ascending=False).reset_index(drop=True).drop(columns="swing").round(2)


def central_income(settings: Settings, sc: Scale) -> float:
    """The group's yearly income at the central price change (or as the reader set it), £."""
    if settings.group_turnover_m is not None:
        return settings.group_turnover_m * 1e6
    return sc.turnover_2019 * settings.turnover_uplift[1]


def central_cash_share(settings: Settings, sc: Scale) -> float:
    """Cash-releasing benefits at their central values, before realisation, as a share of income."""
    return sum(i.central for i in register(settings) if i.kind == "benefit" and i.cash and i.basis == "turnover")


def register_table(settings: Settings, sc: Scale) -> pd.DataFrame:
    """The register as a reader sees it: each item's range in £m a year (or in total for one-off costs)."""
    turnover = central_income(settings, sc)
    rows = []
    for i in register(settings):
        base = float(sc.base(i.basis, np.array([turnover]))[0])
        first, last = i.start, i.start + i.ramp - 1
        timing = (f"from year {i.start}, full by year {last}" if i.kind == "benefit"
                  else f"years {first}–{last}" if i.kind == "one-off cost" and last > first
                  else f"year {first}" if i.kind == "one-off cost" else f"every year from year {first}")
        rows.append({"item": i.label, "type": i.kind, "cash-releasing": "yes" if i.cash else "no",
                     "low £m": round(i.low * base / 1e6, 1), "central £m": round(i.central * base / 1e6, 1),
                     "high £m": round(i.high * base / 1e6, 1), "timing": timing, "source": i.source})
    return pd.DataFrame(rows)


def yearly_frame(res: Result) -> pd.DataFrame:
    """Median and 90% range of the cumulative discounted net cash position by year (£m), for a chart."""
    r = res.settings.discount_rate
    cum = np.cumsum(res.flows.net_cash * discount_factors(res.settings.appraisal_years, r), axis=1) / 1e6
    years = [f"{2025 + k}/{str(2026 + k)[2:]}" for k in range(res.settings.appraisal_years)]
    return pd.DataFrame({"year": years, "series": "Cumulative discounted net cash (£m)",
                         "median": np.median(cum, axis=0).round(2), "low": np.quantile(cum, 0.05, axis=0).round(2),
                         "high": np.quantile(cum, 0.95, axis=0).round(2)})


def histogram_frame(values: pd.Series, bins: int = 40) -> pd.DataFrame:
    """Shares of draws in equal-width bins (£m), for a distribution chart."""
    x = np.asarray(values, dtype=float) / 1e6
    counts, edges = np.histogram(x, bins=bins)
    return pd.DataFrame({"from": edges[:-1].round(3), "to": edges[1:].round(3),
                         "share": (counts / len(x)).round(5)})


# --- what "the equivalent of £80 million" would mean ------------------------------------------

def conveyance_test(tidy: pd.DataFrame, settings: Settings, sc: Scale, amount: float = CLAIM_WIDER) -> dict:
    """£80m as conveyances to ED avoided, against what the group's activity could plausibly give.

    Compares the number needed (amount ÷ value per avoided conveyance) with the group's ED conveyances
    and with the conveyances avoided if the group matched the English trust with the lowest share of
    incidents conveyed to ED in the latest complete year (AmbSYS A53 ÷ A7)."""
    year = sc.year
    shares = {}
    group_ed = group_inc = 0.0
    for org in PROVIDERS:
        a = activity_monthly(tidy, org)[["incidents", "conveyed_ed"]].dropna()
        totals = metrics.annual_totals(a)  # a trust missing any month of the year is left out
        if year not in totals.index:
            continue
        ed, inc = totals.loc[year, "conveyed_ed"], totals.loc[year, "incidents"]
        shares[org] = ed / inc
        if org in ("RYD", "RYE"):
            group_ed += ed
            group_inc += inc
    best = min(shares, key=shares.get)
    group_share = group_ed / group_inc
    avoidable = max(group_share - shares[best], 0.0) * group_inc
    low, mid, high = settings.value_per_conveyance
    needed = {k: amount / v for k, v in (("low", high), ("central", mid), ("high", low))}
    return {"year": year, "group_incidents": group_inc, "group_ed": group_ed, "group_share": group_share,
            "best_org": best, "best_share": shares[best], "avoidable_at_best": avoidable,
            "needed": needed, "needed_share_of_ed": {k: v / group_ed for k, v in needed.items()},
            "value_at_best": {k: avoidable * v / 1e6 for k, v in (("low", low), ("central", mid), ("high", high))}}


def incident_equivalents(tidy: pd.DataFrame, settings: Settings, sc: Scale, amount: float = CLAIM_WIDER) -> dict:
    """£80m in incidents' worth of the group's average income per incident (latest complete year)."""
    inc = float(sum(_fy_incidents(tidy, o)[sc.year] for o in ("RYD", "RYE")))
    turnover = central_income(settings, sc)
    per_incident = turnover / inc
    return {"incidents": inc, "turnover": turnover, "per_incident": per_incident,
            "equivalent_incidents": amount / per_incident, "share_of_turnover": amount / turnover}
