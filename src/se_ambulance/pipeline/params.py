"""Book parameters: nested, validated models by area, with one home for defaults.

`params/default.yaml` lists every parameter with its default; a test proves it equals the models
below. A chapter's `parameters` cell declares the areas it uses (`performance`, `demand`,
`appraisal`) and papermill injects each as a mapping, so every number a page shows follows the
parameters it was built with. Validation happens before any notebook runs; every error names the
parameter, the value given and what is allowed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from se_ambulance.errors import ParameterError
from se_ambulance.paths import project_root
from se_ambulance.reference.benefits import ITEM_IDS, OVERRIDABLE, apply_overrides
from se_ambulance.reference.finance import DEFAULT_INCOME_SOURCE, INCOME_SOURCE_IDS, INCOME_SOURCES
from se_ambulance.reference.orgs import ALL_ORGS, CASE_GROUP_MEMBERS, CASE_GROUP_NAME, GROUP_CODE, PROVIDERS
from se_ambulance.reference import evaluation as _ev
from se_ambulance.reference.system_changes import DEFAULT_SPC_BREAKS
from se_ambulance.reference.use_rates import DEFAULT_RATES, RATED_GROUPS

COMPARATOR_CODES = sorted(set(ALL_ORGS) | {GROUP_CODE})
AREAS = ("focus", "group", "performance", "demand", "appraisal", "evaluation")
# Areas of independent choices: a chapter receives only the keys of these that its parameters cell lists
# (every other area reaches a chapter whole, as the functions it calls take the whole area).
PARTIAL_AREAS = ("focus",)


class _Model(BaseModel):
    # No unknown keys, no infinite or NaN numbers, and checks on every assignment.
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


class Range(_Model):
    """An uncertain input: low, central (most likely) and high."""

    low: float
    central: float
    high: float

    @model_validator(mode="after")
    def _ordered(self):
        if not (self.low <= self.central <= self.high):
            raise ValueError(f"low ({self.low:g}) <= central ({self.central:g}) <= high ({self.high:g}) must hold")
        return self

    def values(self) -> tuple[float, float, float]:
        return self.low, self.central, self.high


def _range(low: float, central: float, high: float, description: str):
    return Field(
        default_factory=lambda: Range(low=low, central=central, high=high),
        description=f"{description} Default low/central/high: {low:g}/{central:g}/{high:g}.",
    )


def _within(r: Range, lo: float, hi: float, what: str) -> Range:
    bad = [f"{k}={getattr(r, k):g}" for k in ("low", "central", "high") if not (lo <= getattr(r, k) <= hi)]
    if bad:
        raise ValueError(f"{what} must be between {lo:g} and {hi:g}: {', '.join(bad)}")
    return r


def _one_of(model: type[BaseModel], name: str, v: str) -> str:
    """Fields with a fixed list of values: the list is the field's `allowed` (named in the error)."""
    allowed = model.model_fields[name].json_schema_extra["allowed"]
    if v not in allowed:
        raise ValueError(f"'{v}' is not one of the allowed values")
    return v


def _distinct_codes(v: list[str], allowed, kind: str, what: str) -> list[str]:
    """A list of codes drawn from `allowed`, none repeated."""
    bad = [c for c in v if c not in allowed]
    if bad:
        raise ValueError(f"unknown {kind} code(s) {bad}")
    if len(set(v)) != len(v):
        raise ValueError(f"{what} must not repeat a code")
    return v


class FocusParams(_Model):
    """What the trust-dependent chapters are about: the trust of chapters 1-3 and who stands beside it, and
    the footprint of the demand chapter. Nothing else depends on it (the claims are judged on their own
    scope), and each chapter takes only the keys it uses (see PARTIAL_AREAS): a book for another trust
    re-executes chapters 1-3, and one for another demand footprint re-executes chapter 4."""

    trust: str = Field(
        "RYD",
        description="Focus ambulance trust (AmbSYS provider code).",
        json_schema_extra={"allowed": sorted(PROVIDERS)},
    )
    comparators: list[str] = Field(
        default_factory=lambda: ["RYE", "GROUP", "Eng"],
        description="Organisations shown beside the focus trust: provider codes, region codes "
        "(Y56...Y63), Eng, or GROUP (the `group` parameter's trusts pooled by incidents; "
        "default SCAS + SECAmb).",
        json_schema_extra={"allowed": COMPARATOR_CODES},
        min_length=0,
        max_length=6,
    )
    demand_area: str = Field(
        "GROUP",
        description="Footprint of the demand chapter: GROUP (the `group` "
        "parameter's trusts; default SCAS + SECAmb) or any trust's code. SECAmb and SCAS (alone or "
        "together) use the book's county construction, every other trust its apportioned sub-ICB "
        "footprint (analysis.footprints). The claims are judged on their own scope whatever this is.",
        json_schema_extra={"allowed": ["GROUP", *sorted(PROVIDERS)]},
    )

    @field_validator("trust", "demand_area")
    @classmethod
    def _trust(cls, v: str, info) -> str:
        return _one_of(cls, info.field_name, v)

    @field_validator("comparators")
    @classmethod
    def _comparators(cls, v: list[str]) -> list[str]:
        return _distinct_codes(v, COMPARATOR_CODES, "organisation", "comparators")


