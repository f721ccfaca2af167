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
from dataclasses import asdict, dataclass, field, replace
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
from se_ambulance.claims.register import Claim, load_register
from se_ambulance.data.ambco import load_ambco
from se_ambulance.data.ambsys import load_ambsys
from se_ambulance.analysis import footprints, providers
from se_ambulance.data.geography import (
    load_ccg_footprint_population,
    load_district_boundaries,
    load_district_population_2020,
    load_district_trust_overlay,
    load_lsoa_subicb_lookup,
)
from se_ambulance.data.history import load_emergency_calls
from se_ambulance.data.population import load_la_85plus, load_mye_2019, load_region, load_subicb
from se_ambulance.data.workforce import load_workforce
from se_ambulance.claims.rule import judge_readings
from se_ambulance.reference import standards
from se_ambulance.reference.areas import SOUTH_EAST_REGION
from se_ambulance.reference.orgs import CASE_GROUP_MEMBERS, GROUP_CODE


@dataclass(frozen=True)
class ClaimResult:
    """What the book finds for one claim (numbers only; `publish.claims_text` writes the words).

    `verdict` is the verdict on `reading`, the reading the claim's audience would take (the register's); every
    reading's own verdict is in `verdicts`, a borderline reading's two neighbouring verdicts in `between`, and a
    reading whose measure only bounds the claim's quantity is named in `bounds` ('upper' or 'lower')."""

    id: str
    verdict: str
    reading: str  # the audience's reading: the one that decides
    readings: dict[str, Estimate]
    figures: dict[str, float] = field(default_factory=dict)  # context the evidence quotes
    verdicts: dict[str, str] = field(default_factory=dict)  # each reading's own verdict
    between: dict[str, tuple[str, str]] = field(default_factory=dict)  # borderline readings' neighbours
    bounds: dict[str, str] = field(default_factory=dict)
    data_end: str | None = None  # 'YYYY-MM': the last month of the data the verdict rests on
    # For a Monte Carlo claim: what its verdict rests on (`benefit`): the inputs that decide it, the verdict with the
    # inputs that have no published evidence held at their most likely values, and the verdicts under other seeds.
    sensitivity: dict[str, Any] = field(default_factory=dict)

    @property
    def disagreeing(self) -> list[str]:
        """The other readings whose verdict differs from the audience's reading's."""
        return [k for k, v in self.verdicts.items() if k != self.reading and v != self.verdict]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> "ClaimResult":
        return cls(
            d["id"],
            d["verdict"],
            d["reading"],
            {k: Estimate(**v) for k, v in d["readings"].items()},
            dict(d["figures"]),
            dict(d["verdicts"]),
            {k: tuple(v) for k, v in d["between"].items()},
            dict(d["bounds"]),
            d["data_end"],
            dict(d["sensitivity"]),
        )


# The parameter areas a claim may depend on (the `focus` area never: claims are judged on their own scope).
CLAIM_AREAS = ("performance", "demand", "appraisal")


@dataclass(frozen=True)
class ClaimFunction:
    """A function that computes claims, and the parameter areas its results depend on (nothing else reaches it)."""

    name: str
    fn: Callable[..., ClaimResult]
    areas: tuple[str, ...]


# Every claim function by name: `book/claims.yaml` names one for each computed claim (`function:`), and
# `publish.claims_text` has the words for each; both are checked when the register is read and when that module
# is imported, so a claim is added in one place: its register entry.
FUNCTIONS: dict[str, ClaimFunction] = {}


