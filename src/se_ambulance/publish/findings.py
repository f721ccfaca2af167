""" "What we found": the plain sentences each chapter opens with, worded from the numbers the chapter shows.

Each function returns Markdown bullets for one chapter's opening (glued and pasted under "What we found"). A word
that judges a number (met or missed, faster or slower, how often) is decided here by the rule its docstring
states, and tested on both sides of it; the chapters never type one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from se_ambulance.claims.evaluate import ClaimResult
from se_ambulance.claims.register import claim
from se_ambulance.publish.briefing import (
    c2_sentences,
    duration,
    is_ranged,
    meaning,
    met_count_sentence,
    short_trust_name,
)
from se_ambulance.publish.format import fy_label, mmss, month_label, ordinal, percent
from se_ambulance.reference.orgs import GROUP_CODE, PROVIDERS, Group, short_name


def bullets(items: Sequence[str]) -> str:
    """Markdown bullets, leaving out empty items."""
    return "\n".join(f"- {item}" for item in items if item)


def _join(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# --- performance -------------------------------------------------------------------------------------------------


def mean_standard_sentence(trust_name: str, rows: pd.DataFrame, years: Sequence[int], category: str) -> str:
    """A category's yearly average against its national standard: "SECAmb's Category 1 average was 8:24 in
    2024/25 and 8:17 in 2025/26, against the 7-minute national standard: it missed the standard in both years."
    Met means at or within the standard (`analysis.performance.standards_by_year`)."""
    sub = rows[(rows["category"] == category) & (rows["statistic"] == "mean")].set_index("fy")
    shown = [y for y in years if y in sub.index]
    if not shown:
        return ""
    values = _join([f"{mmss(sub.loc[y, 'seconds'])} in {fy_label(y)}" for y in shown])
    met = [y for y in shown if bool(sub.loc[y, "met"])]
    if len(shown) == 1:
        verdict = "it met the standard" if met else "it missed the standard"
    elif len(met) == len(shown):
        verdict = "it met the standard in every year shown" if len(shown) > 2 else "it met the standard in both years"
    elif not met:
        verdict = (
            "it missed the standard in every year shown" if len(shown) > 2 else "it missed the standard in both years"
        )
    else:
        verdict = f"it met the standard in {_join([fy_label(y) for y in met])} only"
    standard = duration(sub.loc[shown[0], "standard"])
    return (
        f"{trust_name}'s Category {category[1]} average was {values}, against the {standard} national standard: "
        f"{verdict}."
    )


def months_met_sentence(trust_name: str, counts: pd.DataFrame) -> str:
    """How many months the monthly averages met their standards since the trust reported under ARP (from
    `analysis.performance.standards_met_counts` for one trust)."""
    means = counts[counts["statistic"] == "mean"].set_index("category")
    parts = [
        f"Category {c[1]} average met the {duration(means.loc[c, 'standard'])} standard in "
        f"{int(means.loc[c, 'met'])} of {int(means.loc[c, 'months'])} months"
        for c in ("C2", "C1")
        if c in means.index
    ]
    if not parts:
        return ""
    return f"Month by month since it began reporting under ARP, {trust_name}'s {parts[0]}." + (
        f" Its {parts[1]}." if len(parts) > 1 else ""
    )


def comparison_words(mine: float, theirs: float) -> str:
    """'faster than', 'slower than' or 'the same as' (to the whole second, as the page prints them)."""
    a, b = round(mine), round(theirs)
    return "the same as" if a == b else ("faster than" if a < b else "slower than")


def comparators_sentence(trust: str, fy: pd.DataFrame, group: Group | None, category: str = "C2") -> str:
    """The focus trust's yearly average beside each comparator's in the latest year all of them report in full:
    "In 2025/26 SECAmb's Category 2 average (27:49) was faster than England's (30:41) and slower than SCAS's
    (25:10)." `fy` is `analysis.performance.fy_means` (complete years) for the trust and its comparators."""
    sub = fy[fy["category"] == category]
    orgs = list(dict.fromkeys(sub["org"]))
    if trust not in orgs or len(orgs) < 2:
        return ""
    both = sub.groupby("fy")["org"].nunique()
    years = both[both == len(orgs)].index
    if len(years) == 0:
        return ""
    year = int(years.max())
    means = sub[sub["fy"] == year].set_index("org")["mean"]

    def name(o: str) -> str:
        if o in PROVIDERS:
            return f"{short_trust_name(o)}'s"
        if o == GROUP_CODE and group is not None:
            return f"the {group.name} group's"
        return f"{short_name(o)}'s"

    by_words: dict[str, list[str]] = {}
    for o in orgs:
        if o != trust:
            by_words.setdefault(comparison_words(means[trust], means[o]), []).append(f"{name(o)} ({mmss(means[o])})")
    parts = [f"{words} {_join(names)}" for words, names in by_words.items()]
    joined = parts[0] if len(parts) == 1 else (f"{parts[0]}, but {parts[1]}" if len(parts) == 2 else "; ".join(parts))
    return (
        f"In {fy_label(year)}, {short_trust_name(trust)}'s Category {category[1]} average ({mmss(means[trust])}) "
        f"was {joined}."
    )


