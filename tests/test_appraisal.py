"""The Green Book appraisal: discounting against hand-worked examples, a reproducible and convergent
Monte Carlo, cash and non-cash kept apart, and bad inputs rejected with a clear message."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from se_ambulance.analysis import appraisal
from se_ambulance.reference.benefits import ITEM_IDS, REGISTER
from se_ambulance.errors import ParameterError
from se_ambulance.pipeline.params import AppraisalParams, load_params
from se_ambulance.reference.orgs import CASE_GROUP_MEMBERS

SCALE = appraisal.Scale(
    turnover=100e6, carter_share=0.1, year=2024, members=CASE_GROUP_MEMBERS, income_per_incident=300.0
)


def settings(**changes) -> appraisal.Settings:
    return appraisal.Settings.from_params(AppraisalParams(**changes).model_dump())


def only(item: str, low: float, central: float, high: float, start: int = 1, ramp: int = 1, **changes):
    """Settings in which one register item is non-zero, on a fixed £100m income, nothing uncertain
    but that item: everything realised, no delay, no optimism bias."""
    zero = {i: {"low": 0, "central": 0, "high": 0} for i in ITEM_IDS if i != item}
    zero[item] = {"low": low, "central": central, "high": high, "start": start, "ramp": ramp}
    fixed = {"low": 1, "central": 1, "high": 1}
    base = dict(
        register_overrides=zero,
        group_turnover_m=100,
        realisation=fixed,
        turnover_uplift=fixed,
        planned_savings={"low": 0, "central": 0, "high": 0},
        benefit_delay_years={"low": 0, "central": 0, "high": 0},
        capital_optimism_bias=0.0,
        operating_optimism_bias=0.0,
    )
    return settings(**(base | changes))


# --- discounting, by hand ----------------------------------------------------------------------


def test_discount_factors_follow_the_green_book():
    assert appraisal.discount_factors(3, 0.035) == pytest.approx([1, 1 / 1.035, 1 / 1.071225])


def test_npv_of_a_hand_worked_example():
    # -100 + 50/1.035 + 60/1.035^2 = -100 + 48.30918 + 56.01064 = 4.31982
    assert appraisal.npv(np.array([-100.0, 50.0, 60.0]), 0.035) == pytest.approx(4.31982, abs=1e-5)
    assert appraisal.npv(np.array([10.0, 10.0]), 0.0) == 20.0


def test_breakeven_is_the_first_year_the_discounted_position_turns_positive():
    years = appraisal.breakeven_year(np.array([[-100.0, 50.0, 60.0], [-1.0, 0.0, 0.0], [5.0, -1.0, 0.0]]), 0.035)
    assert years[0] == 3 and math.isnan(years[1]) and years[2] == 1


# --- the model's flows -------------------------------------------------------------------------


def test_a_benefit_ramps_up_from_its_start_year():
    s = only("corporate", 0.01, 0.01, 0.01, start=2, ramp=2, appraisal_years=5)
    f = appraisal.flows(appraisal.central(s, appraisal.register(s), SCALE), appraisal.register(s), s, SCALE)
    # £100m x 1% = £1m a year: nothing in year 1, half in year 2, all from year 3.
    assert f.cash_benefit[0] == pytest.approx([0, 0.5e6, 1e6, 1e6, 1e6])
    assert not f.noncash_benefit.any() and not f.one_off_cost.any()


def test_a_delay_and_partial_realisation_scale_benefits_sized_as_plans():
    s = only(
        "pathways",
        0.1,
        0.1,
        0.1,
        start=1,
        ramp=1,
        appraisal_years=4,
        realisation={"low": 0.5, "central": 0.5, "high": 0.5},
        benefit_delay_years={"low": 1, "central": 1, "high": 1},
    )
    f = appraisal.flows(appraisal.central(s, appraisal.register(s), SCALE), appraisal.register(s), s, SCALE)
    # 10% of (10% of £300m) = £3m, half realised, one year late.
    assert f.noncash_benefit[0] == pytest.approx([0, 1.5e6, 1.5e6, 1.5e6])


def test_one_off_costs_are_spread_and_uplifted_for_optimism_bias():
    s = only("transition", 0.02, 0.02, 0.02, start=1, ramp=2, appraisal_years=4, capital_optimism_bias=0.5)
    f = appraisal.flows(appraisal.central(s, appraisal.register(s), SCALE), appraisal.register(s), s, SCALE)
    # £2m one-off, +50% optimism bias, over two years.
    assert f.one_off_cost[0] == pytest.approx([1.5e6, 1.5e6, 0, 0])
    out = appraisal.deterministic(s, SCALE)
    assert out["npv_cash"] == pytest.approx(-(1.5e6 + 1.5e6 / 1.035))


def test_non_cash_benefits_never_enter_the_cash_case():
    s = only("pathways", 0.1, 0.1, 0.1)
    out = appraisal.deterministic(s, SCALE)
    # 10% of the group's share (10%) of Carter's £300m = £3m a year of non-cash benefit, no cash.
    assert out["annual_wider"] == pytest.approx(3e6)
    assert out["npv_cash"] == 0 and out["annual_cash_savings"] == 0


def _fy(ambsys, orgs, year):
    inc = ambsys[(ambsys["indicator"] == "A7") & ambsys["org"].isin(orgs)]
    return inc[(inc["month"] >= f"{year}-04-01") & (inc["month"] <= f"{year + 1}-03-01")]["value"].sum()


def test_the_income_is_a_range_of_published_incomes_scaled_by_activity(ambsys):
    """The most likely income: the ten trusts' £4,035m over their 2023/24 incidents, times the group's 2023/24
    incidents, at 2025/26 prices (1.15 ** (2/6) from 2023/24); the range: the lowest and highest published rates."""
    from se_ambulance.reference.finance import TEN_TRUSTS

    sc = appraisal.scale(ambsys, CASE_GROUP_MEMBERS, settings())
    rate = 4035e6 / _fy(ambsys, list(TEN_TRUSTS), 2023) * 1.15 ** (2 / 6)
    assert sc.income_per_incident == pytest.approx(rate)
    assert sc.turnover == pytest.approx(rate * _fy(ambsys, ["RYD", "RYE"], 2023))
    secamb = 250.8e6 / _fy(ambsys, ["RYD"], 2019) * 1.15
    assert sc.per_incident_by_source["secamb_2019"] == pytest.approx(secamb)
    assert sc.income_range == pytest.approx(
        (min(sc.per_incident_by_source.values()) / rate, 1.0, max(sc.per_incident_by_source.values()) / rate)
    )
    assert 0.1 < sc.carter_share < 0.2
    # Another source as most likely moves the centre, not the range's ends.
    wmas = appraisal.scale(ambsys, CASE_GROUP_MEMBERS, settings(income_source="wmas_2023"))
    assert wmas.turnover < sc.turnover and wmas.turnover * wmas.income_range[2] == pytest.approx(sc.turnover)


def test_the_do_nothing_baseline_removes_the_savings_the_trusts_planned_anyway():
    # Corporate (a line each trust's plans reach) at 1% of £100m, 20% planned anyway: £0.8m; estates is not reduced.
    s = only(
        "corporate", 0.01, 0.01, 0.01, appraisal_years=3, planned_savings={"low": 0.2, "central": 0.2, "high": 0.2}
    )
    f = appraisal.flows(appraisal.central(s, appraisal.register(s), SCALE), appraisal.register(s), s, SCALE)
    assert f.cash_benefit[0] == pytest.approx([0.8e6] * 3)
    s = only("estates", 0.01, 0.01, 0.01, appraisal_years=3, planned_savings={"low": 0.2, "central": 0.2, "high": 0.2})
    f = appraisal.flows(appraisal.central(s, appraisal.register(s), SCALE), appraisal.register(s), s, SCALE)
    assert f.cash_benefit[0] == pytest.approx([1e6] * 3)


def test_central_income_and_the_cash_share_of_it():
    assert appraisal.central_income(settings(), SCALE) == pytest.approx(100e6)
    assert appraisal.central_income(settings(group_turnover_m=640), SCALE) == 640e6
    # Corporate 0.5% (a group, not a merger), procurement 0.3%, estates 0.1%, control rooms 0.2%, workforce 0.3%.
    assert appraisal.central_cash_share(settings(), SCALE) == pytest.approx(0.014)


# --- the Monte Carlo ----------------------------------------------------------------------------


def test_the_monte_carlo_is_reproducible_for_a_seed():
    s = settings(mc_draws=2000)
    a = appraisal.simulate(s, SCALE).outcomes
    b = appraisal.simulate(s, SCALE).outcomes
    pd.testing.assert_frame_equal(a, b)
    c = appraisal.simulate(settings(mc_draws=2000, mc_seed=7), SCALE).outcomes
    assert not a["npv_cash"].equals(c["npv_cash"])


def test_summary_statistics_converge_to_a_known_distribution():
    # Yearly cash = £100m x Triangular(0, 3%, 6%): mean £3m; P(>= £4.5m) = 0.015^2 / (0.06 x 0.03) = 0.125.
    errors = []
    for n in (1_000, 100_000):
        res = appraisal.simulate(only("corporate", 0.0, 0.03, 0.06, mc_draws=n), SCALE)
        x = res.outcomes["annual_cash_savings"]
        se = x.std() / math.sqrt(n)
        assert abs(x.mean() - 3e6) < 4 * se
        p, p_se = appraisal.probability(x, 4.5e6)
        assert abs(p - 0.125) < 4 * p_se
        errors.append(se)
    assert errors[1] < errors[0] / 5  # the error shrinks like 1/sqrt(n)


def test_probability_on_a_constructed_case():
    assert appraisal.probability(np.array([1.0, 2.0, 3.0, 4.0]), 3.0) == pytest.approx((0.5, 0.25))


def test_the_tornado_ranks_inputs_by_their_swing_and_drops_non_cash_lines():
    tor = appraisal.tornado(settings(), SCALE)
    swing = tor["high"] - tor["low"]
    assert list(swing) == sorted(swing, reverse=True)
    assert "pathways" not in set(tor["input"])
    assert (tor["low"] <= tor["central"]).all() and (tor["central"] <= tor["high"]).all()


def test_the_register_covers_the_issue_categories_and_has_sources():
    kinds = {i.kind for i in REGISTER}
    assert kinds == {"benefit", "one-off cost", "recurring cost"}
    assert {i.cash for i in REGISTER if i.kind == "benefit"} == {True, False}
    assert all(len(i.source) > 15 and i.low <= i.central <= i.high for i in REGISTER)


def test_conveyances_tested_against_the_lowest_conveying_trust(ambsys):
    s = settings()
    sc = appraisal.scale(ambsys, CASE_GROUP_MEMBERS, s)
    c = appraisal.conveyance_test(ambsys, s, sc)
    assert c["best_share"] <= c["group_share"] < 1
    assert c["needed"]["central"] == pytest.approx(80e6 / 400)
    assert c["needed"]["low"] == pytest.approx(80e6 / 1200)
    assert c["avoidable_at_best"] == pytest.approx((c["group_share"] - c["best_share"]) * c["group_incidents"])


# --- bad inputs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "override, message",
    [
        (
            {"realisation": {"low": 0.2, "central": 0.5, "high": 1.2}},
            r"a probability must be between 0 and 1: high=1\.2",
        ),
        (
            {"realisation": {"low": 0.7, "central": 0.5, "high": 0.9}},
            r"low \(0\.7\) <= central \(0\.5\) <= high \(0\.9\) must hold",
        ),
        (
            {"capital_optimism_bias": -0.1},
            r"Parameter '(appraisal\.)?capital_optimism_bias' = -0\.1 .*Allowed: a number from 0 to 2",
        ),
        ({"operating_optimism_bias": 1.5}, r"Parameter '(appraisal\.)?operating_optimism_bias' = 1\.5"),
        ({"cost_optimism_bias": 0.5}, r"Unknown parameter '(appraisal\.)?cost_optimism_bias'"),
        ({"register_overrides": {"transition": {"low": -1}}}, "transition: values and costs must not be negative"),
        ({"register_overrides": {"corporate": {"low": 0.05}}}, r"corporate: low \(0\.05\) <= central \(0\.005\)"),
        (
            {"register_overrides": {"canteen": {"low": 0}}},
            r"unknown register item\(s\) \['canteen'\]; allowed: corporate",
        ),
        ({"register_overrides": {"estates": {"ramp": 0}}}, "start and ramp are whole years"),
        (
            {"mc_draws": 5_000_000},
            r"Parameter '(appraisal\.)?mc_draws' = 5000000 .*Allowed: a whole number from 1000 to 200000",
        ),
        ({"discount_rate": 0.35}, r"Parameter '(appraisal\.)?discount_rate' = 0\.35"),
        ({"value_per_conveyance": {"low": 0, "central": 400, "high": 800}}, r"a value in £ must be between 1 and"),
        (
            {"income_source": "nhs_2019"},
            r"'nhs_2019' is not a published income the book holds; allowed: ten_trusts_2023",
        ),
        ({"planned_savings": {"low": 0.1, "central": 0.2, "high": 1.5}}, r"a share must be between 0 and 1"),
        ({"realisation": {"low": 0.2, "high": 0.9}}, r"realisation\.central"),
    ],
)
def test_bad_appraisal_inputs_are_rejected_with_a_clear_message(override, message):
    with pytest.raises(ParameterError, match=message):
        load_params(overrides=override)


def test_settings_need_every_appraisal_parameter():
    with pytest.raises(ParameterError, match="Appraisal parameters missing: appraisal_years"):
        appraisal.Settings.from_params({})
