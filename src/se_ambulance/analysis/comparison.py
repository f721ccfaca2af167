"""Differences between two organisations' rates, with confidence intervals for the difference itself.

Whether two separate 95% intervals overlap is a conservative and often misleading test; the interval
for the difference of two independent proportions (Newcombe's hybrid score method, as statsmodels
implements it) answers the question directly.
"""

from __future__ import annotations

import pandas as pd


def pooled_difference(rates: pd.DataFrame, measure: str, a: str, b: str, years: int) -> dict[str, float]:
    """Rate of `a` minus rate of `b` on `measure`, pooled over the latest `years` complete financial years
    both report (`rates` from `outcomes.outcome_rates`), with a 95% Newcombe interval."""
    r = rates[rates["measure"] == measure]
    common = sorted(set(r[r["org"] == a]["fy"]) & set(r[r["org"] == b]["fy"]))[-years:]
    if not common:
        raise ValueError(f"no common complete year for {a} and {b} on {measure}")
    sums = r[r["fy"].isin(common)].groupby("org")[["numerator", "denominator"]].sum()
    xa, na = sums.loc[a]
    xb, nb = sums.loc[b]
    # here, not at the top: statsmodels takes seconds to import and most users of this package need none of it
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(xa, na, xb, nb, method="newcomb", compare="diff", alpha=0.05)
    return {
        "difference": xa / na - xb / nb,
        "ci_low": float(low),
        "ci_high": float(high),
        "rate_a": xa / na,
        "rate_b": xb / nb,
        "n_a": float(na),
        "n_b": float(nb),
        "first_year": float(common[0]),
        "last_year": float(common[-1]),
    }
