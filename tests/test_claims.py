"""The claims register: exact quotes, every numeric statement accounted for, computed verdicts."""

from __future__ import annotations

import json
import re

import pytest

from se_ambulance.analysis.estimate import Estimate
from se_ambulance.claims.register import load_register, out_of_scope
from se_ambulance.claims.rule import judge
from se_ambulance.errors import SeAmbulanceError
from se_ambulance.claims.seed_scan import scan

from .support.builders import ROOT


def test_every_quote_is_verbatim_in_its_seed():
    for c in [*load_register().values(), *out_of_scope()]:
        text = (ROOT / "seeds" / c.seed).read_text(encoding="utf-8")
        assert c.quote in text, c.quote


def test_every_numeric_statement_in_the_seeds_is_in_the_register_or_out_of_scope():
    spans: dict[str, list[tuple[int, int]]] = {}
    for c in [*load_register().values(), *out_of_scope()]:
        text = (ROOT / "seeds" / c.seed).read_text(encoding="utf-8")
        spans.setdefault(c.seed, []).extend((m.start(), m.end()) for m in re.finditer(re.escape(c.quote), text))
    findings = scan(ROOT / "seeds")
    assert len(findings) > 40  # the scanner itself still finds things
    missing = [
        f"{f.seed}: {f.text!r} in “{f.sentence[:120]}”"
        for f in findings
        if not any(a <= f.start < b for a, b in spans.get(f.seed, []))
    ]
    assert missing == [], "numeric statements not in book/claims.yaml:\n" + "\n".join(missing)


def test_the_scanner_finds_each_kind_of_number(tmp_path):
    (tmp_path / "x.txt").write_text(
        "Up 12.5% or 60 per cent; £10 million; 8 minutes 38 seconds; 4.5million people; "
        "3,300 staff; in 2024/25; By 2034; 400 more paramedics.",
        encoding="utf-8",
    )
    kinds = {f.kind for f in scan(tmp_path)}
    assert kinds == {"percent", "money", "duration", "count", "financial_year", "target_year"}


def test_stated_verdicts_are_allowed_values_and_computed_ones_have_a_function():
    from se_ambulance.claims.evaluate import FUNCTIONS
    from se_ambulance.claims.register import FUNCTION_PREFIX
    from se_ambulance.publish.claims_text import TEXTS

    for c in load_register().values():
        if c.computed:
            assert c.chapter and c.function and c.wording and c.scope, c.id
            assert (
                c.function.removeprefix(FUNCTION_PREFIX) in FUNCTIONS
                and c.function.removeprefix(FUNCTION_PREFIX) in TEXTS
            )
        else:
            assert c.verdict in ("not tested here", "cannot be tested with public data") and c.evidence
    assert set(FUNCTIONS) == set(TEXTS)  # every claim function has its words, and no words lack a function


def _register_with(tmp_path, monkeypatch, change):
    """The register with one claim's entry changed, read afresh."""
    import yaml

    from se_ambulance.claims import register

    raw = yaml.safe_load((ROOT / "book" / "claims.yaml").read_text(encoding="utf-8"))
    change(next(c for c in raw["claims"] if c["id"] == "c1-mean-2024-25"))
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(register, "register_path", lambda: path)
    register._load.cache_clear()
    try:
        return register.load_register()
    finally:
        monkeypatch.undo()
        register._load.cache_clear()


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda c: c.update(function="se_ambulance.claims.evaluate.response_times"),
            "is not a claim function; allowed:",
        ),
        (lambda c: c.update(function="os.system"), "is not a claim function"),
        (
            lambda c: c.pop("arguments"),
            r"takes the arguments \['category'\] beyond \(claim, inputs\); the register gives none",
        ),
        (
            lambda c: c.update(arguments={"category": "C1", "year": "2024"}),
            "the register gives \\['category', 'year'\\]",
        ),
        (lambda c: c.pop("reading_why"), "say why its audience would take the reading 'group'"),
    ],
)
def test_a_claims_one_entry_is_checked_when_the_register_is_read(tmp_path, monkeypatch, change, message):
    """A claim is registered once, in book/claims.yaml: its function (registered with @claim_function in
    claims.evaluate), arguments and reading are checked on reading, with a message naming what is allowed."""
    from se_ambulance.errors import DataError

    with pytest.raises(DataError, match=message):
        _register_with(tmp_path, monkeypatch, change)


