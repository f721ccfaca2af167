"""Chapter 9's display tables (pandas frames for publish.report.html_table), built from the study and the words in
`phrases`, `units` and `sentences`."""

from __future__ import annotations

import math

import pandas as pd

from se_ambulance.analysis.evaluation import design as D
from se_ambulance.analysis.evaluation import verdict as V
from se_ambulance.analysis.evaluation.study import Design, Study
from se_ambulance.publish.format import day_label, p_value, percent
from se_ambulance.reference import evaluation as RE
from se_ambulance.reference.orgs import PROVIDERS, short_name

from .phrases import (
    BETTER_WHEN,
    LEAN_SHORT,
    MEANINGFUL_BASIS,
    OUTCOME_DEFINITIONS,
    OUTCOME_NAMES,
    POWER_BASIS,
    SENSITIVITY_LABELS,
    VERDICT_WORDS,
    WHY,
)
from .sentences import capital, exclusion_reason, meaning_text, rule_name
from .units import amount, fit_text, interval_text, its_text, rank_text, sentence_case, signed_percent, size


def design_table(d: Design) -> pd.DataFrame:
    keys = list(dict.fromkeys([D.PRIMARY, *d.outcomes]))
    return sentence_case(
        pd.DataFrame(
            {
                "outcome": [OUTCOME_NAMES[k] for k in keys],
                "the promise it tests": [WHY[k] for k in keys],
                "better when": [BETTER_WHEN[k] for k in keys],
                "definition": [OUTCOME_DEFINITIONS[k] for k in keys],
            }
        )
    )


def donors_table(study: Study) -> pd.DataFrame:
    """Every trust that is not a member: donor (with its weight in the primary synthetic control) or excluded."""
    w = study.primary.fit.weights
    rows = []
    for code in sorted(PROVIDERS):
        if code in study.design.members:
            continue
        if code in study.donors:
            rows.append(
                {
                    "trust": short_name(code),
                    "role": "donor",
                    "weight in the synthetic group (C2 mean)": percent(float(w.get(code, 0.0)), 0),
                }
            )
        elif code in study.design.excluded_donors or code in study.shared_leadership or code in study.formed_groups:
            rows.append(
                {
                    "trust": short_name(code),
                    "role": exclusion_reason(code, study),
                    "weight in the synthetic group (C2 mean)": "–",
                }
            )
    return sentence_case(pd.DataFrame(rows))


def rules_table(study: Study, vintages: list[tuple[str, str | None]] | None = None) -> pd.DataFrame:
    """Each dated version of the verdict rule: what its power check and its meaningful change are, and the vintages
    it governs among those the manifest records (`vintages`: (name, adopted) pairs, any order)."""
    rows = []
    for rule in RE.RULES:
        governed = [name for name, adopted in (vintages or []) if RE.rule_in_force(adopted) is rule]
        i = RE.RULES.index(rule)
        span = (
            f"vintages adopted on or before {day_label(RE.RULES[i + 1].dated)}"
            if i + 1 < len(RE.RULES)
            else f"vintages adopted after {day_label(rule.dated)}"
        )
        rows.append(
            {
                "version": capital(rule_name(rule)),
                "what changed": rule.why,
                "power measured on": POWER_BASIS[rule.power],
                "meaningful change": MEANINGFUL_BASIS[rule.meaningful],
                "governs": span + (f"; recorded: {', '.join(governed)}" if governed else "; recorded: none yet"),
            }
        )
    return sentence_case(pd.DataFrame(rows))


def thresholds_table(study: Study) -> pd.DataFrame:
    """Each outcome's meaningful change under each version of the rule, what the newest one means for this group,
    and how its default was chosen."""
    first, newest = RE.RULES[0], RE.RULES[-1]
    return sentence_case(
        pd.DataFrame(
            [
                {
                    "outcome": OUTCOME_NAMES[key],
                    f"meaningful change ({rule_name(first)})": (
                        f"{size(key, r.rules[first.dated].meaningful)} "
                        f"({percent(study.design.meaningful_change, 0)} of "
                        f"{_level(key, r.reference_level)})"
                    ),
                    f"meaningful change ({rule_name(newest)})": meaning_text(study, key),
                    "how the default was chosen": RE.MEANINGFUL[key].meaning,
                }
                for key, r in study.results.items()
            ]
        )
    )


def _level(key: str, level: float) -> str:
    """A level as the outcome gives it: a share as a percentage, a time in its unit."""
    return percent(level) if D.OUTCOMES[key].kind == "rate" else size(key, level)


