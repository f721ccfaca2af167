"""One function per data-testable claim: numbers in, numbers and a verdict out.

Every function takes the run's `ClaimInputs` and returns a `ClaimResult`: the readings the claim's
words admit on its own scope (each an `Estimate`), the verdict under the one rule in
`claims.rule`, the reading that gives it, and the context figures its evidence quotes. The claim's
own chapter, the claims page and the introduction all show the same `ClaimResult` (see
`claims.cache.register_for`), so a number can never differ between pages. Words are written in
`publish.claims_text`, never here.

Each claim is judged on its OWN scope, whatever the book's `group` parameter is: the case's response-time,
population, outcome and appraisal claims concern SCAS + SECAmb (`reference.orgs.CASE_GROUP_MEMBERS`), seed
002's 16 million concerns LAS + SCAS. So no claim reads the `group` area (it is not in CLAIM_AREAS), and a
book built for another group shows the same verdicts; its pages say so next to the group's own figures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from se_ambulance.analysis import demand as demand_model
from se_ambulance.analysis import outcomes
from se_ambulance.analysis.comparison import pooled_difference
from se_ambulance.analysis import performance
from se_ambulance.analysis import population as pop
from se_ambulance.analysis.activity import incidents_series
from se_ambulance.analysis.estimate import Estimate
from se_ambulance.analysis.metrics import annual_totals
from se_ambulance.claims.register import Claim
from se_ambulance.data.ambco import load_ambco
from se_ambulance.data.ambsys import load_ambsys
from se_ambulance.analysis import footprints
from se_ambulance.data.geography import (load_ccg_footprint_population, load_district_population_2020,
                                         load_district_trust_overlay, load_lsoa_subicb_lookup)
from se_ambulance.data.history import load_emergency_calls
from se_ambulance.data.population import load_la_85plus, load_mye_2019, load_region, load_subicb
from se_ambulance.data.workforce import load_workforce
from se_ambulance.claims.rule import judge_readings
from se_ambulance.reference import standards
from se_ambulance.reference.orgs import CASE_GROUP_MEMBERS, GROUP_CODE


@dataclass(frozen=True)
class ClaimResult:
    """What the book finds for one claim (numbers only; `publish.claims_text` writes the words)."""

    id: str
    verdict: str
    reading: str  # the reading that gives the verdict
    readings: dict[str, Estimate]
    figures: dict[str, float] = field(default_factory=dict)  # context the evidence quotes

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "ClaimResult":
        return cls(d["id"], d["verdict"], d["reading"], {k: Estimate(**v) for k, v in d["readings"].items()},
                   dict(d["figures"]))


# The parameter areas a claim may depend on (the `focus` area never: claims are judged on their own scope).
CLAIM_AREAS = ("performance", "demand", "appraisal")


@dataclass
class ClaimInputs:
    """The run's parameter areas and the data the claims need, each file loaded at most once."""

    performance: Mapping[str, Any] | None = None
    demand: Mapping[str, Any] | None = None
    appraisal: Mapping[str, Any] | None = None

    # Each dataset is read on first use and at most once per run.
    tidy = cached_property(lambda self: load_ambsys())
    subicb = cached_property(lambda self: load_subicb())
    la = cached_property(lambda self: load_la_85plus())
    region = cached_property(lambda self: load_region())
    mye = cached_property(lambda self: load_mye_2019())
    ambco = cached_property(lambda self: load_ambco())
    emergency_calls = cached_property(lambda self: load_emergency_calls())
    workforce = cached_property(lambda self: load_workforce())
    ccg_population = cached_property(lambda self: load_ccg_footprint_population())

    @cached_property
    def footprint_shares(self) -> pd.DataFrame:
        """Each sub-ICB area's share in each trust's footprint (analysis.footprints.build_shares)."""
        return footprints.build_shares(load_lsoa_subicb_lookup(), load_district_trust_overlay(2021),
                                       load_district_population_2020())

    @cached_property
    def appraisal_result(self):
        """The appraisal's Monte Carlo, run once for both benefit claims."""
        from se_ambulance.analysis import appraisal
        settings = appraisal.Settings.from_params(self.appraisal)
        return appraisal.simulate(settings, appraisal.scale(self.tidy, CASE_GROUP_MEMBERS))


