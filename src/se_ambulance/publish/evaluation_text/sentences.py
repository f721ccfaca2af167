"""Chapter 9's sentences: each composes fixed words (`phrases`) with a judgement (`decide`) and numbers in their unit
(`units`). Every sentence here is true for any group, start month and rule parameter; tests/test_evaluation_text.py
reads them under other settings."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from se_ambulance.analysis.evaluation import design as D
from se_ambulance.analysis.evaluation import verdict as V
from se_ambulance.analysis.evaluation.study import ITS, SC, Study, lean_estimates
from se_ambulance.publish.format import day_label, month_label, number, percent
from se_ambulance.reference import evaluation as RE
from se_ambulance.reference.orgs import REGIONS, short_name

from . import decide
from .phrases import (
    EXCLUSION_FACTS,
    EXCLUSION_SENTENCES,
    LEADERSHIP_WORDS,
    LEAN_WORDS,
    PARTNERSHIP_WORDS,
    SHARE_PATIENTS,
    VERDICT_WORDS,
)
from .units import amount, clauses, fit_text, its_text, names, number_word, patients, rank_text, size

# The day the design was fixed, and what AmbSYS held then (never changes; reference.evaluation gives the facts).
DESIGN_FIXED = day_label(RE.DESIGN_FIXED_ON)
DESIGN_DATA = f"AmbSYS to {month_label(RE.DATA_TO_WHEN_FIXED)} (adopted 21 November 2026)"
RULE_REVISED = day_label(RE.RULE_REVISED_ON)


def rule_name(rule: RE.RuleVersion) -> str:
    """'the rule of 22 November 2026'."""
    return f"the rule of {day_label(rule.dated)}"


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- who the group is and who it is compared with ----------------------------------------------------------------


def group_note(group: Mapping[str, Any]) -> str:
    """A sentence for the chapter's opening when the book's group is not the case's (empty when it is): the
    design was written for SCAS + SECAmb and is here applied to the group's trusts."""
    from se_ambulance.reference.orgs import CASE_GROUP, Group
    from se_ambulance.reference.orgs import names as org_names

    g = Group.from_params(group)
    if g.is_case:
        return ""
    note = (
        f"This book is built for {g.name} ({org_names(g.members)}; the book's group setting): the design below, "
        f"written for {CASE_GROUP.name}, is applied to its trusts pooled as one organisation, with the same "
        "start month and outcomes unless the book's evaluation settings change them."
    )
    shared = [m for m in g.members if m in CASE_GROUP.members]
    if shared:  # that trust changed with the real group from late 2025: its change is not this group's alone
        note += (
            f" {org_names(shared)} {'is' if len(shared) == 1 else 'are'} also in {CASE_GROUP.name}, formed in "
            f"late 2025, so a change measured here after the start month mixes the effect of that group with any "
            f"effect of {g.name}: these data cannot say which."
        )
    return note


# --- when the group starts, and how far ahead the design looks ----------------------------------------------------
# The announcement's start and roll-out are the case's group's; for any other group the book borrows them, and says so.


def _case_name() -> str:
    from se_ambulance.reference.orgs import CASE_GROUP

    return CASE_GROUP.name


def _months_apart(a: str, b: str) -> int:
    return abs((int(b[:4]) - int(a[:4])) * 12 + int(b[5:7]) - int(a[5:7]))


def start_phrase(d) -> str:
    """The start month as a noun phrase ('… since the group's start (October 2025)'): the group's own start only for
    the case's group at the announcement's month; otherwise the start month set, or assumed."""
    when = month_label(d.start_month)
    case, where = decide.is_case_group(d), decide.start_against_default(d)
    if case and where == "default":
        return f"the group's start ({when})"
    if case:
        return f"the start month set for the group ({when})"
    if where == "default":
        return f"the start month assumed ({when}, {_case_name()}'s)"
    return f"the start month assumed ({when})"


def start_note(d) -> str:
    """When the group counts as working, and why that month: the announcement's earliest month for the case's group,
    a month the parameter moved from it, or for another group an assumption."""
    when, default = month_label(d.start_month), month_label(RE.DEFAULT_START_MONTH)
    late = f'{default}, the first month of "late 2025" and the earliest start the words allow'
    where = decide.start_against_default(d)
    if not decide.is_case_group(d):
        if where == "default":
            return (
                f"This book's group is not the case's, and the book holds no start of its own for it: it assumes "
                f"the start of {_case_name()}, {late}. That is an assumption, not a month this group is known to "
                "have started; the book's start-month setting can give another."
            )
        return (
            f"This book's group is not the case's: the book assumes a start in {when}, set by the "
            f"start-month setting (by default it borrows {_case_name()}'s start, {default}). That "
            "is an assumption, not a month this group is known to have started."
        )
    if where == "default":
        return (
            f'{when}, the first month of "late 2025": the earliest start the words allow, so that no early effect '
            "is missed."
        )
    n = _months_apart(d.start_month, RE.DEFAULT_START_MONTH)
    months = f"{number_word(n)} month{'s' if n != 1 else ''}"
    if where == "later":
        return (
            f"{when}, set by the start-month setting: {months} after {late} (the design's "
            f"default). Any effect of the group in the months before {when} falls in the pre-period, where the "
            "methods take it for the usual ups and downs."
        )
    before = month_label(pd.Timestamp(f"{RE.DEFAULT_START_MONTH}-01") - pd.DateOffset(months=1))
    span = when if n == 1 else f"the months from {when} to {before}"
    return (
        f"{when}, set by the start-month setting: {months} before {late} (the design's default). "
        f"{capital(span)} {'counts' if n == 1 else 'count'} as after the start, although the announcement puts "
        "the start later."
    )


