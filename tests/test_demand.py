"""Population aggregation, the demographic model, forecasts and back-tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from se_ambulance.analysis import demography
from se_ambulance.analysis import forecast
from se_ambulance.analysis import population as pop
from se_ambulance.data.population import AGE_BANDS, load_la_85plus, load_region, load_subicb

from .support.builders import ROOT


@pytest.fixture(scope="module")
def data():
    return load_subicb(), load_la_85plus(), load_region()


@pytest.mark.parametrize(
    "las, subicb_code",
    [
        (["E06000043"], "E38000021"),  # Brighton and Hove = Sussex 09D
        (["E06000044"], "E38000137"),  # Portsmouth = HIOW 10R
        (["E06000037", "E06000038", "E06000041"], "E38000221"),  # West Berkshire + Reading + Wokingham = 15A
    ],
)
def test_local_authorities_add_up_to_the_matching_sub_icb(data, las, subicb_code):
    subicb, la, _ = data
    a = pop.footprint_totals(pop.Footprint("x", "x", subicb=(), la=tuple(las), banded=()), subicb, la)
    b = pop.footprint_totals(pop.Footprint("y", "y", subicb=(subicb_code,), la=(), banded=()), subicb, la)
    # The sub-ICB table is rounded to whole people per sex and band (38 cells).
    assert np.allclose(a.to_numpy(), b.to_numpy(), atol=40)


def test_footprints_and_region_reproduce_the_published_headline(data):
    """The figures in ../shared/data/population/SOURCES.md, computed independently."""
    subicb, la, region = data
    secamb = pop.footprint_totals(pop.FOOTPRINTS["RYD"], subicb, la)
    assert secamb.loc[2024, "aged_85_plus"] == pytest.approx(149_087, abs=1)
    assert secamb.loc[2034, "aged_85_plus"] == pytest.approx(220_684, abs=1)
    se = pop.region_totals(region, "SOUTH EAST")
    assert se.loc[2024, "aged_85_plus"] == pytest.approx(274_251, abs=1)
    assert se.loc[2034, "all_ages"] == pytest.approx(10_078_165, abs=1)
    eng = pop.region_totals(region, "ENGLAND")
    assert pop.change(eng, 2024, 2034)["aged_85_plus"] == pytest.approx(0.451, abs=0.0005)


def test_the_60_per_cent_claim_needs_scas_from_2022(data):
    subicb, la, region = data
    areas = {k: pop.footprint_totals(pop.FOOTPRINTS[k], subicb, la) for k in ("RYD", "RYE", "GROUP")}
    areas["SE"] = pop.region_totals(region, "SOUTH EAST")
    table = pop.over_85_change_table(areas, [2022, 2023, 2024, 2025], 2034)
    assert (table > 0.60).sum().sum() == 1 and table.loc["RYE", "2022"] > 0.60  # only SCAS from mid-2022
    assert table.loc["GROUP", "2024"] == pytest.approx(0.504, abs=0.001)


def banded_frame(rows: dict[int, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame([{b: r.get(b, 0.0) for b in AGE_BANDS} for r in rows.values()], index=list(rows))


def test_demand_index_by_hand():
    # 1,000 people aged 20-24 (rate 1) and 100 aged 85-89 (rate 7): weighted 1,700.
    # Next year the 85+ double: weighted 2,400, so demand rises by 2400/1700 - 1.
    b = banded_frame({2025: {"20-24": 1000, "85-89": 100}, 2026: {"20-24": 1000, "85-89": 200}})
    from se_ambulance.reference.use_rates import DEFAULT_RATES

    rates = dict(DEFAULT_RATES)
    assert demography.growth(b, 2025, 2026, rates) == pytest.approx(2400 / 1700 - 1)
    assert demography.growth(b, 2025, 2026, {**rates, "85+": (1.0, 1.0, 1.0)}) == pytest.approx(1200 / 1100 - 1)
    assert demography.over_65_share(b, 2025, rates) == pytest.approx(700 / 1700)
    tor = demography.tornado(b, 2025, 2026, rates)
    assert tor.iloc[0]["group"] == "85+"
    # the range is the exact extremes over every combination of low and high rates: here only 85+ matters
    lo, mid, hi = demography.growth_range(b, 2025, 2026, rates)
    assert (lo, hi) == (pytest.approx(2000 / 1500 - 1), pytest.approx(2700 / 1850 - 1))  # 85+ rate 5 and 8.5


def test_group_banded_counts_frimley_once(data):
    subicb, _, _ = data
    g = pop.FOOTPRINTS["GROUP"].banded
    assert len(g) == len(set(g)) and "E38000252" in g


def seasonal_series(n=72, trend=0.0):
    idx = pd.date_range("2019-01-01", periods=n, freq="MS")
    season = np.tile(np.array([5, 3, 0, -2, -4, -5, -3, 0, 2, 4, 6, 4], dtype=float), n // 12 + 1)[:n]
    return pd.Series(1000 + trend * np.arange(n) + season * 10, index=idx)


def test_seasonal_naive_is_perfect_on_a_purely_seasonal_series():
    y = seasonal_series()
    bt = forecast.backtest(y, horizon=12, first_origin="2022-06-01", step=3, models=("seasonal_naive",))
    assert np.isnan(bt["mase"]).all()  # undefined: the history's own seasonal-naive error is zero
    assert bt["mape"].max() == pytest.approx(0, abs=1e-12)


def test_mase_and_mape_by_hand():
    train = pd.Series([10.0] * 12 + [12.0] * 12)  # in-sample seasonal-naive MAE = 2 on 12 of 12 points
    assert forecast.mase(np.array([14.0, 10.0]), np.array([12.0, 12.0]), train) == pytest.approx(1.0)
    assert forecast.mape(np.array([10.0, 20.0]), np.array([11.0, 18.0])) == pytest.approx(0.1)


def test_drift_forecast_continues_a_straight_line():
    y = pd.Series(np.arange(30, dtype=float) * 2 + 100, index=pd.date_range("2021-06-01", periods=30, freq="MS"))
    f = forecast.forecast(y, "drift", 3)
    assert list(f["mean"]) == pytest.approx([160, 162, 164])


@pytest.mark.slow  # fits every model twice (3 s): the full tier
def test_forecasts_are_reproducible():
    y = seasonal_series(trend=1.5) + np.random.default_rng(1).normal(0, 5, 72)
    for m in ("ets", "sarima"):
        a, b = forecast.forecast(y, m, 12), forecast.forecast(y, m, 12)
        pd.testing.assert_frame_equal(a, b)
        assert (a["lower"] < a["mean"]).all() and (a["mean"] < a["upper"]).all()


def test_log_linear_trend_recovers_a_known_growth_rate():
    totals = pd.Series(1000 * 1.02 ** np.arange(8), index=range(2018, 2026))
    t = forecast.log_linear_trend(totals, (), 2025, 2035)
    assert t["annual_rate"] == pytest.approx(0.02, abs=1e-9)
    assert t["growth"] == pytest.approx(1.02**10 - 1, abs=1e-6)


def test_log_linear_trend_is_anchored_fitted_to_fitted_with_a_90_per_cent_interval():
    # a base year 10% above its trend: growth is the trend's (fitted to fitted), not a reversion to the line
    rng = np.random.default_rng(3)
    totals = pd.Series(1000 * 1.02 ** np.arange(8) * np.exp(rng.normal(0, 0.01, 8)), index=range(2018, 2026))
    bumped = totals.copy()
    bumped.loc[2025] *= 1.10
    plain = forecast.log_linear_trend(totals, (2025,), 2025, 2035)
    t = forecast.log_linear_trend(bumped, (2025,), 2025, 2035)  # the bumped year is left out of the fit
    assert t["growth"] == pytest.approx(plain["growth"]) == pytest.approx((1 + t["annual_rate"]) ** 10 - 1)
    wide = forecast.log_linear_trend(totals, (), 2025, 2035, alpha=0.05)
    narrow = forecast.log_linear_trend(totals, (), 2025, 2035)  # default 90%
    assert wide["low"] < narrow["low"] < narrow["growth"] < narrow["high"] < wide["high"]


def test_best_model_names_the_winner_and_margin():
    bt = pd.DataFrame(
        {
            "origin": [1, 2] * 3,
            "model": ["ets"] * 2 + ["sarima"] * 2 + ["seasonal_naive"] * 2,
            "mase": [0.8, 0.9, 0.6, 0.7, 0.7, 0.7],
            "mape": 0.05,
            "covered": 1.0,
        }
    )
    summary = forecast.backtest_summary(bt)
    assert list(summary.index) == ["sarima", "seasonal_naive", "ets"]
    assert summary.loc["ets", "relative_to_seasonal_naive"] == pytest.approx(0.85 / 0.7)
    b = forecast.best_model(summary)
    assert b["best"] == "sarima" and b["runner_up"] == "seasonal_naive"
    assert b["margin"] == pytest.approx(0.05) and b["relative_margin"] == pytest.approx(0.05 / 0.7)
    assert forecast.resolve_model("best", summary) == "sarima"
    assert forecast.resolve_model("ets", summary) == "ets"
    with pytest.raises(ValueError, match="allowed: best"):
        forecast.resolve_model("prophet", summary)


def test_unknown_model_is_named():
    with pytest.raises(ValueError, match="allowed: ets, sarima"):
        forecast.forecast(seasonal_series(), "prophet", 3)


def test_the_canonical_demand_chapter_shows_the_groups_footprint():
    """The demand chapter for each footprint: the group's here (the canonical book); SCAS's own in
    params/scas.yaml's book (test_rerun.py); SECAmb's and London's in the atlas test's; the same check on each."""
    from se_ambulance.pipeline.params import load_params
    from se_ambulance.reference.orgs import GROUP_CODE, Group, area_name

    from .support.consistency import focus_problems, outputs_of

    params = load_params()
    assert params.area("focus")["demand_area"] == GROUP_CODE
    name = area_name(GROUP_CODE, Group.from_params(params.area("group")))
    assert focus_problems(outputs_of(ROOT / "notebooks" / "04_demand.ipynb"), "demand_area", GROUP_CODE, name) == []


def test_mid_2019_footprints_from_county_estimates():
    from se_ambulance.data.population import load_mye_2019

    mye = load_mye_2019()
    assert pop.mye_2019_totals(mye, "RYD")["aged_85_plus"] == 143_074
    g = pop.mye_2019_totals(mye, "GROUP")
    assert g["aged_85_plus"] == 143_074 + 115_418


def test_category_series_pools_only_common_months(ambsys):
    from se_ambulance.analysis.activity import activity_monthly, category_series

    both = category_series(ambsys, ["RYD", "RYE"])
    ryd = activity_monthly(ambsys, "RYD")
    month = both.index[-1]
    rye = activity_monthly(ambsys, "RYE")
    assert both.loc[month, "C2"] == ryd.loc[month, "c2"] + rye.loc[month, "c2"]
    assert both.index.min() >= max(ryd.dropna(subset=["c1"]).index.min(), rye.dropna(subset=["c1"]).index.min())


def test_next_year_change_on_a_flat_series():
    y = pd.Series(100.0, index=pd.date_range("2021-04-01", periods=36, freq="MS"))
    ch = forecast.next_year_change(y, "seasonal_naive")
    assert ch["growth"] == pytest.approx(0) and ch["last_12"] == 1200


def test_rates_table_shows_ranges_and_the_values_in_use():
    from se_ambulance.publish.tables import use_rates_table
    from se_ambulance.reference.use_rates import DEFAULT_RATES

    t = use_rates_table({**DEFAULT_RATES, "85+": (5.0, 8.0, 8.5)})
    assert t.loc["85+", "central (used)"] == 8.0 and t.loc["85+", "low"] == 5.0
    assert list(t.index) == ["0-14", "65-74", "75-84", "85+"]


def test_forecast_frame_and_category_outlook():
    y = seasonal_series(trend=1.0)
    f = forecast.forecast(y, "seasonal_naive", 3)
    frame = forecast.forecast_frame(y.iloc[-2:], {"seasonal_naive": f})
    assert list(frame["series"]) == ["Actual"] * 2 + ["SEASONAL_NAIVE forecast"] * 3
    assert frame["lower"].iloc[:2].isna().all() and (frame["lower"].iloc[2:] <= frame["incidents"].iloc[2:]).all()
    out = forecast.category_outlook(pd.DataFrame({"C1": y, "C2": y * 2}), "seasonal_naive")
    assert list(out.index) == ["C1", "C2"] and out.loc["C1", "growth"] == pytest.approx(out.loc["C2", "growth"])
    from se_ambulance.publish.tables import category_outlook_table

    shown = category_outlook_table(out)
    assert shown.loc["C1", "change"] == shown.loc["C2", "change"] and shown.loc["C1", "change"].endswith("%")


def test_the_forecast_chart_names_its_method_and_says_which_interval_level_it_shows():
    """The monthly forecast's interval and the trend projection's differ (95% and 90%): each chart says its own and
    the other's, from the levels the code uses; the key calls the method in words, the subtitle no field code."""
    import re

    from se_ambulance.analysis.demand import TREND_ALPHA
    from se_ambulance.publish import demand_figures as dfig

    y = seasonal_series(trend=1.0)
    f = forecast.forecast(y, "ets", 3)
    lower, upper = f["lower"] - f["mean"], f["upper"] - f["mean"]
    wider = forecast.forecast(y, "ets", 3, alpha=TREND_ALPHA)  # the default is the monthly level, not the trend's
    assert ((wider["upper"] - wider["mean"]) < upper).all() and ((wider["lower"] - wider["mean"]) > lower).all()
    html = dfig.forecast_figure(y, forecast.forecast_frame(y, {"ets": f}), "ets", "Area", "AREA", "AmbSYS").data
    units = re.search(r'class="se-chart-units">(.*?)</span>', html).group(1)
    assert dfig.MONTHLY_LEVEL == "95%" and dfig.TREND_LEVEL == "90%"
    assert "forecast&#x27;s 95% prediction interval" in units or "forecast's 95% prediction interval" in units, units
    assert "trend projection below uses 90%" in units and "A7" not in units, units
    assert "Statistical forecast (ETS)" in html and "ETS forecast" not in html
    assert dfig.interval_level(0.05) == "95%" and dfig.interval_level(0.1) == "90%"
