"""Chapter 9's evaluation: each method recovers a known effect on a constructed panel, placebo ranks and power
behave as stated, the verdict rule says "too early to tell" when it should, and a constructed later vintage of
AmbSYS, adopted through the real `fetch --update` path in a throwaway project, is compared with the earlier one
(new months, revised values, verdicts)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from se_ambulance.analysis import vintage_diff
from se_ambulance.analysis.evaluation import power, verdict
from se_ambulance.analysis.evaluation.its import comparative_its
from se_ambulance.analysis.evaluation.placebo import false_starts, placebo_rank, space_placebos, time_placebos
from se_ambulance.analysis.evaluation.study import Design, compare_studies, run_study
from se_ambulance.analysis.evaluation.synthetic import synthetic_control

from .support.builders import ROOT, ambsys_csv, sha

START = pd.Timestamp("2025-10-01")
MONTHS = pd.date_range("2022-04-01", "2026-03-01", freq="MS")


def _donor_panel(seed: int = 1, n_donors: int = 8) -> pd.DataFrame:
    """Donors: own level and winter amplitude, a shared trend, and month-to-month (AR(1)) noise of their own."""
    rng = np.random.default_rng(seed)
    winter = np.cos(2 * np.pi * (MONTHS.month.to_numpy() - 1) / 12)
    trend = np.linspace(0, -4, len(MONTHS))
    cols = {}
    for j in range(n_donors):
        e = np.zeros(len(MONTHS))
        for t in range(1, len(MONTHS)):
            e[t] = 0.5 * e[t - 1] + rng.normal(0, 1.5)
        cols[f"D{j}"] = 25 + 3 * j + (2 + j) * winter + trend + e
    return pd.DataFrame(cols, index=MONTHS)


def _treated(donors: pd.DataFrame, effect: float, seed: int = 2) -> pd.Series:
    rng = np.random.default_rng(seed)
    y = 0.5 * donors["D0"] + 0.3 * donors["D2"] + 0.2 * donors["D5"] - 4 + rng.normal(0, 0.3, len(donors))
    return y + effect * (donors.index >= START)


def test_the_synthetic_control_recovers_a_known_effect_and_the_weights_behind_it():
    donors = _donor_panel()
    panel = pd.concat([_treated(donors, -3.0).rename("G"), donors], axis=1)
    fit = synthetic_control(panel, "G", list(donors.columns), START)
    assert fit.post_months == 6 and fit.pre_months == len(MONTHS) - 6
    assert fit.effect == pytest.approx(-3.0, abs=0.5)
    assert fit.weights.sum() == pytest.approx(1.0) and (fit.weights >= 0).all()
    assert fit.weights[["D0", "D2", "D5"]].sum() > 0.85  # the donors the group was built from
    assert fit.pre_rmspe < 0.6
    # Without an effect the estimate is near zero.
    assert (
        abs(
            synthetic_control(
                pd.concat([_treated(donors, 0.0).rename("G"), donors], axis=1), "G", list(donors.columns), START
            ).effect
        )
        < 0.5
    )


def test_the_interrupted_time_series_recovers_a_known_effect():
    rng = np.random.default_rng(5)
    comparison = pd.Series(30 + 5 * np.cos(2 * np.pi * MONTHS.month.to_numpy() / 12), index=MONTHS)
    noise = np.zeros(len(MONTHS))
    for t in range(1, len(MONTHS)):
        noise[t] = 0.3 * noise[t - 1] + rng.normal(0, 0.4)
    seasonal_gap = 1.5 * np.sin(2 * np.pi * MONTHS.month.to_numpy() / 12)
    treated = comparison - 2 + 0.02 * np.arange(len(MONTHS)) + seasonal_gap + noise - 3.0 * (MONTHS >= START)
    fit = comparative_its(pd.Series(treated, index=MONTHS), comparison, START, alpha=0.1)
    assert fit.effect == pytest.approx(-3.0, abs=0.6)
    assert fit.low < -3.0 < fit.high and fit.excludes_zero
    assert (fit.pre_months, fit.post_months) == (len(MONTHS) - 6, 6)
    none = comparative_its(pd.Series(treated, index=MONTHS) + 3.0 * (MONTHS >= START), comparison, START, 0.1)
    assert abs(none.effect) < 0.6


def test_placebo_rank_counts_ties_against_the_estimate():
    r = placebo_rank(2.0, [0.5, -3.0, 1.0, 2.0])  # |−3| and the tie at 2 are at least as extreme
    assert (r.rank, r.of, r.p) == (3, 5, pytest.approx(0.6))
    assert placebo_rank(-5.0, [1.0, -2.0, 0.1]).rank == 1
    assert placebo_rank(0.0, [1.0, 2.0]).p == pytest.approx(1.0)
    assert placebo_rank(1.0, [0.5] * 19).smallest_p == pytest.approx(0.05)


def test_a_large_effect_ranks_first_among_space_and_time_placebos():
    donors = _donor_panel()
    panel = pd.concat([_treated(donors, -6.0).rename("G"), donors], axis=1)
    fit = synthetic_control(panel, "G", list(donors.columns), START)
    space = space_placebos(panel, "G", START)
    time = time_placebos(panel, "G", START, fit.post_months, min_pre=12)
    assert [p.unit for p in space] == list(donors.columns)
    starts = false_starts(pd.DatetimeIndex(panel.index), START, 6, 12)
    assert [p.start for p in time] == starts and starts[0] == MONTHS[12] and starts[-1] == pd.Timestamp("2025-04-01")
    assert all(p.start + pd.DateOffset(months=p.post_months - 1) < START for p in time)
    rank = placebo_rank(fit.standardised, [p.standardised for p in space + time])
    assert rank.rank == 1 and rank.p == pytest.approx(1 / (len(space) + len(time) + 1))


def test_the_smallest_detectable_effect_falls_as_months_are_added():
    noise = power.Noise(sigma=3.0, rho=0.5, pre_months=30)
    path = power.mde_path(noise, START, pd.Timestamp("2027-12-01"), alpha=0.1, power=0.8)
    assert path["post_months"].tolist() == list(range(1, 28))
    assert path["detectable"].is_monotonic_decreasing and path["detectable"].iloc[0] > path["detectable"].iloc[-1]
    # The floor: the pre-period's own noise, which no number of post months removes.
    floor = power.multiplier(0.1, 0.8) * np.sqrt(power.variance_of_mean(30, 3.0, 0.5))
    assert path["detectable"].iloc[-1] > floor
    # Without correlation and with a long pre-period, SE(h) is σ/√h: the textbook formula.
    white = power.Noise(sigma=2.0, rho=0.0, pre_months=10**6)
    assert power.mde(16, white, 0.1, 0.8) == pytest.approx(power.multiplier(0.1, 0.8) * 2.0 / 4, rel=1e-3)
    assert power.multiplier(0.1, 0.8) == pytest.approx(1.645 + 0.842, abs=0.001)
    # The placebo spread scales with the same SE(h) and the larger basis is the one used.
    with_placebo = power.mde_path(noise, START, pd.Timestamp("2027-12-01"), 0.1, 0.8, placebo_sd=5.0, months_now=6)
    assert (with_placebo["detectable"] >= with_placebo["noise"]).all()
    assert with_placebo["placebo"].is_monotonic_decreasing
    assert power.first_month_detectable(path, 100.0) == START and power.first_month_detectable(path, 0.01) is None


def _judge(**kw):
    """Today's shape by default: estimates inside the noise, a meaningful change detectable only later."""
    base = dict(
        sc_effect=-1.0,
        sc_p=0.6,
        sc_smallest_p=1 / 8,
        sc_low=-4.0,
        sc_high=2.0,
        sc_informative=True,
        its_effect=-0.8,
        its_low=-2.5,
        its_high=0.9,
        its_placebo_p=0.5,
        alpha=0.1,
        lower_is_better=True,
        post_months=6,
        min_post_months=3,
        mde_now=8.0,
        mde_end=2.5,
        meaningful=3.0,
    )
    return verdict.judge(**(base | kw))