def test_the_register_as_published_reads(tmp_path, monkeypatch):
    assert "c1-mean-2024-25" in _register_with(tmp_path, monkeypatch, lambda c: None)


def test_a_claim_function_without_words_stops_the_import():
    from se_ambulance.claims import evaluate
    from se_ambulance.publish import claims_text

    evaluate.FUNCTIONS["orphan"] = evaluate.ClaimFunction("orphan", lambda c, i: None, ())
    try:
        with pytest.raises(ImportError, match=r"claim functions without words: \['orphan'\]"):
            claims_text._check_every_function_has_words()
    finally:
        del evaluate.FUNCTIONS["orphan"]


# --- the one rule, on worked examples ------------------------------------------------------------


@pytest.mark.parametrize(
    "claimed, est, wording, tol, verdict",
    [
        (518, Estimate.exact(517.1), "about", 2, "supported"),  # within the rounding
        (518, Estimate.exact(514.0), "about", 2, "not supported"),  # a published figure: no range
        (518, Estimate(514.0, 510.0, 519.0), "about", 2, "partly supported"),  # inside the span of definitions
        (0.60, Estimate.exact(0.563), "more_than", 0, "not supported"),
        (0.20, Estimate(0.118, -0.085, 0.337), "more_than", 0, "partly supported"),  # inside the 90% interval
        (0.20, Estimate(0.25, 0.10, 0.40), "more_than", 0, "supported"),
        (0.20, Estimate(0.20, 0.10, 0.40), "more_than", 0, "partly supported"),  # "over 20%" is not met by 20%
        (80e6, Estimate(80e6, 60e6, 90e6), "up_to", 0, "supported"),  # a ceiling is met when reached
        (80e6, Estimate(36e6, 19e6, 60e6), "up_to", 0, "not supported"),
        (None, Estimate(-0.054, -0.092, -0.016), "differs", 0, "supported"),
        (None, Estimate(-0.03, -0.098, 0.038), "differs", 0, "not supported"),
    ],
)
def test_the_rule_on_worked_examples(claimed, est, wording, tol, verdict):
    assert judge(claimed, est, wording, tol).verdict == verdict


@pytest.mark.parametrize(
    "claimed, est, wording, tol, bound, verdict",
    [
        # Calls received bound calls responded to from above: a claim below the bound cannot be tested, one above it fails.
        (460_000, Estimate.exact(493_000), "about", 5000, "upper", "not tested here"),
        (520_000, Estimate.exact(493_000), "about", 5000, "upper", "not supported"),
        (
            498_000,
            Estimate.exact(493_000),
            "about",
            5000,
            "upper",
            "not tested here",
        ),  # within the rounding of the bound
        # Full-time equivalents bound a headcount from below.
        (3300, Estimate.exact(3065), "about", 50, "lower", "not tested here"),
        (2900, Estimate.exact(3065), "about", 50, "lower", "not supported"),
        (3000, Estimate.exact(3065), "more_than", 0, "lower", "supported"),  # more than 3,000 people: FTE already is
        (3100, Estimate.exact(3065), "more_than", 0, "lower", "not tested here"),
        (3100, Estimate.exact(3065), "more_than", 0, "upper", "not supported"),
    ],
)
def test_a_measure_that_only_bounds_the_claim_tests_it_only_beyond_the_bound(
    claimed, est, wording, tol, bound, verdict
):
    assert judge(claimed, est, wording, tol, bound).verdict == verdict


