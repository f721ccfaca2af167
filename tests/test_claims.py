"""The claims register: exact quotes, every numeric statement accounted for, computed verdicts."""

from __future__ import annotations

import json
import re

import pytest

from se_ambulance.analysis.estimate import Estimate
from se_ambulance.claims.register import load_register, out_of_scope
from se_ambulance.claims.rule import judge, judge_readings
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
    missing = [f"{f.seed}: {f.text!r} in “{f.sentence[:120]}”" for f in findings
               if not any(a <= f.start < b for a, b in spans.get(f.seed, []))]
    assert missing == [], "numeric statements not in book/claims.yaml:\n" + "\n".join(missing)


def test_the_scanner_finds_each_kind_of_number(tmp_path):
    (tmp_path / "x.txt").write_text("Up 12.5% or 60 per cent; £10 million; 8 minutes 38 seconds; 4.5million people; "
                                    "3,300 staff; in 2024/25; By 2034; 400 more paramedics.", encoding="utf-8")
    kinds = {f.kind for f in scan(tmp_path)}
    assert kinds == {"percent", "money", "duration", "count", "financial_year", "target_year"}


def test_stated_verdicts_are_allowed_values_and_computed_ones_have_a_function():
    from se_ambulance.claims.evaluate import FUNCTIONS

    for c in load_register().values():
        if c.computed:
            assert c.chapter and c.function and c.wording and c.scope, c.id
            assert c.id in FUNCTIONS, c.id
        else:
            assert c.verdict in ("not tested here", "cannot be tested with public data") and c.evidence


# --- the one rule, on worked examples ------------------------------------------------------------

@pytest.mark.parametrize("claimed, est, wording, tol, verdict", [
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
])
def test_the_rule_on_worked_examples(claimed, est, wording, tol, verdict):
    assert judge(claimed, est, wording, tol) == verdict


def test_the_most_favourable_reading_decides_and_is_named():
    readings = {"a_year": Estimate(7.6e6, 5.5e6, 10.0e6), "pv_total": Estimate(25.9e6, 11.2e6, 42.5e6)}
    assert judge_readings(10e6, readings, "more_than") == ("supported", "pv_total")
    # equally good readings: the closest to the claimed figure is named
    close = {"region": Estimate.exact(1809.0), "group": Estimate.exact(1811.4)}
    assert judge_readings(1811, close, "about", 2) == ("supported", "group")
    with pytest.raises(ValueError, match="unknown wording"):
        judge(1, Estimate.exact(1), "roughly")


# --- the register on the real data ----------------------------------------------------------------

@pytest.fixture(scope="module")
def results():
    from se_ambulance.claims.cache import register_for
    from se_ambulance.pipeline.params import load_params

    p = load_params()
    return register_for(p.area("performance"), p.area("demand"), p.area("appraisal"))


@pytest.mark.parametrize("claim_id, verdict", [
    ("c1-mean-2024-25", "supported"), ("c2-mean-2024-25", "supported"), ("c1-standard", "supported"),
    ("c2-standard", "supported"), ("over-85-rise-2034", "not supported"),
    ("demand-rise-decade", "partly supported"), ("outcomes-vary", "supported"), ("las-scas-16m", "not supported"),
    ("secamb-population-2018", "not supported"), ("secamb-population-4-5m", "not supported"),
    ("deficits-25-26", "not tested here"), ("handover-45-minutes-2015", "cannot be tested with public data"),
])
def test_verdicts_on_the_real_data(results, claim_id, verdict):
    assert results[claim_id].verdict == verdict


def test_evidence_quotes_the_numbers(results):
    from se_ambulance.publish.claims_text import claim_text

    assert "30:11" in claim_text(results["c2-mean-2024-25"])["evidence"]
    over85 = claim_text(results["over-85-rise-2034"])["evidence"]
    assert "47.2% from mid-2025" in over85 and "56.3%" in over85
    assert results["c2-mean-2024-25"].reading == "group" and results["c1-mean-2024-25"].reading == "region"
    assert round(results["outcomes-vary"].readings["utstein_latest_years"].central, 3) == -0.054


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

    p = load_params(overrides={"appraisal.realisation": {"low": 0.2, "central": 0.36, "high": 0.69},
                               "demand.age_rates.85+.central": 8.5})
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
    assert r.verdict == "not supported"
    text = claim_values({"las-scas-16m": r})["claim.las-scas-16m.evidence"]
    assert "live and work" in text and "not tested here" in text


def test_the_introduction_and_the_claims_page_lead_with_the_same_claims():
    """One list (claims.register.HEADLINE), read by both pages; neither keeps a list of its own."""
    from se_ambulance.claims.register import HEADLINE, load_register

    assert set(HEADLINE) <= set(load_register())
    for page in ("00_introduction", "06_claims"):
        cells = json.loads((ROOT / "notebooks" / f"{page}.ipynb").read_text(encoding="utf-8"))["cells"]
        source = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert "from se_ambulance.claims.register import HEADLINE" in source and "HEADLINE = " not in source, page
