"""Worked examples for the statistics points of issue 12: standards from unrounded means, the interim C2
years, balanced seasonality, the comparable Red 1 period, the regression's COVID term, the Hart overlap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from se_ambulance.analysis import activity, before_arp, metrics


def monthly_frame(rows):
    return pd.DataFrame(rows, columns=["org", "category", "month", "count", "total", "mean", "p90"]).assign(
        month=lambda d: pd.to_datetime(d["month"])
    )


def test_standard_is_judged_on_the_unrounded_mean():
    # SECAmb C1, May 2020: published mean 420 s (7:00) but total ÷ incidents = 420.28 s: not met
    m = monthly_frame(
        [("RYD", "C1", "2020-05-01", 1000, 420_281, 420, 800), ("RYD", "C1", "2020-06-01", 1000, 419_600, 420, 800)]
    )
    a = metrics.against_standards(m)
    mean = a[a["statistic"] == "mean"].set_index("month")
    assert mean["seconds"].iloc[0] == pytest.approx(420.281)
    assert list(mean["met"]) == [False, True]
    counts = metrics.months_meeting_standards(m).set_index("statistic")
    assert counts.loc["mean", "met"] == 1 and counts.loc["p90", "met"] == 2


def test_interim_c2_years_include_2024_25():
    from se_ambulance.reference.standards import INTERIM_C2_YEARS

    assert INTERIM_C2_YEARS == (2023, 2024, 2025)


def test_interim_c2_uses_the_unrounded_mean():
    m = monthly_frame([("X", "C2", "2024-05-01", 3, 5401, 1800, 3000)])  # 1800.33 s, published 30:00
    assert metrics.months_meeting_interim_c2(m).iloc[0]["met"] == 0


def test_seasonality_uses_balanced_complete_years():
    # An early, incomplete year (Dec 2017 – Mar 2018) with a fast winter would pull winter down if pooled.
    months = pd.date_range("2017-12-01", "2020-02-01", freq="MS")
    total = [1000.0 if d.month in (12, 1, 2) else 1000.0 for d in months]
    total = [500.0 if d < pd.Timestamp("2018-04-01") else t for d, t in zip(months, total)]
    m = pd.DataFrame({"month": months, "count": 10.0, "total": total})
    assert activity.balanced_years(m) == [2018]  # 2017/18 incomplete, 2019/20 touches the COVID window
    profile = activity.seasonal_profile(m)
    assert (profile["years"] == 1).all()
    assert activity.winter_ratio(profile) == pytest.approx(1.0)
    assert activity.balanced_years(m, exclude_covid=False) == [2018]  # 2019/20 lacks Mar 2020


def test_red1_months_are_counted_over_the_comparable_period_only():
    months = pd.date_range("2011-04-01", "2017-09-01", freq="MS")
    rows = [
        {"month": d, "geography": "England", "call_category": "Red 1", "measure": "pct_within_8min", "value": 80.0}
        for d in months
        if d >= pd.Timestamp("2012-06-01")
    ]
    out = before_arp.months_meeting_target(pd.DataFrame(rows), "England", "Red 1")
    assert out["months"] == 46 and out["met"] == 46  # June 2012 – March 2016
    assert out["first"] == pd.Timestamp("2012-06-01") and out["last"] == pd.Timestamp("2016-03-01")


def test_covid_term_is_labelled_a_level_contrast():
    idx = pd.date_range("2018-04-01", "2023-03-01", freq="MS")
    rng = np.random.default_rng(0)
    act = pd.DataFrame(
        {
            "c2_mean_s": 1200 + rng.normal(0, 30, len(idx)),
            "incidents_per_day": 2000 + rng.normal(0, 50, len(idx)),
            "handover_mean_s": np.nan,
        },
        index=idx,
    )
    act.loc[(idx >= activity.COVID_FIRST) & (idx <= activity.COVID_LAST), "c2_mean_s"] -= 120
    table = activity.coefficient_table(activity.c2_regressions(act))
    row = table[table["term"].str.startswith("COVID")].iloc[0]
    assert row["term"] == "COVID months (Mar 2020–Mar 2021) vs other months, level difference"
    assert row["minutes"] == pytest.approx(-2, abs=0.5)
    assert isinstance(row["p"], float)


def test_hart_overlap_is_the_excess_of_the_two_footprints_over_the_region():
    from se_ambulance.analysis import population as pop
    from se_ambulance.data.population import load_la_85plus, load_region, load_subicb

    subicb, la, region = load_subicb(), load_la_85plus(), load_region()
    excess = pop.excess_over(
        pop.footprint_totals(pop.FOOTPRINTS["GROUP"], subicb, la), pop.region_totals(region, "SOUTH EAST")
    )
    assert 7_000 < excess.loc[2022, "all_ages"] < 9_000  # about 8 thousand, not 25–40 thousand
    assert abs(excess.loc[2034, "aged_85_plus"]) < 500  # the 85+ rows are equal by construction
    assert "about 8 thousand" in pop.FOOTPRINTS["RYE"].note