def test_a_monte_carlo_verdict_on_the_edge_of_its_band_is_borderline_and_names_both_sides():
    """Uniform draws on 0-1: the 95th centile is 0.95 and its Monte Carlo band about ±0.005 at 20,000 draws."""
    import numpy as np

    x = np.random.default_rng(1).random(20_000)
    est = Estimate.from_draws(x)
    lo, hi = est.mc[2]
    assert lo < 0.95 < hi and hi - lo < 0.02
    edge = judge(0.95, est, "more_than")
    assert edge.verdict == "borderline" and edge.between == ("partly supported", "not supported")
    assert judge(0.97, est, "more_than").verdict == "not supported"  # beyond the band: one verdict
    assert judge(0.90, est, "more_than").verdict == "partly supported"
    centre = judge(0.5, est, "more_than")
    assert centre.verdict == "borderline" and centre.between == ("supported", "partly supported")
    # Without the band (a figure read from data) the same numbers give one verdict.
    assert judge(0.95, Estimate(est.central, est.low, est.high), "more_than").verdict in (
        "partly supported",
        "not supported",
    )


def test_the_audiences_reading_decides_and_a_disagreeing_reading_is_said_in_words():
    from se_ambulance.claims.evaluate import _result
    from se_ambulance.claims.register import claim
    from se_ambulance.publish.claims_text import claim_text

    readings = {"a_year": Estimate(7.6e6, 5.5e6, 9.9e6), "pv_total": Estimate(25.9e6, 11.2e6, 42.5e6)}
    r = _result(claim("efficiencies-10m"), readings, {"p_a_year": 0.04, "p_in_total": 0.9, "draws": 1000, "years": 10})
    assert (r.verdict, r.reading) == ("not supported", "a_year") and r.verdicts["pv_total"] == "supported"
    t = claim_text(r)
    assert t["summary"] == (
        "Not supported as a yearly amount once the plan is in place; but supported as a "
        "present-value total over the appraisal."
    )
    # Readings that agree: one verdict, no "but".
    agree = _result(
        claim("efficiencies-10m"),
        {"a_year": readings["a_year"], "pv_total": Estimate.exact(5e6)},
        {"p_a_year": 0.04, "p_in_total": 0.0, "draws": 1000, "years": 10},
    )
    assert "but" not in claim_text(agree)["summary"] and "the same verdict" in claim_text(agree)["other_readings"]
    with pytest.raises(ValueError, match="unknown wording"):
        judge(1, Estimate.exact(1), "roughly")


# --- the register on the real data ----------------------------------------------------------------


@pytest.fixture(scope="module")
def results():
    from se_ambulance.claims.cache import register_for
    from se_ambulance.pipeline.params import load_params

    p = load_params()
    return register_for(p.area("performance"), p.area("demand"), p.area("appraisal"))


# The canonical verdicts (the claims page's table), each on the reading its audience would take.
CANONICAL = {
    "c1-mean-2024-25": "supported",
    "c2-mean-2024-25": "supported",
    "c1-standard": "supported",
    "c2-standard": "supported",
    "over-85-rise-2034": "not supported",
    "demand-rise-decade": "partly supported",
    "outcomes-vary": "not supported",
    "efficiencies-10m": "partly supported",
    "wider-benefits-80m": "not supported",
    "las-scas-16m": "not tested here",
    "secamb-population-2018": "not supported",
    "secamb-population-4-5m": "not supported",
    "staff-3300": "not tested here",
    "calls-2005-06": "not tested here",
    "deficits-25-26": "not tested here",
    "handover-45-minutes-2015": "cannot be tested with public data",
    "older-population-growth": "supported",
    "london-boroughs-32": "supported",
    "ten-ambulance-trusts": "supported",
    "first-group-model": "cannot be tested with public data",
    "surplus-three-years": "not tested here",
    "savings-millions": "cannot be tested with public data",
    "neonatal-three-ambulances": "cannot be tested with public data",
    "nhs111-ten-minutes": "cannot be tested with public data",
}


@pytest.mark.parametrize("claim_id", sorted(CANONICAL))
def test_verdicts_on_the_real_data(results, claim_id):
    assert results[claim_id].verdict == CANONICAL[claim_id]


