"""The one verdict rule every claim is judged by.

**Which reading decides.** Each claim is judged on the reading its audience would take from its words: the
register names it for every claim (`reading` in `book/claims.yaml`) and says why (`reading_why`); for an NHS
efficiency figure, for example, a recurring yearly saving unless the words say otherwise, because that is how
trusts' savings plans and merger business cases state savings. Every other plausible reading (a total over
several years, another definition of the area, another base year) is judged by the same rule and shown with its
own verdict; where one disagrees with the audience's reading, the claim's headline says so in words. A claim is
judged on its own scope (its area, period and base year); sub-areas and other years are context.

**What each verdict means**, for a claim of a figure (`Wording`):

- **supported**: the claimed figure is accurate on that reading: the book's central estimate meets it
  (`about`: within the rounding of the claimed figure; `more_than`: above it; `up_to`: at least it);
- **partly supported**: the claimed figure is possible but not the most likely: it lies inside the estimate's
  stated range (the 90% interval of a forecast or Monte Carlo; for a figure read from published data the
  rounding of the claimed figure) but the central estimate does not meet it;
- **not supported**: the claimed figure lies outside that range;
- **borderline**: the claimed figure lies within the Monte Carlo error of the centile that decides between two
  of the verdicts above, so another random seed could give either; the claim's text names both;
- **not tested here**: the book's measure does not match the claim's definition (calls received for calls
  responded to, full-time equivalents for staff), or public data exist that the book does not hold; a measure
  that is a bound on the claim's quantity can still refute it (a claim above an upper bound is not supported);
- **cannot be tested with public data**: no public data could test it.

A claim of a difference (`differs`: "can vary significantly") is supported when the 95% confidence interval of
the difference excludes zero, and not supported when it includes zero: the data do not show a difference, which
is not the same as showing that there is none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import product

from se_ambulance.analysis.estimate import Estimate

SUPPORTED, PARTLY, NOT_SUPPORTED = "supported", "partly supported", "not supported"
BORDERLINE = "borderline"
NOT_TESTED = "not tested here"
UNTESTABLE = "cannot be tested with public data"
VERDICTS = (SUPPORTED, PARTLY, BORDERLINE, NOT_SUPPORTED, NOT_TESTED, UNTESTABLE)
WORDINGS = ("about", "more_than", "up_to", "differs")
# A reading whose measure is only a bound on the claim's quantity: "upper" (the claim's quantity can be no larger:
# calls received bound calls responded to) or "lower" (no smaller: full-time equivalents bound a headcount).
BOUNDS = ("upper", "lower")
_RANK = {SUPPORTED: 0, PARTLY: 1, NOT_SUPPORTED: 2}


@dataclass(frozen=True)
class Judgement:
    """A verdict, and for a borderline one the two verdicts whose boundary the claimed figure sits on."""

    verdict: str
    between: tuple[str, str] | None = None


def _on_figures(claimed: float, low: float, central: float, high: float, wording: str, tolerance: float) -> str:
    """The verdict for one set of (low, central, high)."""
    if wording == "about":
        if abs(central - claimed) <= tolerance:
            return SUPPORTED
        inside = low - tolerance <= claimed <= high + tolerance
    else:  # more_than, up_to
        if (central > claimed) if wording == "more_than" else (central >= claimed):
            return SUPPORTED
        inside = high >= claimed
    return PARTLY if inside else NOT_SUPPORTED


def _on_bound(claimed: float, estimate: Estimate, wording: str, tolerance: float, bound: str) -> Judgement:
    """A measure that only bounds the claim's quantity refutes a claim beyond the bound, confirms a `more_than`
    claim that a lower bound already exceeds, and otherwise cannot test it."""
    if bound == "upper":  # the claim's quantity <= the measure
        if wording == "about" and claimed - tolerance > estimate.high:
            return Judgement(NOT_SUPPORTED)
        if wording in ("more_than", "up_to") and estimate.high <= claimed:
            return Judgement(NOT_SUPPORTED)
    else:  # the claim's quantity >= the measure
        if wording == "about" and claimed + tolerance < estimate.low:
            return Judgement(NOT_SUPPORTED)
        if wording == "more_than" and estimate.central > claimed:
            return Judgement(SUPPORTED)
        if wording == "up_to" and estimate.central >= claimed:
            return Judgement(SUPPORTED)
    return Judgement(NOT_TESTED)


def judge(
    claimed: float | None, estimate: Estimate, wording: str, tolerance: float = 0.0, bound: str | None = None
) -> Judgement:
    """The verdict on one reading of a claim. `tolerance` (in the claim's unit) is the rounding of the claimed
    figure (`about` claims); `bound` says the reading's measure only bounds the claim's quantity (BOUNDS)."""
    if wording not in WORDINGS:
        raise ValueError(f"unknown wording {wording!r}; allowed: {', '.join(WORDINGS)}")
    if bound is not None and bound not in BOUNDS:
        raise ValueError(f"unknown bound {bound!r}; allowed: {', '.join(BOUNDS)}")
    if wording == "differs":  # `estimate` is the difference with its 95% confidence interval
        return Judgement(SUPPORTED if (estimate.low > 0 or estimate.high < 0) else NOT_SUPPORTED)
    if claimed is None:
        raise ValueError(f"a claim worded '{wording}' needs a claimed figure")
    if bound is not None:
        return _on_bound(claimed, estimate, wording, tolerance, bound)
    if estimate.mc is None:
        return Judgement(_on_figures(claimed, estimate.low, estimate.central, estimate.high, wording, tolerance))
    # A Monte Carlo estimate: the verdict at every corner of the centiles' error bands (and, for `about`, at the
    # point of the central band nearest the claim). One verdict: it does not depend on the seed; two or more: the
    # claimed figure sits on a boundary the draws cannot place it on either side of.
    (l0, l1), (c0, c1), (h0, h1) = estimate.mc
    centrals = (c0, c1, min(max(claimed, c0), c1))
    seen = {_on_figures(claimed, lo, c, hi, wording, tolerance) for lo, c, hi in product((l0, l1), centrals, (h0, h1))}
    if len(seen) == 1:
        return Judgement(seen.pop())
    ranked = sorted(seen, key=_RANK.__getitem__)
    return Judgement(BORDERLINE, (ranked[0], ranked[-1]))


def judge_readings(
    claimed: float | None,
    readings: Mapping[str, Estimate],
    wording: str,
    tolerance: float = 0.0,
    bounds: Mapping[str, str] | None = None,
) -> dict[str, Judgement]:
    """Each reading's own judgement (the claim's verdict is its audience's reading's: `claims.evaluate`)."""
    if not readings:
        raise ValueError("a claim needs at least one reading to judge")
    return {name: judge(claimed, est, wording, tolerance, (bounds or {}).get(name)) for name, est in readings.items()}