# A group's name is shown as plain text in headings, charts and tables: letters (of any alphabet, accented or not),
# digits, spaces and a few marks; no markup, no control or invisible characters.
GROUP_NAME_PATTERN = r"[^\W_](?:[^\W_]|[ +&,.'()/-])*"


def group_name_from(members: list[str] | tuple[str, ...]) -> str:
    """A group's name made from its trusts' short names: 'NWAS + YAS'; the case's trusts are 'SCAS + SECAmb'; more
    than fits in 60 characters is 'A group of N trusts'."""
    if set(members) == set(CASE_GROUP_MEMBERS):
        return CASE_GROUP_NAME
    import re

    short = [(m.group(1) if (m := re.search(r"\(([^)]+)\)$", PROVIDERS[c])) else PROVIDERS[c]) for c in members]
    name = " + ".join(short)
    return name if len(name) <= 60 else f"A group of {len(members)} trusts"


class GroupParams(_Model):
    """The group every group figure follows (chapters 1, 3, 4, 5 and 9): the trusts pooled as GROUP, the
    demand chapter's GROUP footprint, the appraisal's scale and Carter share, the evaluation's treated unit,
    and the chart labels. The claims register does not depend on it: each claim is judged on its own scope
    (the case's claims on SCAS + SECAmb, seed 002's on LAS + SCAS), and pages say so when the group differs."""

    name: str = Field(
        CASE_GROUP_NAME,
        min_length=1,
        max_length=60,
        description="The group's name as the book shows it, plain text of 1-60 characters (letters, "
        "digits, spaces and + & , . ' ( ) / -), e.g. 'LAS + SCAS'. Left out, it is made "
        "from the trusts' short names ('NWAS + YAS'), so a group given only by its trusts "
        "is never shown under another group's name.",
    )
    members: list[str] = Field(
        default_factory=lambda: list(CASE_GROUP_MEMBERS),
        description="The group's trusts: 2-10 different AmbSYS provider codes. Default: "
        "SECAmb and SCAS, the South Central and South East Ambulance Group "
        "(seed 000).",
        json_schema_extra={"allowed": sorted(PROVIDERS)},
        min_length=2,
        max_length=10,
    )

    @model_validator(mode="before")
    @classmethod
    def _name_from_members(cls, data: Any) -> Any:
        """A group given by its trusts alone is named from them: naming it cannot mislabel it, where refusing would
        ask the reader for a second value that adds nothing (and any name they prefer can still be given)."""
        if isinstance(data, dict) and data.get("name") is None and isinstance(data.get("members"), list):
            codes = [str(m) for m in data["members"]]
            if all(c in PROVIDERS for c in codes):
                data = {**data, "name": group_name_from(codes)}
        return data

    @model_validator(mode="after")
    def _name_fits_members(self):
        if self.name == CASE_GROUP_NAME and set(self.members) != set(CASE_GROUP_MEMBERS):
            raise ValueError(
                f"the name '{CASE_GROUP_NAME}' is the case's group (SECAmb and SCAS), not "
                f"{', '.join(self.members)}: give group.name, or leave it out to name the group from its "
                "trusts"
            )
        return self

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        import re

        import unicodedata

        v = unicodedata.normalize("NFC", v)  # 'é' typed as e + a combining accent is the letter é
        if v != v.strip() or not re.fullmatch(GROUP_NAME_PATTERN, v):
            raise ValueError(
                "a plain-text name is expected: letters (accented ones too), digits, spaces and "
                "+ & , . ' ( ) / -, starting with a letter or digit, without leading or trailing spaces"
            )
        return v

    @field_validator("members")
    @classmethod
    def _members(cls, v: list[str]) -> list[str]:
        return _distinct_codes(v, PROVIDERS, "trust", "members")


class PerformanceParams(_Model):
    """Chapters 1-3 and the response-time claims: the year of the case's figures and the SPC limits."""

    claim_year: int = Field(
        2024,
        ge=2018,
        le=2025,
        description="Start year of the financial year the case's response-time figures refer to (2024 = 2024/25).",
    )
    spc_breaks: list[str] = Field(
        default_factory=lambda: list(DEFAULT_SPC_BREAKS),
        description="Months (YYYY-MM, ascending, from 2017-09 to 2030-12) at which the SPC charts' limits are "
        "re-calculated after a known change to the system; [] for whole-period limits. Default: "
        "the book's table of system changes (ARP bedded in, COVID start and end, UEC recovery plan year).",
        max_length=12,
    )

    @field_validator("spc_breaks")
    @classmethod
    def _spc_breaks(cls, v: list[str]) -> list[str]:
        import re

        bad = [b for b in v if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(b)) or not "2017-09" <= b <= "2030-12"]
        if bad:
            raise ValueError(f"break months must be YYYY-MM between 2017-09 and 2030-12: {bad}")
        if list(v) != sorted(set(v)):
            raise ValueError("break months must be in ascending order without repeats")
        return v


def _default_age_rates() -> dict[str, Range]:
    return {g: Range(low=lo, central=c, high=hi) for g, (lo, c, hi) in DEFAULT_RATES.items()}


