"""The pre-registered rule that turns an outcome's numbers into a verdict (a code; the words are in
`publish.evaluation_text`).

In this order:

1. fewer post months than the minimum: **too early**;
2. the synthetic control's placebo p-value is at most α *and* the interrupted time series finds a change
   (its (1 − α) interval excludes zero and its own time-placebo p-value is at most α: the HAC interval
   alone is too narrow on a few dozen months), with both estimates on the same side: **better** or **worse**, by the outcome's
   direction (shorter response times, more hear-and-treat, fewer conveyances to ED, a smaller gap are
   better);
3. one method finds a change the other does not, or they point opposite ways: **methods disagree**;
4. neither finds a change, and a change of the meaningful size would have been detectable with the
   months available: **no detectable change**;
5. neither finds a change, and it would not yet have been detectable, but will be by the end of the
   power horizon: **too early**;
6. otherwise (not detectable even then): **not detectable with these data**.
"""

from __future__ import annotations

import math

BETTER, WORSE, DISAGREE, NO_CHANGE, TOO_EARLY, UNDETECTABLE = (
    "better", "worse", "disagree", "no_change", "too_early", "undetectable")
VERDICTS = (BETTER, WORSE, DISAGREE, NO_CHANGE, TOO_EARLY, UNDETECTABLE)


def judge(*, sc_effect: float, placebo_p: float, its_effect: float, its_low: float, its_high: float,
          its_placebo_p: float, alpha: float, lower_is_better: bool, post_months: int, min_post_months: int,
          mde_now: float,
          mde_end: float, meaningful: float) -> str:
    if post_months < min_post_months or not math.isfinite(sc_effect):
        return TOO_EARLY
    sc_sig = math.isfinite(placebo_p) and placebo_p <= alpha
    its_sig = (math.isfinite(its_effect) and (its_low > 0 or its_high < 0)
               and math.isfinite(its_placebo_p) and its_placebo_p <= alpha)
    if sc_sig and its_sig and (sc_effect > 0) == (its_effect > 0):
        improved = sc_effect < 0 if lower_is_better else sc_effect > 0
        return BETTER if improved else WORSE
    if sc_sig or its_sig:
        return DISAGREE
    if mde_now <= abs(meaningful):
        return NO_CHANGE
    if mde_end <= abs(meaningful):
        return TOO_EARLY
    return UNDETECTABLE
