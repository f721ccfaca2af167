"""Published income of English ambulance trusts, and the savings SCAS planned before the group: the facts the
appraisal's income range and its do-nothing baseline are built from (each with its source and how good it is).

The trusts' own 2019/20-2024/25 accounts for SCAS and SECAmb could not be read; these are the figures that
could be found, none of them the group's own.
"""

from __future__ import annotations

from dataclasses import dataclass

TEN_TRUSTS = ("RRU", "RX6", "RX7", "RX8", "RX9", "RYA", "RYC", "RYD", "RYE", "RYF")  # England's ambulance trusts


@dataclass(frozen=True)
class IncomeSource:
    """One published income: of which trusts, in which financial year (its start year), from where."""

    id: str
    label: str
    orgs: tuple[str, ...]
    year: int
    income: float  # £, that year's prices
    source: str
    quality: str  # RAG: how good the evidence is as a guide to the group's income per incident


INCOME_SOURCES: tuple[IncomeSource, ...] = (
    IncomeSource(
        "ten_trusts_2023",
        "the ten English ambulance trusts, 2023/24",
        TEN_TRUSTS,
        2023,
        4035e6,
        "Total income of the ten trusts in their 2023/24 accounts, about £4,035 million, as summed by a "
        "secondary source (Trust the Evidence); it includes SCAS and SECAmb",
        "amber",
    ),
    IncomeSource(
        "wmas_2023",
        "West Midlands Ambulance Service, 2023/24",
        ("RYA",),
        2023,
        414.3e6,
        "WMAS annual accounts 2023/24, total income (primary; another trust)",
        "amber",
    ),
    IncomeSource(
        "wmas_2024",
        "West Midlands Ambulance Service, 2024/25",
        ("RYA",),
        2024,
        456.6e6,
        "WMAS annual accounts 2024/25, total income (primary; another trust)",
        "amber",
    ),
    IncomeSource(
        "secamb_2019",
        "SECAmb, 2019/20",
        ("RYD",),
        2019,
        250.8e6,
        "An encyclopaedia infobox (the Wikipedia article on SECAmb), not checked against SECAmb's accounts",
        "red",
    ),
)
INCOME_SOURCE_IDS = tuple(s.id for s in INCOME_SOURCES)
# The income source the appraisal takes as most likely unless a parameter says otherwise: the one that covers the
# group's own trusts (an average over all ten).
DEFAULT_INCOME_SOURCE = "ten_trusts_2023"
# Context only (AmbSYS starts in 2017, so there are no incidents to divide it by): SECAmb's own site, 2015/16.
SECAMB_INCOME_2015 = 206.2e6

# Savings SCAS planned before the group (the do-nothing baseline): not the group's to claim.
SCAS_CIP_SHARE_2024 = 0.096  # 2024/25 cost-improvement plan, about 9.6% of expenditure
SCAS_CORPORATE_POSTS_CUT, SCAS_CORPORATE_POSTS = 120, 585  # cut from 1 April 2025 (acting CFO, reported by HSJ)
SCAS_REDUCTION_PLAN_2025 = 21.4e6  # 2025/26 cost reduction plan (board update, September 2025; Slough Express)
PLANNED_SAVINGS_SOURCE = (
    f"SCAS cut about {SCAS_CORPORATE_POSTS_CUT} of about {SCAS_CORPORATE_POSTS} corporate posts "
    f"({SCAS_CORPORATE_POSTS_CUT / SCAS_CORPORATE_POSTS:.0%}) from April 2025 (acting CFO, reported by HSJ), ran a "
    f"2024/25 cost-improvement plan of about {SCAS_CIP_SHARE_2024:.1%} of expenditure and planned a "
    f"£{SCAS_REDUCTION_PLAN_2025 / 1e6:.1f} million reduction for 2025/26 (board update, September 2025): savings "
    "each trust makes alone belong to the do-nothing baseline, not to the group. It is the case's evidence, whatever "
    "group the book follows. Low: SCAS's corporate cut alone, weighted by its part of the case's group, SCAS + SECAmb "
    "(about 10%); high: both of the case's trusts at SCAS's rate (about 20%); SECAmb's plans "
    "were not found (our range)"
)
