"""Aggregation on small tables checked by hand, and golden back-tests on the real file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from se_ambulance.analysis import metrics
from se_ambulance.analysis import performance

GOLDEN = Path(__file__).parent / "golden" / "fy_means.csv"


def monthly_frame(rows):
    return pd.DataFrame(rows, columns=["org", "category", "month", "count", "total", "mean", "p90"]).assign(
        month=lambda d: pd.to_datetime(d["month"])
    )


def test_financial_year_runs_april_to_march():
    months = pd.Series(pd.to_datetime(["2024-03-01", "2024-04-01", "2025-01-01", "2025-03-31"]))
    assert list(metrics.financial_year(months)) == [2023, 2024, 2024, 2024]


def test_pooled_mean_is_incident_weighted_not_an_average_of_means():
    # Month 1: 10 incidents, 1000 s total (mean 100). Month 2: 90 incidents, 18000 s (mean 200).
    m = monthly_frame([("X", "C2", "2024-04-01", 10, 1000, 100, 150), ("X", "C2", "2024-05-01", 90, 18000, 200, 300)])
    fy = metrics.pooled_by_financial_year(m).iloc[0]
    assert fy["mean"] == pytest.approx(19000 / 100)  # 190, not (100 + 200) / 2 = 150
    assert fy["p90"] == pytest.approx((150 * 10 + 300 * 90) / 100)
    assert fy["months"] == 2
    simple = metrics.simple_mean_by_financial_year(m).iloc[0]
    assert simple["simple_mean"] == pytest.approx(150)


def test_combine_orgs_pools_by_incidents_and_drops_months_one_org_lacks():
    m = monthly_frame(
        [
            ("A", "C1", "2024-04-01", 10, 4000, 400, 700),
            ("B", "C1", "2024-04-01", 30, 18000, 600, 900),
            ("A", "C1", "2024-05-01", 10, 4000, 400, 700),
        ]
    )  # B has no May
    out = metrics.combine_orgs(m, ["A", "B"], "AB")
    assert len(out) == 1
    row = out.iloc[0]
    assert row["count"] == 40 and row["total"] == 22000
    assert row["mean"] == pytest.approx(550)
    assert row["p90"] == pytest.approx((700 * 10 + 900 * 30) / 40)


def test_standards_met_counts_months_at_or_within_the_standard():
    m = monthly_frame(
        [
            ("X", "C1", "2024-04-01", 1, 420, 420, 900),  # mean = 7:00 exactly: met
            ("X", "C1", "2024-05-01", 1, 421, 421, 901),
        ]
    )  # both just over: not met
    met = metrics.months_meeting_standards(m).set_index("statistic")
    assert met.loc["mean", "met"] == 1 and met.loc["mean", "months"] == 2
    assert met.loc["p90", "met"] == 1 and met.loc["p90", "standard"] == 900


@pytest.fixture(scope="module")
def golden():
    return pd.read_csv(GOLDEN, comment="#")


def test_golden_financial_year_means(ambsys, golden):
    monthly = metrics.response_monthly(ambsys, ["RYD", "RYE", "Eng"], ["C1", "C2"])
    fy = metrics.pooled_by_financial_year(monthly).set_index(["org", "category", "fy"])
    for r in golden.itertuples():
        got = fy.loc[(r.org, r.category, r.fy)]
        assert got["months"] == r.months
        assert got["count"] == r.count and got["total"] == r.total
        assert got["mean"] == pytest.approx(r.mean, abs=5e-4), (r.org, r.category, r.fy)


def test_case_figures_reproduced_by_pooling_scas_and_secamb(ambsys):
    """The case's 2024/25 figures: SCAS + SECAmb pooled by incidents gives C2 within 1 s and C1
    within 2 s; SECAmb alone or England do not come close."""
    from se_ambulance.claims.register import claim

    claimed = {"C1": claim("c1-mean-2024-25").value, "C2": claim("c2-mean-2024-25").value}
    defs = performance.claim_definitions(ambsys, 2024).set_index("key")
    pooled = defs.loc["group"]
    assert abs(pooled["C2"] - claimed["C2"]) < 1
    assert abs(pooled["C1"] - claimed["C1"]) < 2
    assert abs(defs.loc["secamb", "C2"] - claimed["C2"]) > 60
    assert abs(defs.loc["england", "C2"] - claimed["C2"]) > 300


def test_seasonal_profile_and_winter_words():
    from se_ambulance.analysis import activity
    from se_ambulance.publish.tables import winter_words

    months = pd.date_range("2018-04-01", "2020-03-01", freq="MS")  # two complete financial years
    m = pd.DataFrame(
        {"month": months, "count": 10.0, "total": [1200.0 if d.month in (12, 1, 2) else 1000.0 for d in months]}
    )
    profile = activity.seasonal_profile(m, exclude_covid=False)
    assert profile.loc["Jan", "mean"] == 120 and profile.loc["Jul", "mean"] == 100
    assert profile.loc["Jan", "years"] == 2
    assert winter_words(activity.winter_ratio(profile)) == "20% slower"
    assert winter_words(0.97) == "3% faster"


def test_outcome_rates_have_wilson_intervals_and_a_computed_verdict():
    from se_ambulance.analysis import outcomes

    months = pd.date_range("2015-04-01", periods=12, freq="MS")
    rows = [
        {"org": o, "month": m, "measure": "survival_all", "numerator": k, "denominator": 100}
        for o, k in (("A", 5), ("B", 15))
        for m in months
    ]
    rates = outcomes.outcome_rates(pd.DataFrame(rows), ["A", "B"])
    a = rates[rates.org == "A"].iloc[0]
    assert a["rate"] == pytest.approx(60 / 1200)
    assert a["ci_low"] < a["rate"] < a["ci_high"]
    gap = outcomes.gap_between(rates, "survival_all", "A", "B")
    assert gap.iloc[0]["difference"] == pytest.approx(-0.10)
    assert not gap.iloc[0]["intervals_overlap"]


def test_interim_c2_target_counts_only_the_years_it_applied():
    m = monthly_frame(
        [
            ("X", "C2", "2022-05-01", 1, 1700, 1700, 3000),  # 2022/23: no interim target
            ("X", "C2", "2023-05-01", 1, 1700, 1700, 3000),  # 2023/24, met
            ("X", "C2", "2024-05-01", 1, 1700, 1700, 3000),  # 2024/25 (kept in the plans), met
            ("X", "C2", "2025-05-01", 1, 1900, 1900, 3000),
        ]
    )  # 2025/26, missed
    out = metrics.months_meeting_interim_c2(m).iloc[0]
    assert out["months"] == 3 and out["met"] == 2 and out["standard"] == 1800


def test_latest_year_table_formats_rate_and_interval():
    from se_ambulance.analysis import outcomes
    from se_ambulance.publish.tables import outcomes_latest_table

    months = pd.date_range("2019-04-01", periods=12, freq="MS")
    rows = [{"org": "A", "month": m, "measure": "survival_all", "numerator": 10, "denominator": 100} for m in months]
    table = outcomes_latest_table(outcomes.outcome_rates(pd.DataFrame(rows), ["A"]), ["A"])
    assert table.index.name == "2019/20 (95% CI)"
    assert table.iloc[0, 0].startswith("10.0% (")


def test_annual_totals_keep_complete_financial_years_only():
    from se_ambulance.analysis.metrics import annual_totals

    months = pd.date_range("2023-04-01", "2025-02-01", freq="MS")  # 2023/24 complete, 2024/25 not
    frame = pd.DataFrame({"a": 1.0, "b": 2.0}, index=months)
    totals = annual_totals(frame)
    assert list(totals.index) == [2023] and totals.loc[2023].tolist() == [12.0, 24.0]
    assert annual_totals(frame["a"]).to_dict() == {2023: 12.0}
