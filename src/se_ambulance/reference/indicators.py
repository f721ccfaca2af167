"""The AmbSYS indicators the book uses, with what each one measures.

Codes and meanings are from the AmbSYS specification as checked by arithmetic on the data
(for example total ÷ count reproduces the published mean to within rounding). Codes whose
meaning has not been checked are deliberately left out: the loader drops them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    code: str
    category: str  # C1, C1T, C2, C3, C4, all, handover, call
    statistic: str  # count, total, mean, p90
    unit: str  # incidents, calls, seconds
    label: str


def _rt(category: str, total: str, mean: str, p90: str, count: str, what: str) -> list[Indicator]:
    return [
        Indicator(count, category, "count", "incidents", f"{what}: incidents"),
        Indicator(total, category, "total", "seconds", f"{what}: total response time"),
        Indicator(mean, category, "mean", "seconds", f"{what}: mean response time"),
        Indicator(p90, category, "p90", "seconds", f"{what}: 90th centile response time"),
    ]


_INDICATORS: list[Indicator] = [
    Indicator("A0", "call", "count", "calls", "Contacts"),
    Indicator("A1", "call", "answered", "calls", "Calls answered"),
    Indicator("A7", "all", "count", "incidents", "All incidents"),
    *_rt("C1", "A24", "A25", "A26", "A8", "Category 1"),
    *_rt("C1T", "A27", "A28", "A29", "A9", "Category 1 transported"),
    *_rt("C2", "A30", "A31", "A32", "A10", "Category 2"),
    *_rt("C3", "A33", "A34", "A35", "A11", "Category 3"),
    *_rt("C4", "A36", "A37", "A38", "A12", "Category 4"),
    Indicator("A17", "outcome", "hear_and_treat", "incidents", "Hear and treat (resolved by phone)"),
    Indicator("A53", "outcome", "conveyed_ed", "incidents", "Conveyed to an emergency department"),
    Indicator("A54", "outcome", "conveyed_other", "incidents", "Conveyed elsewhere"),
    Indicator("A55", "outcome", "see_and_treat", "incidents", "See and treat (treated at scene)"),
    Indicator("A56", "outcome", "face_to_face", "incidents", "Face-to-face incidents (A53 + A54 + A55)"),
    Indicator("A140", "handover", "count", "handovers", "Hospital handovers (from Oct 2023)"),
    Indicator("A141", "handover", "total", "seconds", "Total handover time"),
    Indicator("A142", "handover", "mean", "seconds", "Mean handover time"),
]

REGISTRY: dict[str, Indicator] = {i.code: i for i in _INDICATORS}

RESPONSE_CATEGORIES = ("C1", "C1T", "C2", "C3", "C4")


def code_for(category: str, statistic: str) -> str:
    """The indicator code for a category and statistic, e.g. ('C2', 'mean') -> 'A31'."""
    for ind in _INDICATORS:
        if ind.category == category and ind.statistic == statistic:
            return ind.code
    allowed = sorted({(i.category, i.statistic) for i in _INDICATORS})
    raise KeyError(f"No indicator for category={category!r}, statistic={statistic!r}; known: {allowed}")
