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
    function: str | None = None  # se_ambulance.claims.evaluate.<a function registered with @claim_function>
    arguments: dict[str, str] = {}  # the function's own arguments beyond (claim, inputs), e.g. {category: C1}
    reading: str | None = None  # the reading its audience would take (claims.rule); the only one if omitted
    reading_why: str | None = None  # why that reading (shown on the claims page)
    computed: bool = False
    verdict: str | None = None
    evidence: str | None = None

    @property
    def figure(self) -> float:
        """The claimed figure, for code that needs one (a claim stating no figure is an error there)."""
        if self.value is None:
            raise ValueError(f"claim {self.id} states no figure (value)")
        return self.value

    @model_validator(mode="after")
    def _verdict_or_computed(self):
        if self.computed == (self.verdict is not None):
            raise ValueError(f"claim {self.id}: give either computed: true or a verdict, not both or neither")
        if self.computed:
            if self.reading and not self.reading_why:
                raise ValueError(
                    f"claim {self.id}: say why its audience would take the reading '{self.reading}' (reading_why)"
                )
            if self.wording not in WORDINGS:
                raise ValueError(f"claim {self.id}: a computed claim needs wording: one of {', '.join(WORDINGS)}")
            if not self.scope or not self.function:
                raise ValueError(f"claim {self.id}: a computed claim needs its scope and function")
        elif self.verdict not in (NOT_TESTED, UNTESTABLE):
            raise ValueError(
                f"claim {self.id}: a stated verdict must be '{NOT_TESTED}' or '{UNTESTABLE}' "
                "(verdicts on evidence are computed, never typed)"
            )
        if self.verdict is not None and not self.evidence:
            raise ValueError(f"claim {self.id}: a stated verdict needs its evidence")
        return self


class OutOfScope(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seed: str
    quote: str
    reason: str


FUNCTION_PREFIX = "se_ambulance.claims.evaluate."


def _check_functions(claims: list[Claim]) -> None:
    """Every computed claim names a function registered in `claims.evaluate` (with @claim_function) and gives
    exactly the arguments it takes beyond (claim, inputs): the one entry a claim needs is checked when the
    register is read, and `publish.claims_text` reads it when it is imported."""
    import inspect

    from se_ambulance.claims.evaluate import FUNCTIONS

    for c in claims:
        if not c.computed:
            continue
        assert c.function is not None  # a computed claim has one (Claim's validator)
        name = c.function.removeprefix(FUNCTION_PREFIX)
        if not c.function.startswith(FUNCTION_PREFIX) or name not in FUNCTIONS:
            raise ValueError(
                f"claim {c.id}: function '{c.function}' is not a claim function; allowed: "
                + ", ".join(FUNCTION_PREFIX + f for f in sorted(FUNCTIONS))
            )
        wanted = list(inspect.signature(FUNCTIONS[name].fn).parameters)[2:]
        if sorted(c.arguments) != sorted(wanted):
            raise ValueError(
                f"claim {c.id}: function {name} takes the arguments {wanted or 'none'} beyond "
                f"(claim, inputs); the register gives {sorted(c.arguments) or 'none'}"
            )


def register_path() -> Path:
    return project_root() / "book" / "claims.yaml"


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, Claim], tuple[OutOfScope, ...], tuple[str, ...]]:
    raw = yaml.safe_load(register_path().read_text(encoding="utf-8"))
    try:
        claims = [Claim(**c) for c in raw["claims"]]
        out = tuple(OutOfScope(**o) for o in raw.get("out_of_scope", []))
        _check_functions(claims)
    except ValueError as e:
        raise DataError(f"book/claims.yaml is not valid: {e}") from e
    ids = [c.id for c in claims]
    if len(set(ids)) != len(ids):
        raise DataError("book/claims.yaml has duplicate claim ids.")
    headline = tuple(raw.get("headline") or ())
    unknown = [h for h in headline if h not in ids]
    if unknown or len(set(headline)) != len(headline):
        raise DataError(
            f"book/claims.yaml: headline lists unknown or repeated claims {unknown}; known: {', '.join(ids)}"
        )
    return {c.id: c for c in claims}, out, headline


def headline() -> tuple[str, ...]:
    """The claims the introduction and the claims page both lead with, in order (`headline:` in the register, so
    the two pages cannot differ)."""
    return _load()[2]


def __getattr__(name: str):
    """`HEADLINE`, read from the register on first use (the pages import it by that name)."""
    if name == "HEADLINE":
        return headline()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_register() -> dict[str, Claim]:
    return _load()[0]


def out_of_scope() -> tuple[OutOfScope, ...]:
    return _load()[1]


def claim(claim_id: str) -> Claim:
    reg = load_register()
    if claim_id not in reg:
        raise KeyError(f"No claim '{claim_id}' in book/claims.yaml; known: {', '.join(reg)}")
    return reg[claim_id]


__all__ = ["Claim", "OutOfScope", "VERDICTS", "claim", "headline", "load_register", "out_of_scope", "register_path"]
