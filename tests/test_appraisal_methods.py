"""The appraisal's methods (issue 12, points 1-8), each on a small worked example computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from se_ambulance.analysis import appraisal
from se_ambulance.analysis.estimate import Estimate
from se_ambulance.pipeline.params import AppraisalParams
from se_ambulance.publish import appraisal_text
from se_ambulance.reference.benefits import ITEM_IDS, REGISTER

SCALE = appraisal.Scale(turnover=100e6, carter_share=0.1, year=2024, members=("RYD", "RYE"), income_per_incident=300.0)
FIXED = lambda v: {"low": v, "central": v, "high": v}  # noqa: E731


def settings(**changes) -> appraisal.Settings:
    return appraisal.Settings.from_params(AppraisalParams(**changes).model_dump())


def only(lines: dict[str, tuple], **changes) -> appraisal.Settings:
    """Only the named register lines non-zero (id -> (low, central, high, start, ramp)), £100m income,
    nothing uncertain outside them, no delay, no optimism bias unless changed."""
    over = {i: FIXED(0) for i in ITEM_IDS}
    for k, (lo, c, hi, start, ramp) in lines.items():
        over[k] = {"low": lo, "central": c, "high": hi, "start": start, "ramp": ramp}
    base = dict(
        register_overrides=over,
        group_turnover_m=100,
        realisation=FIXED(1),
        benefit_delay_years=FIXED(0),
        planned_savings=FIXED(0),
        turnover_uplift=FIXED(1),
        capital_optimism_bias=0.0,
        operating_optimism_bias=0.0,
    )
    return settings(**(base | changes))


def run_central(s):
    items = appraisal.register(s)
    return appraisal.flows(appraisal.central(s, items, SCALE), items, s, SCALE)


# 1. Shortfall counted once -------------------------------------------------------------------------


def test_realisation_applies_to_plans_not_to_lines_sized_as_realised_outcomes():
    s = only(
        {"corporate": (0.01, 0.01, 0.01, 1, 1), "pathways": (0.1, 0.1, 0.1, 1, 1)},
        appraisal_years=3,
        realisation=FIXED(0.5),
    )
    f = run_central(s)
    # Corporate: 1% of £100m = £1m, a realised outcome (Monitor): no realisation share.
    assert f.cash_benefit[0] == pytest.approx([1e6, 1e6, 1e6])
    # Pathways: 10% of 10% of Carter's £300m = £3m, an opportunity: half realised = £1.5m.
    assert f.noncash_benefit[0] == pytest.approx([1.5e6, 1.5e6, 1.5e6])


def test_every_cash_line_is_sized_as_an_outcome_and_every_non_cash_line_as_a_plan():
    for i in REGISTER:
        if i.kind == "benefit":
            assert i.sized_as == ("outcome" if i.cash else "plan"), i.id
            assert ("realised outcome" in i.source) == i.cash or "opportunity" in i.source
    corporate = next(i for i in REGISTER if i.id == "corporate")
    assert "one board" not in corporate.source and "separate legal entities" in corporate.source
    assert corporate.high <= 0.01  # below Monitor's band for full mergers


# 2. Totals as present values --------------------------------------------------------------------


def test_the_total_readings_are_present_values_net_for_cash_and_gross_for_non_cash():
    # Cash £1m a year from year 1, a £2m one-off cost in year 1, 3 years at 10%:
    # net flows 1-2, 1, 1 -> -1 + 1/1.1 + 1/1.21 = 0.735537; gross non-cash 3, 3, 3 -> 3 x 2.735537 = 8.206612.
    s = only(
        {
            "corporate": (0.01, 0.01, 0.01, 1, 1),
            "transition": (0.02, 0.02, 0.02, 1, 1),
            "pathways": (0.1, 0.1, 0.1, 1, 1),
        },
        appraisal_years=3,
        discount_rate=0.1,
        mc_draws=1000,
    )
    res = appraisal.simulate(s, SCALE)
    est = appraisal.claim_estimates(res)
    assert set(est) == {"cash", "wider"} and all(set(v) == {"a_year", "pv_total"} for v in est.values())
    assert isinstance(est["cash"]["a_year"], Estimate)
    assert est["cash"]["pv_total"].central == pytest.approx(0.735537e6, rel=1e-5)
    assert est["wider"]["pv_total"].central == pytest.approx(8.206612e6, rel=1e-5)
    assert est["cash"]["a_year"].central == pytest.approx(1e6)
    p = appraisal.claim_probabilities(res)
    assert set(p) >= {"cash_10m_a_year", "cash_10m_in_total", "wider_80m_a_year", "wider_80m_in_total"}
    assert p["cash_10m_in_total"][0] == 0.0  # £0.74m PV, far from £10m


# 3. Optimism bias ----------------------------------------------------------------------------------


def test_optimism_bias_is_an_uplift_on_the_most_likely_cost_added_once():
    # One-off cost low/central/high 1%/2%/4% of £100m in year 1; capital uplift 50% of the most likely
    # £2m = £1m. At the low draw the cost is £1m + £1m = £2m (not £1m x 1.5); at the central, £3m.
    s = only({"transition": (0.01, 0.02, 0.04, 1, 1)}, appraisal_years=3, capital_optimism_bias=0.5)
    items = appraisal.register(s)
    low = appraisal.flows(appraisal.central(s, items, SCALE, transition="low"), items, s, SCALE)
    mid = appraisal.flows(appraisal.central(s, items, SCALE), items, s, SCALE)
    assert low.one_off_cost[0, 0] == pytest.approx(2e6) and mid.one_off_cost[0, 0] == pytest.approx(3e6)


def test_running_costs_carry_no_optimism_bias_by_default_and_their_own_uplift_if_set():
    assert AppraisalParams().operating_optimism_bias == 0
    s = only({"group_running": (0.001, 0.001, 0.001, 1, 1)}, appraisal_years=3, capital_optimism_bias=2.0)
    assert run_central(s).recurring_cost[0] == pytest.approx([0.1e6] * 3)
    s = only({"group_running": (0.001, 0.001, 0.001, 1, 1)}, appraisal_years=3, operating_optimism_bias=0.4)
    assert run_central(s).recurring_cost[0] == pytest.approx([0.14e6] * 3)


# 4. Dependence -------------------------------------------------------------------------------------


def test_comonotonic_cash_lines_move_together_and_independent_ones_do_not():
    s = only({"corporate": (0.0, 0.01, 0.02, 1, 1), "workforce": (0.0, 0.01, 0.02, 1, 1)}, mc_draws=4000)
    items = appraisal.register(s)
    same = appraisal.draw(s, items, SCALE, correlation=1.0)
    assert np.allclose(same["corporate"], same["workforce"])  # identical ranges, same centile
    ind = appraisal.draw(s, items, SCALE, correlation=0.0)
    assert abs(np.corrcoef(ind["corporate"], ind["workforce"])[0, 1]) < 0.05
    # Two Triangular(0, 1%, 2%) lines on £100m (£m: each the sum of two uniforms on 0-1). Comonotonic:
    # P(2X >= 3) = P(X >= 1.5) = 0.5^2 / 2 = 0.125. Independent: X + Y is the sum of four uniforms
    # (Irwin-Hall), P(S >= 3) = P(S <= 1) = 1/4! = 1/24 ≈ 0.0417.
    dep = appraisal.dependence(
        s,
        SCALE,
        appraisal.claim_estimates,
        lambda r: {"p3": appraisal.probability(r.outcomes["annual_cash_savings"], 3e6)},
        correlations=(0.0, 1.0),
    )
    p = dep[dep["reading"] == "probability"].set_index("correlation")["central"]
    assert p[1.0] == pytest.approx(0.125, abs=0.02) and p[0.0] == pytest.approx(1 / 24, abs=0.01)


# 5. Probabilities in words and the verdict map ------------------------------------------------------


@pytest.mark.parametrize(
    "p, words",
    [
        (0.05, "about 1 in 20"),
        (0.0023, "about 1 in 500"),
        (0.0, "less than 1 in 1,000"),
        (0.7, "about 7 in 10"),
        (0.5, "about even"),
        (0.13, "about 1 in 8"),
    ],
)
def test_probabilities_are_rounded_into_words(p, words):
    assert appraisal_text.odds(p) == words


def test_the_verdict_map_holds_two_inputs_at_each_value():
    s = only({"corporate": (0.0, 0.01, 0.02, 1, 1)}, mc_draws=1000)
    grid = appraisal.verdict_map(
        s, SCALE, ("corporate", [0.05, 0.2]), ("capital_optimism_bias", [0.0, 1.0]), appraisal.claim_estimates
    )
    assert len(grid) == 2 * 2 * 2 * 2  # x values x y values x claims x readings
    cell = grid[(grid["corporate"] == 0.2) & (grid["claim"] == "cash") & (grid["reading"] == "a_year")]
    assert cell["central"].tolist() == pytest.approx([20e6, 20e6])  # 20% of £100m, fixed
    table = appraisal_text.verdict_map_table(grid, "cash", s, SCALE)
    assert table.shape == (2, 3) and table.iloc[0, 2].startswith("supported")


def test_the_map_judges_the_reading_the_claims_audience_takes():
    """A yearly saving decides (the register's reading), however favourable the present value is."""
    year, total = Estimate(7e6, 5e6, 10e6), Estimate(26e6, 11e6, 42e6)
    assert appraisal_text.claim_verdict({"a_year": year, "pv_total": total}, "cash") == ("partly supported", "a_year")
    assert appraisal_text.claim_verdict({"pv_total": total}, "cash") == ("supported", "pv_total")  # the only one
    assert appraisal_text.claim_verdict({"a_year": year}, "wider") == ("not supported", "a_year")


# 6. Carter rebased ----------------------------------------------------------------------------------


def test_headroom_and_price_base_of_carters_opportunity():
    # 58% then, 50% now, a 45% floor: headroom 5 / 13 of what it was.
    assert appraisal.headroom_ratio(0.58, 0.50, 0.45) == pytest.approx(5 / 13)
    assert appraisal.headroom_ratio(0.58, 0.44, 0.45) == 0.0
    # A 15% rise 2019/20 -> 2025/26 is 1.15^(1/6) a year, so 2018/19 -> 2025/26 is 1.15^(7/6) = 1.177102.
    assert appraisal.carter_price_factor(1.15) == pytest.approx(1.15 ** (7 / 6)) == pytest.approx(1.177102, abs=1e-6)
    sc = appraisal.Scale(100e6, 0.1, 2024, ("RYD", "RYE"), 300.0, conveyance_headroom=0.5)
    # £300m x 10% x 0.5 x 1.15^(7/6); productivity is not rebased for conveyance: £200m x 10% x 1.15^(7/6).
    assert sc.base("carter_conveyance", np.array([1.0]), np.array([1.15]))[0] == pytest.approx(
        15e6 * 1.177102, rel=1e-6
    )
    assert sc.base("carter_productivity", np.array([1.0]), np.array([1.15]))[0] == pytest.approx(
        20e6 * 1.177102, rel=1e-6
    )


def test_conveyance_rates_from_ambsys(ambsys):
    r = appraisal.conveyance_rates(ambsys, ("RYD", "RYE"))
    assert 0.55 < r["ed_then"] < 0.61 and 0.47 < r["ed_now"] < 0.53  # ~58% in 2018/19, ~50% latest
    assert 0.04 < r["hear_treat_then"] < 0.08 and 0.14 < r["hear_treat_now"] < 0.20
    assert r["headroom"] == pytest.approx((r["ed_now"] - r["floor"]) / (r["ed_then"] - r["floor"]))


# 7. Break-even over all draws; the tornado's centre against the median --------------------------------


def test_breakeven_over_all_draws_counts_those_that_never_break_even():
    b = appraisal.breakeven_summary(np.array([2.0, 3.0, np.nan, np.nan, 5.0]))
    assert b["median"] == 5 and b["share_never"] == pytest.approx(0.4)
    b = appraisal.breakeven_summary(np.array([2.0, np.nan, np.nan]))
    assert math.isinf(b["median"]) and b["p5"] == 2


def test_centre_and_median_differ_by_the_skew_of_the_ranges():
    # One cash line Triangular(0, 1%, 5%) of £100m, one year: centre (mode) £1m; mean (0+1+5)/3 = £2m;
    # median: F(c) = 1/5 < 1/2, so 5 - sqrt(0.5 x 5 x 4) = 1.8377 -> £1.8377m.
    s = only({"corporate": (0.0, 0.01, 0.05, 1, 1)}, appraisal_years=3, mc_draws=200_000)
    cm = appraisal.centre_and_median(appraisal.simulate(s, SCALE), "annual_cash_savings")
    assert cm["centre"] == pytest.approx(1e6) and cm["at_means"] == pytest.approx(2e6)
    assert cm["mc_median"] == pytest.approx(1.8377e6, rel=0.01) and cm["mc_mean"] == pytest.approx(2e6, rel=0.01)


# 8. The value per avoided conveyance ----------------------------------------------------------------


def test_value_per_conveyance_is_wide_and_flagged_as_unsourced():
    field = AppraisalParams.model_fields["value_per_conveyance"]
    r = AppraisalParams().value_per_conveyance
    assert r.high / r.low >= 8 and "rated red" in field.description


# Layering ------------------------------------------------------------------------------------------


def test_the_analysis_package_returns_no_words_and_has_no_pipeline_import():
    import inspect

    from se_ambulance.analysis.appraisal import claims, inputs, model

    for mod in (inputs, model, claims):
        src = inspect.getsource(mod)
        assert "se_ambulance.pipeline" not in src and "se_ambulance.publish" not in src
    assert not hasattr(appraisal.Settings, "defaults")
    assert not hasattr(appraisal, "verdict_cash")


def test_every_appraisal_parameter_has_a_default_a_range_and_a_source_and_default_yaml_matches(tmp_path):
    import yaml

    from se_ambulance.paths import project_root

    for name, f in AppraisalParams.model_fields.items():
        assert f.description and len(f.description) > 40, name
        assert any(w in f.description for w in ("plausible", "Default low/central/high", "0–1", "Source")), name
    data = yaml.safe_load((project_root() / "params" / "default.yaml").read_text())["appraisal"]
    assert AppraisalParams(**data).model_dump() == AppraisalParams().model_dump()
    assert set(data) == set(AppraisalParams.model_fields)
