"""Chapter 5's words follow the numbers and settings they describe: the break-even sentence for every case, the
optimism-bias and Monitor sentences for the values used, the dependence sentence's direction, the verdict maps'
axes from the run's settings and their cell at the run's own inputs, and the trusts named, not coded."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from se_ambulance.analysis import appraisal
from se_ambulance.analysis.estimate import Estimate
from se_ambulance.paths import project_root
from se_ambulance.pipeline.params import AppraisalParams, load_params
from se_ambulance.publish import appraisal_text as text
from se_ambulance.reference.orgs import CASE_GROUP_MEMBERS

ROOT = project_root()
SCALE = appraisal.Scale(turnover=100e6, carter_share=0.1, year=2024, members=CASE_GROUP_MEMBERS,
                        income_per_incident=300.0)


def settings(**changes) -> appraisal.Settings:
    return appraisal.Settings.from_params(AppraisalParams(**changes).model_dump())


def scenario(name: str) -> appraisal.Settings:
    return appraisal.Settings.from_params(load_params(ROOT / "params" / name).area("appraisal"))


def markdown() -> str:
    nb = json.loads((ROOT / "notebooks" / "05_appraisal.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def code() -> str:
    nb = json.loads((ROOT / "notebooks" / "05_appraisal.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


# --- 1. Break-even: every combination of a median and 90% range that does or does not turn positive ---------

NEVER = np.nan


@pytest.mark.parametrize("years, expected", [
    ([5.0] * 5 + [6.0] * 10 + [8.0] * 5, ["in year 6 (2030/31) in the median draw",
                                           "between year 5 (2029/30) and year 8 (2032/33) in the middle 90%"]),
    ([6.0] * 20, ["in year 6 (2030/31) in the middle 90% of draws"]),
    ([4.0] * 2 + [7.0] * 14 + [NEVER] * 4, ["in year 7 (2031/32) in the median draw",
                                            "by year 4 (2028/29) in the earliest 5% of draws",
                                            "20.0% of draws (about 2 in 10) never break even"]),
    ([9.0] * 2 + [10.0] * 6 + [NEVER] * 12, ["of the median draw does not turn positive within the 10 years",
                                             "60.0% of draws (about 6 in 10) never break even",
                                             "earliest 5% of draws do so only by year 9 (2033/34)"]),
    ([NEVER] * 20, ["does not turn positive within the 10 years in more than 95% of draws"]),
])
def test_the_breakeven_sentence_reads_for_every_case(years, expected):
    sentence = text.breakeven_sentence(appraisal.breakeven_summary(np.array(years)), 10)
    for words in expected:
        assert words in sentence
    # The defects it replaces: "turns positive in not within the period", "between X to Y".
    assert "in not" not in sentence and "to not" not in sentence and not re.search(r"between [^;]* to ", sentence)
    assert sentence.endswith(".")


def test_the_page_reads_the_breakeven_sentence_whole():
    md = markdown()
    assert "{glue:text}`be_sentence`" in md
    assert "be_median" not in md and "be_range" not in md


# --- 2. Optimism bias and Monitor's band: words true for the values used ---------------------------------

def test_the_optimism_bias_sentences_follow_the_values_used():
    canonical = text.optimism_bias_words(settings())
    assert "below the upper bound of 200%" in canonical["ob_capital_why"]
    assert "carry no uplift" in canonical["ob_operating_words"]
    pessimistic = text.optimism_bias_words(scenario("pessimistic_appraisal.yaml"))  # 200% and 41%
    assert pessimistic["ob_capital"] == "200%"
    assert "the guidance's upper bound, 200%" in pessimistic["ob_capital_why"]
    assert "below" not in pessimistic["ob_capital_why"] and "reduced" not in pessimistic["ob_capital_why"]
    assert pessimistic["ob_operating_words"].startswith("Recurring running costs carry 41%, the guidance's figure")
    assert "below the guidance's lower bound" in text.optimism_bias_words(settings(capital_optimism_bias=0.05))[
        "ob_capital_why"]
    assert "the guidance's lower bound, 10%" in text.optimism_bias_words(settings(capital_optimism_bias=0.1))[
        "ob_capital_why"]
    assert "carry 20%, below" in text.optimism_bias_words(settings(operating_optimism_bias=0.2))["ob_operating_words"]
    assert "carry 60%, above" in text.optimism_bias_words(settings(operating_optimism_bias=0.6))["ob_operating_words"]
    for words in (canonical, pessimistic):
        assert not any("by default" in w for w in words.values())


def test_the_page_types_no_reason_for_the_optimism_bias_or_the_band():
    md = markdown()
    assert "reduced from the upper bound" not in md and "by default" not in md
    assert "inside Monitor's band" not in md and "{glue:text}`merger_band_sentence`" in md
    assert "set below Monitor's band" not in md  # the total is compared with the band, not one line
    assert "a fraction of a percentage point" not in md and "{glue:text}`se_max`" in md


@pytest.mark.parametrize("share, words", [(0.005, "below Monitor's band (1–3%)"), (0.014, "inside Monitor's band (1–3%)"),
                                          (0.04, "above Monitor's band (1–3%)")])
def test_the_cash_lines_are_placed_against_monitors_band(share, words):
    assert text.monitor_band_words(share) == words


@pytest.mark.parametrize("share, words, not_words", [
    (0.005, "saves less than a full merger", "as much as"),
    (0.014, "although a group is not a merger, the register's central values assume it saves as much as a full merger "
            "would at the low end of the band", "less than"),
    (0.025, "saves as much as a full merger would.", "low end"),
    (0.04, "saves more than full mergers did", "less than"),
])
def test_the_words_about_a_group_and_a_merger_follow_the_cash_lines_total(share, words, not_words):
    """The register once said the corporate line was cut because a group is not a merger while its cash lines
    totalled 1.4%, inside the full-merger band: the sentence now says what the total means, on both sides of
    each edge of the band."""
    sentence = text.merger_band_sentence(share)
    assert words in sentence and not_words not in sentence


# --- 3. The verdict map's cell at the run's own inputs is the run ---------------------------------------

@pytest.mark.parametrize("changes", [{}, {"capital_optimism_bias": 2.0, "operating_optimism_bias": 0.41,
                                          "realisation": {"low": 0.2, "central": 0.36, "high": 0.69}}])
def test_the_verdict_maps_cell_at_the_runs_inputs_is_the_run(changes):
    s = settings(mc_draws=2000, **changes)
    run = appraisal.claim_estimates(appraisal.simulate(s, SCALE))
    axes = appraisal.verdict_map_axes(s)
    for claim in ("cash", "wider"):
        frame = appraisal.verdict_map(s, SCALE, *axes[claim], appraisal.claim_estimates)
        cell = frame[(frame["claim"] == claim) & frame["run"]]
        assert len(cell) == 2  # one cell, two readings
        for r in cell.itertuples():
            assert Estimate(r.central, r.low, r.high, r.mc) == run[claim][r.reading]
        assert text.map_run_verdict(frame, claim) == text.claim_verdict(run[claim], claim)
        table = text.verdict_map_table(frame, claim, s)
        marked = [c for c in table.iloc[:, 1:].to_numpy().ravel() if "this page's inputs" in c]
        assert len(marked) == 1 and marked[0].startswith(text.claim_verdict(run[claim], claim)[0] + " (")
        # With fewer draws than the run's, no cell is the run, and none says so.
        fewer = appraisal.verdict_map(s, SCALE, *axes[claim], appraisal.claim_estimates, draws=1000)
        assert not fewer["run"].any() and text.map_run_verdict(fewer, claim) is None


def test_a_held_line_is_not_the_run_but_the_drawn_column_is():
    # The pessimistic book's cash map read "not supported" at the corporate line held at its most likely 0.5%
    # while the page said "partly supported": holding a line at one value removes its spread. The drawn column
    # is the run; the held one is labelled as held.
    s = settings(mc_draws=2000)
    frame = appraisal.verdict_map(s, SCALE, ("corporate", [0.005, appraisal.AS_RUN]),
                                  ("capital_optimism_bias", [0.5]), appraisal.claim_estimates)
    assert frame[frame["corporate"].isna()]["run"].all() and not frame[frame["corporate"] == 0.005]["run"].any()
    table = text.verdict_map_table(frame, "cash", s)
    assert list(table.columns) == ["Optimism bias on one-off costs", "Corporate overheads and leadership: 0.5%",
                                   "Corporate overheads and leadership: drawn 0.2% / 0.5% / 1.0% (this page)"]
    assert table.iloc[0, 0] == "50.0% (this page)"


@pytest.mark.slow  # the real data, two scenarios' claims and maps (a few seconds)
@pytest.mark.parametrize("name", ["default.yaml", "pessimistic_appraisal.yaml"])
def test_the_verdict_maps_agree_with_the_claims_register(ambsys, name):
    from se_ambulance.claims.cache import claim_results

    params = load_params(ROOT / "params" / name)
    s = appraisal.Settings.from_params(params.area("appraisal"))
    sc = appraisal.scale(ambsys, CASE_GROUP_MEMBERS, s)  # the book's group is the case's in both scenarios
    results = claim_results(list(text.CLAIM_IDS.values()), appraisal=params.area("appraisal"))
    axes = appraisal.verdict_map_axes(s)
    for claim, claim_id in text.CLAIM_IDS.items():
        frame = appraisal.verdict_map(s, sc, *axes[claim], appraisal.claim_estimates)
        assert text.map_run_verdict(frame, claim) == (results[claim_id].verdict, results[claim_id].reading), name


# --- 4. The maps' axes come from the run's settings ------------------------------------------------------

def test_the_verdict_map_axes_follow_the_settings():
    canonical = appraisal.verdict_map_axes(settings())
    assert canonical == {"cash": (("corporate", [0.002, 0.005, 0.01, 0.02, None]),
                                  ("capital_optimism_bias", [0.1, 0.5, 2.0])),
                         "wider": (("realisation", [0.28, 0.69, 1.0, None]),
                                   ("productivity", [0.05, 0.15, 0.3, 0.6, None]))}
    pessimistic = appraisal.verdict_map_axes(scenario("pessimistic_appraisal.yaml"))
    assert pessimistic["wider"][0] == ("realisation", [0.2, 0.36, 0.69, None])
    assert pessimistic["cash"][1] == ("capital_optimism_bias", [0.1, 2.0])
    changed = appraisal.verdict_map_axes(settings(capital_optimism_bias=1.0, register_overrides={
        "corporate": {"low": 0.004, "central": 0.008, "high": 0.012}, "productivity": {"high": 0.4}}))
    assert changed["cash"] == (("corporate", [0.004, 0.008, 0.012, 0.02, None]),
                               ("capital_optimism_bias", [0.1, 1.0, 2.0]))
    assert changed["wider"][1] == ("productivity", [0.05, 0.15, 0.4, 0.8, None])
    # A range with no spread is a point: its held value is the run, and there is no drawn column.
    fixed = appraisal.verdict_map_axes(settings(realisation={"low": 0.5, "central": 0.5, "high": 0.5}))
    assert fixed["wider"][0] == ("realisation", [0.5])


def test_the_page_takes_its_map_axes_from_the_package():
    src = code()
    assert src.count("verdict_map_axes(settings)") == 1
    assert not re.search(r"verdict_map\([^)]*\[[0-9.]", src) and "draws=" not in src


# --- 5. The dependence sentence says which way the numbers it describes move -----------------------------

def dependence_frame(chances_year, chances_total, intervals):
    rows = []
    for rho, p_year, p_total, (low, high) in zip((0.0, 0.5, 1.0), chances_year, chances_total, intervals):
        rows += [{"correlation": rho, "claim": "cash", "reading": "a_year", "central": 10e6, "low": low, "high": high},
                 {"correlation": rho, "claim": "cash", "reading": "pv_total", "central": 30e6, "low": 10e6,
                  "high": 50e6},
                 {"correlation": rho, "claim": "cash_10m_a_year", "reading": "probability", "central": p_year,
                  "low": p_year, "high": p_year},
                 {"correlation": rho, "claim": "cash_10m_in_total", "reading": "probability", "central": p_total,
                  "low": p_total, "high": p_total}]
    return pd.DataFrame(rows)


def test_the_dependence_sentence_follows_the_table():
    # The LAS + SCAS book: about 6 in 10, about 6 in 10, about even: the yearly chance falls.
    las = dependence_frame((0.6, 0.58, 0.5), (0.98, 0.9, 0.88), [(7.6e6, 13.9e6), (5.7e6, 15.9e6), (4.5e6, 17.4e6)])
    words = text.dependence_words(las)
    assert "widens" in words and "the chance of the yearly £10 million falls from about 6 in 10 to about even" in words
    assert "rises" not in words
    table = text.dependence_table(las)
    assert table["chance of £10m a year"].iloc[0] in words and table["chance of £10m a year"].iloc[-1] in words
    # The canonical book: about 1 in 20 to about 2 in 10: it rises.
    canonical = dependence_frame((0.05, 0.2, 0.21), (0.95, 0.9, 0.8), [(5.5e6, 10e6), (4.1e6, 11.4e6), (3.3e6, 12.6e6)])
    assert "the chance of the yearly £10 million rises from about 1 in 20 to about 2 in 10" in text.dependence_words(canonical)
    assert "as a present value falls from about 19 in 20 to about 8 in 10" in text.dependence_words(canonical)
    # Unchanged in the table's rounding: it stays; a narrower interval narrows.
    same = dependence_frame((0.6, 0.6, 0.61), (0.9, 0.9, 0.9), [(5e6, 10e6), (5e6, 9e6), (6e6, 9e6)])
    assert "stays about 6 in 10" in text.dependence_words(same) and "narrows" in text.dependence_words(same)


def test_the_page_types_no_direction_for_the_dependence():
    md = markdown()
    assert "spread widens and the chance" not in md and "{glue:text}`dependence_effect`" in md


# --- 6. Wording: the median before its interval, a sentence that stands alone, names, and the per-incident sum ----

def test_a_median_is_named_before_its_interval():
    assert text._range(Estimate(25.9e6, 11.2e6, 42.5e6)) == "£25.9 million (90% interval £11.2 million to £42.5 million)"
    assert text._range(Estimate(7.6e6, 5.5e6, 10e6), " a year") == \
        "£7.6 million a year (90% interval £5.5 million to £10.0 million)"
    md = markdown()
    for key in ("npv_median", "cash_year", "cash_pv", "wider_year", "wider_pv"):
        assert re.search(r"a median of\s+\{glue:text\}`" + key + "`", md), key
    assert ") (median)" not in md and "`npv_median` (median)" not in md


def test_the_page_does_not_refer_to_an_earlier_version_of_itself():
    assert "as the chapter counted it before" not in markdown()


def test_the_income_per_incident_today_is_explained_from_the_income_years():
    # £345 an incident in 2023/24 (2025/26 prices), over 10% more incidents today: £313.64.
    eq = {"per_incident": 345 / 1.1, "incidents": 1.1e6, "incidents_income_year": 1.0e6, "incidents_ratio": 1.1,
          "per_incident_income_year": 345.0}
    words = text.per_incident_words(eq, 2025, settings())
    assert words == ("£314 is the estimated income over the group's 1.10 million incidents in 2025/26: the estimate "
                     "rests on its 1.00 million incidents of 2023/24 at £345 each (2025/26 prices), and the group now "
                     "has 10% more incidents than then.")
    set_by_reader = text.per_incident_words(eq | {"per_incident_income_year": None}, 2025, settings())
    assert "group_turnover_m" in set_by_reader


def test_the_income_per_incident_adds_up(ambsys):
    s = settings()
    sc = appraisal.scale(ambsys, CASE_GROUP_MEMBERS, s)
    eq = appraisal.incident_equivalents(ambsys, s, sc)
    assert eq["per_incident"] == pytest.approx(eq["per_incident_income_year"] / eq["incidents_ratio"])
    assert eq["incidents_income_year"] * sc.income_per_incident == pytest.approx(sc.turnover)
    assert "{glue:text}`per_incident_how`" in markdown()


def test_the_income_words_follow_the_source_and_the_readers_income(ambsys):
    sc = appraisal.scale(ambsys, CASE_GROUP_MEMBERS, settings())
    words = text.income_words(sc, settings())
    assert "the ten English ambulance trusts, 2023/24" in words and "£519 million to £675 million" in words
    reader = text.income_words(sc, settings(group_turnover_m=700))
    assert "set by the reader" in reader and "£700 million" in reader and "published" not in reader
    table = text.income_sources_table(sc)
    assert list(table["£m"]) == [4035.0, 414.3, 456.6, 250.8] and set(table["evidence"]) == {"amber", "red"}


def test_the_lowest_conveying_trust_is_named(ambsys):
    s = settings(mc_draws=1000)
    sc = appraisal.scale(ambsys, CASE_GROUP_MEMBERS, s)
    from se_ambulance.reference.orgs import Group

    words = text.chapter_text(s, sc, appraisal.simulate(s, sc), ambsys, Group.from_params(
        {"name": "SCAS + SECAmb", "members": list(CASE_GROUP_MEMBERS)}))
    for key in ("floor_org", "best_org"):
        assert not re.fullmatch(r"[A-Z0-9]{3}", words[key]) and re.search(r"\([A-Za-z]+\)$", words[key]), words[key]
