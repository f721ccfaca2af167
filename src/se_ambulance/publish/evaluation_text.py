"""Chapter 9's words and display tables: the evaluation's design, results, verdicts and what a new vintage
changed, formatted from the numbers `analysis.evaluation` returns."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from se_ambulance.analysis.evaluation import design as D
from se_ambulance.analysis.evaluation import verdict as V
from se_ambulance.analysis.evaluation.study import Design, Study, compare_studies, lean_estimates
from se_ambulance.publish.format import day_label, month_label, percent, release_start
from se_ambulance.reference import evaluation as RE
from se_ambulance.reference.orgs import PROVIDERS, REGIONS, short_name

# The day the design was fixed, and what AmbSYS held then (never changes; reference.evaluation gives the facts).
DESIGN_FIXED = day_label(RE.DESIGN_FIXED_ON)
DESIGN_DATA = f"AmbSYS to {month_label(RE.DATA_TO_WHEN_FIXED)} (adopted 21 November 2026)"
RULE_REVISED = day_label(RE.RULE_REVISED_ON)

OUTCOME_NAMES = {
    "c2_mean": "Category 2 mean response time", "c2_p90": "Category 2 90th centile response time",
    "c1_mean": "Category 1 mean response time", "c1_p90": "Category 1 90th centile response time",
    "hear_and_treat": "Hear-and-treat rate (incidents resolved by telephone)",
    "ed_conveyance": "Conveyance to an emergency department (share of incidents)",
    "c2_mean_gap": "Gap between the two trusts' Category 2 means",
}
OUTCOME_DEFINITIONS = {
    "c2_mean": "AmbSYS A30 ÷ A10 (total ÷ incidents), pooled over the members by incidents; minutes",
    "c2_p90": "AmbSYS A32; members pooled as the incident-weighted mean of their 90th centiles (an "
              "approximation: a centile cannot be pooled exactly from published figures); minutes",
    "c1_mean": "AmbSYS A24 ÷ A8, pooled by incidents; minutes",
    "c1_p90": "AmbSYS A26, incident-weighted over members (approximation); minutes",
    "hear_and_treat": "AmbSYS A17 ÷ A7 (all incidents), summed over members; share",
    "ed_conveyance": "AmbSYS A53 ÷ A7, summed over members; share",
    "c2_mean_gap": "The slowest member's C2 mean minus the fastest's (A30 ÷ A10); compared with the same gap "
                   "in every set of donor trusts of the group's size; minutes",
}
BETTER_WHEN = {"c2_mean": "lower", "c2_p90": "lower", "c1_mean": "lower", "c1_p90": "lower",
               "hear_and_treat": "higher", "ed_conveyance": "lower", "c2_mean_gap": "lower"}
WHY = {
    "c2_mean": "\"quicker access\"; the category most patients wait in (primary outcome)",
    "c2_p90": "the long waits behind the mean",
    "c1_mean": "\"respond more consistently\" for the most urgent calls",
    "c1_p90": "the long waits for the most urgent calls",
    "hear_and_treat": "\"the right treatment\" by telephone where safe",
    "ed_conveyance": "\"fewer unnecessary trips to A&E\"",
    "c2_mean_gap": "\"the same high standard of care wherever they live\": less variation between the trusts",
}
# Why a trust may be left out of the donor pool, in the pieces that hold whatever the group: its own facts, and the
# facts that hold only when a particular member is in the group (a partnership, sharing an NHS England region).
# `exclusion_reason` and `exclusions_paragraph` keep only what is true for the group the book is built for.
EXCLUSION_FACTS = {
    "RRU": ("London Ambulance Service", ["a capital-city service unlike any other trust",
                                         "it has no response times for October and November 2022"]),
    "R1F": ("Isle of Wight", ["one island of about 140,000 people whose small counts make its monthly series noisy",
                              "it reports only from April 2018"]),
}
EXCLUSION_SENTENCES = {  # the same facts as the chapter's prose says them
    "RRU": ("London", ["is unlike any other trust", "lacks response times for two months of 2022"]),
    "R1F": ("The Isle of Wight", ["is one small island whose monthly figures are noisy"]),
}
# A partnership with a member (reference.evaluation.PARTNERSHIPS), by (trust, member): the table's words, the prose's.
PARTNERSHIP_WORDS = {
    ("RRU", "RYE"): ("it announced a partnership with SCAS in September 2018 (joint procurement, shared best practice: "
                     "seed 002), so it may share in the group's changes",
                     "has worked with SCAS since a partnership announced in September 2018 (seed 002), so it may "
                     "share in the group's changes"),
    ("RYE", "RRU"): ("it announced a partnership with London in September 2018 (joint procurement, shared best "
                     "practice: seed 002), so it may share in the group's changes",
                     "has worked with London since a partnership announced in September 2018 (seed 002), so it may "
                     "share in the group's changes"),
}
# Shared leadership with a member (reference.evaluation.SHARED_LEADERSHIP), by (trust, member): the table's words and
# the prose's, for a trust that is then never a donor.
LEADERSHIP_WORDS = {
    ("RYD", "RYE"): ("it shares a chair and chief executive with SCAS, a member, as the group is rolled out from late "
                     "2025 (seed 000), so it changes with SCAS",
                     "South East Coast (SECAmb) is never a donor while South Central (SCAS) is a member: the two "
                     "trusts share a chair and chief executive as their group is rolled out from late 2025 (seed "
                     "000), so SECAmb changes with SCAS and cannot stand for what the group would have done without "
                     "it."),
    ("RYE", "RYD"): ("it shares a chair and chief executive with SECAmb, a member, as the group is rolled out from "
                     "late 2025 (seed 000), so it changes with SECAmb",
                     "South Central (SCAS) is never a donor while South East Coast (SECAmb) is a member: the two "
                     "trusts share a chair and chief executive as their group is rolled out from late 2025 (seed 000), "
                     "so SCAS changes with SECAmb and cannot stand for what the group would have done without it."),
}
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}
VERDICT_WORDS = {
    V.BETTER: "better", V.WORSE: "worse", V.DISAGREE: "unclear: the two methods find changes in opposite directions",
    V.UNCONFIRMED: "unconfirmed: one method finds a meaningful change the other does not confirm",
    V.NO_CHANGE: "no meaningful change", V.NOT_FOUND: "no meaningful change found, none ruled out",
    V.TOO_EARLY: "too early to tell", V.UNDETECTABLE: "cannot be told from noise with these data",
}
LEAN_SHORT = {V.WORSE: "group losing ground", V.BETTER: "group gaining ground", V.MIXED: "mixed"}
LEAN_WORDS = {V.WORSE: "lean towards the group losing ground against other trusts",
              V.BETTER: "lean towards the group gaining ground on other trusts",
              V.MIXED: "point in different directions"}


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
    return Design(members_from(group), e["start_month"], e["pre_start"], tuple(e["outcomes"]),
                  tuple(e["excluded_donors"]), int(e["placebo_min_pre_months"]), float(e["alpha"]),
                  float(e["power"]), float(e["meaningful_change"]), int(e["min_post_months"]), e["power_until"])


def group_note(group: Mapping[str, Any]) -> str:
    """A sentence for the chapter's opening when the book's group is not the case's (empty when it is): the
    design was written for SCAS + SECAmb and is here applied to the group's trusts."""
    from se_ambulance.reference.orgs import CASE_GROUP, Group, names

    g = Group.from_params(group)
    if g.is_case:
        return ""
    note = (f"This book is built for {g.name} ({names(g.members)}; the `group` parameter): the design below, "
            f"written for {CASE_GROUP.name}, is applied to its trusts pooled as one organisation, with the same "
            "start month and outcomes unless the `evaluation` parameters change them.")
    shared = [m for m in g.members if m in CASE_GROUP.members]
    if shared:  # that trust changed with the real group from late 2025: its change is not this group's alone
        note += (f" {names(shared)} {'is' if len(shared) == 1 else 'are'} also in {CASE_GROUP.name}, formed in late "
                 f"2025, so a change measured here after the start month mixes the effect of that group with any "
                 f"effect of {g.name}: these data cannot say which.")
    return note