POWERED = dict(mde_now=2.0)  # a change of the meaningful size (3.0) is detectable now
SC_FINDS = dict(sc_effect=-4.0, sc_p=0.05, sc_low=-6.0, sc_high=-2.0)
ITS_FINDS = dict(its_effect=-4.2, its_low=-6.0, its_high=-2.4, its_placebo_p=0.07)


def test_the_verdict_rule_checks_months_and_power_before_any_estimate():
    assert _judge() == verdict.TOO_EARLY  # inside the noise; a meaningful change detectable only later
    assert _judge(post_months=2, **SC_FINDS, **ITS_FINDS, **POWERED) == verdict.TOO_EARLY
    assert _judge(sc_effect=float("nan"), its_effect=float("nan")) == verdict.TOO_EARLY
    assert _judge(mde_end=4.0) == verdict.UNDETECTABLE  # never detectable by the end of the roll-out
    # Both methods significant, large and on the same side, but the design cannot see a meaningful change: the
    # power check comes first, so no change is claimed.
    assert _judge(**SC_FINDS, **ITS_FINDS) == verdict.TOO_EARLY
    assert _judge(**SC_FINDS, **ITS_FINDS, mde_end=4.0) == verdict.UNDETECTABLE


def test_a_method_finds_a_change_only_if_it_is_significant_and_at_least_the_meaningful_size():
    assert _judge(**SC_FINDS, **ITS_FINDS, **POWERED) == verdict.BETTER
    assert _judge(**SC_FINDS, **ITS_FINDS, **POWERED, lower_is_better=False) == verdict.WORSE
    # Significant but smaller than the meaningful change: not a finding.
    small = dict(its_effect=-1.0, its_low=-1.5, its_high=-0.5, its_placebo_p=0.07)
    assert _judge(**small, **POWERED) == verdict.NOT_FOUND
    assert _judge(**SC_FINDS, **small, **POWERED) == verdict.UNCONFIRMED
    # An ITS interval that excludes zero is not enough when its own false starts do as well.
    assert _judge(**SC_FINDS, **(ITS_FINDS | {"its_placebo_p": 0.4}), **POWERED) == verdict.UNCONFIRMED
    # Opposite sides.
    assert (
        _judge(**SC_FINDS, its_effect=4.2, its_low=2.4, its_high=6.0, its_placebo_p=0.07, **POWERED) == verdict.DISAGREE
    )
    # With too few donors for any rank to reach α, rank 1 (the smallest p available) counts.
    assert _judge(**(SC_FINDS | {"sc_p": 1 / 8}), **ITS_FINDS, **POWERED) == verdict.BETTER
    assert _judge(**(SC_FINDS | {"sc_p": 2 / 8}), **ITS_FINDS, **POWERED) == verdict.UNCONFIRMED