def test_evidence_quotes_the_numbers(results):
    from se_ambulance.publish.claims_text import claim_text

    assert "30:11" in claim_text(results["c2-mean-2024-25"])["evidence"]
    over85 = claim_text(results["over-85-rise-2034"])["evidence"]
    assert "47.2% from mid-2025" in over85 and "56.3%" in over85 and "will have used" not in over85
    assert results["c2-mean-2024-25"].reading == results["c1-mean-2024-25"].reading == "group"
    assert "within 2 seconds of the claim" in claim_text(results["c1-mean-2024-25"])["evidence"]
    # Outcomes: the latest year decides (−2.9 points, −9.8 to +3.8), the pooled window is shown beside it.
    out = results["outcomes-vary"]
    assert out.reading == "latest_year" and out.data_end == "2020-09"
    e = out.readings["latest_year"]
    assert (round(100 * e.central, 1), round(100 * e.low, 1), round(100 * e.high, 1)) == (-2.9, -9.8, 3.8)
    assert round(out.readings["pooled_years"].central, 3) == -0.054 and out.verdicts["pooled_years"] == "supported"
    assert out.verdicts["rosc_latest_year"] == out.verdicts["rosc_pooled_years"] == "not supported"
    t = claim_text(out)
    assert t["data_end"] == "September 2020" and "September 2020" in t["evidence"]
    assert "but supported on survival (Utstein group) over the latest three years pooled" in t["summary"]
    assert "a recording difference" not in t["evidence"] and "cannot say" in t["evidence"]
    # Measures that do not match the claim's definition: not tested, with the nearest figure as context.
    assert "3,065 in June 2018" in claim_text(results["staff-3300"])["evidence"]
    assert "493,000" in claim_text(results["calls-2005-06"])["evidence"]


def test_the_claims_page_states_each_tolerance():
    from se_ambulance.publish.claims_text import rule_text

    rule = rule_text()
    assert "2 seconds for “In 2024/25 in the South East, the most urgent calls" in rule
    assert "most favourable" not in rule and "Borderline" in rule and "audience" in rule


def test_the_money_verdicts_say_what_they_rest_on(results):
    from se_ambulance.publish.claims_text import claim_text

    wider = results["wider-benefits-80m"]
    red = [x["input"] for x in wider.sensitivity["rests_on"] if x["quality"] == "red"]
    assert red == ["productivity", "pathways"]  # each at least 10% of the yearly variance, as the table shows them
    text = claim_text(wider)["rests_on"]
    assert (
        "It rests on assumptions rated red: Operational productivity (hours released); Clinical pathways that "
        "avoid conveyance to ED."
    ) in text
    cash = results["efficiencies-10m"]
    assert cash.reading == "a_year" and cash.verdicts["pv_total"] == "supported"
    assert cash.sensitivity["seeds_same"] == cash.sensitivity["seeds"] == 10
    assert cash.sensitivity["best_evidenced"] == "not supported"


@pytest.mark.slow  # 20 Monte Carlo runs of the canonical appraisal
def test_the_money_verdicts_do_not_change_with_the_seed():
    """Every reading of both benefit claims gives the same verdict under 20 seeds: no verdict rests on the draws."""
    from dataclasses import replace

    from se_ambulance.analysis import appraisal
    from se_ambulance.claims.register import claim
    from se_ambulance.data.ambsys import load_ambsys
    from se_ambulance.pipeline.params import load_params
    from se_ambulance.reference.orgs import CASE_GROUP_MEMBERS

    s = appraisal.Settings.from_params(load_params().area("appraisal"))
    sc = appraisal.scale(load_ambsys(), CASE_GROUP_MEMBERS, s)
    seen = set()
    for seed in range(20):
        est = appraisal.claim_estimates(appraisal.simulate(replace(s, mc_seed=seed), sc))
        for kind, cid in (("cash", "efficiencies-10m"), ("wider", "wider-benefits-80m")):
            c = claim(cid)
            for reading, e in est[kind].items():
                seen.add((kind, reading, judge(c.value, e, c.wording).verdict))
    assert len(seen) == 4, sorted(seen)


