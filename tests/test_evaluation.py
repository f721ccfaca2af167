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

from .conftest import ROOT, ambsys_csv, sha

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
    assert abs(synthetic_control(pd.concat([_treated(donors, 0.0).rename("G"), donors], axis=1), "G",
                                 list(donors.columns), START).effect) < 0.5


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
    base = dict(sc_effect=-1.0, placebo_p=0.6, its_effect=-0.8, its_low=-2.5, its_high=0.9, its_placebo_p=0.5,
                alpha=0.1, lower_is_better=True, post_months=6, min_post_months=3, mde_now=8.0, mde_end=2.5,
                meaningful=3.0)
    return verdict.judge(**(base | kw))


def test_the_verdict_is_too_early_to_tell_when_the_effect_is_inside_the_noise():
    assert _judge() == verdict.TOO_EARLY  # inside the noise; a meaningful change detectable only later
    assert _judge(post_months=2, placebo_p=0.01, its_low=-2, its_high=-1, its_placebo_p=0.05) == verdict.TOO_EARLY
    assert _judge(sc_effect=float("nan")) == verdict.TOO_EARLY
    assert _judge(mde_end=4.0) == verdict.UNDETECTABLE  # never detectable within the horizon
    assert _judge(mde_now=2.0) == verdict.NO_CHANGE  # detectable now, and nothing found
    found = dict(placebo_p=0.05, its_low=-2.0, its_high=-0.5, its_placebo_p=0.07)
    assert _judge(**found) == verdict.BETTER
    assert _judge(**found, lower_is_better=False) == verdict.WORSE
    assert _judge(placebo_p=0.05) == verdict.DISAGREE  # one method only
    # An ITS interval that excludes zero is not enough when its own false starts do as well.
    assert _judge(placebo_p=0.05, its_low=-2.0, its_high=-0.5, its_placebo_p=0.4) == verdict.DISAGREE


# --- constructed AmbSYS files: the whole study, and a later vintage through the real update path -----------

MEMBERS = ("RYD", "RYE")
DONORS = ("RX6", "RX7", "RX8", "RX9", "RYA", "RYC", "RYF")


def _ambsys_rows(months: pd.DatetimeIndex, effect: float = 0.0, seed: int = 3, revise: dict | None = None) -> list[dict]:
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
    c2["RYD"] = 0.5 * c2["RX6"] + 0.5 * c2["RX8"] - 2 + rng.normal(0, 0.2, n) - effect * after
    c2["RYE"] = 0.5 * c2["RYA"] + 0.5 * c2["RX7"] - 1 + rng.normal(0, 0.2, n) - effect * after
    rows = []
    for org in (*DONORS, *MEMBERS):
        for t, m in enumerate(months):
            if m not in wanted:
                continue
            incidents = 60000 + 1000 * t
            c2n, c1n = 0.6 * incidents, 0.1 * incidents
            c1 = 8 + 0.05 * c2[org][t]
            row = {"Year": m.year, "Month": m.month, "Region": "Y59", "Org Code": org, "Org Name": f"{org} name",
                   "A7": round(incidents), "A8": round(c1n), "A24": round(c1 * 60 * c1n), "A25": round(c1 * 60),
                   "A26": round(c1 * 60 * 1.8), "A10": round(c2n), "A30": round(c2[org][t] * 60 * c2n),
                   "A31": round(c2[org][t] * 60), "A32": round(c2[org][t] * 60 * 2.2),
                   "A17": round(incidents * (0.12 + 0.002 * np.sin(t))), "A53": round(incidents * 0.5)}
            row.update((revise or {}).get((org, f"{m:%Y-%m}"), {}))
            rows.append(row)
    return rows


def _design(**kw) -> Design:
    base = dict(members=MEMBERS, start_month="2025-10", pre_start="2023-04", outcomes=("c2_mean",),
                excluded_donors=(), placebo_min_pre_months=12, alpha=0.1, power=0.8, meaningful_change=0.1,
                min_post_months=3, power_until="2027-12")
    return Design(**(base | kw))


def _tidy(rows, tmp_path, name="a.csv"):
    from se_ambulance.data.ambsys import read_ambsys_csv

    path = tmp_path / name
    path.write_text(ambsys_csv(rows), encoding="utf-8")
    return read_ambsys_csv(path)


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
    null = run_study(_tidy(_ambsys_rows(pd.date_range("2023-04-01", "2026-03-01", freq="MS")), tmp_path, "b.csv"),
                     _design())
    assert null.primary.verdict in (verdict.TOO_EARLY, verdict.NO_CHANGE, verdict.UNDETECTABLE)
    assert null.primary.rank.rank > 1