def test_an_uninformative_synthetic_control_counts_for_nothing():
    # The time series alone cannot make 'better' or 'worse', however clear.
    assert _judge(**SC_FINDS, **ITS_FINDS, **POWERED, sc_informative=False) == verdict.UNCONFIRMED
    # Nor can the synthetic control's interval stop the time series ruling out a meaningful change.
    inside = dict(its_effect=0.2, its_low=-1.0, its_high=1.4)
    assert _judge(**inside, **POWERED, sc_low=-5.0, sc_high=5.0) == verdict.NOT_FOUND
    assert _judge(**inside, **POWERED, sc_low=-5.0, sc_high=5.0, sc_informative=False) == verdict.NO_CHANGE


def test_equivalence_every_informative_interval_inside_the_meaningful_change_is_no_meaningful_change():
    inside = dict(sc_effect=0.3, sc_low=-1.5, sc_high=2.1, its_effect=0.2, its_low=-1.0, its_high=1.4)
    assert _judge(**inside, **POWERED) == verdict.NO_CHANGE
    assert _judge(**(inside | {"its_high": 3.2}), **POWERED) == verdict.NOT_FOUND  # one interval reaches +3
    assert not verdict.rules_out(-3.0, 1.0, 3.0) and verdict.rules_out(-2.9, 2.9, 3.0)