def test_the_appraisal_runs_once_for_both_benefit_claims(monkeypatch):
    from se_ambulance.analysis import appraisal
    from se_ambulance.claims.evaluate import ClaimInputs, evaluate
    from se_ambulance.pipeline.params import load_params

    calls = []
    real = appraisal.simulate
    monkeypatch.setattr(appraisal, "simulate", lambda *a, **k: calls.append(1) or real(*a, **k))
    p = load_params(overrides={"appraisal.mc_draws": 2000})
    inp = ClaimInputs(p.area("performance"), p.area("demand"), p.area("appraisal"))
    reg = load_register()
    evaluate(reg["efficiencies-10m"], inp), evaluate(reg["wider-benefits-80m"], inp)
    assert len(calls) == 1


def test_results_are_computed_once_and_keyed_by_the_areas_a_claim_uses(tmp_path, monkeypatch):
    from se_ambulance.claims import cache

    monkeypatch.setattr(cache, "cache_dir", lambda: tmp_path)
    calls = []
    real = cache.evaluate
    monkeypatch.setattr(cache, "evaluate", lambda c, i: calls.append(c.id) or real(c, i))
    perf = {"trust": "RYD", "comparators": [], "claim_year": 2024}
    a = cache.claim_results(["c2-mean-2024-25"], performance=perf)
    b = cache.claim_results(["c2-mean-2024-25"], performance=perf, appraisal={"anything": 1})  # not its area
    assert calls == ["c2-mean-2024-25"] and a == b
    c = cache.claim_results(["c2-mean-2024-25"], performance={**perf, "claim_year": 2023})
    assert calls == ["c2-mean-2024-25"] * 2 and c["c2-mean-2024-25"] != a["c2-mean-2024-25"]
    with pytest.raises(SeAmbulanceError, match="depends on the parameter area"):
        cache.claim_results(["c2-mean-2024-25"])


def test_assumptions_log_shows_the_values_the_run_used():
    from se_ambulance.claims.assumptions import assumptions_log
    from se_ambulance.pipeline.params import load_params
    from se_ambulance.reference.benefits import REGISTER
    from se_ambulance.reference.use_rates import RATED_GROUPS

    p = load_params(
        overrides={
            "appraisal.realisation": {"low": 0.2, "central": 0.36, "high": 0.69},
            "demand.age_rates.85+.central": 8.5,
        }
    )
    log = assumptions_log(p.area("performance"), p.area("demand"), p.area("appraisal"))
    assert set(log["quality"]) | set(log["impact"]) <= {"red", "amber", "green"}
    assert all(log["source"].str.len() > 10)
    text = " ".join(log["assumption"])
    assert "20% / 36% / 69%" in text and "ages 85+: 8.5" in text
    for g in RATED_GROUPS:
        assert log["assumption"].str.contains(f"ages {g}", regex=False).any()
    for item in REGISTER:  # every line of the appraisal's benefits register
        assert log["assumption"].str.startswith(item.label).any(), item.id


def test_las_scas_16m_is_judged_on_the_two_trusts_footprints():
    """Seed 002 (2018): the London and South Central footprints held 13.0 million residents in 2018 (NHS
    England's CCG-based footprints: 8,908,081 + 4,090,704) and 13.1 million at mid-2022; 16 million is not
    within the claim's rounding of either, and the evidence says why "live and work" is not tested."""
    from se_ambulance.claims.cache import claim_results
    from se_ambulance.publish.claims_text import claim_values

    r = claim_results(["las-scas-16m"])["las-scas-16m"]
    assert r.readings["trust_footprints_2018"].central == 8_908_081 + 4_090_704
    assert r.readings["trust_footprints_mid_2022"].central == pytest.approx(13.11e6, rel=0.005)
    assert r.verdict == "not tested here" and r.bounds == {k: "lower" for k in r.readings}
    text = claim_values({"las-scas-16m": r})["claim.las-scas-16m.evidence"]
    assert "live and work" in text and "not tested here" in text and "3.0 million" in text


