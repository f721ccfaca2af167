"""Verdicts on the claims register's computed claims, from the same functions the chapters use."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from se_ambulance.analysis import appraisal
from se_ambulance.analysis import demand
from se_ambulance.analysis import outcomes
from se_ambulance.analysis import performance
from se_ambulance.analysis import population as pop
from se_ambulance.reference import standards
from se_ambulance.analysis.activity import incidents_series
from se_ambulance.claims.register import Claim, case_response_figures, load_register
from se_ambulance.data.ambco import load_ambco
from se_ambulance.data.ambsys import load_ambsys
from se_ambulance.data.population import load_la_85plus, load_mye_2019, load_region, load_subicb
from se_ambulance.analysis.metrics import annual_totals
from se_ambulance.publish.report import percent
from se_ambulance.publish.format import mmss


@dataclass
class Inputs:
    """The data and parameters verdicts need, loaded once."""
    tidy: pd.DataFrame
    subicb: pd.DataFrame
    la: pd.DataFrame
    region: pd.DataFrame
    mye: pd.DataFrame
    ambco: pd.DataFrame
    claim_year: int = 2024
    base_year: int = 2025
    horizon_year: int = 2035
    covid_handling: str = "exclude"
    appraisal: appraisal.Settings = field(default_factory=appraisal.Settings.defaults)

    @cached_property
    def appraisal_result(self) -> appraisal.Result:
        """The appraisal's Monte Carlo, run once for both benefit claims."""
        return appraisal.simulate(self.appraisal, appraisal.scale(self.tidy))

    @classmethod
    def load(cls, **params) -> "Inputs":
        return cls(load_ambsys(), load_subicb(), load_la_85plus(), load_region(), load_mye_2019(), load_ambco(),
                   **params)


def closeness(claimed: float, measured: float) -> str:
    """Within 5% of the measure: supported; within 15%: partly supported; otherwise not supported."""
    gap = abs(claimed / measured - 1)
    return "supported" if gap <= 0.05 else "partly supported" if gap <= 0.15 else "not supported"


def _response(inp: Inputs, cat: str) -> tuple[str, str]:
    claimed = case_response_figures()
    defs = performance.claim_definitions(inp.tidy, inp.claim_year)
    diff = (defs[cat] - claimed[cat]).abs()
    best = defs.loc[diff.idxmin()]
    secamb = defs.set_index("definition").loc["SECAmb alone, incident-weighted", cat]
    verdict = "supported" if diff.min() <= 2 else "partly supported" if diff.min() <= 15 else "not supported"
    return verdict, (f"Reproduced to within {diff.min():.1f} s by: {best['definition']} "
                     f"({mmss(best[cat])}); SECAmb alone was {mmss(secamb)}. The case does not say which "
                     "definition it used.")


def _standard(cat: str, claimed: float) -> tuple[str, str]:
    s = standards.standard(cat, "mean")
    return ("supported" if s == claimed else "not supported",
            f"The ARP standard for the {cat} mean is {s // 60} minutes.")


def _over_85(inp: Inputs) -> tuple[str, str]:
    areas = {k: pop.footprint_totals(pop.FOOTPRINTS[k], inp.subicb, inp.la) for k in ("RYD", "RYE", "GROUP")}
    areas["South East region"] = pop.region_totals(inp.region, "SOUTH EAST")
    table = pop.over_85_change_table(areas, [2022, 2023, 2024, 2025], 2034)
    meeting = demand.areas_meeting(table, 0.60)
    return demand.over_85_verdict(table), (
        f"ONS 2022-based projections: from mid-2024 the 85+ population rises {percent(table.loc['RYD', '2024'])} "
        f"(SECAmb), {percent(table.loc['RYE', '2024'])} (SCAS) and {percent(table.loc['GROUP', '2024'])} (both) by "
        f"2034; more than 60% only for {', '.join(f'{NAMES.get(a, a)} from mid-{b}' for a, b in meeting) or 'no area'}.")


NAMES = {"RYD": "SECAmb", "RYE": "SCAS", "GROUP": "SCAS + SECAmb"}


def _demand(inp: Inputs) -> tuple[str, str]:
    y = incidents_series(inp.tidy, ("RYD", "RYE"))
    banded = pop.banded(pop.FOOTPRINTS["GROUP"], inp.subicb)
    paths = demand.scenarios(annual_totals(y), banded, inp.base_year, inp.horizon_year, inp.covid_handling)
    g = demand.growth_by_scenario(paths, inp.base_year, inp.horizon_year)
    v = demand.verdict_over(g, 0.20)
    return ("not supported" if v.startswith("not supported") else v), (
        f"SCAS + SECAmb, {inp.base_year}–{inp.horizon_year}: demography alone {percent(g.loc['Demography only', 'growth'])}, "
        f"the incident trend {percent(g.loc['Trend only', 'growth'])} (95% interval {percent(g.loc['Trend only', 'low'])} "
        f"to {percent(g.loc['Trend only', 'high'])}). {v[0].upper() + v[1:]}.")


