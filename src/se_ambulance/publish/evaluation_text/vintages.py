"""Chapter 9's 'what changed since the previous data vintage': the months added, the figures revised, and the
chapter's estimates and verdicts on both vintages, each verdict under the rule in force when its vintage was adopted."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from se_ambulance.analysis.evaluation.study import Study, compare_studies
from se_ambulance.publish.format import day_label, month_label, release_start
from se_ambulance.reference.orgs import short_name

from .phrases import OUTCOME_NAMES, VERDICT_WORDS
from .units import amount, names, sentence_case


def vintage_values(cmp, study: Study) -> dict[str, str]:
    """Text values for the 'what changed' section (keys start with 'ev.vintage.')."""
    out = release_start(
        "ev.vintage",
        "vintage",
        cmp.current,
        cmp.previous,
        cmp.unavailable,
        "the months added, the past values NHS England revised and every verdict of this chapter that moved",
    )
    if "ev.vintage.summary" in out:  # nothing to compare
        return out
    prev = cmp.previous
    rev = cmp.revisions
    months = ", ".join(month_label(m) for m in cmp.new_months) or "none"
    moved = compare_studies(cmp.previous_study, study)
    out["ev.vintage.new_months"] = months
    out["ev.vintage.n_revised"] = f"{len(rev):,}"
    out["ev.vintage.revised_months"] = (
        ", ".join(month_label(m) for m in sorted(rev["month"].unique())) if len(rev) else "none"
    )
    n_moved, n_data = int(moved["moved"].sum()), int(moved["moved_by_data"].sum())
    n_new = len(cmp.new_months)
    summary = (
        f"Against the previous vintage ({prev.vintage}), this one adds {n_new} "
        f"{'month' if n_new == 1 else 'months'} ({months}) and revises {len(rev):,} earlier "
        f"{'value' if len(rev) == 1 else 'values'}; {n_moved} of this chapter's verdicts moved."
    )
    if cmp.previous_study.governing is not study.governing:
        summary += (
            f" The two vintages are judged by different versions of the rule (the rule of "
            f"{day_label(cmp.previous_study.governing.dated)}, then of {day_label(study.governing.dated)}); "
            f"under the earlier version, {n_data} would have moved with the data."
        )
    out["ev.vintage.summary"] = summary
    return out


def revisions_table(cmp, orgs: Sequence[str], limit: int = 25) -> pd.DataFrame:
    """The revised values for the named organisations, largest relative change first (at most `limit` rows)."""
    from se_ambulance.reference.indicators import REGISTRY

    rev = cmp.revisions
    rev = rev[rev["org"].isin(list(orgs))].copy()
    rev["size"] = rev["relative"].abs().fillna(float("inf"))
    rev = rev.sort_values("size", ascending=False).head(limit)
    return sentence_case(
        pd.DataFrame(
            {
                "month": rev["month"].map(month_label),
                "organisation": rev["org"].map(short_name),
                "indicator": [f"{c} {REGISTRY[c].label}" if c in REGISTRY else c for c in rev["indicator"]],
                "previous": rev["previous"].map(lambda v: "–" if not math.isfinite(v) else f"{v:,.0f}"),
                "now": rev["current"].map(lambda v: "withdrawn" if not math.isfinite(v) else f"{v:,.0f}"),
                "change": rev["relative"].map(lambda v: "–" if not math.isfinite(v) else f"{100 * v:+.1f}%"),
            }
        )
    )


def revisions_by_month_table(cmp) -> pd.DataFrame:
    from se_ambulance.analysis.vintage_diff import revisions_by_month

    by = revisions_by_month(cmp.revisions)
    return sentence_case(
        pd.DataFrame(
            {
                "month": by["month"].map(month_label),
                "values revised": by["values"],
                "organisations": by["orgs"],
                "indicators": by["indicators"],
            }
        )
    )


def verdicts_moved_table(cmp, study: Study) -> pd.DataFrame:
    """This chapter's verdicts that moved, by outcome, each under the rule in force for its vintage, and what moved
    it (the claims register's are on the claims page)."""
    rows = []
    if cmp.previous_study is not None:
        for r in compare_studies(cmp.previous_study, study).itertuples():
            if r.moved:
                rows.append(
                    {
                        "outcome": OUTCOME_NAMES[r.outcome],
                        "previous vintage": VERDICT_WORDS.get(r.previous_verdict, "–"),
                        "this vintage": VERDICT_WORDS[r.current_verdict],
                        "moved by": "the data"
                        if r.moved_by_data and r.rules[0] == r.rules[1]
                        else "the data (and the rule)"
                        if r.moved_by_data
                        else "the rule's revision",
                    }
                )
    return sentence_case(pd.DataFrame(rows, columns=["outcome", "previous vintage", "this vintage", "moved by"]))


def estimates_moved_table(cmp, study: Study) -> pd.DataFrame:
    """This chapter's estimates on both vintages, every outcome, each verdict under its vintage's rule."""
    if cmp.previous_study is None:
        return pd.DataFrame()
    c = compare_studies(cmp.previous_study, study)
    return sentence_case(
        pd.DataFrame(
            {
                "outcome": c["outcome"].map(OUTCOME_NAMES),
                "months since the start (previous → now)": [
                    f"{a} → {b}" for a, b in zip(c["previous_months"], c["current_months"])
                ],
                "synthetic control (previous → now)": [
                    f"{amount(k, a)} → {amount(k, b)}"
                    for k, a, b in zip(c["outcome"], c["previous_sc"], c["current_sc"])
                ],
                "ITS (previous → now)": [
                    f"{amount(k, a)} → {amount(k, b)}"
                    for k, a, b in zip(c["outcome"], c["previous_its"], c["current_its"])
                ],
                "verdict (previous → now)": [
                    f"{VERDICT_WORDS.get(a, '–')} → {VERDICT_WORDS[b]}"
                    for a, b in zip(c["previous_verdict"], c["current_verdict"])
                ],
            }
        )
    )


def vintage_displays(cmp, study: Study) -> list:
    """What the 'what changed' section shows below its summary: nothing before a second vintage exists; then the
    new months, the revised values (by month, and the largest for the members and England), and the verdicts and
    estimates that moved. Each is a Markdown caption or an HTML table."""
    from IPython.display import Markdown

    from se_ambulance.publish.report import html_table

    if cmp.previous is None or cmp.unavailable:
        return []
    out: list = [
        Markdown(f"**New months** in this vintage: {', '.join(month_label(m) for m in cmp.new_months) or 'none'}.")
    ]
    if len(cmp.revisions):
        out += [
            Markdown("**Past figures revised**, by month (every organisation and indicator):"),
            html_table(revisions_by_month_table(cmp), "se-evaluation"),
            Markdown(
                f"The largest revisions for {names([*study.design.members, 'Eng'])} (relative change; at most 25 rows):"
            ),
            html_table(revisions_table(cmp, [*study.design.members, "Eng"]), "se-evaluation"),
        ]
    else:
        out.append(Markdown("**Past figures revised**: none; every month both vintages hold is unchanged."))
    moved = verdicts_moved_table(cmp, study)
    out.append(
        Markdown(
            "**Verdicts of this chapter that moved** (the earlier vintage's verdicts are recomputed with "
            "today's code and design, each vintage under the rule in force when it was adopted; the last "
            "column says whether the data or a revision of the rule moved it):"
            if len(moved)
            else "**Verdicts of this chapter that moved**: none."
        )
    )
    if len(moved):
        out.append(html_table(moved, "se-evaluation"))
    out += [
        Markdown("**This chapter's estimates on both vintages:**"),
        html_table(estimates_moved_table(cmp, study), "se-evaluation"),
    ]
    return out
