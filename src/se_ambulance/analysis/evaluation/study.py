"""The whole evaluation for one vintage of AmbSYS: every outcome, both methods, placebos, power, and the verdict
under every dated version of the rule (reference.evaluation.RULES), with the version that governs the vintage (the
one in force when it was adopted: reference.evaluation.rule_in_force)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from se_ambulance.analysis.evaluation import design, power, verdict
from se_ambulance.analysis.evaluation.its import ITSFit, comparative_its, sensitivity
from se_ambulance.analysis.evaluation.placebo import (
    Placebo,
    Rank,
    its_time_placebos,
    placebo_rank,
    space_placebos,
    time_placebos,
)
from se_ambulance.analysis.evaluation.synthetic import SyntheticFit, synthetic_control
from se_ambulance.reference.evaluation import (
    DATA_TO_WHEN_FIXED,
    MEANINGFUL,
    MIN_DONORS,
    RULES,
    SC_MIN_PRE_R2,
    RuleVersion,
    rule_in_force,
)

# How far ahead the chapter looks for the month from which a meaningful change becomes detectable, when that is
# beyond the power horizon: ten years from the start (the noise is assumed to stay as it was; so a date this far
# ahead says how far the design is from answering, not when it will).
ANSWER_LOOKAHEAD_YEARS = 10
ITS = "interrupted_time_series"
SC = "synthetic_control"


def _default_meaningful() -> dict[str, float]:
    return {k: t.default for k, t in MEANINGFUL.items()}


@dataclass(frozen=True)
class Design:
    """What is fixed before the evidence arrives (the parameters of the `evaluation` area, as plain values)."""

    members: tuple[str, ...]
    start_month: str
    pre_start: str
    outcomes: tuple[str, ...]
    excluded_donors: tuple[str, ...]
    placebo_min_pre_months: int
    alpha: float
    power: float
    meaningful_change: float
    min_post_months: int
    power_until: str
    # The rule of 7 December 2026: each outcome's meaningful change in its own unit (minutes; percentage points for
    # a share), as the `meaningful` parameter gives it.
    meaningful: Mapping[str, float] = field(default_factory=_default_meaningful)

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(f"{self.start_month}-01")

    def meaningful_in_unit(self, outcome: str) -> float:
        """The `meaningful` parameter for an outcome in the unit its numbers are in (a share as a fraction)."""
        value = float(self.meaningful.get(outcome, MEANINGFUL[outcome].default))
        return value / 100 if design.OUTCOMES[outcome].kind == "rate" else value


@dataclass(frozen=True)
class RuleResult:
    """An outcome under one version of the rule: the sizes the rule compares, and its verdict."""

    rule: RuleVersion
    meaningful: float  # the smallest change that matters, in the outcome's unit
    basis: tuple[str, ...]  # the methods whose power `path` measures (ITS, SC)
    path: pd.DataFrame  # month, post_months, ..., detectable: the smallest detectable change by last month of data
    mde_now: float
    mde_end: float  # at the power horizon
    answerable_from: pd.Timestamp | None  # first last month at which `meaningful` is detectable (None: not within
    # ANSWER_LOOKAHEAD_YEARS of the start)
    verdict: str
    without_power: str  # what the steps would give were the power check set aside (context, never a verdict)
    sc_finds: bool  # the synthetic control finds a meaningful change (informative, significant, large enough)
    its_finds: bool
    its_low: float  # the time series' interval this version judges with (from 7 December 2026: at least as wide as its
    # own noise implies)
    its_high: float


@dataclass(frozen=True)
class OutcomeResult:
    outcome: str
    panel: pd.DataFrame
    fit: SyntheticFit
    comparison: pd.Series
    its: ITSFit
    its_placebos: list[tuple[pd.Timestamp, ITSFit]]  # the ITS at each false start
    its_rank: Rank  # the ITS effect among its false-start effects
    placebos: list[Placebo]
    rank: Rank  # the standardised effect among the space placebos (the verdict's)
    rank_time: Rank  # the effect (outcome's unit) among the fixed-window false starts (shown, not in the verdict)
    noise: power.Noise  # the synthetic control's pre-period gap
    its_noise: power.Noise  # the time series' pre-period residuals
    sc_path: pd.DataFrame  # the synthetic control's smallest detectable change (noise, placebo, detectable)
    its_path: pd.DataFrame  # the time series' (noise, placebo: its false starts, detectable)
    reference_level: float  # the group's pre-period level (incident-weighted)
    sc_informative: bool  # the synthetic control's pre-period R² exceeds the threshold
    sc_low: float  # the synthetic control's (1 − α) interval, from its own standard error now
    sc_high: float
    lean: str  # the direction the estimates point (verdict.BETTER, WORSE or MIXED), whatever their significance
    rules: dict[str, RuleResult]  # by rule version (its date)
    governing: str  # the date of the version that governs this vintage
    dropped: list[str] = field(default_factory=list)

    @property
    def ruled(self) -> RuleResult:
        """The outcome under the rule that governs this vintage."""
        return self.rules[self.governing]

    @property
    def revised(self) -> RuleResult:
        """The outcome under the newest version of the rule."""
        return self.rules[RULES[-1].dated]

    # The governing rule's sizes and verdict, by their old names.
    verdict = property(lambda self: self.ruled.verdict)
    without_power = property(lambda self: self.ruled.without_power)
    meaningful = property(lambda self: self.ruled.meaningful)
    mde_now = property(lambda self: self.ruled.mde_now)
    mde_end = property(lambda self: self.ruled.mde_end)
    sc_finds = property(lambda self: self.ruled.sc_finds)
    its_finds = property(lambda self: self.ruled.its_finds)

    @property
    def rank_space(self) -> Rank:
        return self.rank

    @property
    def its_false_positives(self) -> int:
        """False starts at which the ITS interval excluded zero (about α × their number if it were exact)."""
        return sum(f.excludes_zero for _, f in self.its_placebos)

    @property
    def space(self) -> list[Placebo]:
        return [p for p in self.placebos if p.kind == "space"]

    @property
    def time(self) -> list[Placebo]:
        return [p for p in self.placebos if p.kind == "time"]


@dataclass(frozen=True)
class Study:
    design: Design
    donors: list[str]
    first_month: pd.Timestamp  # first month of the data file
    last_month: pd.Timestamp  # last month of the data file
    post_months: int
    results: dict[str, OutcomeResult]
    power_path: pd.DataFrame  # the primary outcome's synthetic control's smallest detectable effect by last month
    sensitivity: dict[str, ITSFit] = field(default_factory=dict)  # the primary outcome's δ by specification
    seasons: dict[str, float] = field(default_factory=dict)  # design.same_months_a_year_earlier, primary outcome
    shared_leadership: dict[str, tuple[str, ...]] = field(default_factory=dict)  # never donors: trust -> members
    partners: dict[str, tuple[str, ...]] = field(default_factory=dict)  # in a partnership with a member
    regions: dict[str, str] = field(default_factory=dict)  # each trust's NHS England region code
    # The primary outcome's level over the pre-period months, incident-weighted: 'group', 'donors' (pooled) and each
    # donor by code.
    pre_levels: dict[str, float] = field(default_factory=dict)
    adopted: str | None = None  # the day the vintage was adopted (None: data never adopted, as a test's)
    # The pre-period incidents a year of the group (AmbSYS A7): what a share's meaningful change is in patients.
    incidents_a_year: float = float("nan")
    # Each share outcome's pre-period level for the group ('group') and for every trust in the data, by code: how far
    # the group is from the trust with the best rate.
    share_levels: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def primary(self) -> OutcomeResult:
        return self.results[design.PRIMARY]

    @property
    def governing(self) -> RuleVersion:
        """The version of the rule that governs this vintage (in force when it was adopted)."""
        return rule_in_force(self.adopted)

    @property
    def formed_groups(self) -> dict[str, tuple[tuple[str, ...], str]]:
        """Trusts outside the group that formed a group of their own inside the window (`design.formed_groups`):
        never donors."""
        return design.formed_groups(self.design.members, self.design.pre_start)

    @property
    def ignored_exclusions(self) -> list[str]:
        """Members named in `excluded_donors`: a member is never a donor, so these entries change nothing."""
        return [t for t in self.design.excluded_donors if t in self.design.members]

    @property
    def excluded_by_parameter(self) -> list[str]:
        """The trusts outside the group that the `excluded_donors` parameter leaves out."""
        return [t for t in self.design.excluded_donors if t not in self.design.members]

    @property
    def exploratory_months(self) -> int:
        """Months since the start that were already published when the design was fixed (seen, so exploratory)."""
        seen = min(pd.Timestamp(f"{DATA_TO_WHEN_FIXED}-01"), self.last_month)
        return max(0, len(pd.date_range(self.design.start, seen, freq="MS")))

    @property
    def confirmatory_months(self) -> int:
        """Months since the start published after the design was fixed: the test fixed in advance."""
        return max(0, self.post_months - self.exploratory_months)

    @property
    def tests(self) -> int:
        """The significance tests behind the verdicts: two methods for every outcome."""
        return 2 * len(self.results)

    @property
    def expected_false_findings(self) -> float:
        """How many of `tests` would be significant at α by chance if nothing had changed anywhere."""
        return self.design.alpha * self.tests


def trusts_in(tidy: pd.DataFrame) -> list[str]:
    return sorted(tidy.loc[tidy["level"] == "trust", "org"].astype(str).unique())


def _placebo_sd(placebos: list[Placebo], pre_rmspe: float) -> float:
    """The spread of the space placebos' standardised effects, in the group's own units (× its pre-period fit
    error): donors whose own fit is poor then do not inflate the group's scale. Time placebos are fitted on
    shorter windows and are left out."""
    z = [p.standardised for p in placebos if p.kind == "space" and np.isfinite(p.standardised)]
    return float(np.std(z, ddof=1) * pre_rmspe) if len(z) >= 2 else float("nan")


def _now(frame: pd.DataFrame, post_months: int) -> float:
    row = frame[frame["post_months"] == post_months]
    return float(row["detectable"].iloc[0]) if len(row) else float("inf")


def _until(frame: pd.DataFrame, until: str) -> pd.DataFrame:
    return frame[frame["month"] <= pd.Timestamp(f"{until}-01")].reset_index(drop=True)


def widened(effect: float, low: float, high: float, detectable_now: float, d: Design) -> tuple[float, float]:
    """An interval no narrower than the estimate ± z(1 − α/2) standard errors, the standard error behind the smallest
    detectable change (which is (z(1 − α/2) + z(power)) of them)."""
    if not np.isfinite(detectable_now):
        return low, high
    half = detectable_now * power.z(1 - d.alpha / 2) / power.multiplier(d.alpha, d.power)
    return min(low, effect - half), max(high, effect + half)


def judge_under(
    rule: RuleVersion,
    *,
    d: Design,
    outcome: str,
    level: float,
    sc_path: pd.DataFrame,
    its_path: pd.DataFrame,
    informative: bool,
    facts: dict,
) -> RuleResult:
    """An outcome's sizes and verdict under one version of the rule. `sc_path` and `its_path` run to the lookahead;
    `facts` are verdict.judge's arguments other than the sizes the version decides."""
    if rule.meaningful == "share_of_level":
        meaningful = d.meaningful_change * abs(level)
    else:
        meaningful = d.meaningful_in_unit(outcome)
    basis: tuple[str, ...]
    if rule.power == "synthetic_control":
        basis, full = (SC,), sc_path
    else:
        basis = (ITS, SC) if informative else (ITS,)
        full = power.combined_path({ITS: its_path, SC: sc_path} if informative else {ITS: its_path})
    shown = _until(full, d.power_until)
    post = facts["post_months"]
    mde_now, mde_end = _now(full, post), float(shown["detectable"].iloc[-1])
    sizes = dict(mde_now=mde_now, mde_end=mde_end, meaningful=meaningful)
    if rule.power == "counting_methods":
        # The time series finds or rules out a change only on an interval at least as wide as its own noise implies
        # (its HAC interval is too narrow on short monthly series): the wider of the two.
        low, high = widened(facts["its_effect"], facts["its_low"], facts["its_high"], _now(its_path, post), d)
        facts = facts | {"its_low": low, "its_high": high}
    alpha = d.alpha
    sc_finds = informative and verdict.finds_change(
        verdict.sc_significant(facts["sc_p"], facts["sc_smallest_p"], alpha), facts["sc_effect"], meaningful
    )
    its_finds = verdict.finds_change(
        verdict.its_significant(facts["its_low"], facts["its_high"], facts["its_placebo_p"], alpha),
        facts["its_effect"],
        meaningful,
    )
    return RuleResult(
        rule,
        meaningful,
        basis,
        shown,
        mde_now,
        mde_end,
        power.first_month_detectable(full, meaningful),
        verdict.judge(**(facts | sizes)),
        verdict.without_power(**(facts | sizes)),
        bool(sc_finds),
        bool(its_finds),
        facts["its_low"],
        facts["its_high"],
    )


