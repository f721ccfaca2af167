"""ONS area codes the book relies on (ONS Register of Geographic Codes): regions and London's boroughs."""

from __future__ import annotations

ENGLAND_CODE = "E92000001"
REGION_PREFIX = "E12"  # England's nine regions, E12000001 North East … E12000009 South West
SOUTH_EAST_REGION = "E12000008"
REGION_NAMES: dict[str, str] = {
    "E12000001": "the North East",
    "E12000002": "the North West",
    "E12000003": "Yorkshire and the Humber",
    "E12000004": "the East Midlands",
    "E12000005": "the West Midlands",
    "E12000006": "the East of England",
    "E12000007": "London",
    "E12000008": "the South East",
    "E12000009": "the South West",
}
# E09 codes are the 32 London boroughs and the City of London; the City is governed by the City of London
# Corporation and is not a borough.
LONDON_PREFIX = "E09"
CITY_OF_LONDON = "E09000001"
