"""The appraisal's inputs: its settings (from the run's parameters), the register, and the scale the
register's fractions are fractions of (the group's income and its share of Lord Carter's opportunity,
rebased to today's conveyance rates and prices), all from public facts.

"The group" is whichever trusts it is given: chapter 5 passes the book's `group` parameter's members; the
two benefit claims are judged on the case's group (SCAS + SECAmb, `reference.orgs.CASE_GROUP_MEMBERS`)
whatever that parameter is, so `claims.evaluate` passes those.

Years are financial years: appraisal year 1 is the group's first year (2025/26).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from se_ambulance.analysis import metrics
from se_ambulance.analysis.activity import activity_monthly
from se_ambulance.errors import ParameterError
from collections.abc import Sequence

from se_ambulance.reference.benefits import Item, apply_overrides
from se_ambulance.reference.finance import INCOME_SOURCES, IncomeSource
from se_ambulance.reference.orgs import PROVIDERS

# Book parameters this package reads (their defaults, ranges and sources are in `AppraisalParams`).
PARAMETERS = (
    "appraisal_years",
    "discount_rate",
    "mc_draws",
    "mc_seed",
    "realisation",
    "capital_optimism_bias",
    "operating_optimism_bias",
    "benefit_delay_years",
    "turnover_uplift",
    "group_turnover_m",
    "income_source",
    "planned_savings",
    "value_per_conveyance",
    "register_overrides",
)

# The group's income is its own trusts' incidents in INCOME_YEAR times an income per incident, which each published
# income in `reference.finance.INCOME_SOURCES` gives (its income over its trusts' incidents that year, carried to
# 2025/26 prices): the run's `income_source` is the most likely value, the lowest and highest sources the range.
INCOME_YEAR = 2023  # 2023/24: the year of the income sources that cover the most trusts
PRICE_CHANGE_FROM = 2019  # `turnover_uplift` is the price change from 2019/20 to 2025/26
APPRAISAL_FIRST_YEAR = 2025  # 2025/26: appraisal year 1, and the price base of the appraisal
# Lord Carter (2018), operational productivity and performance in English NHS ambulance trusts.
CARTER_CONVEYANCE = 300e6
CARTER_PRODUCTIVITY = 200e6
CARTER_YEAR = 2018  # price base and conveyance rates of Carter's opportunity (2018/19 in AmbSYS)

# HM Treasury's Green Book supplementary guidance on optimism bias (Mott MacDonald 2002): the lower and upper
# bounds of the uplift on capital costs for equipment and development projects, and its one operating-cost
# uplift (outsourcing projects, up to 41%).
OPTIMISM_BIAS_CAPITAL_BOUNDS = (0.10, 2.00)
OPTIMISM_BIAS_OPERATING_OUTSOURCING = 0.41
# Monitor (2014), Benefits from mergers: corporate overhead and clinical support savings of full mergers, as a
# share of turnover (low, high), and the middle of that band (a full merger's savings, on the verdict map).
MONITOR_BAND = (0.01, 0.03)
MONITOR_MIDDLE = 0.02

# Global uncertain inputs, in the fixed order the Monte Carlo draws them (reproducibility).
GLOBALS = {
    "realisation": "Share of planned benefits realised",
    "benefit_delay_years": "Delay to benefits (years)",
    "turnover_uplift": "Price change since 2019/20 (Carter's opportunity)",
    "planned_savings": "Savings the trusts planned anyway (do-nothing baseline)",
    "income": "The group's income, from published sources",
}
# How good the evidence behind each global input's range is (RAG; the assumptions log shows the same ratings). The
# income's rating is its most likely source's (`reference.finance.INCOME_SOURCES`).
GLOBAL_QUALITY = {
    "realisation": "amber",
    "benefit_delay_years": "amber",
    "turnover_uplift": "amber",
    "planned_savings": "red",
}
# Of those, the ones whose range the settings give (the income's range comes from the published sources: `Scale`).
SETTING_RANGES = ("realisation", "benefit_delay_years", "turnover_uplift", "planned_savings")


@dataclass(frozen=True)
class Settings:
    """The appraisal's parameters (validated by `AppraisalParams`; built with `from_params`)."""

    appraisal_years: int
    discount_rate: float
    mc_draws: int
    mc_seed: int
    realisation: tuple[float, float, float]
    capital_optimism_bias: float
    operating_optimism_bias: float
    benefit_delay_years: tuple[float, float, float]
    turnover_uplift: tuple[float, float, float]
    group_turnover_m: float | None
    income_source: str
    planned_savings: tuple[float, float, float]
    value_per_conveyance: tuple[float, float, float]
    register_overrides: dict[str, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def from_params(cls, values: dict[str, Any]) -> "Settings":
        """From the appraisal area's parameter values (`AppraisalParams().model_dump()` or a chapter's)."""
        missing = [k for k in PARAMETERS if k not in values]
        if missing:
            raise ParameterError(f"Appraisal parameters missing: {', '.join(missing)}.")

        def rng(v):
            return (float(v["low"]), float(v["central"]), float(v["high"])) if isinstance(v, dict) else tuple(v)

        return cls(
            appraisal_years=int(values["appraisal_years"]),
            discount_rate=float(values["discount_rate"]),
            mc_draws=int(values["mc_draws"]),
            mc_seed=int(values["mc_seed"]),
            realisation=rng(values["realisation"]),
            capital_optimism_bias=float(values["capital_optimism_bias"]),
            operating_optimism_bias=float(values["operating_optimism_bias"]),
            benefit_delay_years=rng(values["benefit_delay_years"]),
            turnover_uplift=rng(values["turnover_uplift"]),
            group_turnover_m=values["group_turnover_m"],
            income_source=str(values["income_source"]),
            planned_savings=rng(values["planned_savings"]),
            value_per_conveyance=rng(values["value_per_conveyance"]),
            register_overrides=dict(values["register_overrides"] or {}),
        )


def register(settings: Settings) -> tuple[Item, ...]:
    """The register with the reader's overrides applied."""
    try:
        return apply_overrides(settings.register_overrides)
    except ValueError as e:
        raise ParameterError(f"Parameter 'register_overrides' is not valid: {e}.") from e


def carter_price_factor(turnover_uplift: np.ndarray | float) -> np.ndarray | float:
    """Carter's 2018 prices to the appraisal's 2025/26 prices, at the same yearly price change as income.

    `turnover_uplift` is the change from 2019/20 to 2025/26 (six years); the same yearly rate over the
    seven years from 2018/19 gives uplift ** (7/6)."""
    return price_factor(turnover_uplift, CARTER_YEAR)


def price_factor(turnover_uplift: np.ndarray | float, year: int) -> np.ndarray | float:
    """Prices of financial year `year` to 2025/26's, at the yearly rate of `turnover_uplift` (2019/20 to 2025/26)."""
    return np.asarray(turnover_uplift, dtype=float) ** (
        (APPRAISAL_FIRST_YEAR - year) / (APPRAISAL_FIRST_YEAR - PRICE_CHANGE_FROM)
    )


@dataclass(frozen=True)
class Scale:
    """What the register's fractions are fractions of."""

    turnover: float  # the group's yearly income at 2025/26 prices, at the most likely income per incident (£)
    carter_share: float  # the group's share of England's incidents, latest complete year
    year: int  # that year
    members: tuple[str, ...]  # the trusts the scale is for
    income_per_incident: float  # the most likely £ per incident at 2025/26 prices (the run's income source)
    conveyance_headroom: float = 1.0  # the group's remaining ED-conveyance headroom, as a share of 2018/19's
    income_range: tuple[float, float, float] = (1.0, 1.0, 1.0)  # low / most likely / high income over `turnover`
    per_incident_by_source: dict[str, float] = field(default_factory=dict)  # £ per incident, 2025/26 prices
    incidents_income_year: float = 0.0  # the group's incidents in INCOME_YEAR

    def base(self, basis: str, turnover: np.ndarray, uplift: np.ndarray | None = None) -> np.ndarray:
        """Yearly £ the fraction applies to, per draw. Carter's figures are rebased to today's
        conveyance rates (conveyance line only) and to 2025/26 prices by `uplift` (the price change
        from 2019/20 to 2025/26; 1 if not given)."""
        turnover = np.asarray(turnover, dtype=float)
        price = carter_price_factor(np.ones_like(turnover) if uplift is None else uplift)
        if basis == "turnover":
            return turnover
        if basis == "carter_conveyance":
            return CARTER_CONVEYANCE * self.carter_share * self.conveyance_headroom * price
        if basis == "carter_productivity":
            return CARTER_PRODUCTIVITY * self.carter_share * price
        raise ValueError(f"unknown basis {basis!r}")


def fy_incidents(tidy: pd.DataFrame, org: str) -> pd.Series:
    """Incidents (A7) by complete financial year for one org."""
    return metrics.annual_totals(activity_monthly(tidy, org)["incidents"])


def ed_shares(tidy: pd.DataFrame, year: int) -> dict[str, tuple[float, float]]:
    """Each English trust's (ED conveyances, incidents) in one complete financial year (A53, A7);
    a trust missing any month of the year is left out."""
    out = {}
    for org in PROVIDERS:
        a = activity_monthly(tidy, org)[["incidents", "conveyed_ed"]].dropna()
        totals = metrics.annual_totals(a)
        if year in totals.index:
            out[org] = (float(totals.loc[year, "conveyed_ed"]), float(totals.loc[year, "incidents"]))
    return out


def group_ed_share(shares: dict[str, tuple[float, float]], members: Sequence[str]) -> float:
    """The members' ED conveyances over their incidents, pooled (a missing member is an error, not a gap)."""
    missing = [o for o in members if o not in shares]
    if missing:
        raise ValueError(f"no complete year of ED conveyances for {missing}")
    ed = sum(shares[o][0] for o in members)
    inc = sum(shares[o][1] for o in members)
    return ed / inc


def headroom_ratio(share_then: float, share_now: float, floor: float) -> float:
    """Remaining headroom over the headroom at Carter's time: (now - floor) / (then - floor), 0 to 1.

    The floor is the lowest share of incidents conveyed to ED by any English trust in the latest
    year: what is shown to be achievable today. E.g. 58% then, 50% now, floor 45%: 5/13 = 0.385."""
    if share_then <= floor:
        return 0.0
    return float(np.clip((share_now - floor) / (share_then - floor), 0.0, 1.0))


def conveyance_rates(tidy: pd.DataFrame, members: Sequence[str]) -> dict[str, float]:
    """The group's ED-conveyance and hear-and-treat shares in Carter's year and the latest complete
    year, the lowest-conveying trust's share (the floor) and the headroom ratio."""
    then_shares = ed_shares(tidy, CARTER_YEAR)
    year = int(fy_incidents(tidy, "Eng").index.max())
    now_shares = ed_shares(tidy, year)
    floor_org = min(now_shares, key=lambda o: now_shares[o][0] / now_shares[o][1])
    floor = now_shares[floor_org][0] / now_shares[floor_org][1]
    then, now = group_ed_share(then_shares, members), group_ed_share(now_shares, members)

    def hear_and_treat(fy: int) -> float:
        num = den = 0.0
        for o in members:
            a = metrics.annual_totals(activity_monthly(tidy, o)[["incidents", "hear_and_treat"]].dropna())
            num += a.loc[fy, "hear_and_treat"]
            den += a.loc[fy, "incidents"]
        return float(num / den)

    return {
        "carter_year": CARTER_YEAR,
        "year": year,
        "ed_then": then,
        "ed_now": now,
        "floor": floor,
        "floor_org": floor_org,
        "headroom": headroom_ratio(then, now, floor),
        "hear_treat_then": hear_and_treat(CARTER_YEAR),
        "hear_treat_now": hear_and_treat(year),
    }


def income_per_incident(tidy: pd.DataFrame, src: IncomeSource, turnover_uplift: float) -> float:
    """£ of income per incident at 2025/26 prices from one published income: its income over its trusts' incidents
    (AmbSYS A7) in the same financial year, carried to 2025/26 prices at the yearly rate of `turnover_uplift`."""
    incidents = sum(fy_incidents(tidy, o)[src.year] for o in src.orgs)
    return float(src.income / incidents * price_factor(turnover_uplift, src.year))


def scale(tidy: pd.DataFrame, members: Sequence[str], settings: Settings) -> Scale:
    """The group's income, its share of England's incidents and its conveyance headroom, from AmbSYS and the
    published incomes, for the trusts in `members` (the book's `group`, or the case's group for the claims).

    Income: the group's own trusts' incidents in INCOME_YEAR times an income per incident at 2025/26 prices (at
    the run's central price change). The run's `income_source` gives the most likely value; the lowest and
    highest of the published sources give the range the Monte Carlo draws from. `group_turnover_m`, when set,
    replaces all of it."""
    members = tuple(dict.fromkeys(members))
    if not members:
        raise ValueError("a group needs at least one trust")
    group = sum(fy_incidents(tidy, o) for o in members)
    eng = fy_incidents(tidy, "Eng")
    year = int(eng.index.max())
    missing = [y for y in (INCOME_YEAR, year) if y not in group.index or pd.isna(group.get(y))]
    if missing:
        raise ValueError(
            f"the group's trusts ({', '.join(members)}) do not all report every month of financial year(s) {missing}"
        )
    by_source = {src.id: income_per_incident(tidy, src, settings.turnover_uplift[1]) for src in INCOME_SOURCES}
    if settings.income_source not in by_source:
        raise ParameterError(
            f"Parameter 'appraisal.income_source' = {settings.income_source!r} is not a published "
            f"income; allowed: {', '.join(by_source)}."
        )
    rate = by_source[settings.income_source]
    values = sorted(by_source.values())
    turnover = rate * group[INCOME_YEAR]
    share = group[year] / eng[year]
    return Scale(
        float(turnover),
        float(share),
        year,
        members,
        rate,
        conveyance_rates(tidy, members)["headroom"],
        (values[0] / rate, 1.0, values[-1] / rate),
        by_source,
        float(group[INCOME_YEAR]),
    )
