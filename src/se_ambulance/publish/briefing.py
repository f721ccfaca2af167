"""The front page's briefing: what a board member reads in two minutes, and what prints as the two-page briefing.

It says, in short sentences: what each headline claim says and what the data say, with a verdict word and what
that word means (a verdict judges the claim's figure; "supported" never means that a standard was met); whether
each response-time standard was met by the focus trust in the claim year and the latest complete year; and the
plain answer to "is the group working?" with the date of the data it rests on.

Every number comes from the claims layer (the same stored results as the claims page), the performance analysis
and the evaluation; this module only words them. The whole briefing is one Markdown (MyST) block inside
`<div class="se-briefing">`, the element the print stylesheet turns into the briefing PDF.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from se_ambulance.claims.evaluate import ClaimResult
from se_ambulance.claims.register import Claim, claim
from se_ambulance.claims.rule import NOT_SUPPORTED, PARTLY, SUPPORTED
from se_ambulance.publish.claims_text import claim_text, disagreeing_words
from se_ambulance.publish.format import fy_label, mmss, percent, pounds_m
from se_ambulance.publish.stamp import CANONICAL_TRUST
from se_ambulance.reference.orgs import CASE_GROUP, PROVIDERS, Group, names

BRIEFING_CLASS = "se-briefing"

# What a verdict says about a claim, by how the claim is worded (`claims.rule.WORDINGS`). A verdict judges the
# claimed figure only.
MEANING: dict[tuple[str, str], str] = {
    ("about", SUPPORTED): "the claimed figure is accurate",
    ("about", PARTLY): "the claimed figure is possible, but the best estimate differs from it",
    ("about", NOT_SUPPORTED): "the data give a different figure",
    ("more_than", SUPPORTED): "the best estimate is above the claimed figure",
    ("more_than", PARTLY): "the claimed figure is possible, but the best estimate falls short of it",
    ("more_than", NOT_SUPPORTED): "even the top of the range falls short of the claimed figure",
    ("up_to", SUPPORTED): "the best estimate reaches the claimed figure",
    ("up_to", PARTLY): "the claimed figure is possible, but the best estimate falls short of it",
    ("up_to", NOT_SUPPORTED): "even the top of the range falls short of the claimed figure",
    ("differs", SUPPORTED): "the difference is larger than chance would explain",
    ("differs", NOT_SUPPORTED): "the difference could be chance",
}


# A figure read from published data has no range: "the top of the range" would be false for it.
EXACT_NOT_SUPPORTED = "the data give a lower figure"


def meaning(c: Claim, verdict: str, ranged: bool = True) -> str:
    """What `verdict` means for claim `c`, in words; a verdict the briefing cannot explain is an error. `ranged`: the
    deciding estimate has a range (a forecast or Monte Carlo interval), not one figure read from the data."""
    key = (c.wording, verdict)
    if key not in MEANING:
        raise KeyError(
            f"The briefing has no words for the verdict {verdict!r} on a claim worded {c.wording!r} "
            f"({c.id}); add them to se_ambulance.publish.briefing.MEANING."
        )
    if not ranged and verdict == NOT_SUPPORTED and c.wording in ("more_than", "up_to"):
        return EXACT_NOT_SUPPORTED
    return MEANING[key]


def is_ranged(r: ClaimResult) -> bool:
    e = r.readings[r.reading]
    return e.low != e.high


def an(phrase: str) -> str:
    """'an 18-minute average', 'a 7-minute average': the article spoken before a number or word."""
    spoken_vowel = phrase[:1].lower() in "aeio" or phrase.startswith(("8", "11", "18", "80"))
    return f"{'an' if spoken_vowel else 'a'} {phrase}"


def duration(seconds: float) -> str:
    """A standard's length in words: 420 -> '7-minute', 7200 -> '2-hour' (whole minutes or hours)."""
    minutes = int(round(seconds / 60))
    return f"{minutes // 60}-hour" if minutes % 60 == 0 and minutes >= 60 else f"{minutes}-minute"


# --- the claims --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimLines:
    heading: str
    claimed: str  # what the case says, in one short sentence (its exact words are on the claims page)
    data: str  # what the data say, in one or two short sentences
    note: str = ""  # what the verdict does not mean, where a reader could take it so