def _result(c: Claim, readings: dict[str, Estimate], figures: dict[str, float] | None = None) -> ClaimResult:
    verdict, reading = judge_readings(c.value, readings, c.wording, c.tolerance or 0.0)
    return ClaimResult(c.id, verdict, reading, readings, {k: float(v) for k, v in (figures or {}).items()})


# --- response times --------------------------------------------------------------------------

# "In 2024/25 in the South East": the NHS South East region and the group's own footprint fit the
# words; single trusts and England are context.
RESPONSE_SCOPE = ("region", "group")


def response_time(c: Claim, inp: ClaimInputs, category: str) -> ClaimResult:
    """The case's C1 or C2 mean for the claim year, on each definition of 'the South East'."""
    defs = performance.claim_definitions(inp.tidy, int(inp.performance["claim_year"])).set_index("key")[category]
    readings = {k: Estimate.exact(defs[k]) for k in RESPONSE_SCOPE}
    figures = {k: defs[k] for k in ("secamb", "scas", "england")} | {"claim_year": inp.performance["claim_year"]}
    return _result(c, readings, figures)


def response_standard(c: Claim, inp: ClaimInputs, category: str) -> ClaimResult:
    """The ARP standard for the category's mean, which the case quotes."""
    return _result(c, {"standard": Estimate.exact(standards.standard(category, "mean"))})


# --- population and demand --------------------------------------------------------------------

# "By 2034 ... more than 60 per cent": the South East, from mid-2025, when the case was written, or from
# mid-2022, the base of the ONS 2022-based projections it will have used. The group's footprint is built
# from the same counties as the NHS South East region, so the two are equal by construction and the
# region stands for both; the single trusts are context.
OVER_85_TARGET = 2034
OVER_85_BASES = (2025, 2022)


def _over_85_areas(inp: ClaimInputs) -> dict[str, pd.DataFrame]:
    areas = {k: pop.footprint_totals(pop.FOOTPRINTS[k], inp.subicb, inp.la) for k in (*CASE_GROUP_MEMBERS, GROUP_CODE)}
    areas["region"] = pop.region_totals(inp.region, "SOUTH EAST")
    return areas


def over_85_rise(c: Claim, inp: ClaimInputs) -> ClaimResult:
    areas = _over_85_areas(inp)
    readings, figures = {}, {}
    for base in OVER_85_BASES:
        readings[f"from_{base}"] = Estimate.exact(pop.change(areas["region"], base, OVER_85_TARGET)["aged_85_plus"])
    for base in OVER_85_BASES:  # single trusts: context only
        for org in (*CASE_GROUP_MEMBERS, GROUP_CODE):
            figures[f"{org}_from_{base}"] = pop.change(areas[org], base, OVER_85_TARGET)["aged_85_plus"]
    # Percent in the register, shares here: compare like with like.
    return _result(c.model_copy(update={"value": c.value / 100, "tolerance": (c.tolerance or 0) / 100}),
                   readings, figures)


# "demand ... could increase by over 20 per cent in the next decade": the group's footprint, from the
# case's year (2025/26) to ten years on, with the run's use rates and COVID handling.
DECADE_BASE, DECADE_HORIZON = 2025, 2035


def demand_decade(c: Claim, inp: ClaimInputs) -> ClaimResult:
    y = incidents_series(inp.tidy, CASE_GROUP_MEMBERS)
    banded = pop.banded(pop.FOOTPRINTS[GROUP_CODE], inp.subicb)
    paths = demand_model.scenarios(annual_totals(y), banded, DECADE_BASE, DECADE_HORIZON,
                                   inp.demand["covid_handling"], inp.demand["age_rates"])
    g = demand_model.growth_by_scenario(paths, DECADE_BASE, DECADE_HORIZON)
    est = {name: Estimate(float(g.loc[name, "growth"]), float(g.loc[name, "low"]), float(g.loc[name, "high"]))
           for name in g.index}
    figures = {f"{k}_{part}": getattr(e, part) for k, e in est.items() for part in ("central", "low", "high")}
    return _result(c.model_copy(update={"value": c.value / 100}), {"blended": est["Blended"]}, figures)