def claim_function(*areas: str):
    """Register a claim function under its own name, with the parameter areas its results depend on."""
    bad = [a for a in areas if a not in CLAIM_AREAS]
    if bad:
        raise ValueError(f"unknown claim area(s) {bad}; allowed: {', '.join(CLAIM_AREAS)}")

    def register(fn: Callable[..., ClaimResult]) -> Callable[..., ClaimResult]:
        FUNCTIONS[fn.__name__] = ClaimFunction(fn.__name__, fn, tuple(areas))
        return fn

    return register


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
    district_boundaries = cached_property(lambda self: load_district_boundaries())
    district_overlay_2024 = cached_property(lambda self: load_district_trust_overlay(2024))

    @cached_property
    def footprint_shares(self) -> pd.DataFrame:
        """Each sub-ICB area's share in each trust's footprint (analysis.footprints.build_shares)."""
        return footprints.build_shares(
            load_lsoa_subicb_lookup(), load_district_trust_overlay(2021), load_district_population_2020()
        )

    @cached_property
    def appraisal_result(self):
        """The appraisal's Monte Carlo, run once for both benefit claims."""
        from se_ambulance.analysis import appraisal

        settings = appraisal.Settings.from_params(self.appraisal)
        return appraisal.simulate(settings, appraisal.scale(self.tidy, CASE_GROUP_MEMBERS, settings))


def _result(
    c: Claim,
    readings: dict[str, Estimate],
    figures: Mapping[str, float] | None = None,
    *,
    bounds: Mapping[str, str] | None = None,
    data_end: str | None = None,
) -> ClaimResult:
    """The claim's result under the one rule: each reading judged, the audience's reading deciding."""
    primary = c.reading or next(iter(readings))
    if primary not in readings:
        raise KeyError(
            f"claim {c.id}: its reading '{primary}' is not among the readings computed: {', '.join(readings)}"
        )
    judged = judge_readings(c.value, readings, c.wording, c.tolerance or 0.0, bounds)
    return ClaimResult(
        c.id,
        judged[primary].verdict,
        primary,
        readings,
        {k: float(v) for k, v in (figures or {}).items()},
        {k: j.verdict for k, j in judged.items()},
        {k: j.between for k, j in judged.items() if j.between},
        dict(bounds or {}),
        data_end,
    )


def _last_month(frame: pd.DataFrame) -> str:
    return f"{pd.Timestamp(frame['month'].max()):%Y-%m}"


# --- response times --------------------------------------------------------------------------


@claim_function("performance")
def response_time(c: Claim, inp: ClaimInputs, category: str) -> ClaimResult:
    """The case's C1 or C2 mean for the claim year, on each definition of "the South East": the group's two
    trusts pooled and the NHS South East region (which adds the Isle of Wight); single trusts and England are
    context."""
    defs = performance.claim_definitions(inp.tidy, int(inp.performance["claim_year"])).set_index("key")[category]
    readings = {k: Estimate.exact(defs[k]) for k in ("group", "region")}
    figures = {k: defs[k] for k in ("secamb", "scas", "england")} | {"claim_year": inp.performance["claim_year"]}
    return _result(c, readings, figures, data_end=_last_month(inp.tidy))


@claim_function()
def response_standard(c: Claim, inp: ClaimInputs, category: str) -> ClaimResult:
    """The ARP standard for the category's mean, which the case quotes."""
    return _result(c, {"standard": Estimate.exact(standards.standard(category, "mean"))})


# --- population and demand --------------------------------------------------------------------

# "By 2034 ... more than 60 per cent": the South East, from mid-2025, when the case was written, or from
# mid-2022, the base year of the ONS 2022-based projections (the case does not say which projections or base it
# used). The group's footprint is built from the same counties as the NHS South East region, so the two are equal
# by construction and the region stands for both; the single trusts are context.
OVER_85_TARGET = 2034
OVER_85_BASES = (2025, 2022)


def _over_85_areas(inp: ClaimInputs) -> dict[str, pd.DataFrame]:
    areas = {k: pop.footprint_totals(pop.FOOTPRINTS[k], inp.subicb, inp.la) for k in (*CASE_GROUP_MEMBERS, GROUP_CODE)}
    areas["region"] = pop.region_totals(inp.region, "SOUTH EAST")
    return areas


