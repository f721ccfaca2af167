"""The claims register (`book/claims.yaml`): the seeds' numeric claims, their wording and scope."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

from se_ambulance.claims.rule import NOT_TESTED, UNTESTABLE, VERDICTS, WORDINGS
from se_ambulance.errors import DataError
from se_ambulance.paths import project_root


class Claim(BaseModel):
    """One claim. A computed claim names its wording and scope; its verdict comes from
    `claims.evaluate`. Any other claim states why it is not tested, with its evidence."""

    model_config = ConfigDict(extra="forbid")
    id: str
    seed: str
    quote: str
    value: float | None = None
    unit: str | None = None
    wording: str | None = None  # how the words map to a comparison (claims.rule.WORDINGS)
    tolerance: float | None = None  # rounding of the claimed figure, in `unit` (wording `about`)
    scope: str | None = None  # what the claim covers, in words
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
        if self.computed:
            if self.wording not in WORDINGS:
                raise ValueError(f"claim {self.id}: a computed claim needs wording: one of {', '.join(WORDINGS)}")
            if not self.scope or not self.function:
                raise ValueError(f"claim {self.id}: a computed claim needs its scope and function")
        elif self.verdict not in (NOT_TESTED, UNTESTABLE):
            raise ValueError(f"claim {self.id}: a stated verdict must be '{NOT_TESTED}' or '{UNTESTABLE}' "
                             "(verdicts on evidence are computed, never typed)")
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


# The claims the introduction and the claims page both lead with (one list, so the two pages cannot differ): the
# case's response times, demand and benefit figures, and the claim about clinical outcomes.
HEADLINE = ("c2-mean-2024-25", "c1-mean-2024-25", "over-85-rise-2034", "demand-rise-decade", "outcomes-vary",
            "efficiencies-10m", "wider-benefits-80m")


def load_register() -> dict[str, Claim]:
    return _load()[0]


def out_of_scope() -> tuple[OutOfScope, ...]:
    return _load()[1]


def claim(claim_id: str) -> Claim:
    reg = load_register()
    if claim_id not in reg:
        raise KeyError(f"No claim '{claim_id}' in book/claims.yaml; known: {', '.join(reg)}")
    return reg[claim_id]


__all__ = ["Claim", "OutOfScope", "VERDICTS", "claim", "load_register", "out_of_scope", "register_path"]