# The readings a verdict can rest on, in the briefing's words (the claims page says them at length).
READINGS = {
    "region": "the NHS South East region",
    "group": "SCAS and SECAmb together",
    "a_year": "per year",
    "pv_total": "as a total",
}


def _words(table: Mapping[str, str], key: str) -> str:
    if key not in table:
        raise KeyError(
            f"The briefing has no words for the reading {key!r}; add them to se_ambulance.publish.briefing.READINGS."
        )
    return table[key]


def _response(category: str) -> Callable[[ClaimResult, Claim], ClaimLines]:
    number = category[1]

    def lines(r: ClaimResult, c: Claim) -> ClaimLines:
        t = claim_text(r)
        return ClaimLines(
            f"Category {number} response times",
            f"Claimed: the South East's average Category {number} response in {t['year']} was {mmss(c.figure)}.",
            f"Data: {t['measured']} for {_words(READINGS, r.reading)}.",
        )  # the standards follow below

    return lines


def _over_85(r: ClaimResult, c: Claim) -> ClaimLines:
    t = claim_text(r)
    # A single trust's own area is context, not the claim's scope; name any that passes the claimed figure.
    above = [
        f"{short_trust_name(key.split('_')[0])}'s own area ({percent(v, 1)} from mid-{key.rsplit('_', 1)[1]})"
        for key, v in sorted(r.figures.items())
        if key.split("_")[0] in PROVIDERS and 100 * v > c.figure
    ]
    note = f"Only {' and '.join(above)} passes {percent(c.figure / 100, 0)}." if above else ""
    return ClaimLines(
        "People aged over 85",
        f"Claimed: a rise of more than {percent(c.figure / 100, 0)} in people aged over 85 by 2034.",
        f"Data: ONS projects a rise of {t['from_2022']} from mid-2022 and {t['from_2025']} from "
        "mid-2025, for the South East region.",
        note,
    )


def _demand(r: ClaimResult, c: Claim) -> ClaimLines:
    t = claim_text(r)
    return ClaimLines(
        "Demand for ambulances",
        f"Claimed: demand could rise by over {percent(c.figure / 100, 0)} in the next decade.",
        f"Data: our projection for the area SCAS and SECAmb serve is {t['growth']}, within a range of {t['range']}.",
    )


def _outcomes(r: ClaimResult, c: Claim) -> ClaimLines:
    from se_ambulance.data.manifest import load_manifest

    t, e = claim_text(r), r.readings[r.reading]
    side = "lower" if e.central < 0 else "higher"
    points = lambda v: f"{abs(100 * v):.1f}"  # noqa: E731
    if e.low * e.high > 0:  # the interval is on one side of zero: say it as the central estimate is said
        lo, hi = sorted((abs(e.low), abs(e.high)))
        interval = f"95% interval {points(lo)} to {points(hi)} points {side}"
    else:
        interval = f"95% interval {points(e.low)} points lower to {points(e.high)} points higher"
    return ClaimLines(
        "Clinical outcomes",
        "Claimed: clinical outcomes vary significantly across the region.",
        f"Data: in {t['years']}, survival after comparable cardiac arrests was {points(e.central)} "
        f"points {side} at SECAmb than at SCAS ({interval}; AmbCO {load_manifest()['ambco'].vintage}).",
    )


def _benefit(r: ClaimResult, c: Claim) -> ClaimLines:
    ya, pv = r.readings["a_year"], r.readings["pv_total"]
    cash = c.id == "efficiencies-10m"
    years = int(r.figures["years"])
    claimed = (
        f"Claimed: joint planning could unlock efficiencies worth over {pounds_m(c.figure, 0)}."
        if cash
        else f"Claimed: wider benefits of up to the equivalent of {pounds_m(c.figure, 0)}."
    )
    return ClaimLines(
        "Cash savings" if cash else "Wider benefits",
        claimed,
        f"Data: our model gives {pounds_m(ya.central)} a year once running, and "
        f"{pounds_m(pv.central)} over {years} years{', after costs' if cash else ''}. Judged "
        f"{_words(READINGS, r.reading)}.",
        "" if cash else "These are not cash savings.",
    )


