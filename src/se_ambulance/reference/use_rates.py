"""Relative ambulance use by age group (ages 15-64 = 1): the evidence behind the default ranges.

No official England table of ambulance use by age band exists, so each rate is an assumption
with a low, central and high value. The values here are the defaults of the `demand.age_rates`
parameter (its one home is params/default.yaml; a test proves the two agree); the sources are
what the chapter and the assumptions log cite.
"""

from __future__ import annotations

# Each 5-year ONS age band belongs to one rate group.
GROUPS: dict[str, tuple[str, ...]] = {
    "0-14": ("0-4", "5-9", "10-14"),
    "15-64": ("15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64"),
    "65-74": ("65-69", "70-74"),
    "75-84": ("75-79", "80-84"),
    "85+": ("85-89", "90+"),
}
REFERENCE_GROUP = "15-64"
RATED_GROUPS = ("0-14", "65-74", "75-84", "85+")

# (low, central, high) relative to ages 15-64.
DEFAULT_RATES: dict[str, tuple[float, float, float]] = {
    "0-14": (0.3, 0.45, 0.6),
    "65-74": (1.3, 1.7, 2.2),
    "75-84": (2.4, 3.2, 4.0),
    "85+": (5.0, 7.0, 8.5),
}

SOURCES: dict[str, str] = {
    "0-14": "Assumption: children use ambulances less than working-age adults; no England table by age exists.",
    "65-74": "Assumption between the working-age rate and the 75–84 rate.",
    "75-84": "Tokyo: 90 per 1,000 a year at 65–84 (against 250 at 85+).",
    "85+": "Melbourne: people aged 85+ conveyed 7.9 times as often as those aged 45–69; Tokyo: 250 per 1,000 "
    "a year at 85+.",
}
