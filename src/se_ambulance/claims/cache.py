"""Claim results computed once per run and shared by every page that shows them.

A claim's result depends on its data, the register, the package's code and only the parameter areas
its function declares (`evaluate.areas_of`). The build computes every claim before any chapter runs;
the introduction, the claims page and each claim's own chapter then read the same stored result, so
no page can show a different number for a claim, and the Monte Carlo runs once.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from se_ambulance.claims.evaluate import CLAIM_AREAS, ClaimInputs, ClaimResult, areas_of, evaluate
from se_ambulance.claims.register import load_register, register_path
from se_ambulance.errors import SeAmbulanceError
from se_ambulance.paths import cache_dir, package_digest, project_root


def _digest() -> str:
    """What every claim result depends on besides its parameter areas: the register, the data pins, the code."""
    h = hashlib.sha256()
    h.update(register_path().read_bytes())
    h.update((project_root() / "data" / "manifest.yaml").read_bytes())
    h.update(package_digest().encode())
    return h.hexdigest()


def claim_key(claim_id: str, areas: Mapping[str, Mapping[str, Any] | None], digest: str | None = None) -> str:
    """`digest`: `_digest()`, when the caller has it already (it reads every file of the package)."""
    used = {a: areas[a] for a in areas_of(claim_id)}
    blob = json.dumps({"claim": claim_id, "areas": used}, sort_keys=True, default=str)
    return hashlib.sha256((blob + (digest or _digest())).encode()).hexdigest()[:24]


def _store(path: Path, result: ClaimResult) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".claim.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(result.to_json(), fh, sort_keys=True)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; follow the user's umask like any other file
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def claim_results(ids: Iterable[str], **areas: Mapping[str, Any] | None) -> dict[str, ClaimResult]:
    """The results of the named claims for the given parameter areas (each claim uses only the areas
    it declares; a missing one is an error, never a default)."""
    register = load_register()
    out: dict[str, ClaimResult] = {}
    inputs = ClaimInputs(**{a: areas.get(a) for a in CLAIM_AREAS})
    digest = _digest()  # once for all the claims asked for
    for cid in ids:
        if cid not in register:
            raise SeAmbulanceError(f"No claim '{cid}' in book/claims.yaml.")
        missing = [a for a in areas_of(cid) if areas.get(a) is None]
        if missing:
            raise SeAmbulanceError(f"Claim '{cid}' depends on the parameter area(s) {missing}; pass them.")
        path = cache_dir() / "claims" / f"{cid}-{claim_key(cid, areas, digest)}.json"
        try:
            out[cid] = ClaimResult.from_json(json.loads(path.read_text(encoding="utf-8")))
            continue
        except (OSError, ValueError, KeyError, TypeError):
            pass  # absent or unreadable: compute it again
        out[cid] = evaluate(register[cid], inputs)
        _store(path, out[cid])
    return out


def register_for(
    performance: Mapping[str, Any] | None, demand: Mapping[str, Any] | None, appraisal: Mapping[str, Any] | None
) -> dict[str, ClaimResult]:
    """Every claim in the register for one run's parameter areas."""
    return claim_results(load_register(), performance=performance, demand=demand, appraisal=appraisal)