def test_the_lean_is_the_direction_of_the_estimates_whatever_their_significance():
    assert verdict.lean([2.4, 4.6], lower_is_better=True) == verdict.WORSE
    assert verdict.lean([2.4, 4.6], lower_is_better=False) == verdict.BETTER
    assert verdict.lean([-0.05, 0.22], lower_is_better=True) == verdict.MIXED
    assert verdict.lean([float("nan"), -1.0], lower_is_better=True) == verdict.BETTER


def test_the_synthetic_control_reports_its_fit_against_the_groups_own_spread():
    donors = _donor_panel()
    good = synthetic_control(
        pd.concat([_treated(donors, 0.0).rename("G"), donors], axis=1), "G", list(donors.columns), START
    )
    assert good.pre_r2 > 0.9 and good.informative(0.0)
    assert good.pre_sd == pytest.approx(float(np.std(good.actual[good.actual.index < START])))
    # A group whose path shares nothing with the donors': its own winter, the opposite way round.
    rng = np.random.default_rng(9)
    own = pd.Series(
        30 - 3 * np.cos(2 * np.pi * (MONTHS.month.to_numpy() - 1) / 12) + rng.normal(0, 1.0, len(MONTHS)),
        index=MONTHS,
        name="G",
    )
    bad = synthetic_control(pd.concat([own, donors], axis=1), "G", list(donors.columns), START)
    assert bad.pre_r2 <= 0 and not bad.informative(0.0)
    assert bad.pre_rmspe >= bad.pre_sd
    assert bad.rmspe_ratio == pytest.approx(bad.post_rmspe / bad.pre_rmspe)


def test_time_placebos_are_fitted_on_windows_of_one_length():
    donors = _donor_panel()
    panel = pd.concat([_treated(donors, 0.0).rename("G"), donors], axis=1)
    time = time_placebos(panel, "G", START, 6, min_pre=12)
    pre = panel[panel.index < START]
    for p in (time[0], time[-1]):
        i = list(pre.index).index(p.start)
        end = pre.index[i + 5]
        same = synthetic_control(pre.iloc[i - 12 :], "G", list(donors.columns), p.start, end)
        assert same.pre_months == 12 and p.effect == pytest.approx(same.effect)


def test_the_sensitivity_specifications_recover_a_known_shift_without_trend_or_season():
    from se_ambulance.analysis.evaluation.its import SENSITIVITY, sensitivity

    rng = np.random.default_rng(11)
    comparison = pd.Series(30 + rng.normal(0, 0.3, len(MONTHS)), index=MONTHS)
    treated = comparison - 2 + rng.normal(0, 0.3, len(MONTHS)) + 3.0 * (MONTHS >= START)
    out = sensitivity(treated, comparison, comparison + 0.5, START, 0.1)
    assert tuple(out) == SENSITIVITY
    for key, f in out.items():
        if key == "log_ratio":
            assert np.expm1(f.effect) * 28 == pytest.approx(3.0, abs=0.6)
        else:
            assert f.effect == pytest.approx(3.0, abs=0.6), key
    # Winter against winter keeps only the pre-period months of the post-period's calendar months.
    assert out["did_same_months"].pre_months == sum((MONTHS < START) & MONTHS.month.isin([10, 11, 12, 1, 2, 3]))


# --- constructed AmbSYS files: the whole study, and a later vintage through the real update path -----------

MEMBERS = ("RYD", "RYE")
DONORS = ("RX6", "RX7", "RX8", "RX9", "RYA", "RYC", "RYF")


