"""Which loader checks a candidate file before `fetch --update` adopts it.

Each dataset maps to a function that reads a file at a given path with the loader's own schema
checks (raising DataError with the loader's message if it is not usable) and, where the file can
say so itself, returns the manifest text that describes it (vintage, coverage, citation).
Functions are named as "module:function" and imported only when needed (the loaders import fetch).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any
from pathlib import Path

from se_ambulance.errors import DataError

Checker = Callable[[Path], object]

VALIDATORS: dict[str, str | Checker] = {
    "ambsys": "se_ambulance.data.ambsys:check_ambsys_file",
    "ambco": "se_ambulance.data.ambco:check_ambco_file",
    "arp_dates": "se_ambulance.data.pre_arp:read_arp_dates",
    "pre_arp": "se_ambulance.data.pre_arp:read_pre_arp",
    "snpp_region": "se_ambulance.data.population:read_region",
    "snpp_subicb": "se_ambulance.data.population:read_subicb",
    "snpp_la_85plus": "se_ambulance.data.population:read_la_85plus",
    "mye_2019_utla": "se_ambulance.data.population:read_mye_2019",
    "emergency_calls_history": "se_ambulance.data.history:read_emergency_calls",
    "workforce_fte": "se_ambulance.data.workforce:read_workforce",
    "trust_polygons": "se_ambulance.data.geography:read_trust_polygons",
    "district_boundaries": "se_ambulance.data.geography:read_district_boundaries",
    "district_trust_overlay_2021": "se_ambulance.data.geography:read_district_trust_overlay",
    "district_trust_overlay_2024": "se_ambulance.data.geography:read_district_trust_overlay",
    "lsoa_subicb_lookup": "se_ambulance.data.geography:read_lsoa_subicb_lookup",
    "rural_urban_2021": "se_ambulance.data.geography:read_rural_urban",
    "ccg_footprint_population": "se_ambulance.data.geography:read_ccg_footprint_population",
    "mye_2020_ltla": "se_ambulance.data.geography:read_district_population_2020",
}


# Datasets published as named releases: the check of a candidate release against the pinned one (organisations,
# order, gaps, blank last months, bounds), after the loader's own checks. Each takes (candidate, pinned, the month
# the candidate's name says its data end in, whether a change of organisations is accepted) and returns a report.
RELEASE_CHECKS: dict[str, str | Callable] = {
    "ambsys": "se_ambulance.data.release_checks:check_ambsys_release",
}


def _resolve(checker: str | Callable[..., Any]) -> Callable[..., Any]:
    if callable(checker):
        return checker
    module, _, name = checker.partition(":")
    return getattr(importlib.import_module(module), name)


def check_candidate(dataset_id: str, path: Path) -> dict[str, str]:
    """Run the dataset's loader on a candidate file; return the description it derives (may be empty).

    Raises DataError with the loader's message if the file is not usable.
    """
    if dataset_id not in VALIDATORS:
        raise DataError(
            f"No loader is registered to check a new vintage of '{dataset_id}' "
            "(se_ambulance.data.validate.VALIDATORS), so it cannot be adopted with --update."
        )
    check = _resolve(VALIDATORS[dataset_id])
    try:
        result = check(Path(path))
    except DataError:
        raise
    except Exception as e:  # a reader library's own error on a malformed file
        raise DataError(f"{path} could not be read by the '{dataset_id}' loader: "
                        f"{type(e).__name__}: {e}") from e
    return dict(result) if isinstance(result, dict) else {}


def check_release_candidate(dataset_id: str, candidate: Path, pinned: Path, name_month, accept_organisation_change:
                            bool = False):
    """Check a candidate release against the pinned one (RELEASE_CHECKS); returns the release report (months added,
    revisions) or raises DataError naming each problem."""
    if dataset_id not in RELEASE_CHECKS:
        raise DataError(f"No release check is registered for '{dataset_id}' (se_ambulance.data.validate.RELEASE_CHECKS).")
    return _resolve(RELEASE_CHECKS[dataset_id])(Path(candidate), Path(pinned), name_month, accept_organisation_change)
