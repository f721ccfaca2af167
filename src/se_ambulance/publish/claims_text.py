"""The words for each claim's result: verdict, evidence and the values pages glue.

Every page that mentions a claim (its chapter, the claims page, the introduction) takes its text from
`claim_values`, which formats one `ClaimResult`; a consistency test reads the glued values of every
page of a built book and checks that each claim's values agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from se_ambulance.claims.evaluate import ClaimResult
from se_ambulance.claims.register import FUNCTION_PREFIX, Claim, claim, load_register
from se_ambulance.claims.rule import BORDERLINE, NOT_SUPPORTED, NOT_TESTED, PARTLY, SUPPORTED, UNTESTABLE, VERDICTS
from se_ambulance.publish.format import (
    count_label,
    fy_label,
    mmss,
    month_label,
    odds,
    ordinal,
    percent,
    percent_range,
    pounds_m,
    seconds_difference,
    signed,
)
from se_ambulance.reference.areas import REGION_NAMES, SOUTH_EAST_REGION
from se_ambulance.reference.orgs import CASE_GROUP, PROVIDER_NOTES, PROVIDERS, Group, names


def group_scope_note(group: Group, what: str = "The case's claims on this page concern") -> str:
    """The sentence a page glues next to a claim's verdict when the book's group is not the case's: the claim
    is judged on its own scope (SCAS + SECAmb), not on the group the page's own figures follow. Empty for the
    case's group (the default), so the canonical book reads as before."""
    if group.is_case:
        return ""
    return (
        f"This book is built for {group.name} ({names(group.members)}), and this page's own figures follow "
        f"it. {what} {CASE_GROUP.name} ({names(CASE_GROUP.members)}): each verdict here is judged on that "
        "scope, as on the claims page, whatever group the book is built for."
    )


def book_group_note(group: Group) -> str:
    """The sentence the introduction and the claims page glue when the book is built for a group other than the
    case's: the chapters follow that group, the claims keep their own scopes. Empty for the case's group."""
    if group.is_case:
        return ""
    return (
        f"This book is built for {group.name} ({names(group.members)}): the chapters' own figures follow that "
        f"group. Each claim is still judged on its own scope, the case's on {CASE_GROUP.name} "
        f"({names(CASE_GROUP.members)}), whatever group the book is built for."
    )


RULE = (
    "**The reading that decides.** Each claim is judged on the reading its audience would take from its words, "
    "and the register says why for each (below each claim): for an NHS efficiency figure, for example, a recurring "
    "yearly saving unless the words say otherwise, because that is how trusts' savings plans and merger business "
    "cases state savings. Every other plausible reading (a total over several years, another definition of the "
    "area, another base year) is judged by the same rule and shown with its own verdict; where one disagrees, the "
    "claim's first sentence says so. A claim is judged on its own scope; sub-areas and other years are context.\n\n"
    "**What the verdicts mean.** **Supported**: the claimed figure is accurate on that reading (the book's central "
    'estimate meets it). It does not mean a standard was met or a plan is good: "above the 7-minute target" is '
    "supported because the target is 7 minutes. **Partly supported**: the claimed figure is possible but not the "
    "most likely: it lies inside the estimate's stated range (a 90% interval for forecasts and the Monte Carlo "
    "appraisal) but the central estimate does not reach it. **Not supported**: the claimed figure lies outside "
    "that range. **Borderline**: the claimed figure lies within the Monte Carlo error of the centile that decides "
    "between two of those verdicts, so another random seed could give either; the claim names both. A claim of a "
    'difference ("can vary significantly") is supported when the 95% confidence interval of the difference '
    "excludes zero; not supported means the data do not show a difference, not that there is none. **Not tested "
    "here**: the book's measure does not match the claim's definition (calls received for calls responded to, "
    "full-time equivalents for a headcount; such a measure can still refute a claim beyond it), or public data "
    "exist that the book does not hold. **Cannot be tested with public data**: none exist.\n\n"
    "**Rounding.** A figure read from published data is reproduced when it is within the rounding of the claimed "
    "figure, given for each claim below: {tolerances}."
)


def rule_text() -> str:
    """The rule as the claims page states it, with each `about` claim's tolerance from the register."""
    parts = [
        f"{_tolerance_words(c)} for “{c.quote}”"
        for c in load_register().values()
        if c.computed and c.wording == "about" and c.tolerance
    ]
    return RULE.format(tolerances="; ".join(parts))