LINES: dict[str, Callable[[ClaimResult, Claim], ClaimLines]] = {
    "c1-mean-2024-25": _response("C1"),
    "c2-mean-2024-25": _response("C2"),
    "over-85-rise-2034": _over_85,
    "demand-rise-decade": _demand,
    "outcomes-vary": _outcomes,
    "efficiencies-10m": _benefit,
    "wider-benefits-80m": _benefit,
}


def claim_item(r: ClaimResult, explained: set[str] | None = None) -> str:
    """One claim as a Markdown list item: heading, what was claimed, what the data say, the verdict and what it
    means. `explained`: the meanings already given higher up the list (each is said once; a later claim with the
    same verdict and wording gives the verdict word alone)."""
    if r.id not in LINES:
        raise KeyError(
            f"The briefing has no sentences for claim {r.id!r}; add them to se_ambulance.publish.briefing.LINES."
        )
    c = claim(r.id)
    ln = LINES[r.id](r, c)
    words = meaning(c, r.verdict, is_ranged(r))
    verdict = f"**{r.verdict[0].upper()}{r.verdict[1:]}**" + (
        "." if explained is not None and words in explained else f": {words}."
    )
    if explained is not None:
        explained.add(words)
    other = disagreeing_words(r)
    but = f"Another reading: {other}." if other else ""  # the verdict above is the one that counts
    return " ".join(p for p in (f"- **{ln.heading}.**", ln.claimed, ln.data, verdict, but, ln.note) if p)


RESPONSE_IDS = ("c1-mean-2024-25", "c2-mean-2024-25")


def response_times_item(results: Mapping[str, ClaimResult]) -> str:
    """Both response-time claims as one item, when both are supported on the same reading (their usual case): a
    board member reads one sentence of what was claimed and one of what the data say. '' otherwise."""
    if any(i not in results for i in RESPONSE_IDS):
        return ""
    rs = [results[i] for i in RESPONSE_IDS]
    if {r.verdict for r in rs} != {SUPPORTED} or len({r.reading for r in rs}) != 1:
        return ""
    t1, t2 = claim_text(rs[0]), claim_text(rs[1])
    c1, c2 = claim(RESPONSE_IDS[0]), claim(RESPONSE_IDS[1])
    return (
        f"- **Response times in {t1['year']}.** Claimed: the South East's averages were {mmss(c1.figure)} "
        f"(Category 1) and {mmss(c2.figure)} (Category 2). Data: {t1['measured']} and {t2['measured']} for "
        f"{_words(READINGS, rs[0].reading)}. **Supported**: both claimed figures are accurate."
    )


def claim_items(results: Mapping[str, ClaimResult], ids: Sequence[str]) -> list[str]:
    """The headline claims as list items, in order; the two response-time claims as one where they agree."""
    explained: set[str] = set()  # each verdict's meaning is given once, at its first claim
    both = response_times_item(results) if set(RESPONSE_IDS) <= set(ids) else ""
    items = []
    for cid in ids:
        if both and cid in RESPONSE_IDS:
            if cid == next(i for i in ids if i in RESPONSE_IDS):
                items.append(both)
                explained.add(MEANING[("about", SUPPORTED)])
            continue
        items.append(claim_item(results[cid], explained))
    return items


# --- the standards -----------------------------------------------------------------------------------------------

STATISTIC_WORDS = {"mean": "average", "p90": "9 in 10 within", "interim mean": "average, interim aim"}


def standard_label(category: str, statistic: str, seconds: float) -> str:
    """'Category 2 average: 18 minutes' and the like, for the standards table."""
    length = duration(seconds).replace("-minute", " minutes").replace("-hour", " hours").replace("1 hours", "1 hour")
    return f"Category {category[1]}, {STATISTIC_WORDS[statistic]}: {length}"


def _c2_outcome(rows: pd.DataFrame, year: int) -> tuple[bool, bool | None] | None:
    """(national standard met, interim aim met or None where it did not apply) for the Category 2 average."""
    year_rows = rows[(rows["fy"] == year) & (rows["category"] == "C2")].set_index("statistic")
    if "mean" not in year_rows.index:
        return None
    interim = bool(year_rows.loc["interim mean", "met"]) if "interim mean" in year_rows.index else None
    return bool(year_rows.loc["mean", "met"]), interim