def results_table(study: Study) -> pd.DataFrame:
    """Each outcome's two estimates, how well the synthetic control fits, and where each estimate falls among
    the placebos the verdict uses."""
    a = study.design.alpha
    return sentence_case(
        pd.DataFrame(
            [
                {
                    "outcome": OUTCOME_NAMES[key],
                    "synthetic control: group − synthetic": amount(key, r.fit.effect),
                    "synthetic control's pre-period fit": (
                        f"{fit_text(r.fit)} (error {amount(key, r.fit.pre_rmspe, False)}, "
                        f"group's spread {amount(key, r.fit.pre_sd, False)})"
                        + ("" if r.sc_informative else ": uninformative")
                    ),
                    "post/pre fit error ratio": f"{r.fit.rmspe_ratio:.2f}" if math.isfinite(r.fit.rmspe_ratio) else "–",
                    "rank among donors treated as the group": rank_text(r.rank),
                    "interrupted time series": its_text(key, r.its, a),
                    "time series: rank among its false starts": rank_text(r.its_rank),
                }
                for key, r in study.results.items()
            ]
        )
    )


def verdict_cell(key: str, ruled) -> str:
    """A verdict for the table (whose other columns give the sizes): a 'no meaningful change' says what it rules out."""
    words = VERDICT_WORDS[ruled.verdict]
    if ruled.verdict == V.NO_CHANGE:
        return f"{words} (±{size(key, ruled.meaningful)} ruled out)"
    return words


def verdict_table(study: Study) -> pd.DataFrame:
    """Each outcome under each version of the rule: the smallest change detectable now and by the end of the
    roll-out, the meaningful change and the verdict; whether the synthetic control counts and where the estimates
    lean. The governing version's verdict is the one marked 'this vintage's verdict'."""
    rows = []
    for key, r in study.results.items():
        row = {
            "outcome": OUTCOME_NAMES[key],
            "synthetic control's estimate counts?": "yes"
            if r.sc_informative
            else "no: the fit before the start was poor",
            "estimates lean (context)": LEAN_SHORT[r.lean],
        }
        for rule in RE.RULES:
            ruled = r.rules[rule.dated]
            name = rule_name(rule)
            row[f"detectable now / by the end ({name})"] = f"{size(key, ruled.mde_now)} / {size(key, ruled.mde_end)}"
            row[f"meaningful ({name})"] = size(key, ruled.meaningful)
            governs = ", this vintage's verdict" if rule is study.governing else ""
            row[f"verdict ({name}{governs})"] = verdict_cell(key, ruled)
        rows.append(row)
    return sentence_case(pd.DataFrame(rows))


def placebo_table(study: Study) -> pd.DataFrame:
    """Where each outcome's estimate falls among its placebos, by kind (ranked apart: only the space rank is in
    the verdict)."""
    rows = []
    for key, r in study.results.items():
        rows.append(
            {
                "outcome": OUTCOME_NAMES[key],
                "rank among donors treated (space; in the verdict)": rank_text(r.rank_space),
                "synthetic control: rank among false starts in time (fixed window; shown only)": rank_text(r.rank_time),
                "ITS interval excluded zero at false starts": f"{r.its_false_positives} of {len(r.its_placebos)} (about "
                f"{study.design.alpha * len(r.its_placebos):.1f} expected)",
            }
        )
    return sentence_case(pd.DataFrame(rows))


def sensitivity_table(study: Study) -> pd.DataFrame:
    """The Category 2 mean's effect under each specification (`analysis.evaluation.its.sensitivity`)."""
    a, level = study.design.alpha, study.primary.reference_level
    rows = []
    for key, f in study.sensitivity.items():
        if key == "log_ratio":
            est = (
                f"{signed_percent(math.expm1(f.effect))} (about {amount(D.PRIMARY, math.expm1(f.effect) * level)}); "
                f"{percent(1 - a, 0)} CI {signed_percent(math.expm1(f.low))} to {signed_percent(math.expm1(f.high))}"
            )
        else:
            est = f"{amount(D.PRIMARY, f.effect)}; {interval_text(D.PRIMARY, f.low, f.high, a)}"
        rows.append(
            {
                "specification": SENSITIVITY_LABELS[key],
                "group − comparison, after the start": est,
                "HAC p-value": p_value(f.p),
                "months before / after": f"{f.pre_months} / {f.post_months}",
            }
        )
    return sentence_case(pd.DataFrame(rows))
