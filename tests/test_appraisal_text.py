"""Chapter 5's words follow the numbers and settings they describe: the break-even sentence for every case, the
optimism-bias and Monitor sentences for the values used, the dependence sentence's direction, the verdict maps'
axes from the run's own sensitivity results and their cell at the run's own inputs, the trusts named, not coded, and
sentences short enough for a board paper whatever the parameters."""

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
from se_ambulance.publish.readability import code_names, sentences
from se_ambulance.publish.readability import words as word_count
from se_ambulance.reference.orgs import CASE_GROUP_MEMBERS

ROOT = project_root()
SCALE = appraisal.Scale(
    turnover=100e6, carter_share=0.1, year=2024, members=CASE_GROUP_MEMBERS, income_per_incident=300.0
)


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


# The book's limit (tests/test_readability.py): a chapter's median sentence at most 25 words, none over about 35.
# A glued sentence is held to the median's limit, so that it never pushes the page over it.
SHORT = 25


def assert_short(text_: str, limit: int = SHORT) -> None:
    assert text_, "no words"
    for sentence in sentences(text_):
        assert word_count(sentence) <= limit, (word_count(sentence), sentence)


# --- 1. Break-even: every combination of a median and 90% range that does or does not turn positive ---------

NEVER = np.nan


@pytest.mark.parametrize(
    "years, expected",
    [
        (
            [5.0] * 5 + [6.0] * 10 + [8.0] * 5,
            ["turns positive in year 6 (2030/31).", "between year 5 (2029/30) and year 8 (2032/33)."],
        ),
        ([6.0] * 20, ["It does so in year 6 (2030/31) in the middle 90% of draws."]),
        (
            [4.0] * 2 + [7.0] * 14 + [NEVER] * 4,
            [
                "In the median draw the discounted cash position turns positive in year 7",
                "The earliest 5% of draws do so by year 4 (2028/29).",
                "In all, 20.0% of draws (about 2 in 10) never break even",
            ],
        ),
        (
            [9.0] * 2 + [10.0] * 6 + [NEVER] * 12,
            [
                "In the median draw the discounted cash position does not turn positive within the 10 years.",
                "60.0% of draws (about 6 in 10) never break even",
                "Even the earliest 5% of draws break even only by year 9 (2033/34).",
            ],
        ),
        ([NEVER] * 20, ["In more than 95% of draws the discounted cash position does not turn positive within the 10"]),
    ],
)
def test_the_breakeven_sentence_reads_for_every_case(years, expected):
    sentence = text.breakeven_sentence(appraisal.breakeven_summary(np.array(years)), 10)
    for words_ in expected:
        assert words_ in sentence
    # The defects it replaces: "turns positive in not within the period", "between X to Y", and one sentence of 53
    # words glued to the page's "Counted over all draws, ...".
    assert "in not" not in sentence and "to not" not in sentence and not re.search(r"between [^.]* to ", sentence)
    assert sentence.endswith(".") and sentence[0].isupper()
    assert_short(sentence)


def test_the_page_reads_the_breakeven_sentence_whole():
    md = markdown()
    assert "{glue:md}`be_sentence`" in md
    assert "be_median" not in md and "be_range" not in md
    assert "never pay back, {glue:md}`be_sentence`" not in md  # the glued value is whole sentences


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
    assert (
        "below the guidance's lower bound"
        in text.optimism_bias_words(settings(capital_optimism_bias=0.05))["ob_capital_why"]
    )
    assert (
        "the guidance's lower bound, 10%"
        in text.optimism_bias_words(settings(capital_optimism_bias=0.1))["ob_capital_why"]
    )
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


@pytest.mark.parametrize(
    "share, words",
    [
        (0.005, "below Monitor's band (1–3%)"),
        (0.014, "inside Monitor's band (1–3%)"),
        (0.04, "above Monitor's band (1–3%)"),
    ],
)
def test_the_cash_lines_are_placed_against_monitors_band(share, words):
    assert text.monitor_band_words(share) == words


@pytest.mark.parametrize(
    "share, words, not_words",
    [
        (0.005, "saves less than a full merger", "as much as"),
        (
            0.014,
            "although a group is not a merger, the register's central values assume it saves as much as a full merger "
            "would at the low end of the band",
            "less than",
        ),
        (0.025, "saves as much as a full merger would.", "low end"),
        (0.04, "saves more than full mergers did", "less than"),
    ],
)
def test_the_words_about_a_group_and_a_merger_follow_the_cash_lines_total(share, words, not_words):
    """The register once said the corporate line was cut because a group is not a merger while its cash lines
    totalled 1.4%, inside the full-merger band: the sentence now says what the total means, on both sides of
    each edge of the band."""
    sentence = text.merger_band_sentence(share)
    assert words in sentence and not_words not in sentence


# --- 3. The verdict map's cell at the run's own inputs is the run ---------------------------------------


