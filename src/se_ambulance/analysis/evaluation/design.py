"""The evaluation's outcomes and the panels it is fitted on.

A panel is one column per unit and one row per month (a month-start DatetimeIndex), in the outcome's
own unit (minutes for response times and gaps, a share of incidents for rates). The treated unit is
the group pooled as one organisation (incident-weighted, as everywhere in the book); each donor is one
other trust. For the gap between the group's members the units are sets of trusts: the group's members
and every set of the same size drawn from the donors, so that the gap is compared with gaps between
other trusts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import pandas as pd

from se_ambulance.analysis import metrics
from se_ambulance.reference.evaluation import OUTCOME_KEYS, PARTNERSHIPS, SHARED_LEADERSHIP


@dataclass(frozen=True)
class Outcome:
    key: str
    kind: str  # "response" (a response time), "rate" (a share of incidents) or "gap" (between members)
    lower_is_better: bool
    category: str | None = None  # response and gap outcomes: C1 or C2
    statistic: str | None = None  # response and gap outcomes: mean or p90
    numerator: str | None = None  # rates: the AmbSYS indicator counted
    denominator: str | None = None  # rates: the AmbSYS indicator it is a share of


OUTCOMES: dict[str, Outcome] = {
    o.key: o
    for o in (
        Outcome("c2_mean", "response", True, "C2", "mean"),
        Outcome("c2_p90", "response", True, "C2", "p90"),
        Outcome("c1_mean", "response", True, "C1", "mean"),
        Outcome("c1_p90", "response", True, "C1", "p90"),
        Outcome("hear_and_treat", "rate", False, numerator="A17", denominator="A7"),
        Outcome("ed_conveyance", "rate", True, numerator="A53", denominator="A7"),
        Outcome("c2_mean_gap", "gap", True, "C2", "mean"),
    )
}
assert tuple(OUTCOMES) == OUTCOME_KEYS, "reference.evaluation.OUTCOME_KEYS and OUTCOMES must list the same outcomes"
PRIMARY = "c2_mean"  # the outcome the power analysis is about (the category most patients wait in)


def unit_label(orgs: Sequence[str]) -> str:
    """The column name of a set of organisations: 'RYD+RYE'."""
    return "+".join(orgs)


def _linked(members: Sequence[str], links: dict[tuple[str, str], str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for pair in links:
        for trust, other in (pair, pair[::-1]):
            if trust not in members and other in members:
                out.setdefault(trust, []).append(other)
    return {t: tuple(sorted(ms)) for t, ms in sorted(out.items())}


def shares_leadership(members: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Trusts outside the group that share their chair and chief executive with a member
    (`reference.evaluation.SHARED_LEADERSHIP`): trust -> the members it shares them with. These are never donors."""
    return _linked(members, SHARED_LEADERSHIP)