def _ambsys_rows(
    months: pd.DatetimeIndex, effect: float = 0.0, seed: int = 3, revise: dict | None = None, group_noise: float = 0.2
) -> list[dict]:
    """AmbSYS-shaped rows: donors with their own C2 paths; SECAmb and SCAS built from donors (so a synthetic
    control exists), both faster by `effect` minutes from START. `revise` = {(org, 'YYYY-MM'): {code: value}}."""
    wanted, months = months, pd.date_range("2023-04-01", "2026-12-01", freq="MS")  # one draw for every vintage
    rng = np.random.default_rng(seed)
    n = len(months)
    winter = np.cos(2 * np.pi * (months.month.to_numpy() - 1) / 12)
    c2 = {}
    for j, org in enumerate(DONORS):
        e = np.zeros(n)
        for t in range(1, n):
            e[t] = 0.5 * e[t - 1] + rng.normal(0, 1.2)
        c2[org] = 26 + 2 * j + (2 + j) * winter + e
    after = (months >= START).astype(float)
    c2["RYD"] = 0.5 * c2["RX6"] + 0.5 * c2["RX8"] - 2 + rng.normal(0, group_noise, n) - effect * after
    c2["RYE"] = 0.5 * c2["RYA"] + 0.5 * c2["RX7"] - 1 + rng.normal(0, group_noise, n) - effect * after
    rows = []
    for org in (*DONORS, *MEMBERS):
        for t, m in enumerate(months):
            if m not in wanted:
                continue
            incidents = 60000 + 1000 * t
            c2n, c1n = 0.6 * incidents, 0.1 * incidents
            c1 = 8 + 0.05 * c2[org][t]
            row = {
                "Year": m.year,
                "Month": m.month,
                "Region": "Y59",
                "Org Code": org,
                "Org Name": f"{org} name",
                "A7": round(incidents),
                "A8": round(c1n),
                "A24": round(c1 * 60 * c1n),
                "A25": round(c1 * 60),
                "A26": round(c1 * 60 * 1.8),
                "A10": round(c2n),
                "A30": round(c2[org][t] * 60 * c2n),
                "A31": round(c2[org][t] * 60),
                "A32": round(c2[org][t] * 60 * 2.2),
                "A17": round(incidents * (0.12 + 0.002 * np.sin(t))),
                "A53": round(incidents * 0.5),
            }
            row.update((revise or {}).get((org, f"{m:%Y-%m}"), {}))
            rows.append(row)
    return rows


def _design(**kw) -> Design:
    base = dict(
        members=MEMBERS,
        start_month="2025-10",
        pre_start="2023-04",
        outcomes=("c2_mean",),
        excluded_donors=(),
        placebo_min_pre_months=12,
        alpha=0.1,
        power=0.8,
        meaningful_change=0.1,
        min_post_months=3,
        power_until="2027-12",
    )
    return Design(**(base | kw))


def _tidy(rows, tmp_path, name="a.csv"):
    from se_ambulance.data.ambsys import read_ambsys_csv

    path = tmp_path / name
    path.write_text(ambsys_csv(rows), encoding="utf-8")
    return read_ambsys_csv(path)


@pytest.mark.slow  # a whole study on a synthetic panel: the full tier
def test_the_whole_study_finds_a_large_known_improvement_with_both_methods(tmp_path):
    tidy = _tidy(_ambsys_rows(pd.date_range("2023-04-01", "2026-03-01", freq="MS"), effect=8.0), tmp_path)
    study = run_study(tidy, _design())
    r = study.primary
    assert study.donors == list(DONORS) and study.post_months == 6
    assert r.fit.effect == pytest.approx(-8.0, abs=1.5)
    assert r.its.effect == pytest.approx(-8.0, abs=3.0) and r.its.high < 0
    assert r.rank.rank == 1 and r.its_rank.rank == 1
    assert r.verdict == verdict.BETTER
    # The same data with no effect: the group's estimate sits among its placebos and no change is claimed.
    null = run_study(
        _tidy(_ambsys_rows(pd.date_range("2023-04-01", "2026-03-01", freq="MS")), tmp_path, "b.csv"), _design()
    )
    assert null.primary.verdict in (verdict.TOO_EARLY, verdict.NO_CHANGE, verdict.NOT_FOUND, verdict.UNDETECTABLE)
    assert null.primary.rank.rank > 1
    # The words: every month since the start was seen when the design was fixed (data to March 2026).
    from se_ambulance.publish import evaluation_text as text

    values = text.chapter_values(study)
    assert study.exploratory_months == 6 and study.confirmatory_months == 0
    assert "exploratory" in values["ev.exploratory"] and "first test fixed in advance" in values["ev.exploratory"]
    assert values["ev.headline"].startswith("Better") and "lean towards the group gaining ground" in values["ev.lean"]
    assert set(study.sensitivity) == {"chapter", "no_trend", "log_ratio", "rest_of_england", "did", "did_same_months"}