class DemandParams(_Model):
    """Chapter 4 and the demand claims: years, COVID handling, forecasts and use rates."""

    base_year: int = Field(
        2025,
        ge=2022,
        le=2040,
        description="Base year of the demand projections (mid-year "
        "population; financial year starting in April of that year).",
    )
    horizon_year: int = Field(
        2035, ge=2023, le=2047, description="Last year of the demand projections (ONS projections run to mid-2047)."
    )
    covid_handling: str = Field(
        "exclude",
        description="How forecasts treat Mar 2020–Mar 2021: 'exclude' "
        "(train on later months) or 'intervention' (a step indicator in SARIMA).",
        json_schema_extra={"allowed": ["exclude", "intervention"]},
    )
    backtest_start: str = Field(
        "2023-09",
        description="First forecast origin of the rolling back-test (YYYY-MM, "
        "from 2022-06 to 2025-03 so that a year of actuals follows).",
    )
    forecast_model: str = Field(
        "best",
        description="Model for the demand chapter's monthly forecasts: 'best' (the "
        "model with the lowest mean MASE in the rolling-origin back-test), 'ets' or 'sarima' "
        "(every model is back-tested whichever is chosen).",
        json_schema_extra={"allowed": ["best", "ets", "sarima"]},
    )
    age_rates: dict[str, Range] = Field(
        default_factory=_default_age_rates,
        description="Relative ambulance use by age group (ages 15-64 = 1), each {low, central, high}: keys "
        + ", ".join(RATED_GROUPS)
        + "; values above 0 and at most 20. The central values drive "
        "the demographic projection, the ranges its uncertainty.",
    )

    @field_validator("covid_handling", "forecast_model")
    @classmethod
    def _choices(cls, v: str, info) -> str:
        return _one_of(cls, info.field_name, v)

    @field_validator("backtest_start")
    @classmethod
    def _origin(cls, v: str) -> str:
        import re

        if not re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", v):
            raise ValueError("a month written YYYY-MM is expected, e.g. 2023-09")
        if not ("2022-06" <= v <= "2025-03"):
            raise ValueError(f"'{v}' is outside 2022-06 to 2025-03")
        return v

    @field_validator("age_rates", mode="before")
    @classmethod
    def _rates_complete(cls, v: Any) -> Any:
        """A partial mapping changes only the groups it names; the others keep their defaults."""
        if not isinstance(v, dict):
            return v
        bad = [k for k in v if k not in RATED_GROUPS]
        if bad:
            raise ValueError(f"unknown age group(s) {bad}; allowed keys: {', '.join(RATED_GROUPS)}")
        full = {g: r.model_dump() for g, r in _default_age_rates().items()}
        for g, r in v.items():
            if isinstance(r, Range):
                r = r.model_dump()
            if not isinstance(r, dict):
                raise ValueError(f"age group {g}: expected a mapping {{low, central, high}}, got {r!r}")
            full[g] = {**full[g], **r}
        return full

    @field_validator("age_rates")
    @classmethod
    def _rates_bounded(cls, v: dict[str, Range]) -> dict[str, Range]:
        out = [f"{g}.{k}={x:g}" for g, r in v.items() for k, x in r.model_dump().items() if not (0 < x <= 20)]
        if out:
            raise ValueError(f"rates must be above 0 and at most 20: {', '.join(out)}")
        return v

    @model_validator(mode="after")
    def _years(self):
        if self.horizon_year <= self.base_year:
            raise ValueError(f"horizon_year ({self.horizon_year}) must be after base_year ({self.base_year})")
        return self

    def rates(self) -> dict[str, tuple[float, float, float]]:
        """The use rates as plain (low, central, high) tuples, the form the analysis takes."""
        return {g: r.values() for g, r in self.age_rates.items()}


# Bounds of each appraisal range parameter: (lowest, highest, what it is).
APPRAISAL_RANGE_BOUNDS = {
    "realisation": (0, 1, "a probability"),
    "value_per_conveyance": (1, 1e6, "a value in £"),
    "benefit_delay_years": (0, 10, "a delay in years"),
    "turnover_uplift": (0.5, 3, "a price index ratio"),
    "planned_savings": (0, 1, "a share"),
}