# --- clinical outcomes -----------------------------------------------------------------------

# "clinical outcomes can vary significantly across the region": SECAmb against SCAS on the like-for-like
# Utstein survival measure over the latest three complete years AmbCO holds.
OUTCOME_MEASURE, OUTCOME_YEARS = "survival_utstein", 3


def outcomes_vary(c: Claim, inp: ClaimInputs) -> ClaimResult:
    a, b = CASE_GROUP_MEMBERS
    rates = outcomes.outcome_rates(inp.ambco, [a, b])
    diff = pooled_difference(rates, OUTCOME_MEASURE, a, b, OUTCOME_YEARS)
    per_year = {m: outcomes.gap_between(rates, m, a, b) for m in ("survival_utstein", "survival_all")}
    figures = {"first_year": diff["first_year"], "last_year": diff["last_year"], "rate_a": diff["rate_a"],
               "rate_b": diff["rate_b"], "n_a": diff["n_a"], "n_b": diff["n_b"]}
    # All arrests, same years: context, because the trusts record resuscitation attempts differently.
    everyone = pooled_difference(rates, "survival_all", a, b, OUTCOME_YEARS)
    figures |= {"all_rate_a": everyone["rate_a"], "all_rate_b": everyone["rate_b"], "all_n_a": everyone["n_a"],
                "all_n_b": everyone["n_b"]}
    for m, gap in per_year.items():
        figures[f"{m}_years"] = len(gap)
        figures[f"{m}_years_apart"] = int((~gap["intervals_overlap"]).sum())
    est = Estimate(diff["difference"], diff["ci_low"], diff["ci_high"])
    return _result(c, {"utstein_latest_years": est}, figures)


# --- populations -----------------------------------------------------------------------------

def secamb_population(c: Claim, inp: ClaimInputs) -> ClaimResult:
    """SECAmb's counties (Kent, Medway, Surrey, East and West Sussex, Brighton and Hove)."""
    mye = pop.mye_2019_totals(inp.mye, "RYD")["all_ages"]
    proj = pop.footprint_totals(pop.FOOTPRINTS["RYD"], inp.subicb, inp.la).loc[2022, "all_ages"]
    return _result(c, {"mid_2019_estimate": Estimate.exact(mye), "mid_2022_projection_base": Estimate.exact(proj)})


# Seed 002's partnership: London Ambulance Service and South Central.
LAS_SCAS = ("RRU", "RYE")


def las_scas_population(c: Claim, inp: ClaimInputs) -> ClaimResult:
    """Residents of the two trusts' footprints: NHS England's CCG-based footprints in 2018, the year of the
    claim (ONS CCG estimates summed by trust), and the same footprints apportioned from the 2022-based
    sub-ICB projections at mid-2022 (analysis.footprints)."""
    ccg = inp.ccg_population
    at_2018 = ccg[(ccg["year"] == 2018) & ccg["org_code"].isin(LAS_SCAS)].groupby("org_code")["pop"].sum()
    banded = {t: footprints.footprint_population([t], inp.subicb, inp.footprint_shares, construction="apportioned")
              .banded.loc[2022].sum() for t in LAS_SCAS}
    readings = {"trust_footprints_2018": Estimate.exact(float(at_2018.sum())),
                "trust_footprints_mid_2022": Estimate.exact(float(sum(banded.values())))}
    figures = {f"{t}_2018": at_2018[t] for t in LAS_SCAS} | {f"{t}_2022": v for t, v in banded.items()}
    return _result(c, readings, figures)


# --- history and workforce -------------------------------------------------------------------