@pytest.mark.slow  # a simulation of many whole studies (12 s): the full tier
def test_on_panels_with_no_effect_the_headline_rarely_claims_a_change(tmp_path):
    """Ten constructed AmbSYS files with no effect and a group noisier than its donors, judged against a small
    meaningful change (5% of the level) so that power is sometimes there: the headline never says better or
    worse, and at most two say a single method found something."""
    months = pd.date_range("2023-04-01", "2026-03-01", freq="MS")
    verdicts = []
    for seed in range(10):
        tidy = _tidy(_ambsys_rows(months, seed=100 + seed, group_noise=1.5), tmp_path, f"null-{seed}.csv")
        verdicts.append(run_study(tidy, _design(meaningful_change=0.05)).primary.verdict)
    assert not set(verdicts) & set(verdict.CHANGE_FOUND), verdicts
    assert sum(v in (verdict.UNCONFIRMED, verdict.DISAGREE) for v in verdicts) <= 2, verdicts


def test_the_pre_period_level_is_incident_weighted_not_an_average_of_monthly_means(tmp_path):
    from se_ambulance.analysis.evaluation.design import period_level

    rows = _ambsys_rows(pd.date_range("2023-04-01", "2023-05-01", freq="MS"))
    for r in rows:  # SECAmb: April 10 minutes over 1,000 incidents, May 40 minutes over 3,000
        if r["Org Code"] == "RYD":
            n, mins = (1000, 10) if r["Month"] == 4 else (3000, 40)
            r.update({"A10": n, "A30": n * mins * 60, "A31": mins * 60})
    tidy = _tidy(rows, tmp_path)
    level = period_level(tidy, "c2_mean", ["RYD"], pd.date_range("2023-04-01", "2023-05-01", freq="MS"))
    assert level == pytest.approx((1000 * 10 + 3000 * 40) / 4000)  # 32.5, not (10 + 40) / 2


def test_category_1_effects_are_shown_in_hundredths_of_a_minute_so_rounding_hides_nothing():
    """In minutes like every other time in chapter 9's tables ('126 s / 84 s' once stood beside '14.0 min')."""
    from se_ambulance.publish import evaluation_text as text

    assert text.amount("c1_mean", 0.224) == "+0.22 min" and text.amount("c1_mean", 0.03) == "+0.03 min"
    assert text.amount("c1_p90", 2.1, signed=False) == "2.10 min" and text.amount("c1_mean", 0.004) == "0.00 min"
    assert (
        text.amount("c2_mean", 2.42) == "+2.4 min" and text.amount("hear_and_treat", -0.012) == "−1.2 percentage points"
    )
    assert text.direction("c1_mean", -0.05) == "3 seconds shorter"