def run_axes(s: appraisal.Settings, sc=SCALE) -> dict:
    """The maps' axes as the chapter takes them: from the run's own Sobol indices."""
    return text.map_axes(s, sc, appraisal.sobol(s, sc, base_samples=256))


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {
            "capital_optimism_bias": 2.0,
            "operating_optimism_bias": 0.41,
            "realisation": {"low": 0.2, "central": 0.36, "high": 0.69},
        },
    ],
)
def test_the_verdict_maps_cell_at_the_runs_inputs_is_the_run(changes):
    s = settings(mc_draws=2000, **changes)
    run = appraisal.claim_estimates(appraisal.simulate(s, SCALE))
    axes = run_axes(s)
    for claim in ("cash", "wider"):
        frame = appraisal.verdict_map(s, SCALE, *axes[claim], appraisal.claim_estimates)
        cell = frame[(frame["claim"] == claim) & frame["run"]]
        assert len(cell) == 2  # one cell, two readings
        for r in cell.itertuples():
            assert Estimate(r.central, r.low, r.high, r.mc) == run[claim][r.reading]
        assert text.map_run_verdict(frame, claim) == text.claim_verdict(run[claim], claim)
        table = text.verdict_map_table(frame, claim, s, SCALE)
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
    frame = appraisal.verdict_map(
        s, SCALE, ("corporate", [0.005, appraisal.AS_RUN]), ("capital_optimism_bias", [0.5]), appraisal.claim_estimates
    )
    assert frame[frame["corporate"].isna()]["run"].all() and not frame[frame["corporate"] == 0.005]["run"].any()
    table = text.verdict_map_table(frame, "cash", s, SCALE)
    corporate = "Corporate overheads and leadership, as a share of income"
    assert list(table.columns) == [
        ("", "Optimism bias on one-off costs"),
        (corporate, "0.5%"),
        (corporate, "drawn 0.2% / 0.5% / 1% (this page)"),
    ]
    assert table.iloc[0, 0] == "50% (this page)"


def map_medians(frame: pd.DataFrame, claim: str) -> pd.DataFrame:
    """A map's medians of the reading that decides, rows = y values, columns = x values."""
    x, y = frame.columns[:2]
    sub = frame[(frame["claim"] == claim) & (frame["reading"] == text.register_claim(text.CLAIM_IDS[claim]).reading)]
    return sub.pivot_table(index=sub[y].fillna(-1), columns=sub[x].fillna(-1), values="central")


def assert_both_axes_move_the_verdicts_reading(frame: pd.DataFrame, claim: str) -> None:
    """The map's defect: its rows held the optimism bias on one-off costs, which no yearly amount contains, so every
    row was the same. Each axis of a map must move the median of the reading that decides."""
    m = map_medians(frame, claim)
    assert len(m.index) > 1 and len(m.columns) > 1
    assert (m.max(axis=0) - m.min(axis=0) > 1e4).all(), f"{claim}: some rows are the same\n{m}"
    assert (m.max(axis=1) - m.min(axis=1) > 1e4).all(), f"{claim}: some columns are the same\n{m}"


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {
            "capital_optimism_bias": 2.0,
            "operating_optimism_bias": 0.41,
            "realisation": {"low": 0.2, "central": 0.36, "high": 0.69},
        },
    ],
)
def test_each_axis_of_each_map_moves_the_reading_that_decides(changes):
    s = settings(mc_draws=1000, **changes)
    axes = run_axes(s)
    for claim in ("cash", "wider"):
        assert "capital_optimism_bias" not in (axes[claim][0][0], axes[claim][1][0])  # no yearly amount holds it
        assert_both_axes_move_the_verdicts_reading(
            appraisal.verdict_map(s, SCALE, *axes[claim], appraisal.claim_estimates), claim
        )


@pytest.mark.slow  # the real data, two scenarios' claims and maps (a few seconds)
@pytest.mark.parametrize("name", ["default.yaml", "pessimistic_appraisal.yaml"])
def test_the_verdict_maps_agree_with_the_claims_register(ambsys, name):
    from se_ambulance.claims.cache import claim_results

    params = load_params(ROOT / "params" / name)
    s = appraisal.Settings.from_params(params.area("appraisal"))
    sc = appraisal.scale(ambsys, CASE_GROUP_MEMBERS, s)  # the book's group is the case's in both scenarios
    results = claim_results(list(text.CLAIM_IDS.values()), appraisal=params.area("appraisal"))
    indices = appraisal.sobol(s, sc)
    axes = text.map_axes(s, sc, indices)
    # The inputs that decide the yearly verdicts (the run's Sobol indices): the corporate line and control rooms and
    # IT for the £10 million, the realised share and Carter's productivity line for the £80 million.
    assert {k: (axes[k][0][0], axes[k][1][0]) for k in axes} == {
        "cash": ("control_it", "corporate"),
        "wider": ("productivity", "realisation"),
    }, name
    for claim, claim_id in text.CLAIM_IDS.items():
        frame = appraisal.verdict_map(s, sc, *axes[claim], appraisal.claim_estimates)
        assert text.map_run_verdict(frame, claim) == (results[claim_id].verdict, results[claim_id].reading), name
        assert_both_axes_move_the_verdicts_reading(frame, claim)
        # The inputs it names are the ones the claim's own "what decides" names first.
        decide = [x["input"] for x in results[claim_id].sensitivity["rests_on"]]
        assert decide[:2] == [axes[claim][1][0], axes[claim][0][0]], name
        # And it names exactly the inputs the page's table shows at 10% or more in the deciding reading's column (the
        # pessimistic book's income, shown at 10% of the yearly cash variance, was left out by an 80% cut-off).
        table = text.sobol_table(indices, appraisal.input_quality(s, sc), s)
        column = f"share of variance: {text.SOBOL_COLUMNS[text.deciding_outcome(claim)]}"
        labels = text.input_labels(s)
        assert sorted(labels[x] for x in decide) == sorted(
            table.loc[table[column].str.rstrip("%").astype(float) >= 10, "assumption"]
        ), name
    if name == "pessimistic_appraisal.yaml":
        assert "income" in [x["input"] for x in results["efficiencies-10m"].sensitivity["rests_on"]]