def evaluate_outcome(
    tidy: pd.DataFrame,
    outcome: str,
    d: Design,
    donors: Sequence[str],
    reference_level: float | None = None,
    adopted: str | None = None,
) -> OutcomeResult:
    """One outcome: the synthetic control, the interrupted time series, the placebos, power and the verdict under
    every version of the rule. `reference_level` is what the rule of 22 November 2026's meaningful change is a share
    of (default: the group's own pre-period level); `adopted` the day the vintage was adopted (which rule governs)."""
    o = design.OUTCOMES[outcome]
    panel = design.outcome_panel(tidy, outcome, d.members, donors, d.pre_start)
    treated = panel.columns[0]
    units = list(panel.columns[1:])
    fit = synthetic_control(panel, treated, units, d.start)
    comparison = design.comparison_series(tidy, outcome, d.members, donors, panel)
    its = comparative_its(panel[treated], comparison, d.start, d.alpha)
    space = space_placebos(panel, treated, d.start)
    time = time_placebos(panel, treated, d.start, fit.post_months, d.placebo_min_pre_months)
    placebos = space + time
    its_false = its_time_placebos(
        panel[treated], comparison, d.start, fit.post_months, d.placebo_min_pre_months, d.alpha
    )
    its_rank = placebo_rank(its.effect, [f.effect for _, f in its_false])
    rank = placebo_rank(fit.standardised, [p.standardised for p in space])
    rank_time = placebo_rank(fit.effect, [p.effect for p in time])
    far = d.start + pd.DateOffset(years=ANSWER_LOOKAHEAD_YEARS) - pd.DateOffset(months=1)
    until = max(pd.Timestamp(f"{d.power_until}-01"), far)
    noise = power.ar1_noise(fit.gap[fit.gap.index < d.start])
    sc_path = power.mde_path(
        noise, d.start, until, d.alpha, d.power, _placebo_sd(placebos, fit.pre_rmspe), fit.post_months
    )
    difference = panel[treated] - comparison
    its_noise = power.its_noise(difference, d.start)
    its_path = power.its_mde_path(
        its_noise, panel.index.min(), d.start, until, d.alpha, d.power, _its_placebo_sd(its_false), fit.post_months
    )
    pre_months = panel.index[panel.index < d.start]
    level = design.period_level(tidy, outcome, d.members, pre_months) if reference_level is None else reference_level
    # The synthetic control's interval: its estimate ± z(1 − α/2) standard errors, the standard error behind its own
    # smallest detectable change now (which is (z(1 − α/2) + z(power)) of them).
    sc_now = _now(sc_path, fit.post_months)
    half = (
        sc_now * power.z(1 - d.alpha / 2) / power.multiplier(d.alpha, d.power) if np.isfinite(sc_now) else float("nan")
    )
    sc_low, sc_high = fit.effect - half, fit.effect + half
    informative = fit.informative(SC_MIN_PRE_R2)
    facts = dict(
        sc_effect=fit.effect,
        sc_p=rank.p,
        sc_smallest_p=rank.smallest_p,
        sc_low=sc_low,
        sc_high=sc_high,
        sc_informative=informative,
        its_effect=its.effect,
        its_low=its.low,
        its_high=its.high,
        its_placebo_p=its_rank.p,
        alpha=d.alpha,
        lower_is_better=o.lower_is_better,
        post_months=fit.post_months,
        min_post_months=d.min_post_months,
    )
    rules = {
        r.dated: judge_under(
            r,
            d=d,
            outcome=outcome,
            level=level,
            sc_path=sc_path,
            its_path=its_path,
            informative=informative,
            facts=facts,
        )
        for r in RULES
    }
    lean = verdict.lean([fit.effect, its.effect], o.lower_is_better)
    return OutcomeResult(
        outcome,
        panel,
        fit,
        comparison,
        its,
        its_false,
        its_rank,
        placebos,
        rank,
        rank_time,
        noise,
        its_noise,
        _until(sc_path, d.power_until),
        _until(its_path, d.power_until),
        level,
        informative,
        sc_low,
        sc_high,
        lean,
        rules,
        rule_in_force(adopted).dated,
        design.dropped_units(panel, outcome, d.members, donors),
    )


