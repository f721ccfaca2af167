"""Making Data Count rules on constructed series with known signals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from se_ambulance.analysis.spc import special_cause_periods, xmr


def series(values):
    return pd.Series(values, index=pd.date_range("2020-01-01", periods=len(values), freq="MS"), dtype=float)


# A stable, alternating process: mean 10, moving range 2 (limits 10 ± 5.32).
STABLE = [11, 9] * 10  # ends below the mean, so a run after it starts fresh


def test_limits_from_the_mean_moving_range():
    chart = xmr(series(STABLE))
    assert chart["mean"].iloc[0] == pytest.approx(10)
    assert chart["upper"].iloc[0] == pytest.approx(10 + 2.66 * 2, abs=0.01)
    assert not chart["special"].any()


def test_single_point_outside():
    values = STABLE.copy()
    values[10] = 30
    chart = xmr(series(values), baseline=series(STABLE).index.to_series() != series(STABLE).index[10])
    assert chart["outside"].sum() == 1 and chart["outside"].iloc[10]


def test_shift_needs_seven_points():
    six = xmr(series(STABLE + [10.5] * 6), baseline=pd.Series(True, index=series(STABLE + [10.5] * 6).index[:20]))
    assert not six["shift_up"].any()
    seven = xmr(series(STABLE + [10.5] * 7), baseline=pd.Series(True, index=series(STABLE + [10.5] * 7).index[:20]))
    assert seven["shift_up"].sum() == 7 and seven["shift_up"].iloc[-7:].all()


def test_trend_needs_six_points():
    five = series([10, 9, 11, 9, 11, 9, 9.5, 10, 10.5, 11.0, 9, 11])  # 9 → 11 over 5 points
    assert not xmr(five)["trend_up"].any()
    six = series([10, 9, 11, 9, 11, 8.5, 9, 9.5, 10, 10.5, 11, 9, 11])  # 8.5 → 11 over 6 points
    flags = xmr(six)["trend_up"]
    assert flags.sum() == 6 and flags.iloc[5:11].all()


def test_two_of_three_near_the_upper_limit():
    values = STABLE + [14, 10, 14] + STABLE  # 14 is beyond 2σ (10 + 2 × 1.77) but inside 3σ
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


def test_summary_lists_each_rule_once_with_its_periods():
    from se_ambulance.analysis.spc import special_cause_summary

    s = series(STABLE + [10.5] * 8)
    base = pd.Series(np.arange(len(s)) < 20, index=s.index)
    summary = special_cause_summary(xmr(s, baseline=base))
    row = summary.loc["shift: 7+ points above the mean"]
    assert row["months flagged"] == 8 and row["periods"] == "Sep 2021–Apr 2022"
