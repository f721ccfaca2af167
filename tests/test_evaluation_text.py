"""Chapter 9's words follow the numbers and the group the book is built for: who may be a donor and why the others
are left out, where the group's level sits among the donors', which way the estimates lean, why the power check
decides a verdict, and one word ("vintage") for a version of the data. Small constructed studies and the real
design objects; nothing here fits a model."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pandas as pd
import pytest

from se_ambulance.analysis.evaluation import design as D
from se_ambulance.analysis.evaluation import verdict as V
from se_ambulance.analysis.evaluation.its import ITSFit
from se_ambulance.analysis.evaluation.study import Design, Study, lean_estimates, run_study
from se_ambulance.publish import evaluation_text as text
from se_ambulance.reference.evaluation import DEFAULT_EXCLUDED_DONORS, DEFAULT_PRE_START

from .support.builders import ROOT

TRUSTS = ("R1F", "RRU", "RX6", "RX7", "RX8", "RX9", "RYA", "RYC", "RYD", "RYE", "RYF")
# NHS England regions as AmbSYS gives them (the book's data file, March 2026).
REGIONS = {
    "R1F": "Y59",
    "RRU": "Y56",
    "RX6": "Y63",
    "RX7": "Y62",
    "RX8": "Y63",
    "RX9": "Y60",
    "RYA": "Y60",
    "RYC": "Y61",
    "RYD": "Y59",
    "RYE": "Y59",
    "RYF": "Y58",
}
CASE, LAS_SCAS, NORTH = ("RYD", "RYE"), ("RRU", "RYE"), ("RX6", "RX8")
NORTH3 = ("RX7", "RX8", "RX9")  # a group with neither SCAS nor SECAmb
PRE = DEFAULT_PRE_START
# The pre-period (April 2023 to September 2025) Category 2 means, incident-weighted, in minutes.
DONOR_LEVELS = {"RX6": 29.2, "RX7": 28.4, "RX8": 30.9, "RX9": 41.4, "RYA": 30.5, "RYC": 41.3, "RYF": 42.3}

# The canonical book's words before the donor reasons were computed for the group: they must not change.
CANONICAL_EXCLUSIONS = (
    "By default two are left out. London is unlike any other trust, lacks response times for two months of 2022, "
    "and has worked with SCAS since a partnership announced in September 2018, so it may share in the "
    "group's changes. The Isle of Wight is one small island whose monthly figures are noisy, and it sits in NHS "
    "England's South East region with both members, so regional commissioning changes reach it too."
)
CANONICAL_ROLES = {
    "London (LAS)": "excluded: London Ambulance Service: a capital-city service unlike any other trust; it has no "
    "response times for October and November 2022; and it announced a partnership with SCAS on "
    "25 September 2018 (joint procurement, shared best practice), so it may share in the "
    "group's changes",
    "Isle of Wight": "excluded: Isle of Wight: one island of about 140,000 people whose small counts make its monthly "
    "series noisy; it reports only from April 2018; and it sits in NHS England's South East region "
    "with both members, so regional commissioning changes reach it too",
}


def _design(members=CASE, excluded=DEFAULT_EXCLUDED_DONORS, **kw) -> Design:
    base = dict(
        members=tuple(members),
        start_month="2025-10",
        pre_start="2023-04",
        outcomes=("c2_mean",),
        excluded_donors=tuple(excluded),
        placebo_min_pre_months=12,
        alpha=0.1,
        power=0.8,
        meaningful_change=0.1,
        min_post_months=3,
        power_until="2027-12",
    )
    return Design(**(base | kw))


def _primary(**kw):
    """The fields of an outcome's result the words read (the canonical book's Category 2 mean by default)."""
    fit = SimpleNamespace(effect=2.42, pre_r2=-0.22, post_months=6, weights=pd.Series(dtype=float))
    its = ITSFit(4.60, 2.05, 7.15, 0.005, 30, 6, 3, 1.33)
    base = dict(
        fit=fit,
        its=its,
        sc_informative=False,
        lean=V.WORSE,
        verdict=V.UNDETECTABLE,
        reference_level=30.06,
        meaningful=3.01,
        mde_now=15.9,
        mde_end=10.5,
        its_rank=SimpleNamespace(rank=1, of=14, p=1 / 14),
        rank=SimpleNamespace(rank=6, of=8, p=0.75),
        sc_finds=False,
        its_finds=True,
        without_power=V.UNCONFIRMED,
        ruled=SimpleNamespace(basis=("synthetic_control",)),
    )
    return SimpleNamespace(**(base | kw))


def _its(effect: float, trend: float = float("nan")) -> ITSFit:
    return ITSFit(effect, effect - 1.5, effect + 1.5, 0.1, 30, 6, 3, trend)


def _study(
    members=CASE,
    excluded=DEFAULT_EXCLUDED_DONORS,
    primary=None,
    sensitivity=None,
    pre_levels=None,
    seasons=None,
    last="2026-03",
    post_months=6,
    adopted=None,
    results=None,
    **design,
) -> Study:
    """A study as run_study would describe the design, with the real donor pool and the real leadership and
    partnership facts, and the given results."""
    d = _design(members, excluded, **design)
    donors = D.donor_pool(TRUSTS, d.members, d.excluded_donors, d.pre_start)
    return Study(
        d,
        donors,
        pd.Timestamp("2017-08-01"),
        pd.Timestamp(f"{last}-01"),
        post_months,
        results or {D.PRIMARY: primary or _primary()},
        pd.DataFrame(),
        sensitivity or {},
        seasons or {},
        D.shares_leadership(d.members),
        D.partners(d.members),
        REGIONS,
        pre_levels or {},
        adopted,
    )


def _roles(study: Study) -> dict[str, str]:
    table = text.donors_table(study)
    return dict(zip(table["Trust"], table["Role"]))


# --- 1. a trust that shares leadership with a member is never a donor ----------------------------------------


def test_a_trust_sharing_leadership_with_a_member_is_never_a_donor_whatever_the_parameter_says():
    assert D.shares_leadership(LAS_SCAS) == {"RYD": ("RYE",)}
    assert D.shares_leadership(("RYD", "RX6")) == {"RYE": ("RYD",)}
    assert D.shares_leadership(CASE) == {}  # both are members: the case's design is unchanged
    assert "RYD" not in D.donor_pool(TRUSTS, LAS_SCAS, ("R1F",), PRE)
    assert "RYD" not in D.donor_pool(TRUSTS, LAS_SCAS, (), PRE)
    # The case's group keeps the donors the design was fixed with.
    assert D.donor_pool(TRUSTS, CASE, DEFAULT_EXCLUDED_DONORS, PRE) == ["RX6", "RX7", "RX8", "RX9", "RYA", "RYC", "RYF"]
    assert D.donor_pool(TRUSTS, CASE, ("RRU",), PRE) == ["R1F", "RX6", "RX7", "RX8", "RX9", "RYA", "RYC", "RYF"]


def test_the_las_scas_book_names_secamb_as_not_a_donor_and_why():
    study = _study(LAS_SCAS, ("R1F",))
    assert "RYD" not in study.donors and len(study.donors) == 7
    roles = _roles(study)
    assert roles["South East Coast (SECAmb)"].startswith("not a donor (shares its leadership with a member)")
    assert "chair and chief executive with SCAS" in roles["South East Coast (SECAmb)"]
    paragraph = text.exclusions_paragraph(study)
    assert paragraph.startswith("South East Coast (SECAmb) is never a donor while South Central (SCAS) is a member")


def test_trusts_that_formed_their_own_group_inside_the_window_are_never_donors():
    """SCAS and SECAmb share a chair and chief executive from October 2025, inside the months compared: for a group
    with neither of them, both changed during the window for reasons of their own (both sides of the window's start)."""
    both = {"RYD": (("RYE",), "2025-10"), "RYE": (("RYD",), "2025-10")}
    assert D.formed_groups(NORTH3, PRE) == both
    assert D.formed_groups(NORTH3, "2025-10") == both  # a start in the window's first month is inside it
    assert D.formed_groups(NORTH3, "2025-11") == {}  # a start before the window: a stable unit throughout
    assert D.formed_groups(LAS_SCAS, PRE) == {} and D.formed_groups(CASE, PRE) == {}  # a member: the other rule
    assert D.donor_pool(TRUSTS, NORTH3, DEFAULT_EXCLUDED_DONORS, PRE) == ["RX6", "RYA", "RYC", "RYF"]
    assert D.donor_pool(TRUSTS, NORTH3, (), PRE) == ["R1F", "RRU", "RX6", "RYA", "RYC", "RYF"]  # whatever it says


def test_a_book_for_a_group_without_scas_or_secamb_says_why_they_are_not_donors():
    study = _study(NORTH3)
    assert study.donors == ["RX6", "RYA", "RYC", "RYF"]
    roles = _roles(study)
    for trust, other in (
        ("South East Coast (SECAmb)", "South Central (SCAS)"),
        ("South Central (SCAS)", "South East Coast (SECAmb)"),
    ):
        assert roles[trust] == (
            "not a donor (formed a group of its own inside the months compared): it has shared a "
            f"chair and chief executive with {other} since October 2025 (the group SCAS + SECAmb), "
            "inside the months compared here (from April 2023), so it changed during them for "
            "reasons of its own"
        )
    paragraph = text.exclusions_paragraph(study)
    said = (
        "South East Coast (SECAmb) and South Central (SCAS) are not donors: they formed a group of their own, "
        "SCAS + SECAmb, with a shared chair and chief executive from October 2025, inside the months compared here "
        "(from April 2023)."
    )
    assert paragraph.startswith(said) and paragraph.count("formed a group of their own") == 1
    assert "By default two are left out. London is unlike any other trust" in paragraph
    # The canonical book's words are unchanged: its members are the group that formed.
    assert "formed a group" not in text.exclusions_paragraph(_study())


def test_the_trusts_left_out_take_a_verb_of_their_number():
    """'Isle of Wight are left out' was the LAS + SCAS book's; every trust not a donor is counted, by rule or by
    parameter."""
    from se_ambulance.publish.evaluation_text.sentences import left_out_words

    assert left_out_words(_study()) == "London (LAS) and Isle of Wight are left out"  # the canonical book
    assert left_out_words(_study(CASE, ("R1F",))) == "Isle of Wight is left out"
    assert left_out_words(_study(CASE, ())) == "no other trust is left out"
    assert left_out_words(_study(LAS_SCAS, ("R1F",))) == "South East Coast (SECAmb) and Isle of Wight are left out"
    assert left_out_words(_study(NORTH3)) == (
        "South East Coast (SECAmb), South Central (SCAS), London (LAS) and Isle of Wight are left out"
    )
    assert left_out_words(_study(NORTH3, ("RYD",))) == (
        "South East Coast (SECAmb) and South Central (SCAS) are left out"
    )  # named by the parameter too: listed once


def test_a_member_named_in_excluded_donors_is_flagged_not_silently_listed():
    study = _study(LAS_SCAS, DEFAULT_EXCLUDED_DONORS)  # the default names London, a member here
    assert study.ignored_exclusions == ["RRU"] and study.excluded_by_parameter == ["R1F"]
    paragraph = text.exclusions_paragraph(study)
    assert "also names London (LAS), a member of this group" in paragraph and "changes nothing" in paragraph
    assert "By default" not in paragraph
    assert "London is unlike" not in paragraph  # a member's reasons for being left out are not given


@pytest.mark.parametrize(
    "members, trusts",
    [
        (CASE, ("RYD", "RYE", "RRU", "R1F", "RX6")),  # London and the Isle of Wight left out: one donor
        (LAS_SCAS, ("RRU", "RYE", "RYD", "R1F", "RX6")),  # SECAmb never a donor, the Isle of Wight left out
    ],
)
def test_a_design_with_too_few_donors_is_refused_with_the_reasons(members, trusts):
    tidy = pd.DataFrame({"level": "trust", "org": list(trusts), "month": pd.Timestamp("2026-03-01")})
    with pytest.raises(ValueError, match="at least 2 donor trusts, and this design leaves 1 [(]RX6[)]") as e:
        run_study(tidy, _design(members, ("RRU", "R1F")))
    assert "`excluded_donors` parameter leaves out" in str(e.value)
    linked = "RYD share leadership with a member" if members == LAS_SCAS else "none share leadership"
    assert linked in str(e.value)


# --- 2. reasons true for the group built ------------------------------------------------------------------------


def test_the_canonical_reasons_are_unchanged():
    study = _study()
    assert text.exclusions_paragraph(study) == CANONICAL_EXCLUSIONS
    roles = _roles(study)
    for trust, role in CANONICAL_ROLES.items():
        assert roles[trust] == role


def test_the_isle_of_wight_shares_a_region_only_with_the_members_that_are_there():
    las = _study(LAS_SCAS, ("R1F",))
    for words in (text.exclusions_paragraph(las), _roles(las)["Isle of Wight"]):
        assert "both members" not in words
        assert "South East region with South Central (SCAS), a member" in words
    north = _study(NORTH, DEFAULT_EXCLUDED_DONORS)  # no member in the South East, none SCAS
    paragraph = text.exclusions_paragraph(north)
    assert "South East region" not in paragraph and "partnership" not in paragraph
    assert "London is unlike any other trust and lacks response times for two months of 2022." in paragraph
    assert "The Isle of Wight is one small island whose monthly figures are noisy." in paragraph
    assert "partnership" not in _roles(north)["London (LAS)"]


# --- 3. where the group's level sits among the donors' ---------------------------------------------------------


def test_the_level_note_is_decided_by_the_levels():
    las = text.level_note(35.04, DONOR_LEVELS)
    assert "faster than 3 of the 7 donors'" in las and "could match its level" in las
    assert "most" not in las and "cannot" not in las
    assert "faster than 5 of the 7 donors'" in text.level_note(30.06, DONOR_LEVELS)
    assert "faster than every donor's" in text.level_note(27.0, DONOR_LEVELS)
    assert "no average of them could match its level" in text.level_note(27.0, DONOR_LEVELS)
    assert "slower than every donor's" in text.level_note(45.0, DONOR_LEVELS)


def test_the_chapter_no_longer_asserts_the_groups_place_among_the_donors():
    assert "faster than most donors" not in _markdown()
    assert "{glue:text}`ev.c2.level_note`" in _markdown()


def test_lead_or_deficit_follows_the_pre_period_levels():
    seasons = {"group_now": 31.0, "group_before": 35.8, "donors_now": 32.2, "donors_before": 40.1}

    def moving(group, donors, trend):
        study = _study(
            sensitivity={"chapter": _its(1.0, trend=trend)},
            seasons=seasons,
            pre_levels={"group": group, "donors": donors},
        )
        return text.season_sentence(study)

    # The case's group: 4.9 min faster over 30 months in which the difference drifted 3.3 min.
    assert "the group's lead over the donors was already shrinking" in moving(30.06, 35.0, 1.33)
    assert "the group's deficit against the donors was already shrinking" in moving(40.0, 35.0, -0.74)
    # LAS + SCAS: level with the donors on average (35.0 min each), so no lead or deficit held throughout.
    words = moving(35.04, 35.0, -0.74)
    assert "lead" not in words and "deficit" not in words
    assert "the difference between the group and the donors was already moving in the group's favour" in words


# --- 4. the lean follows a stated rule on the estimates shown --------------------------------------------------

LAS_SPECS = {
    "chapter": 2.53,
    "no_trend": 0.97,
    "log_ratio": 0.07,
    "rest_of_england": 2.49,
    "did": -1.46,
    "did_same_months": 1.39,
}
CANON_SPECS = {
    "chapter": 4.60,
    "no_trend": 6.59,
    "log_ratio": 0.11,
    "rest_of_england": 4.43,
    "did": 1.96,
    "did_same_months": 6.79,
}


def _sens(specs):
    return {k: _its(v) for k, v in specs.items()}


def test_the_primary_lean_is_read_from_every_estimate_shown():
    r = _primary(
        fit=SimpleNamespace(effect=0.08, pre_r2=0.82, post_months=6, weights=pd.Series(dtype=float)), its=_its(2.53)
    )
    assert lean_estimates(r, _sens(LAS_SPECS)) == [0.08, *LAS_SPECS.values()]
    assert V.lean(lean_estimates(r, _sens(LAS_SPECS)), lower_is_better=True) == V.MIXED  # the DiD is negative
    assert V.lean(lean_estimates(r, {}), lower_is_better=True) == V.WORSE  # the two methods alone agree
    assert V.lean([2.42, *CANON_SPECS.values()], lower_is_better=True) == V.WORSE


def test_mixed_estimates_are_never_said_to_lean_one_way():
    primary = _primary(
        fit=SimpleNamespace(effect=0.08, pre_r2=0.82, post_months=6, weights=pd.Series(dtype=float)),
        its=_its(2.53),
        sc_informative=True,
        lean=V.MIXED,
        its_finds=False,
        without_power=V.NOT_FOUND,
    )
    words = text.lean_sentence(_study(LAS_SCAS, ("R1F",), primary=primary, sensitivity=_sens(LAS_SPECS)))
    assert "lean towards" not in words and "point in different directions" in words
    assert "6 are positive and 1 negative" in words
    assert "simple difference in differences −1.5 min" in words and "from −1.5 min to +2.5 min" in words
    assert text.LEAN_SHORT[V.MIXED] == "mixed"


def test_estimates_that_agree_lean_one_way_and_say_so():
    words = text.lean_sentence(_study(sensitivity=_sens(CANON_SPECS)))
    assert words.startswith(
        "The estimates so far lean towards the group losing ground against other trusts: the "
        "synthetic control and all six specifications of the time series point that way"
    )
    assert "from +2.0 min to +6.8 min" in words  # the log ratio (+3.5 min) inside the range of the others
    assert "cannot tell from noise with these data" in words and "cannot yet" not in words  # undetectable
    assert "The estimates lean one way only when" not in words  # the rule is stated once, in the chapter
    assert "They lean one way only when every estimate shown" in _markdown()


# --- 6. the power check, and why it decides the verdict --------------------------------------------------------

CANONICAL_FACTS = dict(
    sc_effect=2.42,
    sc_p=0.75,
    sc_smallest_p=1 / 8,
    sc_low=-9.0,
    sc_high=13.9,
    sc_informative=False,
    its_effect=4.60,
    its_low=2.05,
    its_high=7.15,
    its_placebo_p=1 / 14,
    alpha=0.1,
    lower_is_better=True,
    post_months=6,
    min_post_months=3,
    mde_now=15.85,
    mde_end=10.54,
    meaningful=3.006,
)


def test_the_rule_as_stated_gives_the_canonical_verdict_and_without_power_would_not():
    assert V.judge(**CANONICAL_FACTS) == V.UNDETECTABLE
    assert V.without_power(**CANONICAL_FACTS) == V.UNCONFIRMED
    assert V.its_significant(2.05, 7.15, 1 / 14, 0.1) and not V.its_significant(2.05, 7.15, 0.2, 0.1)


def test_a_verdict_decided_by_the_power_check_says_so():
    words = text.power_gate_sentence(_study())
    assert words.startswith(
        "On its own the interrupted time series finds +4.6 min (90% CI +2.0 min to +7.2 min), "
        "1st of 14 (p = 0.07) among its false starts: more than the 3.0 min that matters."
    )
    assert "the rule checks power first (rule 2)" in words and "15.9 min" in words
    assert "the synthetic control's own estimate does not count (R² −0.22)" in words
    assert 'would say "unconfirmed: one method finds a meaningful change the other does not confirm"' in words
    # No method finds a change, or the verdict is not the power check's: nothing to explain.
    assert text.power_gate_sentence(_study(primary=_primary(its_finds=False))) == ""
    assert text.power_gate_sentence(_study(primary=_primary(verdict=V.UNCONFIRMED))) == ""


def test_an_uninformative_synthetic_control_sets_the_power_check_only_under_the_first_rule():
    md = _markdown()
    assert "uninformative for that outcome and does not count towards a verdict" not in md
    assert (
        "its pre-period error and placebos still set the power check below for both methods;\n   under the rule "
        "of {glue:text}`ev.rule_newest` they do not"
    ) in md
    words = text.sc_counts(_primary())
    assert "its estimate does not count towards the verdict" in words and "still set the power check" in words
    assert "from the rule of 7 December 2026 they do not" in words
    assert text.sc_counts(_primary(sc_informative=True)) == "counts towards the verdict"


# --- 5. one word for a version of the data ----------------------------------------------------------------------


def _markdown() -> str:
    nb = json.loads((ROOT / "notebooks" / "09_evaluation.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_the_chapter_calls_a_version_of_the_data_a_vintage_throughout():
    assert "*vintage*" in _markdown()  # defined where it is first used
    assert not re.search(r"\brelease", _markdown(), re.IGNORECASE)
    current = SimpleNamespace(vintage="data to March 2026", file="AmbSYS.csv", adopted="2026-11-21")
    summary = text.vintage_values(SimpleNamespace(current=current, previous=None, unavailable=None), None)[
        "ev.vintage.summary"
    ]
    assert "When the next vintage is adopted" in summary and not re.search(r"\brelease", summary)


def test_the_las_scas_scenario_leaves_out_what_the_group_requires():
    from se_ambulance.pipeline.params import load_params

    p = load_params(ROOT / "params" / "las_scas.yaml")
    d = text.design_from(p.evaluation.model_dump(), p.group.model_dump())
    donors = D.donor_pool(TRUSTS, d.members, d.excluded_donors, d.pre_start)
    assert not set(donors) & {"RRU", "RYE", "RYD", "R1F"} and len(donors) == 7


# --- 7. the pre-stated design: months, rule versions, the first test, in the words it promised ------------------

# The verdict words the design of 22 November 2026 promised (notebooks/09_evaluation.ipynb, "The verdict rule"): a
# later version of the rule may change how the sizes are measured, never these words.
PROMISED_WORDS = {
    V.BETTER: "better",
    V.WORSE: "worse",
    V.DISAGREE: "unclear: the two methods find changes in opposite directions",
    V.UNCONFIRMED: "unconfirmed: one method finds a meaningful change the other does not confirm",
    V.NO_CHANGE: "no meaningful change",
    V.NOT_FOUND: "no meaningful change found, none ruled out",
    V.TOO_EARLY: "too early to tell",
    V.UNDETECTABLE: "cannot be told from noise with these data",
}


def test_the_verdict_words_are_the_ones_the_design_promised():
    assert text.VERDICT_WORDS == PROMISED_WORDS
    rule = " ".join(_markdown()[_markdown().index("**The verdict rule**") :].split())
    for code, words in PROMISED_WORDS.items():
        if code not in (V.BETTER, V.WORSE):
            assert f"**{words.split(':')[0]}" in rule, words


@pytest.mark.parametrize(
    "start, last, post, words",
    [
        # The design saw data to March 2026: from an October 2025 start, six months are exploratory.
        (
            "2025-10",
            "2026-03",
            6,
            "All 6 months since the start (October 2025 to March 2026) were in the data the book "
            "held when the design was fixed (data to March 2026)",
        ),
        (
            "2025-10",
            "2026-04",
            7,
            "the first 6 (October 2025 to March 2026) were in the data the book held when the design "
            "was fixed (data to March 2026) and are exploratory; the other one (April 2026) was not, "
            "and is the first test fixed in advance",
        ),
        ("2025-10", "2026-06", 9, "the other 3 (April 2026 to June 2026) were not, and are the test fixed in advance"),
        ("2026-01", "2026-04", 4, "the first 3 (January 2026 to March 2026) were in the data the book held"),
        (
            "2026-04",
            "2026-05",
            2,
            "None of the 2 months since the start (April 2026 to May 2026) was in the data the book "
            "held when the design was fixed (data to March 2026), so none is exploratory",
        ),
        ("2026-04", "2026-03", 0, "There are no months since the start yet."),
    ],
)
def test_which_months_are_exploratory_follows_the_start_and_the_data(start, last, post, words):
    study = _study(start_month=start, last=last, post_months=post)
    assert words in text.exploratory_sentence(study)
    assert study.exploratory_months + study.confirmatory_months == post


def _vintage(name, adopted, to):
    return SimpleNamespace(vintage=name, adopted=adopted, coverage=f"2017-08 to {to}; England")


MARCH = _vintage("data to March 2026", "2026-11-21", "2026-03")
APRIL = _vintage("data to April 2026", "2026-12-07", "2026-04")
MAY = _vintage("data to May 2026", "2027-01-14", "2026-05")


def test_the_first_test_fixed_in_advance_is_the_first_vintage_with_later_months():
    from se_ambulance.publish.evaluation_text import decide

    fixed = pd.Timestamp("2026-03-01")
    assert decide.first_test(fixed, []) == ("not_yet", None)
    assert decide.first_test(pd.Timestamp("2026-04-01"), [fixed]) == ("this", None)
    assert decide.first_test(pd.Timestamp("2026-04-01"), []) == ("this", None)
    assert decide.first_test(pd.Timestamp("2026-05-01"), [pd.Timestamp("2026-04-01"), fixed]) == ("previous", 0)
    assert decide.first_test(
        pd.Timestamp("2026-06-01"), [pd.Timestamp("2026-05-01"), pd.Timestamp("2026-04-01"), fixed]
    ) == ("earlier", 1)


def test_the_first_tests_result_is_reported_in_the_promised_words_under_the_rule_in_force():
    april = _study(last="2026-04", post_months=7, adopted="2026-12-07")
    words = text.first_test_sentence(april, [MARCH], None)
    assert words == (
        "This vintage (adopted 7 December 2026) is the first test fixed in advance: the first vintage "
        "with data later than March 2026. Under the rule of 22 November 2026, in force when it was "
        "adopted, its result for the primary outcome is: **cannot be told from noise with these data**."
    )
    # The next vintage reports the April one's result, under the rule that governed April.
    may = _study(last="2026-05", post_months=8, adopted="2027-01-14")
    words = text.first_test_sentence(may, [APRIL, MARCH], april)
    assert words.startswith(
        "The vintage before this one (data to April 2026) (adopted 7 December 2026) was the first test fixed in advance"
    )
    assert "Under the rule of 22 November 2026" in words and "was: **cannot be told from noise" in words
    later = text.first_test_sentence(_study(last="2026-06", post_months=9), [MAY, APRIL, MARCH], None)
    assert "was an earlier vintage (data to April 2026, adopted 7 December 2026)" in later
    # Before any later month: the exploratory sentence says it; nothing is added.
    assert text.first_test_sentence(_study(), [], None) == ""


@pytest.mark.parametrize(
    "adopted, rule, beside",
    [
        ("2026-11-21", "22 November 2026", True),
        ("2026-12-07", "22 November 2026", True),
        ("2026-12-08", "7 December 2026", False),
    ],
)
def test_the_page_names_the_rule_in_force_and_shows_the_newer_one_beside_it(adopted, rule, beside):
    study = _study(adopted=adopted)
    words = text.rule_in_force_sentence(study, "data to X")
    assert f"is judged by the rule of {rule}, the version in force when it was adopted" in words
    assert ("its verdicts are shown beside this rule's" in words) is beside


# --- 8. sentences under other settings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "outcomes, words",
    [
        (1, "There are no secondary outcomes: with one outcome and two methods there are 2 tests at 10%"),
        (2, "The other one is secondary: with two outcomes and two methods there are 4 tests"),
        (7, "The other six are secondary: with seven outcomes and two methods there are 14 tests"),
    ],
)
def test_the_multiplicity_sentence_counts_the_outcomes(outcomes, words):
    keys = list(D.OUTCOMES)[:outcomes]
    study = _study(results={k: _primary() for k in keys})
    from se_ambulance.publish.evaluation_text.sentences import multiplicity_sentence

    assert multiplicity_sentence(study).startswith(words)


def test_the_blindness_sentence_follows_the_start_month():
    from se_ambulance.publish.evaluation_text import sentences

    assert (
        "after six months of outcome data since the start had been published: the design is not blind"
        in sentences.blindness_sentence(_study())
    )
    assert "after three months" in sentences.blindness_sentence(_study(start_month="2026-01"))
    late = _study(start_month="2026-06", post_months=0)
    assert "before any month since the start (June 2026) had been published" in sentences.blindness_sentence(late)
    assert "not blind" not in sentences.fixed_after(late) and "six" not in sentences.fixed_after(late)


def test_a_three_trust_group_is_never_called_two_trusts():
    from se_ambulance.publish.evaluation_text import sentences

    study = _study(("RX6", "RX7", "RX8"), DEFAULT_EXCLUDED_DONORS)
    assert sentences.members_words(study) == "the three trusts"
    assert "two" not in text.OUTCOME_NAMES["c2_mean_gap"] and "pair" not in _markdown().split("## The verdict")[0]
    assert "{glue:text}`ev.n_members`" in _markdown()


def test_a_share_threshold_is_given_in_patients_and_against_the_best_other_trust():
    r = _primary(revised=SimpleNamespace(meaningful=0.02))
    study = _study(results={D.PRIMARY: _primary(), "ed_conveyance": r})
    study = Study(
        **{
            **study.__dict__,
            "incidents_a_year": 1_388_300,
            "share_levels": {"ed_conveyance": {"group": 0.517, "RYF": 0.455, "RX6": 0.541, "RYD": 0.40}},
        }
    )
    words = text.meaning_text(study, "ed_conveyance")
    assert words.startswith("2.0 percentage points: about 28,000 conveyances to an ED a year for this group")
    assert (
        "against 45.5% at South Western (SWASFT), the best other English trust, a gap of 6.2 percentage points" in words
    )  # not RYD
    best = Study(**{**study.__dict__, "share_levels": {"ed_conveyance": {"group": 0.44, "RYF": 0.455}}})
    assert "already better than every other English trust's" in text.meaning_text(best, "ed_conveyance")


def test_the_front_page_answer_names_the_data_and_what_could_be_seen_under_the_governing_rule():
    revised = SimpleNamespace(verdict=V.UNDETECTABLE, meaningful=3.0, mde_now=5.7, mde_end=4.9)
    study = _study(primary=_primary(revised=revised), adopted="2026-11-21")
    answer = text.plain_answer(study)
    p = study.primary
    assert answer.startswith(
        "These data cannot tell. With data to March 2026, 6 months into the group, the evaluation's "
        "rule of 22 November 2026 gives “cannot be told from noise with these data” "
        "for its Category 2 average response time."
    )
    # the sizes are the governing rule's, never the revised rule's beside its verdict
    assert (
        f"Even by December 2027, only a change of {p.mde_end:.1f} min could be told from the month-to-month noise"
        in answer
    )
    # the governing rule is named, once, so its sizes are not read as the revised rule's
    assert "4.9 min" not in answer and answer.count("rule of") == 1
    soon = _study(
        primary=_primary(verdict=V.TOO_EARLY, mde_now=4.0, mde_end=2.5, revised=revised), adopted="2026-11-21"
    )
    assert "By December 2027, a change of 2.5 min could be told" in text.plain_answer(soon)
    assert "Even with" not in text.plain_answer(soon)  # 'even ... only' when the data will be strong enough is false
    assert max(len(s.split()) for s in answer.split(". ")) <= 35  # the briefing's limit (tests/test_readability.py)
    differs = _study(
        primary=_primary(
            verdict=V.NO_CHANGE,
            mde_now=2.0,
            revised=SimpleNamespace(verdict=V.NOT_FOUND, meaningful=3.0, mde_now=2.5, mde_end=2.0),
        ),
        adopted="2026-11-21",
    )
    assert "A revised rule, dated 7 December 2026, would give “no meaningful change found" in text.plain_answer(differs)
    early = _study(
        primary=_primary(verdict=V.TOO_EARLY, fit=SimpleNamespace(effect=1.0, pre_r2=0.1, post_months=2)),
        last="2025-11",
        post_months=2,
    )
    assert text.plain_answer(early).startswith("Too early to say: with data to November 2025, 2 months have passed")


# The case's start and roll-out, as the design fixed them, and what the page says when either is moved or borrowed.
CANONICAL_START = (
    'October 2025, the first month of "late 2025": the earliest start the words allow, so that no early '
    "effect is missed."
)


def test_when_the_group_starts_follows_the_start_month():
    from se_ambulance.publish.evaluation_text import sentences as S

    assert S.start_note(_design()) == CANONICAL_START
    later = S.start_note(_design(start_month="2026-01"))
    assert later.startswith(
        "January 2026, set by the start-month setting: three months after October "
        '2025, the first month of "late 2025" and the earliest start the words allow'
    )
    assert "Any effect of the group in the months before January 2026 falls in the pre-period" in later
    earlier = S.start_note(_design(start_month="2025-06", pre_start="2023-04"))
    assert earlier.startswith("June 2025, set by the start-month setting: four months before October 2025")
    assert "The months from June 2025 to September 2025 count as after the start" in earlier
    assert "September 2025 counts as after the start" in S.start_note(_design(start_month="2025-09"))
    for d in (_design(start_month="2026-01"), _design(start_month="2025-06")):
        assert "the earliest start the words allow, so that" not in S.start_note(d)  # said only of the default
    assert S.counts_from_sentence(_design()) == "The group counts from October 2025."
    assert S.counts_from_sentence(_design(start_month="2026-01")) == (
        "The group counts from January 2026 (the start-month setting)."
    )


def test_another_groups_start_and_roll_out_are_said_to_be_the_cases_assumed():
    from se_ambulance.publish.evaluation_text import sentences as S

    for members in (LAS_SCAS, NORTH3):
        d = _design(members)
        note = S.start_note(d)
        assert note.startswith(
            "This book's group is not the case's, and the book holds no start of its own for it: "
            "it assumes the start of SCAS + SECAmb, October 2025"
        )
        assert "an assumption, not a month this group is known to have started" in note
        assert S.start_phrase(d) == "the start month assumed (October 2025, SCAS + SECAmb's)"
        assert (
            S.counts_from_sentence(d) == "The book assumes this group counts from October 2025, SCAS + SECAmb's start."
        )
        assert S.horizon_name(d) == "the end of SCAS + SECAmb's roll-out"
        assert S.horizon_note(d).startswith('SCAS + SECAmb\'s roll-out runs "through to 2027"')
        set_start = S.start_note(_design(members, start_month="2026-01"))
        assert "assumes a start in January 2026, set by the start-month setting" in set_start
        assert S.start_phrase(_design(members, start_month="2026-01")) == "the start month assumed (January 2026)"
    assert S.start_phrase(_design()) == "the group's start (October 2025)"
    assert S.start_phrase(_design(start_month="2026-01")) == "the start month set for the group (January 2026)"
    assert S.horizon_name(_design()) == "the end of the roll-out"
    # A horizon a reader moved is not the end of anyone's roll-out.
    assert S.horizon_name(_design(power_until="2029-06")) == "the horizon set by the power-horizon setting"
    assert S.horizon_note(_design(LAS_SCAS, power_until="2029-06")) == (
        "The power chart looks ahead to June 2029 (the power-horizon setting; by default December 2027, "
        "the end of SCAS + SECAmb's roll-out)."
    )


def test_the_pre_period_gives_its_reason_only_for_the_default_start():
    from se_ambulance.publish.evaluation_text import sentences as S

    fit = lambda n: SimpleNamespace(effect=1.0, pre_r2=0.1, post_months=6, pre_months=n)  # noqa: E731
    default = S.pre_period_sentence(_study(primary=_primary(fit=fit(30))))
    assert default == (
        "The months before the start, from April 2023 to September 2025 (30 months), are the pre-period: "
        "they begin with the UEC recovery plan year, the book's latest known change to the system "
        "(earlier months hold the winter of 2022/23, when some trusts' Category 2 means passed two "
        "hours: another process)."
    )
    moved = S.pre_period_sentence(_study(primary=_primary(fit=fit(42)), pre_start="2022-04"))
    assert moved.startswith("The months before the start, from April 2022 to September 2025 (42 months)")
    assert moved.endswith(
        "they begin in April 2022, set by the before-period setting (by default April "
        "2023, the start of the UEC recovery plan year, the book's latest known change to the system)."
    )


def test_the_front_page_answer_for_another_group_names_the_start_it_assumes():
    same = SimpleNamespace(verdict=V.UNDETECTABLE, meaningful=3.0, mde_now=5.7, mde_end=4.9)
    answer = text.plain_answer(_study(LAS_SCAS, ("R1F",), primary=_primary(revised=same), adopted="2026-11-21"))
    assert (
        "With data to March 2026, 6 months after the start month assumed (October 2025, SCAS + SECAmb's), the "
        "evaluation's rule of 22 November 2026 gives"
    ) in answer
    assert "into the group" not in answer and "the group's start" not in answer
    early = _study(
        LAS_SCAS,
        ("R1F",),
        primary=_primary(verdict=V.TOO_EARLY, fit=SimpleNamespace(effect=1.0, pre_r2=0.1, post_months=1)),
        last="2025-10",
        post_months=1,
    )
    assert text.plain_answer(early).startswith(
        "Too early to say: with data to October 2025, 1 month has passed since "
        "the start month assumed (October 2025, SCAS + SECAmb's)."
    )
    later = _study(primary=_primary(revised=same), adopted="2026-11-21", start_month="2026-01", post_months=3)
    assert "3 months after the start month set for the group (January 2026)," in text.plain_answer(later)


def test_the_end_of_whose_roll_out_in_the_power_sentences():
    from se_ambulance.publish.evaluation_text import sentences as S

    ruled = SimpleNamespace(meaningful=3.0, mde_end=5.9, answerable_from=pd.Timestamp("2033-07-01"))
    for members, whose in ((CASE, "the end of the roll-out"), (LAS_SCAS, "the end of SCAS + SECAmb's roll-out")):
        study = _study(members, ("R1F",), primary=_primary(ruled=ruled))
        words = S.power_sentence(study, ruled)
        assert words.startswith(
            f"The design cannot detect the meaningful change of 3.0 min in the Category 2 mean by {whose}:"
        )
        assert f"only with data to July 2033, after {whose} (December 2027)" in words


def test_the_front_page_answer_says_which_way_every_estimate_leans_and_only_then():
    same = SimpleNamespace(verdict=V.UNDETECTABLE, meaningful=3.0, mde_now=5.7, mde_end=4.9)
    worse = _study(primary=_primary(lean=V.WORSE, revised=same), adopted="2026-11-21")
    assert "Every estimate so far has the group " in text.plain_answer(worse)
    assert " min slower than comparison trusts, within the noise." in text.plain_answer(worse)
    assert text.plain_answer(worse).endswith(", within the noise.")
    mixed = _study(primary=_primary(lean=V.MIXED, revised=same), adopted="2026-11-21")
    assert "Every estimate" not in text.plain_answer(mixed)


# --- 9. the judgements behind the words, on both sides of each rule ---------------------------------------------


def test_each_judgement_is_decided_on_both_sides_of_its_rule():
    from se_ambulance.publish.evaluation_text import decide

    assert decide.level_position(30.0, [28.0, 35.0]) == ("between", 1)
    assert decide.level_position(27.0, [28.0, 35.0]) == ("faster_than_all", 2)
    assert decide.level_position(36.0, [28.0, 35.0]) == ("slower_than_all", 0)
    assert decide.level_position(float("nan"), [28.0]) == ("unknown", 0)
    season = {"group_now": 31.0, "group_before": 35.8, "donors_now": 32.2, "donors_before": 40.1}
    assert decide.season_kinder_to(season) == "donors"
    assert decide.season_kinder_to(season | {"donors_now": 40.0}) == "group"
    assert decide.all_winter(pd.Timestamp("2025-10-01"), pd.Timestamp("2026-03-01"))
    assert not decide.all_winter(pd.Timestamp("2025-10-01"), pd.Timestamp("2026-04-01"))
    # Lead or deficit only when the mean difference is larger than the trend's drift over half the pre-period.
    assert decide.pre_trend_reading(1.33, 30.06, 35.0, 30) == "lead_shrinking"  # 4.9 > 1.66
    assert decide.pre_trend_reading(4.0, 30.06, 35.0, 30) == "moving_against"  # 4.9 < 5.0
    assert decide.pre_trend_reading(-0.74, 40.0, 35.0, 30) == "deficit_shrinking"
    assert decide.pre_trend_reading(float("nan"), 30.0, 35.0, 30) is None
    r = SimpleNamespace(verdict=V.UNDETECTABLE, mde_now=5.7, meaningful=3.0, fit=SimpleNamespace(post_months=6))
    assert decide.power_decided(r) and not decide.power_decided(SimpleNamespace(**(r.__dict__ | {"mde_now": 2.9})))
    assert not decide.too_early_by_months(r, 3)
    assert decide.too_early_by_months(SimpleNamespace(verdict=V.TOO_EARLY, fit=SimpleNamespace(post_months=2)), 3)
    assert decide.by_default(_study()) and not decide.by_default(_study(excluded=("RRU",)))


def test_the_placebo_caveat_is_stated_and_cited():
    md = _markdown()
    assert "**A caveat on placebo p-values.**" in md
    assert "{cite:p}`illenberger_2020`" in md and "{cite:p}`mlsynth_2026`" in md
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    for key in ("illenberger_2020", "mlsynth_2026", "abadie_2010", "ferman_2021", "bloom_1995"):
        assert f"{{{key}," in bib, key
    assert "Epidemiology" in bib and "815--822" in bib
