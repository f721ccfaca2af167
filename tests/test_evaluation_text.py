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
from se_ambulance.reference.evaluation import DEFAULT_EXCLUDED_DONORS

from .support.builders import ROOT

TRUSTS = ("R1F", "RRU", "RX6", "RX7", "RX8", "RX9", "RYA", "RYC", "RYD", "RYE", "RYF")
# NHS England regions as AmbSYS gives them (the book's data file, March 2026).
REGIONS = {"R1F": "Y59", "RRU": "Y56", "RX6": "Y63", "RX7": "Y62", "RX8": "Y63", "RX9": "Y60", "RYA": "Y60",
           "RYC": "Y61", "RYD": "Y59", "RYE": "Y59", "RYF": "Y58"}
CASE, LAS_SCAS, NORTH = ("RYD", "RYE"), ("RRU", "RYE"), ("RX6", "RX8")
# The pre-period (April 2023 to September 2025) Category 2 means, incident-weighted, in minutes.
DONOR_LEVELS = {"RX6": 29.2, "RX7": 28.4, "RX8": 30.9, "RX9": 41.4, "RYA": 30.5, "RYC": 41.3, "RYF": 42.3}

# The canonical book's words before the donor reasons were computed for the group: they must not change.
CANONICAL_EXCLUSIONS = (
    "By default two are left out. London is unlike any other trust, lacks response times for two months of 2022, "
    "and has worked with SCAS since a partnership announced in September 2018 (seed 002), so it may share in the "
    "group's changes. The Isle of Wight is one small island whose monthly figures are noisy, and it sits in NHS "
    "England's South East region with both members, so regional commissioning changes reach it too.")
CANONICAL_ROLES = {
    "London (LAS)": "excluded: London Ambulance Service: a capital-city service unlike any other trust; it has no "
                    "response times for October and November 2022; and it announced a partnership with SCAS in "
                    "September 2018 (joint procurement, shared best practice: seed 002), so it may share in the "
                    "group's changes",
    "Isle of Wight": "excluded: Isle of Wight: one island of about 140,000 people whose small counts make its monthly "
                     "series noisy; it reports only from April 2018; and it sits in NHS England's South East region "
                     "with both members, so regional commissioning changes reach it too",
}


def _design(members=CASE, excluded=DEFAULT_EXCLUDED_DONORS, **kw) -> Design:
    base = dict(members=tuple(members), start_month="2025-10", pre_start="2023-04", outcomes=("c2_mean",),
                excluded_donors=tuple(excluded), placebo_min_pre_months=12, alpha=0.1, power=0.8,
                meaningful_change=0.1, min_post_months=3, power_until="2027-12")
    return Design(**(base | kw))


def _primary(**kw):
    """The fields of an outcome's result the words read (the canonical book's Category 2 mean by default)."""
    fit = SimpleNamespace(effect=2.42, pre_r2=-0.22, post_months=6, weights=pd.Series(dtype=float))
    its = ITSFit(4.60, 2.05, 7.15, 0.005, 30, 6, 3, 1.33)
    base = dict(fit=fit, its=its, sc_informative=False, lean=V.WORSE, verdict=V.UNDETECTABLE, reference_level=30.06,
                meaningful=3.01, mde_now=15.9, mde_end=10.5, its_rank=SimpleNamespace(rank=1, of=14, p=1 / 14),
                rank=SimpleNamespace(rank=6, of=8, p=0.75), sc_finds=False, its_finds=True,
                without_power=V.UNCONFIRMED)
    return SimpleNamespace(**(base | kw))


def _its(effect: float, trend: float = float("nan")) -> ITSFit:
    return ITSFit(effect, effect - 1.5, effect + 1.5, 0.1, 30, 6, 3, trend)


def _study(members=CASE, excluded=DEFAULT_EXCLUDED_DONORS, primary=None, sensitivity=None, pre_levels=None,
           seasons=None) -> Study:
    """A study as run_study would describe the design, with the real donor pool and the real leadership and
    partnership facts, and the given results."""
    d = _design(members, excluded)
    donors = D.donor_pool(TRUSTS, d.members, d.excluded_donors)
    return Study(d, donors, pd.Timestamp("2017-08-01"), pd.Timestamp("2026-03-01"), 6,
                 {D.PRIMARY: primary or _primary()}, pd.DataFrame(), sensitivity or {}, seasons or {},
                 D.shares_leadership(d.members), D.partners(d.members), REGIONS, pre_levels or {})


def _roles(study: Study) -> dict[str, str]:
    table = text.donors_table(study)
    return dict(zip(table["trust"], table["role"]))


# --- 1. a trust that shares leadership with a member is never a donor ----------------------------------------

