"""Chapter 9's judgements behind its words, each a small function returning a value (a code, a number, a list), never
a sentence: which rule governs, which months are exploratory, which way the pre-period difference was moving, where
the group's level sits, whether the power check decided a verdict. `sentences` turns each into words; the tests check
each on both sides of its rule."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from se_ambulance.analysis.evaluation import verdict as V
from se_ambulance.analysis.evaluation.study import Design, Study
from se_ambulance.reference import evaluation as RE


# --- the design, from the parameters -----------------------------------------------------------------------------


def members_from(group: Mapping[str, Any]) -> tuple[str, ...]:
    """The group's members from the `group` area as papermill injects it ({'name', 'members'})."""
    members = tuple((group or {}).get("members") or ())
    if len(members) < 2:
        raise ValueError("the evaluation needs the book's group (the `group` area) with at least two members")
    return members


def design_from(evaluation: Mapping[str, Any], group: Mapping[str, Any]) -> Design:
    """The evaluation area and the book's group (both as papermill injects them) as the analysis's Design:
    the treated unit is the `group` parameter's trusts pooled."""
    e = evaluation
    return Design(
        members_from(group),
        e["start_month"],
        e["pre_start"],
        tuple(e["outcomes"]),
        tuple(e["excluded_donors"]),
        int(e["placebo_min_pre_months"]),
        float(e["alpha"]),
        float(e["power"]),
        float(e["meaningful_change"]),
        int(e["min_post_months"]),
        e["power_until"],
        dict(e.get("meaningful") or {}),
    )


def book_study(
    tidy: pd.DataFrame, evaluation: Mapping[str, Any], group: Mapping[str, Any], release: str | None = None
) -> Study:
    """The evaluation as the book runs it: the design from the parameters, judged by the rule in force when the
    AmbSYS release was adopted (`release`: its sha256 or file name; default the pinned release). One call for the
    front page, chapter 9 and the editions record, so they cannot name different rules."""
    from se_ambulance.analysis.evaluation.study import run_study
    from se_ambulance.data.vintages import adoption_date

    adopted = adoption_date(release or _pinned_ambsys())
    return run_study(tidy, design_from(evaluation, group), adopted=adopted.isoformat() if adopted else None)


def _pinned_ambsys():
    from se_ambulance.data.manifest import load_manifest

    return load_manifest()["ambsys"]


# --- whose start and whose roll-out ---------------------------------------------------------------------------


def is_case_group(d: Design) -> bool:
    """The design's group is the case's (SCAS + SECAmb, whatever the name): the announcement's start and roll-out are
    its own. For any other group they are an assumption borrowed from the case's group."""
    from se_ambulance.reference.orgs import CASE_GROUP_MEMBERS

    return set(d.members) == set(CASE_GROUP_MEMBERS)


def start_against_default(d: Design) -> str:
    """Where the `start_month` parameter sits against the design's default (the first month of "late 2025"):
    'default', 'earlier' or 'later'."""
    if d.start_month == RE.DEFAULT_START_MONTH:
        return "default"
    return "earlier" if d.start_month < RE.DEFAULT_START_MONTH else "later"


def horizon_is_roll_out(d: Design) -> bool:
    """The power chart's horizon (`power_until`) is the end of the case's roll-out ("through to 2027")."""
    return d.power_until == RE.DEFAULT_POWER_UNTIL


def pre_start_is_default(d: Design) -> bool:
    """The pre-period begins where the design's default puts it (the UEC recovery plan year)."""
    return d.pre_start == RE.DEFAULT_PRE_START


# --- the rule and the months ---------------------------------------------------------------------------------


def seen_to(study: Study) -> pd.Timestamp:
    """The last month since the start that was published when the design was fixed (or the data's last month)."""
    return min(pd.Timestamp(f"{RE.DATA_TO_WHEN_FIXED}-01"), study.last_month)


