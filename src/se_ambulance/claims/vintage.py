"""The register's verdicts on an earlier vintage of AmbSYS, to say on the claims page which verdicts a new
release moved.

The previous verdicts are recomputed, not remembered: every claim function runs again with the earlier
vintage's AmbSYS table in place of the current one, with today's code, register and parameters (other
datasets as pinned now). A verdict that differs therefore moved because of the new data, never because
the code or a parameter changed between builds, and nothing has to be kept from one build to the next
beyond the earlier vintage's pin (the manifest's `previous:`) and its file or cached table. The
evaluation's own comparison is `analysis.evaluation.releases`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from se_ambulance.claims.evaluate import CLAIM_AREAS, ClaimInputs, ClaimResult, evaluate
from se_ambulance.claims.register import load_register
from se_ambulance.data.manifest import Dataset, Vintage
from se_ambulance.data.vintages import previous_ambsys_release


def results_with_ambsys(tidy: pd.DataFrame, **areas: Mapping[str, Any]) -> dict[str, ClaimResult]:
    """Every computed claim's result with `tidy` as the AmbSYS table (not stored: the claims store holds the
    current vintage's results only)."""
    register = load_register()
    inputs = ClaimInputs(**{a: areas.get(a) for a in CLAIM_AREAS})
    inputs.__dict__["tidy"] = tidy  # ClaimInputs.tidy is a cached property: this is its value for the run
    return {cid: evaluate(c, inputs) for cid, c in register.items() if c.computed}


def moved(previous: Mapping[str, ClaimResult], current: Mapping[str, ClaimResult]) -> list[tuple[str, str, str]]:
    """(claim id, previous verdict, current verdict) for every claim whose verdict differs."""
    return [
        (cid, previous[cid].verdict, current[cid].verdict)
        for cid in current
        if cid in previous and previous[cid].verdict != current[cid].verdict
    ]


@dataclass(frozen=True)
class RegisterMoves:
    current: Dataset  # the current pin
    previous: Vintage | None  # the pin it replaced (None: no earlier vintage is recorded)
    unavailable: str | None = None  # why the earlier vintage's data could not be read, if so
    moved: tuple[tuple[str, str, str], ...] = ()  # (claim, previous verdict, current verdict)


def register_moves(current_claims: Mapping[str, ClaimResult], **areas: Mapping[str, Any]) -> RegisterMoves:
    """The register's verdicts that the current AmbSYS release moved: each claim recomputed on the release
    it replaced (same code, register and parameters `areas`) and compared with `current_claims`."""
    release = previous_ambsys_release()
    if release.table is None:
        return RegisterMoves(release.current, release.previous, release.unavailable)
    previous_claims = results_with_ambsys(release.table, **areas)
    return RegisterMoves(
        release.current,
        release.previous,
        None,
        tuple(moved(previous_claims, {k: v for k, v in current_claims.items() if k in previous_claims})),
    )
