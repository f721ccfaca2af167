"""Statistical process control in the NHS "Making Data Count" style, as NHS-R's plot-the-dots
(R package NHSRplotthedots: `ptd_spc_standard`, `ptd_calculate_point_type`) implements it.

For each phase of the series (the months between two known system changes):
- moving ranges (MR) are the absolute month-to-month differences within the phase; with
  `screen_outliers`, a moving range at or above 3.267 × the mean MR is set aside and the mean MR
  re-computed without it (plot-the-dots' `screen_outliers`);
- process limits are the phase mean ± 2.66 × mean MR (± 3σ, σ = mean MR / 1.128), and the "near
  limits" two sigma from the mean (± 2/3 × 2.66 × mean MR).

Special-cause rules, applied within each phase (a run never crosses a phase boundary):
- a point outside the process limits;
- a shift: seven or more consecutive points on the same side of the mean (a point on the mean breaks it);
- a trend: seven or more consecutive points each higher (or each lower) than the one before;
- two of three consecutive points between the near limit and the limit, with all three on the same
  side of the mean (plot-the-dots does not count points outside the limits here).
Points are taken in time order; a missing month simply joins its neighbours.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

LIMIT = 2.66  # 3 / 1.128
NEAR = 2 * LIMIT / 3  # two sigma
SCREEN = 3.267  # moving ranges at or above this multiple of the mean MR are screened out
SHIFT_RUN = 7
TREND_RUN = 7
MIN_PHASE = 12  # plot-the-dots warns that limits from fewer points are unreliable

RULES = ("outside", "shift_up", "shift_down", "trend_up", "trend_down", "near_limit_high", "near_limit_low")


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


def phases(index: pd.DatetimeIndex, breaks: Sequence[str] = ()) -> np.ndarray:
    """Phase number of each month: the number of break months ("YYYY-MM") at or before it."""
    starts = np.array(sorted(pd.Timestamp(b) for b in breaks), dtype="datetime64[ns]")
    return np.searchsorted(starts, index.to_numpy(dtype="datetime64[ns]"), side="right")


def mean_moving_range(values: np.ndarray, screen_outliers: bool = True) -> float:
    """Mean moving range, with moving ranges at or above 3.267 × the first mean set aside."""
    mr = np.abs(np.diff(values))
    if len(mr) == 0:
        return float("nan")
    amr = mr.mean()
    if screen_outliers:
        kept = mr[mr < SCREEN * amr]
        amr = kept.mean() if len(kept) else amr
    return float(amr)


def shift_flags(side: np.ndarray) -> np.ndarray:
    """Points in a run of SHIFT_RUN or more with the same nonzero side of the mean (`side`: -1, 0, 1)."""
    side = np.asarray(side)
    return _runs(side > 0, SHIFT_RUN) | _runs(side < 0, SHIFT_RUN)


def trend_flags(x: np.ndarray, sign: int) -> np.ndarray:
    """Points belonging to TREND_RUN or more consecutive points each moving in direction `sign`."""
    x = np.asarray(x, dtype=float)
    steps = np.r_[False, np.sign(np.diff(x)) == sign]  # step into each point
    run = _runs(steps, TREND_RUN - 1)
    return run | np.r_[run[1:], False]  # include the point each run starts from


def two_in_three_flags(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Close-to-limit points in a window of three with at least two close points, all three on one side."""
    close, side = np.asarray(close, dtype=bool), np.asarray(side)
    out = np.zeros(len(close), dtype=bool)
    for i in range(len(close) - 2):
        w = slice(i, i + 3)
        if close[w].sum() >= 2 and abs(side[w].sum()) == 3:
            out[w] |= close[w]
    return out