@claim_function()
def over_85_rise(c: Claim, inp: ClaimInputs) -> ClaimResult:
    areas = _over_85_areas(inp)
    readings, figures = {}, {}
    for base in OVER_85_BASES:
        readings[f"from_{base}"] = Estimate.exact(pop.change(areas["region"], base, OVER_85_TARGET)["aged_85_plus"])
    for base in OVER_85_BASES:  # single trusts: context only
        for org in (*CASE_GROUP_MEMBERS, GROUP_CODE):
            figures[f"{org}_from_{base}"] = pop.change(areas[org], base, OVER_85_TARGET)["aged_85_plus"]
    # Percent in the register, shares here: compare like with like.
    return _result(
        c.model_copy(update={"value": c.value / 100, "tolerance": (c.tolerance or 0) / 100}), readings, figures
    )


# "demand ... could increase by over 20 per cent in the next decade": the group's footprint, from the
# case's year (2025/26) to ten years on, with the run's use rates and COVID handling.
CASE_YEAR = 2025  # the case for the group was made in 2025 (seed 001)
DECADE_BASE, DECADE_HORIZON = CASE_YEAR, CASE_YEAR + 10


@claim_function("demand")
def demand_decade(c: Claim, inp: ClaimInputs) -> ClaimResult:
    y = incidents_series(inp.tidy, CASE_GROUP_MEMBERS)
    banded = pop.banded(pop.FOOTPRINTS[GROUP_CODE], inp.subicb)
    paths = demand_model.scenarios(
        annual_totals(y), banded, DECADE_BASE, DECADE_HORIZON, inp.demand["covid_handling"], inp.demand["age_rates"]
    )
    g = demand_model.growth_by_scenario(paths, DECADE_BASE, DECADE_HORIZON)
    est = {
        name: Estimate(float(g.loc[name, "growth"]), float(g.loc[name, "low"]), float(g.loc[name, "high"]))
        for name in g.index
    }
    figures = {f"{k}_{part}": getattr(e, part) for k, e in est.items() for part in ("central", "low", "high")}
    return _result(
        c.model_copy(update={"value": c.value / 100}),
        {"blended": est["Blended"]},
        figures,
        data_end=_last_month(inp.tidy),
    )


# "the South East has one of the fastest growing older populations in the country": England's nine regions ranked
# by the growth of their older population from the case's year to 2034, the year its next sentence names. The
# register's figure is how many of the other regions the South East must outgrow to be "one of the fastest".
OLDER_AGES = ("65+", "85+")


@claim_function()
def older_population_growth(c: Claim, inp: ClaimInputs) -> ClaimResult:
    """How many of the other regions the South East's older population outgrows, aged 65+ and aged 85+, mid-2025
    to mid-2034. Context: each region's growth and rank; the South East's increase in people and its rank by it;
    its rank by growth to mid-2035 (a decade on) and from mid-2022 (the projections' base)."""
    readings: dict[str, Estimate] = {}
    figures: dict[str, float] = {}
    for ages in OLDER_AGES:
        key = "aged_" + ages.replace("+", "_plus")
        table = pop.region_growth(inp.region, ages, CASE_YEAR, OVER_85_TARGET)
        readings[key] = Estimate.exact(pop.regions_outgrown(table, SOUTH_EAST_REGION))
        figures[f"{key}.regions"] = len(table)
        for row in table.itertuples():
            figures |= {f"{key}.growth.{row.code}": row.growth, f"{key}.rank.{row.code}": row.rank}
        own = table["code"] == SOUTH_EAST_REGION
        figures[f"{key}.increase"] = float(table.loc[own, "increase"].iloc[0])
        figures[f"{key}.increase_rank"] = int(table["increase"].rank(ascending=False)[own].iloc[0])
        for name, (base, target) in {
            "to_decade": (CASE_YEAR, CASE_YEAR + 10),
            "from_base": (int(inp.region["year"].min()), OVER_85_TARGET),
        }.items():
            other = pop.region_growth(inp.region, ages, base, target).set_index("code")
            figures[f"{key}.rank_{name}"] = other.loc[SOUTH_EAST_REGION, "rank"]
    return _result(c, readings, figures)


