"""A synthetic control of the group, fitted on the pre-period with pysyncon.

The synthetic group is a weighted average of donor units (weights non-negative, summing to one) whose
path over the pre-period matches the group's as closely as possible (least squares over the months).
Each unit is first centred on its own pre-period mean, so the weights match the month-to-month path,
not the level, which need not lie inside the donors' range (the "demeaned" synthetic control of Ferman
and Pinto, 2021; Doudchenko and Imbens, 2016, allow the same intercept). The effect is the mean gap,
group minus synthetic, over the months from the start.

pysyncon's `Synth` scales each pre-period month by its spread across units before fitting; passing
each month's variance as `custom_V` undoes that, so every month counts equally, and fixes the weights by
its quadratic programme without an outer search over predictor weights (the predictors are the
outcomes themselves).

How good the fit is is judged against the group's own spread: the pre-period R² is 1 − RMSPE² ÷ SD², where
SD is the group's own pre-period standard deviation around its mean. R² ≤ 0 means the synthetic group tracks
the group no better than a flat line at the group's own mean: the synthetic control is then uninformative for
that outcome (`informative`). Abadie, Diamond and Hainmueller's (2010) post/pre RMSPE ratio is reported as a
robustness statistic.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class SyntheticFit:
    treated: str
    weights: pd.Series  # donor unit -> weight
    actual: pd.Series  # the treated unit's series (all months of the fit's window)
    synthetic: pd.Series  # the synthetic unit's series, level-matched over the pre-period
    pre_months: int
    post_months: int
    pre_rmspe: float  # root mean squared gap over the pre-period
    effect: float  # mean gap (actual − synthetic) over the post months; NaN without post months
    pre_sd: float = float("nan")  # the treated unit's own pre-period standard deviation around its mean
    post_rmspe: float = float("nan")  # root mean squared gap over the post months

    @property
    def pre_r2(self) -> float:
        """1 − RMSPE² ÷ SD² over the pre-period: the share of the group's own month-to-month variation the
        synthetic group reproduces (≤ 0: no better than a flat line at the group's mean)."""
        if not (self.pre_sd > 0):
            return float("nan")
        return 1 - (self.pre_rmspe / self.pre_sd) ** 2

    def informative(self, min_r2: float) -> bool:
        """Whether the fit beats the group's own mean by more than `min_r2` (pre-period R²)."""
        return bool(np.isfinite(self.pre_r2) and self.pre_r2 > min_r2)

    @property
    def rmspe_ratio(self) -> float:
        """Post-period RMSPE ÷ pre-period RMSPE (Abadie, Diamond and Hainmueller, 2010)."""
        return self.post_rmspe / self.pre_rmspe if self.pre_rmspe > 0 and self.post_months else float("nan")

    @property
    def gap(self) -> pd.Series:
        return self.actual - self.synthetic

    @property
    def standardised(self) -> float:
        """The effect in units of the pre-period fit's error (what the placebo ranks compare)."""
        return self.effect / self.pre_rmspe if self.pre_rmspe > 0 else float("nan")


def synthetic_control(panel: pd.DataFrame, treated: str, donors: list[str], start: pd.Timestamp,
                      end: pd.Timestamp | None = None) -> SyntheticFit:
    """Fit the synthetic `treated` unit from `donors` on the panel's months before `start`; the post
    period runs from `start` to `end` (inclusive; default the panel's last month)."""
    from pysyncon import Synth

    end = panel.index.max() if end is None else end
    data = panel.loc[panel.index <= end, [treated, *donors]]
    pre = data[data.index < start]
    post_months = int((data.index >= start).sum())
    if len(pre) < 3 or not donors:
        raise ValueError(f"a synthetic control needs at least 3 pre-period months and a donor "
                         f"(got {len(pre)} months, {len(donors)} donors)")
    centred = pre - pre.mean()
    x0, x1 = centred[donors], centred[treated]
    if len(donors) == 1:
        w = np.array([1.0])
    else:
        spread = pd.concat([x0, x1], axis=1).std(axis=1)
        keep = spread > 1e-12  # a month on which every unit is equal carries no information
        x0, x1, spread = x0[keep], x1[keep], spread[keep]
        x0.index = x1.index = [str(i) for i in range(len(x0))]  # pysyncon wants plain labels
        x1 = x1.rename("treated")
        model = Synth()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            model.fit(X0=x0, X1=x1, Z0=x0, Z1=x1, custom_V=(spread ** 2).to_numpy())
        w = np.clip(np.asarray(model.W, dtype=float), 0, None)
        w = w / w.sum()
    weights = pd.Series(w, index=donors, name="weight")
    synthetic = (data[donors] - pre[donors].mean()) @ w + pre[treated].mean()
    gap = data[treated] - synthetic
    pre_gap = gap[gap.index < start]
    post_gap = gap[gap.index >= start]
    effect = float(post_gap.mean()) if post_months else float("nan")
    post_rmspe = float(np.sqrt(np.mean(post_gap ** 2))) if post_months else float("nan")
    pre_sd = float(np.sqrt(np.mean((pre[treated] - pre[treated].mean()) ** 2)))
    return SyntheticFit(treated, weights, data[treated], synthetic.rename("synthetic"), len(pre), post_months,
                        float(np.sqrt(np.mean(pre_gap ** 2))), effect, pre_sd, post_rmspe)
