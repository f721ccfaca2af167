"""National response-time standards (Ambulance Response Programme), in seconds.

Source: NHS England, Ambulance Response Programme standards (July 2017), in place nationally
since 2018 (House of Commons Library CDP-2025-0042). The interim C2 mean of 30 minutes is from
the UEC recovery plan (January 2023, for 2023/24); it was kept in NHS England's plans for 2024/25
("It was then included in plans for 2024-25", HSJ, 2024) and again for 2025/26 (UEC plan 2025/26).
"""

from __future__ import annotations

MINUTE = 60

# (category, statistic) -> standard in seconds
ARP_STANDARDS: dict[tuple[str, str], int] = {
    ("C1", "mean"): 7 * MINUTE,
    ("C1", "p90"): 15 * MINUTE,
    ("C2", "mean"): 18 * MINUTE,
    ("C2", "p90"): 40 * MINUTE,
    ("C3", "p90"): 120 * MINUTE,
    ("C4", "p90"): 180 * MINUTE,
}

INTERIM_C2_MEAN = 30 * MINUTE
INTERIM_C2_YEARS = (2023, 2024, 2025)  # financial years 2023/24, 2024/25 and 2025/26


# Before ARP: 75% of Category A calls (and, from June 2012, of Red 1 and of Red 2) reached within 8 minutes.
PRE_ARP_TARGET = 0.75
# Hospital handover: 15 minutes expected (NHS England; the 2025/26 UEC plan adds a 45-minute maximum).
HANDOVER_EXPECTED_MINUTES = 15


def standard(category: str, statistic: str) -> int | None:
    """The ARP standard for a category and statistic in seconds, or None where there is none."""
    return ARP_STANDARDS.get((category, statistic))