def first_test(last_month: pd.Timestamp, earlier_last_months: Sequence[pd.Timestamp | None]) -> tuple[str, int | None]:
    """Which vintage is the first test fixed in advance, as the design states it: the first vintage with months later
    than those published when the design was fixed. `earlier_last_months`: the last month of each vintage this one
    replaced, newest first (None where not recorded). Returns ('not_yet', None) when this vintage has no later months,
    ('this', None), or ('previous' | 'earlier', its index in `earlier_last_months`)."""
    fixed = pd.Timestamp(f"{RE.DATA_TO_WHEN_FIXED}-01")
    if last_month <= fixed:
        return "not_yet", None
    later = [i for i, m in enumerate(earlier_last_months) if m is not None and m > fixed]
    if not later:
        return "this", None
    oldest = max(later)
    return ("previous" if oldest == 0 else "earlier"), oldest


# --- the verdict's reasons --------------------------------------------------------------------------------------


def too_early_by_months(r, min_post_months: int) -> bool:
    """'Too early' because fewer months than the design requires have passed (not because of power)."""
    return r.verdict == V.TOO_EARLY and r.fit.post_months < min_post_months


def power_decided(r) -> bool:
    """The verdict is the power check's (too early or cannot be told) with a meaningful change not detectable now."""
    return r.verdict in (V.TOO_EARLY, V.UNDETECTABLE) and math.isfinite(r.mde_now) and r.mde_now > r.meaningful


def gate_overrules_a_finding(study: Study) -> bool:
    """The power check decided the primary outcome's verdict although a method on its own finds a meaningful
    change: the chapter then says which, and what the rule would give without the check."""
    p, d = study.primary, study.design
    if p.verdict not in (V.TOO_EARLY, V.UNDETECTABLE) or p.fit.post_months < d.min_post_months:
        return False
    return bool(p.sc_finds or p.its_finds)


# --- the group's level and the pre-period -------------------------------------------------------------------


def level_position(group_level: float, donor_levels: Sequence[float]) -> tuple[str, int]:
    """Where the group's pre-period level sits among the donors' (lower is faster): ('faster_than_all' |
    'slower_than_all' | 'between' | 'unknown', how many donors were slower)."""
    levels = [v for v in donor_levels if math.isfinite(v)]
    if not levels or not math.isfinite(group_level):
        return "unknown", 0
    slower = sum(v > group_level for v in levels)
    if slower == len(levels):
        return "faster_than_all", slower
    if slower == 0:
        return "slower_than_all", slower
    return "between", slower


def all_winter(start: pd.Timestamp, last: pd.Timestamp) -> bool:
    """Every month since the start falls in the winter half of the year (October to March)."""
    months = set(pd.date_range(start, last, freq="MS").month)
    return bool(months) and months <= {10, 11, 12, 1, 2, 3}


def season_kinder_to(seasons: Mapping[str, float]) -> str:
    """Whether the months since the start were kinder (compared with the same months a year earlier) to the 'donors'
    or to the 'group'."""
    donors = seasons["donors_now"] - seasons["donors_before"]
    group = seasons["group_now"] - seasons["group_before"]
    return "donors" if donors < group else "group"


def pre_trend_reading(trend: float, group_pre: float, donors_pre: float, pre_months: int) -> str | None:
    """How the difference between the group and the donors was moving before the start (lower is faster): a lead or a
    deficit only if the fitted trend keeps the difference on one side over the whole pre-period (the mean difference
    larger than the trend's drift over half the pre-period), else just its direction. None without a trend.
    Codes: 'moving_against', 'moving_for', 'deficit_growing', 'deficit_shrinking', 'lead_shrinking', 'lead_growing'."""
    if not math.isfinite(trend):
        return None
    diff = group_pre - donors_pre
    drift = abs(trend) * pre_months / 12 / 2
    if not (math.isfinite(diff) and abs(diff) > drift):
        return "moving_against" if trend > 0 else "moving_for"
    if diff > 0:
        return "deficit_growing" if trend > 0 else "deficit_shrinking"
    return "lead_shrinking" if trend > 0 else "lead_growing"


def by_default(study: Study) -> bool:
    """The `excluded_donors` parameter is the design's default (and names no member)."""
    return set(study.design.excluded_donors) == set(RE.DEFAULT_EXCLUDED_DONORS) and not study.ignored_exclusions


def region_sharers(code: str, study: Study) -> list[str]:
    """The members of this group in the same NHS England region as `code` (as the data file gives it)."""
    region = study.regions.get(code)
    return [m for m in study.design.members if region is not None and study.regions.get(m) == region]
