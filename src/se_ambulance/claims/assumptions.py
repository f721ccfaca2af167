"""The assumptions log: every modelling assumption the book makes, rated red/amber/green for the
quality of its evidence and for its impact on the results (the ONS govcookiecutter convention)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from se_ambulance.reference.benefits import apply_overrides
from se_ambulance.reference.finance import INCOME_SOURCES, PLANNED_SAVINGS_SOURCE
from se_ambulance.reference.use_rates import RATED_GROUPS, SOURCES as RATE_SOURCES


@dataclass(frozen=True)
class Assumption:
    area: str
    assumption: str
    source: str
    quality: str  # RAG: how good the evidence is (green = strong)
    impact: str  # RAG: how much results depend on it (red = a lot)
    where: str


def _ns(area: Mapping[str, Any]) -> SimpleNamespace:
    """An area mapping with attribute access; {low, central, high} mappings become namespaces too."""
    return SimpleNamespace(
        **{
            k: SimpleNamespace(**v) if isinstance(v, Mapping) and set(v) == {"low", "central", "high"} else v
            for k, v in area.items()
        }
    )


def _log(
    demand: Mapping[str, Any] | None, appraisal: Mapping[str, Any], performance: Mapping[str, Any] | None = None
) -> list[Assumption]:
    """Every assumption, with the values this run used (from its own parameter areas)."""
    age = demand["age_rates"] if demand else {}
    rates = (
        []
        if not demand
        else [
            Assumption(
                "Demand",
                f"Relative ambulance use at ages {g}: {age[g]['central']:g} (range "
                f"{age[g]['low']:g}–{age[g]['high']:g}; ages 15–64 = 1)",
                RATE_SOURCES[g],
                "red" if g == "0-14" else "amber",
                "red" if g == "85+" else "amber",
                "params: demand.age_rates",
            )
            for g in RATED_GROUPS
        ]
    )
    d = _ns(appraisal)
    REGISTER = apply_overrides(dict(appraisal["register_overrides"] or {}))

    def pct(r) -> str:
        return " / ".join(f"{100 * v:.0f}%" for v in (r.low, r.central, r.high))

    register = [
        Assumption(
            "Appraisal",
            f"{i.label} ({i.kind}, {'cash' if i.cash else 'non-cash'}): "
            f"{i.low:g}/{i.central:g}/{i.high:g} of {_BASIS[i.basis]}",
            i.source,
            i.quality,
            i.impact,
            "se_ambulance.reference.benefits.REGISTER"
            + (" (changed by a parameter)" if i.id in (appraisal["register_overrides"] or {}) else ""),
        )
        for i in REGISTER
    ]
    return [
        Assumption(
            "Performance",
            "A yearly or pooled 90th centile is the incident-weighted mean of monthly centiles",
            "Published data give monthly centiles only; the exact pooled centile needs record-level data",
            "amber",
            "amber",
            "se_ambulance.analysis.metrics.pooled_by_financial_year",
        ),
        Assumption(
            "Performance",
            "Pooled means use total ÷ incidents; in Nov–Dec 2017 two trusts' published means "
            "differ from this by up to 7 seconds",
            "Arithmetic on AmbSYS",
            "green",
            "green",
            "se_ambulance.analysis.metrics.response_monthly",
        ),
        Assumption(
            "Performance",
            "SPC limits are re-calculated at known changes to the system: "
            + (
                ", ".join(performance["spc_breaks"])
                if performance and performance.get("spc_breaks")
                else "none (whole-period limits)"
            ),
            "NHS Making Data Count, as NHS-R's plot-the-dots implements it: limits re-phased after a known change",
            "amber",
            "amber",
            "params: performance.spc_breaks",
        ),
        Assumption(
            "Performance",
            "The C2 regressions are associations, with Newey–West errors (3 lags)",
            "Observational monthly data; cause cannot be identified",
            "amber",
            "amber",
            "se_ambulance.analysis.activity.c2_regressions",
        ),
        Assumption(
            "Demand",
            "SCAS footprint: Hampshire approximated by the Hampshire and Isle of Wight sub-ICB "
            "location (code D9Y0V) plus Hart and Rushmoor",
            "ONS sub-ICB and LA projections; the Hampshire and Isle of Wight area seems to include part of Hart",
            "amber",
            "green",
            "se_ambulance.analysis.population.FOOTPRINTS",
        ),
        Assumption(
            "Demand",
            "North-east Hampshire is counted with SCAS, though SECAmb serves part of it",
            "County rule; no published split of the area served",
            "amber",
            "green",
            "se_ambulance.analysis.population.FOOTPRINTS",
        ),
        Assumption(
            "Demand",
            "By age band, footprints are built from sub-ICB areas (Surrey Heath, Milton Keynes approximated)",
            "ONS sub-ICB projections",
            "amber",
            "green",
            "se_ambulance.analysis.population.banded",
        ),
        Assumption(
            "Demand",
            "Any other trust's footprint, and a group's that includes one: each LSOA is assigned to a "
            "trust through its sub-ICB and district; a sub-ICB served by two trusts is split by its districts' "
            "mid-2020 populations (SECAmb, SCAS and their group keep the county construction above)",
            "ONS LSOA, sub-ICB and district lookups; the trusts' published footprints; the likely error is "
            "stated on the demand page",
            "amber",
            "amber",
            "se_ambulance.analysis.footprints.footprint_population",
        ),
        *rates,
        Assumption(
            "Demand",
            "Use rates by age stay at today's pattern to the horizon",
            "No evidence on future rates; healthier ageing or more telephone care would lower them",
            "red",
            "red",
            "se_ambulance.analysis.demography.demand_index",
        ),
        Assumption(
            "Demand",
            "COVID months (Mar 2020–Mar 2021): "
            + {
                "exclude": "excluded from the forecasts' training, and 2020/21 left out of the annual trend",
                "intervention": "modelled as a step in SARIMA (ETS trains on later months); the annual trend has no "
                "COVID term and keeps 2020/21 as an ordinary year",
            }[demand["covid_handling"]],
            "A setting of the book, which a reader can change",
            "green",
            "amber",
            "se_ambulance.analysis.forecast",
        )
        if demand
        else None,
        Assumption(
            "Demand",
            "The long-run trend is log-linear in financial-year incidents",
            "Seven or eight complete years; the interval shows the uncertainty",
            "amber",
            "red",
            "se_ambulance.analysis.forecast.log_linear_trend",
        ),
        Assumption(
            "Appraisal",
            "Group income: the group's trusts' 2023/24 AmbSYS incidents times an income per "
            "incident at 2025/26 prices, most likely that of "
            + _income_source(d.income_source).label
            + " (a setting of the book), drawn between the lowest and highest of the published incomes: "
            + "; ".join(f"{s.label}, £{s.income / 1e6:,.1f}m ({s.quality})" for s in INCOME_SOURCES)
            if d.group_turnover_m is None
            else f"Group income set by the reader: £{d.group_turnover_m:g}m a year",
            "; ".join(s.source for s in INCOME_SOURCES) + ". SCAS and SECAmb's own recent accounts could not be read",
            _income_source(d.income_source).quality,
            "red",
            "params: appraisal.income_source, appraisal.group_turnover_m",
        ),
        Assumption(
            "Appraisal",
            "Savings the trusts planned before the group (the do-nothing baseline) are not the "
            f"group's: {pct(d.planned_savings)} (low / most likely / high) of the corporate, procurement and "
            "workforce lines are removed",
            PLANNED_SAVINGS_SOURCE,
            "red",
            "amber",
            "params: appraisal.planned_savings",
        ),
        Assumption(
            "Appraisal",
            "The group's share of Carter's £500m national opportunity equals its share of England's incidents",
            "Carter (2018); AmbSYS",
            "amber",
            "red",
            "se_ambulance.analysis.appraisal.Scale",
        ),
        Assumption(
            "Appraisal",
            f"Share of planned benefits realised: {pct(d.realisation)} (low / most likely / high)",
            "NAO (2016) shared services; Fulop et al. (2002) London mergers",
            "amber",
            "red",
            "params: appraisal.realisation",
        ),
        Assumption(
            "Appraisal",
            f"Optimism bias: an uplift of {100 * d.capital_optimism_bias:.0f}% on the most likely "
            f"one-off (capital) costs and {100 * d.operating_optimism_bias:.0f}% on recurring (operating) costs",
            "Green Book supplementary guidance: uplifts on the most likely cost estimate, reduced as risks "
            "are quantified",
            "amber",
            "red",
            "params: appraisal.capital_optimism_bias, appraisal.operating_optimism_bias",
        ),
        Assumption(
            "Appraisal",
            f"Benefits delayed by {d.benefit_delay_years.low:g} / {d.benefit_delay_years.central:g} / "
            f"{d.benefit_delay_years.high:g} years; costs not delayed",
            "Fulop et al. (2002): service developments slipped 18 months or more",
            "amber",
            "amber",
            "params: appraisal.benefit_delay_years",
        ),
        Assumption(
            "Appraisal",
            "Inputs are independent and triangular",
            "A simplification; correlated shortfalls (one weak programme) would widen the range",
            "amber",
            "amber",
            "se_ambulance.analysis.appraisal.draw",
        ),
        Assumption(
            "Appraisal",
            f"Real terms, discounted at {100 * d.discount_rate:g}% a year, first year undiscounted",
            "HM Treasury Green Book",
            "green",
            "amber",
            "params: appraisal.discount_rate",
        ),
        Assumption(
            "Appraisal",
            "An avoided conveyance to ED is worth £"
            + " / £".join(
                f"{v:,.0f}"
                for v in (d.value_per_conveyance.low, d.value_per_conveyance.central, d.value_per_conveyance.high)
            )
            + " to the NHS",
            "No published figure found; used only to translate £80m into conveyances",
            "red",
            "green",
            "params: appraisal.value_per_conveyance",
        ),
        *register,
        Assumption(
            "Claims",
            "One rule for every claim (see the claims page): each claim is judged on the reading its "
            "audience would take (the register says which and why; other readings are shown with their own "
            "verdicts); the central estimate on the claim's own scope meets it (supported), the claimed figure "
            "lies inside the stated range (partly), or outside (not); borderline within the Monte Carlo error "
            "of the deciding centile; a measure that does not match the claim's definition does not test it",
            "The book's choice, stated before the results; the reading a fact-checker would sign",
            "green",
            "red",
            "se_ambulance.claims.rule",
        ),
        Assumption(
            "Claims",
            "A reported figure is reproduced when within the rounding of the claimed figure: 2 seconds "
            "for a mean response time (published in whole seconds, revised between extracts); the claimed "
            "figure's last digit for a population",
            "Rounding in published totals and different extract dates",
            "green",
            "amber",
            "book/claims.yaml: tolerance",
        ),
    ]


def _income_source(source_id: str):
    return next(s for s in INCOME_SOURCES if s.id == source_id)


_BASIS = {
    "turnover": "group income",
    "carter_conveyance": "the group's share of Carter's £300m",
    "carter_productivity": "the group's share of Carter's £200m",
}


def assumptions_log(
    performance: Mapping[str, Any], demand: Mapping[str, Any], appraisal: Mapping[str, Any]
) -> pd.DataFrame:
    """The log for one run, from that run's parameter areas."""
    return pd.DataFrame([a.__dict__ for a in _log(demand, appraisal, performance) if a is not None])


def appraisal_assumptions(appraisal: Mapping[str, Any]) -> pd.DataFrame:
    """The appraisal's rows of the log for one run (the appraisal chapter shows only these)."""
    rows = [a.__dict__ for a in _log(None, appraisal) if a is not None and a.area == "Appraisal"]
    return pd.DataFrame(rows)