# --- clinical outcomes -----------------------------------------------------------------------

# "clinical outcomes can vary significantly across the region" (2025, present tense): SECAmb against SCAS on the
# like-for-like Utstein measures. AmbCO ends in September 2020, so the period nearest the claim's is the latest
# complete year AmbCO holds; the latest three years pooled and return of circulation are the other readings.
POOLED_YEARS = 3


@claim_function()
def outcomes_vary(c: Claim, inp: ClaimInputs) -> ClaimResult:
    a, b = CASE_GROUP_MEMBERS
    rates = outcomes.outcome_rates(inp.ambco, [a, b])
    diffs = {
        "latest_year": pooled_difference(rates, "survival_utstein", a, b, 1),
        "pooled_years": pooled_difference(rates, "survival_utstein", a, b, POOLED_YEARS),
        "rosc_latest_year": pooled_difference(rates, "rosc_utstein", a, b, 1),
        "rosc_pooled_years": pooled_difference(rates, "rosc_utstein", a, b, POOLED_YEARS),
    }
    figures: dict[str, float] = {}
    for k, d in diffs.items():
        figures |= {f"{k}_{part}": d[part] for part in ("first_year", "last_year", "rate_a", "rate_b", "n_a", "n_b")}
    # All arrests, pooled years: context, because the two trusts count very different numbers of attempts.
    everyone = pooled_difference(rates, "survival_all", a, b, POOLED_YEARS)
    figures |= {
        "all_rate_a": everyone["rate_a"],
        "all_rate_b": everyone["rate_b"],
        "all_n_a": everyone["n_a"],
        "all_n_b": everyone["n_b"],
        "all_first_year": everyone["first_year"],
        "all_last_year": everyone["last_year"],
    }
    for m in ("survival_utstein", "survival_all"):
        gap = outcomes.gap_between(rates, m, a, b)
        figures[f"{m}_years"] = len(gap)
        figures[f"{m}_years_apart"] = int((~gap["intervals_overlap"]).sum())
    readings = {k: Estimate(d["difference"], d["ci_low"], d["ci_high"]) for k, d in diffs.items()}
    return _result(c, readings, figures, data_end=_last_month(inp.ambco))


# --- populations -----------------------------------------------------------------------------


@claim_function()
def secamb_population(c: Claim, inp: ClaimInputs) -> ClaimResult:
    """SECAmb's residents: NHS England's CCG-based footprint in 2018 (ONS estimates summed by trust), and its
    counties (Kent, Medway, Surrey, East and West Sussex, Brighton and Hove) at mid-2019 and mid-2022."""
    ccg = inp.ccg_population
    at_2018 = float(ccg[(ccg["year"] == 2018) & (ccg["org_code"] == "RYD")]["pop"].sum())
    mye = pop.mye_2019_totals(inp.mye, "RYD")["all_ages"]
    proj = pop.footprint_totals(pop.FOOTPRINTS["RYD"], inp.subicb, inp.la).loc[2022, "all_ages"]
    return _result(
        c,
        {
            "trust_footprint_2018": Estimate.exact(at_2018),
            "mid_2019_estimate": Estimate.exact(mye),
            "mid_2022_projection_base": Estimate.exact(proj),
        },
    )


# Seed 002's partnership: London Ambulance Service and South Central.
LAS_SCAS = ("RRU", "RYE")


