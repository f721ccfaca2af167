"""The one verdict rule every claim is judged by.

A claim is compared with the book's estimate on the claim's own scope (its area, period and
base year; sub-areas and other years are context, never the basis of a verdict):

- **supported**: the central estimate meets the claim;
- **partly supported**: the claim's figure lies inside the estimate's stated range (the 90%
  interval of a forecast or Monte Carlo; for a figure read from published data, the span of the
  definitions that fit the claim's words, widened by the rounding of the claimed figure);
- **not supported**: the claim's figure lies outside that range.

How a claim's words map to "meets" (`Wording`):

- `about` ("took an average of 8 minutes 38 seconds", "around 4.5 million"): the estimate is
  within the claim's rounding tolerance of the claimed figure;
- `more_than` ("more than", "over", "could increase by over"): the estimate is above the figure;
- `up_to` ("potentially up to"): a ceiling that is met when the estimate reaches it — the same
  comparison as `more_than`, since a ceiling far above anything plausible says nothing;
- `differs` ("can vary significantly"): a difference whose 95% confidence interval excludes
  zero; there is no partial verdict for a difference.

When the words admit several readings (a sum of money a year or in total; which organisations
"the South East" covers; the base year of a projection) each reading is judged and the claim
takes the most favourable verdict; the evidence names the reading that gives it.
"""

from __future__ import annotations

from collections.abc import Mapping

from se_ambulance.analysis.estimate import Estimate

SUPPORTED, PARTLY, NOT_SUPPORTED = "supported", "partly supported", "not supported"
NOT_TESTED = "not tested here"
UNTESTABLE = "cannot be tested with public data"
VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED, NOT_TESTED, UNTESTABLE)
WORDINGS = ("about", "more_than", "up_to", "differs")
_RANK = {SUPPORTED: 0, PARTLY: 1, NOT_SUPPORTED: 2}


def judge(claimed: float | None, estimate: Estimate, wording: str, tolerance: float = 0.0) -> str:
    """The verdict on one reading of a claim. `tolerance` (in the claim's unit) is the rounding of the
    claimed figure; it applies to `about` claims only."""
    if wording not in WORDINGS:
        raise ValueError(f"unknown wording {wording!r}; allowed: {', '.join(WORDINGS)}")
    if wording != "differs" and claimed is None:
        raise ValueError(f"a claim worded '{wording}' needs a claimed figure")
    if wording == "about":
        if abs(estimate.central - claimed) <= tolerance:
            return SUPPORTED
        inside = estimate.low - tolerance <= claimed <= estimate.high + tolerance
    elif wording in ("more_than", "up_to"):
        meets = estimate.central > claimed if wording == "more_than" else estimate.central >= claimed
        if meets:
            return SUPPORTED
        inside = estimate.high >= claimed
    else:  # differs: `estimate` is the difference with its 95% confidence interval
        return SUPPORTED if (estimate.low > 0 or estimate.high < 0) else NOT_SUPPORTED
    return PARTLY if inside else NOT_SUPPORTED


def judge_readings(claimed: float, readings: Mapping[str, Estimate], wording: str,
                   tolerance: float = 0.0) -> tuple[str, str]:
    """(verdict, reading) for the most favourable of several readings; among equally favourable readings,
    the one whose central estimate is closest to the claimed figure (then the first listed)."""
    if not readings:
        raise ValueError("a claim needs at least one reading to judge")
    verdicts = {name: judge(claimed, est, wording, tolerance) for name, est in readings.items()}
    best = min(verdicts, key=lambda name: (_RANK[verdicts[name]], abs(readings[name].central - (claimed or 0.0))))
    return verdicts[best], best