def calls_2005_06(c: Claim, inp: ClaimInputs) -> ClaimResult:
    """South East Coast's emergency calls in the claim's year, 2005-06. The published series counts calls
    received, the claim calls responded to (fewer): the nearest published measure is judged, and the
    evidence says so. The year before is context."""
    from se_ambulance.analysis.history import emergency_calls_received

    calls = emergency_calls_received(inp.emergency_calls, "South East Coast", ["2004-05", "2005-06"])
    return _result(c, {"received_2005_06": Estimate.exact(calls["2005-06"])}, {"received_2004_05": calls["2004-05"]})


def staff_secamb(c: Claim, inp: ClaimInputs) -> ClaimResult:
    """SECAmb's staff in the only trust-level workforce file here (full-time equivalent, September 2017 and
    June 2018); the article's 3,300 is undated and probably a headcount, which is higher than FTE."""
    from se_ambulance.analysis.history import staff_fte

    fte = staff_fte(inp.workforce, "RYD", ["2017-09", "2018-06"])
    amb = staff_fte(inp.workforce, "RYD", ["2018-06"], "Ambulance staff")
    return _result(c, {f"fte_{m.replace('-', '_')}": Estimate.exact(v) for m, v in fte.items()},
                   {"ambulance_staff_2018_06": amb["2018-06"]})


# --- the benefit claims ----------------------------------------------------------------------

def benefit(c: Claim, inp: ClaimInputs, kind: str) -> ClaimResult:
    """'over £10 million' (cash) or 'up to the equivalent of £80 million' (non-cash), read as a yearly
    amount once the plan is in place and as a present-value total over the appraisal."""
    from se_ambulance.analysis import appraisal

    res = inp.appraisal_result
    readings = appraisal.claim_estimates(res)[kind]
    probs = appraisal.claim_probabilities(res)
    key = "cash_10m" if kind == "cash" else "wider_80m"
    figures = {"p_a_year": probs[f"{key}_a_year"][0], "p_in_total": probs[f"{key}_in_total"][0],
               "draws": inp.appraisal["mc_draws"], "years": inp.appraisal["appraisal_years"]}
    return _result(c, dict(readings), figures)


# Each claim's function and the parameter areas its result depends on (nothing else reaches it).
FUNCTIONS: dict[str, tuple[Callable[[Claim, ClaimInputs], ClaimResult], tuple[str, ...]]] = {
    "c1-mean-2024-25": (lambda c, i: response_time(c, i, "C1"), ("performance",)),
    "c2-mean-2024-25": (lambda c, i: response_time(c, i, "C2"), ("performance",)),
    "c1-standard": (lambda c, i: response_standard(c, i, "C1"), ()),
    "c2-standard": (lambda c, i: response_standard(c, i, "C2"), ()),
    "over-85-rise-2034": (over_85_rise, ()),
    "demand-rise-decade": (demand_decade, ("demand",)),
    "outcomes-vary": (outcomes_vary, ()),
    "secamb-population-2018": (secamb_population, ()),
    "secamb-population-4-5m": (secamb_population, ()),
    "las-scas-16m": (las_scas_population, ()),
    "calls-2005-06": (calls_2005_06, ()),
    "staff-3300": (staff_secamb, ()),
    "efficiencies-10m": (lambda c, i: benefit(c, i, "cash"), ("appraisal",)),
    "wider-benefits-80m": (lambda c, i: benefit(c, i, "wider"), ("appraisal",)),
}


def areas_of(claim_id: str) -> tuple[str, ...]:
    """The parameter areas a claim's result depends on (none for a claim that is not computed)."""
    return FUNCTIONS[claim_id][1] if claim_id in FUNCTIONS else ()


def evaluate(c: Claim, inp: ClaimInputs) -> ClaimResult:
    """The result for one claim; a claim that is not computed keeps its stated verdict."""
    if not c.computed:
        return ClaimResult(c.id, c.verdict, "", {}, {})
    if c.id not in FUNCTIONS:
        raise KeyError(f"claim {c.id} is marked computed but no function in claims.evaluate handles it")
    return FUNCTIONS[c.id][0](c, inp)