def _names(codes: Sequence[str]) -> str:
    names = [short_name(c) for c in codes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _clauses(parts: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b, and c'; an independent last clause ('it sits …') always after ', and '."""
    if len(parts) == 1:
        return parts[0]
    joiner = ", and " if len(parts) > 2 or parts[-1].startswith("it ") else " and "
    return ", ".join(parts[:-1]) + joiner + parts[-1]


def _region_clause(code: str, study: Study) -> str | None:
    """'it sits in NHS England's South East region with both members, …' when the trust shares its region (as the
    data file gives it) with a member of this group; None when it shares it with none."""
    members, region = study.design.members, study.regions.get(code)
    same = [m for m in members if region is not None and study.regions.get(m) == region]
    if not same:
        return None
    if len(same) == len(members):
        who = "both members" if len(members) == 2 else f"all {len(members)} members"
    else:
        who = _names(same) + (", a member" if len(same) == 1 else ", members")
    return (f"it sits in NHS England's {REGIONS.get(region, region)} with {who}, so regional commissioning changes "
            "reach it too")


def _leadership(code: str, study: Study, prose: bool) -> str:
    members = study.shared_leadership[code]
    words = [LEADERSHIP_WORDS.get((code, m)) for m in members]
    if all(words):
        return " ".join(w[prose] for w in words) if prose else "; ".join(w[prose] for w in words)
    plural = len(members) > 1
    if prose:
        return (f"{short_name(code)} is never a donor while {_names(members)} "
                f"{'are members' if plural else 'is a member'}: "
                "it shares its chair and chief executive with them, so it changes with the group and cannot stand for "
                "what the group would have done without it.")
    return f"it shares its chair and chief executive with {_names(members)}, {'members' if plural else 'a member'}"


def exclusion_reason(code: str, study: Study) -> str:
    """A trust's role when it is not a donor, for the donors table, with only the reasons true for this group."""
    if code in study.shared_leadership:
        return "not a donor (shares its leadership with a member): " + _leadership(code, study, prose=False)
    name, parts = EXCLUSION_FACTS.get(code, (None, []))
    parts = [*parts, *(PARTNERSHIP_WORDS[(code, m)][0] for m in study.partners.get(code, ())
                       if (code, m) in PARTNERSHIP_WORDS)]
    region = _region_clause(code, study)
    parts += [region] if region else []
    if not parts:
        return "excluded by the `excluded_donors` parameter"
    listed = parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + "; and " + parts[-1]
    return "excluded: " + (f"{name}: " if name else "") + listed


def exclusions_paragraph(study: Study) -> str:
    """Why the trusts that are not donors are left out, in words true for this group: trusts sharing leadership with
    a member (never donors), then each trust the `excluded_donors` parameter leaves out, with its reasons; a member
    the parameter names is flagged (it changes nothing). Empty when no trust outside the group is left out."""
    out = [_leadership(t, study, prose=True) for t in study.shared_leadership]
    param = [t for t in study.excluded_by_parameter if t not in study.shared_leadership]
    if set(study.design.excluded_donors) == set(RE.DEFAULT_EXCLUDED_DONORS) and not study.ignored_exclusions:
        out.append(f"By default {NUMBER_WORDS.get(len(param), str(len(param)))} are left out.")
    for code in param:
        name, parts = EXCLUSION_SENTENCES.get(code, (short_name(code), []))
        partner = [PARTNERSHIP_WORDS[(code, m)][1] for m in study.partners.get(code, ())
                   if (code, m) in PARTNERSHIP_WORDS]
        region = _region_clause(code, study)
        clauses = [*parts, *partner, *([region] if region else [])]
        if not clauses:
            continue
        if not parts:
            clauses = ["is left out by the parameter", *clauses]
        out.append(f"{name} {_clauses(clauses)}.")
    ignored = study.ignored_exclusions
    if ignored:
        one = len(ignored) == 1
        entries = "that entry changes" if one else "those entries change"
        out.append(f"The `excluded_donors` parameter also names {_names(ignored)}, {'a member' if one else 'members'} "
                   f"of this group; a member is never a donor, so {entries} nothing.")
    return " ".join(out)


def unit_name(unit: str) -> str:
    return " + ".join(short_name(c) for c in unit.split("+"))


def in_seconds(outcome: str) -> bool:
    """Category 1 times are shown in seconds: in tenths of a minute, rounding would hide their intervals."""
    return D.OUTCOMES[outcome].category == "C1"


def amount(outcome: str, value: float, signed: bool = True, short: bool = False) -> str:
    """An effect or size in the outcome's unit: '+2.4 min', '+13 s' (Category 1), '−1.2 percentage points'
    ('pp' if `short`)."""
    if value is None or not math.isfinite(value):
        return "–"
    rate = D.OUTCOMES[outcome].kind == "rate"
    if in_seconds(outcome):
        shown = round(abs(60 * value))
        sign = ("+" if value > 0 else "−") if signed and shown > 0 else ""
        return f"{sign}{shown} s"
    shown = round(abs(100 * value if rate else value), 1)
    sign = ("+" if value > 0 else "−") if signed and shown > 0 else ""
    if rate:
        return f"{sign}{shown:.1f} {'pp' if short else 'percentage points'}"
    return f"{sign}{shown:.1f} min"


def direction(outcome: str, value: float) -> str:
    """'2.4 minutes longer than its synthetic twin' style words for an effect."""
    if not math.isfinite(value):
        return "not yet estimable"
    kind = D.OUTCOMES[outcome].kind
    if kind == "rate":
        return f"{abs(100 * value):.1f} percentage points {'higher' if value > 0 else 'lower'}"
    if in_seconds(outcome):
        return f"{round(abs(60 * value))} seconds {'longer' if value > 0 else 'shorter'}"
    if kind == "gap":
        return f"{abs(value):.1f} minutes {'wider' if value > 0 else 'narrower'}"
    return f"{abs(value):.1f} minutes {'longer' if value > 0 else 'shorter'}"


def verdict_text(key: str, r, min_post_months: int = 0) -> str:
    """An outcome's verdict in words, with the sizes that make it exact: what a 'no meaningful change' rules
    out, what 'too early' and 'cannot be told' could not yet see."""
    words = VERDICT_WORDS[r.verdict]
    m = amount(key, r.meaningful, signed=False)
    if r.verdict == V.TOO_EARLY and r.fit.post_months < min_post_months:
        return f"{words}: {r.fit.post_months} months since the start, fewer than the {min_post_months} the design requires"
    if r.verdict == V.NO_CHANGE:
        return f"{words}: changes of {m} or more either way are ruled out"
    if r.verdict == V.NOT_FOUND:
        return f"{words}: neither method finds a change of {m} or more, nor rules one out"
    if r.verdict in (V.TOO_EARLY, V.UNDETECTABLE) and math.isfinite(r.mde_now) and r.mde_now > r.meaningful:
        return f"{words}: only a change of {amount(key, r.mde_now, signed=False)} or more is detectable now, against {m} that matters"
    return words


def fit_text(fit) -> str:
    """The synthetic control's pre-period fit against the group's own spread: 'R² −0.22 (3.7 vs 3.4 min)'."""
    if not math.isfinite(fit.pre_r2):
        return "–"
    return f"R² {fit.pre_r2:.2f}".replace("-", "−")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_text(rank) -> str:
    if not math.isfinite(rank.p):
        return "no estimate yet"
    return f"{_ordinal(rank.rank)} of {rank.of} (p = {rank.p:.2f})"


def interval_text(outcome: str, low: float, high: float, alpha: float) -> str:
    return f"{percent(1 - alpha, 0)} CI {amount(outcome, low, short=True)} to {amount(outcome, high, short=True)}"


def its_text(outcome: str, its, alpha: float) -> str:
    if not math.isfinite(its.effect):
        return "no estimate yet"
    return (f"{amount(outcome, its.effect, short=True)} ({percent(1 - alpha, 0)} CI "
            f"{amount(outcome, its.low, short=True)} to {amount(outcome, its.high, short=True)})")


def design_table(d: Design) -> pd.DataFrame:
    keys = list(dict.fromkeys([D.PRIMARY, *d.outcomes]))
    return pd.DataFrame({"outcome": [OUTCOME_NAMES[k] for k in keys], "the promise it tests": [WHY[k] for k in keys],
                         "better when": [BETTER_WHEN[k] for k in keys],
                         "definition": [OUTCOME_DEFINITIONS[k] for k in keys]})


def donors_table(study: Study) -> pd.DataFrame:
    """Every trust that is not a member: donor (with its weight in the primary synthetic control) or excluded."""
    w = study.primary.fit.weights
    rows = []
    for code in sorted(PROVIDERS):
        if code in study.design.members:
            continue
        if code in study.donors:
            rows.append({"trust": short_name(code), "role": "donor",
                         "weight in the synthetic group (C2 mean)": percent(float(w.get(code, 0.0)), 0)})
        elif code in study.design.excluded_donors or code in study.shared_leadership:
            rows.append({"trust": short_name(code), "role": exclusion_reason(code, study),
                         "weight in the synthetic group (C2 mean)": "–"})
    return pd.DataFrame(rows)


def results_table(study: Study) -> pd.DataFrame:
    """Each outcome's two estimates, how well the synthetic control fits, and where each estimate falls among
    the placebos the verdict uses."""
    a = study.design.alpha
    return pd.DataFrame([{
        "outcome": OUTCOME_NAMES[key],
        "synthetic control: group − synthetic": amount(key, r.fit.effect, short=True),
        "synthetic control's pre-period fit": (f"{fit_text(r.fit)} (error {amount(key, r.fit.pre_rmspe, False, True)}, "
                                               f"group's spread {amount(key, r.fit.pre_sd, False, True)})"
                                               + ("" if r.sc_informative else ": uninformative")),
        "post/pre fit error ratio": f"{r.fit.rmspe_ratio:.2f}" if math.isfinite(r.fit.rmspe_ratio) else "–",
        "rank among donors treated as the group": rank_text(r.rank),
        "interrupted time series": its_text(key, r.its, a),
        "time series: rank among its false starts": rank_text(r.its_rank),
    } for key, r in study.results.items()])


def sc_counts(r) -> str:
    """Whether an outcome's synthetic control counts towards its verdict: an uninformative one's estimate does not,
    but its pre-period error and placebos still set the power check (rule 2) for both methods."""
    if r.sc_informative:
        return "counts towards the verdict"
    return ("is uninformative for this outcome: it tracks the group's month-to-month path no better than a flat line "
            "at the group's own average would, so its estimate does not count towards the verdict (its pre-period "
            "error and placebos still set the power check, rule 2)")


def verdict_cell(key: str, r) -> str:
    """The verdict for the table (whose other columns give the sizes): a 'no meaningful change' says what it
    rules out."""
    words = VERDICT_WORDS[r.verdict]
    if r.verdict == V.NO_CHANGE:
        return f"{words} (±{amount(key, r.meaningful, signed=False, short=True)} ruled out)"
    return words


def verdict_table(study: Study) -> pd.DataFrame:
    """Each outcome's smallest change detectable now and by the end of the roll-out, the meaningful change,
    whether the synthetic control counts, where the estimates lean, and the verdict."""
    return pd.DataFrame([{
        "outcome": OUTCOME_NAMES[key],
        "detectable now": amount(key, r.mde_now, signed=False, short=True),
        "detectable by the end": amount(key, r.mde_end, signed=False, short=True),
        "meaningful": amount(key, r.meaningful, signed=False, short=True),
        "synthetic control's estimate counts?": "yes" if r.sc_informative else "no (R² ≤ 0)",
        "estimates lean (context)": LEAN_SHORT[r.lean],
        "verdict": verdict_cell(key, r),
    } for key, r in study.results.items()])


def placebo_table(study: Study) -> pd.DataFrame:
    """Where each outcome's estimate falls among its placebos, by kind (ranked apart: only the space rank is in
    the verdict)."""
    rows = []
    for key, r in study.results.items():
        rows.append({"outcome": OUTCOME_NAMES[key],
                     "rank among donors treated (space; in the verdict)": rank_text(r.rank_space),
                     "synthetic control: rank among false starts in time (fixed window; shown only)": rank_text(r.rank_time),
                     "ITS interval excluded zero at false starts":
                         f"{r.its_false_positives} of {len(r.its_placebos)} (about "
                         f"{study.design.alpha * len(r.its_placebos):.1f} expected)"})
    return pd.DataFrame(rows)


def _signed_percent(x: float) -> str:
    shown = percent(abs(x), 1)
    return shown if shown == percent(0, 1) else ("+" if x > 0 else "−") + shown


SENSITIVITY_LABELS = {
    "chapter": "The chapter's model: level, trend and two yearly harmonics, against the donors pooled",
    "no_trend": "The same without the trend",
    "log_ratio": "On the log ratio (group ÷ donors), as a share of the group's pre-period level",
    "rest_of_england": "Against the rest of England (every other trust with every month of the window, including "
                       "those left out of the donor pool)",
    "did": "Simple difference in differences (mean difference after less before)",
    "did_same_months": "Difference in differences, season against season (only the pre-period months of the "
                       "calendar months since the start)",
}


def sensitivity_table(study: Study) -> pd.DataFrame:
    """The Category 2 mean's effect under each specification (`analysis.evaluation.its.sensitivity`)."""
    a, level = study.design.alpha, study.primary.reference_level
    rows = []
    for key, f in study.sensitivity.items():
        if key == "log_ratio":
            est = (f"{_signed_percent(math.expm1(f.effect))} (about {amount(D.PRIMARY, math.expm1(f.effect) * level)}); "
                   f"{percent(1 - a, 0)} CI {_signed_percent(math.expm1(f.low))} to {_signed_percent(math.expm1(f.high))}")
        else:
            est = f"{amount(D.PRIMARY, f.effect)}; {interval_text(D.PRIMARY, f.low, f.high, a)}"
        rows.append({"specification": SENSITIVITY_LABELS[key], "group − comparison, after the start": est,
                     "HAC p-value": f"{f.p:.3f}", "months before / after": f"{f.pre_months} / {f.post_months}"})
    return pd.DataFrame(rows)


def level_note(group_level: float, donor_levels: Mapping[str, float]) -> str:
    """Where the group's pre-period Category 2 mean sits among the donors' (incident-weighted levels, minutes), and
    so whether an average of the donors could match it: the reason the synthetic control is fitted on centred series,
    decided by the numbers."""
    levels = [v for v in donor_levels.values() if math.isfinite(v)]
    if not levels or not math.isfinite(group_level):
        return "the donors' levels are not available"
    a = lambda v: amount(D.PRIMARY, v, signed=False)  # noqa: E731
    slower = sum(v > group_level for v in levels)
    span = f"{a(min(levels))} to {a(max(levels))}"
    start = f"over the pre-period the group's Category 2 mean ({a(group_level)}) was"
    if slower == len(levels):
        return f"{start} faster than every donor's ({span}), so no average of them could match its level"
    if slower == 0:
        return f"{start} slower than every donor's ({span}), so no average of them could match its level"
    return (f"{start} faster than {slower} of the {len(levels)} donors' ({span}), so an average of them could match "
            "its level, but only with weights chosen partly for the level rather than for the path")


def sensitivity_minutes(study: Study) -> dict[str, float]:
    """The Category 2 mean's effect under each specification in minutes (the log ratio as a share of the group's
    pre-period level, as the sensitivity table gives it)."""
    level = study.primary.reference_level
    return {k: (math.expm1(f.effect) * level if k == "log_ratio" else f.effect) for k, f in study.sensitivity.items()}


def headline(study: Study) -> str:
    """The primary outcome's verdict with its sizes, then the direction the estimates lean (as context)."""
    p = study.primary
    words = verdict_text(D.PRIMARY, p, study.design.min_post_months)
    return f"{words[0].upper()}{words[1:]}."


def lean_sentence(study: Study) -> str:
    """Which way the primary outcome's estimates lean, under the stated rule (`analysis.evaluation.study.
    lean_estimates`): one way only when every estimate shown points that way, otherwise in different directions."""
    p = study.primary
    did = study.sensitivity.get("did")
    its = amount(D.PRIMARY, p.its.effect)
    spec = sensitivity_minutes(study)
    if len(spec) > 1:
        its += (f", and from {amount(D.PRIMARY, min(spec.values()))} to {amount(D.PRIMARY, max(spec.values()))} across "
                f"its {NUMBER_WORDS.get(len(spec), str(len(spec)))} specifications")
    parts = [f"synthetic control {amount(D.PRIMARY, p.fit.effect)}"
             + ("" if p.sc_informative else ", from a fit no better than a flat line"),
             f"interrupted time series {its}"]
    if did is not None:
        parts.append(f"simple difference in differences {amount(D.PRIMARY, did.effect)}")
    shown = [e for e in lean_estimates(p, study.sensitivity) if math.isfinite(e)]
    if not shown:
        return "There are no estimates yet."
    n_spec = NUMBER_WORDS.get(len(spec), str(len(spec)))
    detail = f"({'; '.join(parts)}; positive is slower than the comparison)"
    if p.lean == V.MIXED:
        up, down = sum(e > 0 for e in shown), sum(e < 0 for e in shown)
        which = (f"the synthetic control and the {n_spec} specifications of the time series" if study.sensitivity
                 else "the two methods")
        opening = (f"The estimates so far {LEAN_WORDS[V.MIXED]}: of {which}, {up} {'is' if up == 1 else 'are'} "
                   f"positive and {down} negative {detail}.")
    else:
        which = (f"the synthetic control and all {n_spec} specifications of the time series" if study.sensitivity
                 else "both methods")
        opening = f"The estimates so far {LEAN_WORDS[p.lean]}: {which} point that way {detail}."
    if p.verdict == V.TOO_EARLY:
        return opening + (" This is context, not a verdict: it is the direction of estimates that the rule above "
                          "cannot yet tell from noise.")
    if p.verdict == V.UNDETECTABLE:
        return opening + (" This is context, not a verdict: it is the direction of estimates that the rule above "
                          "cannot tell from noise with these data.")
    return opening + " This is context, not a verdict."


def power_gate_sentence(study: Study) -> str:
    """When the power check (rule 2) decided the primary outcome's verdict although a method on its own finds a
    meaningful change: which method, what the check rests on, and what the rule would say without it. Empty
    otherwise."""
    p, d = study.primary, study.design
    if p.verdict not in (V.TOO_EARLY, V.UNDETECTABLE) or p.fit.post_months < d.min_post_months:
        return ""
    if not (p.sc_finds or p.its_finds):
        return ""
    m = amount(D.PRIMARY, p.meaningful, signed=False)
    found = []
    if p.its_finds:
        found.append(f"the interrupted time series finds {its_text(D.PRIMARY, p.its, d.alpha)}, "
                     f"{rank_text(p.its_rank)} among its false starts")
    if p.sc_finds:
        found.append(f"the synthetic control finds {amount(D.PRIMARY, p.fit.effect)}, "
                     f"{rank_text(p.rank)} among the donors treated as the group")
    basis = ("the synthetic control's pre-period error and the spread of its placebos, which the rule uses even where, "
             f"as here, the synthetic control's own estimate does not count ({fit_text(p.fit)})"
             if not p.sc_informative else "the synthetic control's pre-period error and the spread of its placebos")
    return (f"On its own {' and '.join(found)}: more than the {m} that matters. It does not make the verdict, because "
            f"the rule checks power first (rule 2): the smallest change detectable now, "
            f"{amount(D.PRIMARY, p.mde_now, signed=False)}, is measured on {basis}. Were the power check set aside, "
            f"the rule would say \"{VERDICT_WORDS[p.without_power]}\".")


def exploratory_sentence(study: Study) -> str:
    n, k = study.exploratory_months, study.confirmatory_months
    d = study.design
    if study.post_months == 0:
        return "There are no months since the start yet."
    seen = month_label(min(pd.Timestamp(f"{RE.DATA_TO_WHEN_FIXED}-01"), study.last_month))
    if k == 0:
        return (f"All {n} months since the start ({month_label(d.start)} to {seen}) were published before the design "
                "was fixed, so every result on them is exploratory. The first later data vintage is the first test "
                "fixed in advance.")
    return (f"Of the {study.post_months} months since the start, the first {n} ({month_label(d.start)} to {seen}) were "
            f"published before the design was fixed and are exploratory; the other {k} were published after it, and "
            "are the first test fixed in advance (the estimates use all of them).")


def power_sentence(study: Study) -> str:
    p, d = study.primary, study.design
    hit = study.power_path[study.power_path["detectable"] <= p.meaningful]
    m = amount(D.PRIMARY, p.meaningful, signed=False)
    if len(hit):
        return (f"A change of {m} in the Category 2 mean (the meaningful change) becomes detectable with data to "
                f"{month_label(hit['month'].iloc[0])}.")
    return (f"The design cannot detect the meaningful change of {m} in the Category 2 mean at any point in the "
            f"roll-out: even with data to {month_label(d.power_until)} only a change of "
            f"{amount(D.PRIMARY, float(study.power_path['detectable'].iloc[-1]), signed=False)} or more could be told "
            "from noise. And the noise is measured in-sample (the synthetic control's own pre-period fit, which was "
            "chosen to fit those months), so even these sizes are optimistic.")


def season_sentence(study: Study) -> str:
    """Whether the months since the start were kinder to the donors than the same months a year earlier, and
    whether the difference between the group and the donors was already moving before the start: the threats
    to the time series' estimate, in words decided by the numbers."""
    se, sens, d = study.seasons, study.sensitivity, study.design
    if not se or not sens:
        return ""
    months = sorted(set(pd.date_range(d.start, study.last_month, freq="MS").month))
    winter = all(m in (10, 11, 12, 1, 2, 3) for m in months)
    span = f"{month_label(d.start)} to {month_label(study.last_month)}"
    donors_change, group_change = se["donors_now"] - se["donors_before"], se["group_now"] - se["group_before"]
    a = lambda v: amount(D.PRIMARY, v, signed=False)  # noqa: E731
    kinder = "kinder to the donors than to the group" if donors_change < group_change else \
        "kinder to the group than to the donors"
    out = [("All the months since the start fall in the winter half of the year (October to March). " if winter else "")
           + f"Over {span} the donors' pooled Category 2 mean was {a(se['donors_now'])}, against "
           f"{a(se['donors_before'])} over the same months a year earlier; the group's was {a(se['group_now'])}, "
           f"against {a(se['group_before'])}: the season was {kinder}."]
    trend = sens["chapter"].trend
    group_pre, donors_pre = study.pre_levels.get("group", math.nan), study.pre_levels.get("donors", math.nan)
    if math.isfinite(trend):
        # Lower is faster: a group faster than the donors over the pre-period has a lead, a slower one a deficit;
        # a lead or a deficit only if the fitted trend keeps the difference on one side over the whole pre-period
        # (the mean difference larger than the trend's drift over half the pre-period), else just its direction.
        diff = group_pre - donors_pre
        drift = abs(trend) * sens["chapter"].pre_months / 12 / 2
        if not (math.isfinite(diff) and abs(diff) > drift):
            moving = ("the difference between the group and the donors was already moving against the group"
                      if trend > 0 else
                      "the difference between the group and the donors was already moving in the group's favour")
        elif diff > 0:
            moving = ("the group's deficit against the donors was already growing" if trend > 0 else
                      "the group's deficit against the donors was already shrinking")
        else:
            moving = ("the group's lead over the donors was already shrinking" if trend > 0 else
                      "the group's lead over the donors was already growing")
        out.append(f"And before the start {moving} (the fitted pre-period trend of the difference is "
                   f"{amount(D.PRIMARY, trend)} a year).")
    out.append("A season kinder to the comparison, or a difference that was moving anyway, reads as a change in the "
               "group without the group having done anything: this is the main threat to the time series' estimate, "
               f"and {study.post_months} months cannot separate it from an effect.")
    return " ".join(out)


def today_block(study: Study) -> str:
    """The opening of 'What the data say today', as Markdown: which months are exploratory, the headline verdict
    (bold), what the design can detect, and where the estimates lean."""
    gate = power_gate_sentence(study)
    return (f"{exploratory_sentence(study)}\n\n**Headline (Category 2 mean, the primary outcome): {headline(study)}** "
            f"{power_sentence(study)} {gate + ' ' if gate else ''}{lean_sentence(study)}")


def verdict_block(study: Study) -> str:
    """'The verdict today' as Markdown: the primary outcome's verdict, the lean, the gap's verdict, the outcomes
    whose synthetic control does not count, and the multiplicity of the secondary outcomes."""
    gap = study.results.get("c2_mean_gap")
    uninformative = [OUTCOME_NAMES[k] for k, r in study.results.items() if not r.sc_informative]
    gate = power_gate_sentence(study)
    out = [f"**Faster responses (Category 2 mean, the primary outcome): {headline(study)}** "
           f"{gate + ' ' if gate else ''}{lean_sentence(study)}"]
    if gap is not None:
        out.append(f"**More consistent between the two trusts** (the gap between their Category 2 means): "
                   f"**{verdict_text('c2_mean_gap', gap, study.design.min_post_months)}**; the gap has been "
                   f"{direction('c2_mean_gap', gap.fit.effect)} "
                   f"than its synthetic control's, ranking {rank_text(gap.rank)} among the donor pairs.")
    if uninformative:
        out.append("The synthetic control is uninformative, and its estimate does not count (its pre-period error "
                   "still sets the power check), for: " + "; ".join(uninformative) + ".")
    out.append(f"The verdict table above gives every outcome's verdict under the revised rule. The secondary outcomes "
               f"share {study.tests} tests at {percent(study.design.alpha, 0)} with the primary, about "
               f"{study.expected_false_findings:.1f} of which would be significant by chance if nothing had changed "
               f"anywhere. {exploratory_sentence(study)}")
    return "\n\n".join(out)


def chapter_values(study: Study) -> dict[str, str]:
    """The text values chapter 9 glues (keys start with 'ev.')."""
    d, p = study.design, study.primary
    path = study.power_path
    now_row = path[path["post_months"] == study.post_months]
    year_on = pd.Timestamp(study.last_month) + pd.DateOffset(months=12)
    year_row = path[path["month"] == year_on]
    end_row = path.iloc[-1]
    hit = path[path["detectable"] <= p.meaningful]
    gap = study.results.get("c2_mean_gap")
    sens, seasons = study.sensitivity, study.seasons
    uninformative = [OUTCOME_NAMES[k] for k, r in study.results.items() if not r.sc_informative]
    out = {
        "ev.fixed_on": DESIGN_FIXED, "ev.fixed_data": DESIGN_DATA, "ev.rule_revised": RULE_REVISED,
        "ev.seen_to": month_label(RE.DATA_TO_WHEN_FIXED),
        "ev.seen_months": str(max(0, len(pd.date_range(d.start, pd.Timestamp(f"{RE.DATA_TO_WHEN_FIXED}-01"),
                                                       freq="MS")))),
        "ev.exploratory": exploratory_sentence(study),
        "ev.members": _names(d.members), "ev.start": month_label(d.start_month),
        "ev.pre_start": month_label(d.pre_start),
        "ev.pre_end": month_label(d.start - pd.DateOffset(months=1)),
        "ev.pre_months": str(p.fit.pre_months),
        "ev.donors": _names(study.donors), "ev.n_donors": str(len(study.donors)),
        "ev.excluded": _names(study.excluded_by_parameter) if study.excluded_by_parameter else "none",
        "ev.exclusions": exclusions_paragraph(study),
        "ev.c2.level_note": level_note(study.pre_levels.get("group", math.nan),
                                       {t: v for t, v in study.pre_levels.items() if t in study.donors}),
        "ev.alpha": percent(d.alpha, 0), "ev.level": percent(1 - d.alpha, 0), "ev.power": percent(d.power, 0),
        "ev.meaningful_share": percent(d.meaningful_change, 0),
        "ev.meaningful_c2": amount(D.PRIMARY, p.meaningful, signed=False),
        "ev.c2.level": amount(D.PRIMARY, p.reference_level, signed=False),
        "ev.min_post": str(d.min_post_months), "ev.power_until": month_label(d.power_until),
        "ev.placebo_min_pre": str(d.placebo_min_pre_months),
        "ev.sc_min_r2": f"{RE.SC_MIN_PRE_R2:.2f}".replace("-", "−"),
        "ev.data_from": month_label(study.first_month), "ev.data_to": month_label(study.last_month),
        "ev.post_months": str(study.post_months),
        "ev.verdict": VERDICT_WORDS[p.verdict], "ev.headline": headline(study), "ev.lean": lean_sentence(study),
        "ev.power_headline": power_sentence(study), "ev.seasons": season_sentence(study),
        "ev.tests": str(study.tests), "ev.n_outcomes": str(len(study.results)),
        "ev.expected_false": f"{study.expected_false_findings:.1f}",
        "ev.c2.sc": direction(D.PRIMARY, p.fit.effect), "ev.c2.rank": rank_text(p.rank),
        "ev.c2.its": its_text(D.PRIMARY, p.its, d.alpha), "ev.c2.its_rank": rank_text(p.its_rank),
        "ev.c2.its_smallest_p": f"{p.its_rank.smallest_p:.2f}", "ev.c2.its_starts": str(p.its_rank.of),
        "ev.c2.rmspe": amount(D.PRIMARY, p.fit.pre_rmspe, signed=False),
        "ev.c2.pre_sd": amount(D.PRIMARY, p.fit.pre_sd, signed=False),
        "ev.c2.r2": fit_text(p.fit),
        "ev.c2.ratio": f"{p.fit.rmspe_ratio:.2f}" if math.isfinite(p.fit.rmspe_ratio) else "–",
        "ev.c2.sc_counts": sc_counts(p),
        "ev.uninformative": (", ".join(uninformative) if uninformative else "none"),
        "ev.c2.n_placebos": str(len(p.space)),
        "ev.c2.smallest_p": f"{p.rank.smallest_p:.2f}",
        "ev.mde_now": amount(D.PRIMARY, float(now_row["detectable"].iloc[0]), signed=False) if len(now_row) else
        "– (no months since the start yet)",
        "ev.mde_noise_now": amount(D.PRIMARY, float(now_row["noise"].iloc[0]), signed=False) if len(now_row) else "–",
        "ev.year_on": month_label(year_on),
        "ev.mde_year_on": amount(D.PRIMARY, float(year_row["detectable"].iloc[0]), signed=False) if len(year_row)
        else "– (beyond the power horizon)",
        "ev.mde_end": amount(D.PRIMARY, float(end_row["detectable"]), signed=False),
        "ev.meaningful_when": (f"with data to {month_label(hit['month'].iloc[0])}" if len(hit) else
                               f"at no point before {month_label(d.power_until)}, the end of the roll-out"),
    }
    if sens:
        its, did, won = sens["chapter"], sens["did"], sens["did_same_months"]
        out |= {"ev.its.trend": f"{amount(D.PRIMARY, its.trend)} a year",
                "ev.its.did": amount(D.PRIMARY, did.effect), "ev.its.did_ci": interval_text(D.PRIMARY, did.low, did.high,
                                                                                             d.alpha),
                "ev.its.winter": amount(D.PRIMARY, won.effect),
                "ev.its.range": (f"{amount(D.PRIMARY, min(sensitivity_minutes(study).values()))} to "
                                 f"{amount(D.PRIMARY, max(sensitivity_minutes(study).values()))}")}
    else:
        out |= {k: "–" for k in ("ev.its.trend", "ev.its.did", "ev.its.did_ci", "ev.its.winter", "ev.its.range")}
    if seasons:
        out |= {f"ev.season.{k}": amount(D.PRIMARY, v, signed=False) for k, v in seasons.items()}
        out["ev.season.months"] = (f"{month_label(d.start)} to {month_label(study.last_month)}")
    else:
        out |= {f"ev.season.{k}": "–" for k in ("group_now", "group_before", "donors_now", "donors_before", "months")}
    if gap is not None:
        out |= {"ev.gap.verdict": verdict_text("c2_mean_gap", gap, d.min_post_months),
                "ev.gap.sc": direction("c2_mean_gap", gap.fit.effect),
                "ev.gap.rank": rank_text(gap.rank)}
    else:
        out |= {"ev.gap.verdict": "not evaluated (c2_mean_gap is not among the outcomes)", "ev.gap.sc": "–",
                "ev.gap.rank": "–"}
    return out


# --- what changed since the previous vintage ----------------------------------------------------------------

def vintage_values(cmp, study: Study) -> dict[str, str]:
    """Text values for the 'what changed' section (keys start with 'ev.vintage.')."""
    out = release_start("ev.vintage", "vintage", cmp.current, cmp.previous, cmp.unavailable,
                        "the months added, the past values NHS England revised and every verdict of this chapter "
                        "that moved")
    if "ev.vintage.summary" in out:  # nothing to compare
        return out
    prev = cmp.previous
    rev = cmp.revisions
    months = ", ".join(month_label(m) for m in cmp.new_months) or "none"
    moved_eval = compare_studies(cmp.previous_study, study)
    out["ev.vintage.new_months"] = months
    out["ev.vintage.n_revised"] = f"{len(rev):,}"
    out["ev.vintage.revised_months"] = (", ".join(month_label(m) for m in sorted(rev["month"].unique()))
                                        if len(rev) else "none")
    n_eval = int(moved_eval["moved"].sum())
    out["ev.vintage.summary"] = (
        f"Against the previous vintage ({prev.vintage}), this one adds {len(cmp.new_months)} month(s) ({months}) and "
        f"revises {len(rev):,} earlier value(s); {n_eval} of this chapter's verdicts moved.")
    return out


def revisions_table(cmp, orgs: Sequence[str], limit: int = 25) -> pd.DataFrame:
    """The revised values for the named organisations, largest relative change first (at most `limit` rows)."""
    from se_ambulance.reference.indicators import REGISTRY

    rev = cmp.revisions
    rev = rev[rev["org"].isin(list(orgs))].copy()
    rev["size"] = rev["relative"].abs().fillna(float("inf"))
    rev = rev.sort_values("size", ascending=False).head(limit)
    return pd.DataFrame({
        "month": rev["month"].map(month_label), "organisation": rev["org"].map(short_name),
        "indicator": [f"{c} {REGISTRY[c].label}" if c in REGISTRY else c for c in rev["indicator"]],
        "previous": rev["previous"].map(lambda v: "–" if not math.isfinite(v) else f"{v:,.0f}"),
        "now": rev["current"].map(lambda v: "withdrawn" if not math.isfinite(v) else f"{v:,.0f}"),
        "change": rev["relative"].map(lambda v: "–" if not math.isfinite(v) else f"{100 * v:+.1f}%"),
    })


def revisions_by_month_table(cmp) -> pd.DataFrame:
    from se_ambulance.analysis.vintage_diff import revisions_by_month

    by = revisions_by_month(cmp.revisions)
    return pd.DataFrame({"month": by["month"].map(month_label), "values revised": by["values"],
                         "organisations": by["orgs"], "indicators": by["indicators"]})


def verdicts_moved_table(cmp, study: Study) -> pd.DataFrame:
    """This chapter's verdicts that moved, by outcome (the claims register's are on the claims page)."""
    rows = []
    if cmp.previous_study is not None:
        for r in compare_studies(cmp.previous_study, study).itertuples():
            if r.moved:
                rows.append({"outcome": OUTCOME_NAMES[r.outcome],
                             "previous vintage": VERDICT_WORDS.get(r.previous_verdict, "–"),
                             "this vintage": VERDICT_WORDS[r.current_verdict]})
    return pd.DataFrame(rows, columns=["outcome", "previous vintage", "this vintage"])


def estimates_moved_table(cmp, study: Study) -> pd.DataFrame:
    """This chapter's estimates on both vintages, every outcome."""
    if cmp.previous_study is None:
        return pd.DataFrame()
    c = compare_studies(cmp.previous_study, study)
    return pd.DataFrame({
        "outcome": c["outcome"].map(OUTCOME_NAMES),
        "months since the start (previous → now)": [f"{a} → {b}" for a, b in zip(c["previous_months"], c["current_months"])],
        "synthetic control (previous → now)": [f"{amount(k, a)} → {amount(k, b)}" for k, a, b in
                                               zip(c["outcome"], c["previous_sc"], c["current_sc"])],
        "ITS (previous → now)": [f"{amount(k, a)} → {amount(k, b)}" for k, a, b in
                                 zip(c["outcome"], c["previous_its"], c["current_its"])],
        "verdict (previous → now)": [f"{VERDICT_WORDS.get(a, '–')} → {VERDICT_WORDS[b]}" for a, b in
                                     zip(c["previous_verdict"], c["current_verdict"])],
    })


def vintage_displays(cmp, study: Study) -> list:
    """What the 'what changed' section shows below its summary: nothing before a second vintage exists; then the
    new months, the revised values (by month, and the largest for the members and England), and the verdicts and
    estimates that moved. Each is a Markdown caption or an HTML table."""
    from IPython.display import Markdown

    from se_ambulance.publish.report import html_table

    if cmp.previous is None or cmp.unavailable:
        return []
    out: list = [Markdown(f"**New months** in this vintage: {', '.join(month_label(m) for m in cmp.new_months) or 'none'}.")]
    if len(cmp.revisions):
        out += [Markdown("**Past figures revised**, by month (every organisation and indicator):"),
                html_table(revisions_by_month_table(cmp), "se-evaluation"),
                Markdown(f"The largest revisions for {_names([*study.design.members, 'Eng'])} (relative change; "
                         "at most 25 rows):"),
                html_table(revisions_table(cmp, [*study.design.members, "Eng"]), "se-evaluation")]
    else:
        out.append(Markdown("**Past figures revised**: none; every month both vintages hold is unchanged."))
    moved = verdicts_moved_table(cmp, study)
    out.append(Markdown("**Verdicts of this chapter that moved** (the earlier vintage's verdicts are recomputed with "
                        "today's code and design, so a move is the data's doing):" if len(moved) else
                        "**Verdicts of this chapter that moved**: none."))
    if len(moved):
        out.append(html_table(moved, "se-evaluation"))
    out += [Markdown("**This chapter's estimates on both vintages:**"),
            html_table(estimates_moved_table(cmp, study), "se-evaluation")]
    return out