def test_the_introduction_and_the_claims_page_lead_with_the_same_claims():
    """One list (`headline:` in book/claims.yaml, read as claims.register.HEADLINE) by both pages; neither keeps a
    list of its own."""
    from se_ambulance.claims.register import HEADLINE, load_register

    assert set(HEADLINE) <= set(load_register())
    for page in ("00_introduction", "06_claims"):
        cells = json.loads((ROOT / "notebooks" / f"{page}.ipynb").read_text(encoding="utf-8"))["cells"]
        source = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert "from se_ambulance.claims.register import HEADLINE" in source and "HEADLINE = " not in source, page


# --- counts and ranks: the regions' older populations, London's boroughs, the ambulance trusts ----------------------


def _regions(growth_65: dict[str, float], growth_85: dict[str, float]):
    """A regional projection table (the shape `data.population.read_region` returns) for England's nine regions, in
    which each region's population at 65-84 and at 85+ grows from 2022 to 2025 by nothing and from 2025 to 2034, 2035
    by the given shares (85+ from the second mapping; 65-84 chosen so that 65+ as a whole grows by the first)."""
    import pandas as pd

    from se_ambulance.reference.areas import REGION_NAMES

    rows = []
    for code in REGION_NAMES:
        g65, g85 = growth_65[code], growth_85[code]
        # 1,000 aged 65-84 and 100 aged 85+ in 2025: 65+ grows by g65 when 65-84 grows by (1,100 g65 - 100 g85) / 1,000.
        young_old = (1100 * g65 - 100 * g85) / 1000
        for year in (2022, 2025, 2034, 2035):
            k = 0 if year <= 2025 else 1
            rows += [
                {
                    "code": code,
                    "area": code,
                    "age_group": "65-69",
                    "year": year,
                    "population": 1000 * (1 + k * young_old),
                },
                {"code": code, "area": code, "age_group": "85-89", "year": year, "population": 100 * (1 + k * g85)},
            ]
    rows += [
        {"code": "E92000001", "area": "ENGLAND", "age_group": "65-69", "year": y, "population": 9e3}
        for y in (2022, 2025, 2034, 2035)
    ]
    return pd.DataFrame(rows)


def _order(se_rank: int, spread: float = 0.01) -> dict[str, float]:
    """Growths for the nine regions with the South East `se_rank`-th fastest (the others evenly `spread` apart)."""
    from se_ambulance.reference.areas import REGION_NAMES, SOUTH_EAST_REGION

    others = [c for c in REGION_NAMES if c != SOUTH_EAST_REGION]
    order = others[: se_rank - 1] + [SOUTH_EAST_REGION] + others[se_rank - 1 :]
    return {code: 0.30 - spread * i for i, code in enumerate(order)}


def _older_result(se_65: int, se_85: int, spread: float = 0.01):
    from se_ambulance.claims.evaluate import ClaimInputs, older_population_growth
    from se_ambulance.claims.register import claim

    inp = ClaimInputs()
    inp.region = _regions(_order(se_65, spread), _order(se_85, spread))
    return older_population_growth(claim("older-population-growth"), inp)


@pytest.mark.parametrize(
    "se_65, se_85, verdict_65, verdict_85",
    [
        (3, 4, "supported", "not supported"),  # 3rd: among the three fastest (the top third of nine)
        (4, 3, "not supported", "supported"),  # 4th: outside, on either reading
        (1, 9, "supported", "not supported"),
    ],
)
def test_one_of_the_fastest_is_the_top_third_of_the_regions_on_each_reading_of_older(
    se_65, se_85, verdict_65, verdict_85
):
    from se_ambulance.publish.claims_text import claim_text

    r = _older_result(se_65, se_85)
    assert r.readings["aged_65_plus"].central == 9 - se_65 and r.readings["aged_85_plus"].central == 9 - se_85
    assert (r.verdicts["aged_65_plus"], r.verdicts["aged_85_plus"]) == (verdict_65, verdict_85)
    assert r.verdict == verdict_85  # ages 85 and over decide: the people the case counts next
    t = claim_text(r)
    assert t["rank_65"] == f"{['1st', '2nd', '3rd', '4th', '5th', '6th', '7th', '8th', '9th'][se_65 - 1]} of 9"
    assert t["fastest"] == "among the 3 fastest of England's 9 regions"
    inside = "ahead of 4th place" if se_65 <= 3 else "short of 3rd place"
    assert inside in t["evidence"].split("Its population aged 85")[0]