NAME = "AmbSYS-TEST.csv"
V1_MONTHS = pd.date_range("2023-04-01", "2026-03-01", freq="MS")
V2_MONTHS = pd.date_range("2023-04-01", "2026-06-01", freq="MS")
# NHS England revises recent months: three of SECAmb's Category 2 figures and one SCAS count change.
REVISED = {("RYD", "2026-01"): {"A30": 123456789, "A31": 2100}, ("RYD", "2026-02"): {"A31": 1999},
           ("RYE", "2025-12"): {"A10": 40001}}


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
        "    citation: test\n    url: http://127.0.0.1:1/AmbSYS.csv\n    adopted: '2026-04-10'\n", encoding="utf-8")
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
    assert set(got) == {("RYD", "A30", "2026-01"), ("RYD", "A31", "2026-01"), ("RYD", "A31", "2026-02"),
                        ("RYE", "A10", "2025-12")}
    assert got[("RYD", "A31", "2026-01")][1] == 2100 and got[("RYE", "A10", "2025-12")][1] == 40001
    by_month = vintage_diff.revisions_by_month(rev)
    assert by_month["values"].tolist() == [1, 2, 1]


def test_the_comparison_reruns_the_evaluation_on_both_vintages_and_names_moved_verdicts(project, monkeypatch):
    from se_ambulance.claims import vintage as cv
    from se_ambulance.claims.evaluate import ClaimResult
    from se_ambulance.data.ambsys import load_ambsys
    from se_ambulance.publish import evaluation_text as text

    design = _design()
    before = cv.compare_with_previous(design, project["first"], {})
    assert before.previous is None and "no earlier AmbSYS vintage" in text.vintage_values(before, None)[
        "ev.vintage.summary"]

    _adopt_later_vintage(project)
    current = load_ambsys()

    # The register's functions need datasets this throwaway project lacks; stand in a claim whose verdict follows
    # the AmbSYS table's last month, so a new vintage moves it.
    def fake_results(tidy, **areas):
        last = pd.Timestamp(tidy["month"].max())
        v = "supported" if last >= pd.Timestamp("2026-06-01") else "not supported"
        return {"c2-mean-2024-25": ClaimResult("c2-mean-2024-25", v, "group", {})}

    monkeypatch.setattr(cv, "results_with_ambsys", fake_results)
    study = run_study(current, design)
    cmp = cv.compare_with_previous(design, current, fake_results(current))
    assert cmp.unavailable is None and cmp.previous.vintage == "data to March 2026"
    assert [f"{m:%Y-%m}" for m in cmp.new_months] == ["2026-04", "2026-05", "2026-06"]
    assert len(cmp.revisions) == 4
    assert cmp.claims_moved == (("c2-mean-2024-25", "not supported", "supported"),)
    assert cmp.previous_study.post_months == 6 and study.post_months == 9
    both = compare_studies(cmp.previous_study, study)
    assert both.loc[0, "previous_months"] == 6 and both.loc[0, "current_months"] == 9
    values = text.vintage_values(cmp, study)
    assert values["ev.vintage.new_months"] == "April 2026, May 2026, June 2026"
    assert values["ev.vintage.n_revised"] == "4"
    assert "adds 3 month(s)" in values["ev.vintage.summary"] and "1 of the claims register's verdicts moved" in values[
        "ev.vintage.summary"]
    moved = text.verdicts_moved_table(cmp, study)
    assert "not supported" in moved["previous vintage"].tolist() and "supported" in moved["this vintage"].tolist()
    shown = text.revisions_table(cmp, ["RYD", "RYE"])
    assert set(shown["month"]) == {"2025-12", "2026-01", "2026-02"}


def test_an_earlier_vintage_that_cannot_be_found_is_reported_not_guessed(project):
    from se_ambulance.claims import vintage as cv
    from se_ambulance.data.ambsys import load_ambsys
    from se_ambulance.paths import cache_dir

    _adopt_later_vintage(project)
    for f in cache_dir().glob(f"ambsys-{sha(project['v1'])[:16]}-*.parquet"):
        f.unlink()  # the earlier vintage's table is gone, and the mirror now holds only the later file
    cmp = cv.compare_with_previous(_design(), load_ambsys(), {})
    assert cmp.previous.vintage == "data to March 2026"
    assert cmp.unavailable and "could not be fetched by its pin" in cmp.unavailable