def test_a_trust_sharing_leadership_with_a_member_is_never_a_donor_whatever_the_parameter_says():
    assert D.shares_leadership(LAS_SCAS) == {"RYD": ("RYE",)}
    assert D.shares_leadership(("RYD", "RX6")) == {"RYE": ("RYD",)}
    assert D.shares_leadership(CASE) == {}  # both are members: the case's design is unchanged
    assert "RYD" not in D.donor_pool(TRUSTS, LAS_SCAS, ("R1F",))
    assert "RYD" not in D.donor_pool(TRUSTS, LAS_SCAS, ())
    # The case's group keeps the donors the design was fixed with.
    assert D.donor_pool(TRUSTS, CASE, DEFAULT_EXCLUDED_DONORS) == ["RX6", "RX7", "RX8", "RX9", "RYA", "RYC", "RYF"]
    assert D.donor_pool(TRUSTS, CASE, ("RRU",)) == ["R1F", "RX6", "RX7", "RX8", "RX9", "RYA", "RYC", "RYF"]


def test_the_las_scas_book_names_secamb_as_not_a_donor_and_why():
    study = _study(LAS_SCAS, ("R1F",))
    assert "RYD" not in study.donors and len(study.donors) == 7
    roles = _roles(study)
    assert roles["South East Coast (SECAmb)"].startswith("not a donor (shares its leadership with a member)")
    assert "chair and chief executive with SCAS" in roles["South East Coast (SECAmb)"]
    paragraph = text.exclusions_paragraph(study)
    assert paragraph.startswith("South East Coast (SECAmb) is never a donor while South Central (SCAS) is a member")


def test_a_member_named_in_excluded_donors_is_flagged_not_silently_listed():
    study = _study(LAS_SCAS, DEFAULT_EXCLUDED_DONORS)  # the default names London, a member here
    assert study.ignored_exclusions == ["RRU"] and study.excluded_by_parameter == ["R1F"]
    paragraph = text.exclusions_paragraph(study)
    assert "also names London (LAS), a member of this group" in paragraph and "changes nothing" in paragraph
    assert "By default" not in paragraph
    assert "London is unlike" not in paragraph  # a member's reasons for being left out are not given


@pytest.mark.parametrize("members, trusts", [
    (CASE, ("RYD", "RYE", "RRU", "R1F", "RX6")),  # London and the Isle of Wight left out: one donor
    (LAS_SCAS, ("RRU", "RYE", "RYD", "R1F", "RX6")),  # SECAmb never a donor, the Isle of Wight left out
])
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
        study = _study(sensitivity={"chapter": _its(1.0, trend=trend)}, seasons=seasons,
                       pre_levels={"group": group, "donors": donors})
        return text.season_sentence(study)

    # The case's group: 4.9 min faster over 30 months in which the difference drifted 3.3 min.
    assert "the group's lead over the donors was already shrinking" in moving(30.06, 35.0, 1.33)
    assert "the group's deficit against the donors was already shrinking" in moving(40.0, 35.0, -0.74)
    # LAS + SCAS: level with the donors on average (35.0 min each), so no lead or deficit held throughout.
    words = moving(35.04, 35.0, -0.74)
    assert "lead" not in words and "deficit" not in words
    assert "the difference between the group and the donors was already moving in the group's favour" in words


# --- 4. the lean follows a stated rule on the estimates shown --------------------------------------------------

LAS_SPECS = {"chapter": 2.53, "no_trend": 0.97, "log_ratio": 0.07, "rest_of_england": 2.49, "did": -1.46,
             "did_same_months": 1.39}
CANON_SPECS = {"chapter": 4.60, "no_trend": 6.59, "log_ratio": 0.11, "rest_of_england": 4.43, "did": 1.96,
               "did_same_months": 6.79}


def _sens(specs):
    return {k: _its(v) for k, v in specs.items()}


def test_the_primary_lean_is_read_from_every_estimate_shown():
    r = _primary(fit=SimpleNamespace(effect=0.08, pre_r2=0.82, post_months=6, weights=pd.Series(dtype=float)),
                 its=_its(2.53))
    assert lean_estimates(r, _sens(LAS_SPECS)) == [0.08, *LAS_SPECS.values()]
    assert V.lean(lean_estimates(r, _sens(LAS_SPECS)), lower_is_better=True) == V.MIXED  # the DiD is negative
    assert V.lean(lean_estimates(r, {}), lower_is_better=True) == V.WORSE  # the two methods alone agree
    assert V.lean([2.42, *CANON_SPECS.values()], lower_is_better=True) == V.WORSE