def counts_from_sentence(d) -> str:
    """'The group counts from October 2025.', or for another group that the month is assumed."""
    when = month_label(d.start_month)
    default = decide.start_against_default(d) == "default"
    if decide.is_case_group(d):
        return f"The group counts from {when}" + ("." if default else " (the start-month setting).")
    return f"The book assumes this group counts from {when}" + (
        f", {_case_name()}'s start." if default else " (the start-month setting)."
    )


def horizon_name(d) -> str:
    """What the power chart's last month is: the end of the roll-out (the case's group's, named for another group),
    or the horizon a reader set."""
    if not decide.horizon_is_roll_out(d):
        return "the horizon set by the power-horizon setting"
    return "the end of the roll-out" if decide.is_case_group(d) else f"the end of {_case_name()}'s roll-out"


def horizon_note(d) -> str:
    """How far ahead the power chart looks, and whose roll-out that is."""
    until, default = month_label(d.power_until), month_label(RE.DEFAULT_POWER_UNTIL)
    case = decide.is_case_group(d)
    roll_out = 'The roll-out runs "through to 2027", so an effect may build slowly; '
    if decide.horizon_is_roll_out(d):
        if case:
            return f"{roll_out}the power chart looks ahead to {until}."
        return (
            f'{_case_name()}\'s roll-out runs "through to 2027"; the power chart looks ahead to its end, {until}, '
            "for this group too."
        )
    whose = "the roll-out" if case else f"{_case_name()}'s roll-out"
    return (
        roll_out + "the power chart" if case else "The power chart"
    ) + f" looks ahead to {until} (the power-horizon setting; by default {default}, the end of {whose})."


def pre_period_sentence(study: Study) -> str:
    """The pre-period's months, and why it begins where it does (the default's reason only for the default)."""
    d = study.design
    first, last = month_label(d.pre_start), month_label(d.start - pd.DateOffset(months=1))
    out = f"The months before the start, from {first} to {last} ({study.primary.fit.pre_months} months), are the pre-period: "
    if decide.pre_start_is_default(d):
        return out + (
            "they begin with the UEC recovery plan year, the book's latest known change to the system "
            "(earlier months hold the winter of 2022/23, when some trusts' Category 2 means passed two hours: "
            "another process)."
        )
    return out + (
        f"they begin in {first}, set by the before-period setting (by default "
        f"{month_label(RE.DEFAULT_PRE_START)}, the start of the UEC recovery plan year, the book's latest known "
        "change to the system)."
    )


def members_words(study: Study) -> str:
    """'the two trusts', 'the three trusts': the group's members counted."""
    return f"the {number_word(len(study.design.members))} trusts"


def donors_sentence(study: Study) -> str:
    """'The group is compared with 7 other ambulance trusts, none of which formed a group in the
    months compared. In the mix that stands in
    for the group's Category 2 average, 3 of them carry weight; the largest weight, 61%, is South Western (SWASFT)'s.'
    A donor carries weight when its weight shows as at least 1% in the donors table (whole percent), so the sentence
    and the table count the same trusts."""
    n = len(study.donors)
    head = (
        f"The group is compared with {n} other ambulance trust{'s' if n != 1 else ''}, "
        f"{'none of which' if n != 1 else 'which did not'} form{'ed' if n != 1 else ''} a group in the months compared."
    )
    weights = {c: float(study.primary.fit.weights.get(c, 0.0)) for c in study.donors}
    shown = {c: round(100 * w) for c, w in weights.items()}
    weighted = [c for c in study.donors if shown[c] > 0]
    if not weighted:
        return head
    top = max(weighted, key=weights.__getitem__)
    mix = "In the mix that stands in for the group's Category 2 average,"
    if len(weighted) == 1:
        return f"{head} {mix} only {short_name(top)} carries weight ({shown[top]}%)."
    return (
        f"{head} {mix} {len(weighted)} of them carry weight; the largest weight, {shown[top]}%, is {short_name(top)}'s."
    )