NAME = "AmbSYS-TEST.csv"
V1_MONTHS = pd.date_range("2023-04-01", "2026-03-01", freq="MS")
V2_MONTHS = pd.date_range("2023-04-01", "2026-06-01", freq="MS")
# NHS England revises recent months: three of SECAmb's Category 2 figures and one SCAS count change.
REVISED = {
    ("RYD", "2026-01"): {"A30": 123456789, "A31": 2100},
    ("RYD", "2026-02"): {"A31": 1999},
    ("RYE", "2025-12"): {"A10": 40001},
}


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A throwaway project whose manifest pins a constructed AmbSYS vintage (data to March 2026), fetched and
    loaded once, as a build with that vintage would have done."""
    from se_ambulance.data.ambsys import load_ambsys
    from se_ambulance.data.fetch import ensure

    root, mirror = tmp_path / "project", tmp_path / "mirror"
    (root / "data" / "raw").mkdir(parents=True)
    (mirror / "ambsys").mkdir(parents=True)
    (root / "book").mkdir()
    (root / "book" / "claims.yaml").write_bytes((ROOT / "book" / "claims.yaml").read_bytes())  # the claims' quotes
    v1 = ambsys_csv(_ambsys_rows(V1_MONTHS)).encode()
    (mirror / "ambsys" / NAME).write_bytes(v1)
    (root / "data" / "manifest.yaml").write_text(
        "licence_default: &ogl\n  name: OGL\n  url: http://example.invalid\n"
        "datasets:\n  ambsys:\n"
        "    title: AmbSYS\n    publisher: NHS England\n    landing_page: http://127.0.0.1:1/\n"
        f"    file: {NAME}\n    mirror_path: ambsys/{NAME}\n    sha256: {sha(v1)}\n    bytes: {len(v1)}\n"
        "    vintage: data to March 2026\n    coverage: test\n    licence: *ogl\n    attribution: test\n"
        "    citation: test\n    url: http://127.0.0.1:1/AmbSYS.csv\n    adopted: '2026-04-10'\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SE_AMBULANCE_HOME", str(root))
    monkeypatch.delenv("SE_AMBULANCE_DATA_MIRROR", raising=False)
    ensure("ambsys", mirror=mirror, progress=lambda m: None)
    first = load_ambsys()
    return {"root": root, "mirror": mirror, "v1": v1, "first": first}


def _adopt_later_vintage(project) -> bytes:
    from se_ambulance.data.fetch import ensure

    v2 = ambsys_csv(_ambsys_rows(V2_MONTHS, revise=REVISED)).encode()
    (project["mirror"] / "ambsys" / NAME).write_bytes(v2)  # the mirror now offers the later release
    ensure("ambsys", mirror=project["mirror"], update=True, progress=lambda m: None)
    return v2


def test_a_later_vintage_through_the_update_path_lists_new_months_and_revised_figures(project):
    from se_ambulance.data.ambsys import load_ambsys
    from se_ambulance.data.manifest import load_manifest
    from se_ambulance.data.vintages import load_previous_ambsys

    from se_ambulance.data.vintages import previous_vintage

    assert previous_vintage("ambsys") is None and load_previous_ambsys() is None
    v2 = _adopt_later_vintage(project)
    ds = load_manifest()["ambsys"]
    assert ds.sha256 == sha(v2) and ds.vintage == "data to June 2026"
    prev = load_previous_ambsys()
    assert prev.vintage.sha256 == sha(project["v1"]) and prev.vintage.vintage == "data to March 2026"
    pd.testing.assert_frame_equal(prev.table, project["first"])
    current = load_ambsys()
    assert vintage_diff.new_months(prev.table, current) == list(pd.date_range("2026-04-01", "2026-06-01", freq="MS"))
    rev = vintage_diff.revisions(prev.table, current)
    got = {(r.org, r.indicator, f"{r.month:%Y-%m}"): (r.previous, r.current) for r in rev.itertuples()}
    assert set(got) == {
        ("RYD", "A30", "2026-01"),
        ("RYD", "A31", "2026-01"),
        ("RYD", "A31", "2026-02"),
        ("RYE", "A10", "2025-12"),
    }
    assert got[("RYD", "A31", "2026-01")][1] == 2100 and got[("RYE", "A10", "2025-12")][1] == 40001
    by_month = vintage_diff.revisions_by_month(rev)
    assert by_month["values"].tolist() == [1, 2, 1]


@pytest.mark.slow  # two whole studies: the full tier
def test_the_comparison_reruns_the_evaluation_on_both_vintages(project):
    from se_ambulance.analysis.evaluation import releases
    from se_ambulance.data.ambsys import load_ambsys
    from se_ambulance.publish import evaluation_text as text

    design = _design()
    before = releases.compare_with_previous(design, project["first"])
    assert (
        before.previous is None
        and "no earlier AmbSYS vintage" in text.vintage_values(before, None)["ev.vintage.summary"]
    )

    _adopt_later_vintage(project)
    current = load_ambsys()
    study = run_study(current, design)
    cmp = releases.compare_with_previous(design, current)
    assert cmp.unavailable is None and cmp.previous.vintage == "data to March 2026"
    assert [f"{m:%Y-%m}" for m in cmp.new_months] == ["2026-04", "2026-05", "2026-06"]
    assert len(cmp.revisions) == 4
    assert cmp.previous_study.post_months == 6 and study.post_months == 9
    both = compare_studies(cmp.previous_study, study)
    assert both.loc[0, "previous_months"] == 6 and both.loc[0, "current_months"] == 9
    values = text.vintage_values(cmp, study)
    assert values["ev.vintage.new_months"] == "April 2026, May 2026, June 2026"
    assert values["ev.vintage.n_revised"] == "4"
    n_moved = int(both["moved"].sum())
    assert "adds 3 months (April 2026, May 2026, June 2026)" in values["ev.vintage.summary"]
    # The earlier vintage is judged by the rule in force when it was adopted; this one (never adopted) by the newest.
    assert cmp.previous_study.governing.dated == "2026-11-22" and study.governing.dated == "2026-12-07"
    assert "judged by different versions of the rule" in values["ev.vintage.summary"]
    assert f"{n_moved} of this chapter's verdicts moved" in values["ev.vintage.summary"]
    assert len(text.verdicts_moved_table(cmp, study)) == n_moved
    shown = text.revisions_table(cmp, ["RYD", "RYE"])
    assert set(shown["Month"]) == {"December 2025", "January 2026", "February 2026"}


def test_the_claims_page_names_the_register_verdicts_a_new_release_moved(project, monkeypatch):
    from se_ambulance.claims import vintage as cv
    from se_ambulance.claims.evaluate import ClaimResult
    from se_ambulance.data.ambsys import load_ambsys
    from se_ambulance.publish import claims_text

    before = cv.register_moves({})
    assert before.previous is None and before.moved == ()
    assert "no earlier AmbSYS release" in claims_text.release_values(before)["claims.release.summary"]

    _adopt_later_vintage(project)

    # The register's functions need datasets this throwaway project lacks; stand in a claim whose verdict follows
    # the AmbSYS table's last month, so a new vintage moves it, and one whose verdict does not.
    def fake_results(tidy, **areas):
        last = pd.Timestamp(tidy["month"].max())
        v = "supported" if last >= pd.Timestamp("2026-06-01") else "not supported"
        return {
            "c2-mean-2024-25": ClaimResult("c2-mean-2024-25", v, "group", {}),
            "c1-standard": ClaimResult("c1-standard", "supported", "standard", {}),
        }

    monkeypatch.setattr(cv, "results_with_ambsys", fake_results)
    moves = cv.register_moves(fake_results(load_ambsys()), performance={})
    assert moves.unavailable is None and moves.previous.vintage == "data to March 2026"
    assert moves.moved == (("c2-mean-2024-25", "not supported", "supported"),)
    values = claims_text.release_values(moves)
    assert "data to March 2026" in values["claims.release.previous"]
    assert "1 of the register's verdicts differ" in values["claims.release.summary"]
    table = claims_text.moved_claims_table(moves)
    assert table[["tested in", "previous release", "this release"]].values.tolist() == [
        ["Response times since the Ambulance Response Programme", "not supported", "supported"]
    ]


def test_an_earlier_vintage_that_cannot_be_found_is_reported_not_guessed(project):
    from se_ambulance.analysis.evaluation import releases
    from se_ambulance.claims import vintage as cv
    from se_ambulance.data.ambsys import load_ambsys
    from se_ambulance.paths import cache_dir
    from se_ambulance.publish import claims_text
    from se_ambulance.publish import evaluation_text as text

    _adopt_later_vintage(project)
    for f in cache_dir().glob(f"ambsys-{sha(project['v1'])[:16]}-*.parquet"):
        f.unlink()  # the earlier vintage's table is gone, and the mirror now holds only the later file
    cmp = releases.compare_with_previous(_design(), load_ambsys())
    assert cmp.previous.vintage == "data to March 2026"
    assert cmp.unavailable and "could not be fetched by its pin" in cmp.unavailable
    assert "could not be read" in text.vintage_values(cmp, None)["ev.vintage.summary"]
    moves = cv.register_moves({})  # the claims page reports the same reason, and compares nothing
    assert moves.unavailable == cmp.unavailable and moves.moved == ()
    assert "could not be read" in claims_text.release_values(moves)["claims.release.summary"]