@claim_function()
def las_scas_population(c: Claim, inp: ClaimInputs) -> ClaimResult:
    """Residents of the two trusts' footprints: NHS England's CCG-based footprints in 2018, the year of the
    claim (ONS CCG estimates summed by trust), and the same footprints apportioned from the 2022-based
    sub-ICB projections at mid-2022 (analysis.footprints). The seed counts the people who "live and work" there,
    so residents are a lower bound on the claim's quantity."""
    ccg = inp.ccg_population
    at_2018 = ccg[(ccg["year"] == 2018) & ccg["org_code"].isin(LAS_SCAS)].groupby("org_code")["pop"].sum()
    banded = {
        t: footprints.footprint_population([t], inp.subicb, inp.footprint_shares, construction="apportioned")
        .banded.loc[2022]
        .sum()
        for t in LAS_SCAS
    }
    readings = {
        "trust_footprints_2018": Estimate.exact(float(at_2018.sum())),
        "trust_footprints_mid_2022": Estimate.exact(float(sum(banded.values()))),
    }
    figures = {f"{t}_2018": at_2018[t] for t in LAS_SCAS} | {f"{t}_2022": v for t, v in banded.items()}
    return _result(c, readings, figures, bounds={k: "lower" for k in readings})


# "London Ambulance Service covers the 32 London boroughs" (seed 002, 2018).
LONDON_TRUST = "RRU"


@claim_function()
def london_boroughs(c: Claim, inp: ClaimInputs) -> ClaimResult:
    """The London boroughs inside London Ambulance Service's footprint (NHS England's 2018 footprint laid over the
    May 2024 districts: each district goes to the trust that covers most of it), and the London boroughs in ONS's
    district boundaries. London's boroughs have not changed since 1965, so the 2024 districts serve for 2018."""
    cover = providers.borough_coverage(inp.district_boundaries, inp.district_overlay_2024, LONDON_TRUST)
    readings = {
        "in_las_footprint": Estimate.exact(cover["covered"]),
        "london_boroughs": Estimate.exact(cover["boroughs"]),
    }
    return _result(c, readings, {k: v for k, v in cover.items() if k not in ("covered", "boroughs")})


# "It is one of ten ambulance services trusts providing England with emergency medical services" (seed 003).
@claim_function()
def ambulance_trusts(c: Claim, inp: ClaimInputs) -> ClaimResult:
    """The providers reporting to AmbSYS in its latest month: those that are ambulance service trusts, and all of
    them (the Isle of Wight's ambulance service is run by a trust that also runs the island's hospital). Each
    provider that is not an ambulance service trust is flagged in the figures, for the words that name it."""
    p = providers.providers_in_month(inp.tidy)
    readings = {
        "ambulance_trusts": Estimate.exact(int(p["ambulance_trust"].sum())),
        "all_providers": Estimate.exact(len(p)),
    }
    figures = {"secamb_counted": float("RYD" in set(p.loc[p["ambulance_trust"], "org"]))}
    figures |= {f"not_ambulance_trust.{org}": 1.0 for org in p.loc[~p["ambulance_trust"], "org"]}
    return _result(c, readings, figures, data_end=_last_month(inp.tidy))


# --- history and workforce -------------------------------------------------------------------


@claim_function()
def calls_2005_06(c: Claim, inp: ClaimInputs) -> ClaimResult:
    """South East Coast's emergency calls in the claim's year, 2005-06. The published series counts calls
    received; the claim counts calls responded to, which can be no more: an upper bound. The year before is
    context."""
    from se_ambulance.analysis.history import emergency_calls_received

    calls = emergency_calls_received(inp.emergency_calls, "South East Coast", ["2004-05", "2005-06"])
    return _result(
        c,
        {"received_2005_06": Estimate.exact(calls["2005-06"])},
        {"received_2004_05": calls["2004-05"]},
        bounds={"received_2005_06": "upper"},
    )


