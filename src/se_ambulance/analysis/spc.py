"""Statistical process control in the NHS "Making Data Count" style: an XmR chart and its rules.

Process limits are mean ± 2.66 × the mean moving range (that is, ± 3σ with σ = mean MR / 1.128).
Special-cause rules, as NHS England's Making Data Count guidance states them:
- a single point outside the process limits;
- a shift: seven or more consecutive points all above, or all below, the mean;
- a trend: six or more consecutive points each higher (or each lower) than the one before;
- two out of three consecutive points beyond two sigma on the same side (near a limit).
Points are taken in time order; a missing month simply joins its neighbours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SHIFT_RUN = 7
TREND_RUN = 6


def _runs(mask: np.ndarray, length: int) -> np.ndarray:
    """Mark every element of each run of True that is at least `length` long."""
    out = np.zeros(len(mask), dtype=bool)
    start = None
    for i, v in enumerate(list(mask) + [False]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            if i - start >= length:
                out[start:i] = True
            start = None
    return out


def xmr(values: pd.Series, baseline: pd.Series | None = None) -> pd.DataFrame:
    """XmR limits and special-cause flags for a series (index: month, in order).

    `baseline` (a boolean mask over the index) selects the points the limits are computed from;
    by default all of them.
    """
    v = values.astype(float).dropna()
    if len(v) < 3:
        raise ValueError("an XmR chart needs at least three points")
    base = v if baseline is None else v[baseline.reindex(v.index).fillna(False).astype(bool)]
    centre = base.mean()
    mr_bar = base.diff().abs().mean()
    sigma = mr_bar / 1.128
    df = pd.DataFrame({"value": v, "mean": centre, "upper": centre + 3 * sigma,
                       "lower": centre - 3 * sigma})
    x = v.to_numpy()
    df["outside"] = (x > centre + 3 * sigma) | (x < centre - 3 * sigma)
    above, below = x > centre, x < centre
    df["shift_up"] = _runs(above, SHIFT_RUN)
    df["shift_down"] = _runs(below, SHIFT_RUN)
    # A trend of n points is n-1 consecutive rises; mark the points themselves.
    rises = np.r_[False, np.diff(x) > 0]
    falls = np.r_[False, np.diff(x) < 0]
    up, down = _runs(rises, TREND_RUN - 1), _runs(falls, TREND_RUN - 1)
    # include the point each run starts from
    df["trend_up"] = up | np.r_[up[1:], False]
    df["trend_down"] = down | np.r_[down[1:], False]
    hi, lo = x > centre + 2 * sigma, x < centre - 2 * sigma
    two_hi = np.zeros(len(x), dtype=bool)
    two_lo = np.zeros(len(x), dtype=bool)
    for i in range(len(x) - 2):
        w = slice(i, i + 3)
        if hi[w].sum() >= 2:
            two_hi[w] |= hi[w]
        if lo[w].sum() >= 2:
            two_lo[w] |= lo[w]
    df["near_limit_high"], df["near_limit_low"] = two_hi, two_lo
    rules = ["outside", "shift_up", "shift_down", "trend_up", "trend_down", "near_limit_high", "near_limit_low"]
    df["special"] = df[rules].any(axis=1)
    return df


RULE_NAMES = {
    "outside": "point outside the process limits",
    "shift_up": "shift: 7+ points above the mean",
    "shift_down": "shift: 7+ points below the mean",
    "trend_up": "trend: 6+ points rising",
    "trend_down": "trend: 6+ points falling",
    "near_limit_high": "2 of 3 points near the upper limit",
    "near_limit_low": "2 of 3 points near the lower limit",
}


def special_cause_periods(chart: pd.DataFrame) -> pd.DataFrame:
    """Consecutive months flagged by the same rule, as periods: rule, first, last, points."""
    rows = []
    for rule, name in RULE_NAMES.items():
        flagged = chart.index[chart[rule]]
        if len(flagged) == 0:
            continue
        positions = chart.index.get_indexer(flagged)
        groups = np.split(positions, np.where(np.diff(positions) != 1)[0] + 1)
        for g in groups:
            rows.append({"rule": name, "first": chart.index[g[0]], "last": chart.index[g[-1]], "points": len(g)})
    out = pd.DataFrame(rows, columns=["rule", "first", "last", "points"])
    return out.sort_values(["first", "rule"], ignore_index=True)


def special_cause_summary(chart: pd.DataFrame) -> pd.DataFrame:
    """One row per rule that fires: months flagged and the periods, e.g. 'Aug 2018–Nov 2020'."""
    periods = special_cause_periods(chart)
    rows = []
    for rule in RULE_NAMES.values():
        p = periods[periods["rule"] == rule]
        if p.empty:
            continue
        spans = [f"{a:%b %Y}" if a == b else f"{a:%b %Y}–{b:%b %Y}" for a, b in zip(p["first"], p["last"])]
        rows.append({"rule": rule, "months flagged": int(p["points"].sum()), "periods": "; ".join(spans)})
    return pd.DataFrame(rows, columns=["rule", "months flagged", "periods"]).set_index("rule")
