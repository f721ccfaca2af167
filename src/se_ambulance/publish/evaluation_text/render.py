"""Chapter 9 laid out: the Markdown blocks the chapter displays and the text values it glues (keys 'ev.…'), from the
sentences and numbers of the other modules. Nothing here decides or words anything new."""

from __future__ import annotations

import math

import pandas as pd

from se_ambulance.analysis.evaluation import design as D
from se_ambulance.analysis.evaluation.study import ANSWER_LOOKAHEAD_YEARS, Study
from se_ambulance.publish.format import day_label, month_label, percent
from se_ambulance.reference import evaluation as RE

from .phrases import OUTCOME_NAMES, VERDICT_WORDS
from .sentences import (
    DESIGN_DATA,
    counts_from_sentence,
    horizon_name,
    horizon_note,
    pre_period_sentence,
    start_note,
    blindness_sentence,
    fixed_after,
    multiplicity_sentence,
    seen_months,
    DESIGN_FIXED,
    RULE_REVISED,
    answerable_words,
    donors_sentence,
    exclusions_paragraph,
    exploratory_sentence,
    first_test_sentence,
    headline,
    lean_sentence,
    left_out_words,
    level_note,
    members_words,
    power_basis_words,
    power_gate_sentence,
    power_sentence,
    rule_in_force_sentence,
    rule_name,
    sc_counts,
    season_sentence,
    sensitivity_minutes,
    verdict_text,
)
from .units import amount, direction, fit_text, interval_text, its_text, names, number_word, rank_text, size


def today_block(study: Study, vintage: str | None = None, earlier=(), previous_study: Study | None = None) -> str:
    """The opening of 'What the data say today', as Markdown: which months are exploratory and which are the first
    test fixed in advance, the rule in force for this vintage, the headline verdict (bold), what the design can detect,
    and where the estimates lean."""
    gate = power_gate_sentence(study)
    first = first_test_sentence(study, earlier, previous_study)
    return (
        f"{exploratory_sentence(study)}{' ' + first if first else ''}\n\n"
        f"{rule_in_force_sentence(study, vintage)}\n\n"
        f"**Headline (Category 2 mean, the primary outcome): {headline(study)}** "
        f"{power_sentence(study)} {gate + ' ' if gate else ''}{lean_sentence(study)}"
    )


def revised_block(study: Study) -> str:
    """What the newest version of the rule says of this vintage, when it is not the one in force: its verdict on the
    primary outcome, what it measures power on, when a meaningful change becomes detectable, and the outcomes whose
    verdict it would change."""
    newest = RE.RULES[-1]
    if study.governing is newest:
        return ""
    p = study.primary
    r = p.revised
    differs = [OUTCOME_NAMES[k] for k, x in study.results.items() if x.revised.verdict != x.verdict]
    out = [
        f"**Under {rule_name(newest)}** (which governs vintages adopted after {day_label(newest.dated)}), the "
        f"verdict on the Category 2 mean is: **{verdict_text(D.PRIMARY, p, study.design.min_post_months, r)}**. "
        f"Its power check "
        f"rests on {power_basis_words(r, p)}. {power_sentence(study, r)}"
    ]
    out.append(
        "Its verdicts differ from this vintage's for: " + "; ".join(differs) + "."
        if differs
        else "Its verdicts are the same as this vintage's for every outcome."
    )
    return " ".join(out)


def verdict_block(study: Study) -> str:
    """'The verdict today' as Markdown: the primary outcome's verdict, the lean, the gap's verdict, the outcomes
    whose synthetic control does not count, what the newest rule says, and the multiplicity of the secondary
    outcomes."""
    gap = study.results.get("c2_mean_gap")
    uninformative = [OUTCOME_NAMES[k] for k, r in study.results.items() if not r.sc_informative]
    gate = power_gate_sentence(study)
    out = [
        f"**Faster responses (Category 2 mean, the primary outcome), under {rule_name(study.governing)}: "
        f"{headline(study)}** {gate + ' ' if gate else ''}{lean_sentence(study)}"
    ]
    if gap is not None:
        out.append(
            f"**More consistent between {members_words(study)}** (the gap between the slowest and the fastest "
            f"member's Category 2 mean): **{verdict_text('c2_mean_gap', gap, study.design.min_post_months)}**; "
            f"the gap has been {direction('c2_mean_gap', gap.fit.effect)} than its synthetic control's"
            + (
                f", ranking {rank_text(gap.rank)} among the donor sets of {number_word(len(study.design.members))}."
                if gap.rank.of > 1
                else f". It has no rank: with {len(study.donors)} donors, no set of "
                f"{number_word(len(study.design.members))} leaves enough others to stand in for it."
            )
        )
    if uninformative:
        out.append(
            "The synthetic control is uninformative, and its estimate does not count, for: "
            + "; ".join(uninformative)
            + "."
        )
    revised = revised_block(study)
    if revised:
        out.append(revised)
    out.append(
        f"The verdict table above gives every outcome's verdict under each version of the rule. The secondary "
        f"outcomes share {study.tests} tests at {percent(study.design.alpha, 0)} with the primary, about "
        f"{study.expected_false_findings:.1f} of which would be significant by chance if nothing had changed "
        f"anywhere. {exploratory_sentence(study)}"
    )
    return "\n\n".join(out)