def case_figures_sentence(
    results: Mapping[str, ClaimResult], ids: Sequence[str] = ("c1-mean-2024-25", "c2-mean-2024-25")
) -> str:
    """The South East case's own response-time figures and their verdicts, with what each verdict means."""
    claims = [claim(cid) for cid in ids]
    figures = ", ".join(f"Category {cid[1]} {mmss(c.figure)}" for cid, c in zip(ids, claims))
    year = fy_label(int(results[ids[0]].figures["claim_year"]))
    verdicts = [
        (results[cid].verdict, meaning(c, results[cid].verdict, is_ranged(results[cid]))) for cid, c in zip(ids, claims)
    ]
    if len(set(verdicts)) == 1:
        judged = f"{'Both are' if len(ids) == 2 else 'All are'} **{verdicts[0][0]}**: {verdicts[0][1]}."
    else:
        judged = " ".join(f"Category {cid[1]} is **{v}**: {m}." for cid, (v, m) in zip(ids, verdicts))
    return (
        f"The South East case's own averages for {year} ({figures}) were checked against the data. {judged} "
        "A verdict judges the figure, not whether a standard was met."
    )


def performance_findings(
    trust: str,
    standards: pd.DataFrame,
    years: Sequence[int],
    counts: pd.DataFrame,
    fy: pd.DataFrame,
    group: Group,
    results: Mapping[str, ClaimResult],
) -> str:
    """Chapter 1's opening: the Category 2 and 1 averages against their standards, how often the monthly figures
    met them, the comparison with the comparators, and the case's own figures."""
    short = short_trust_name(trust)
    return bullets(
        [
            c2_sentences(short, standards, years),
            mean_standard_sentence(short, standards, years, "C1"),
            met_count_sentence(short, standards, years),
            months_met_sentence(short, counts[counts["org"] == trust]),
            comparators_sentence(trust, fy, group),
            case_figures_sentence(results),
        ]
    )


# --- signals -----------------------------------------------------------------------------------------------------


def rank_sentence(trust: str, ranks: pd.DataFrame, category: str = "C2") -> str:
    """The trust's rank among England's ambulance services in its latest complete year, then its best and worst
    ranks over every complete year with the years they came in (1 = fastest, `analysis.performance.ranks_by_year`);
    one sentence for a rank that never changed. A first-against-latest pair would hide a slip in between."""
    if ranks.empty:
        return ""
    last = ranks.iloc[-1]
    latest = (
        f"In {fy_label(int(last['fy']))}, {short_trust_name(trust)} had the {ordinal(int(last['rank']))} "
        f"fastest Category {category[1]} average of {int(last['of'])} ambulance services."
    )
    if len(ranks) == 1:
        return latest
    best, worst = int(ranks["rank"].min()), int(ranks["rank"].max())
    first = fy_label(int(ranks["fy"].iloc[0]))
    if best == worst:
        return latest + f" It was {ordinal(best)} in every complete year since {first}."

    def years(rank: int) -> str:
        return _join([fy_label(int(y)) for y in ranks.loc[ranks["rank"] == rank, "fy"]])

    return (
        latest + f" Since {first}, its best rank was {ordinal(best)}, in {years(best)}; its worst was "
        f"{ordinal(worst)}, in {years(worst)}."
    )


def handover_sentence(summary: pd.Series, expected_minutes: int = 15) -> str:
    """Hospital handover against the national expectation, from `analysis.activity.handover_summary`."""
    if int(summary.get("months", 0)) == 0:
        return "AmbSYS has no handover times for this trust."
    share = float(summary["share_over_15"])
    return (
        f"Handover at hospital averaged {summary['latest_minutes']:.0f} minutes in "
        f"{month_label(summary['latest_month'])}. Since {month_label(summary['first'])} the monthly average was "
        f"over the {expected_minutes}-minute expectation in {round(share * summary['months'])} of "
        f"{int(summary['months'])} months."
    )


def slowest_year_sentence(trust: str, step: Mapping | None, category: str = "C2") -> str:
    """The slowest complete year against the first (`analysis.performance.slowest_year_against_first`)."""
    if step is None:
        return ""
    name = short_trust_name(trust)
    if step["slowest_year"] == step["first_year"]:
        return (
            f"{name}'s first complete year for Category {category[1]}, {fy_label(int(step['first_year']))}, "
            "was also its slowest."
        )
    return (
        f"{name}'s slowest complete year for Category {category[1]} was {fy_label(int(step['slowest_year']))}. "
        f"Its average then was {percent(step['change'], 0)} above {fy_label(int(step['first_year']))}'s, its "
        "first complete year."
    )


# --- the assumptions log -----------------------------------------------------------------------------------------


def assumptions_findings(log: pd.DataFrame) -> str:
    """The assumptions log in three sentences: how many, how their evidence is rated, which matter most."""
    n = len(log)
    q = log["quality"].value_counts()
    weak_and_decisive = int(((log["quality"] == "red") & (log["impact"] == "red")).sum())
    return bullets(
        [
            f"The book's models rest on {n} assumptions, each with its evidence.",
            f"The evidence is strong (green) for {int(q.get('green', 0))}, partial (amber) for {int(q.get('amber', 0))} "
            f"and weak or missing (red) for {int(q.get('red', 0))}.",
            f"For {weak_and_decisive} of them the evidence is weak and the results depend on them (red for both): "
            "these are where better evidence would change the book's answers most.",
        ]
    )


__all__ = [
    "assumptions_findings",
    "bullets",
    "case_figures_sentence",
    "comparators_sentence",
    "comparison_words",
    "handover_sentence",
    "mean_standard_sentence",
    "months_met_sentence",
    "ordinal",
    "performance_findings",
    "rank_sentence",
    "slowest_year_sentence",
]