def _tolerance_words(c: Claim) -> str:
    """A claim's rounding tolerance in its own unit: '2 seconds', '50,000 people'."""
    t = c.tolerance or 0
    unit = {"seconds": "second", "people": "people", "calls": "calls"}.get(c.unit or "", c.unit or "")
    if unit == "second":
        return f"{t:g} second{'s' if t != 1 else ''}"
    return f"{t:,.0f} {unit}".strip()


# What each verdict means, in one phrase (claims of a figure; `differs` claims have their own).
MEANING = {
    SUPPORTED: "the claimed figure is accurate on this reading",
    PARTLY: "the claimed figure is possible but not the most likely: it lies inside the estimate's range, beyond "
    "its central value",
    NOT_SUPPORTED: "the claimed figure lies outside the estimate's range",
    NOT_TESTED: "the book's measure does not match the claim's definition, or the book does not hold the data that "
    "would test it",
    UNTESTABLE: "no public data could test it",
}
MEANING_DIFFERS = {
    SUPPORTED: "the data show a difference larger than chance (the 95% interval of the difference excludes zero)",
    NOT_SUPPORTED: "the data do not show a difference (the 95% interval of the difference includes "
    "zero), which is not evidence that there is none",
}


def verdict_meaning(verdict: str, wording: str | None = None, between: tuple[str, str] | None = None) -> str:
    """What a verdict means, in words: 'partly supported: the claimed figure is possible but ...'."""
    if verdict == BORDERLINE:
        a, b = between or ("", "")
        return (
            f"{verdict}: the claimed figure lies within the Monte Carlo error of the centile that separates "
            f"{a} from {b}, so another random seed could give either"
        )
    words = MEANING_DIFFERS.get(verdict) if wording == "differs" else None
    return f"{verdict}: {words or MEANING[verdict]}"


# --- the words for each claim function (keyed by the function's name in claims.evaluate) -------------------------

TEXTS: dict[str, Callable[[ClaimResult, Claim], dict[str, str]]] = {}
# Each function's readings in words, for the sentences that name the reading that decides and the others.
READINGS: dict[str, dict[str, str]] = {}


def text_for(function: str, readings: Mapping[str, str]):
    """Register the words for one claim function (and its readings' names)."""

    def register(fn):
        TEXTS[function] = fn
        READINGS[function] = dict(readings)
        return fn

    return register


def _name(c: Claim) -> str:
    return (c.function or "").removeprefix(FUNCTION_PREFIX)


def reading_words(r: ClaimResult, reading: str | None = None) -> str:
    return READINGS[_name(claim(r.id))][reading or r.reading]


def _verdict_on(r: ClaimResult, reading: str) -> str:
    v = r.verdicts[reading]
    if v == BORDERLINE:
        a, b = r.between[reading]
        return f"borderline between {a} and {b}"
    return v


def summary(r: ClaimResult) -> str:
    """The claim's verdict in one sentence, on the reading that decides, and every other reading whose verdict
    differs: 'Borderline between partly supported and not supported as a yearly saving; supported as a present
    value over ten years.'"""
    c = claim(r.id)
    if not c.computed:
        return f"{r.verdict.capitalize()}."
    first = f"{_verdict_on(r, r.reading).capitalize()} {reading_words(r)}"
    others = [f"{_verdict_on(r, k)} {reading_words(r, k)}" for k in r.disagreeing]
    if not others:
        return first + "."
    return first + "; but " + "; ".join(others) + "."


def disagreeing_words(r: ClaimResult) -> str:
    """The other readings whose verdict differs from the deciding one, in words ('' when none): 'supported as a
    present value over ten years'. The front page says them after the verdict, so a reader sees where they differ."""
    return "; ".join(f"{_verdict_on(r, k)} {reading_words(r, k)}" for k in r.disagreeing)


def other_readings(r: ClaimResult) -> str:
    """The other readings' verdicts in a sentence ('' when the claim has one reading)."""
    others = [k for k in r.verdicts if k != r.reading]
    if not others:
        return ""
    agree = [k for k in others if k not in r.disagreeing]
    parts = []
    if agree:
        parts.append(f"the same verdict {_join(reading_words(r, k) for k in agree)}")
    parts += [f"{_verdict_on(r, k)} {reading_words(r, k)}" for k in r.disagreeing]
    return "Other readings: " + "; ".join(parts) + "."