def _region_clause(code: str, study: Study) -> str | None:
    """'it sits in NHS England's South East region with both members, …' when the trust shares its region (as the
    data file gives it) with a member of this group; None when it shares it with none."""
    members, same = study.design.members, decide.region_sharers(code, study)
    if not same:
        return None
    if len(same) == len(members):
        who = "both members" if len(members) == 2 else f"all {number_word(len(members))} members"
    else:
        who = names(same) + (", a member" if len(same) == 1 else ", members")
    region = study.regions.get(code, "")
    return (
        f"it sits in NHS England's {REGIONS.get(region, region)} with {who}, so regional commissioning changes "
        "reach it too"
    )


def _leadership(code: str, study: Study, prose: bool) -> str:
    members = study.shared_leadership[code]
    found = [LEADERSHIP_WORDS.get((code, m)) for m in members]
    words = [w for w in found if w is not None]
    if len(words) == len(found):
        return " ".join(w[prose] for w in words) if prose else "; ".join(w[prose] for w in words)
    plural = len(members) > 1
    if prose:
        return (
            f"{short_name(code)} is never a donor while {names(members)} "
            f"{'are members' if plural else 'is a member'}: "
            "it shares its chair and chief executive with them, so it changes with the group and cannot stand for "
            "what the group would have done without it."
        )
    return f"it shares its chair and chief executive with {names(members)}, {'members' if plural else 'a member'}"


def _known_group_name(trusts) -> str:
    """The name of a known group of trusts (reference.evaluation.SHARED_LEADERSHIP): the case's group by its name,
    any other by its trusts."""
    from se_ambulance.reference.orgs import CASE_GROUP

    return CASE_GROUP.name if set(trusts) == set(CASE_GROUP.members) else " + ".join(short_name(t) for t in trusts)


def _formed_group(code: str, study: Study, prose: bool) -> str:
    """Why a trust that formed a group of its own inside the window (`Study.formed_groups`) is never a donor: the
    table's words for one trust, or the prose's for its whole group."""
    others, start = study.formed_groups[code]
    group = sorted({code, *others})
    since, window = month_label(start), month_label(study.design.pre_start)
    if not prose:
        return (
            f"it has shared a chair and chief executive with {names(others)} since {since} (the group "
            f"{_known_group_name(group)}), inside the months compared here (from {window}), so it changed during "
            "them for reasons of its own"
        )
    return (
        f"{names(group)} are not donors: they formed a group of their own, {_known_group_name(group)}, with a "
        f"shared chair and chief executive from {since}, inside the months compared here (from {window}). A trust "
        "whose leadership changed during those months cannot stand for what this group would have done without "
        "it."
    )


def exclusion_reason(code: str, study: Study) -> str:
    """A trust's role when it is not a donor, for the donors table, with only the reasons true for this group."""
    if code in study.shared_leadership:
        return "not a donor (shares its leadership with a member): " + _leadership(code, study, prose=False)
    if code in study.formed_groups:
        return "not a donor (formed a group of its own inside the months compared): " + _formed_group(
            code, study, prose=False
        )
    name, parts = EXCLUSION_FACTS.get(code, (None, []))
    parts = [
        *parts,
        *(PARTNERSHIP_WORDS[(code, m)][0] for m in study.partners.get(code, ()) if (code, m) in PARTNERSHIP_WORDS),
    ]
    region = _region_clause(code, study)
    parts += [region] if region else []
    if not parts:
        return "excluded by the excluded-donors setting"
    listed = parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + "; and " + parts[-1]
    return "excluded: " + (f"{name}: " if name else "") + listed


def exclusions_paragraph(study: Study) -> str:
    """Why the trusts that are not donors are left out, in words true for this group: trusts sharing leadership with
    a member and trusts that formed a group of their own inside the window (never donors), then each trust the excluded-donors setting leaves out, with its reasons; a member
    the parameter names is flagged (it changes nothing). Empty when no trust outside the group is left out."""
    out = [_leadership(t, study, prose=True) for t in study.shared_leadership]
    formed = study.formed_groups
    out += list(dict.fromkeys(_formed_group(t, study, prose=True) for t in formed))  # once per group
    param = [t for t in study.excluded_by_parameter if t not in study.shared_leadership and t not in formed]
    if decide.by_default(study):
        out.append(f"By default {number_word(len(param))} {'is' if len(param) == 1 else 'are'} left out.")
    for code in param:
        name, parts = EXCLUSION_SENTENCES.get(code, (short_name(code), []))
        partner = [
            PARTNERSHIP_WORDS[(code, m)][1] for m in study.partners.get(code, ()) if (code, m) in PARTNERSHIP_WORDS
        ]
        region = _region_clause(code, study)
        found = [*parts, *partner, *([region] if region else [])]
        if not found:
            continue
        if not parts:
            found = ["is left out by the excluded-donors setting", *found]
        out.append(f"{name} {clauses(found)}.")
    ignored = study.ignored_exclusions
    if ignored:
        one = len(ignored) == 1
        entries = "that entry changes" if one else "those entries change"
        out.append(
            f"The excluded-donors setting also names {names(ignored)}, {'a member' if one else 'members'} "
            f"of this group; a member is never a donor, so {entries} nothing."
        )
    return " ".join(out)