def _outcomes(inp: Inputs) -> tuple[str, str]:
    rates = outcomes.outcome_rates(inp.ambco, ["RYD", "RYE"])
    gap = outcomes.gap_between(rates, "survival_all", "RYD", "RYE")
    n = int((~gap["intervals_overlap"]).sum())
    return outcomes.variation_verdict(gap), (
        f"Survival to discharge after cardiac arrest, SECAmb against SCAS: the 95% intervals do not overlap in {n} of "
        f"{len(gap)} financial years to 2019/20 (AmbCO).")


def _population(inp: Inputs, claimed: float) -> tuple[str, str]:
    est = pop.mye_2019_totals(inp.mye, "RYD")["all_ages"]
    return closeness(claimed, est), (
        f"ONS mid-2019 estimate for Kent, Medway, Surrey, East and West Sussex and Brighton and Hove: "
        f"{est / 1e6:.2f} million ({claimed / est - 1:+.1%}).")


def las_scas_population(inp: Inputs) -> float:
    """Residents of London plus the SCAS footprint at mid-2022 (the projections' base)."""
    london = pop.region_totals(inp.region, "LONDON").loc[2022, "all_ages"]
    scas = pop.footprint_totals(pop.FOOTPRINTS["RYE"], inp.subicb, inp.la).loc[2022, "all_ages"]
    return float(london + scas)


def _las_scas(inp: Inputs, claimed: float) -> tuple[str, str]:
    residents = las_scas_population(inp)
    return closeness(claimed, residents), (
        f"Residents of London and the SCAS footprint at mid-2022: {residents / 1e6:.1f} million "
        f"(the claim is {claimed / residents - 1:.0%} higher); it may also count people who work in or travel to the area.")


def _benefits(inp: Inputs, which: str) -> tuple[str, str]:
    res = inp.appraisal_result
    p = appraisal.claim_probabilities(res)
    o = res.outcomes / 1e6
    years = inp.appraisal.appraisal_years
    if which == "cash":
        return appraisal.verdict_cash(p), (
            f"Our Green Book model of public evidence ({inp.appraisal.mc_draws:,} draws): cash savings net of running "
            f"the group reach £{o['annual_cash_savings'].median():.1f}m a year by year {years} (median; 90% range "
            f"£{o['annual_cash_savings'].quantile(.05):.1f}m to £{o['annual_cash_savings'].quantile(.95):.1f}m). The "
            f"chance of at least £10m a year is {percent(p['cash_10m_a_year'][0])}; of £10m in total over {years} "
            f"years, {percent(p['cash_10m_in_total'][0])}. The case does not say which it means.")
    return appraisal.verdict_wider(p), (
        f"Non-cash benefits in our model reach £{o['annual_wider'].median():.1f}m a year (median; 90% range "
        f"£{o['annual_wider'].quantile(.05):.1f}m to £{o['annual_wider'].quantile(.95):.1f}m): the chance of £80m a "
        f"year is {percent(p['wider_80m_a_year'][0])}, of £80m in total over {years} years "
        f"{percent(p['wider_80m_in_total'][0])}. These are 'equivalent' values, not cash.")


def evaluate(c: Claim, inp: Inputs) -> tuple[str, str]:
    if not c.computed:
        return c.verdict, c.evidence
    handlers = {
        "c1-mean-2024-25": lambda: _response(inp, "C1"),
        "c2-mean-2024-25": lambda: _response(inp, "C2"),
        "c1-standard": lambda: _standard("C1", c.value),
        "c2-standard": lambda: _standard("C2", c.value),
        "over-85-rise-2034": lambda: _over_85(inp),
        "demand-rise-decade": lambda: _demand(inp),
        "outcomes-vary": lambda: _outcomes(inp),
        "secamb-population-2018": lambda: _population(inp, c.value),
        "secamb-population-4-5m": lambda: _population(inp, c.value),
        "las-scas-16m": lambda: _las_scas(inp, c.value),
        "efficiencies-10m": lambda: _benefits(inp, "cash"),
        "wider-benefits-80m": lambda: _benefits(inp, "wider"),
    }
    if c.id not in handlers:
        raise KeyError(f"claim {c.id} is marked computed but no verdict function handles it")
    return handlers[c.id]()


def register_table(inp: Inputs) -> pd.DataFrame:
    rows = []
    for c in load_register().values():
        verdict, evidence = evaluate(c, inp)
        rows.append({"id": c.id, "seed": c.seed, "quote": c.quote, "verdict": verdict, "evidence": evidence,
                     "chapter": c.chapter, "section": c.section, "function": c.function})
    return pd.DataFrame(rows)