def _join(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@text_for(
    "response_time",
    {
        "group": "for SCAS and SECAmb pooled",
        "region": "for the NHS South East region (SCAS, SECAmb and the Isle of Wight)",
    },
)
def _response(r: ClaimResult, c: Claim) -> dict[str, str]:
    f = r.figures
    year = fy_label(int(f["claim_year"]))
    words = READINGS["response_time"]
    closest = min(r.readings, key=lambda k: abs(r.readings[k].central - c.value))

    def one(k):
        v = r.readings[k].central
        return f"{words[k].removeprefix('for ')} gives {mmss(v)} ({seconds_difference(v - c.value, c.tolerance)})"

    other = next(k for k in r.readings if k != r.reading)
    return {
        "measured": mmss(r.readings[r.reading].central),
        "closest": words[closest].removeprefix("for "),
        "closest_measured": mmss(r.readings[closest].central),
        "year": year,
        "tolerance": _tolerance_words(c),
        "evidence": (
            f"For {year}, {one(r.reading)} against the claimed {mmss(c.value)}; {one(other)}. A figure "
            f"within {_tolerance_words(c)} of the claim reproduces it: AmbSYS publishes totals in whole "
            "seconds and revises recent months. SECAmb alone was "
            f"{mmss(f['secamb'])}, SCAS alone {mmss(f['scas'])}, England {mmss(f['england'])}. The "
            "case does not say which definition it used."
        ),
    }


@text_for("response_standard", {"standard": "against the national ARP standard"})
def _standard(r: ClaimResult, c: Claim) -> dict[str, str]:
    s = r.readings["standard"].central
    return {
        "measured": mmss(s),
        "evidence": (
            f"The ARP standard for this mean is {int(s // 60)} minutes, as the case says. The verdict is on "
            "the figure quoted, not on whether the standard is met (the claim above tests the mean)."
        ),
    }


@text_for(
    "over_85_rise",
    {
        "from_2025": "for the rise from mid-2025, when the case was written",
        "from_2022": "for the rise from mid-2022, the projections' base year",
    },
)
def _over_85(r: ClaimResult, c: Claim) -> dict[str, str]:
    f = r.figures
    e25, e22 = r.readings["from_2025"].central, r.readings["from_2022"].central
    return {
        "from_2025": percent(e25),
        "from_2022": percent(e22),
        "evidence": (
            f"ONS 2022-based projections for the South East region (the group's footprint is the same "
            f"counties): the population aged 85+ rises {percent(e25)} from mid-2025 to mid-2034, and "
            f"{percent(e22)} from the projections' base, mid-2022 (the case does not say which base or "
            f"projections it used), against the claimed more than {percent(c.value / 100, 0)}. Within the "
            f"region, SCAS's area rises {percent(f['RYE_from_2022'])} from mid-2022 and SECAmb's "
            f"{percent(f['RYD_from_2022'])}: a sub-area is context, not the claim's scope. SCAS's area "
            "here includes the Isle of Wight, which ONS's Hampshire sub-ICB area contains although the "
            "island has its own ambulance trust."
        ),
    }


AGES_WORDS = {"aged_65_plus": "aged 65 and over", "aged_85_plus": "aged 85 and over"}


def _points_gap(share: float) -> str:
    """A gap between two growths in percentage points: two decimals below a tenth of a point, else one."""
    points = 100 * share
    return f"{points:.{2 if points < 0.1 else 1}f} percentage points"


def _region_growth(f: Mapping[str, float], key: str, rank: int) -> tuple[str, float]:
    """The region ranked `rank` for one reading of "older", and its growth."""
    code = next(c for c in REGION_NAMES if f.get(f"{key}.rank.{c}") == rank)
    return code, f[f"{key}.growth.{code}"]


def _region_place(f: Mapping[str, float], key: str, top: int) -> dict[str, str]:
    """The South East's place among the regions for one reading of "older": its growth, its rank ('4th of 9'), the
    regions ahead of it with theirs, and its margin over the boundary of the `top` fastest (in percentage points
    of growth). Growths are shown to two decimals where one would not tell the South East from a neighbour."""
    n = int(f[f"{key}.regions"])
    rank = int(f[f"{key}.rank.{SOUTH_EAST_REGION}"])
    own = f[f"{key}.growth.{SOUTH_EAST_REGION}"]
    neighbours = [_region_growth(f, key, k)[1] for k in (rank - 1, rank + 1) if 1 <= k <= n]
    digits = 2 if any(percent(g) == percent(own) for g in neighbours) else 1
    named = [
        f"{REGION_NAMES[code]} ({percent(g, digits)})"
        for code, g in (_region_growth(f, key, k) for k in range(1, rank))
    ]
    if rank <= top < n:  # in: its lead over the first region outside
        code, g = _region_growth(f, key, top + 1)
        margin = f"{_points_gap(own - g)} ahead of {ordinal(top + 1)} place, {REGION_NAMES[code]}"
    elif rank > top:  # out: its gap to the last region inside
        margin = f"{_points_gap(_region_growth(f, key, top)[1] - own)} short of {ordinal(top)} place"
    else:
        margin = ""
    return {
        "growth": percent(own, digits),
        "rank": f"{ordinal(rank)} of {n}",
        "ahead": f", behind {_join(named)}" if named else ", the fastest of all",
        "margin": margin,
    }


@text_for(
    "older_population_growth",
    {"aged_65_plus": "for people aged 65 and over", "aged_85_plus": "for people aged 85 and over"},
)
def _older(r: ClaimResult, c: Claim) -> dict[str, str]:
    f = r.figures
    n = int(f["aged_65_plus.regions"])
    if c.value is None:
        raise ValueError(f"claim {c.id}: give the number of other regions it must outgrow (value)")
    top = n - int(c.value)  # "one of the fastest": outgrowing at least `value` of the other regions
    place = {k: _region_place(f, k, top) for k in AGES_WORDS}

    def grows(k, whose="Its"):
        p = place[k]
        return f"{whose} population {AGES_WORDS[k]} grows {p['growth']}, {p['rank']}{p['ahead']}" + (
            f": {p['margin']}." if p["margin"] else "."
        )

    ranks_by_number = {int(f[f"{k}.increase_rank"]) for k in AGES_WORDS}
    numbers = (
        f"{count_label(f['aged_65_plus.increase'])} people aged 65 and over and "
        f"{count_label(f['aged_85_plus.increase'])} aged 85 and over"
    )
    if ranks_by_number == {1}:
        numbers += ": the largest rise of any region at both ages"
    else:
        numbers += (
            f": the {ordinal(int(f['aged_65_plus.increase_rank']))} largest rise of the regions at 65 and "
            f"over and the {ordinal(int(f['aged_85_plus.increase_rank']))} largest at 85 and over"
        )

    def ranks(name):
        return " and ".join(f"{ordinal(int(f[f'{k}.rank_{name}']))} {AGES_WORDS[k]}" for k in AGES_WORDS)

    first = grows("aged_65_plus", "The South East's")
    return {
        "growth_65": place["aged_65_plus"]["growth"],
        "rank_65": place["aged_65_plus"]["rank"],
        "growth_85": place["aged_85_plus"]["growth"],
        "rank_85": place["aged_85_plus"]["rank"],
        "fastest": f"among the {top} fastest of England's {n} regions",
        "evidence": (
            f"The book ranks England's {n} regions by the growth ONS projects (2022-based) from mid-2025, "
            f'when the case was written, to mid-2034, the year its next sentence names. It reads "one '
            f'of the fastest" as among the {top} fastest. {first} '
            f"{grows('aged_85_plus')} In numbers, the South East gains {numbers}. Ranked by growth to "
            f"mid-2035 it is {ranks('to_decade')}; from mid-2022, the projections' base, "
            f"{ranks('from_base')}."
        ),
    }


@text_for(
    "london_boroughs",
    {
        "in_las_footprint": "counting the London boroughs in London Ambulance Service's area",
        "london_boroughs": "counting London's boroughs",
    },
)
def _boroughs(r: ClaimResult, c: Claim) -> dict[str, str]:
    f = r.figures
    n, covered = r.readings["london_boroughs"].central, r.readings["in_las_footprint"].central
    city = "and the City of London" if f["city_covered"] else "but not the City of London"
    share = "all" if covered == n else "most of the area of"
    outside = (
        "no district outside London"
        if not f["outside_london"]
        else f"{int(f['outside_london'])} districts outside London"
    )
    return {
        "measured": f"{covered:.0f}",
        "evidence": (
            f"ONS's district boundaries (May 2024) hold {n:.0f} London boroughs, besides the City of "
            f"London, which is not a borough. London's boroughs have not changed since 1965, so this "
            f"holds for 2018, when the release was written. NHS England's map of London Ambulance "
            f"Service's area covers {share} {covered:.0f} of them (at least "
            f"{percent(f['smallest_share'], 0)} of each one's area) {city}. It covers {outside}."
        ),
    }


@text_for(
    "ambulance_trusts",
    {
        "ambulance_trusts": "counting ambulance service trusts",
        "all_providers": "counting every provider of emergency ambulance services, the Isle of Wight's included",
    },
)
def _ambulance_trusts(r: ClaimResult, c: Claim) -> dict[str, str]:
    f = r.figures
    trusts, everyone = r.readings["ambulance_trusts"].central, r.readings["all_providers"].central
    others = [k.removeprefix("not_ambulance_trust.") for k in f if k.startswith("not_ambulance_trust.")]
    other_words = _join([PROVIDER_NOTES.get(o, PROVIDERS.get(o, o)) for o in others]) if others else ""
    secamb = "SECAmb among them" if f["secamb_counted"] else "SECAmb not among them"
    rest = f" The {'other is' if len(others) == 1 else 'others are'} {other_words}." if others else ""
    return {
        "measured": f"{trusts:.0f}",
        "providers": f"{everyone:.0f}",
        "evidence": (
            f"AmbSYS, NHS England's monthly ambulance statistics, lists {everyone:.0f} providers of "
            f"emergency ambulance services in England in {month_label(r.data_end)}. {trusts:.0f} of them "
            f"are ambulance service trusts, as their names say, {secamb}.{rest}"
        ),
    }


@text_for("demand_decade", {"blended": "on the blended forecast for the group's footprint, 2025/26 to 2035/36"})
def _demand(r: ClaimResult, c: Claim) -> dict[str, str]:
    f, e = r.figures, r.readings["blended"]
    return {
        "growth": percent(e.central),
        "range": percent_range(e.low, e.high),
        "demography": percent(f["Demography only_central"]),
        "trend": percent(f["Trend only_central"]),
        "evidence": (
            f"The group's footprint, 2025/26 to 2035/36: demography alone {percent(f['Demography only_central'])} "
            f"(range {percent(f['Demography only_low'])} to {percent(f['Demography only_high'])}), the "
            f"incident trend {percent(f['Trend only_central'])} (90% interval {percent(f['Trend only_low'])} "
            f"to {percent(f['Trend only_high'])}); blended, {percent(e.central)}, range {percent(e.low)} to "
            f"{percent(e.high)}. Over {percent(c.value / 100, 0)} lies {'inside' if e.low <= c.value / 100 <= e.high else 'outside'} "
            "that range."
        ),
    }


def attempts_share(figures: Mapping[str, float]) -> str:
    """SCAS's resuscitation attempts as a share of SECAmb's over the years the outcomes claim pools (the
    denominators of survival after all arrests): the one wording of that figure, on the claims page and in ch. 3."""
    return percent(figures["all_n_b"] / figures["all_n_a"], 0)


def _points(v: float) -> str:
    return signed(100 * v, 1, "points")


def _years(f: Mapping[str, float], key: str) -> str:
    a, b = int(f[f"{key}_first_year"]), int(f[f"{key}_last_year"])
    return fy_label(b) if a == b else f"{fy_label(a)} to {fy_label(b)}"


def _years_before(month: str) -> str:
    """How long before the case (2025, `claims.evaluate.CASE_YEAR`) a month is: 'five years before the claim'."""
    from se_ambulance.claims.evaluate import CASE_YEAR

    n = CASE_YEAR - int(month[:4])
    words = {1: "a year", 2: "two years", 3: "three years", 4: "four years", 5: "five years", 6: "six years"}
    return f"{words.get(n, f'{n} years')} before the claim" if n > 0 else "in the year of the claim"


@text_for(
    "outcomes_vary",
    {
        "latest_year": "on survival (Utstein group) in the latest complete year the data hold",
        "pooled_years": "on survival (Utstein group) over the latest three years pooled",
        "rosc_latest_year": "on return of circulation at hospital (Utstein group) in the latest year",
        "rosc_pooled_years": "on return of circulation (Utstein group) over three years pooled",
    },
)
def _outcomes(r: ClaimResult, c: Claim) -> dict[str, str]:
    f = r.figures

    def diff(k):
        e = r.readings[k]
        return f"{_points(e.central)} (95% interval {_points(e.low)} to {_points(e.high)})"

    def shows(k):
        return "a difference" if r.verdicts[k] == SUPPORTED else "no difference the data can show"

    e, p = r.readings["latest_year"], r.readings["pooled_years"]
    if r.data_end is None:
        raise ValueError(f"claim {r.id}: the outcomes result carries no data_end to say the data's end")
    end = month_label(r.data_end)
    return {
        "difference": _points(e.central),
        "interval": f"{_points(e.low)} to {_points(e.high)}",
        "years": _years(f, "latest_year"),
        "pooled_difference": _points(p.central),
        "pooled_interval": f"{_points(p.low)} to {_points(p.high)}",
        "pooled_years": _years(f, "pooled_years"),
        "data_end": end,
        "evidence": (
            f"The public series (AmbCO) ends in {end}, {_years_before(r.data_end)}. In "
            f"{_years(f, 'latest_year')}, its latest complete year, SECAmb's survival to discharge in the "
            f"Utstein comparator group (the like-for-like measure) was {percent(f['latest_year_rate_a'])} "
            f"and SCAS's {percent(f['latest_year_rate_b'])}: a difference of {diff('latest_year')}, "
            f"{shows('latest_year')}. Pooled over {_years(f, 'pooled_years')}: {diff('pooled_years')}, "
            f"{shows('pooled_years')}. Return of circulation at hospital in the same group: "
            f"{diff('rosc_latest_year')} in {_years(f, 'rosc_latest_year')}, {shows('rosc_latest_year')}; "
            f"{diff('rosc_pooled_years')} pooled, {shows('rosc_pooled_years')}. Year by year the two "
            f"trusts' separate survival intervals do not overlap in {int(f['survival_utstein_years_apart'])} "
            f"of {int(f['survival_utstein_years'])} years. Survival after all arrests, pooled over "
            f"{_years(f, 'all')} ({percent(f['all_rate_a'])} at SECAmb against {percent(f['all_rate_b'])} "
            f"at SCAS), is context only: over those years SCAS counted {attempts_share(f)} as many "
            "resuscitation attempts as SECAmb, and the data cannot say how much of that is recording and "
            "how much is practice."
        ),
    }


@text_for(
    "secamb_population",
    {
        "trust_footprint_2018": "against NHS England's footprint of the trust in 2018",
        "mid_2019_estimate": "against its counties at mid-2019 (ONS estimate)",
        "mid_2022_projection_base": "against its counties at mid-2022 (ONS projections' base)",
    },
)
def _secamb_population(r: ClaimResult, c: Claim) -> dict[str, str]:
    a, b, fp = (
        r.readings[k].central for k in ("mid_2019_estimate", "mid_2022_projection_base", "trust_footprint_2018")
    )
    m = r.readings[r.reading].central
    return {
        "measured": f"{m / 1e6:.2f} million",
        "evidence": (
            f"NHS England's footprint of SECAmb held {fp / 1e6:.2f} million residents in 2018 (ONS "
            f"estimates by CCG); its counties (Kent, Medway, Surrey, East and West Sussex, Brighton and "
            f"Hove) {a / 1e6:.2f} million at mid-2019 and {b / 1e6:.2f} million at mid-2022. The claimed "
            f"{c.value / 1e6:.2f} million is {signed(100 * (c.value / m - 1), 1)}% {READINGS['secamb_population'][r.reading]}, "
            f"beyond the claim's rounding ({_tolerance_words(c)})."
        ),
    }


@text_for(
    "las_scas_population",
    {
        "trust_footprints_2018": "against residents of the two trusts' footprints in 2018",
        "trust_footprints_mid_2022": "against residents of the same footprints at mid-2022",
    },
)
def _las_scas(r: ClaimResult, c: Claim) -> dict[str, str]:
    a, b = r.readings["trust_footprints_2018"].central, r.readings["trust_footprints_mid_2022"].central
    f = r.figures
    return {
        "measured": f"{r.readings[r.reading].central / 1e6:.1f} million",
        "evidence": (
            f'The same release counts "the 16 million people who live and work across London and the '
            f"South Central region\". The book holds residents only: the two trusts' footprints held "
            f"London {f['RRU_2018'] / 1e6:.1f} million and South Central {f['RYE_2018'] / 1e6:.1f} million "
            f"residents in 2018 (NHS England's CCG-based footprints, ONS estimates), {a / 1e6:.1f} million "
            f"together, and {b / 1e6:.1f} million at mid-2022. Residents are a lower bound on the people who "
            f"live or work there, and 16 million is above it, so the figure is not tested here: it would "
            f"need about {(c.figure - a) / 1e6:.1f} million people who work there but live elsewhere, whom "
            "no table the book holds counts."
        ),
    }


@text_for(
    "benefit",
    {
        "a_year": "as a yearly amount once the plan is in place",
        "pv_total": "as a present-value total over the appraisal",
    },
)
def _benefit(r: ClaimResult, c: Claim) -> dict[str, str]:
    from se_ambulance.publish.appraisal_text import best_evidenced_words, rests_on_words

    f = r.figures
    ya, pv = r.readings["a_year"], r.readings["pv_total"]
    cash = _name_arg(c) == "cash"
    what = "Cash savings net of running the group" if cash else "Non-cash ('equivalent') benefits"
    pv_words = "present value over the appraisal, net of all costs" if cash else "present value over the appraisal"
    reading = {"a_year": "a yearly amount", "pv_total": "a present-value total"}[r.reading]
    rests = rests_on_words(r)
    return {
        "a_year": f"{pounds_m(ya.central)} ({pounds_m(ya.low)} to {pounds_m(ya.high)})",
        "pv_total": f"{pounds_m(pv.central)} ({pounds_m(pv.low)} to {pounds_m(pv.high)})",
        "p_a_year": odds(f["p_a_year"]),
        "p_in_total": odds(f["p_in_total"]),
        "reading": reading,
        "rests_on": rests,
        "best_evidenced": best_evidenced_words(r),
        "evidence": (
            f"{what}: {pounds_m(ya.central)} a year by year {int(f['years'])} (median; 90% interval "
            f"{pounds_m(ya.low)} to {pounds_m(ya.high)}); {pv_words}: {pounds_m(pv.central)} "
            f"({pounds_m(pv.low)} to {pounds_m(pv.high)}). On the assumed ranges the chance of reaching "
            f"the claim is {odds(f['p_a_year'])} as a yearly amount and "
            f"{odds(f['p_in_total'])} as a total. {rests}"
            + ("" if cash else " These are 'equivalent' values, not cash.")
        ),
    }


def _name_arg(c: Claim) -> str:
    return c.arguments.get("kind", "")


@text_for(
    "calls_2005_06", {"received_2005_06": "against calls received in 2005-06, an upper bound on calls responded to"}
)
def _calls(r: ClaimResult, c: Claim) -> dict[str, str]:
    v, before = r.readings["received_2005_06"].central, r.figures["received_2004_05"]
    return {
        "measured": f"{v:,.0f}",
        "evidence": (
            f"The published series counts calls received: South East Coast's predecessor trusts received "
            f"{v:,.0f} emergency calls in 2005-06 and {before:,.0f} in 2004-05 (NHS Information Centre, "
            "quoted in a parliamentary answer). Calls responded to can be no more than calls received, so "
            f"the claimed {c.value:,.0f} is consistent with the series but cannot be checked against it; "
            "it is close to the year before's calls received."
        ),
    }


@text_for(
    "staff_secamb",
    {
        "fte_2017_09": "against full-time equivalents in September 2017",
        "fte_2018_06": "against full-time equivalents in June 2018",
    },
)
def _staff(r: ClaimResult, c: Claim) -> dict[str, str]:
    a, b = r.readings["fte_2017_09"].central, r.readings["fte_2018_06"].central
    return {
        "measured": f"{b:,.0f}",
        "evidence": (
            f"SECAmb employed {a:,.0f} full-time equivalent staff in September 2017 and {b:,.0f} in June "
            f"2018 (NHS Digital), {r.figures['ambulance_staff_2018_06']:,.0f} of them ambulance staff. The "
            f"article's {c.value:,.0f} is undated and counts people; a headcount is at least the full-time "
            "equivalents, so the figure is consistent with them but cannot be checked: no trust headcount "
            "is among the book's files."
        ),
    }


def claim_text(r: ClaimResult) -> dict[str, str]:
    """Verdict, its meaning, the sentence that leads with it, evidence and the claim's other text values (keys
    without the claim prefix)."""
    c = claim(r.id)
    if not c.computed:
        return {
            "verdict": r.verdict,
            "meaning": verdict_meaning(r.verdict),
            "summary": summary(r),
            "evidence": c.evidence or "",
        }
    body = TEXTS[_name(c)](r, c)
    out = {
        "verdict": r.verdict,
        "reading_words": reading_words(r),
        "reading_why": c.reading_why or "",
        "meaning": verdict_meaning(r.verdict, c.wording, r.between.get(r.reading)),
        "summary": summary(r),
        "other_readings": other_readings(r),
    }
    if r.data_end:
        out["data_end"] = month_label(r.data_end)
    return out | body


def claim_values(results: Mapping[str, ClaimResult], ids=None) -> dict[str, str]:
    """Glue values for claims: 'claim.<id>.<key>' -> text. Every page uses these keys, so a test can
    compare what each page shows."""
    out = {}
    for cid in ids or results:
        for k, v in claim_text(results[cid]).items():
            out[f"claim.{cid}.{k}"] = v
    return out


def register_frame(results: Mapping[str, ClaimResult]):
    """The claims page's table: one row per claim with its quote, verdict, evidence and where it is tested."""
    import pandas as pd

    rows = []
    for cid, c in load_register().items():
        t = claim_text(results[cid])
        evidence = " ".join(
            x
            for x in (
                t["summary"],
                t["evidence"],
                t.get("other_readings", ""),
                f"Why this reading: {t['reading_why']}" if t.get("reading_why") else "",
            )
            if x
        )
        rows.append(
            {
                "id": cid,
                "seed": c.seed,
                "quote": c.quote,
                "verdict": t["verdict"],
                "evidence": evidence,
                "chapter": c.chapter,
                "section": c.section,
                "function": c.function,
            }
        )
    return pd.DataFrame(rows)


def verdict_counts(results: Mapping[str, ClaimResult]) -> dict[str, str]:
    """How many claims have each verdict, as glue values 'claims.n_<verdict>' and 'claims.n'."""
    out = {"claims.n": str(len(results))}
    for v in VERDICTS:
        out[f"claims.n_{v.replace(' ', '_')}"] = str(sum(r.verdict == v for r in results.values()))
    return out


def headline(results: Mapping[str, ClaimResult], ids) -> str:
    """Markdown bullets: each claim quoted, its verdict on the reading that decides (and any reading that
    disagrees), and its evidence."""
    lines = []
    for cid in ids:
        t = claim_text(results[cid])
        lines.append(f"- “{claim(cid).quote}” **{t['summary']}** {t['evidence']}")
    return "\n".join(lines)


def _check_every_function_has_words() -> None:
    """At import: the words for every claim function, and none for a function that does not exist; and the register
    read (which checks that every computed claim names a claim function with its arguments)."""
    from se_ambulance.claims.evaluate import FUNCTIONS

    missing, extra = sorted(set(FUNCTIONS) - set(TEXTS)), sorted(set(TEXTS) - set(FUNCTIONS))
    if missing or extra:
        raise ImportError(
            f"publish.claims_text: claim functions without words: {missing}; words for no function: "
            f"{extra}. Add @text_for(<function name>, <its readings>) for each claim function."
        )
    load_register()


_check_every_function_has_words()


# --- what a new AmbSYS release moved ---------------------------------------------------------------------------


def release_values(moves) -> dict[str, str]:
    """Text values for the claims page's 'what a new release moved' section (keys 'claims.release.*'), from
    `claims.vintage.register_moves`."""
    from se_ambulance.publish.format import release_start

    out = release_start(
        "claims.release",
        "release",
        moves.current,
        moves.previous,
        moves.unavailable,
        "every verdict on this page that the new data moved",
    )
    if "claims.release.summary" in out:  # nothing to compare
        return out
    n = len(moves.moved)
    out["claims.release.summary"] = (
        f"Recomputed on the previous release ({moves.previous.vintage}) with today's code, register and parameters, "
        f"{n} of the register's verdicts differ" + (": they moved because of the new data." if n else ".")
    )
    return out


def moved_claims_table(moves):
    """The claims whose verdict the current release moved: where each is tested, its words and both verdicts."""
    import pandas as pd

    from se_ambulance.publish.pages import page_title

    register = load_register()
    rows = [
        {
            "claim": register[cid].quote,
            "tested in": page_title(register[cid].chapter) if register[cid].chapter else "this page",
            "previous release": old,
            "this release": new,
        }
        for cid, old, new in moves.moved
    ]
    return pd.DataFrame(rows, columns=["claim", "tested in", "previous release", "this release"])