def _phase_chart(v: pd.Series, use: np.ndarray, screen_outliers: bool) -> pd.DataFrame:
    x = v.to_numpy(dtype=float)
    base = x[use]
    centre = float(base.mean())
    amr = mean_moving_range(base, screen_outliers)
    upper, lower = centre + LIMIT * amr, centre - LIMIT * amr
    near_upper, near_lower = centre + NEAR * amr, centre - NEAR * amr
    df = pd.DataFrame(
        {
            "value": x,
            "mean": centre,
            "upper": upper,
            "lower": lower,
            "near_upper": near_upper,
            "near_lower": near_lower,
            "mean_mr": amr,
        },
        index=v.index,
    )
    outside = (x > upper) | (x < lower)
    side = np.sign(x - centre)
    close = ~outside & ((x > near_upper) | (x < near_lower))
    df["outside"] = outside
    df["shift_up"] = shift_flags(np.maximum(side, 0))  # the tested rule, one side at a time
    df["shift_down"] = shift_flags(np.minimum(side, 0))
    df["trend_up"] = trend_flags(x, 1)
    df["trend_down"] = trend_flags(x, -1)
    two = two_in_three_flags(close, side)
    df["near_limit_high"] = two & (side > 0)
    df["near_limit_low"] = two & (side < 0)
    return df


def xmr(
    values: pd.Series, breaks: Sequence[str] = (), baseline: pd.Series | None = None, screen_outliers: bool = True
) -> pd.DataFrame:
    """XmR limits and special-cause flags for a series (index: month, in order), re-phased at `breaks`.

    `breaks`: the first month of each new phase ("YYYY-MM"); limits and rules are computed within each
    phase. `baseline` (a boolean mask over the index) selects the points each phase's limits are computed
    from; by default all of them. Columns: value, phase, phase_start, mean, upper, lower, near_upper,
    near_lower, mean_mr, short_phase (fewer than 12 points), one column per rule and `special`.
    """
    v = values.astype(float).dropna().sort_index()
    if len(v) < 3:
        raise ValueError("an XmR chart needs at least three points")
    use_all = (
        np.ones(len(v), dtype=bool)
        if baseline is None
        else baseline.reindex(v.index).fillna(False).astype(bool).to_numpy()
    )
    phase = phases(pd.DatetimeIndex(v.index), breaks)
    parts = []
    for p in np.unique(phase):
        in_p = phase == p
        use = use_all[in_p]
        if use.sum() < 2:
            raise ValueError(
                f"phase starting {v.index[in_p][0]:%Y-%m} has fewer than two points to compute "
                "limits from; remove a break"
            )
        part = _phase_chart(v[in_p], use, screen_outliers)
        part.insert(1, "phase", int(p))
        part.insert(2, "phase_start", v.index[in_p][0])
        part["short_phase"] = int(in_p.sum()) < MIN_PHASE
        parts.append(part)
    df = pd.concat(parts)
    df["special"] = df[list(RULES)].any(axis=1)
    return df


RULE_NAMES = {
    "outside": "point outside the process limits",
    "shift_up": "shift: 7+ points above the mean",
    "shift_down": "shift: 7+ points below the mean",
    "trend_up": "trend: 7+ points rising",
    "trend_down": "trend: 7+ points falling",
    "near_limit_high": "2 of 3 points beyond two sigma, above the mean",
    "near_limit_low": "2 of 3 points beyond two sigma, below the mean",
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


def phase_summary(chart: pd.DataFrame) -> pd.DataFrame:
    """One row per phase: first and last month, months, mean, limits and months flagged."""
    g = chart.groupby("phase")
    out = pd.DataFrame(
        {
            "first": g["phase_start"].first(),
            "last": g.apply(lambda d: d.index.max()),
            "months": g.size(),
            "mean": g["mean"].first(),
            "lower": g["lower"].first(),
            "upper": g["upper"].first(),
            "flagged": g["special"].sum().astype(int),
        }
    )
    out["short_phase"] = out["months"] < MIN_PHASE
    return out


def flagged_share(chart: pd.DataFrame) -> float:
    """Share of months showing any special cause."""
    return float(chart["special"].mean())
