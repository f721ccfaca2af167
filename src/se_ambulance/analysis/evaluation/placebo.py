"""Placebo tests: the reference distribution the group's estimate is judged against.

- In space: each donor unit in turn is treated as if it had formed the group at the start month, and a
  synthetic control is built for it from the other donor units (for the gap, from the donor sets that
  share no trust with it). The group itself is never a donor.
- In time: the group is treated as if the group had started at a false month inside the pre-period,
  fitted on a window of the same fixed length (`window` months, the design's minimum) just before that
  false start, and judged over as many months as the real post-period has, all ending before the real
  start. A fixed window makes the false starts comparable with one another (a fit on fewer months has a
  smaller fit error, which would inflate its standardised effect); they are still not comparable with the
  group's own fit on the whole pre-period, so they are ranked apart, on their effect in the outcome's
  unit, and do not enter the verdict.

The interrupted time series gets time placebos of its own (`its_time_placebos`).

Each placebo gives an effect and a standardised effect (effect ÷ pre-period fit error). The group's
standardised effect is ranked by absolute size among the space placebos' and its own: rank 1 is the largest; the
placebo p-value is rank ÷ (placebos + 1), the share of the reference distribution at least as extreme
(Abadie, Diamond and Hainmueller, 2010, rank their RMSPE ratios the same way).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from se_ambulance.analysis.evaluation.its import ITSFit, comparative_its
from se_ambulance.analysis.evaluation.synthetic import synthetic_control


@dataclass(frozen=True)
class Placebo:
    kind: str  # "space" or "time"
    unit: str
    start: pd.Timestamp
    post_months: int
    effect: float
    pre_rmspe: float

    @property
    def standardised(self) -> float:
        return self.effect / self.pre_rmspe if self.pre_rmspe > 0 else float("nan")


def _trusts(unit: str) -> set[str]:
    return set(unit.split("+"))


def space_placebos(panel: pd.DataFrame, treated: str, start: pd.Timestamp) -> list[Placebo]:
    """Every donor unit of the panel (all columns but `treated`) treated in turn at `start`."""
    units = [c for c in panel.columns if c != treated]
    out = []
    for u in units:
        pool = [d for d in units if d != u and not (_trusts(d) & _trusts(u))]
        if not pool:
            continue
        fit = synthetic_control(panel, u, pool, start)
        out.append(Placebo("space", u, start, fit.post_months, fit.effect, fit.pre_rmspe))
    return out


def false_starts(index: pd.DatetimeIndex, start: pd.Timestamp, post_months: int, min_pre: int) -> list[pd.Timestamp]:
    """Months that can serve as false starts: at least `min_pre` months of the index before each, and
    `post_months` months from each that all end before the real start."""
    pre = index[index < start]
    out = []
    for i, s in enumerate(pre):
        if i >= min_pre and i + post_months <= len(pre):
            out.append(pd.Timestamp(s))
    return out


def time_placebos(
    panel: pd.DataFrame, treated: str, start: pd.Timestamp, post_months: int, min_pre: int, window: int | None = None
) -> list[Placebo]:
    """The group treated at each false start inside the pre-period (see `false_starts`), each fitted on the
    `window` months just before it (default `min_pre`: the same length for every false start)."""
    donors = [c for c in panel.columns if c != treated]
    pre = panel[panel.index < start]
    window = min_pre if window is None else window
    out = []
    if post_months < 1:
        return out
    for s in false_starts(pd.DatetimeIndex(panel.index), start, post_months, min_pre):
        i = list(pre.index).index(s)
        end = pre.index[i + post_months - 1]
        fit = synthetic_control(pre.iloc[max(0, i - window) :], treated, donors, s, end)
        out.append(Placebo("time", treated, s, fit.post_months, fit.effect, fit.pre_rmspe))
    return out


def its_time_placebos(
    treated: pd.Series, comparison: pd.Series, start: pd.Timestamp, post_months: int, min_pre: int, alpha: float
) -> list[tuple[pd.Timestamp, ITSFit]]:
    """The interrupted time series at each false start inside the pre-period (as `time_placebos`). Its HAC
    interval is too narrow on short monthly series; these false starts show how often it excludes zero when
    nothing happened, and give its estimate a reference distribution of its own."""
    idx = pd.DatetimeIndex(treated.index)
    pre = idx[idx < start]
    out = []
    if post_months < 1:
        return out
    for s in false_starts(idx, start, post_months, min_pre):
        end = pre[list(pre).index(s) + post_months - 1]
        keep = idx <= end
        out.append((s, comparative_its(treated[keep], comparison.reindex(idx[keep]), s, alpha)))
    return out


@dataclass(frozen=True)
class Rank:
    rank: int  # 1 = the most extreme
    of: int  # placebos + 1
    p: float  # rank / of

    @property
    def smallest_p(self) -> float:
        """The smallest p-value this many placebos could give."""
        return 1 / self.of


def placebo_rank(statistic: float, reference: Sequence[float]) -> Rank:
    """Where |statistic| falls among the |reference| values and itself (ties count against it)."""
    ref = np.abs(np.asarray([r for r in reference if np.isfinite(r)], dtype=float))
    if not np.isfinite(statistic):
        return Rank(0, len(ref) + 1, float("nan"))
    rank = 1 + int(np.sum(ref >= abs(statistic)))
    return Rank(rank, len(ref) + 1, rank / (len(ref) + 1))
