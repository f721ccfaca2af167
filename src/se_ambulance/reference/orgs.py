"""The organisations in AmbSYS: codes, short names and which are trusts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PROVIDERS: dict[str, str] = {
    "RRU": "London (LAS)",
    "RX6": "North East (NEAS)",
    "RX7": "North West (NWAS)",
    "RX8": "Yorkshire (YAS)",
    "RX9": "East Midlands (EMAS)",
    "R1F": "Isle of Wight",
    "RYA": "West Midlands (WMAS)",
    "RYC": "East of England (EEAST)",
    "RYD": "South East Coast (SECAmb)",
    "RYE": "South Central (SCAS)",
    "RYF": "South Western (SWASFT)",
}

REGIONS: dict[str, str] = {
    "Y56": "London region",
    "Y58": "South West region",
    "Y59": "South East region",
    "Y60": "Midlands region",
    "Y61": "East of England region",
    "Y62": "North West region",
    "Y63": "North East and Yorkshire region",
}

ENGLAND = {"Eng": "England"}

# AmbSYS providers that are not ambulance service trusts, in words. Which they are is read from the data (the trust's
# name: `analysis.providers`); this says what they are. The Isle of Wight NHS Trust calls itself "the only integrated
# acute, community, mental health and ambulance health care provider in England" (its "About us" page,
# https://www.iow.nhs.uk/about-us/): it runs St Mary's Hospital and the Isle of Wight Ambulance Service.
PROVIDER_NOTES: dict[str, str] = {
    "R1F": "the Isle of Wight NHS Trust, which runs the island's hospital as well as its ambulance service",
}

# The group. Which trusts "the group" is in a book is the `group` parameter (`pipeline.params.GroupParams`):
# every group figure in every chapter follows it, passed as a `Group`. GROUP is the pseudo-organisation code
# that stands for the chosen group (its trusts pooled) in `focus.comparators` and `demand.demand_area`.
GROUP_CODE = "GROUP"

# The case's group: the South Central and South East Ambulance Group (seed 000). It is the default of the
# `group` parameter and the scope of the case's claims: the claims register judges the case's response-time,
# population, outcome and appraisal claims on SCAS + SECAmb whatever group a book is built for.
CASE_GROUP_MEMBERS: tuple[str, ...] = ("RYD", "RYE")
CASE_GROUP_NAME = "SCAS + SECAmb"


@dataclass(frozen=True)
class Group:
    """A named set of trusts treated as one service (the `group` parameter, or the case's group)."""

    name: str
    members: tuple[str, ...]

    @property
    def pooled_name(self) -> str:
        """The name of its pooled series in charts and tables: 'SCAS + SECAmb (pooled)'."""
        return f"{self.name} (pooled)"

    @property
    def is_case(self) -> bool:
        """True when this is the case's group (the same trusts, whatever the name)."""
        return set(self.members) == set(CASE_GROUP_MEMBERS)

    @classmethod
    def from_params(cls, values: Mapping[str, Any]) -> "Group":
        """From the `group` area as papermill injects it: {'name': ..., 'members': [...]}."""
        return cls(str(values["name"]), tuple(values["members"]))


CASE_GROUP = Group(CASE_GROUP_NAME, CASE_GROUP_MEMBERS)

ALL_ORGS: dict[str, str] = {**PROVIDERS, **REGIONS, **ENGLAND}


def members_of(area: str, group: Group) -> tuple[str, ...]:
    """The trusts whose footprints make an area: GROUP is the group's members, a trust code is itself."""
    if area == GROUP_CODE:
        return tuple(group.members)
    if area not in PROVIDERS:
        raise ValueError(f"'{area}' is neither {GROUP_CODE} nor a trust code ({', '.join(PROVIDERS)})")
    return (area,)


def area_name(area: str, group: Group) -> str:
    """A footprint's name: the group's name, or the trust's."""
    return group.name if area == GROUP_CODE else PROVIDERS[area]


def short_name(code: str, group: Group | None = None) -> str:
    """An organisation's short name; GROUP is the given group's pooled series (a group must be given)."""
    if code == GROUP_CODE:
        if group is None:
            raise ValueError("GROUP names the book's group: pass the group (the `group` parameter)")
        return group.pooled_name
    return ALL_ORGS.get(code, code)


def names(codes: Sequence[str], group: Group | None = None) -> str:
    """'London (LAS) and South Central (SCAS)': organisations' names joined in words (GROUP needs the group);
    no codes at all is 'no other organisation'."""
    shown = [short_name(c, group) for c in codes]
    if not shown:
        return "no other organisation"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


# Names used by the ARP implementation-dates table (not the Isle of Wight).
ARP_TABLE_NAMES: dict[str, str] = {
    "RRU": "London",
    "RX6": "North East",
    "RX7": "North West",
    "RX8": "Yorkshire",
    "RX9": "East Midlands",
    "RYA": "West Midlands",
    "RYC": "East of England",
    "RYD": "South East Coast",
    "RYE": "South Central",
    "RYF": "South Western",
}