def chapter_values(study: Study) -> dict[str, str]:
    """The text values chapter 9 glues (keys start with 'ev.')."""
    d, p = study.design, study.primary
    sc_path, ruled, revised = study.power_path, p.ruled, p.revised
    year_on = pd.Timestamp(study.last_month) + pd.DateOffset(months=12)
    gap = study.results.get("c2_mean_gap")
    sens, seasons = study.sensitivity, study.seasons
    uninformative = [OUTCOME_NAMES[k] for k, r in study.results.items() if not r.sc_informative]

    def at(frame: pd.DataFrame, month: pd.Timestamp, column: str = "detectable", missing: str = "–") -> str:
        row = frame[frame["month"] == month]
        return amount(D.PRIMARY, float(row[column].iloc[0]), signed=False) if len(row) else missing

    now = pd.Timestamp(study.last_month)
    out = {
        "ev.fixed_on": DESIGN_FIXED,
        "ev.fixed_data": DESIGN_DATA,
        "ev.rule_revised": RULE_REVISED,
        "ev.rule_first": day_label(RE.RULES[0].dated),
        "ev.rule_newest": day_label(RE.RULES[-1].dated),
        "ev.rule_in_force": day_label(study.governing.dated),
        "ev.seen_to": month_label(RE.DATA_TO_WHEN_FIXED),
        "ev.seen_months": str(seen_months(study)),
        "ev.fixed_after": fixed_after(study),
        "ev.blindness": blindness_sentence(study),
        "ev.exploratory": exploratory_sentence(study),
        "ev.members": names(d.members),
        "ev.n_members": number_word(len(d.members)),
        "ev.start": month_label(d.start_month),
        "ev.start_note": start_note(d),
        "ev.counts_from": counts_from_sentence(d),
        "ev.horizon": horizon_name(d),
        "ev.horizon_note": horizon_note(d),
        "ev.pre_note": pre_period_sentence(study),
        "ev.pre_start": month_label(d.pre_start),
        "ev.pre_end": month_label(d.start - pd.DateOffset(months=1)),
        "ev.pre_months": str(p.fit.pre_months),
        "ev.donors": names(study.donors),
        "ev.n_donors": str(len(study.donors)),
        "ev.donors_sentence": donors_sentence(study),
        "ev.excluded": left_out_words(study),
        "ev.exclusions": exclusions_paragraph(study),
        "ev.c2.level_note": level_note(
            study.pre_levels.get("group", math.nan), {t: v for t, v in study.pre_levels.items() if t in study.donors}
        ),
        "ev.alpha": percent(d.alpha, 0),
        "ev.level": percent(1 - d.alpha, 0),
        "ev.power": percent(d.power, 0),
        "ev.meaningful_share": percent(d.meaningful_change, 0),
        "ev.meaningful_c2": amount(D.PRIMARY, ruled.meaningful, signed=False),
        "ev.meaningful_c2_first": amount(D.PRIMARY, p.rules[RE.RULES[0].dated].meaningful, signed=False),
        "ev.meaningful_c2_revised": amount(D.PRIMARY, revised.meaningful, signed=False),
        "ev.c2.level": amount(D.PRIMARY, p.reference_level, signed=False),
        "ev.min_post": str(d.min_post_months),
        "ev.power_until": month_label(d.power_until),
        "ev.lookahead": number_word(ANSWER_LOOKAHEAD_YEARS),
        "ev.placebo_min_pre": str(d.placebo_min_pre_months),
        "ev.sc_min_r2": f"{RE.SC_MIN_PRE_R2:.2f}".replace("-", "−"),
        "ev.data_from": month_label(study.first_month),
        "ev.data_to": month_label(study.last_month),
        "ev.post_months": str(study.post_months),
        "ev.verdict": VERDICT_WORDS[p.verdict],
        "ev.headline": headline(study),
        "ev.lean": lean_sentence(study),
        "ev.power_headline": power_sentence(study),
        "ev.seasons": season_sentence(study),
        "ev.tests": str(study.tests),
        "ev.n_outcomes": str(len(study.results)),
        "ev.expected_false": f"{study.expected_false_findings:.1f}",
        "ev.c2.sc": direction(D.PRIMARY, p.fit.effect),
        "ev.c2.rank": rank_text(p.rank),
        "ev.c2.its": its_text(D.PRIMARY, p.its, d.alpha),
        "ev.c2.its_rank": rank_text(p.its_rank),
        "ev.c2.its_smallest_p": f"{p.its_rank.smallest_p:.2f}",
        "ev.c2.its_starts": str(p.its_rank.of),
        "ev.c2.rmspe": amount(D.PRIMARY, p.fit.pre_rmspe, signed=False),
        "ev.c2.pre_sd": amount(D.PRIMARY, p.fit.pre_sd, signed=False),
        "ev.c2.r2": fit_text(p.fit),
        "ev.c2.ratio": f"{p.fit.rmspe_ratio:.2f}" if math.isfinite(p.fit.rmspe_ratio) else "–",
        "ev.c2.sc_counts": sc_counts(p),
        "ev.uninformative": (", ".join(uninformative) if uninformative else "none"),
        "ev.c2.n_placebos": str(len(p.space)),
        "ev.c2.smallest_p": f"{p.rank.smallest_p:.2f}",
        # Power: the synthetic control's (the rule of 22 November 2026) and the time series' (its own noise).
        "ev.mde_now": at(sc_path, now, missing="– (no months since the start yet)"),
        "ev.mde_noise_now": at(sc_path, now, "noise"),
        "ev.year_on": month_label(year_on),
        "ev.mde_year_on": at(sc_path, year_on, missing="– (beyond the power horizon)"),
        "ev.mde_end": amount(D.PRIMARY, float(sc_path["detectable"].iloc[-1]), signed=False),
        "ev.meaningful_when": answerable_words(D.PRIMARY, p.rules[RE.RULES[0].dated], d),
        "ev.its.mde_now": at(p.its_path, now, missing="– (no months since the start yet)"),
        "ev.its.mde_noise_now": at(p.its_path, now, "noise"),
        "ev.its.mde_placebo_now": at(p.its_path, now, "placebo"),
        "ev.its.mde_year_on": at(p.its_path, year_on, missing="– (beyond the power horizon)"),
        "ev.its.mde_end": amount(D.PRIMARY, float(p.its_path["detectable"].iloc[-1]), signed=False),
        "ev.revised.mde_now": size(D.PRIMARY, revised.mde_now),
        "ev.revised.mde_end": size(D.PRIMARY, revised.mde_end),
        "ev.revised.when": answerable_words(D.PRIMARY, revised, d),
        "ev.revised.verdict": VERDICT_WORDS[revised.verdict],
        "ev.c2.power_basis": power_basis_words(revised, p),
        "ev.c2.sc_power_note": (
            ""
            if p.sc_informative
            else "But this chapter finds the synthetic control uninformative for the Category 2 mean, so "
            "that is not the power of an estimate that counts."
        ),
        "ev.multiplicity": multiplicity_sentence(study),
    }
    if sens:
        its, did, won = sens["chapter"], sens["did"], sens["did_same_months"]
        spec = sensitivity_minutes(study)
        out |= {
            "ev.its.trend": f"{amount(D.PRIMARY, its.trend)} a year",
            "ev.its.did": amount(D.PRIMARY, did.effect),
            "ev.its.did_ci": interval_text(D.PRIMARY, did.low, did.high, d.alpha),
            "ev.its.winter": amount(D.PRIMARY, won.effect),
            "ev.its.range": f"{amount(D.PRIMARY, min(spec.values()))} to {amount(D.PRIMARY, max(spec.values()))}",
        }
    else:
        out |= {k: "–" for k in ("ev.its.trend", "ev.its.did", "ev.its.did_ci", "ev.its.winter", "ev.its.range")}
    if seasons:
        out |= {f"ev.season.{k}": amount(D.PRIMARY, v, signed=False) for k, v in seasons.items()}
        out["ev.season.months"] = f"{month_label(d.start)} to {month_label(study.last_month)}"
    else:
        out |= {f"ev.season.{k}": "–" for k in ("group_now", "group_before", "donors_now", "donors_before", "months")}
    if gap is not None:
        out |= {
            "ev.gap.verdict": verdict_text("c2_mean_gap", gap, d.min_post_months),
            "ev.gap.sc": direction("c2_mean_gap", gap.fit.effect),
            "ev.gap.rank": rank_text(gap.rank),
        }
    else:
        out |= {
            "ev.gap.verdict": "not evaluated (c2_mean_gap is not among the outcomes)",
            "ev.gap.sc": "–",
            "ev.gap.rank": "–",
        }
    return out
