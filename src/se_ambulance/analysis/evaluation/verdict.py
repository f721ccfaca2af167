"""The pre-registered rule that turns an outcome's numbers into a verdict (a code; the words are in
`publish.evaluation_text`). Revised on 22 November 2026 after an expert review, before any data later than
the vintage the design was fixed on (`reference.evaluation.RULE_REVISED_ON`). Every dated version of the rule
(`reference.evaluation.RULES`) takes the steps below; a version fixes where the two sizes they compare come from
(the smallest detectable change and the meaningful change: `analysis.evaluation.study.judge_under`).

A method *finds a change* only if its test is significant and its estimate is at least the outcome's
meaningful change in size: the synthetic control's rank among the donors treated as the group (space
placebos) gives a p-value at most α (or, when there are too few donors for any p-value to reach α, the
group's estimate is the most extreme of all); the interrupted time series' (1 − α) interval excludes zero
and its rank among its own false starts gives a p-value at most α. A method *rules out a meaningful change*
when its (1 − α) interval lies wholly inside ± the meaningful change. A synthetic control whose pre-period
fit is no better than a flat line at the group's own mean (R² at most the stated threshold) is uninformative
and counts for nothing.

In this order:

1. fewer post months than the minimum, or no estimate: **too early**;
2. power first: a change of the meaningful size is not detectable with the months available: **too early**
   if it will be by the end of the roll-out (the power horizon), otherwise **cannot be told from noise**;
3. every informative method finds a change (two methods needed), on the same side: **better** or **worse**,
   by the outcome's direction;
4. methods find changes on opposite sides: **methods disagree**;
5. one method finds a change that the other does not confirm (or the other is uninformative):
   **unconfirmed**;
6. no method finds a change and every informative method rules out a meaningful change: **no meaningful
   change**;
7. otherwise: **no meaningful change found** (but none ruled out either).

Under the version of 22 November 2026 the power check in rule 2 is measured on the synthetic control (its pre-period
error and the spread of its space placebos) and applies to both methods, whether or not the synthetic control's own
estimate is informative. Under the version of 7 December 2026 it is measured on each method whose estimate counts,
on its own noise, and the largest applies; the time series then finds or rules out a change only on an interval at
least as wide as its own noise implies.
`without_power` gives what rules 3 to 7 would say were the power check set aside: it explains a verdict the power
check decided, and is never a verdict itself.

Whatever the verdict, `lean` gives the direction the estimates point in, as context, never as a verdict: one way
only when every estimate given points that way, *mixed* otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

BETTER, WORSE, DISAGREE, UNCONFIRMED, NO_CHANGE, NOT_FOUND, TOO_EARLY, UNDETECTABLE = (
    "better",
    "worse",
    "disagree",
    "unconfirmed",
    "no_change",
    "not_found",
    "too_early",
    "undetectable",
)
VERDICTS = (BETTER, WORSE, DISAGREE, UNCONFIRMED, NO_CHANGE, NOT_FOUND, TOO_EARLY, UNDETECTABLE)
CHANGE_FOUND = (BETTER, WORSE)  # the verdicts that claim a change
MIXED = "mixed"  # `lean` when the estimates point different ways


def _finite(*xs: float) -> bool:
    return all(x is not None and math.isfinite(x) for x in xs)


def sc_significant(p: float, smallest_p: float, alpha: float) -> bool:
    """The synthetic control's placebo test: p ≤ α, or rank 1 when even rank 1 cannot reach α."""
    return _finite(p) and p <= max(alpha, smallest_p)


def finds_change(significant: bool, estimate: float, meaningful: float) -> bool:
    return bool(significant) and _finite(estimate) and abs(estimate) >= abs(meaningful)


def its_significant(low: float, high: float, placebo_p: float, alpha: float) -> bool:
    """The time series' test: its (1 − α) interval excludes zero, and its rank among its false starts gives
    p ≤ α."""
    return _finite(low, high, placebo_p) and (low > 0 or high < 0) and placebo_p <= alpha


def rules_out(low: float, high: float, meaningful: float) -> bool:
    """The interval lies wholly inside ± the meaningful change (an equivalence test at level α)."""
    return _finite(low, high) and -abs(meaningful) < low and high < abs(meaningful)


def judge(
    *,
    sc_effect: float,
    sc_p: float,
    sc_smallest_p: float,
    sc_low: float,
    sc_high: float,
    sc_informative: bool,
    its_effect: float,
    its_low: float,
    its_high: float,
    its_placebo_p: float,
    alpha: float,
    lower_is_better: bool,
    post_months: int,
    min_post_months: int,
    mde_now: float,
    mde_end: float,
    meaningful: float,
) -> str:
    if post_months < min_post_months or not _finite(its_effect) or (sc_informative and not _finite(sc_effect)):
        return TOO_EARLY
    m = abs(meaningful)
    if not (mde_now <= m):
        return TOO_EARLY if mde_end <= m else UNDETECTABLE
    its_sig = its_significant(its_low, its_high, its_placebo_p, alpha)
    methods = [(finds_change(its_sig, its_effect, m), its_effect, rules_out(its_low, its_high, m))]
    if sc_informative:
        methods.append(
            (
                finds_change(sc_significant(sc_p, sc_smallest_p, alpha), sc_effect, m),
                sc_effect,
                rules_out(sc_low, sc_high, m),
            )
        )
    found = [est for f, est, _ in methods if f]
    if found:
        if len({e > 0 for e in found}) > 1:
            return DISAGREE
        if len(found) == len(methods) == 2:
            worse = found[0] > 0 if lower_is_better else found[0] < 0
            return WORSE if worse else BETTER
        return UNCONFIRMED
    if all(r for _, _, r in methods):
        return NO_CHANGE
    return NOT_FOUND


def without_power(**kw) -> str:
    """`judge` with the power check (rule 2) set aside, every other rule as stated: what the estimates alone would
    give. Context for a verdict the power check decided; never a verdict."""
    return judge(**(kw | {"mde_now": 0.0, "mde_end": 0.0}))


def lean(estimates: Sequence[float], lower_is_better: bool) -> str:
    """The direction the point estimates point in, whatever their significance: BETTER or WORSE when every
    estimate (finite, non-zero) points that way, MIXED when they point different ways or none is given."""
    signs = {e > 0 for e in estimates if _finite(e) and e != 0}
    if len(signs) != 1:
        return MIXED
    up = signs.pop()
    return WORSE if up == lower_is_better else BETTER