def left_out(study: Study) -> list[str]:
    """Every trust outside the group that is not a donor: those sharing leadership with a member, those that formed a
    group of their own inside the window, then those the excluded-donors setting leaves out."""
    rule = [*study.shared_leadership, *study.formed_groups]
    return list(dict.fromkeys([*rule, *(t for t in study.excluded_by_parameter if t not in rule)]))


def left_out_words(study: Study) -> str:
    """'London (LAS) and Isle of Wight are left out', 'Isle of Wight is left out', 'no other trust is left out': the
    trusts outside the group that are not donors, with the verb their count takes."""
    codes = left_out(study)
    if not codes:
        return "no other trust is left out"
    return f"{names(codes)} {'is' if len(codes) == 1 else 'are'} left out"


def level_note(group_level: float, donor_levels: Mapping[str, float]) -> str:
    """Where the group's pre-period Category 2 mean sits among the donors' (incident-weighted levels, minutes), and
    so whether an average of the donors could match it: the reason the synthetic control is fitted on centred series,
    decided by the numbers."""
    levels = [v for v in donor_levels.values() if math.isfinite(v)]
    where, slower = decide.level_position(group_level, levels)
    if where == "unknown":
        return "the donors' levels are not available"
    a = lambda v: amount(D.PRIMARY, v, signed=False)  # noqa: E731
    span = f"{a(min(levels))} to {a(max(levels))}"
    start = f"over the pre-period the group's Category 2 mean ({a(group_level)}) was"
    if where == "faster_than_all":
        return f"{start} faster than every donor's ({span}), so no average of them could match its level"
    if where == "slower_than_all":
        return f"{start} slower than every donor's ({span}), so no average of them could match its level"
    return (
        f"{start} faster than {slower} of the {len(levels)} donors' ({span}), so an average of them could match "
        "its level, but only with weights chosen partly for the level rather than for the path"
    )


# --- what each verdict means --------------------------------------------------------------------------------------


def verdict_text(key: str, r, min_post_months: int = 0, ruled=None) -> str:
    """An outcome's verdict in words, with the sizes that make it exact: what a 'no meaningful change' rules
    out, what 'too early' and 'cannot be told' could not yet see. `ruled`: the verdict and sizes under one version
    of the rule (default: the governing version's, which `r` carries)."""
    v = ruled if ruled is not None else r
    words = VERDICT_WORDS[v.verdict]
    m = amount(key, v.meaningful, signed=False)
    if v.verdict == V.TOO_EARLY and r.fit.post_months < min_post_months:
        return (
            f"{words}: {r.fit.post_months} months since the start, fewer than the {min_post_months} the design requires"
        )
    if v.verdict == V.NO_CHANGE:
        return f"{words}: changes of {m} or more either way are ruled out"
    if v.verdict == V.NOT_FOUND:
        return f"{words}: neither method finds a change of {m} or more, nor rules one out"
    if v.verdict in (V.TOO_EARLY, V.UNDETECTABLE) and math.isfinite(v.mde_now) and v.mde_now > v.meaningful:
        return f"{words}: only a change of {amount(key, v.mde_now, signed=False)} or more is detectable now, against {m} that matters"
    return words


def headline(study: Study) -> str:
    """The primary outcome's verdict under the governing rule, with its sizes."""
    return capital(verdict_text(D.PRIMARY, study.primary, study.design.min_post_months)) + "."


def sc_counts(r) -> str:
    """Whether an outcome's synthetic control counts towards its verdict: an uninformative one's estimate does not;
    under the rule of 22 November 2026 its pre-period error and placebos still set the power check for both methods."""
    if r.sc_informative:
        return "counts towards the verdict"
    return (
        "is uninformative for this outcome: it tracks the group's month-to-month path no better than a flat line "
        "at the group's own average would, so its estimate does not count towards the verdict (under the rule of "
        "22 November 2026 its pre-period error and placebos still set the power check, rule 2; from the rule of "
        "7 December 2026 they do not)"
    )


