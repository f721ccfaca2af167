"""Book parameters: one validated model, defaults in params/default.yaml.

Validation happens before any notebook runs; every error names the parameter, the value
given and what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ParameterError
from .orgs import ALL_ORGS, COMBINED, PROVIDERS
from .paths import project_root

COMPARATOR_CODES = sorted(set(ALL_ORGS) | set(COMBINED))


class BookParams(BaseModel):
    """Every parameter a chapter can take. Chapters read the subset named in their parameters cell."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    trust: str = Field("RYD", description="Focus ambulance trust (AmbSYS provider code).",
                       json_schema_extra={"allowed": sorted(PROVIDERS)})
    comparators: list[str] = Field(
        default_factory=lambda: ["RYE", "GROUP", "Eng"],
        description="Organisations shown beside the focus trust: provider codes, region codes "
                    "(Y56...Y63), Eng, or GROUP (SCAS + SECAmb pooled by incidents).",
        json_schema_extra={"allowed": COMPARATOR_CODES},
        min_length=0, max_length=6,
    )
    claim_year: int = Field(2024, ge=2018, le=2025,
                            description="Start year of the financial year the case's response-time "
                                        "figures refer to (2024 = 2024/25).")

    @field_validator("trust")
    @classmethod
    def _trust(cls, v: str) -> str:
        if v not in PROVIDERS:
            raise ValueError(f"'{v}' is not an ambulance provider in AmbSYS")
        return v

    @field_validator("comparators")
    @classmethod
    def _comparators(cls, v: list[str]) -> list[str]:
        bad = [c for c in v if c not in COMPARATOR_CODES]
        if bad:
            raise ValueError(f"unknown organisation code(s) {bad}")
        if len(set(v)) != len(v):
            raise ValueError("comparators must not repeat a code")
        return v


def _describe(e: ValidationError) -> str:
    lines = []
    for err in e.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(parameters)"
        if err["type"] == "extra_forbidden":
            lines.append(f"Unknown parameter '{key}'. Known parameters: {', '.join(BookParams.model_fields)}.")
            continue
        field = BookParams.model_fields.get(str(err["loc"][0])) if err["loc"] else None
        allowed = ""
        if field is not None:
            allowed = f" Allowed: {allowed_text(field)}."
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"Parameter '{key}' = {err.get('input')!r} is not valid: {msg}.{allowed}")
    return "\n".join(lines)


def allowed_text(field) -> str:
    """What a field accepts, in words: its list of codes, or its type and bounds."""
    extra = field.json_schema_extra or {}
    if "allowed" in extra:
        prefix = "one of " if field.annotation is str else "a list drawn from "
        return prefix + ", ".join(extra["allowed"])
    parts = []
    for m in field.metadata:
        for k, word in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            val = getattr(m, k, None)
            if val is not None:
                parts.append(f"{word} {val}")
    typename = getattr(field.annotation, "__name__", str(field.annotation))
    return " ".join([typename, " and ".join(parts)]).strip()


def parse_set(items: list[str] | None) -> dict[str, Any]:
    """`key=value` overrides; values are read as YAML so lists and numbers work."""
    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            raise ParameterError(f"--set expects key=value, got {item!r}.")
        key, value = item.split("=", 1)
        try:
            out[key.strip()] = yaml.safe_load(value)
        except yaml.YAMLError as e:
            raise ParameterError(f"--set {key}: {value!r} is not a valid value: {e}") from e
    return out


def default_params_path() -> Path:
    return project_root() / "params" / "default.yaml"


def load_params(path: Path | None = None, overrides: dict[str, Any] | None = None) -> BookParams:
    """Read a parameter file (default: params/default.yaml), apply overrides, validate."""
    path = Path(path) if path else default_params_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as e:
        raise ParameterError(f"The parameter file {path} does not exist.") from e
    except yaml.YAMLError as e:
        raise ParameterError(f"The parameter file {path} is not valid YAML: {e}") from e
    if not isinstance(data, dict):
        raise ParameterError(f"The parameter file {path} must be a mapping of parameter: value.")
    data.update(overrides or {})
    try:
        return BookParams(**data)
    except ValidationError as e:
        raise ParameterError(f"Invalid parameters (from {path.name}):\n{_describe(e)}") from e