@claim_function()
def staff_secamb(c: Claim, inp: ClaimInputs) -> ClaimResult:
    """SECAmb's staff in the only trust-level workforce file here (full-time equivalent, September 2017 and
    June 2018). The article's 3,300 is undated and counts people: full-time equivalents are fewer than people when
    some work part time, so they are a lower bound on a headcount."""
    from se_ambulance.analysis.history import staff_fte

    fte = staff_fte(inp.workforce, "RYD", ["2017-09", "2018-06"])
    amb = staff_fte(inp.workforce, "RYD", ["2018-06"], "Ambulance staff")
    readings = {f"fte_{m.replace('-', '_')}": Estimate.exact(v) for m, v in fte.items()}
    return _result(c, readings, {"ambulance_staff_2018_06": amb["2018-06"]}, bounds={k: "lower" for k in readings})


# --- the benefit claims ----------------------------------------------------------------------


@claim_function("appraisal")
def benefit(c: Claim, inp: ClaimInputs, kind: str) -> ClaimResult:
    """'over £10 million' (cash) or 'up to the equivalent of £80 million' (non-cash), read as a yearly
    amount once the plan is in place and as a present-value total over the appraisal."""
    from se_ambulance.analysis import appraisal

    res = inp.appraisal_result
    readings = appraisal.claim_estimates(res)[kind]
    probs = appraisal.claim_probabilities(res)
    key = "cash_10m" if kind == "cash" else "wider_80m"
    settings = inp.appraisal
    assert settings is not None  # appraisal_result above needs them too
    figures = {
        "p_a_year": probs[f"{key}_a_year"][0],
        "p_in_total": probs[f"{key}_in_total"][0],
        "draws": settings["mc_draws"],
        "years": settings["appraisal_years"],
    }
    result = _result(c, dict(readings), figures)
    return replace(result, sensitivity=_what_it_rests_on(c, inp, kind, result))


def _what_it_rests_on(c: Claim, inp: ClaimInputs, kind: str, result: ClaimResult) -> dict[str, Any]:
    """For the reading that decides: the inputs whose variance decides it (Sobol total indices, SALib) with their
    evidence ratings; the verdict with every input that has no published evidence (rated red) held at its most
    likely value; and the verdict under ten other seeds."""
    from se_ambulance.analysis import appraisal

    res = inp.appraisal_result
    settings, sc = res.settings, res.scale
    outcome = appraisal.READINGS[kind][result.reading]
    quality = appraisal.input_quality(settings, sc)
    decide = appraisal.rests_on(appraisal.sobol(settings, sc), outcome)
    assert c.wording is not None  # a computed claim has one (Claim's validator)
    best = judge_readings(
        c.value,
        {
            result.reading: appraisal.claim_estimates(appraisal.best_evidenced_result(settings, sc))[kind][
                result.reading
            ]
        },
        c.wording,
    )[result.reading]
    others = [
        judge_readings(c.value, {result.reading: appraisal.claim_estimates(r)[kind][result.reading]}, c.wording)[
            result.reading
        ].verdict
        for r in appraisal.seed_runs(settings, sc)
    ]
    return {
        "outcome": outcome,
        "rests_on": [
            {"input": r.input, "ST": r.ST, "quality": quality.get(r.input, "amber")} for r in decide.itertuples()
        ],
        "best_evidenced": best.verdict,
        "best_evidenced_between": list(best.between or ()),
        "seeds": len(others),
        "seeds_same": sum(v == result.verdict for v in others),
    }


def _function(c: Claim) -> ClaimFunction:
    from se_ambulance.claims.register import FUNCTION_PREFIX

    if c.function is None:
        raise ValueError(f"claim {c.id} is not computed: it has no function")
    return FUNCTIONS[c.function.removeprefix(FUNCTION_PREFIX)]


def areas_of(claim_id: str) -> tuple[str, ...]:
    """The parameter areas a claim's result depends on (none for a claim that is not computed)."""
    c = load_register()[claim_id]
    return _function(c).areas if c.computed else ()


def evaluate(c: Claim, inp: ClaimInputs) -> ClaimResult:
    """The result for one claim; a claim that is not computed keeps its stated verdict."""
    if not c.computed:
        return ClaimResult(c.id, c.verdict, "", {}, {})
    return _function(c).fn(c, inp, **c.arguments)