class AppraisalParams(_Model):
    """Chapter 5 and the benefit claims. Ranges are low/central/high; each description gives the
    plausible range and the source (the chapter and the assumptions log give more)."""

    appraisal_years: int = Field(
        10,
        ge=3,
        le=30,
        description="Length of the appraisal in financial years from "
        "2025/26; plausible 5–15 (Green Book: 10 years is usual for organisational change).",
    )
    discount_rate: float = Field(
        0.035,
        ge=0,
        le=0.1,
        description="Discount rate a year; plausible 0.03–0.035 (Green Book: 3.5% for years 0–30, 3.0% after).",
    )
    mc_draws: int = Field(
        20000,
        ge=1000,
        le=200_000,
        description="Monte Carlo draws; plausible 10,000–100,000 (at "
        "most 200,000 so that a chapter stays within memory and a few seconds).",
    )
    mc_seed: int = Field(
        2025,
        ge=0,
        le=2**32 - 1,
        description="Seed of the Monte Carlo random numbers; plausible: any "
        "whole number 0 to 2^32 - 1 (the same seed gives the same answer; numpy PCG64).",
    )
    realisation: Range = _range(
        0.28,
        0.69,
        1.0,
        "Share of planned benefits realised, a probability 0–1, applied "
        "only to register lines sized as plans or opportunities (Carter), not to lines "
        "sized as realised outcomes (Monitor). Sources: NAO 2016 about 28%; Fulop et al. "
        "2002 36% in year 1, 69% in year 2.",
    )
    capital_optimism_bias: float = Field(
        0.5,
        ge=0,
        le=2,
        description="Optimism-bias uplift on the most likely "
        "estimate of one-off (capital-like) costs, a fraction; plausible 0.1–2.0, the "
        "lower and upper bounds for equipment/development projects in the Green "
        "Book supplementary guidance (Mott MacDonald 2002); reduced from the upper "
        "bound because the cost lines' own ranges quantify part of the risk.",
    )
    operating_optimism_bias: float = Field(
        0.0,
        ge=0,
        le=1,
        description="Optimism-bias uplift on the most likely "
        "estimate of recurring running costs, a fraction; plausible 0–0.41 (the "
        "supplementary guidance gives an operating-cost uplift only for "
        "outsourcing projects, 0–41%; none by default).",
    )
    benefit_delay_years: Range = _range(
        0.0,
        1.0,
        2.0,
        "Delay to every benefit in years, 0–10; plausible 0–3 "
        "(Fulop et al. 2002: service developments slipped 18 months or more).",
    )
    turnover_uplift: Range = _range(
        1.0,
        1.15,
        1.30,
        "Change in prices and pay from 2019/20 to 2025/26 applied "
        "to the income estimate and (at the same yearly rate, from 2018) to Carter's "
        "opportunity, 0.5–3; plausible 1.0–1.3 (NHS pay awards and GDP deflator "
        "over the period; our range).",
    )
    group_turnover_m: float | None = Field(
        None,
        gt=0,
        le=5000,
        description="The group's yearly income in £m, "
        "if known (replaces the estimate from published incomes and activity, and "
        "its range); plausible 500–900; source: the trusts' annual accounts.",
    )
    income_source: str = Field(
        DEFAULT_INCOME_SOURCE,
        description="The published income whose income per incident "
        "is taken as most likely for the group's income (the lowest and highest of all of them "
        "are its range): "
        + "; ".join(f"'{s.id}': {s.label} ({s.source})" for s in INCOME_SOURCES)
        + f". Default: '{DEFAULT_INCOME_SOURCE}', the only one that covers the group's own "
        "trusts. Source: each trust's annual accounts, as listed.",
        json_schema_extra={"allowed": list(INCOME_SOURCE_IDS)},
    )
    planned_savings: Range = _range(
        0.1,
        0.15,
        0.2,
        "Share of the cash lines that each trust's own plans also reach "
        "(corporate overheads, procurement, bank and agency staff) that the trusts had "
        "planned before the group, a share 0–1, removed as the do-nothing baseline; "
        "plausible 0.1–0.2 (SCAS cut about 120 of about 585 corporate posts from April "
        "2025 and ran a 2024/25 cost-improvement plan of about 9.6% of expenditure; "
        "SECAmb's plans were not found; our range).",
    )
    value_per_conveyance: Range = _range(
        150.0,
        400.0,
        1200.0,
        "Value to the NHS of one avoided conveyance to ED "
        "in £, at least 1 (used only to translate £80m into conveyances); no "
        "published unit cost was found in the sources searched (NHS National Cost "
        "Collection), so the range is wide and rated red: low = an ambulance "
        "journey only, high = journey plus an ED attendance and some admissions.",
    )
    register_overrides: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="Changes to benefits-register items: {item: {field: value}}; items: "
        + ", ".join(ITEM_IDS)
        + "; fields: "
        + ", ".join(OVERRIDABLE)
        + ". Values are fractions of the item's "
        "basis (see chapter 5); none may be negative. Source: the group's own benefits register, if published.",
    )

    @field_validator("income_source")
    @classmethod
    def _income_source(cls, v: str) -> str:
        if v not in INCOME_SOURCE_IDS:
            raise ValueError(f"'{v}' is not a published income the book holds; allowed: {', '.join(INCOME_SOURCE_IDS)}")
        return v

    @field_validator(*APPRAISAL_RANGE_BOUNDS)
    @classmethod
    def _bounded(cls, v: Range, info) -> Range:
        lo, hi, what = APPRAISAL_RANGE_BOUNDS[info.field_name]
        return _within(v, lo, hi, what)

    @field_validator("register_overrides")
    @classmethod
    def _overrides(cls, v: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        apply_overrides(v)
        return v


def _month(v: str, lo: str | None = None, hi: str | None = None) -> str:
    import re

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(v)):
        raise ValueError("a month written YYYY-MM is expected, e.g. 2025-10")
    if lo is not None and hi is not None and not lo <= v <= hi:
        raise ValueError(f"'{v}' is outside {lo} to {hi}")
    return v