def test_mixed_estimates_are_never_said_to_lean_one_way():
    primary = _primary(fit=SimpleNamespace(effect=0.08, pre_r2=0.82, post_months=6, weights=pd.Series(dtype=float)),
                       its=_its(2.53), sc_informative=True, lean=V.MIXED, its_finds=False,
                       without_power=V.NOT_FOUND)
    words = text.lean_sentence(_study(LAS_SCAS, ("R1F",), primary=primary, sensitivity=_sens(LAS_SPECS)))
    assert "lean towards" not in words and "point in different directions" in words
    assert "6 are positive and 1 negative" in words
    assert "simple difference in differences −1.5 min" in words and "from −1.5 min to +2.5 min" in words
    assert text.LEAN_SHORT[V.MIXED] == "mixed"


def test_estimates_that_agree_lean_one_way_and_say_so():
    words = text.lean_sentence(_study(sensitivity=_sens(CANON_SPECS)))
    assert words.startswith("The estimates so far lean towards the group losing ground against other trusts: the "
                            "synthetic control and all six specifications of the time series point that way")
    assert "from +2.0 min to +6.8 min" in words  # the log ratio (+3.5 min) inside the range of the others
    assert "cannot tell from noise with these data" in words and "cannot yet" not in words  # undetectable
    assert "The estimates lean one way only when" not in words  # the rule is stated once, in the chapter
    assert "They lean one way only when every estimate shown" in _markdown()


# --- 6. the power check, and why it decides the verdict --------------------------------------------------------

CANONICAL_FACTS = dict(sc_effect=2.42, sc_p=0.75, sc_smallest_p=1 / 8, sc_low=-9.0, sc_high=13.9,
                       sc_informative=False, its_effect=4.60, its_low=2.05, its_high=7.15, its_placebo_p=1 / 14,
                       alpha=0.1, lower_is_better=True, post_months=6, min_post_months=3, mde_now=15.85,
                       mde_end=10.54, meaningful=3.006)


def test_the_rule_as_stated_gives_the_canonical_verdict_and_without_power_would_not():
    assert V.judge(**CANONICAL_FACTS) == V.UNDETECTABLE
    assert V.without_power(**CANONICAL_FACTS) == V.UNCONFIRMED
    assert V.its_significant(2.05, 7.15, 1 / 14, 0.1) and not V.its_significant(2.05, 7.15, 0.2, 0.1)


def test_a_verdict_decided_by_the_power_check_says_so():
    words = text.power_gate_sentence(_study())
    assert words.startswith("On its own the interrupted time series finds +4.6 min (90% CI +2.0 min to +7.2 min), "
                            "1st of 14 (p = 0.07) among its false starts: more than the 3.0 min that matters.")
    assert "the rule checks power first (rule 2)" in words and "15.9 min" in words
    assert "the synthetic control's own estimate does not count (R² −0.22)" in words
    assert 'would say "unconfirmed: one method finds a meaningful change the other does not confirm"' in words
    # No method finds a change, or the verdict is not the power check's: nothing to explain.
    assert text.power_gate_sentence(_study(primary=_primary(its_finds=False))) == ""
    assert text.power_gate_sentence(_study(primary=_primary(verdict=V.UNCONFIRMED))) == ""


def test_an_uninformative_synthetic_control_is_said_to_still_set_the_power_check():
    md = _markdown()
    assert "uninformative for that outcome and does not count towards a verdict" not in md
    assert "This one power check applies to both methods" in md
    words = text.sc_counts(_primary())
    assert "its estimate does not count towards the verdict" in words and "still set the power check" in words
    assert text.sc_counts(_primary(sc_informative=True)) == "counts towards the verdict"


# --- 5. one word for a version of the data ----------------------------------------------------------------------

def _markdown() -> str:
    nb = json.loads((ROOT / "notebooks" / "09_evaluation.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_the_chapter_calls_a_version_of_the_data_a_vintage_throughout():
    assert "*vintage*" in _markdown()  # defined where it is first used
    assert not re.search(r"\brelease", _markdown(), re.IGNORECASE)
    current = SimpleNamespace(vintage="data to March 2026", file="AmbSYS.csv", adopted="2026-11-21")
    summary = text.vintage_values(SimpleNamespace(current=current, previous=None, unavailable=None), None)["ev.vintage.summary"]
    assert "When the next vintage is adopted" in summary and not re.search(r"\brelease", summary)


def test_the_las_scas_scenario_leaves_out_what_the_group_requires():
    from se_ambulance.pipeline.params import load_params

    p = load_params(ROOT / "params" / "las_scas.yaml")
    d = text.design_from(p.evaluation.model_dump(), p.group.model_dump())
    donors = D.donor_pool(TRUSTS, d.members, d.excluded_donors)
    assert not set(donors) & {"RRU", "RYE", "RYD", "R1F"} and len(donors) == 7
