"""A comparative interrupted time series: the group minus the pooled donors, month by month.

The difference d_t = group_t − comparison_t is modelled over the whole window as

    d_t = a + b·t + Σ_k (s_k·sin(2πkt/12) + c_k·cos(2πkt/12)) + δ·post_t + e_t,   k = 1, 2

(a level, a linear trend and two yearly harmonics fitted to the pre-period, so winters that hit the
donors harder than the group are not read as an effect). δ is the mean shift of the difference after the
start relative to its extrapolated pre-period path: the effect. Its interval uses Newey–West (HAC)
standard errors, which allow the month-to-month correlation of e_t, with the usual lag rule
floor(4·(n/100)^(2/9)) and a t distribution (statsmodels).

All the months after a start in October are winter months, and a winter that was milder for the donors than
for the group (or the reverse) moves δ however well the harmonics fit earlier winters; and a gap that was
already closing before the start is extrapolated by the trend. `sensitivity` therefore re-estimates δ under
other reasonable specifications: without the trend, on the log ratio, against the rest of England, as a
simple difference in differences, and as a difference in differences against the same calendar months of
the pre-period (winter against winter).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class ITSFit:
    effect: float  # δ, in the outcome's unit
    low: float  # the (1 − alpha) confidence interval of δ
    high: float
    p: float
    pre_months: int
    post_months: int
    lags: int
    trend: float = float("nan")  # the pre-period trend of the difference, per year (NaN without a trend term)

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


def hac_lags(n: int) -> int:
    """Newey and West's (1994) rule of thumb for the HAC lag length."""
    return max(1, int(math.floor(4 * (n / 100) ** (2 / 9))))


def design_matrix(index: pd.DatetimeIndex, start: pd.Timestamp, trend: bool = True, harmonics: int = 2) -> pd.DataFrame:
    t = np.arange(len(index), dtype=float)
    moy = index.month.to_numpy(dtype=float)
    cols = {"const": np.ones(len(index))}
    if trend:
        cols["trend"] = t / 12
    for k in range(1, harmonics + 1):
        cols[f"sin{k}"] = np.sin(2 * np.pi * k * moy / 12)
        cols[f"cos{k}"] = np.cos(2 * np.pi * k * moy / 12)
    cols["post"] = (index >= start).astype(float)
    return pd.DataFrame(cols, index=index)


def comparative_its(
    treated: pd.Series,
    comparison: pd.Series,
    start: pd.Timestamp,
    alpha: float,
    *,
    trend: bool = True,
    harmonics: int = 2,
    log: bool = False,
    same_calendar_months: bool = False,
) -> ITSFit:
    """The level shift of treated − comparison from `start`, with its (1 − alpha) HAC interval. The defaults
    are the chapter's model; `trend=False, harmonics=0` is a simple difference in differences; `log` models
    log(treated) − log(comparison) (δ is then a log ratio); `same_calendar_months` keeps only the pre-period
    months whose calendar month occurs after the start (winter against winter)."""
    # The one class needed, not statsmodels.api (which imports every model: about 0.8 s more), and here, not
    # at the top: most users of this package fit no model.
    from statsmodels.regression.linear_model import OLS

    d = ((np.log(treated) - np.log(comparison)) if log else (treated - comparison)).dropna().sort_index()
    if same_calendar_months:
        post_moy = set(d.index[d.index >= start].month)
        d = d[(d.index >= start) | d.index.month.isin(list(post_moy))]
    X = design_matrix(pd.DatetimeIndex(d.index), start, trend, harmonics)
    n_post = int(X["post"].sum())
    n_pre = len(d) - n_post
    if n_post == 0:
        return ITSFit(float("nan"), float("nan"), float("nan"), float("nan"), n_pre, 0, 0)
    if n_pre < X.shape[1] + 2:
        raise ValueError(f"the interrupted time series needs at least {X.shape[1] + 2} pre-period months, got {n_pre}")
    lags = hac_lags(len(d))
    res = OLS(d.to_numpy(), X).fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True)
    low, high = res.conf_int(alpha=alpha).loc["post"]
    return ITSFit(
        float(res.params["post"]),
        float(low),
        float(high),
        float(res.pvalues["post"]),
        n_pre,
        n_post,
        lags,
        float(res.params["trend"]) if trend else float("nan"),
    )


SENSITIVITY = ("chapter", "no_trend", "log_ratio", "rest_of_england", "did", "did_same_months")


def sensitivity(
    treated: pd.Series, comparison: pd.Series, rest_of_england: pd.Series, start: pd.Timestamp, alpha: float
) -> dict[str, ITSFit]:
    """δ under each specification in `SENSITIVITY` (the chapter's model first). `rest_of_england` is a second
    comparison series (every trust but the group's, pooled). The log-ratio fit's δ is a log ratio."""
    return {
        "chapter": comparative_its(treated, comparison, start, alpha),
        "no_trend": comparative_its(treated, comparison, start, alpha, trend=False),
        "log_ratio": comparative_its(treated, comparison, start, alpha, log=True),
        "rest_of_england": comparative_its(treated, rest_of_england.reindex(treated.index), start, alpha),
        "did": comparative_its(treated, comparison, start, alpha, trend=False, harmonics=0),
        "did_same_months": comparative_its(
            treated, comparison, start, alpha, trend=False, harmonics=0, same_calendar_months=True
        ),
    }