def _add_months(month: str, n: int) -> str:
    """'2023-04' + 18 -> '2024-10'."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# The pre-period's first month, earliest and latest, and the fewest months it must hold before start_month.
_PRE_START_RANGE = ("2018-04", "2025-06")
_MIN_PRE_MONTHS = 18


def _meaningful(key: str, unit: str):
    t = _ev.MEANINGFUL[key]
    return Field(
        t.default, ge=t.low, le=t.high, description=f"In {unit}; plausible {t.low:g} to {t.high:g}. {t.meaning}"
    )


class MeaningfulParams(_Model):
    """The smallest change that matters, by outcome, in the outcome's own unit (the verdict rule from 7 December 2026;
    the rule of 22 November 2026 uses `meaningful_change`). Each default's meaning and source is in
    reference.evaluation.MEANINGFUL."""

    c2_mean: float = _meaningful("c2_mean", "minutes")
    c2_p90: float = _meaningful("c2_p90", "minutes")
    c1_mean: float = _meaningful("c1_mean", "minutes")
    c1_p90: float = _meaningful("c1_p90", "minutes")
    hear_and_treat: float = _meaningful("hear_and_treat", "percentage points")
    ed_conveyance: float = _meaningful("ed_conveyance", "percentage points")
    c2_mean_gap: float = _meaningful("c2_mean_gap", "minutes")


class EvaluationParams(_Model):
    """Chapter 9: the pre-registered evaluation of the group (design fixed on 22 November 2026, when AmbSYS held
    data to March 2026). Every value can be moved; the chapter shows what follows."""

    start_month: str = Field(
        _ev.DEFAULT_START_MONTH,
        description="First month the group counts as working "
        "(YYYY-MM, at least 18 months after pre_start and no later than the last month of the "
        "pinned AmbSYS release); plausible 2025-10 to 2026-04. Seed 000: the group 'will be "
        "rolled out gradually from late 2025 through to 2027' under 'a single chief executive and "
        "chair'; October 2025 is the first month of 'late 2025'.",
    )
    pre_start: str = Field(
        _ev.DEFAULT_PRE_START,
        description="First month of the pre-period the methods are fitted on "
        "(YYYY-MM, 2018-04 to 2025-06, at least 18 months before start_month); plausible 2021-04 to "
        "2024-04. Default: the UEC recovery plan year, the book's latest system change "
        "(reference.system_changes); earlier months hold the winter of 2022/23.",
    )
    outcomes: list[str] = Field(
        default_factory=lambda: list(_ev.OUTCOME_KEYS),
        description="Outcomes judged "
        "(the first is the headline; the C2 mean is always evaluated, as the power chart's "
        "outcome).",
        json_schema_extra={"allowed": list(_ev.OUTCOME_KEYS)},
        min_length=1,
        max_length=len(_ev.OUTCOME_KEYS),
    )
    excluded_donors: list[str] = Field(
        default_factory=lambda: list(_ev.DEFAULT_EXCLUDED_DONORS),
        description="Trusts left out of the donor pool (the members never are donors). "
        "Default: London (RRU: unlike any other trust, missing months in 2022, a "
        "partnership with SCAS since 2018) and the Isle of Wight (R1F: small and noisy, "
        "in the same NHS region as both members).",
        json_schema_extra={"allowed": sorted(PROVIDERS)},
        max_length=6,
    )
    placebo_min_pre_months: int = Field(
        12,
        ge=6,
        le=36,
        description="Months of pre-period each false start date "
        "(placebo in time) is fitted on, at least; plausible 12–24.",
    )
    alpha: float = Field(
        0.10,
        ge=0.01,
        le=0.2,
        description="Two-sided test level of both methods; plausible 0.05–0.1 "
        "(0.1 matches the 90% intervals of the claims rule).",
    )
    power: float = Field(
        0.8,
        ge=0.5,
        le=0.95,
        description="Power at which the smallest detectable change is stated; "
        "plausible 0.8–0.9 (0.8 is the usual convention, Cohen 1988).",
    )
    meaningful_change: float = Field(
        0.10,
        gt=0,
        le=0.5,
        description="The verdict rule of 22 November 2026: the "
        "smallest change that matters, as a share of the group's pre-period level (for the "
        "gap, of its C2 mean); plausible 0.05–0.2; our judgement: 0.1 is about 3 minutes on "
        "the C2 mean, half the cut the 30-minute interim target asked of England's 2023/24 "
        "C2 mean (36:23). The rule of 7 December 2026 uses `meaningful` instead.",
    )
    meaningful: MeaningfulParams = Field(
        default_factory=MeaningfulParams,
        description="The verdict rule of 7 December "
        "2026: the smallest change that matters, by outcome, in its own unit (minutes; "
        "percentage points for the two shares), each with its stated meaning.",
    )
    min_post_months: int = Field(
        3,
        ge=1,
        le=24,
        description="Months after the start before any verdict other than 'too early to tell'; plausible 3–12.",
    )
    power_until: str = Field(
        _ev.DEFAULT_POWER_UNTIL,
        description="Last month the power chart looks ahead to (YYYY-MM, "
        "after start_month, by 2030-12); seed 000: rolled out 'through to 2027'.",
    )

    @field_validator("start_month")
    @classmethod
    def _start(cls, v: str) -> str:
        return _month(v)  # its range depends on pre_start and on the data: checked in _order

    @field_validator("pre_start")
    @classmethod
    def _pre(cls, v: str) -> str:
        return _month(v, *_PRE_START_RANGE)

    @field_validator("power_until")
    @classmethod
    def _until(cls, v: str) -> str:
        return _month(v, "2024-02", "2030-12")

    @field_validator("outcomes", "excluded_donors")
    @classmethod
    def _lists(cls, v: list[str], info) -> list[str]:
        allowed = cls.model_fields[info.field_name].json_schema_extra["allowed"]
        bad = [x for x in v if x not in allowed]
        if bad:
            raise ValueError(f"unknown value(s) {bad}")
        if len(set(v)) != len(v):
            raise ValueError("values must not repeat")
        return v

    @model_validator(mode="after")
    def _order(self):
        from se_ambulance.data.releases import pinned_release

        data = pinned_release()
        last = f"{data.year:04d}-{data.month:02d}"
        first = _add_months(self.pre_start, _MIN_PRE_MONTHS)
        allowed = (
            f"Allowed with pre_start {self.pre_start}: a start_month from {first} to {last} ({data.month_words} "
            f"is the last month of the pinned AmbSYS release)"
            if first <= last
            else f"Allowed: no start_month with pre_start {self.pre_start}, since the pinned AmbSYS release ends in "
            f"{data.month_words}; a pre_start of {_add_months(last, -_MIN_PRE_MONTHS)} or earlier"
        )
        if self.start_month > last:
            raise ValueError(
                f"start_month ({self.start_month}) is after {data.month_words}, the last month of the pinned "
                f"AmbSYS release ({data.name}), so no month since the start could be judged. {allowed}"
            )
        if self.start_month < first:
            raise ValueError(
                f"start_month ({self.start_month}) is less than {_MIN_PRE_MONTHS} months after pre_start "
                f"({self.pre_start}): the methods are fitted on at least {_MIN_PRE_MONTHS} months before the "
                f"start. {allowed}"
            )
        if self.power_until <= self.start_month:
            raise ValueError(f"power_until ({self.power_until}) must be after start_month ({self.start_month})")
        return self


class BookParams(_Model):
    """Every parameter of the book, by area. A chapter declares the areas it reads."""

    focus: FocusParams = Field(
        default_factory=FocusParams, description="The trust the performance chapters are about, and its comparators."
    )
    group: GroupParams = Field(
        default_factory=GroupParams, description="The group's name and trusts (GROUP): every group figure follows it."
    )
    performance: PerformanceParams = Field(
        default_factory=PerformanceParams, description="Response-time chapters and claims."
    )
    demand: DemandParams = Field(default_factory=DemandParams, description="Demand chapter and claims.")
    appraisal: AppraisalParams = Field(
        default_factory=AppraisalParams, description="Green Book appraisal and the benefit claims."
    )
    evaluation: EvaluationParams = Field(
        default_factory=EvaluationParams, description="The pre-registered evaluation of the group (chapter 9)."
    )

    def area(self, name: str) -> dict[str, Any]:
        """One area as the plain mapping papermill injects into a chapter."""
        return getattr(self, name).model_dump(mode="json")

    @model_validator(mode="after")
    def _donors_left(self):
        """The evaluation's donor-pool rule (`analysis.evaluation.design.donor_pool`), applied before any chapter
        runs: a group and exclusions that leave fewer than MIN_DONORS donor trusts would stop chapter 9 after
        the chapters before it had run."""
        from se_ambulance.analysis.evaluation.design import donor_pool, formed_groups, shares_leadership

        members, excluded = self.group.members, self.evaluation.excluded_donors
        window_from = self.evaluation.pre_start
        donors = donor_pool(sorted(PROVIDERS), members, excluded, window_from)
        if len(donors) >= _ev.MIN_DONORS:
            return self
        linked = [t for t in shares_leadership(members) if t not in excluded]
        formed = [t for t in formed_groups(members, window_from) if t not in excluded]
        by_parameter = [t for t in excluded if t not in members]
        parts = [f"group.members takes {coded_list(members)}"]
        if linked:
            one = len(linked) == 1
            parts.append(
                f"{coded_list(linked)} {'shares' if one else 'share'} leadership with a member "
                f"and {'is' if one else 'are'} never {'a donor' if one else 'donors'}"
            )
        if formed:
            one = len(formed) == 1
            parts.append(
                f"{coded_list(formed)} formed a group of {'its' if one else 'their'} own inside the months "
                f"compared (from evaluation.pre_start, {window_from}) and {'is' if one else 'are'} never "
                f"{'a donor' if one else 'donors'}"
            )
        if by_parameter:
            parts.append(f"evaluation.excluded_donors leaves out {coded_list(by_parameter)}")
        raise ValueError(
            f"the evaluation (chapter 9) compares the group with at least {_ev.MIN_DONORS} donor trusts, and these "
            f"parameters leave {len(donors)} ({coded_list(donors) or 'none'}): of the {len(PROVIDERS)} trusts, "
            + "; ".join(parts)
            + f". Allowed: group.members and evaluation.excluded_donors that leave at least "
            f"{_ev.MIN_DONORS} trusts out of both"
        )


AREA_MODELS: dict[str, type[_Model]] = {a: BookParams.model_fields[a].annotation for a in AREAS}


def leaf_fields() -> dict[str, tuple[str, Any]]:
    """Every parameter as 'area.name' -> (area, pydantic field)."""
    return {f"{a}.{n}": (a, f) for a, m in AREA_MODELS.items() for n, f in m.model_fields.items()}


def _field_at(loc: tuple) -> Any:
    """The pydantic field a validation error's location points at (the deepest named one)."""
    model: Any = BookParams
    field = None
    for part in loc:
        if isinstance(model, type) and issubclass(model, BaseModel) and str(part) in model.model_fields:
            field = model.model_fields[str(part)]
            model = field.annotation
        else:
            break
    return field


