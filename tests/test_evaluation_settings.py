"""Chapter 9's words under other settings, on the real data: a three-trust group, a later start month, London +
SCAS (params/las_scas.yaml), and the next AmbSYS vintage (to April 2026) adopted on either side of the rule's
revision. Every sentence, table and the front-page answer is read for each; a sentence true only for the canonical
book fails here."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from se_ambulance.analysis.evaluation.study import run_study
from se_ambulance.publish import evaluation_text as text
from se_ambulance.publish.evaluation_power import power_by_rule_figure, power_by_rule_frame

from .support.builders import ROOT

pytestmark = pytest.mark.slow  # whole studies on the real data (about 5 s each)

DEFAULT = {
    "start_month": "2025-10",
    "pre_start": "2023-04",
    "outcomes": ["c2_mean", "c2_p90", "c1_mean", "c1_p90", "hear_and_treat", "ed_conveyance", "c2_mean_gap"],
    "excluded_donors": ["RRU", "R1F"],
    "placebo_min_pre_months": 12,
    "alpha": 0.1,
    "power": 0.8,
    "meaningful_change": 0.1,
    "min_post_months": 3,
    "power_until": "2027-12",
}
CASE = {"name": "SCAS + SECAmb", "members": ["RYD", "RYE"]}
NORTH3 = {"name": "Northern three", "members": ["RX6", "RX7", "RX8"]}
APRIL_FILE = "ambsys/AmbSYS-to-Apr-2026-QWZX3.csv"


def _study(tidy, group=CASE, adopted="2026-11-21", **evaluation):
    return run_study(tidy, text.design_from(DEFAULT | evaluation, group), adopted=adopted)


def _everything(study, earlier=(), previous=None) -> str:
    """Every word the chapter shows that is computed for the study: blocks, glued values, tables, the answer."""
    tables = [
        text.design_table(study.design),
        text.donors_table(study),
        text.results_table(study),
        text.verdict_table(study),
        text.placebo_table(study),
        text.sensitivity_table(study),
        text.thresholds_table(study),
        text.rules_table(study, []),
    ]
    parts = [
        text.today_block(study, "data to X", earlier, previous),
        text.verdict_block(study),
        text.plain_answer(study),
        *text.chapter_values(study).values(),
        *(" ".join(map(str, t.columns)) + " " + " ".join(map(str, t.to_numpy().ravel())) for t in tables),
    ]
    return " ".join(parts)


def _clean(words: str) -> None:
    for bad in ("nan", "None", "{", "inf "):
        assert bad not in words, (bad, words[max(0, words.find(bad) - 200) : words.find(bad) + 80])


@pytest.fixture(scope="module")
def canonical(ambsys):
    """The canonical design on the pinned data (one study for the checks that need it)."""
    return _study(ambsys)


@pytest.fixture(scope="module")
def april(ambsys):
    """The next real release, to April 2026, from the mirror (its provenance: ../SOURCES.md there)."""
    from se_ambulance.data.ambsys import read_ambsys_csv
    from se_ambulance.data.fetch import mirror_dir

    mirror = mirror_dir()
    if mirror is None or not (mirror / APRIL_FILE).exists():
        pytest.skip(f"the mirror holds no {APRIL_FILE} (set SE_AMBULANCE_DATA_MIRROR)")
    return read_ambsys_csv(mirror / APRIL_FILE)


def test_a_three_trust_group_is_described_as_three_trusts_throughout(ambsys):
    study = _study(ambsys, NORTH3)
    words = _everything(study)
    _clean(words)
    # SCAS and SECAmb formed a group of their own, so they are not donors; nor are London and the Isle of Wight
    assert study.donors == ["RX9", "RYA", "RYC", "RYF"]
    # No set of three of the four donors leaves enough others to build its synthetic control: no rank, said so.
    assert study.results["c2_mean_gap"].rank.of == 1
    assert "between the three trusts" in words and "with 4 donors, no set of three leaves enough others" in words
    assert not re.search(r"\b1st of 1\b", words)
    for two in ("two trusts", "both members", "pair of", "the two trusts'"):
        assert two not in words, two
    assert text.chapter_values(study)["ev.n_members"] == "three"


def test_a_later_start_month_moves_the_exploratory_months_and_the_sentences_with_them(ambsys):
    study = _study(ambsys, start_month="2026-01", pre_start="2023-04")
    values = text.chapter_values(study)
    _clean(_everything(study))
    since = len(pd.date_range("2026-01-01", study.last_month, freq="MS"))  # 3 with data to March 2026
    assert study.post_months == since and study.exploratory_months == 3
    assert values["ev.seen_months"] == "3"
    assert "after three months of outcome data since the start had been published" in values["ev.blindness"]
    assert (
        "3 (January 2026 to March 2026) were in the data the book held" in values["ev.exploratory"]
        or "All 3 months since the start (January 2026 to March 2026)" in values["ev.exploratory"]
    )
    assert "six" not in values["ev.blindness"] + values["ev.fixed_after"]


def test_the_las_scas_book_says_what_holds_for_its_group(ambsys):
    from se_ambulance.pipeline.params import load_params

    p = load_params(ROOT / "params" / "las_scas.yaml")
    group = p.group.model_dump()
    study = run_study(ambsys, text.design_from(p.evaluation.model_dump(), group), adopted="2026-11-21")
    words = _everything(study)
    _clean(words)
    assert "RYD" not in study.donors and len(study.donors) == 7
    assert "South East Coast (SECAmb) is never a donor while South Central (SCAS) is a member" in words
    assert "both members" not in words and "between the two trusts" in words
    assert "also in SCAS + SECAmb, formed in late 2025" in text.group_note(group)


def test_the_april_vintage_is_the_first_test_and_reports_under_the_rule_of_22_november(ambsys, april):
    from types import SimpleNamespace

    march = SimpleNamespace(vintage="data to March 2026", adopted="2026-11-21", coverage="2017-08 to 2026-03; x")
    study = _study(april, adopted="2026-12-07")
    words = _everything(study, [march])
    _clean(words)
    assert study.last_month == pd.Timestamp("2026-04-01") and study.governing.dated == "2026-11-22"
    assert (study.exploratory_months, study.confirmatory_months) == (6, 1)
    today = text.today_block(study, "data to April 2026", [march], None)
    assert (
        "This vintage (adopted 7 December 2026) is the first test fixed in advance: the first vintage with data "
        "later than March 2026. Under the rule of 22 November 2026, in force when it was adopted, its result for "
        f"the primary outcome is: **{text.VERDICT_WORDS[study.primary.verdict]}**."
    ) in today
    assert "the other one (April 2026) was not, and is the first test fixed in advance" in today
    # What the revised rule says is shown beside it, never in its place.
    assert "**Under the rule of 7 December 2026**" in text.verdict_block(study)
    table = text.verdict_table(study)
    assert "Verdict (the rule of 22 November 2026, this vintage's verdict)" in table.columns
    # The same data adopted the day after the revision would be judged by the revised rule, with nothing beside it
    # (the same study, re-labelled as run_study labels it for that date: every rule's verdicts are computed anyway).
    from dataclasses import replace

    from se_ambulance.reference.evaluation import rule_in_force

    rule = rule_in_force("2026-12-08").dated
    later = replace(
        study, adopted="2026-12-08", results={k: replace(r, governing=rule) for k, r in study.results.items()}
    )
    assert later.governing.dated == "2026-12-07" and text.revised_block(later) == ""
    assert later.primary.verdict == study.primary.revised.verdict
    assert "is judged by the rule of 7 December 2026, the version in force when it was adopted." in text.today_block(
        later, "data to April 2026", [march], None
    )


def test_the_power_chart_draws_each_rule_and_says_so(canonical):
    study = canonical
    frame = power_by_rule_frame(study)
    assert set(frame["rule"]) == {
        "The rule of 22 November 2026 (on the synthetic control)",
        "The rule of 7 December 2026 (on the time series)",
    }
    html = power_by_rule_figure(study, "NHS England AmbSYS").data
    alt = re.search(r'aria-label="([^"]*)"', html).group(1)
    revised = study.primary.revised
    assert f"{text.amount('c2_mean', revised.mde_now, signed=False)} with data to {study.last_month:%B %Y}" in alt
    assert "the interrupted time series" in alt


def test_every_value_the_chapter_cites_is_glued(canonical):
    import json

    nb = json.loads((ROOT / "notebooks" / "09_evaluation.ipynb").read_text(encoding="utf-8"))
    cited = {
        k
        for c in nb["cells"]
        if c["cell_type"] == "markdown"
        for k in re.findall(r"\{glue:text\}`([^`]+)`", "".join(c["source"]))
    }
    glued = set(text.chapter_values(canonical)) | {
        "ev.group_note",
        "ev.vintage.current",
        "ev.vintage.summary",
        "find.answer",
        "seed.announcement",
        "seed.case",
    }
    assert cited - glued == set()