def test_the_older_populations_words_show_a_close_gap_to_two_decimals():
    from se_ambulance.publish.claims_text import claim_text

    close = claim_text(_older_result(4, 3, spread=0.0004))["evidence"]
    assert "0.04 percentage points short of 3rd place" in close
    assert "grows 29.88%, 4th of 9" in close and "(29.92%)" in close  # both would read 29.9% to one decimal
    wide = claim_text(_older_result(4, 3))["evidence"]
    assert "1.0 percentage points short of 3rd place" in wide and "grows 27.0%, 4th of 9" in wide
    assert "the 4th largest rise of the regions at 65 and over and the 3rd largest at 85 and over" in wide


def test_region_growth_refuses_unknown_ages_and_years():
    from se_ambulance.analysis import population as pop

    region = _regions(_order(1), _order(1))
    with pytest.raises(ValueError, match="unknown ages '75\\+'; allowed: 65\\+, 85\\+"):
        pop.region_growth(region, "75+", 2025, 2034)
    with pytest.raises(ValueError, match="no year 2050; they run from 2022 to 2035"):
        pop.region_growth(region, "65+", 2025, 2050)
    table = pop.region_growth(region, "65+", 2025, 2034)
    assert len(table) == 9 and "E92000001" not in set(table["code"])  # regions only, not England


def _boroughs(trust_of: dict[str, str]):
    """District boundaries (codes only) for London's 33 E09 districts and one district outside, and an overlay
    giving each district the trust in `trust_of` (default London)."""
    import pandas as pd

    codes = [f"E09{n:06d}" for n in range(1, 34)] + ["E07000207"]
    overlay = pd.DataFrame(
        {
            "ltla_code": codes,
            "amb_org_code": [trust_of.get(c, "RRU" if c.startswith("E09") else "RYD") for c in codes],
            "share_of_area": [0.97] * len(codes),
        }
    )
    return pd.DataFrame({"code": codes}), overlay


@pytest.mark.parametrize(
    "trust_of, covered, verdict",
    [
        ({}, 32, "supported"),  # 32 boroughs; the City of London (E09000001) is not one
        ({"E09000001": "RYD"}, 32, "supported"),  # the City is not a borough: the count does not move
        ({"E09000033": "RYD"}, 31, "not supported"),  # one borough outside the service's area
    ],
)
def test_the_32_boroughs_are_counted_inside_the_london_services_area(trust_of, covered, verdict):
    from se_ambulance.claims.evaluate import ClaimInputs, london_boroughs
    from se_ambulance.claims.register import claim
    from se_ambulance.publish.claims_text import claim_text

    inp = ClaimInputs()
    inp.district_boundaries, inp.district_overlay_2024 = _boroughs(trust_of)
    r = london_boroughs(claim("london-boroughs-32"), inp)
    assert r.readings["london_boroughs"].central == 32
    assert r.readings["in_las_footprint"].central == covered and r.verdict == verdict
    text = claim_text(r)["evidence"]
    assert ("covers all 32" in text) == (covered == 32)
    assert ("and the City of London." in text) == ("E09000001" not in trust_of)
    assert "It covers no district outside London." in text


def _providers(names: dict[str, str], earlier: dict[str, str] | None = None):
    """An AmbSYS-shaped table with one row per trust in March 2026 (`names`) and, before it, `earlier`."""
    import pandas as pd

    rows = [{"org": o, "org_name": n, "level": "trust", "month": pd.Timestamp("2026-03-01")} for o, n in names.items()]
    rows += [
        {"org": o, "org_name": n, "level": "trust", "month": pd.Timestamp("2026-02-01")}
        for o, n in (earlier or {}).items()
    ]
    rows += [{"org": "Eng", "org_name": "England", "level": "england", "month": pd.Timestamp("2026-03-01")}]
    return pd.DataFrame(rows)


