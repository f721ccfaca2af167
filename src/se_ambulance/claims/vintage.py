"""The register's verdicts on an earlier vintage of AmbSYS, to say which verdicts a new release moved.

The previous verdicts are recomputed, not remembered: every claim function runs again with the earlier
vintage's AmbSYS table in place of the current one, with today's code, register and parameters (other
datasets as pinned now). A verdict that differs therefore moved because of the new data, never because
the code or a parameter changed between builds, and nothing has to be kept from one build to the next
beyond the earlier vintage's pin (the manifest's `previous:`) and its file or cached table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from se_ambulance.analysis import vintage_diff
from se_ambulance.analysis.evaluation.study import Design, Study, run_study
from se_ambulance.claims.evaluate import CLAIM_AREAS, FUNCTIONS, ClaimInputs, ClaimResult, evaluate
from se_ambulance.claims.register import load_register
from se_ambulance.data.manifest import Dataset, Vintage, load_manifest
from se_ambulance.errors import SeAmbulanceError


def results_with_ambsys(tidy: pd.DataFrame, **areas: Mapping[str, Any]) -> dict[str, ClaimResult]:
    """Every computed claim's result with `tidy` as the AmbSYS table (not stored: the claims store holds the
    current vintage's results only)."""
    register = load_register()
    inputs = ClaimInputs(**{a: areas.get(a) for a in CLAIM_AREAS})
    inputs.__dict__["tidy"] = tidy  # ClaimInputs.tidy is a cached property: this is its value for the run
    return {cid: evaluate(register[cid], inputs) for cid in FUNCTIONS if cid in register}


def moved(previous: Mapping[str, ClaimResult], current: Mapping[str, ClaimResult]) -> list[tuple[str, str, str]]:
    """(claim id, previous verdict, current verdict) for every claim whose verdict differs."""
    return [(cid, previous[cid].verdict, current[cid].verdict) for cid in current
            if cid in previous and previous[cid].verdict != current[cid].verdict]


# --- the whole comparison, for the evaluation chapter's "what changed" section ---------------------


@dataclass(frozen=True)
class VintageComparison:
    current: Dataset  # the current pin
    previous: Vintage | None  # the pin it replaced (None: no earlier vintage is recorded)
    unavailable: str | None = None  # why the earlier vintage's data could not be read, if so
    new_months: tuple[pd.Timestamp, ...] = ()
    revisions: pd.DataFrame | None = None  # every revised value (all organisations and indicators)
    previous_study: Study | None = None  # the evaluation re-run on the earlier vintage, same design
    claims_moved: tuple[tuple[str, str, str], ...] = ()  # (claim, previous verdict, current verdict)


def compare_with_previous(design: Design, current_tidy: pd.DataFrame, current_claims: Mapping[str, ClaimResult],
                          **areas: Mapping[str, Any]) -> VintageComparison:
    """What the current AmbSYS vintage changed against the one it replaced: new months, revised values, and
    the verdicts (the evaluation's and the register's) recomputed on the earlier vintage."""
    from se_ambulance.data.vintages import load_previous_ambsys

    current = load_manifest()["ambsys"]
    if not current.previous:
        return VintageComparison(current, None)
    try:
        prev = load_previous_ambsys()
    except SeAmbulanceError as e:
        return VintageComparison(current, current.previous[0], unavailable=str(e))
    previous_claims = results_with_ambsys(prev.table, **areas)
    return VintageComparison(
        current, prev.vintage, None, tuple(vintage_diff.new_months(prev.table, current_tidy)),
        vintage_diff.revisions(prev.table, current_tidy), run_study(prev.table, design),
        tuple(moved(previous_claims, {k: v for k, v in current_claims.items() if k in previous_claims})))