# pydantic's error types that mean "a mapping was expected here"; its own wording names the model's class.
_MAPPING_EXPECTED = ("model_type", "model_attributes_type", "dict_type")


def _describe(e: ValidationError, origins: "Origins") -> str:
    """One line per error: the parameter, its value and where it came from, what is wrong, what is allowed."""
    lines = []
    for err in e.errors():
        loc = tuple(err["loc"])
        key = ".".join(str(p) for p in loc)
        if err["type"] == "extra_forbidden":
            parent = loc[:-1]
            scope = AREA_MODELS.get(str(parent[0])) if len(parent) == 1 else BookParams if not parent else None
            known = ", ".join(scope.model_fields) if scope is not None else ""
            hint = _guess_area(str(loc[-1])) if not parent else None
            lines.append(
                f"Unknown parameter '{key}' (from {origins.of(key)})."
                + (f" Did you mean '{hint}'?" if hint else "")
                + (f" Known parameters{' in ' + str(parent[0]) if parent else ' (areas)'}: {known}." if known else "")
            )
            continue
        msg = err["msg"].removeprefix("Value error, ")
        field = _field_at(loc)
        if not loc or (field is not None and field.annotation in AREA_MODELS.values() and err["type"] == "value_error"):
            where = f"in '{key}' " if loc else ""
            involved = origins.involved(msg, str(loc[0]) if loc else None)
            lines.append(f"Parameters {where}are not valid together: {msg}. ({involved})")
            continue
        if err["type"] in _MAPPING_EXPECTED:
            msg = "a mapping is expected here"
        allowed = allowed_text(field) if field is not None else ""
        # A bare kind ("text", "a value") adds nothing to a message that already says what is allowed.
        allowed = f" Allowed: {allowed}." if allowed and allowed not in _BARE_KINDS else ""
        lines.append(f"Parameter '{key}' = {err.get('input')!r} (from {origins.of(key)}) is not valid: {msg}.{allowed}")
    return "\n".join(lines)


