"""Chapter 9's numbers in words, each in its outcome's own unit: minutes (Category 1 to a hundredth: in tenths,
rounding would hide their intervals), percentage points for shares; ranks, intervals, names."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from se_ambulance.analysis.evaluation import design as D
from se_ambulance.publish.format import count_label, p_value, percent
from se_ambulance.reference.orgs import short_name

from .phrases import NUMBER_WORDS


def sentence_case(table: pd.DataFrame) -> pd.DataFrame:
    """Column headers in sentence case, as every other table in the book ('Better when', not 'better when')."""
    return table.rename(columns=lambda c: c[:1].upper() + c[1:])


def number_word(n: int) -> str:
    """'two' for 2; digits from 10."""
    return NUMBER_WORDS.get(n, str(n))


def names(codes: Sequence[str]) -> str:
    """Trusts' short names joined in words: 'London (LAS) and South Central (SCAS)'."""
    shown = [short_name(c) for c in codes]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def clauses(parts: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b, and c'; an independent last clause ('it sits …') always after ', and '."""
    if len(parts) == 1:
        return parts[0]
    joiner = ", and " if len(parts) > 2 or parts[-1].startswith("it ") else " and "
    return ", ".join(parts[:-1]) + joiner + parts[-1]


def unit_name(unit: str) -> str:
    return " + ".join(short_name(c) for c in unit.split("+"))


def in_seconds(outcome: str) -> bool:
    """Category 1 times are small: in words they are said in seconds, in figures to a hundredth of a minute (in
    tenths, rounding would hide their intervals)."""
    return D.OUTCOMES[outcome].category == "C1"


def amount(outcome: str, value: float, signed: bool = True) -> str:
    """An effect or size in the outcome's unit: '+2.4 min', '+0.22 min' (Category 1, to a hundredth of a minute,
    so every time in a table is in minutes), '−1.2 percentage points' (in words: 'pp' meant nothing to readers)."""
    if value is None or not math.isfinite(value):
        return "–"
    rate = D.OUTCOMES[outcome].kind == "rate"
    digits = 2 if in_seconds(outcome) else 1
    shown = round(abs(100 * value if rate else value), digits)
    sign = ("+" if value > 0 else "−") if signed and shown > 0 else ""
    if rate:
        return f"{sign}{shown:.1f} percentage points"
    return f"{sign}{shown:.{digits}f} min"


def size(outcome: str, value: float) -> str:
    """A size without sign: '3.0 min', '1.20 min' (Category 1), '2.0 percentage points'."""
    return amount(outcome, value, signed=False)


def direction(outcome: str, value: float) -> str:
    """'2.4 minutes longer' style words for an effect."""
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


def fit_text(fit) -> str:
    """The synthetic control's pre-period fit against the group's own spread: 'R² −0.22'."""
    if not math.isfinite(fit.pre_r2):
        return "–"
    return f"R² {fit.pre_r2:.2f}".replace("-", "−")


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_text(rank) -> str:
    if not math.isfinite(rank.p):
        return "no estimate yet"
    if rank.of <= 1:  # nothing to rank against: too few donors to treat any of them as the group
        return "no rank (too few donors for placebos)"
    shown = p_value(rank.p, 2)
    return f"{ordinal(rank.rank)} of {rank.of} (p {shown if shown.startswith('<') else '= ' + shown})"


def interval_text(outcome: str, low: float, high: float, alpha: float) -> str:
    return f"{percent(1 - alpha, 0)} CI {amount(outcome, low)} to {amount(outcome, high)}"


def its_text(outcome: str, its, alpha: float) -> str:
    if not math.isfinite(its.effect):
        return "no estimate yet"
    return (
        f"{amount(outcome, its.effect)} ({percent(1 - alpha, 0)} CI "
        f"{amount(outcome, its.low)} to {amount(outcome, its.high)})"
    )


def signed_percent(x: float) -> str:
    shown = percent(abs(x), 1)
    return shown if shown == percent(0, 1) else ("+" if x > 0 else "−") + shown


def patients(n: float) -> str:
    """A count of patients a year in words: 'about 28,000'."""
    if not math.isfinite(n):
        return "–"
    if n >= 1e6:
        return f"about {count_label(n)}"
    rounded = round(n, -3) if n >= 10_000 else round(n, -2) if n >= 1_000 else round(n)
    return f"about {rounded:,.0f}"