def lean_sentence(study: Study) -> str:
    """Which way the primary outcome's estimates lean, under the stated rule (`analysis.evaluation.study.
    lean_estimates`): one way only when every estimate shown points that way, otherwise in different directions."""
    p = study.primary
    did = study.sensitivity.get("did")
    its = amount(D.PRIMARY, p.its.effect)
    spec = sensitivity_minutes(study)
    if len(spec) > 1:
        its += (
            f", and from {amount(D.PRIMARY, min(spec.values()))} to {amount(D.PRIMARY, max(spec.values()))} across "
            f"its {number_word(len(spec))} specifications"
        )
    parts = [
        f"synthetic control {amount(D.PRIMARY, p.fit.effect)}"
        + ("" if p.sc_informative else ", from a fit no better than a flat line"),
        f"interrupted time series {its}",
    ]
    if did is not None:
        parts.append(f"simple difference in differences {amount(D.PRIMARY, did.effect)}")
    shown = [e for e in lean_estimates(p, study.sensitivity) if math.isfinite(e)]
    if not shown:
        return "There are no estimates yet."
    n_spec = number_word(len(spec))
    detail = f"({'; '.join(parts)}; positive is slower than the comparison)"
    if p.lean == V.MIXED:
        up, down = sum(e > 0 for e in shown), sum(e < 0 for e in shown)
        which = (
            f"the synthetic control and the {n_spec} specifications of the time series"
            if study.sensitivity
            else "the two methods"
        )
        opening = (
            f"The estimates so far {LEAN_WORDS[V.MIXED]}: of {which}, {up} {'is' if up == 1 else 'are'} "
            f"positive and {down} negative {detail}."
        )
    else:
        which = (
            f"the synthetic control and all {n_spec} specifications of the time series"
            if study.sensitivity
            else "both methods"
        )
        opening = f"The estimates so far {LEAN_WORDS[p.lean]}: {which} point that way {detail}."
    if p.verdict == V.TOO_EARLY:
        return opening + (
            " This is context, not a verdict: it is the direction of estimates that the rule above "
            "cannot yet tell from noise."
        )
    if p.verdict == V.UNDETECTABLE:
        return opening + (
            " This is context, not a verdict: it is the direction of estimates that the rule above "
            "cannot tell from noise with these data."
        )
    return opening + " This is context, not a verdict."


def power_gate_sentence(study: Study) -> str:
    """When the power check (rule 2) decided the primary outcome's verdict although a method on its own finds a
    meaningful change: which method, what the check rests on, and what the rule would say without it. Empty
    otherwise."""
    if not decide.gate_overrules_a_finding(study):
        return ""
    p, d = study.primary, study.design
    m = amount(D.PRIMARY, p.meaningful, signed=False)
    found = []
    if p.its_finds:
        found.append(
            f"the interrupted time series finds {its_text(D.PRIMARY, p.its, d.alpha)}, "
            f"{rank_text(p.its_rank)} among its false starts"
        )
    if p.sc_finds:
        found.append(
            f"the synthetic control finds {amount(D.PRIMARY, p.fit.effect)}, "
            f"{rank_text(p.rank)} among the donors treated as the group"
        )
    basis = power_basis_words(study.primary.ruled, p)
    return (
        f"On its own {' and '.join(found)}: more than the {m} that matters. It does not make the verdict, because "
        f"the rule checks power first (rule 2): the smallest change detectable now, "
        f"{amount(D.PRIMARY, p.mde_now, signed=False)}, is measured on {basis}. Were the power check set aside, "
        f'the rule would say "{VERDICT_WORDS[p.without_power]}".'
    )


def power_basis_words(ruled, r) -> str:
    """What one version's power check rests on for an outcome, in words."""
    if ruled.basis == (SC,):
        if r.sc_informative:
            return "the synthetic control's pre-period error and the spread of its placebos"
        return (
            "the synthetic control's pre-period error and the spread of its placebos, which this rule uses even "
            f"where, as here, the synthetic control's own estimate does not count ({fit_text(r.fit)})"
        )
    if ruled.basis == (ITS,):
        return (
            "the interrupted time series alone (the synthetic control's estimate does not count here): its model's "
            "pre-period residuals and the spread of its false starts"
        )
    return (
        "each method whose estimate counts, on its own noise (the interrupted time series: its model's residuals "
        "and its false starts; the synthetic control: its pre-period error and its placebos), the larger of the two"
    )


def multiplicity_sentence(study: Study) -> str:
    """How many outcomes are secondary, and how many of the tests would be significant by chance."""
    n = len(study.results) - 1
    others = (
        "There are no secondary outcomes"
        if n == 0
        else f"The other {number_word(n)} {'is' if n == 1 else 'are'} secondary"
    )
    return (
        f"{others}: with {number_word(len(study.results))} {'outcome' if n == 0 else 'outcomes'} and two methods "
        f"there are {study.tests} tests at {percent(study.design.alpha, 0)}, so about "
        f'{study.expected_false_findings:.1f} of them would come out "significant" by chance if nothing had '
        "changed anywhere" + ("; a secondary outcome's verdict is read with that in mind." if n else ".")
    )


# --- the months, the rule in force, and the first test fixed in advance ----------------------------------------


def seen_months(study: Study) -> int:
    """Months since the start already published when the design was fixed (whatever the data now hold)."""
    return max(0, len(pd.date_range(study.design.start, pd.Timestamp(f"{RE.DATA_TO_WHEN_FIXED}-01"), freq="MS")))


def fixed_after(study: Study) -> str:
    """The opening's short account of when the design was fixed against the start month."""
    n = seen_months(study)
    if n == 0:
        return (
            "a design fixed before any month since the start had been published, though with the earlier months in view"
        )
    return (
        f"a design fixed after the first {number_word(n)} {'month' if n == 1 else 'months'} of data since the start "
        "had been published, so not blind"
    )


