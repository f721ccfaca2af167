"""The claims register (`book/claims.yaml`): the seeds' numeric claims and how they are tested."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

from se_ambulance.errors import DataError
from se_ambulance.paths import project_root

VERDICTS = ("supported", "partly supported", "not supported", "cannot be tested with public data")


class Claim(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    seed: str
    quote: str
    value: float | None = None
    unit: str | None = None
    chapter: str | None = None
    section: str | None = None
    function: str | None = None
    computed: bool = False
    verdict: str | None = None
    evidence: str | None = None

    @model_validator(mode="after")
    def _verdict_or_computed(self):
        if self.computed == (self.verdict is not None):
            raise ValueError(f"claim {self.id}: give either computed: true or a verdict, not both or neither")
        if self.verdict is not None and self.verdict not in VERDICTS:
            raise ValueError(f"claim {self.id}: verdict {self.verdict!r} is not one of {VERDICTS}")
        if self.verdict is not None and not self.evidence:
            raise ValueError(f"claim {self.id}: a stated verdict needs its evidence")
        return self


class OutOfScope(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seed: str
    quote: str
    reason: str


def register_path() -> Path:
    return project_root() / "book" / "claims.yaml"


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, Claim], tuple[OutOfScope, ...]]:
    raw = yaml.safe_load(register_path().read_text(encoding="utf-8"))
    try:
        claims = [Claim(**c) for c in raw["claims"]]
        out = tuple(OutOfScope(**o) for o in raw.get("out_of_scope", []))
    except ValueError as e:
        raise DataError(f"book/claims.yaml is not valid: {e}") from e
    ids = [c.id for c in claims]
    if len(set(ids)) != len(ids):
        raise DataError("book/claims.yaml has duplicate claim ids.")
    return {c.id: c for c in claims}, out


def load_register() -> dict[str, Claim]:
    return _load()[0]


def out_of_scope() -> tuple[OutOfScope, ...]:
    return _load()[1]


def claim(claim_id: str) -> Claim:
    reg = load_register()
    if claim_id not in reg:
        raise KeyError(f"No claim '{claim_id}' in book/claims.yaml; known: {', '.join(reg)}")
    return reg[claim_id]


def case_response_figures() -> dict[str, float]:
    """The case's 2024/25 C1 and C2 means in seconds, as the register records them."""
    return {"C1": claim("c1-mean-2024-25").value, "C2": claim("c2-mean-2024-25").value}