TRUST_NAMES = {
    **{
        code: f"{code} AMBULANCE SERVICE NHS TRUST"
        for code in ("RRU", "RX6", "RX7", "RX8", "RX9", "RYA", "RYC", "RYD", "RYE", "RYF")
    },
    "R1F": "ISLE OF WIGHT NHS TRUST",
}


@pytest.mark.parametrize(
    "names, trusts, providers, verdict",
    [
        (TRUST_NAMES, 10, 11, "supported"),  # ten ambulance service trusts and the Isle of Wight's integrated trust
        ({k: v for k, v in TRUST_NAMES.items() if k != "RYE"}, 9, 10, "not supported"),  # after a merger: nine
        ({**TRUST_NAMES, "R1F": "ISLE OF WIGHT AMBULANCE SERVICE NHS TRUST"}, 11, 11, "not supported"),
    ],
)
def test_ten_ambulance_trusts_counts_the_ambulance_service_trusts_in_the_latest_month(
    names, trusts, providers, verdict
):
    from se_ambulance.claims.evaluate import ClaimInputs, ambulance_trusts
    from se_ambulance.claims.register import claim
    from se_ambulance.publish.claims_text import claim_text

    inp = ClaimInputs()
    inp.tidy = _providers(names, earlier={"XXX": "A TRUST THAT STOPPED REPORTING"})
    r = ambulance_trusts(claim("ten-ambulance-trusts"), inp)
    assert (r.readings["ambulance_trusts"].central, r.readings["all_providers"].central) == (trusts, providers)
    assert r.verdict == verdict and r.data_end == "2026-03"
    assert r.verdicts["all_providers"] == ("supported" if providers == 10 else "not supported")
    text = claim_text(r)["evidence"]
    assert f"lists {providers} providers" in text and "March 2026" in text and "SECAmb among them" in text
    named = "The other is the Isle of Wight NHS Trust, which runs the island's hospital" in text
    assert named == (trusts < providers)


def test_providers_in_a_month_that_has_none_is_an_error_naming_the_months():
    from se_ambulance.analysis.providers import providers_in_month

    with pytest.raises(
        ValueError, match=("no trust reported to AmbSYS in 2025-01; the data run from 2026-02 to 2026-03")
    ):
        providers_in_month(_providers(TRUST_NAMES, earlier=TRUST_NAMES), "2025-01")


def test_the_new_counts_on_the_real_data(results):
    from se_ambulance.publish.claims_text import claim_text

    older = results["older-population-growth"]
    assert (older.readings["aged_65_plus"].central, older.readings["aged_85_plus"].central) == (5, 6)
    t = claim_text(older)
    assert (t["rank_65"], t["rank_85"]) == ("4th of 9", "3rd of 9")
    assert t["summary"] == "Supported for people aged 85 and over; but not supported for people aged 65 and over."
    assert "behind London (22.0%), the South West (20.2%) and the East Midlands (19.4%)" in t["evidence"]
    assert "0.05 percentage points short of 3rd place" in t["evidence"]
    boroughs = results["london-boroughs-32"]
    assert boroughs.readings["in_las_footprint"].central == boroughs.readings["london_boroughs"].central == 32
    assert boroughs.figures["city_covered"] == 1 and boroughs.figures["outside_london"] == 0
    trusts = results["ten-ambulance-trusts"]
    assert (trusts.readings["ambulance_trusts"].central, trusts.readings["all_providers"].central) == (10, 11)
    assert "not_ambulance_trust.R1F" in trusts.figures
    assert claim_text(trusts)["summary"] == (
        "Supported counting ambulance service trusts; but not supported counting every provider of emergency "
        "ambulance services, the Isle of Wight's included."
    )