class Origins:
    """Where each parameter's value came from: a `--set` override, the parameter file, or the default."""

    def __init__(self, path: Path, file_data: dict[str, Any], set_keys: list[str]):
        self.file = _shown_path(path)
        self.file_data = file_data
        self.set_keys = set_keys

    def of(self, key: str) -> str:
        """'--set', the file's name, '--set and FILE' (a mapping changed in part), or 'the default'."""
        if any(key == k or key.startswith(k + ".") for k in self.set_keys):
            return "--set"
        in_file = _holds(self.file_data, key.split("."))
        if any(k.startswith(key + ".") for k in self.set_keys):
            return f"--set and {self.file}" if in_file else "--set"
        return self.file if in_file else "the default"

    def involved(self, msg: str, area: str | None) -> str:
        """'horizon_year from --set; base_year from the default': the origin of each parameter a message names."""
        names = [
            f"{a}.{n}"
            for a, m in AREA_MODELS.items()
            if area in (None, a)
            for n in m.model_fields
            if re.search(rf"(?<![\w.]){re.escape(f'{a}.{n}' if area is None else n)}(?![\w])", msg)
        ]
        shown = [f"{k if area is None else k.split('.', 1)[1]} from {self.of(k)}" for k in names]
        return "; ".join(shown) if shown else f"from {self.of(area or '')}"


def _holds(data: Any, parts: list[str]) -> bool:
    """Whether the nested mapping `data` gives the key `parts` (an item of a list it gives counts)."""
    for part in parts:
        if isinstance(data, list):
            return True
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