def _its_placebo_sd(false_starts: list[tuple[pd.Timestamp, ITSFit]]) -> float:
    """The spread of the time series' false-start effects (its test's reference distribution), in the outcome's
    unit."""
    effects = [f.effect for _, f in false_starts if np.isfinite(f.effect)]
    return float(np.std(effects, ddof=1)) if len(effects) >= 2 else float("nan")


def lean_estimates(result: OutcomeResult, sensitivity: dict[str, ITSFit]) -> list[float]:
    """The estimates an outcome's lean is read from: every estimate the chapter shows for it. For the primary
    outcome the synthetic control and every specification of the time series (the chapter's model among them);
    for the others, the two methods."""
    if sensitivity:
        return [result.fit.effect, *(f.effect for f in sensitivity.values())]
    return [result.fit.effect, result.its.effect]


def run_study(tidy: pd.DataFrame, d: Design, adopted: str | None = None) -> Study:
    """Every outcome in the design (and the primary outcome, which the power chart is about). `adopted`: the day the
    vintage was adopted (the manifest's `adopted:`), which decides the rule that governs it."""
    trusts = trusts_in(tidy)
    donors = design.donor_pool(trusts, d.members, d.excluded_donors, d.pre_start)
    linked = design.shares_leadership(d.members)
    if len(donors) < MIN_DONORS:
        by_parameter = [t for t in d.excluded_donors if t not in d.members]
        formed = design.formed_groups(d.members, d.pre_start)
        raise ValueError(
            f"the evaluation needs at least {MIN_DONORS} donor trusts, and this design leaves {len(donors)} "
            f"({', '.join(donors) or 'none'}): of the {len(trusts)} trusts in the data, {', '.join(d.members)} are the "
            f"group's members, {', '.join(linked) or 'none'} share leadership with a member, "
            f"{', '.join(formed) or 'none'} formed a group of their own from {d.pre_start} or later (neither are ever "
            f"donors), and the `excluded_donors` parameter leaves out {', '.join(by_parameter) or 'none'}"
        )
    results: dict[str, OutcomeResult] = {}
    primary = evaluate_outcome(tidy, design.PRIMARY, d, donors, adopted=adopted)
    c2_level = primary.reference_level
    for key in dict.fromkeys([design.PRIMARY, *d.outcomes]):
        if key == design.PRIMARY:
            results[key] = primary
        else:
            # The gap is in C2 minutes: under the rule of 22 November 2026 a meaningful change in it is the same share
            # of the C2 mean.
            ref = c2_level if design.OUTCOMES[key].kind == "gap" else None
            results[key] = evaluate_outcome(tidy, key, d, donors, ref, adopted)
    months = tidy["month"]
    last = pd.Timestamp(months.max())
    if primary.fit.post_months:
        sens = sensitivity(
            primary.panel.iloc[:, 0],
            primary.comparison,
            design.rest_of_england(tidy, design.PRIMARY, d.members, d.pre_start),
            d.start,
            d.alpha,
        )
        seasons = design.same_months_a_year_earlier(tidy, design.PRIMARY, d.members, donors, d.start, last)
    else:
        sens, seasons = {}, {}
    # The primary outcome's lean is read from every estimate the chapter shows for it (both methods, every
    # specification of the time series), so the words never lean one way while a specification points the other.
    results[design.PRIMARY] = replace(
        primary, lean=verdict.lean(lean_estimates(primary, sens), design.OUTCOMES[design.PRIMARY].lower_is_better)
    )
    pre = primary.panel.index[primary.panel.index < d.start]
    pre_levels = {
        "group": primary.reference_level,
        "donors": design.period_level(tidy, design.PRIMARY, donors, pre),
        **{t: design.period_level(tidy, design.PRIMARY, [t], pre) for t in primary.panel.columns[1:]},
    }
    shares = {
        k: {"group": r.reference_level, **{t: design.period_level(tidy, k, [t], pre) for t in trusts}}
        for k, r in results.items()
        if design.OUTCOMES[k].kind == "rate"
    }
    return Study(
        d,
        donors,
        pd.Timestamp(months.min()),
        last,
        primary.fit.post_months,
        results,
        primary.sc_path,
        sens,
        seasons,
        linked,
        design.partners(d.members),
        design.trust_regions(tidy),
        pre_levels,
        adopted,
        design.incidents_a_year(tidy, d.members, pre),
        shares,
    )


def compare_studies(previous: Study, current: Study) -> pd.DataFrame:
    """Each outcome's estimates and verdict on two vintages: outcome, previous/current months after the start,
    synthetic-control and ITS effects, each vintage's verdict under the rule that governs it, and whether the verdict
    moved. A move is the data's doing when one rule governs both vintages; otherwise `moved_by_data` compares both
    under the rule that governed the earlier one, and `rules` names the two versions."""
    rows = []
    for key, cur in current.results.items():
        old = previous.results.get(key)
        before = old.verdict if old else None
        same_rule = cur.rules[previous.governing.dated].verdict
        rows.append(
            {
                "outcome": key,
                "previous_months": previous.post_months,
                "current_months": current.post_months,
                "previous_sc": old.fit.effect if old else float("nan"),
                "current_sc": cur.fit.effect,
                "previous_its": old.its.effect if old else float("nan"),
                "current_its": cur.its.effect,
                "previous_verdict": before,
                "current_verdict": cur.verdict,
                "moved": before != cur.verdict,
                "moved_by_data": before != same_rule,
                "rules": (previous.governing.dated, current.governing.dated),
            }
        )
    return pd.DataFrame(rows)
