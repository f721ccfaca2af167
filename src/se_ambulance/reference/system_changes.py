"""Known changes to the urgent and emergency care system, where SPC limits are re-phased.

NHS England's *Making Data Count* (and NHS-R's plot-the-dots, which implements it) re-calculates
process limits after a known change to the system, so that each phase's limits describe one
process. Each entry is the first month of a new phase, with the reason and a source. The dates
are the default of the `performance.spc_breaks` parameter.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SystemChange:
    month: str  # "YYYY-MM": the first month of the new phase
    name: str
    reason: str
    source: str


SYSTEM_CHANGES: tuple[SystemChange, ...] = (
    SystemChange(
        "2018-04",
        "ARP bedded in",
        "Trusts moved to the ARP call categories in November–December 2017 and the first months are a "
        "bedding-in period (the Isle of Wight reported only from April 2018); 2018/19 is the first full "
        "financial year under the national standards.",
        "AQI statistical note, January 2018; House of Commons Library CDP-2025-0042 (standards in place "
        "nationally since 2018)",
    ),
    SystemChange(
        "2020-03",
        "COVID-19 begins",
        "The pandemic changed both demand (calls fell sharply in April 2020) and how services ran; first "
        "month of the book's COVID window.",
        "NHS England, AQI statistical notes, March–May 2020; the book's COVID window (March 2020 – March 2021)",
    ),
    SystemChange(
        "2021-04",
        "COVID window ends",
        "First month after the COVID window: demand returned and then exceeded its pre-pandemic level, with "
        "growing hospital handover delays.",
        "The book's COVID window (March 2020 – March 2021), used by every chapter and model",
    ),
    SystemChange(
        "2023-04",
        "UEC recovery plan year",
        "The Delivery plan for recovering urgent and emergency care services (30 January 2023) set the interim "
        "30-minute Category 2 mean and funded extra ambulance capacity for 2023/24, the first year it applied.",
        "NHS England and DHSC, Delivery plan for recovering urgent and emergency care services, January 2023",
    ),
)

DEFAULT_SPC_BREAKS: tuple[str, ...] = tuple(c.month for c in SYSTEM_CHANGES)