def _shown_path(path: Path) -> str:
    """A parameter file as the reader knows it: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _guess_area(name: str) -> str | None:
    hits = [k for k in leaf_fields() if k.split(".", 1)[1] == name]
    return hits[0] if len(hits) == 1 else None


def coded(code: str) -> str:
    """An organisation code with its name, as messages show it: 'RRU = London (LAS)'."""
    if code == GROUP_CODE:
        return f"{GROUP_CODE} = the group parameter's trusts pooled"
    return f"{code} = {ALL_ORGS[code]}" if code in ALL_ORGS else code


def coded_list(codes) -> str:
    return ", ".join(coded(c) for c in codes)


_KINDS = {int: "a whole number", float: "a number", str: "text", bool: "true or false"}
_BARE_KINDS = (*_KINDS.values(), "a list", "a value")


def allowed_text(field) -> str:
    """What a field accepts, in words: its list of values (organisations with their names), or its kind and
    bounds. Never a class name."""
    extra = field.json_schema_extra or {}
    annotation = field.annotation
    if annotation is Range:
        return "a mapping {low, central, high} of numbers with low <= central <= high"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "a mapping of " + ", ".join(annotation.model_fields)
    if "allowed" in extra:
        prefix = "one of " if annotation is str else "a list drawn from "
        return prefix + coded_list(extra["allowed"])
    if annotation == dict[str, Range]:
        return "a mapping of age group to {low, central, high}"
    if annotation == dict[str, dict[str, float]]:
        return "a mapping of item to {field: number}"
    bounds = {
        k: getattr(m, k) for m in field.metadata for k in ("ge", "gt", "le", "lt") if getattr(m, k, None) is not None
    }
    kind = _KINDS.get(annotation, "a list" if getattr(annotation, "__origin__", None) is list else "a value")
    if "ge" in bounds and "le" in bounds:
        return f"{kind} from {bounds['ge']} to {bounds['le']}"
    words = {"ge": "at least", "gt": "above", "le": "at most", "lt": "below"}
    return " ".join([kind, " and ".join(f"{words[k]} {v}" for k, v in bounds.items())]).strip()


def parse_set(items: list[str] | None) -> dict[str, Any]:
    """`key=value` overrides; values are read as YAML so lists and numbers work. Keys are dotted paths
    (`demand.horizon_year=2045`, `appraisal.realisation.high=0.9`); a bare parameter name that belongs to
    exactly one area (`trust=RYE`) is taken as that area's."""
    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            raise ParameterError(f"--set expects key=value, got {item!r}.")
        from se_ambulance.pipeline.safe_yaml import parse_yaml_value

        key, value = item.split("=", 1)
        out[key.strip()] = parse_yaml_value(value, key.strip())
    return out


def qualify(key: str) -> str:
    """'trust' -> 'focus.trust'; 'realisation.low' -> 'appraisal.realisation.low'; area keys unchanged."""
    head = key.split(".", 1)[0]
    if head in AREAS:
        return key
    area = _guess_area(head)
    return f"{area.split('.')[0]}.{key}" if area else key


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    """Set a dotted `key` in nested `data`, starting each mapping from the file's value or the default."""
    parts = key.split(".")
    node = data
    model: Any = BookParams
    for i, part in enumerate(parts[:-1]):
        current = node.get(part)
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if current is None and field is not None:
            current = field.get_default(call_default_factory=True)
        if isinstance(current, BaseModel):
            current = current.model_dump()
        elif isinstance(current, dict):
            current = {k: (v.model_dump() if isinstance(v, BaseModel) else v) for k, v in current.items()}
        elif current is None:
            if field is None and model is not None and i < 2:
                raise ParameterError(
                    f"--set {key}: unknown parameter '{'.'.join(parts[: i + 1])}'. "
                    f"Run `se-ambulance params` for the list."
                )
            current = {}
        else:
            raise ParameterError(
                f"--set {key}: parameter '{'.'.join(parts[: i + 1])}' is not a mapping, so it has no entry to set."
            )
        node[part] = current
        node = current
        model = field.annotation if field is not None else None
    node[parts[-1]] = value


def default_params_path() -> Path:
    return project_root() / "params" / "default.yaml"


def read_params_file(path: Path) -> dict[str, Any]:
    """The mapping in a parameter file (UTF-8 YAML), or a ParameterError that says what is wrong."""
    from se_ambulance.pipeline.safe_yaml import load_yaml_mapping

    data = load_yaml_mapping(path)  # refuses duplicate keys, aliases, non-finite numbers, non-UTF-8
    if not isinstance(data, dict):
        raise ParameterError(
            f"The parameter file {path} must be a mapping of area: {{parameter: value}} (areas: {', '.join(AREAS)})."
        )
    return data


def load_params(path: Path | None = None, overrides: dict[str, Any] | None = None) -> BookParams:
    """Read a parameter file (default: params/default.yaml), apply overrides, validate. An error names each bad
    parameter with where its value came from (`--set`, the file, or the default)."""
    import copy

    path = Path(path) if path else default_params_path()
    data = read_params_file(path)
    as_given = copy.deepcopy(data)
    keys = [qualify(k) for k in (overrides or {})]
    if any(k == "group.members" for k in keys) and "group.name" not in keys and isinstance(data.get("group"), dict):
        # The file's name belongs to the file's trusts: a group changed by its trusts alone is named from them.
        data["group"] = {k: v for k, v in data["group"].items() if k != "name"}
    for key, value in (overrides or {}).items():
        _set(data, qualify(key), value)
    try:
        return BookParams(**data)
    except ValidationError as e:
        origins = Origins(path, as_given, [qualify(k) for k in overrides or {}])
        raise ParameterError(f"Invalid parameters:\n{_describe(e, origins)}") from e
