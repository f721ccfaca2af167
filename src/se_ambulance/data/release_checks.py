"""A new AmbSYS release checked as a release, against the one pinned now, before `fetch --update` installs it.

The loader has already checked the file's shape (columns, numbers, one row per organisation and month, no month
missing from any organisation's rows). These checks compare the candidate with the pinned release:

- the same organisations (a change of organisation is a deliberate, documented step: `--accept-organisation-change`);
- not older than the pin: its last month is no earlier than the pinned release's, and its name says the month its
  data end in; and it keeps every earlier month (it starts no later);
- no gaps: every series an organisation reported in the pinned release's last month (by indicator family: calls,
  all incidents, each response category, outcomes, handovers) has values in every month since, and no series loses
  a month it had; the last months are not blank (suppressed);
- counts are not negative, and counts and times are within plausible bounds (below).

Every problem is named with its organisation, month and column. What the release changes (months added, values
revised) is returned as a report, to be shown before and after it is adopted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from se_ambulance.errors import DataError
from se_ambulance.reference.indicators import REGISTRY
from se_ambulance.reference.orgs import ENGLAND, PROVIDERS, REGIONS

# Plausible bounds, fixed well outside anything AmbSYS has published, so that only a broken value fails them.
# Counts: England's largest monthly count in the series to April 2026 is 1.31 million contacts (A0, the largest of
# every count); ten million a month is more than seven times that.
COUNT_MAX = 10_000_000
# Times (means and 90th centiles): the longest in the series is a Category 4 90th centile of 19.2 hours (the winter
# of 2022/23); 48 hours is two and a half times that. A time is never negative.
TIME_MAX_S = 48 * 3600
# A total of response times is at most its count times the longest plausible time (or COUNT_MAX times it).
FAMILIES = {"call": "calls", "all": "all incidents", "C1": "Category 1", "C1T": "Category 1 transported",
            "C2": "Category 2", "C3": "Category 3", "C4": "Category 4", "outcome": "incident outcomes",
            "handover": "hospital handovers"}
_SHOWN = 5  # examples named per kind of problem


@dataclass(frozen=True)
class ReleaseReport:
    """What a release changes against the pinned one."""

    pinned_first: pd.Timestamp
    pinned_last: pd.Timestamp
    first: pd.Timestamp
    last: pd.Timestamp
    months_added: tuple[pd.Timestamp, ...]
    revised: dict[pd.Timestamp, int] = field(default_factory=dict)  # month -> values changed (or withdrawn)
    organisations_changed: str = ""  # set when a change of organisation was accepted deliberately

    @property
    def n_revised(self) -> int:
        return sum(self.revised.values())

    def lines(self) -> list[str]:
        added = ", ".join(f"{m:%B %Y}" for m in self.months_added) or "none"
        out = [f"months added: {len(self.months_added)} ({added})"]
        if self.revised:
            by_month = "; ".join(f"{m:%B %Y}: {n:,}" for m, n in sorted(self.revised.items()))
            out.append(f"revisions: {self.n_revised:,} earlier values changed ({by_month})")
        else:
            out.append("revisions: none (every month both releases hold is unchanged)")
        if self.organisations_changed:
            out.append(f"organisations changed (accepted deliberately): {self.organisations_changed}")
        return out


def _label(code: str) -> str:
    ind = REGISTRY.get(code)
    return f"{code} ({ind.label})" if ind else code


def _names(table: pd.DataFrame) -> dict[str, str]:
    """Each organisation's short name (reference.orgs), or the file's own latest name for one the book does not
    know."""
    t = table.sort_values("month")[["org", "org_name"]].drop_duplicates("org", keep="last")
    known = {**PROVIDERS, **REGIONS, **ENGLAND}
    return {o: known.get(o, n) for o, n in zip(t["org"].astype(str), t["org_name"].astype(str))}


def _listed(items: list[str], what: str) -> str:
    shown = "; ".join(items[:_SHOWN])
    more = f"; and {len(items) - _SHOWN} more {what}" if len(items) > _SHOWN else ""
    return shown + more


def _month_run(months: list[pd.Timestamp]) -> str:
    months = sorted(months)
    if len(months) == 1:
        return f"{months[0]:%Y-%m}"
    return f"{months[0]:%Y-%m} to {months[-1]:%Y-%m} ({len(months)} months)"


def organisation_problems(candidate: pd.DataFrame, pinned: pd.DataFrame) -> list[str]:
    new, old = _names(candidate), _names(pinned)
    gone = sorted(set(old) - set(new))
    added = sorted(set(new) - set(old))
    out = [f"organisation {o} ({old[o]}) is in the pinned release but not in this one" for o in gone]
    out += [f"organisation {o} ({new[o]}) is new: the pinned release does not have it" for o in added]
    return out


def order_problems(candidate: pd.DataFrame, pinned: pd.DataFrame, name_month: dt.date | None,
                   rows: tuple[pd.Timestamp, pd.Timestamp] | None = None) -> list[str]:
    first, last = rows or (candidate["month"].min(), candidate["month"].max())
    p_first, p_last = pinned["month"].min(), pinned["month"].max()
    out = []
    if last < p_last:
        out.append(f"it is older than the pinned release: its data end in {last:%B %Y} ({last:%Y-%m}), the pinned "
                   f"release's in {p_last:%B %Y}; a release older than the pin is never adopted")
    if first > p_first:
        out.append(f"it starts in {first:%Y-%m}, later than the pinned release ({p_first:%Y-%m}): the months "
                   f"{_month_run(list(pd.date_range(p_first, first, freq='MS', inclusive='left')))} were dropped")
    if name_month is not None and (name_month.year, name_month.month) != (last.year, last.month):
        out.append(f"its name says its data end in {name_month:%B %Y}, but its last month is {last:%B %Y} "
                   f"({last:%Y-%m}): a file renamed, or cut short")
    return out


def _reported(table: pd.DataFrame) -> pd.DataFrame:
    """(org, family, month) with at least one value."""
    t = table[["org", "category", "month"]].drop_duplicates()
    return t.rename(columns={"category": "family"}).astype({"org": str, "family": str})


def continuity_problems(candidate: pd.DataFrame, pinned: pd.DataFrame, names: dict[str, str],
                        last: pd.Timestamp | None = None) -> list[str]:
    """Gaps and blank last months, by organisation and indicator family (for the organisations both releases
    hold; a missing organisation is named once, by organisation_problems). `last`: the last month the file has
    rows for (its values may all be blank)."""
    last = candidate["month"].max() if last is None else last
    p_last = pinned["month"].max()
    have = _reported(candidate)
    had = _reported(pinned)
    had = had[had["org"].isin(set(have["org"]))]
    have_set = set(map(tuple, have[["org", "family", "month"]].itertuples(index=False, name=None)))
    active = had.loc[had["month"] == p_last, ["org", "family"]].drop_duplicates()
    new_months = [m for m in pd.date_range(p_last, last, freq="MS") if m > p_last]
    expected = [*((o, f, m) for o, f, m in had.itertuples(index=False, name=None) if m <= last),
                *((o, f, m) for o, f in active.itertuples(index=False, name=None) for m in new_months)]
    missing: dict[tuple[str, str], list[pd.Timestamp]] = {}
    for o, f, m in expected:
        if (o, f, m) not in have_set:
            missing.setdefault((o, f), []).append(m)
    # Each missing run of months, as (organisation, blank at the end?, months) -> the families it hits.
    runs: dict[tuple[str, bool, tuple[pd.Timestamp, ...]], list[str]] = {}
    for (o, f), months in sorted(missing.items()):
        months_set = set(months)
        tail: list[pd.Timestamp] = []
        m = last
        while m in months_set:  # the run of missing months that ends with the release's last month
            tail.insert(0, m)
            m -= pd.offsets.MonthBegin()
        if tail:
            runs.setdefault((o, True, tuple(tail)), []).append(f)
        rest = tuple(sorted(months_set - set(tail)))
        if rest:
            runs.setdefault((o, False, rest), []).append(f)
    families_of = {o: set(had.loc[had["org"] == o, "family"]) for o in had["org"].unique()}
    suppressed, gaps = [], []
    for (o, at_end, run), fams in runs.items():
        what = ("every indicator family" if set(fams) == families_of.get(o, set()) and len(fams) > 1 else
                ", ".join(f"{FAMILIES.get(f, f)} ({', '.join(_codes(f))})" for f in fams))
        if at_end:
            suppressed.append(f"{o} ({names.get(o, o)}): no values in the last months, {_month_run(list(run))}, "
                              f"for {what}")
        else:
            gaps.append(f"{o} ({names.get(o, o)}): no values for {_month_run(list(run))}, for {what}, where the "
                        "pinned release or the months either side have them")
    out = []
    if suppressed:
        out.append("the last months are blank (suppressed): " + _listed(suppressed, "organisations"))
    if gaps:
        out.append("months are missing: " + _listed(gaps, "gaps"))
    return out


def _codes(family: str) -> list[str]:
    return [c for c, i in REGISTRY.items() if i.category == family]


def value_problems(candidate: pd.DataFrame, names: dict[str, str]) -> list[str]:
    """Negative counts, and counts and times outside the plausible bounds (COUNT_MAX, TIME_MAX_S)."""
    t = candidate[["org", "month", "indicator", "statistic", "unit", "value"]].astype(
        {"org": str, "indicator": str, "statistic": str, "unit": str})
    is_time = t["statistic"].isin(["mean", "p90"])
    is_total = t["statistic"] == "total"
    is_count = ~is_time & ~is_total
    counts = t[is_count].set_index(["org", "month", "indicator"])["value"]
    count_of_total = {i.code: c.code for c in REGISTRY.values() for i in REGISTRY.values()
                      if i.statistic == "total" and c.statistic == "count" and c.category == i.category}
    limit = pd.Series(float("nan"), index=t.index)
    limit[is_count] = COUNT_MAX
    limit[is_time] = TIME_MAX_S
    totals = t[is_total]
    keys = list(zip(totals["org"], totals["month"], totals["indicator"].map(count_of_total)))
    n = pd.Series(counts.reindex(keys).to_numpy(), index=totals.index)
    limit[is_total] = n.where(n >= 0).fillna(COUNT_MAX).clip(lower=1) * TIME_MAX_S  # a negative count is named apart

    def where(r) -> str:
        return f"{r.org} ({names.get(r.org, r.org)}), {r.month:%Y-%m}, column {_label(r.indicator)}: {r.value:g}"

    out = []
    negative = t[is_count & (t["value"] < 0)]
    if len(negative):
        out.append("negative counts: " + _listed([where(r) for r in negative.itertuples()], "values"))
    neg_time = t[~is_count & (t["value"] < 0)]
    if len(neg_time):
        out.append("negative times: " + _listed([where(r) for r in neg_time.itertuples()], "values"))
    high = t[(t["value"] > limit) | ~np.isfinite(t["value"])]
    if len(high):
        out.append(f"values beyond plausible bounds (a count above {COUNT_MAX:,} a month, a time above "
                   f"{TIME_MAX_S // 3600} hours, a total above its count times {TIME_MAX_S // 3600} hours): "
                   + _listed([where(r) for r in high.itertuples()], "values"))
    return out


def revised_months(candidate: pd.DataFrame, pinned: pd.DataFrame) -> dict[pd.Timestamp, int]:
    """For each month both releases hold, how many values differ (changed, added or withdrawn)."""
    keys = ["org", "indicator", "month"]
    shared = set(pinned["month"].unique()) & set(candidate["month"].unique())
    a = pinned.loc[pinned["month"].isin(shared), keys + ["value"]].astype({"org": str, "indicator": str})
    b = candidate.loc[candidate["month"].isin(shared), keys + ["value"]].astype({"org": str, "indicator": str})
    m = a.merge(b, on=keys, how="outer", suffixes=("_old", "_new"))
    differs = (m["value_old"] != m["value_new"]) & ~(m["value_old"].isna() & m["value_new"].isna())
    counts = m.loc[differs].groupby("month").size()
    return {pd.Timestamp(k): int(v) for k, v in counts.items()}


def check_release(candidate: pd.DataFrame, pinned: pd.DataFrame, name_month: dt.date | None = None,
                  accept_organisation_change: bool = False, what: str = "the candidate release",
                  rows: tuple[pd.Timestamp, pd.Timestamp] | None = None) -> ReleaseReport:
    """Check a candidate release (tidy table, as the loader returns it) against the pinned one; return what it
    changes, or raise DataError naming every problem (organisation, month, column). `rows`: the first and last
    month the candidate file has rows for (the tidy table keeps only values, so months left blank vanish from it)."""
    names = {**_names(pinned), **_names(candidate)}
    rows = rows or (candidate["month"].min(), candidate["month"].max())
    problems = order_problems(candidate, pinned, name_month, rows)
    orgs = organisation_problems(candidate, pinned)
    if orgs and not accept_organisation_change:
        problems.append(
            "its organisations differ from the pinned release's: " + _listed(orgs, "organisations")
            + ". A change of organisations (a merger, a new code) is adopted only as a deliberate, documented step: "
            "update se_ambulance.reference.orgs and any parameter that names the organisation in a reviewed change, "
            "then run `se-ambulance fetch --update ambsys --accept-organisation-change`")
    problems += continuity_problems(candidate, pinned, names, rows[1])
    problems += value_problems(candidate, names)
    if problems:
        raise DataError(f"{what} was refused before anything was installed ({len(problems)} problem"
                        f"{'s' if len(problems) > 1 else ''}):\n" + "\n".join(f"  - {p}" for p in problems))
    p_last = pinned["month"].max()
    added = tuple(pd.Timestamp(m) for m in sorted(candidate["month"].unique()) if m > p_last)
    return ReleaseReport(pinned["month"].min(), p_last, rows[0], rows[1], added,
                         revised_months(candidate, pinned), "; ".join(orgs) if orgs else "")


def check_ambsys_release(candidate: Path, pinned: Path, name_month: dt.date | None = None,
                         accept_organisation_change: bool = False) -> ReleaseReport:
    """`check_release` on two AmbSYS files (the pinned one's table from the parquet cache when it is there)."""
    from se_ambulance.data.ambsys import _CACHE_VERSION, read_ambsys_csv
    from se_ambulance.data.common import cached_frame
    from se_ambulance.data.fetch import sha256_file

    old = cached_frame("ambsys", pinned, sha256_file(pinned), _CACHE_VERSION, read_ambsys_csv, progress=lambda m: None)
    new = read_ambsys_csv(candidate)
    ym = pd.read_csv(candidate, usecols=["Year", "Month"], dtype=int)  # the months it has rows for, blank or not
    months = pd.to_datetime({"year": ym["Year"], "month": ym["Month"], "day": 1})
    return check_release(new, old, name_month, accept_organisation_change, what=f"The release {Path(candidate).name}",
                         rows=(months.min(), months.max()))