def partners(members: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Trusts outside the group in a partnership with a member (`reference.evaluation.PARTNERSHIPS`): trust ->
    the members. A reason a trust may be left out by parameter, not a rule."""
    return _linked(members, PARTNERSHIPS)


def formed_groups(members: Sequence[str], window_from: str) -> dict[str, tuple[tuple[str, ...], str]]:
    """Trusts outside the group that formed a group of their own (`reference.evaluation.SHARED_LEADERSHIP`, neither
    trust a member) from a month inside the evaluation's window: trust -> (the other trusts of its group, the month
    their leadership was shared from). The window runs from `window_from` (the pre-period's first month, YYYY-MM) on,
    with no end: a design fixed in advance keeps its donors as new vintages add months. A trust whose leadership
    changed during the months compared changed for reasons of its own, so it cannot stand for what the group would
    have done without the group; these are never donors. (A trust sharing leadership with a member is in
    `shares_leadership` instead.)"""
    out: dict[str, tuple[tuple[str, ...], str]] = {}
    for pair, start in sorted(SHARED_LEADERSHIP.items(), key=lambda item: item[1]):
        if start < window_from or any(t in members for t in pair):
            continue
        for trust in pair:
            others, first = out.get(trust, ((), start))
            out[trust] = (tuple(sorted({*others, *(t for t in pair if t != trust)})), min(first, start))
    return dict(sorted(out.items()))


def donor_pool(trusts: Sequence[str], members: Sequence[str], excluded: Sequence[str], window_from: str) -> list[str]:
    """The trusts that may make up the synthetic group: every trust but the members, the trusts that share
    leadership with a member and those that formed a group of their own from a month inside the window (from
    `window_from`, the pre-period's first month), whatever `excluded` says, and the excluded."""
    out = set(members) | set(excluded) | set(shares_leadership(members)) | set(formed_groups(members, window_from))
    return sorted(t for t in trusts if t not in out)


def trust_regions(tidy: pd.DataFrame) -> dict[str, str]:
    """Each trust's NHS England region code, as the data file gives it ('RYE' -> 'Y59')."""
    trusts = tidy[tidy["level"] == "trust"]
    return {str(o): str(r) for o, r in trusts.groupby("org", observed=True)["region"].first().items()}


def _window(frame: pd.DataFrame, first: str) -> pd.DataFrame:
    return frame[frame.index >= pd.Timestamp(f"{first}-01")].sort_index()


def _response_panel(tidy: pd.DataFrame, o: Outcome, members: Sequence[str], donors: Sequence[str]) -> pd.DataFrame:
    monthly = metrics.response_monthly(tidy, sorted(set(members) | set(donors)), [o.category])
    pooled = metrics.combine_orgs(monthly, members, unit_label(members))
    both = pd.concat([monthly, pooled], ignore_index=True)
    # The mean unrounded (total ÷ incidents); the 90th centile as published (pooled: incident-weighted).
    both["value"] = metrics.exact_mean(both) if o.statistic == "mean" else both["p90"]
    wide = both.pivot_table(index="month", columns="org", values="value", aggfunc="first")
    return wide / 60


def _rate_panel(tidy: pd.DataFrame, o: Outcome, members: Sequence[str], donors: Sequence[str]) -> pd.DataFrame:
    orgs = sorted(set(members) | set(donors))
    sub = tidy[tidy["org"].isin(orgs) & tidy["indicator"].isin([o.numerator, o.denominator])]
    wide = sub.pivot_table(index="month", columns=["indicator", "org"], values="value", observed=True, aggfunc="first")
    num, den = wide[o.numerator].reindex(columns=orgs), wide[o.denominator].reindex(columns=orgs)
    out = num / den
    both = num[list(members)].notna().all(axis=1) & den[list(members)].notna().all(axis=1)
    out[unit_label(members)] = (num[list(members)].sum(axis=1) / den[list(members)].sum(axis=1)).where(both)
    out.columns = [str(c) for c in out.columns]
    return out


def _gap_panel(tidy: pd.DataFrame, o: Outcome, members: Sequence[str], donors: Sequence[str]) -> pd.DataFrame:
    single = _response_panel(tidy, o, members, donors)
    size = len(members)
    if size < 2:
        raise ValueError("a gap between the group's members needs at least two members")
    sets = [tuple(members)] + list(combinations(sorted(donors), size))
    cols = {
        unit_label(s): single[list(s)].max(axis=1, skipna=False) - single[list(s)].min(axis=1, skipna=False)
        for s in sets
    }
    return pd.DataFrame(cols)


def outcome_panel(
    tidy: pd.DataFrame, outcome: str, members: Sequence[str], donors: Sequence[str], first_month: str
) -> pd.DataFrame:
    """The outcome by month from `first_month` (YYYY-MM): the group's pooled column (`unit_label(members)`)
    first, then the donor units. A donor unit missing any month of the window is left out (see
    `dropped_units`); the group must be complete."""
    o = OUTCOMES[outcome]
    build = {"response": _response_panel, "rate": _rate_panel, "gap": _gap_panel}[o.kind]
    panel = _window(build(tidy, o, members, donors), first_month)
    treated = unit_label(members)
    if treated not in panel or panel[treated].isna().any():
        raise ValueError(f"the group ({treated}) lacks {outcome} for some month from {first_month}")
    units = [treated] + [c for c in donor_units(outcome, members, donors) if c in panel and panel[c].notna().all()]
    return panel[units].astype(float)


def donor_units(outcome: str, members: Sequence[str], donors: Sequence[str]) -> list[str]:
    """The comparison units of an outcome: the donors, or for the gap every donor set of the group's size."""
    if OUTCOMES[outcome].kind == "gap":
        return [unit_label(s) for s in combinations(sorted(donors), len(members))]
    return sorted(donors)


def dropped_units(panel: pd.DataFrame, outcome: str, members: Sequence[str], donors: Sequence[str]) -> list[str]:
    """Donor units left out of a panel because a month of the window was missing."""
    return [u for u in donor_units(outcome, members, donors) if u not in panel.columns]


def comparison_series(
    tidy: pd.DataFrame, outcome: str, members: Sequence[str], donors: Sequence[str], panel: pd.DataFrame
) -> pd.Series:
    """The single comparison series of the interrupted time series: the donors pooled as one organisation
    (incident-weighted for response times; summed numerators over summed denominators for rates) or, for
    the gap, the mean gap over the donor sets in the panel. Months as in `panel`."""
    o = OUTCOMES[outcome]
    used = [u for u in panel.columns[1:]]
    if o.kind == "gap":
        return panel[used].mean(axis=1).rename("comparison")
    pooled = outcome_panel(tidy, outcome, used, [], panel.index.min().strftime("%Y-%m"))
    return pooled[unit_label(used)].reindex(panel.index).rename("comparison")


def period_level(tidy: pd.DataFrame, outcome: str, orgs: Sequence[str], months: Sequence[pd.Timestamp]) -> float:
    """An outcome's level for a set of organisations pooled over a set of months, incident-weighted (never an
    average of monthly means): total response time ÷ incidents for a mean; the incident-weighted mean of the
    monthly 90th centiles; summed numerator ÷ summed denominator for a rate. The gap has no level of its own:
    its meaningful change is a share of the C2 mean, so this returns the C2 mean's."""
    o = OUTCOMES[outcome]
    months = pd.DatetimeIndex(months)
    if o.kind == "rate":
        sub = tidy[tidy["org"].isin(list(orgs)) & tidy["month"].isin(months)]
        sums = sub.groupby("indicator", observed=True)["value"].sum()
        return float(sums.get(o.numerator, float("nan")) / sums.get(o.denominator, float("nan")))
    monthly = metrics.response_monthly(tidy, list(orgs), [o.category])
    monthly = monthly[monthly["month"].isin(months)]
    if o.kind == "gap" or o.statistic == "mean":
        return float(monthly["total"].sum() / monthly["count"].sum() / 60)
    return float((monthly["p90"] * monthly["count"]).sum() / monthly["count"].sum() / 60)


def rest_of_england(tidy: pd.DataFrame, outcome: str, members: Sequence[str], first_month: str) -> pd.Series:
    """A response-time outcome for every trust in the file except the group's, pooled as one organisation by
    incidents (including any trusts left out of the donor pool, but not a trust missing a month of the window,
    such as London in October and November 2022): the interrupted time series' second comparison."""
    others = [
        t for t in sorted(tidy.loc[tidy["level"] == "trust", "org"].astype(str).unique()) if t not in set(members)
    ]
    single = outcome_panel(tidy, outcome, others[:1], others[1:], first_month)
    others = [t for t in others if t in single.columns]
    pooled = outcome_panel(tidy, outcome, others, [], first_month)
    return pooled[unit_label(others)].rename("rest of England")


def same_months_a_year_earlier(
    tidy: pd.DataFrame,
    outcome: str,
    members: Sequence[str],
    donors: Sequence[str],
    start: pd.Timestamp,
    last: pd.Timestamp,
) -> dict[str, float]:
    """The outcome's incident-weighted level over the months since the start and over the same calendar months
    a year earlier, for the group and for the donors pooled: whether the post-period's season was kinder to one
    than the other ({'group_now', 'group_before', 'donors_now', 'donors_before'})."""
    now = pd.date_range(start, last, freq="MS")
    before = now - pd.DateOffset(years=1)
    return {
        "group_now": period_level(tidy, outcome, members, now),
        "group_before": period_level(tidy, outcome, members, before),
        "donors_now": period_level(tidy, outcome, donors, now),
        "donors_before": period_level(tidy, outcome, donors, before),
    }


def incidents_a_year(tidy: pd.DataFrame, orgs: Sequence[str], months: Sequence[pd.Timestamp]) -> float:
    """The organisations' incidents (AmbSYS A7, the shares' denominator) a year over a set of months: their sum ÷
    the number of months × 12. What a share's meaningful change is in patients a year."""
    months = pd.DatetimeIndex(months)
    if not len(months):
        return float("nan")
    sub = tidy[tidy["org"].isin(list(orgs)) & tidy["month"].isin(months) & (tidy["indicator"] == "A7")]
    return float(sub["value"].sum() / len(months) * 12)
