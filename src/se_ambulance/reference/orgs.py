"""The organisations in AmbSYS: codes, short names and which are trusts."""

from __future__ import annotations

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

# The South Central and South East Ambulance Group: the one definition every chapter uses.
GROUP_CODE = "GROUP"
GROUP_MEMBERS: tuple[str, ...] = ("RYD", "RYE")
GROUP_NAME = "SCAS + SECAmb"

# Synthetic organisations the book builds by pooling trusts.
COMBINED: dict[str, tuple[str, tuple[str, ...]]] = {
    GROUP_CODE: (f"{GROUP_NAME} (pooled)", GROUP_MEMBERS),
}

ALL_ORGS: dict[str, str] = {**PROVIDERS, **REGIONS, **ENGLAND}


def members_of(area: str) -> tuple[str, ...]:
    """The trusts whose footprints make an area: GROUP is the group's members, a trust code is itself."""
    if area == GROUP_CODE:
        return GROUP_MEMBERS
    if area not in PROVIDERS:
        raise ValueError(f"'{area}' is neither {GROUP_CODE} nor a trust code ({', '.join(PROVIDERS)})")
    return (area,)


def area_name(area: str) -> str:
    """A footprint's name: the group's name, or the trust's."""
    return GROUP_NAME if area == GROUP_CODE else PROVIDERS[area]


def short_name(code: str) -> str:
    if code in COMBINED:
        return COMBINED[code][0]
    return ALL_ORGS.get(code, code)

# Names used by the ARP implementation-dates table (not the Isle of Wight).
ARP_TABLE_NAMES: dict[str, str] = {
    "RRU": "London", "RX6": "North East", "RX7": "North West", "RX8": "Yorkshire",
    "RX9": "East Midlands", "RYA": "West Midlands", "RYC": "East of England",
    "RYD": "South East Coast", "RYE": "South Central", "RYF": "South Western",
}
