"""Book parameters: one validated model, defaults in params/default.yaml.

Validation happens before any notebook runs; every error names the parameter, the value
given and what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

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

    demand_area: str = Field("GROUP", description="Footprint of the demand chapter: RYD (SECAmb), RYE (SCAS) "
                             "or GROUP (both).", json_schema_extra={"allowed": ["GROUP", "RYD", "RYE"]})
    base_year: int = Field(2025, ge=2022, le=2040, description="Base year of the demand projections (mid-year "
                           "population; financial year starting in April of that year).")
    horizon_year: int = Field(2035, ge=2023, le=2047, description="Last year of the demand projections "
                              "(ONS projections run to mid-2047).")
    covid_handling: str = Field("exclude", description="How forecasts treat Mar 2020–Mar 2021: 'exclude' "
                                "(train on later months) or 'intervention' (a step indicator in SARIMA).",
                                json_schema_extra={"allowed": ["exclude", "intervention"]})
    backtest_start: str = Field("2023-09", pattern=r"^20\d\d-(0[1-9]|1[0-2])$",
                                description="First forecast origin of the rolling back-test (YYYY-MM, "
                                            "from 2022-06 to 2025-03 so that a year of actuals follows).")
    forecast_model: str = Field("ets", description="Model for the demand chapter's monthly forecasts: 'ets' or "
                                "'sarima' (both are back-tested whichever is chosen).",
                                json_schema_extra={"allowed": ["ets", "sarima"]})
    age_rates: dict[str, float] = Field(default_factory=dict, description="Overrides of the relative ambulance "
                                        "use rates by age group (ages 15-64 = 1): keys 0-14, 65-74, 75-84, 85+; "
                                        "values above 0 and at most 20.")

    @field_validator("trust", "demand_area", "covid_handling", "forecast_model")
    @classmethod
    def _one_of(cls, v: str, info) -> str:
        """Fields with a fixed list of values: the list is the field's `allowed` (named in the error)."""
        allowed = cls.model_fields[info.field_name].json_schema_extra["allowed"]
        if v not in allowed:
            raise ValueError(f"'{v}' is not one of the allowed values")
        return v

    @field_validator("backtest_start")
    @classmethod
    def _origin(cls, v: str) -> str:
        if not ("2022-06" <= v <= "2025-03"):
            raise ValueError(f"'{v}' is outside 2022-06 to 2025-03")
        return v

    @field_validator("age_rates")
    @classmethod
    def _rates(cls, v: dict[str, float]) -> dict[str, float]:
        allowed = ("0-14", "65-74", "75-84", "85+")
        bad = [k for k in v if k not in allowed]
        if bad:
            raise ValueError(f"unknown age group(s) {bad}; allowed keys: {', '.join(allowed)}")
        out = [f"{k}={x}" for k, x in v.items() if not (0 < x <= 20)]
        if out:
            raise ValueError(f"rates must be above 0 and at most 20: {', '.join(out)}")
        return v

    @model_validator(mode="after")
    def _years(self):
        if self.horizon_year <= self.base_year:
            raise ValueError(f"horizon_year ({self.horizon_year}) must be after base_year ({self.base_year})")
        return self

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
        key = ".".join(str(p) for p in err["loc"]) or "base_year/horizon_year"
        if err["type"] == "extra_forbidden":
            lines.append(f"Unknown parameter '{key}'. Known parameters: {', '.join(BookParams.model_fields)}.")
            continue
        msg = err["msg"].removeprefix("Value error, ")
        if not err["loc"]:  # a rule across several parameters
            lines.append(f"Parameters {key} are not valid together: {msg}.")
            continue
        field = BookParams.model_fields.get(str(err["loc"][0]))
        allowed = allowed_text(field) if field is not None else ""
        # A bare type name ("dict", "str") adds nothing to a message that already says what is allowed.
        allowed = f" Allowed: {allowed}." if allowed and allowed not in ("dict", "str") else ""
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
