"""Formatting of numbers, times and periods, so every page writes them the same way.

One home for each style: response times (`mmss`: minutes:seconds under an hour, hours and minutes from an hour),
signed numbers with a true minus sign (`signed`, `number`), ranges written with "to" (`span`), percentages
(`percent`, `percent_range`, `input_percent`), differences in seconds (`seconds_difference`), money
(`millions`, `pounds_m`) and dates."""

from __future__ import annotations

import math

import pandas as pd


MINUS = "\u2212"  # a true minus sign: a hyphen-minus reads as a dash, and screen readers skip it


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def hours_minutes(seconds: float) -> str:
    """Seconds as hours and whole minutes, rounded to the nearest minute: 18397 -> '5 h 07 min', 7200 -> '2 h 00 min'.
    The style for times of an hour or more (Category 3 and 4 responses), where seconds would be false precision."""
    if _missing(seconds):
        return "–"
    h, m = divmod(int(round(seconds / 60)), 60)
    return f"{h} h {m:02d} min"


def mmss(seconds: float) -> str:
    """A response time as the book writes it: under an hour, minutes:seconds rounded to the nearest second
    (1730 -> '28:50'); from an hour, hours and minutes (18397 -> '5 h 07 min'), as the front page's 'How to read
    it' says (a test holds its examples to this function)."""
    if _missing(seconds):
        return "–"
    s = int(round(seconds))
    if s >= 3600:
        return hours_minutes(s)
    m, sec = divmod(s, 60)
    return f"{m}:{sec:02d}"


def number(value: float, digits: int = 1, unit: str = "") -> str:
    """A number with a true minus sign when negative and no sign otherwise: -3.14 -> '−3.1'; with `unit`
    appended after a space ('−3.1 points'). Zero shown as zero is never negative ('0.0', not '−0.0')."""
    text = f"{abs(value):,.{digits}f}"
    negative = value < 0 and float(text.replace(",", "")) != 0
    return (MINUS if negative else "") + text + (f" {unit}" if unit else "")


def signed(value: float, digits: int = 1, unit: str = "") -> str:
    """A difference with its sign always shown, a true minus or a plus: 0.4 -> '+0.4', -13.8 -> '−13.8'; what
    rounds to zero is '0.0' with no sign."""
    text = number(value, digits, unit)
    return text if text.startswith(MINUS) or float(f"{abs(value):.{digits}f}") == 0 else "+" + text


def span(low: str, high: str) -> str:
    """A range as the pages write it, from two formatted ends: 'low to high' (never a dash, which beside a minus
    sign reads as one: '−5.0 to 57.5', not '-5.0–57.5')."""
    return f"{low} to {high}"


def seconds_difference(diff: float, tolerance: float | None = None) -> str:
    """A difference in seconds, in whole seconds as AmbSYS publishes them: -1.2 -> '−1 s', 0.4 -> '0 s'. With a
    `tolerance` (a rule 'within t seconds'), a difference whose whole seconds would put it on the other side of
    the rule keeps one decimal: -2.4 with tolerance 2 is '−2.4 s', not '−2 s', which would read as within."""
    whole = round(diff)
    if tolerance is not None and (abs(whole) <= tolerance) != (abs(diff) <= tolerance):
        return signed(diff, 1, "s")
    return signed(whole, 0, "s")


