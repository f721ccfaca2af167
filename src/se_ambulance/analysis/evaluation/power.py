"""Power: the smallest effect the months available could tell from noise, for each method on its own noise.

**Synthetic control.** The noise is the synthetic control's gap over the pre-period (group minus synthetic group), modelled as
a first-order autoregression: variance σ² and month-to-month correlation ρ (estimated from the gaps,
ρ kept within 0 to 0.95). The effect after h months is the mean gap over those months less the mean
gap over the T₀ pre-period months, so its standard error is

    SE(h) = sqrt(V(h) + V(T₀)),   V(n) = σ²/n² · (n + 2 Σ_{k=1}^{n−1} (n − k) ρ^k)

and the smallest detectable effect, two-sided at level α with the chosen power, is
(z_{1−α/2} + z_{power}) · SE(h) (Bloom, 1995). The placebo spread gives a second, empirical scale: the
standard deviation of the placebos' standardised effects over the months available now (times the group's
pre-period fit error), carried to other
horizons in proportion to SE(h). The larger of the two is the synthetic control's smallest detectable effect.

**Interrupted time series.** The noise is the residual of the time series' own model (level, trend, two yearly
harmonics) fitted to the pre-period difference, modelled as a first-order autoregression (σ² with the residual
degrees of freedom; ρ within 0 to 0.95). The standard error of δ after h months is exact for that model: the OLS
estimator's variance (X'X)⁻¹X'ΣX(X'X)⁻¹ with X the design matrix of the pre-period and h months (its.design_matrix)
and Σ the autoregression's covariance. Its empirical scale is the spread of the time series' own false starts (the
reference distribution of its test), carried to other horizons in proportion to the model's SE(h). The larger of
the two is the time series' smallest detectable effect.

Which of these the verdict uses is the rule version's choice (reference.evaluation.RULES): the synthetic control's
for both methods (rule of 22 November 2026), or each method whose estimate counts, the largest (rule of 7 December
2026: `combined_path`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtri  # the normal quantile (scipy.stats' norm.ppf), without importing scipy.stats


@dataclass(frozen=True)
class Noise:
    sigma: float
    rho: float
    pre_months: int


def ar1_noise(pre_gap: pd.Series) -> Noise:
    e = np.asarray(pre_gap, dtype=float)
    e = e - e.mean()
    sigma = float(np.sqrt(np.mean(e**2)))
    rho = float(np.sum(e[1:] * e[:-1]) / np.sum(e**2)) if len(e) > 2 and sigma > 0 else 0.0
    return Noise(sigma, float(np.clip(rho, 0.0, 0.95)), len(e))


def variance_of_mean(n: int, sigma: float, rho: float) -> float:
    if n < 1:
        return float("inf")
    k = np.arange(1, n)
    return float(sigma**2 / n**2 * (n + 2 * np.sum((n - k) * rho**k)))


def standard_error(h: int, noise: Noise) -> float:
    return float(
        np.sqrt(
            variance_of_mean(h, noise.sigma, noise.rho) + variance_of_mean(noise.pre_months, noise.sigma, noise.rho)
        )
    )


def z(p: float) -> float:
    """The standard normal quantile: z(0.95) = 1.645."""
    return float(ndtri(p))


def multiplier(alpha: float, power: float) -> float:
    """z_{1−α/2} + z_{power}: 2.49 for α = 0.10 and 80% power."""
    return z(1 - alpha / 2) + z(power)


def mde(h: int, noise: Noise, alpha: float, power: float) -> float:
    """The smallest effect detectable after h post months (in the outcome's unit)."""
    return multiplier(alpha, power) * standard_error(h, noise)


def path(
    standard_error_at: Callable[[int], float],
    start: pd.Timestamp,
    until: pd.Timestamp,
    alpha: float,
    power: float,
    placebo_sd: float | None = None,
    months_now: int = 0,
) -> pd.DataFrame:
    """For each last month of data from `start` to `until`: post months h, the smallest detectable effect from a
    model's standard error at h (`noise`), and (if `placebo_sd`, the spread of placebo effects at `months_now`
    months, is given) from that spread carried to h in proportion to the model's standard error (`placebo`);
    `detectable` is the larger of the two."""
    months = pd.date_range(start, until, freq="MS")
    rows = []
    z = multiplier(alpha, power)
    se_now = standard_error_at(months_now) if months_now >= 1 else float("nan")
    for i, m in enumerate(months, start=1):
        se = standard_error_at(i)
        from_noise = z * se
        if placebo_sd is not None and np.isfinite(placebo_sd) and months_now >= 1:
            from_placebo = z * placebo_sd * se / se_now
        else:
            from_placebo = float("nan")
        rows.append(
            {
                "month": m,
                "post_months": i,
                "noise": from_noise,
                "placebo": from_placebo,
                "detectable": float(np.nanmax([from_noise, from_placebo])),
            }
        )
    return pd.DataFrame(rows)


def mde_path(
    noise: Noise,
    start: pd.Timestamp,
    until: pd.Timestamp,
    alpha: float,
    power: float,
    placebo_sd: float | None = None,
    months_now: int = 0,
) -> pd.DataFrame:
    """The synthetic control's path (see `path`): the standard error from the pre-period gap's noise."""
    return path(lambda h: standard_error(h, noise), start, until, alpha, power, placebo_sd, months_now)


def its_noise(difference: pd.Series, start: pd.Timestamp, harmonics: int = 2) -> Noise:
    """The interrupted time series' noise: the residuals of its model (level, trend, harmonics) fitted by least
    squares to the difference over the months before `start`, as a first-order autoregression; σ² is the residual
    sum of squares over the residual degrees of freedom."""
    from se_ambulance.analysis.evaluation.its import design_matrix

    pre = difference.dropna().sort_index()
    pre = pre[pre.index < start]
    X = design_matrix(pd.DatetimeIndex(pre.index), start, True, harmonics).drop(columns="post").to_numpy()
    y = pre.to_numpy(dtype=float)
    if len(y) <= X.shape[1]:
        return Noise(float("nan"), 0.0, len(y))
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    e = y - X @ beta
    sigma = float(np.sqrt(e @ e / (len(y) - X.shape[1])))
    rho = float(np.sum(e[1:] * e[:-1]) / np.sum(e**2)) if np.sum(e**2) > 0 else 0.0
    return Noise(sigma, float(np.clip(rho, 0.0, 0.95)), len(y))


def its_standard_error(
    h: int, noise: Noise, first_month: pd.Timestamp, start: pd.Timestamp, harmonics: int = 2
) -> float:
    """The standard error of the time series' δ with `noise.pre_months` months from `first_month` before `start`
    and h months from it: exact for OLS under first-order autoregressive errors."""
    from se_ambulance.analysis.evaluation.its import design_matrix

    if h < 1 or not np.isfinite(noise.sigma):
        return float("inf")
    index = pd.date_range(first_month, periods=noise.pre_months + h, freq="MS")
    X = design_matrix(index, start, True, harmonics).to_numpy()
    lag = np.abs(np.subtract.outer(np.arange(len(index)), np.arange(len(index))))
    cov = noise.sigma**2 * noise.rho**lag
    a = np.linalg.pinv(X.T @ X) @ X.T
    return float(np.sqrt((a @ cov @ a.T)[-1, -1]))


def its_mde_path(
    noise: Noise,
    first_month: pd.Timestamp,
    start: pd.Timestamp,
    until: pd.Timestamp,
    alpha: float,
    power: float,
    placebo_sd: float | None = None,
    months_now: int = 0,
) -> pd.DataFrame:
    """The interrupted time series' path (see `path`): the model's exact standard error, and the spread of its false
    starts carried to each horizon."""
    return path(
        lambda h: its_standard_error(h, noise, first_month, start), start, until, alpha, power, placebo_sd, months_now
    )


def combined_path(paths: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Several methods' paths month by month: each method's `detectable` (a column named after the method) and
    `detectable`, the largest (a verdict needs every method in `paths`)."""
    names = list(paths)
    first = paths[names[0]]
    out = first[["month", "post_months"]].copy()
    for name in names:
        out[name] = paths[name]["detectable"].to_numpy()
    out["detectable"] = out[names].max(axis=1)
    return out


def first_month_detectable(frame: pd.DataFrame, size: float) -> pd.Timestamp | None:
    """The first last-month-of-data at which an effect of `size` becomes detectable (None if not by the end)."""
    ok = frame[frame["detectable"] <= abs(size)]
    return None if ok.empty else pd.Timestamp(ok["month"].iloc[0])
