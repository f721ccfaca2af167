"""Derivations: how a derived raw file is made from its official sources.

A derived dataset in the manifest lists its `sources:` (each an official address at a pinned commit
or release) and names one function here under `derive: {function: ..., args: {...}}`. `fetch`
downloads the sources into the staging folder, calls the function to write the derived file there,
and installs it only if its sha256 equals the manifest's pin. Each function takes the downloaded
sources by name, the path to write, and the manifest's `args`; it must be deterministic (the same
sources give the same bytes).
"""

from __future__ import annotations

import importlib
from pathlib import Path

# Each derivation's module and function, imported only when a file is derived: the modules use pandas, numpy
# and rdata, which a build that finds its files cached or mirrored never needs to load.
FUNCTIONS: dict[str, str] = {
    "rda_table_csv": "rda:table_csv",
    "rda_boundaries_geojson": "rda:boundaries_geojson",
    "rda_trust_polygons_geojson": "rda:trust_polygons_geojson",
    "district_trust_overlay_csv": "overlay:district_trust_overlay_csv",
    "highcharts_series_csv": "highcharts:series_csv",
    "csv_rows_extract": "extract:csv_rows_extract",
    "hansard_table_csv": "hansard:table_csv",
}


def run(function: str, sources: dict[str, Path], out: Path, args: dict | None = None) -> None:
    """Write the derived file `out` from the downloaded `sources` with the named function."""
    if function not in FUNCTIONS:
        raise KeyError(f"unknown derivation {function!r}; known: {', '.join(sorted(FUNCTIONS))}")
    module, name = FUNCTIONS[function].split(":")
    getattr(importlib.import_module(f"{__name__}.{module}"), name)(sources, out, **(args or {}))
