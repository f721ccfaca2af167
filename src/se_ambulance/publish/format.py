"""Formatting of times and periods, so every chapter writes them the same way."""

from __future__ import annotations

import math


def mmss(seconds: float) -> str:
    """Seconds as 'M:SS' (or 'H:MM:SS' from an hour), rounded to the nearest second."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "–"
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def fy_label(start_year: int) -> str:
    """2024 -> '2024/25' (financial year April to March)."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def percent(value: float, digits: int = 1) -> str:
    """0.123 -> '12.3%'."""
    return f"{100 * value:.{digits}f}%"


def millions(pounds: float, digits: int = 1) -> str:
    """£ amounts in millions with a true minus sign: -15.2e6 -> '−£15.2 million'."""
    sign = "−" if pounds < 0 else ""
    return f"{sign}£{abs(pounds) / 1e6:,.{digits}f} million"


def pounds_m(pounds: float, digits: int = 1) -> str:
    """The short form for tables and evidence: -15.2e6 -> '−£15.2m'."""
    sign = "−" if pounds < 0 else ""
    return f"{sign}£{abs(pounds) / 1e6:,.{digits}f}m"


def rounded_chance(p: float) -> str:
    """A probability in words, without false precision: 0.056 -> 'about 1 in 20', 0.5 -> 'about even'.

    These probabilities are conditional on assumed ranges, so they are stated roughly: below 1% and
    above 99% as such; otherwise 'about 1 in N' below 40%, 'about even' to 60%, 'about N in 10' above."""
    if p < 0.01:
        return "less than 1 in 100"
    if p > 0.99:
        return "more than 99 in 100"
    if p < 0.4:
        n = 1 / p
        n = round(n) if n < 10 else int(5 * round(n / 5))
        return f"about 1 in {n}"
    if p <= 0.6:
        return "about even"
    return f"about {round(10 * p)} in 10"
