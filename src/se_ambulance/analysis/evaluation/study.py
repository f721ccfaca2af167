"""The whole evaluation for one vintage of AmbSYS: every outcome, both methods, placebos, power, verdicts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from se_ambulance.analysis.evaluation import design, power, verdict
from se_ambulance.analysis.evaluation.its import ITSFit, comparative_its, sensitivity
from se_ambulance.analysis.evaluation.placebo import (Placebo, Rank, its_time_placebos, placebo_rank, space_placebos,
                                                      time_placebos)
from se_ambulance.analysis.evaluation.synthetic import SyntheticFit, synthetic_control
from se_ambulance.reference.evaluation import DATA_TO_WHEN_FIXED, MIN_DONORS, SC_MIN_PRE_R2


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

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(f"{self.start_month}-01")


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
    noise: power.Noise
    mde_now: float
    mde_end: float
    meaningful: float
    reference_level: float  # the group's pre-period level (incident-weighted) that `meaningful` is a share of
    sc_informative: bool  # the synthetic control's pre-period R² exceeds the threshold
    sc_low: float  # the synthetic control's (1 − α) interval, from the standard error behind `mde_now`
    sc_high: float
    lean: str  # the direction the estimates point (verdict.BETTER, WORSE or MIXED), whatever their significance
    verdict: str
    dropped: list[str] = field(default_factory=list)
    sc_finds: bool = False  # the synthetic control finds a meaningful change (informative, significant, large enough)
    its_finds: bool = False  # the interrupted time series finds one
    without_power: str = ""  # what the rule would give were its power check set aside (context, never a verdict)

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
    power_path: pd.DataFrame  # the primary outcome's smallest detectable effect by last month of data
    sensitivity: dict[str, ITSFit] = field(default_factory=dict)  # the primary outcome's δ by specification
    seasons: dict[str, float] = field(default_factory=dict)  # design.same_months_a_year_earlier, primary outcome
    shared_leadership: dict[str, tuple[str, ...]] = field(default_factory=dict)  # never donors: trust -> members
    partners: dict[str, tuple[str, ...]] = field(default_factory=dict)  # in a partnership with a member
    regions: dict[str, str] = field(default_factory=dict)  # each trust's NHS England region code
    # The primary outcome's level over the pre-period months, incident-weighted: 'group', 'donors' (pooled) and each
    # donor by code.
    pre_levels: dict[str, float] = field(default_factory=dict)

    @property
    def primary(self) -> OutcomeResult:
        return self.results[design.PRIMARY]

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


def evaluate_outcome(tidy: pd.DataFrame, outcome: str, d: Design, donors: Sequence[str],
                     reference_level: float | None = None) -> OutcomeResult:
    """One outcome: the synthetic control, the interrupted time series, the placebos, power and the verdict.
    `reference_level` is what the meaningful change is a share of (default: the group's own pre-period mean)."""
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
    its_false = its_time_placebos(panel[treated], comparison, d.start, fit.post_months, d.placebo_min_pre_months,
                                  d.alpha)
    its_rank = placebo_rank(its.effect, [f.effect for _, f in its_false])
    rank = placebo_rank(fit.standardised, [p.standardised for p in space])
    rank_time = placebo_rank(fit.effect, [p.effect for p in time])
    noise = power.ar1_noise(fit.gap[fit.gap.index < d.start])
    path = power.mde_path(noise, d.start, pd.Timestamp(f"{d.power_until}-01"), d.alpha, d.power,
                          _placebo_sd(placebos, fit.pre_rmspe), fit.post_months)
    now = path[path["post_months"] == fit.post_months]
    mde_now = float(now["detectable"].iloc[0]) if len(now) else float("inf")
    mde_end = float(path["detectable"].iloc[-1])
    pre_months = panel.index[panel.index < d.start]
    level = design.period_level(tidy, outcome, d.members, pre_months) if reference_level is None else reference_level
    meaningful = d.meaningful_change * abs(level)
    # The synthetic control's interval: its estimate ± z(1 − α/2) standard errors, the standard error the power
    # calculation uses now (the smallest detectable effect is (z(1 − α/2) + z(power)) of them).
    half = (mde_now * power.z(1 - d.alpha / 2) / power.multiplier(d.alpha, d.power)
            if np.isfinite(mde_now) else float("nan"))
    sc_low, sc_high = fit.effect - half, fit.effect + half
    informative = fit.informative(SC_MIN_PRE_R2)
    facts = dict(sc_effect=fit.effect, sc_p=rank.p, sc_smallest_p=rank.smallest_p, sc_low=sc_low,
                 sc_high=sc_high, sc_informative=informative, its_effect=its.effect, its_low=its.low,
                 its_high=its.high, its_placebo_p=its_rank.p, alpha=d.alpha, lower_is_better=o.lower_is_better,
                 post_months=fit.post_months, min_post_months=d.min_post_months, mde_now=mde_now,
                 mde_end=mde_end, meaningful=meaningful)
    v = verdict.judge(**facts)
    lean = verdict.lean([fit.effect, its.effect], o.lower_is_better)
    sc_finds = informative and verdict.finds_change(verdict.sc_significant(rank.p, rank.smallest_p, d.alpha),
                                                    fit.effect, meaningful)
    its_finds = verdict.finds_change(verdict.its_significant(its.low, its.high, its_rank.p, d.alpha), its.effect,
                                     meaningful)
    return OutcomeResult(outcome, panel, fit, comparison, its, its_false, its_rank, placebos, rank, rank_time,
                         noise, mde_now, mde_end, meaningful, level, informative, sc_low, sc_high, lean, v,
                         design.dropped_units(panel, outcome, d.members, donors), bool(sc_finds), bool(its_finds),
                         verdict.without_power(**facts))


def lean_estimates(result: OutcomeResult, sensitivity: dict[str, ITSFit]) -> list[float]:
    """The estimates an outcome's lean is read from: every estimate the chapter shows for it. For the primary
    outcome the synthetic control and every specification of the time series (the chapter's model among them);
    for the others, the two methods."""
    if sensitivity:
        return [result.fit.effect, *(f.effect for f in sensitivity.values())]
    return [result.fit.effect, result.its.effect]


def run_study(tidy: pd.DataFrame, d: Design) -> Study:
    """Every outcome in the design (and the primary outcome, which the power chart is about)."""
    trusts = trusts_in(tidy)
    donors = design.donor_pool(trusts, d.members, d.excluded_donors)
    linked = design.shares_leadership(d.members)
    if len(donors) < MIN_DONORS:
        by_parameter = [t for t in d.excluded_donors if t not in d.members]
        raise ValueError(
            f"the evaluation needs at least {MIN_DONORS} donor trusts, and this design leaves {len(donors)} "
            f"({', '.join(donors) or 'none'}): of the {len(trusts)} trusts in the data, {', '.join(d.members)} are the "
            f"group's members, {', '.join(linked) or 'none'} share leadership with a member (never donors), and the "
            f"`excluded_donors` parameter leaves out {', '.join(by_parameter) or 'none'}")
    results: dict[str, OutcomeResult] = {}
    primary = evaluate_outcome(tidy, design.PRIMARY, d, donors)
    c2_level = primary.reference_level
    for key in dict.fromkeys([design.PRIMARY, *d.outcomes]):
        if key == design.PRIMARY:
            results[key] = primary
        else:
            # The gap is in C2 minutes: a meaningful change in it is the same share of the C2 mean.
            ref = c2_level if design.OUTCOMES[key].kind == "gap" else None
            results[key] = evaluate_outcome(tidy, key, d, donors, ref)
    path = power.mde_path(primary.noise, d.start, pd.Timestamp(f"{d.power_until}-01"), d.alpha, d.power,
                          _placebo_sd(primary.placebos, primary.fit.pre_rmspe),
                          primary.fit.post_months)
    months = tidy["month"]
    last = pd.Timestamp(months.max())
    if primary.fit.post_months:
        sens = sensitivity(primary.panel.iloc[:, 0], primary.comparison,
                           design.rest_of_england(tidy, design.PRIMARY, d.members, d.pre_start), d.start, d.alpha)
        seasons = design.same_months_a_year_earlier(tidy, design.PRIMARY, d.members, donors, d.start, last)
    else:
        sens, seasons = {}, {}
    # The primary outcome's lean is read from every estimate the chapter shows for it (both methods, every
    # specification of the time series), so the words never lean one way while a specification points the other.
    results[design.PRIMARY] = replace(primary, lean=verdict.lean(lean_estimates(primary, sens),
                                                                 design.OUTCOMES[design.PRIMARY].lower_is_better))
    pre = primary.panel.index[primary.panel.index < d.start]
    pre_levels = {"group": primary.reference_level, "donors": design.period_level(tidy, design.PRIMARY, donors, pre),
                  **{t: design.period_level(tidy, design.PRIMARY, [t], pre) for t in primary.panel.columns[1:]}}
    return Study(d, donors, pd.Timestamp(months.min()), last, primary.fit.post_months, results, path, sens, seasons,
                 linked, design.partners(d.members), design.trust_regions(tidy), pre_levels)


def compare_studies(previous: Study, current: Study) -> pd.DataFrame:
    """Each outcome's estimates and verdict on two vintages: outcome, previous/current months after the start,
    synthetic-control and ITS effects, verdicts, and whether the verdict moved."""
    rows = []
    for key, cur in current.results.items():
        old = previous.results.get(key)
        rows.append({
            "outcome": key, "previous_months": previous.post_months, "current_months": current.post_months,
            "previous_sc": old.fit.effect if old else float("nan"), "current_sc": cur.fit.effect,
            "previous_its": old.its.effect if old else float("nan"), "current_its": cur.its.effect,
            "previous_verdict": old.verdict if old else None, "current_verdict": cur.verdict,
            "moved": (old.verdict if old else None) != cur.verdict})
    return pd.DataFrame(rows)