def fy_label(start_year: int) -> str:
    """2024 -> '2024/25' (financial year April to March)."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def day_label(day: str) -> str:
    """'2026-11-22' -> '22 November 2026' (the book's one date style: day, month in full, year)."""
    t = pd.Timestamp(day)
    return f"{t.day} {t:%B %Y}"


def recorded_day(day) -> str:
    """A date recorded in the manifest, in the book's style, or what was recorded if it is not a date."""
    if not day:
        return "date not recorded"
    try:
        return day_label(str(day))
    except ValueError:
        return str(day)


def release_label(v, replaced: bool = False) -> str:
    """A data release as the pages name it: its vintage, file and the day it was adopted (and replaced)."""
    label = f"{v.vintage} (file {v.file}, adopted {recorded_day(v.adopted)}"
    return label + (f", replaced {recorded_day(v.replaced)})" if replaced else ")")


def release_start(prefix: str, word: str, current, previous, unavailable: str | None, lists: str) -> dict[str, str]:
    """The values a 'what the new data changed' section starts with (`<prefix>.current`, `<prefix>.previous`) and,
    when there is nothing to compare, its `<prefix>.summary` saying why; `word` is the page's name for a release
    ('vintage', 'release'), `lists` what the section will list once there is an earlier one."""
    out = {f"{prefix}.current": release_label(current)}
    if previous is None:
        out[f"{prefix}.summary"] = (
            f"The manifest records no earlier AmbSYS {word}: this is the first the book has pinned ({current.vintage}), "
            f"so there is nothing to compare yet. When the next {word} is adopted and the book rebuilt, this section "
            f"lists {lists}."
        )
        return out
    out[f"{prefix}.previous"] = release_label(previous, replaced=True)
    if unavailable:
        out[f"{prefix}.summary"] = f"The earlier {word}'s data could not be read, so nothing is compared: {unavailable}"
    return out


def month_label(m) -> str:
    """A month in the book's one style: '2026-03' or a timestamp -> 'March 2026'."""
    return pd.Timestamp(f"{m}-01" if isinstance(m, str) and len(m) == 7 else m).strftime("%B %Y")


def count_label(n: float) -> str:
    """A large count in words: 1_031_000 -> '1.03 million', 215_400 -> '215 thousand'."""
    return f"{n / 1e6:,.2f} million" if abs(n) >= 1e6 else f"{n / 1e3:,.0f} thousand"


def ordinal(n: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def percent(value: float, digits: int = 1) -> str:
    """0.123 -> '12.3%'; a negative share with a true minus sign: -0.031 -> '−3.1%'."""
    return number(100 * value, digits) + "%"


def percent_range(low: float, high: float, digits: int = 1) -> str:
    """Two shares as a range: (-0.031, 0.305) -> '−3.1% to 30.5%'."""
    return span(percent(low, digits), percent(high, digits))


def input_percent(value: float) -> str:
    """An input's share with only the decimals it has (an assumption, not a measurement: '10.0%' would claim a
    precision it does not have): 0.1 -> '10%', 2.0 -> '200%', 0.125 -> '12.5%'."""
    return number(100 * value, 2).rstrip("0").rstrip(".") + "%"


def millions(pounds: float, digits: int = 1) -> str:
    """£ amounts in millions with a true minus sign: -15.2e6 -> '−£15.2 million'."""
    sign = "−" if pounds < 0 else ""
    return f"{sign}£{abs(pounds) / 1e6:,.{digits}f} million"


def pounds_m(pounds: float, digits: int = 1) -> str:
    """The short form for tables and evidence: -15.2e6 -> '−£15.2m'."""
    sign = "−" if pounds < 0 else ""
    return f"{sign}£{abs(pounds) / 1e6:,.{digits}f}m"


def p_value(p: float, digits: int = 3) -> str:
    """A p-value as every page shows it: `digits` decimals, and below the smallest value that shows
    ('< 0.001' at three decimals) in words that say so, never a bare '0.000' that reads as impossible."""
    if _missing(p):
        return "–"
    floor = 10.0**-digits
    if p < floor:
        return f"< {floor:.{digits}f}"
    return f"{p:.{digits}f}"


_NICE = (2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 300, 500, 1000)


def odds(p: float) -> str:
    """A chance in rounded words: 0.05 -> 'about 1 in 20'; 0.7 -> 'about 7 in 10'; tiny or near-certain
    chances as 'less than 1 in 1,000' / 'more than 999 in 1,000'.

    From 45% up, tenths ('about 7 in 10', 'about even', 'about 19 in 20'). Below 45%, whichever of '1 in n' and
    '2, 3 or 4 in 10' is nearest in ratio (a tie goes to tenths): 0.151 is 'about 1 in 7', not 'about 2 in 10'."""
    if p < 0.001:
        return "less than 1 in 1,000"
    if p > 0.999:
        return "more than 999 in 1,000"
    if p >= 0.45:
        tenths = round(10 * p)
        if tenths == 10:
            return "about 19 in 20" if p < 0.97 else "more than 19 in 20"
        if tenths == 5:
            return "about even"
        return f"about {tenths} in 10"
    candidates = [(abs(math.log(k / 10 / p)), 0, f"about {k} in 10") for k in (2, 3, 4)]
    candidates += [(abs(math.log(1 / n / p)), 1, f"about 1 in {n:,}") for n in _NICE]
    return min(candidates)[2]
