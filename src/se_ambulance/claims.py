"""The claims register (`book/claims.yaml`): the seeds' numeric claims and how they are tested."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from .errors import DataError
from .paths import project_root


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    seed: str
    quote: str
    value: float | None = None
    unit: str | None = None
    chapter: str | None = None
    function: str | None = None


def register_path() -> Path:
    return project_root() / "book" / "claims.yaml"


@lru_cache(maxsize=1)
def load_register() -> dict[str, Claim]:
    raw = yaml.safe_load(register_path().read_text(encoding="utf-8"))
    claims = [Claim(**c) for c in raw["claims"]]
    ids = [c.id for c in claims]
    if len(set(ids)) != len(ids):
        raise DataError("book/claims.yaml has duplicate claim ids.")
    return {c.id: c for c in claims}


def claim(claim_id: str) -> Claim:
    reg = load_register()
    if claim_id not in reg:
        raise KeyError(f"No claim '{claim_id}' in book/claims.yaml; known: {', '.join(reg)}")
    return reg[claim_id]


def case_response_figures() -> dict[str, float]:
    """The case's 2024/25 C1 and C2 means in seconds, as the register records them."""
    return {"C1": claim("c1-mean-2024-25").value, "C2": claim("c2-mean-2024-25").value}