def _c2_verdict_words(rows: pd.DataFrame, year: int) -> str:
    """'missed the 18-minute national standard but was inside the 30-minute interim aim' and the like."""
    year_rows = rows[(rows["fy"] == year) & (rows["category"] == "C2")].set_index("statistic")
    outcome = _c2_outcome(rows, year)
    if outcome is None:
        raise ValueError(f"no Category 2 average standard for {fy_label(year)} to judge")
    national, interim = outcome
    words = f"{'met' if national else 'missed'} the {duration(year_rows.loc['mean', 'standard'])} national standard"
    if interim is None:
        return words
    aim = f"the {duration(year_rows.loc['interim mean', 'standard'])} interim aim"
    if national:
        return words + f", and so was also inside {aim}"
    return words + (f" but was inside {aim}" if interim else f", and also missed {aim}")


def c2_sentences(trust_name: str, rows: pd.DataFrame, years: Sequence[int]) -> str:
    """The Category 2 average in each year against the national standard and, where it applied, the interim aim:
    "SECAmb's Category 2 average in 2024/25 was 28:50: it missed the 18-minute national standard but was inside
    the 30-minute interim aim. In 2025/26 it was 27:49, with the same result." A year the trust did not report in
    full is left out."""
    out, previous = [], None
    for year in years:
        outcome = _c2_outcome(rows, year)
        if outcome is None:
            continue
        seconds = rows[(rows["fy"] == year) & (rows["category"] == "C2") & (rows["statistic"] == "mean")]["seconds"]
        value = mmss(seconds.iloc[0])
        if previous is None:
            out.append(
                f"{trust_name}'s Category 2 average in {fy_label(year)} was {value}: it "
                f"{_c2_verdict_words(rows, year)}."
            )
        elif outcome == previous:
            out.append(f"In {fy_label(year)} it was {value}, with the same result.")
        else:
            out.append(f"In {fy_label(year)} it was {value}: it {_c2_verdict_words(rows, year)}.")
        previous = outcome
    return " ".join(out)


def met_count_sentence(trust_name: str, rows: pd.DataFrame, years: Sequence[int]) -> str:
    """'Of the 6 national response-time standards, SECAmb met none in 2024/25 and none in 2025/26.' (the interim
    aim is not a national standard; a year not reported in full says so)."""
    parts, n = [], 0
    for year in years:
        national = rows[(rows["fy"] == year) & (rows["statistic"] != "interim mean")]
        if national.empty:
            parts.append(f"none could be judged in {fy_label(year)}, which it did not report in full")
            continue
        n = max(n, len(national))
        met = int(national["met"].sum())
        parts.append(f"{'none' if met == 0 else met} in {fy_label(year)}")
    if (
        len(parts) == 2
        and parts[0].split(" in ")[0] == parts[1].split(" in ")[0]
        and not parts[0].startswith("none could")
    ):
        # the same count both years, said once: 'met none in 2024/25 or 2025/26'
        count = parts[0].split(" in ")[0]
        return (
            f"Of the {n} national response-time standards, {trust_name} met {count} in "
            f"{fy_label(years[0])} {'or' if count == 'none' else 'and'} {fy_label(years[1])}."
        )
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return (
        f"Of the {n} national response-time standards, {trust_name} met {joined}."
        if n
        else f"{trust_name} did not report every month of {' or '.join(fy_label(y) for y in years)}."
    )