def blindness_sentence(study: Study) -> str:
    """Whether the design saw months since the start when it was fixed, and so which months are exploratory."""
    n, d = seen_months(study), study.design
    fixed = month_label(RE.DATA_TO_WHEN_FIXED)
    if n == 0:
        return (
            f"That was before any month since the start ({month_label(d.start)}) had been published: every month "
            f"since the start is a test fixed in advance. The design is still not blind to the months before the "
            f"start: the first month of the pre-period and the donors left out were chosen with data to {fixed} "
            "available."
        )
    months = "month" if n == 1 else "months"
    return (
        f"That was after {number_word(n)} {months} of outcome data since the start had been published: the design "
        "is not blind. The start month, the first month of the pre-period and the donors left out were all chosen "
        "with those months available, and could have been chosen, knowingly or not, to suit them. So the months "
        f"from {month_label(d.start)} to {fixed} are exploratory: results on them describe, they do not test."
    )


def exploratory_sentence(study: Study) -> str:
    """Which months since the start are exploratory (in the data the book held when the design was fixed) and which
    are the first test fixed in advance, as the design states it. What counts is what the book had seen, not when NHS
    England published a month: a release published before the design was fixed but adopted after it was not seen."""
    n, k = study.exploratory_months, study.confirmatory_months
    d = study.design
    if study.post_months == 0:
        return "There are no months since the start yet."
    seen = month_label(decide.seen_to(study))
    last = month_label(study.last_month)
    held = f"the data the book held when the design was fixed (data to {month_label(RE.DATA_TO_WHEN_FIXED)})"
    if k == 0:
        return (
            f"All {n} months since the start ({month_label(d.start)} to {seen}) were in {held}, so every result on "
            "them is exploratory. The first later data vintage is the first test fixed in advance."
        )
    if n == 0:
        months = "month" if k == 1 else "months"
        return (
            f"None of the {k} {months} since the start ({month_label(d.start)} to {last}) was in {held}, so none "
            "is exploratory: every result on them is a test fixed in advance."
        )
    first_later = month_label(decide.seen_to(study) + pd.DateOffset(months=1))
    later = (
        f"the other one ({first_later}) was not, and is the first test fixed in advance"
        if k == 1
        else f"the other {k} ({first_later} to {last}) were not, and are the test fixed in advance"
    )
    return (
        f"Of the {study.post_months} months since the start, the first {n} ({month_label(d.start)} to {seen}) were "
        f"in {held} and are exploratory; {later} (the estimates use all of them)."
    )


def rule_in_force_sentence(study: Study, vintage: str | None = None) -> str:
    """Which version of the rule judges this vintage, and why: the one in force when the vintage was adopted."""
    rule = study.governing
    newest = RE.RULES[-1]
    what = (
        f"This vintage ({vintage}, adopted {day_label(study.adopted)})" if vintage and study.adopted else "This vintage"
    )
    out = f"{what} is judged by {rule_name(rule)}, the version in force when it was adopted"
    if rule is newest:
        return out + "."
    return (
        out + f". {capital(rule_name(newest))} applies only to vintages adopted after {day_label(newest.dated)}, "
        "so its verdicts are shown beside this rule's, not in their place."
    )


def first_test_sentence(study: Study, earlier, previous_study: Study | None) -> str:
    """The first test fixed in advance, in the words the design promised: which vintage it is and, once it has
    happened, its result for the primary outcome under the rule in force when that vintage was adopted.
    `earlier`: the vintages this one replaced, newest first (each with `vintage`, `adopted`, `coverage`)."""
    from se_ambulance.analysis.evaluation.releases import last_month

    which, index = decide.first_test(study.last_month, [last_month(v) for v in earlier])
    fixed = month_label(RE.DATA_TO_WHEN_FIXED)
    if which == "not_yet":
        if study.post_months > 0:
            return ""  # exploratory_sentence has said that the first later vintage is the first test
        return (
            f"The first test fixed in advance has not happened yet: it is the first vintage with data later than "
            f"{fixed}."
        )
    if which == "this":
        result, when, rule, opening = study.primary, study.adopted, study.governing, "This vintage"
    elif which == "previous" and previous_study is not None:
        result, when, rule = previous_study.primary, earlier[0].adopted, previous_study.governing
        opening = f"The vintage before this one ({earlier[0].vintage})"
    else:
        v = earlier[index]
        return (
            f"The first test fixed in advance was an earlier vintage ({v.vintage}, adopted "
            f"{day_label(v.adopted) if v.adopted else 'on a date not recorded'}); the editions page keeps its "
            "result."
        )
    adopted = f" (adopted {day_label(when)})" if when else ""
    verb = "is" if which == "this" else "was"
    return (
        f"{opening}{adopted} {verb} the first test fixed in advance: the first vintage with data later than "
        f"{fixed}. Under {rule_name(rule)}, in force when it was adopted, its result for the primary outcome "
        f"{verb}: **{VERDICT_WORDS[result.verdict]}**."
    )


