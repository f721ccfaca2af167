"""SPC as NHS-R's plot-the-dots implements Making Data Count, tested on the worked examples of that
package's own tests (nhs-r-community/NHSRplotthedots, tests/testthat/test-ptd_spc_standard.R with its
snapshot _snaps/ptd_spc_standard.md, and tests/testthat/test-ptd_calculate_point_type.R), plus
constructed series with known signals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from se_ambulance.analysis.spc import (
    flagged_share,
    mean_moving_range,
    phase_summary,
    phases,
    shift_flags,
    special_cause_periods,
    trend_flags,
    two_in_three_flags,
    xmr,
)

# R: set.seed(123); rnorm(20) -- the data of test-ptd_spc_standard.R
RNORM_123 = [
    -0.56047565,
    -0.23017749,
    1.55870831,
    0.07050839,
    0.12928774,
    1.71506499,
    0.46091621,
    -1.26506123,
    -0.68685285,
    -0.44566197,
    1.22408180,
    0.35981383,
    0.40077145,
    0.11068272,
    -0.55584113,
    1.78691314,
    0.49785048,
    -1.96661716,
    0.70135590,
    -0.47279141,
]


def series(values, start="2020-01-01"):
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"), dtype=float)


def test_plot_the_dots_limits_snapshot():
    # _snaps/ptd_spc_standard.md: mean 0.142, lpl -3.01, upl 3.29 (screen_outliers = TRUE)
    chart = xmr(series(RNORM_123))
    assert chart["mean"].iloc[0] == pytest.approx(0.142, abs=0.0005)
    assert chart["lower"].iloc[0] == pytest.approx(-3.01, abs=0.005)
    assert chart["upper"].iloc[0] == pytest.approx(3.29, abs=0.005)


def test_screen_outliers_narrows_the_limits():
    # test-ptd_spc_standard.R: y[15] <- 10; limits differ with and without screening, narrower with it
    y = list(RNORM_123)
    y[14] = 10
    screened, unscreened = xmr(series(y)), xmr(series(y), screen_outliers=False)
    clean = xmr(series(RNORM_123))
    width = lambda c: c["upper"].iloc[0] - c["lower"].iloc[0]  # noqa: E731
    assert width(unscreened) > width(screened)
    assert screened["lower"].iloc[0] != clean["lower"].iloc[0]
    # by hand: the two moving ranges around the outlier (10.56, 8.21) exceed 3.267 × mean MR and are dropped
    mr = np.abs(np.diff(y))
    kept = mr[mr < 3.267 * mr.mean()]
    assert len(kept) == len(mr) - 2
    assert mean_moving_range(np.array(y)) == pytest.approx(kept.mean())
    assert screened["upper"].iloc[0] == pytest.approx(np.mean(y) + 2.66 * kept.mean())


def test_two_of_three_needs_the_same_side_of_the_mean():
    # test-ptd_spc_standard.R: alternating 1, -1 with 5.5 and -5.5 as the last two points: common cause
    y = [1, -1] * 8
    y[14], y[15] = 5.5, -5.5
    chart = xmr(series(y))
    assert not chart["special"].iloc[-2:].any()


def test_shift_rule_seven_points():
    # ptd_seven_point_one_side_mean + ptd_part_of_seven_trend
    assert not shift_flags(np.ones(6)).any()
    assert not shift_flags(np.r_[np.ones(6), -1]).any()
    assert list(shift_flags(np.r_[np.ones(8), -1]).astype(int)) == [1] * 8 + [0]
    assert list(shift_flags(np.r_[-np.ones(8), 1]).astype(int)) == [1] * 8 + [0]
    assert not shift_flags(np.r_[np.ones(3), 0, np.ones(4)]).any()  # a point on the mean breaks the run


def test_trend_rule_seven_points():
    # ptd_seven_point_trend: 1:6 none; c(1:3, 3:6) none (a tie breaks it); 1:7; c(2, 1:7, 3); 7:1
    assert not trend_flags(np.arange(1, 7), 1).any()
    assert not trend_flags(np.r_[1:4, 3:7], 1).any()
    assert trend_flags(np.arange(1, 8), 1).all()
    assert list(trend_flags(np.r_[2, 1:8, 3], 1).astype(int)) == [0] + [1] * 7 + [0]
    assert trend_flags(np.arange(7, 0, -1), -1).all()
    assert list(trend_flags(np.r_[2, 7:0:-1, 3], -1).astype(int)) == [0] + [1] * 7 + [0]
    assert not trend_flags(np.arange(7, 0, -1), 1).any()


def test_two_in_three_rule():
    # ptd_two_in_three + ptd_part_of_two_in_three: only the close points themselves are flagged
    same = lambda v: np.ones(len(v))  # noqa: E731  all on one side of the mean
    for v, expected in [
        ([1, 0, 1], [1, 0, 1]),
        ([0, 1, 1], [0, 1, 1]),
        ([1, 1, 0], [1, 1, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [0, 0, 1, 0, 1, 0, 0]),
        ([0, 0, 1, 1, 0, 0, 0], [0, 0, 1, 1, 0, 0, 0]),
        ([1, 0, 0, 1], [0, 0, 0, 0]),
        ([1, 0, 0, 1, 1], [0, 0, 0, 1, 1]),
        ([0, 0, 0], [0, 0, 0]),
    ]:
        assert list(two_in_three_flags(np.array(v), same(v)).astype(int)) == expected
    # two close points with the middle one on the other side of the mean: not a signal
    assert not two_in_three_flags(np.array([1, 0, 1]), np.array([1, -1, 1])).any()


# A stable, alternating process: mean 10, moving range 2 (limits 10 ± 5.32).
STABLE = [11, 9] * 10


def test_limits_from_the_mean_moving_range():
    chart = xmr(series(STABLE))
    assert chart["mean"].iloc[0] == pytest.approx(10)
    assert chart["upper"].iloc[0] == pytest.approx(10 + 2.66 * 2, abs=0.01)
    assert not chart["special"].any()


def test_rephasing_at_a_break():
    # a step from 10 to 20: whole-period limits flag almost everything; phases at the step flag nothing
    s = series(STABLE + [21, 19] * 10)
    whole = xmr(s)
    assert flagged_share(whole) > 0.9
    phased = xmr(s, breaks=["2021-09"])
    assert not phased["special"].any()
    assert list(phased["phase"].unique()) == [0, 1]
    assert phased["mean"].iloc[0] == pytest.approx(10) and phased["mean"].iloc[-1] == pytest.approx(20)
    ps = phase_summary(phased)
    assert list(ps["months"]) == [20, 20] and ps["first"].iloc[1] == pd.Timestamp("2021-09-01")


def test_runs_do_not_cross_a_break():
    # four points above the mean at the end of one phase and three at the start of the next: no shift
    s = series([11, 9] * 8 + [12] * 4 + [12] * 3 + [9, 11] * 8)
    assert xmr(s)["shift_up"].sum() == 7
    assert not xmr(s, breaks=["2021-09"])["shift_up"].any()


def test_phases_count_breaks_at_or_before_each_month():
    idx = pd.date_range("2020-01-01", periods=6, freq="MS")
    assert list(phases(idx, ["2020-03", "2020-05"])) == [0, 0, 1, 1, 2, 2]
    assert list(phases(idx, [])) == [0] * 6


def test_single_point_outside():
    values = STABLE.copy()
    values[10] = 30
    s = series(values)
    chart = xmr(s, baseline=s.index.to_series() != s.index[10])
    assert chart["outside"].sum() == 1 and chart["outside"].iloc[10]


def test_shift_needs_seven_points():
    s6, s7 = series(STABLE + [10.5] * 6), series(STABLE + [10.5] * 7)
    six = xmr(s6, baseline=pd.Series(np.arange(len(s6)) < 20, index=s6.index))
    assert not six["shift_up"].any()
    seven = xmr(s7, baseline=pd.Series(np.arange(len(s7)) < 20, index=s7.index))
    assert seven["shift_up"].sum() == 7 and seven["shift_up"].iloc[-7:].all()


def test_trend_needs_seven_points():
    six = series([10, 9, 11, 9, 11, 8.5, 9, 9.5, 10, 10.5, 11, 9, 11])  # 8.5 → 11 over 6 points
    assert not xmr(six)["trend_up"].any()
    seven = series([10, 9, 11, 9, 11, 8.0, 8.5, 9, 9.5, 10, 10.5, 11, 9, 11])  # 8 → 11 over 7 points
    flags = xmr(seven)["trend_up"]
    assert flags.sum() == 7 and flags.iloc[5:12].all()


def test_two_of_three_near_the_upper_limit():
    values = STABLE + [14, 10.5, 14] + STABLE  # 14 is beyond 2σ (10 + 2 × 1.77) but inside 3σ
    s = series(values)
    base = pd.Series([not (20 <= i < 23) for i in range(len(s))], index=s.index)
    chart = xmr(s, baseline=base)
    assert not chart["outside"].any()
    assert chart["near_limit_high"].sum() == 2


def test_periods_group_consecutive_flags():
    s = series(STABLE + [10.5] * 8)
    base = pd.Series(np.arange(len(s)) < 20, index=s.index)
    periods = special_cause_periods(xmr(s, baseline=base))
    row = periods[periods.rule.str.startswith("shift")].iloc[0]
    assert row.points == 8 and row["first"] == s.index[20] and row["last"] == s.index[-1]


def test_too_short_a_series():
    with pytest.raises(ValueError, match="three points"):
        xmr(series([1, 2]))


def test_summary_table_lists_each_rule_once_with_its_periods():
    from se_ambulance.publish.tables import special_cause_table

    s = series(STABLE + [10.5] * 8)
    base = pd.Series(np.arange(len(s)) < 20, index=s.index)
    summary = special_cause_table(xmr(s, baseline=base))
    row = summary.loc["shift: 7+ points above the mean"]
    assert row["months flagged"] == 8 and row["periods"] == "Sep 2021–Apr 2022"


def test_default_breaks_match_the_reference_table_and_the_covid_window():
    from se_ambulance.analysis.activity import COVID_FIRST, COVID_LAST
    from se_ambulance.reference.system_changes import DEFAULT_SPC_BREAKS, SYSTEM_CHANGES

    assert list(DEFAULT_SPC_BREAKS) == sorted(DEFAULT_SPC_BREAKS)
    assert all(c.reason and c.source for c in SYSTEM_CHANGES)
    assert pd.Timestamp(DEFAULT_SPC_BREAKS[1]) == COVID_FIRST
    assert pd.Timestamp(DEFAULT_SPC_BREAKS[2]) == COVID_LAST + pd.offsets.MonthBegin()