def standards_table(rows: pd.DataFrame, years: Sequence[int]) -> str:
    """The standards against each year's figure, as a Markdown table: 'M:SS, met' or 'M:SS, missed'."""
    order = rows.drop_duplicates(["category", "statistic"])[["category", "statistic", "standard"]]
    head = "| Standard | " + " | ".join(fy_label(y) for y in years) + " |\n|---|" + "---|" * len(years)
    lines = [head]
    for o in order.itertuples():
        cells = []
        for y in years:
            hit = rows[(rows["category"] == o.category) & (rows["statistic"] == o.statistic) & (rows["fy"] == y)]
            cells.append(
                "–"
                if hit.empty
                else f"{mmss(hit['seconds'].iloc[0])}, {'met' if bool(hit['met'].iloc[0]) else 'missed'}"
            )
        lines.append(f"| {standard_label(o.category, o.statistic, o.standard)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def short_trust_name(code: str) -> str:
    """'SECAmb' for 'South East Coast (SECAmb)'; a name without an abbreviation as it is ('Isle of Wight')."""
    name = PROVIDERS[code]
    return name.split("(")[-1].rstrip(")") if "(" in name else name


# --- the whole briefing ------------------------------------------------------------------------------------------


def scope_note(trust: str, group: Group) -> str:
    """For a book built for another trust or group: which claims are the South East case's. Empty otherwise."""
    if trust == CANONICAL_TRUST and group.is_case:
        return ""
    built = PROVIDERS[trust] + ("" if group.is_case else f", with the group {group.name} ({names(group.members)})")
    return (
        f"This book is built for {built}. The claims below are the South East case's, about "
        f"{names(CASE_GROUP.members)}, and are judged on that area whatever the book follows."
    )


def group_answer(study) -> str:
    """The plain answer to "is the group working?" and the data it rests on."""
    from se_ambulance.publish.evaluation_text import plain_answer

    return plain_answer(study)  # it names the data's end and the months since the group's start


def tally_sentence(results: Mapping[str, ClaimResult], ids: Sequence[str]) -> str:
    """'Of the case's 7 headline figures, the data support 4, partly support 1 and do not support 2.' (verdicts
    with no claims are left out; the order is always supported, partly, not)."""
    counts = [
        (sum(results[i].verdict == v for i in ids), words)
        for v, words in ((SUPPORTED, "support"), (PARTLY, "partly support"), (NOT_SUPPORTED, "do not support"))
    ]
    shown = [f"{words} {n}" for n, words in counts if n]
    other = len(ids) - sum(n for n, _ in counts)
    if other:
        shown.append(f"cannot yet test {other}")
    joined = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    return f"Of the case's {len(ids)} headline figures, the data {joined}."


def briefing(
    results: Mapping[str, ClaimResult],
    ids: Sequence[str],
    standards: pd.DataFrame,
    years: Sequence[int],
    trust: str,
    group: Group,
    study,
    data_to: str,
    comparison: str = "",
) -> str:
    """The front page's briefing as MyST Markdown, inside `<div class="se-briefing">`.

    `standards` is `analysis.performance.standards_by_year` for the focus `trust` and `years` (the claim year
    and the latest complete year); `study` is the evaluation's `Study` for the book's group; `comparison` the
    sentence setting the trust beside its comparators (`publish.findings.comparators_sentence`); `data_to` the data's
    end ('AmbSYS data to April 2026', `publish.stamp.data_to_words`). The edition is in every page's footer and printed
    margins, not here: this page's words then follow its own inputs, not every file of the book."""
    trust_name, short = PROVIDERS[trust], short_trust_name(trust)
    c2 = [c2_sentences(short, standards, years), met_count_sentence(short, standards, years), comparison]
    note = scope_note(trust, group)
    # A count of figures above a list of items: say which item holds two, so the numbers add up for the reader.
    combined = " The first item holds two." if set(RESPONSE_IDS) <= set(ids) and response_times_item(results) else ""
    # The order a board member asks in: is the group working, were the standards met, are the case's figures right.
    parts = [
        f'<div class="{BRIEFING_CLASS}">',
        "",
        # The data's end is in the group's answer just below; a book for another trust or group says so first.
        *([f"**In brief.** {note}", ""] if note else []),
        f"```{{rubric}} Is the group ({group.name}) working?\n:heading-level: 2\n```",
        "",
        group_answer(study),
        "",
        f"```{{rubric}} Did {trust_name} meet the response-time standards?\n:heading-level: 2\n```",
        "",
        " ".join(p for p in c2 if p),
        "",
        standards_table(standards, years),
        "",
        "Yearly 9-in-10 figures are approximate.",
        "",
        "```{rubric} The case's claims, and what the data say\n:heading-level: 2\n```",
        "",
        f"{tally_sentence(results, ids)}{combined} **Supported** means the claimed figure is right, not that a "
        "standard was met or that the group is working.",
        "",
        *claim_items(results, ids),
        "",
        "</div>",
    ]
    return "\n".join(parts)


__all__ = [
    "BRIEFING_CLASS",
    "MEANING",
    "briefing",
    "c2_sentences",
    "claim_item",
    "claim_items",
    "group_answer",
    "meaning",
    "response_times_item",
    "tally_sentence",
    "met_count_sentence",
    "scope_note",
    "short_trust_name",
    "standards_table",
]