# --- power, and when the question can be answered ---------------------------------------------------------------


def answerable_words(key: str, ruled, d) -> str:
    """When a change of the meaningful size becomes detectable under one version of the rule: 'with data to June
    2027', or that it does not within the lookahead."""
    from se_ambulance.analysis.evaluation.study import ANSWER_LOOKAHEAD_YEARS

    when = ruled.answerable_from
    if when is None:
        return (
            f"at no point within {number_word(ANSWER_LOOKAHEAD_YEARS)} years of the start, if the noise stays as it was"
        )
    if when <= pd.Timestamp(f"{d.power_until}-01"):
        return f"with data to {month_label(when)}"
    return (
        f"only with data to {month_label(when)}, after {horizon_name(d)} ({month_label(d.power_until)}), if "
        "the noise stays as it was"
    )


def power_sentence(study: Study, ruled=None) -> str:
    """When a change of the meaningful size in the Category 2 mean becomes detectable (under the governing rule by
    default), and what can be detected by the power horizon (`horizon_name`) when that is not soon enough."""
    p, d = study.primary, study.design
    v = ruled if ruled is not None else p.ruled
    m = amount(D.PRIMARY, v.meaningful, signed=False)
    if v.answerable_from is not None and v.answerable_from <= pd.Timestamp(f"{d.power_until}-01"):
        return (
            f"A change of {m} in the Category 2 mean (the meaningful change) becomes detectable "
            f"{answerable_words(D.PRIMARY, v, d)}."
        )
    return (
        f"The design cannot detect the meaningful change of {m} in the Category 2 mean by {horizon_name(d)}: "
        f"even with data to {month_label(d.power_until)} only a change of {amount(D.PRIMARY, v.mde_end, False)} or "
        f"more could be told from noise; {m} becomes detectable {answerable_words(D.PRIMARY, v, d)}. And the noise "
        "is measured in-sample (each method's own pre-period fit, which was chosen to fit those months), so even "
        "these sizes are optimistic."
    )


# --- the threats to the time series ------------------------------------------------------------------------------

MOVING_WORDS = {
    "moving_against": "the difference between the group and the donors was already moving against the group",
    "moving_for": "the difference between the group and the donors was already moving in the group's favour",
    "deficit_growing": "the group's deficit against the donors was already growing",
    "deficit_shrinking": "the group's deficit against the donors was already shrinking",
    "lead_shrinking": "the group's lead over the donors was already shrinking",
    "lead_growing": "the group's lead over the donors was already growing",
}


def season_sentence(study: Study) -> str:
    """Whether the months since the start were kinder to the donors than the same months a year earlier, and
    whether the difference between the group and the donors was already moving before the start: the threats
    to the time series' estimate, in words decided by the numbers."""
    se, sens, d = study.seasons, study.sensitivity, study.design
    if not se or not sens:
        return ""
    span = f"{month_label(d.start)} to {month_label(study.last_month)}"
    a = lambda v: amount(D.PRIMARY, v, signed=False)  # noqa: E731
    kinder = (
        "kinder to the donors than to the group"
        if decide.season_kinder_to(se) == "donors"
        else "kinder to the group than to the donors"
    )
    winter = decide.all_winter(d.start, study.last_month)
    out = [
        ("All the months since the start fall in the winter half of the year (October to March). " if winter else "")
        + f"Over {span} the donors' pooled Category 2 mean was {a(se['donors_now'])}, against "
        f"{a(se['donors_before'])} over the same months a year earlier; the group's was {a(se['group_now'])}, "
        f"against {a(se['group_before'])}: the season was {kinder}."
    ]
    trend = sens["chapter"].trend
    reading = decide.pre_trend_reading(
        trend,
        study.pre_levels.get("group", math.nan),
        study.pre_levels.get("donors", math.nan),
        sens["chapter"].pre_months,
    )
    if reading is not None:
        out.append(
            f"And before the start {MOVING_WORDS[reading]} (the fitted pre-period trend of the difference is "
            f"{amount(D.PRIMARY, trend)} a year)."
        )
    out.append(
        "A season kinder to the comparison, or a difference that was moving anyway, reads as a change in the "
        "group without the group having done anything: this is the main threat to the time series' estimate, "
        f"and {study.post_months} months cannot separate it from an effect."
    )
    return " ".join(out)


def sensitivity_minutes(study: Study) -> dict[str, float]:
    """The Category 2 mean's effect under each specification in minutes (the log ratio as a share of the group's
    pre-period level, as the sensitivity table gives it)."""
    level = study.primary.reference_level
    return {k: (math.expm1(f.effect) * level if k == "log_ratio" else f.effect) for k, f in study.sensitivity.items()}


# --- the meaningful change, in a unit a reader can check -------------------------------------------------------