# --- 4. The maps' axes: the inputs that decide, at the run's own values ----------------------------------


def sobol_frame(outcome: str, st: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame([{"input": k, "outcome": outcome, "S1": v, "ST": v, "ST_conf": 0.0} for k, v in st.items()])


def test_a_map_holds_the_two_inputs_that_decide_its_reading():
    s = settings()
    yearly = sobol_frame("annual_cash_savings", {"corporate": 0.35, "income": 0.1, "control_it": 0.19, "estates": 0.07})
    total = sobol_frame("npv_cash", {"it_convergence": 0.5, "transition": 0.3})
    indices = pd.concat([yearly, total])
    # The larger index on the rows (y), the other on the columns (x); the other outcome's indices play no part.
    assert appraisal.map_inputs(indices, "annual_cash_savings", s, SCALE) == ("control_it", "corporate")
    assert appraisal.map_inputs(indices, "npv_cash", s, SCALE) == ("transition", "it_convergence")
    # The register's reading decides which outcome: a yearly amount for both claims.
    assert text.deciding_outcome("cash") == "annual_cash_savings" and text.deciding_outcome("wider") == "annual_wider"
    # Fewer than two inputs that move it: the next inputs in draw order make up the pair.
    one = sobol_frame("annual_cash_savings", {"corporate": 0.9, "control_it": 0.0})
    first = next(iter(appraisal.uncertain_inputs(s, SCALE)))
    assert appraisal.map_inputs(one, "annual_cash_savings", s, SCALE) == (first, "corporate")
    assert appraisal.map_inputs(one.iloc[:0], "annual_cash_savings", s, SCALE)[1] == first


def test_the_verdict_map_axes_follow_the_settings():
    chosen = {"cash": ("control_it", "corporate"), "wider": ("productivity", "realisation")}
    canonical = appraisal.verdict_map_axes(settings(), SCALE, chosen)
    assert canonical == {
        "cash": (("control_it", [0.0, 0.002, 0.005, None]), ("corporate", [0.002, 0.005, 0.01, 0.02, None])),
        "wider": (("productivity", [0.05, 0.15, 0.3, 0.6, None]), ("realisation", [0.28, 0.69, 1.0, None])),
    }
    pessimistic = appraisal.verdict_map_axes(scenario("pessimistic_appraisal.yaml"), SCALE, chosen)
    assert pessimistic["wider"][1] == ("realisation", [0.2, 0.36, 0.69, None])
    changed = appraisal.verdict_map_axes(
        settings(
            register_overrides={
                "corporate": {"low": 0.004, "central": 0.008, "high": 0.012},
                "productivity": {"high": 0.4},
            }
        ),
        SCALE,
        chosen,
    )
    assert changed["cash"][1] == ("corporate", [0.004, 0.008, 0.012, 0.02, None])
    assert changed["wider"][0] == ("productivity", [0.05, 0.15, 0.4, 0.8, None])
    # A range with no spread is a point: its held value is the run, and there is no drawn column.
    fixed = appraisal.verdict_map_axes(settings(realisation={"low": 0.5, "central": 0.5, "high": 0.5}), SCALE, chosen)
    assert fixed["wider"][1] == ("realisation", [0.5])
    # Optimism bias keeps the guidance's bounds as yardsticks, should a map ever hold it.
    assert appraisal.map_axis(settings(), "capital_optimism_bias") == ("capital_optimism_bias", [0.1, 0.5, 2.0])


def test_the_income_can_be_held_on_a_map():
    """The income is drawn from the published incomes' range; a map holds it as the reader's income."""
    sc = appraisal.Scale(
        turnover=100e6,
        carter_share=0.1,
        year=2024,
        members=CASE_GROUP_MEMBERS,
        income_per_incident=300.0,
        income_range=(0.8, 1.0, 1.0),
    )
    s = settings(mc_draws=1000)
    assert "income" in appraisal.uncertain_inputs(s, sc)
    assert appraisal.map_axis(s, "income", sc) == ("income", [0.8, 1.0, None])
    assert appraisal.with_input(s, "income", 0.8, sc).group_turnover_m == pytest.approx(80.0)
    with pytest.raises(ValueError, match="scale"):
        appraisal.with_input(s, "income", 0.8)
    frame = appraisal.verdict_map(
        s, sc, ("income", [0.8, 1.0, None]), ("corporate", [0.005]), appraisal.claim_estimates
    )
    table = text.verdict_map_table(frame, "cash", s, sc)
    assert [c[1] for c in table.columns[1:]] == ["£80m", "£100m", "drawn £80m / £100m / £100m"]
    assert table.columns[1][0] == "The group's income, from published sources"
    words = text.map_words(
        "cash",
        {"cash": (("income", []), ("corporate", []))},
        sobol_frame("annual_cash_savings", {"corporate": 0.4, "income": 0.3}),
        s,
    )
    assert "The columns hold the group's income, which explains 30%." in words["cash_map_intro"]
    assert "in place of its drawn range" in words["cash_map_how"]


def test_the_maps_words_name_what_they_hold_and_why():
    s = settings()
    axes = {"cash": (("control_it", []), ("corporate", [])), "wider": (("productivity", []), ("realisation", []))}
    indices = pd.concat(
        [
            sobol_frame("annual_cash_savings", {"corporate": 0.351, "control_it": 0.19, "estates": 0.004}),
            sobol_frame("annual_wider", {"realisation": 0.48, "productivity": 0.32}),
        ]
    )
    cash = text.map_words("cash", axes, indices, s)
    assert (
        "The rows hold the corporate overheads and leadership line, which explains 35% of the spread in the yearly "
        "cash savings. The columns hold the control rooms and IT systems line, which explains 19%."
    ) in cash["cash_map_intro"]
    assert "the verdict on the £10 million" in cash["cash_map_intro"] and "on a yearly amount" in cash["cash_map_intro"]
    assert "the middle of Monitor's band for a full merger" in cash["cash_map_how"]
    assert "optimism bias" not in " ".join(cash.values())  # it is not on this map
    wider = text.map_words("wider", axes, indices, s)
    assert "The rows hold the share of planned benefits realised, which explains 48%" in wider["wider_map_intro"]
    assert "twice its high value" in wider["wider_map_how"] and "Monitor" not in wider["wider_map_how"]
    # An input that explains a little reads as such; an outcome that does not vary says so.
    small = text.map_words("cash", {"cash": (("estates", []), ("corporate", []))}, indices, s)["cash_map_intro"]
    assert "which explains less than 1%" in small
    flat = text.map_words("cash", axes, indices[indices["outcome"] == "annual_wider"], s)["cash_map_intro"]
    assert "do not vary with any input, so no input moves the verdict" in flat and "explains" not in flat
    for words_ in (cash, wider, {"x": small}, {"y": flat}):
        for value in words_.values():
            assert_short(value)
            assert code_names(value) == []


def test_the_page_takes_its_map_axes_from_the_package():
    src = code()
    assert src.count("text.map_axes(settings, scale, indices)") == 1 and src.count("appraisal.sobol(") == 1
    assert "verdict_map_axes(" not in src  # no axes chosen by hand
    assert not re.search(r"verdict_map\([^)]*\[[0-9.]", src) and "draws=" not in src
    md = markdown()
    for key in ("cash_map_intro", "cash_map_how", "wider_map_intro", "wider_map_how"):
        assert "{glue:md}`" + key + "`" in md
    assert "optimism bias does not move" not in md and "One is the corporate line" not in md


# --- 5. The dependence sentence says which way the numbers it describes move -----------------------------


def dependence_frame(chances_year, chances_total, intervals):
    rows = []
    for rho, p_year, p_total, (low, high) in zip((0.0, 0.5, 1.0), chances_year, chances_total, intervals):
        rows += [
            {"correlation": rho, "claim": "cash", "reading": "a_year", "central": 10e6, "low": low, "high": high},
            {"correlation": rho, "claim": "cash", "reading": "pv_total", "central": 30e6, "low": 10e6, "high": 50e6},
            {
                "correlation": rho,
                "claim": "cash_10m_a_year",
                "reading": "probability",
                "central": p_year,
                "low": p_year,
                "high": p_year,
            },
            {
                "correlation": rho,
                "claim": "cash_10m_in_total",
                "reading": "probability",
                "central": p_total,
                "low": p_total,
                "high": p_total,
            },
        ]
    return pd.DataFrame(rows)


def test_the_dependence_sentence_follows_the_table():
    # The LAS + SCAS book: about 6 in 10, about 6 in 10, about even: the yearly chance falls.
    las = dependence_frame((0.6, 0.58, 0.5), (0.98, 0.9, 0.88), [(7.6e6, 13.9e6), (5.7e6, 15.9e6), (4.5e6, 17.4e6)])
    words_ = text.dependence_words(las)
    assert (
        "widens" in words_ and "The chance of the yearly £10 million falls from about 6 in 10 to about even." in words_
    )
    assert "rises" not in words_
    table = text.dependence_table(las)
    assert table["chance of £10m a year"].iloc[0] in words_ and table["chance of £10m a year"].iloc[-1] in words_
    # The canonical book: about 1 in 20 to about 2 in 10: it rises.
    canonical = dependence_frame((0.05, 0.2, 0.21), (0.95, 0.9, 0.8), [(5.5e6, 10e6), (4.1e6, 11.4e6), (3.3e6, 12.6e6)])
    assert "The chance of the yearly £10 million rises from about 1 in 20 to about 2 in 10." in text.dependence_words(
        canonical
    )
    assert "as a present value falls from about 19 in 20 to about 8 in 10." in text.dependence_words(canonical)
    # Unchanged in the table's rounding: it stays; a narrower interval narrows.
    same = dependence_frame((0.6, 0.6, 0.61), (0.9, 0.9, 0.9), [(5e6, 10e6), (5e6, 9e6), (6e6, 9e6)])
    assert "stays about 6 in 10." in text.dependence_words(same) and "narrows." in text.dependence_words(same)
    # Three short sentences, not one of 50 words glued after a colon.
    for frame in (las, canonical, same):
        got = text.dependence_words(frame)
        assert len(sentences(got)) == 3 and got.startswith("From independent to comonotonic cash lines")
        assert_short(got)


def test_the_page_types_no_direction_for_the_dependence():
    md = markdown()
    assert "spread widens and the chance" not in md and "{glue:md}`dependence_effect`" in md
    assert "degree: {glue:md}`dependence_effect`" not in md  # the glued value is whole sentences


# --- 6. Wording: the median before its interval, a sentence that stands alone, names, and the per-incident sum ----


def test_a_median_is_named_before_its_interval():
    assert (
        text._range(Estimate(25.9e6, 11.2e6, 42.5e6)) == "£25.9 million (90% interval £11.2 million to £42.5 million)"
    )
    assert (
        text._range(Estimate(7.6e6, 5.5e6, 10e6), " a year")
        == "£7.6 million a year (90% interval £5.5 million to £10.0 million)"
    )
    md = markdown()
    for key in ("npv_median", "cash_year", "cash_pv", "wider_year", "wider_pv"):
        assert re.search(r"a median of\s+\{glue:text\}`" + key + "`", md), key
    assert ") (median)" not in md and "`npv_median` (median)" not in md


def test_the_page_does_not_refer_to_an_earlier_version_of_itself():
    assert "as the chapter counted it before" not in markdown()


def test_the_income_per_incident_today_is_explained_from_the_income_years():
    # £345 an incident in 2023/24 (2025/26 prices), over 10% more incidents today: £313.64.
    eq = {
        "per_incident": 345 / 1.1,
        "incidents": 1.1e6,
        "incidents_income_year": 1.0e6,
        "incidents_ratio": 1.1,
        "per_incident_income_year": 345.0,
    }
    words_ = text.per_incident_words(eq, 2025, settings())
    assert words_ == (
        "The £314 is the estimated income spread over the group's 1.10 million incidents in 2025/26. The "
        "estimate rests on its 1.00 million incidents of 2023/24 at £345 each, in 2025/26 prices. The "
        "group now has 10% more incidents than then."
    )
    fewer = text.per_incident_words(eq | {"incidents_ratio": 0.9}, 2025, settings())
    assert fewer.endswith("The group now has 10% fewer incidents than then.")
    same = text.per_incident_words(eq | {"incidents_ratio": 1.002}, 2025, settings())
    assert same.endswith("The group now has as many incidents as then.")
    # The reader's own income is named in words: its parameter's name belongs in the collapsed method only.
    set_by_reader = text.per_incident_words(eq | {"per_incident_income_year": None}, 2025, settings())
    assert (
        set_by_reader == "The £314 is the group's income as the reader set it, spread over its 1.10 million "
        "incidents in 2025/26."
    )
    for got in (words_, fewer, same, set_by_reader):
        assert code_names(got) == [] and "`" not in got
        assert_short(got)


def test_the_income_per_incident_adds_up(ambsys):
    s = settings()
    sc = appraisal.scale(ambsys, CASE_GROUP_MEMBERS, s)
    eq = appraisal.incident_equivalents(ambsys, s, sc)
    assert eq["per_incident"] == pytest.approx(eq["per_incident_income_year"] / eq["incidents_ratio"])
    assert eq["incidents_income_year"] * sc.income_per_incident == pytest.approx(sc.turnover)
    assert "{glue:md}`per_incident_how`" in markdown()


def test_the_income_words_follow_the_source_and_the_readers_income(ambsys):
    sc = appraisal.scale(ambsys, CASE_GROUP_MEMBERS, settings())
    words = text.income_words(sc, settings())
    assert "the ten English ambulance trusts, 2023/24" in words and "£519 million to £675 million" in words
    reader = text.income_words(sc, settings(group_turnover_m=700))
    assert "set by the reader" in reader and "£700 million" in reader and "published" not in reader
    table = text.income_sources_table(sc)
    assert list(table["£m"]) == [4035.0, 414.3, 456.6, 250.8] and set(table["evidence"]) == {"amber", "red"}
    # The income is a range only when it is not the reader's (the page once said "a range" of a reader's £700m).
    assert "is a range" in words and "is a range" not in reader
    assert "is a range built from the published trust incomes" in text.income_summary(sc, settings())
    own = text.income_summary(sc, settings(group_turnover_m=700))
    assert own == "So the group's income here is the reader's own figure, £700 million a year." and "range" not in own


def test_the_monte_carlos_inputs_and_the_corporate_line_follow_the_parameters():
    sc = appraisal.Scale(
        turnover=100e6,
        carter_share=0.1,
        year=2024,
        members=CASE_GROUP_MEMBERS,
        income_per_incident=300.0,
        income_range=(0.8, 1.0, 1.0),
    )
    assert text.drawn_inputs_words(settings(), sc) == (
        "the register lines, the realised share, the delay, the price change, the share of savings the trusts would "
        "make anyway and the group's income"
    )
    fixed = {"low": 0.5, "central": 0.5, "high": 0.5}
    assert text.drawn_inputs_words(settings(group_turnover_m=700, realisation=fixed), sc) == (
        "the register lines, the delay, the price change and the share of savings the trusts would make anyway"
    )
    assert "{glue:text}`drawn_inputs`" in markdown() and "{glue:text}`corporate_high`" in markdown()
    assert "runs only up to 1%" not in markdown()


def test_whole_sentences_are_pasted_as_markdown_and_numbers_as_text(ambsys):
    """myst-nb sets `{glue:text}` in bold: right for a number, wrong for a paragraph of glued sentences (the verdict
    maps' introductions read as bold blocks). Whole sentences are `Prose`, glued as Markdown and pasted with
    `{glue:md}`; a Markdown value pasted with `{glue:text}` would show its repr, so the two sets must match."""
    from se_ambulance.publish.report import Prose
    from se_ambulance.reference.orgs import Group

    s = settings(mc_draws=1000)
    sc = appraisal.scale(ambsys, CASE_GROUP_MEMBERS, s)
    words_ = text.chapter_text(s, sc, appraisal.simulate(s, sc), ambsys, Group("SCAS + SECAmb", CASE_GROUP_MEMBERS))
    axes = {"cash": (("control_it", []), ("corporate", [])), "wider": (("productivity", []), ("realisation", []))}
    indices = sobol_frame("annual_cash_savings", {"corporate": 0.3, "control_it": 0.2})
    words_ |= text.map_words("cash", axes, indices, s) | text.map_words("wider", axes, indices, s)
    words_ |= text.verdict_values(
        {
            "efficiencies-10m": _money_result("efficiencies-10m", "supported", 12e6),
            "wider-benefits-80m": _money_result("wider-benefits-80m", "supported", 90e6),
        },
        Group("SCAS + SECAmb", CASE_GROUP_MEMBERS),
    )
    words_["dependence_effect"] = text.dependence_words(
        dependence_frame((0.05, 0.2, 0.21), (0.95, 0.9, 0.8), [(5.5e6, 10e6), (4.1e6, 11.4e6), (3.3e6, 12.6e6)])
    )
    prose = {k for k, v in words_.items() if isinstance(v, Prose)}
    md = markdown()
    assert set(re.findall(r"\{glue:md\}`([^`]+)`", md)) == prose
    assert not prose & set(re.findall(r"\{glue:text\}`([^`]+)`", md))
    assert {
        "be_sentence",
        "per_incident_how",
        "dependence_effect",
        "cash_map_intro",
        "wider_map_how",
        "cash_verdict",
        "planned_savings_evidence",
    } <= prose
    assert "glue_values(words)" in code() and "glue(" not in code()  # Prose is glued as Markdown by glue_values


def test_the_lowest_conveying_trust_is_named(ambsys):
    s = settings(mc_draws=1000)
    sc = appraisal.scale(ambsys, CASE_GROUP_MEMBERS, s)
    from se_ambulance.reference.orgs import Group

    words = text.chapter_text(
        s,
        sc,
        appraisal.simulate(s, sc),
        ambsys,
        Group.from_params({"name": "SCAS + SECAmb", "members": list(CASE_GROUP_MEMBERS)}),
    )
    for key in ("floor_org", "best_org"):
        assert not re.fullmatch(r"[A-Z0-9]{3}", words[key]) and re.search(r"\([A-Za-z]+\)$", words[key]), words[key]


# --- 7. What the verdict rests on, said where a board member reads it ----------------------------------------


def _result(verdict: str, best: str, between=(), claim_id: str = "efficiencies-10m"):
    from types import SimpleNamespace

    return SimpleNamespace(
        id=claim_id,
        verdict=verdict,
        sensitivity={
            "best_evidenced": best,
            "best_evidenced_between": list(between),
            "rests_on": [],
            "seeds": 10,
            "seeds_same": 10,
        },
    )


@pytest.mark.parametrize(
    "verdict, best, between, expected",
    [
        ("partly supported", "not supported", (), "the £10 million verdict becomes not supported."),
        ("partly supported", "partly supported", (), "the £10 million verdict stays partly supported."),
        (
            "supported",
            "borderline",
            ("partly supported", "supported"),
            "the £10 million verdict becomes borderline between partly supported and supported.",
        ),
    ],
)
def test_the_verdict_with_the_unevidenced_inputs_held_says_whether_it_moves(verdict, best, between, expected):
    words_ = text.best_evidenced_words(_result(verdict, best, between))
    assert words_ == ("If every input without published evidence is held at its most likely value, " + expected)
    assert_short(words_)
    assert text.best_evidenced_words(_result("not supported", "not supported", claim_id="wider-benefits-80m")).endswith(
        "the £80 million verdict stays not supported."
    )
    assert text.best_evidenced_words(SimpleResult()) == ""
    # The dropdown's account says the same, in the same words.
    assert words_ in text.rests_on_words(_result(verdict, best, between))


class SimpleResult:
    id, verdict, sensitivity = "efficiencies-10m", "supported", {}


def test_what_we_found_says_the_finding_on_the_unevidenced_inputs():
    md = markdown()
    found = md[md.index("## What we found") : md.index("{glue:text}`group_scope_note`")]
    assert "{glue:text}`claim.efficiencies-10m.best_evidenced`" in found


def test_the_claims_glue_carries_the_finding():
    from .support.consistency import glued_values

    value = glued_values(ROOT / "notebooks" / "05_appraisal.ipynb")["claim.efficiencies-10m.best_evidenced"]
    assert value.startswith(
        "If every input without published evidence is held at its most likely value, the £10 million verdict "
    )


# --- 8. Reader-facing text names no code -----------------------------------------------------------------


def test_the_charts_name_their_sources_in_words():
    from se_ambulance.publish.appraisal_figures import appraisal_source

    source = appraisal_source("NHS England, Ambulance Systems Indicators (AmbSYS)")
    assert source.startswith("the book's appraisal model; published trust incomes; Carter (2018); ")
    assert code_names(source) == []
    assert "appraisal_source(source_line(" in code()
    # The committed chapter's charts (their source lines are outside the prose the site test reads).
    nb = (ROOT / "notebooks" / "05_appraisal.ipynb").read_text(encoding="utf-8")
    lines = re.findall(r'se-chart-source\\">Source: ([^<]*)<', nb)
    assert len(lines) == 3 and all(code_names(line) == [] for line in lines), lines


# --- 9. Words true for any group: the verdicts' scope and the planned-savings evidence ------------------------


def _money_result(claim_id: str, verdict: str, central: float):
    from se_ambulance.claims.evaluate import ClaimResult

    readings = {
        "a_year": Estimate(central, 0.6 * central, 1.4 * central),
        "pv_total": Estimate(3 * central, central, 5 * central),
    }
    return ClaimResult(claim_id, verdict, "a_year", readings, verdicts={"a_year": verdict, "pv_total": verdict})


OTHER_GROUPS = {"with SCAS": ("LAS + SCAS", ("RRU", "RYE")), "without SCAS": ("NWAS + YAS", ("RX7", "RX8"))}


def test_a_verdict_beside_another_groups_figures_says_it_is_the_cases_with_the_cases_figure():
    """The £10m and £80m are judged on the case's group (the claims layer) whatever the book's group. Beside another
    group's own figures, 'Verdict: Supported' would read as a verdict on them: the sentence names the case's group and
    gives the case's own figure that decides it."""
    from se_ambulance.reference.orgs import CASE_GROUP, Group

    results = {
        "efficiencies-10m": _money_result("efficiencies-10m", "supported", 12.3e6),
        "wider-benefits-80m": _money_result("wider-benefits-80m", "not supported", 20e6),
    }
    case = text.verdict_values(results, CASE_GROUP)
    assert case["cash_verdict"] == "Verdict: **Supported as a yearly amount once the plan is in place.**"
    assert case["wider_verdict_found"].startswith(
        'Verdict on "up to the equivalent of £80 million", judged the same way: **Not supported'
    )
    assert not any("case's group" in v for v in case.values())
    for name, members in OTHER_GROUPS.values():
        other = text.verdict_values(results, Group(name, members))
        for key in ("cash_verdict", "wider_verdict", "wider_verdict_found"):
            v = other[key]
            assert (
                "judged the same way," in v if key == "wider_verdict_found" else v.startswith("The verdict is judged")
            )
            assert (
                "on the case's group, SCAS + SECAmb (South East Coast (SECAmb) and South Central (SCAS)), "
                f"not on {name}. There, " in v
            ), v
            assert_short(v, 35)
        assert other["cash_verdict"].endswith(
            "There, cash savings after the cost of running the group have a median of £12.3 million a year (90% "
            "interval £7.4 million to £17.2 million). Verdict: **Supported as a yearly amount once the plan is in "
            "place.**"
        )
        assert other["wider_verdict_found"].startswith(
            'The verdict on "up to the equivalent of £80 million" is judged the same way, on the case\'s group'
        )
        assert "There, non-cash benefits have a median of £20.0 million a year" in other["wider_verdict"]


def test_the_page_states_each_money_verdict_through_the_sentence_that_names_its_scope():
    md = markdown()
    assert "Verdict: **{glue:text}`claim." not in md and "**{glue:text}`claim.wider-benefits-80m.summary`**" not in md
    assert md.count("{glue:md}`cash_verdict`") == 2 and md.count("{glue:md}`wider_verdict`") == 1
    assert md.count("{glue:md}`wider_verdict_found`") == 1
    assert "text.verdict_values(money_claims, book_group)" in code()


def test_the_planned_savings_evidence_is_named_as_scass_and_the_cases_for_a_group_without_it():
    from se_ambulance.reference.orgs import CASE_GROUP, Group

    case = text.planned_savings_evidence(CASE_GROUP)
    assert case.startswith("Before the group, South Central (SCAS) cut about 120 of its roughly 585 corporate posts")
    assert "£21.4 million reduction for 2025/26" in case
    with_scas = text.planned_savings_evidence(Group(*OTHER_GROUPS["with SCAS"]))
    assert with_scas.startswith(
        "The evidence for such savings comes from South Central (SCAS), before it formed "
        "SCAS + SECAmb, the case's group. It cut about 120"
    )
    without = text.planned_savings_evidence(Group(*OTHER_GROUPS["without SCAS"]))
    assert without.startswith(
        "The evidence for such savings comes from the case, not from NWAS + YAS. Before forming "
        "SCAS + SECAmb, South Central (SCAS), which is not in NWAS + YAS, cut about 120"
    )
    assert without.endswith(
        "No such plans of North West (NWAS) and Yorkshire (YAS) are in this book, so the share "
        "below is the case's, carried over."
    )
    for words_ in (case, with_scas, without):
        assert_short(words_, 35)
        assert "Before the group" not in words_ or words_ is case  # 'the group' is the book's: only the case's
    # The page pastes it, and types none of SCAS's figures itself.
    md = markdown()
    assert "{glue:md}`planned_savings_evidence`" in md and "585" not in md and "cut about" not in md


# --- 10. What decides a verdict: one rule, on the numbers the sensitivity table shows ---------------------------

# The pessimistic appraisal's yearly cash shares: the first four add up to about 80%, and the income shows as 10%.
PESSIMISTIC_CASH = {
    "corporate": 0.352,
    "control_it": 0.19,
    "procurement": 0.131,
    "workforce": 0.13,
    "income": 0.0996,
    "estates": 0.07,
    "running": 0.02,
    "planned_savings": 0.0049,
}


@pytest.mark.parametrize(
    "st, named",
    [
        (PESSIMISTIC_CASH, ["corporate", "control_it", "procurement", "workforce", "income"]),
        (PESSIMISTIC_CASH | {"income": 0.0949}, ["corporate", "control_it", "procurement", "workforce"]),  # shows 9%
        (
            {"realisation": 0.48, "productivity": 0.32, "pathways": 0.15, "turnover_uplift": 0.04},
            ["realisation", "productivity", "pathways"],
        ),
        ({"corporate": 0.06, "estates": 0.04}, ["corporate"]),  # none reaches the share: the largest alone
        ({"corporate": 0.0, "estates": -0.001}, []),  # nothing moves the outcome
    ],
)
def test_what_decides_is_every_input_the_table_shows_at_the_deciding_share(st, named):
    """The paragraph under each verdict names exactly the inputs the sensitivity table shows at 10% or more in the
    column of the reading that decides: the pessimistic appraisal's table showed the income at 10% while a
    cumulative 80% cut-off left it out of the paragraph."""
    indices = sobol_frame("annual_cash_savings", st)
    decide = list(appraisal.rests_on(indices, "annual_cash_savings")["input"])
    assert decide == named
    s = settings()
    table = text.sobol_table(indices, {}, s).set_index("assumption")["share of variance: cash a year"]
    labels = text.input_labels(s)
    shown = {k for k in st if labels.get(k, k) in table.index and float(table[labels.get(k, k)].rstrip("%")) >= 10}
    if len(named) > 1 or (named and shown):
        assert set(decide) == shown


def test_the_paragraph_names_the_deciding_inputs_with_the_tables_numbers():
    from types import SimpleNamespace

    decide = appraisal.rests_on(sobol_frame("annual_cash_savings", PESSIMISTIC_CASH), "annual_cash_savings")
    r = SimpleNamespace(
        id="efficiencies-10m",
        verdict="partly supported",
        sensitivity={
            "best_evidenced": "not supported",
            "best_evidenced_between": [],
            "seeds": 10,
            "seeds_same": 10,
            "rests_on": [
                {"input": x.input, "ST": x.ST, "quality": "amber" if x.input in ("corporate", "income") else "red"}
                for x in decide.itertuples()
            ],
        },
    )
    words_ = text.rests_on_words(r)
    assert words_.startswith(
        "The inputs that decide the verdict, each explaining at least 10% of the variance of the "
        "reading that decides it (Sobol total indices, rounded to a whole percent), are: "
        "Corporate overheads"
    )
    assert "The group's income, from published sources (10% of the variance, rated amber)." in words_
    few = SimpleNamespace(
        id="efficiencies-10m",
        verdict="supported",
        sensitivity=r.sensitivity | {"rests_on": [{"input": "corporate", "ST": 0.06, "quality": "amber"}]},
    )
    assert text.rests_on_words(few).startswith(
        "No input explains 10% of the variance of the reading that decides the "
        "verdict (Sobol total indices). The largest share is Corporate overheads"
    )
    assert text.rests_on_rule() == (
        "Under each verdict above, *What decides this verdict* names every input with at "
        "least 10% in the column of the reading that decides it (*cash a year* and "
        "*wider a year*)."
    )
    assert "{glue:md}`rests_on_rule`" in markdown()


def test_what_decides_says_whose_shares_it_gives_when_the_group_is_not_the_case():
    """The verdicts, and so the shares that decide them, are the case's group's; the page's sensitivity table is the
    book's group's. For another group both say so; for the case's group neither adds a word."""
    from types import SimpleNamespace

    from se_ambulance.reference.orgs import CASE_GROUP, Group

    r = SimpleNamespace(
        id="efficiencies-10m",
        verdict="supported",
        sensitivity={
            "best_evidenced": "supported",
            "best_evidenced_between": [],
            "seeds": 10,
            "seeds_same": 10,
            "rests_on": [{"input": "corporate", "ST": 0.4, "quality": "amber"}],
        },
    )
    assert text.rests_on_scoped(r, CASE_GROUP) == text.rests_on_words(r)
    assert text.rests_on_rule(CASE_GROUP) == text.rests_on_rule()
    north = Group(*OTHER_GROUPS["without SCAS"])
    scoped = text.rests_on_scoped(r, north)
    assert scoped.startswith(
        "The verdict is judged on the case's group, SCAS + SECAmb, so these shares are its own, "
        "not those of NWAS + YAS in the table under *What the verdicts rest on*. "
    )
    assert scoped.endswith(text.rests_on_words(r))
    assert text.rests_on_rule(north).endswith(
        "from the same analysis run for the case's group, SCAS + SECAmb, on "
        "which the verdicts are judged. This table is for NWAS + YAS, so its "
        "shares can differ."
    )
    md = markdown()
    assert "{glue:md}`cash_rests_on`" in md and "{glue:md}`wider_rests_on`" in md and ".rests_on`" not in md
