"""Power: the smallest effect the months available could tell from noise.

The noise is the synthetic control's gap over the pre-period (group minus synthetic group), modelled as
a first-order autoregression: variance σ² and month-to-month correlation ρ (estimated from the gaps,
ρ kept within 0 to 0.95). The effect after h months is the mean gap over those months less the mean
gap over the T₀ pre-period months, so its standard error is

    SE(h) = sqrt(V(h) + V(T₀)),   V(n) = σ²/n² · (n + 2 Σ_{k=1}^{n−1} (n − k) ρ^k)

and the smallest detectable effect, two-sided at level α with the chosen power, is
(z_{1−α/2} + z_{power}) · SE(h) (Bloom, 1995). The placebo spread gives a second, empirical scale: the
standard deviation of the placebos' standardised effects over the months available now (times the group's
pre-period fit error), carried to other
horizons in proportion to SE(h). The larger of the two is the one the verdict uses.
"""

from __future__ import annotations

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
    sigma = float(np.sqrt(np.mean(e ** 2)))
    rho = float(np.sum(e[1:] * e[:-1]) / np.sum(e ** 2)) if len(e) > 2 and sigma > 0 else 0.0
    return Noise(sigma, float(np.clip(rho, 0.0, 0.95)), len(e))


def variance_of_mean(n: int, sigma: float, rho: float) -> float:
    if n < 1:
        return float("inf")
    k = np.arange(1, n)
    return float(sigma ** 2 / n ** 2 * (n + 2 * np.sum((n - k) * rho ** k)))


def standard_error(h: int, noise: Noise) -> float:
    return float(np.sqrt(variance_of_mean(h, noise.sigma, noise.rho)
                         + variance_of_mean(noise.pre_months, noise.sigma, noise.rho)))


def z(p: float) -> float:
    """The standard normal quantile: z(0.95) = 1.645."""
    return float(ndtri(p))


def multiplier(alpha: float, power: float) -> float:
    """z_{1−α/2} + z_{power}: 2.49 for α = 0.10 and 80% power."""
    return z(1 - alpha / 2) + z(power)


def mde(h: int, noise: Noise, alpha: float, power: float) -> float:
    """The smallest effect detectable after h post months (in the outcome's unit)."""
    return multiplier(alpha, power) * standard_error(h, noise)


def mde_path(noise: Noise, start: pd.Timestamp, until: pd.Timestamp, alpha: float, power: float,
             placebo_sd: float | None = None, months_now: int = 0) -> pd.DataFrame:
    """For each last month of data from `start` to `until`: post months h, the smallest detectable effect
    from the pre-period noise (`noise`), and (if `placebo_sd` of the placebos' effects at `months_now`
    months is given) from the placebo spread scaled to h; `detectable` is the larger of the two."""
    months = pd.date_range(start, until, freq="MS")
    rows = []
    z = multiplier(alpha, power)
    for i, m in enumerate(months, start=1):
        from_noise = mde(i, noise, alpha, power)
        if placebo_sd is not None and np.isfinite(placebo_sd) and months_now >= 1:
            from_placebo = z * placebo_sd * standard_error(i, noise) / standard_error(months_now, noise)
        else:
            from_placebo = float("nan")
        rows.append({"month": m, "post_months": i, "noise": from_noise, "placebo": from_placebo,
                     "detectable": float(np.nanmax([from_noise, from_placebo]))})
    return pd.DataFrame(rows)


def first_month_detectable(path: pd.DataFrame, size: float) -> pd.Timestamp | None:
    """The first last-month-of-data at which an effect of `size` becomes detectable (None if not by the end)."""
    ok = path[path["detectable"] <= abs(size)]
    return None if ok.empty else pd.Timestamp(ok["month"].iloc[0])