def best_other_trust(study: Study, key: str) -> tuple[str, float] | None:
    """The trust outside the group with the best pre-period rate on a share outcome (lowest ED conveyance, highest
    hear-and-treat), and its rate."""
    levels = {
        t: v
        for t, v in study.share_levels.get(key, {}).items()
        if t != "group" and t not in study.design.members and math.isfinite(v)
    }
    if not levels:
        return None
    pick = min if D.OUTCOMES[key].lower_is_better else max
    best = pick(levels, key=levels.__getitem__)
    return best, levels[best]


def meaning_text(study: Study, key: str) -> str:
    """What the revised rule's meaningful change means for this group, in a unit a reader can check: for a share, the
    patients a year it moves (from the group's pre-period incidents) and how it compares with the group's gap to the
    best other English trust; for a time, the minutes or seconds it is."""
    r = study.results[key]
    m = r.revised.meaningful
    if D.OUTCOMES[key].kind != "rate":
        return size(key, m)
    out = f"{size(key, m)}: {patients(m * study.incidents_a_year)} {SHARE_PATIENTS[key]} a year for this group"
    best = best_other_trust(study, key)
    if best is None:
        return out
    code, rate = best
    group = study.share_levels[key]["group"]
    gap = (group - rate) if D.OUTCOMES[key].lower_is_better else (rate - group)
    if gap <= 0:
        return out + (
            f"; over the pre-period the group's rate ({percent(group)}) was already better than every other "
            f"English trust's (the best, {short_name(code)}: {percent(rate)})"
        )
    return out + (
        f"; over the pre-period the group's rate was {percent(group)} against {percent(rate)} at "
        f"{short_name(code)}, the best other English trust, a gap of {size(key, gap)}"
    )


# --- the front page ----------------------------------------------------------------------------------------------

PLAIN_OPENINGS = {
    V.BETTER: "Yes, on the primary outcome",
    V.WORSE: "No: the primary outcome got worse",
    V.NO_CHANGE: "Not measurably",
    V.NOT_FOUND: "No change has been found",
    V.DISAGREE: "Unclear",
    V.UNCONFIRMED: "Not confirmed",
    V.TOO_EARLY: "Too early to say",
    V.UNDETECTABLE: "These data cannot tell",
}


# The primary outcome is the Category 2 average, in minutes: worse is slower.
PLAIN_LEAN = {V.WORSE: "slower", V.BETTER: "faster"}


def plain_answer(study: Study) -> str:
    """A few short plain sentences for the front page: is the group working, on data to which month, and why the answer
    is what it is. Every number comes from the rule that governs this vintage (the one in force when it was adopted);
    a later revision is named only when it would give another verdict. When every estimate leans one way, it says so,
    as context: the verdict is the rule's."""
    p, d = study.primary, study.design
    data = f"data to {month_label(study.last_month)}"
    months = f"{study.post_months} month{'s' if study.post_months != 1 else ''}"
    if decide.too_early_by_months(p, d.min_post_months):
        return (
            f"Too early to say: with {data}, {months} {'has' if study.post_months == 1 else 'have'} passed since "
            f"{start_phrase(d)}. The evaluation fixed in advance waits for {d.min_post_months}."
        )
    # "into the group" only where the group's own start is meant: the case's group at the announcement's month.
    since = (
        "into the group"
        if decide.is_case_group(d) and decide.start_against_default(d) == "default"
        else f"after {start_phrase(d)}"
    )
    out = [
        f"{PLAIN_OPENINGS[p.verdict]}. With {data}, {months} {since}, the evaluation's "
        f"{rule_name(study.governing).removeprefix('the ')} gives “{VERDICT_WORDS[p.verdict]}” for its Category 2 "
        "average response time."
    ]
    if decide.power_decided(p):
        m, end, until = (
            amount(D.PRIMARY, p.meaningful, signed=False),
            amount(D.PRIMARY, p.mde_end, signed=False),
            month_label(d.power_until),
        )
        out.append(
            f"A change of {m} would matter. "
            + (
                f"Even by {until}, only a change of {end} could be told from the month-to-month noise."
                if p.mde_end > p.meaningful
                else f"By {until}, a change of {end} could be told from the month-to-month noise."
            )
        )
    shown = [e for e in lean_estimates(p, study.sensitivity) if math.isfinite(e)]
    if p.lean in PLAIN_LEAN and shown:
        lo, hi = sorted((min(shown), max(shown)), key=abs)
        noise = p.verdict in (V.TOO_EARLY, V.UNDETECTABLE)
        size = f"{number(abs(lo))} to {amount(D.PRIMARY, abs(hi), signed=False)}"
        out.append(
            f"Every estimate so far has the group {size} {PLAIN_LEAN[p.lean]} than comparison trusts"
            + (", within the noise." if noise else ", as context for the verdict.")
        )
    revised, newest = p.revised, RE.RULES[-1]
    if revised.verdict != p.verdict:
        out.append(
            f"A revised rule, dated {day_label(newest.dated)}, would give “{VERDICT_WORDS[revised.verdict]}”; "
            "it governs later releases."
        )
    return " ".join(out)
