"""Book parameters: one validated model, defaults in params/default.yaml.

Validation happens before any notebook runs; every error names the parameter, the value
given and what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from se_ambulance.reference.benefits import ITEM_IDS, OVERRIDABLE, apply_overrides
from se_ambulance.errors import ParameterError
from se_ambulance.reference.orgs import ALL_ORGS, COMBINED, PROVIDERS
from se_ambulance.paths import project_root

COMPARATOR_CODES = sorted(set(ALL_ORGS) | set(COMBINED))


class Range(BaseModel):
    """An uncertain input: low, central (most likely) and high; the Monte Carlo draws from a triangle."""

    model_config = ConfigDict(extra="forbid")
    low: float
    central: float
    high: float

    @model_validator(mode="after")
    def _ordered(self):
        if not (self.low <= self.central <= self.high):
            raise ValueError(f"low ({self.low:g}) <= central ({self.central:g}) <= high ({self.high:g}) "
                             "must hold")
        return self


def _range(low: float, central: float, high: float, description: str):
    return Field(default_factory=lambda: Range(low=low, central=central, high=high),
                 description=f"{description} Default low/central/high: {low:g}/{central:g}/{high:g}.")


def _within(r: Range, lo: float, hi: float, what: str) -> Range:
    bad = [f"{k}={getattr(r, k):g}" for k in ("low", "central", "high") if not (lo <= getattr(r, k) <= hi)]
    if bad:
        raise ValueError(f"{what} must be between {lo:g} and {hi:g}: {', '.join(bad)}")
    return r


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


    # The appraisal (chapter 5). Ranges are low/central/high; sources are in the chapter and the assumptions log.
    appraisal_years: int = Field(10, ge=3, le=30, description="Length of the appraisal in financial years from "
                                 "2025/26 (Green Book: 10 years is usual for organisational change).")
    discount_rate: float = Field(0.035, ge=0, le=0.1, description="Discount rate a year (Green Book: 3.5%).")
    mc_draws: int = Field(20000, ge=1000, le=200_000, description="Monte Carlo draws (at most 200,000 so "
                          "that a chapter stays within memory and a few seconds).")
    mc_seed: int = Field(2025, ge=0, le=2**32 - 1, description="Seed of the Monte Carlo random numbers.")
    realisation: Range = _range(0.28, 0.69, 1.0, "Share of planned benefits realised, a probability 0–1 (NAO "
                                "2016: 28%; Fulop et al. 2002: 69% by year 2).")
    cost_optimism_bias: Range = _range(0.10, 0.50, 2.00, "Uplift on costs for optimism bias, 0 or more (Green "
                                       "Book supplementary guidance: up to 200% for equipment and development).")
    benefit_delay_years: Range = _range(0.0, 1.0, 2.0, "Delay to every benefit in years, 0–10 (Fulop et al. "
                                        "2002: service developments slipped 18 months or more).")
    turnover_uplift: Range = _range(1.0, 1.15, 1.30, "Change in prices and pay from 2019/20 to 2025/26 applied "
                                    "to the income estimate, 0.5–3.")
    group_turnover_m: float | None = Field(None, gt=0, le=5000, description="The group's yearly income in £m, "
                                           "if known (replaces the estimate from SECAmb's 2019/20 income and "
                                           "activity, and turnover_uplift).")
    value_per_conveyance: Range = _range(200.0, 400.0, 800.0, "Value to the NHS of one avoided conveyance to "
                                         "ED in £, at least 1 (used only to translate £80m into conveyances).")
    register_overrides: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="Changes to benefits-register items: {item: {field: value}}; items: "
        + ", ".join(ITEM_IDS) + "; fields: " + ", ".join(OVERRIDABLE) + ". Values are fractions of the item's "
        "basis (see chapter 5); none may be negative.")

    @field_validator("realisation")
    @classmethod
    def _probability(cls, v: Range) -> Range:
        return _within(v, 0, 1, "a probability")

    @field_validator("cost_optimism_bias")
    @classmethod
    def _non_negative(cls, v: Range) -> Range:
        return _within(v, 0, 1e6, "an uplift")

    @field_validator("value_per_conveyance")
    @classmethod
    def _positive_pounds(cls, v: Range) -> Range:
        return _within(v, 1, 1e6, "a value in £")

    @field_validator("benefit_delay_years")
    @classmethod
    def _delay(cls, v: Range) -> Range:
        return _within(v, 0, 10, "a delay in years")

    @field_validator("turnover_uplift")
    @classmethod
    def _uplift(cls, v: Range) -> Range:
        return _within(v, 0.5, 3, "a price index ratio")

    @field_validator("register_overrides")
    @classmethod
    def _overrides(cls, v: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        apply_overrides(v)
        return v

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
    if field.annotation is Range:
        return "a mapping {low, central, high} of numbers with low <= central <= high"
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
    """`key=value` overrides; values are read as YAML so lists and numbers work. A dotted key
    (`realisation.high=0.9`, `register_overrides.estates.high=0.01`) changes one part of a mapping."""
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


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    """Set `key` in `data`; a dotted key updates one entry of a mapping parameter, starting from the
    file's value or the default."""
    head, _, rest = key.partition(".")
    if not rest:
        data[key] = value
        return
    current = data.get(head)
    if current is None and head in BookParams.model_fields:
        current = BookParams.model_fields[head].get_default(call_default_factory=True)
    if isinstance(current, BaseModel):
        current = current.model_dump()
    elif current is None or isinstance(current, dict):
        current = dict(current or {})
    else:
        raise ParameterError(f"--set {key}: parameter '{head}' is not a mapping, so it has no entry to set.")
    parts = rest.split(".")
    node = current
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ParameterError(f"--set {key}: '{part}' is not a mapping, so it has no entry to set.")
    node[parts[-1]] = value
    data[head] = current


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
    for key, value in (overrides or {}).items():
        _set(data, key, value)
    try:
        return BookParams(**data)
    except ValidationError as e:
        raise ParameterError(f"Invalid parameters (from {path.name}):\n{_describe(e)}") from e
