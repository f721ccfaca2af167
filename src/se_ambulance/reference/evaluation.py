"""The evaluation's fixed facts (chapter 9): its outcomes and the defaults of its design, with sources.

The design was fixed on 22 November 2026, when AmbSYS held data to March 2026; the `evaluation`
parameters default to the values here, so a reader can move any of them and see what follows.
"""

from __future__ import annotations

from dataclasses import dataclass

# What the case promises, as AmbSYS measures it (definitions in analysis.evaluation.design).
OUTCOME_KEYS: tuple[str, ...] = (
    "c2_mean",
    "c2_p90",
    "c1_mean",
    "c1_p90",
    "hear_and_treat",
    "ed_conveyance",
    "c2_mean_gap",
)

# Seed 000: the group "will be rolled out gradually from late 2025 through to 2027", with "a single chief
# executive and chair" leading both trusts. October 2025 is the first month of "late 2025": the earliest
# start the words allow, so no early effect is missed (a later start can be set by parameter).
DEFAULT_START_MONTH = "2025-10"
# The end of the roll-out the same sentence gives ("through to 2027"): how far the power chart looks ahead.
DEFAULT_POWER_UNTIL = "2027-12"
# The book's latest known change to the system (reference.system_changes: the UEC recovery plan year). Earlier
# months include the winter of 2022/23, when some donors' Category 2 means passed two hours: another process.
DEFAULT_PRE_START = "2023-04"
# Trusts left out of the donor pool by default; the reasons are given in the chapter (publish.evaluation_text).
DEFAULT_EXCLUDED_DONORS: tuple[str, ...] = ("RRU", "R1F")

# Trusts that share their leadership, and from when. Seed 000: SCAS and SECAmb are led by "a single chief executive
# and chair" as the group is rolled out "from late 2025" (the first month of late 2025, as DEFAULT_START_MONTH). A
# trust run by a member's chair and chief executive changes with the member: it cannot stand for what the group would
# have done without the group, so it is never a donor, whatever the `excluded_donors` parameter says
# (analysis.evaluation.design.shares_leadership). For the case's group both trusts are members and the rule leaves the
# design fixed on DESIGN_FIXED_ON unchanged; it applies when a book is built for another group (LAS + SCAS).
SHARED_LEADERSHIP: dict[tuple[str, str], str] = {("RYD", "RYE"): "2025-10"}
# Partnerships short of shared leadership (seed 002: London and SCAS announced joint procurement and shared best
# practice in September 2018). A reason the default design leaves London out when SCAS is a member; not a rule.
PARTNERSHIPS: dict[tuple[str, str], str] = {("RRU", "RYE"): "2018-09"}
# The fewest donors an evaluation is run on: a synthetic control needs one, the space placebos a second.
MIN_DONORS = 2

# When the design was fixed, and what was known then. The book fixed it on 22 November 2026 with AmbSYS data to
# March 2026 already published: six months after the default start. The start month, the pre-period start and
# the donor exclusions were chosen with those outcome data available, so the design is not blind, and results on
# the months to March 2026 are exploratory. The first vintage with later months is the first test fixed in advance.
DESIGN_FIXED_ON = "2026-11-22"
DATA_TO_WHEN_FIXED = "2026-03"
# The verdict rule was first revised on the same day, after an expert review and before any later data were seen
# (under the rule before it, one significant test of any size, with no check of power, made the headline "the two
# methods disagree"). That revision is the first rule in RULES below.
RULE_REVISED_ON = "2026-11-22"
# A synthetic control whose pre-period R² (1 − RMSPE² ÷ the group's own pre-period variance) is at most this is
# no better than a flat line at the group's own mean: uninformative, and it does not count towards a verdict.
SC_MIN_PRE_R2 = 0.0


@dataclass(frozen=True)
class RuleVersion:
    """One dated version of the verdict rule (analysis.evaluation.verdict gives the steps, which every version
    shares). What a version fixes is where the two sizes the steps compare come from:

    - `power`: "synthetic_control" (the smallest detectable change is the synthetic control's, from its pre-period
      error and the spread of its space placebos, the larger, and applies to both methods) or "counting_methods"
      (each method whose estimate counts, on its own noise: the interrupted time series always, from its model's
      pre-period residuals and the spread of its false starts; the synthetic control when informative; the
      outcome's detectable change is the largest of theirs, since a verdict needs every counting method);
    - `meaningful`: "share_of_level" (the `meaningful_change` parameter times the group's pre-period level; for the
      gap, times the Category 2 mean) or "per_outcome" (the `meaningful` parameter, in each outcome's own unit,
      each with its stated meaning: MEANINGFUL)."""

    dated: str  # YYYY-MM-DD, the day the version was fixed
    power: str
    meaningful: str
    why: str  # what changed from the version before, in a sentence


RULES: tuple[RuleVersion, ...] = (
    RuleVersion("2026-11-22", "synthetic_control", "share_of_level", "the rule fixed with the design"),
    RuleVersion(
        "2026-12-07",
        "counting_methods",
        "per_outcome",
        "power measured on the method whose estimate counts, and each outcome's meaningful change given "
        "in its own unit with a stated meaning (after a second expert review)",
    ),
)
assert all(a.dated < b.dated for a, b in zip(RULES, RULES[1:])), "RULES must be in date order"


def rule_in_force(adopted: str | None) -> RuleVersion:
    """The rule that governs a data vintage adopted on `adopted` (YYYY-MM-DD): the newest version dated strictly
    before that day. A revision never reaches back: a vintage adopted on the day of a revision, or earlier, stays
    under the rule it was adopted under (the April 2026 vintage, adopted on 7 December 2026, is judged by the rule of
    22 November 2026). The vintage the design was fixed on (adopted 21 November 2026, before any rule) is judged by
    the first rule. No date (data that were never adopted, such as a test's): the newest rule."""
    if adopted is None:
        return RULES[-1]
    before = [r for r in RULES if r.dated < str(adopted)]
    return before[-1] if before else RULES[0]


@dataclass(frozen=True)
class Threshold:
    """The smallest change in an outcome that matters (rule versions from 7 December 2026), in the outcome's own
    unit: minutes for response times and the gap, percentage points for shares. `default` is the `meaningful`
    parameter's default, `low`..`high` the values a reader may set, `meaning` how the default was chosen."""

    default: float
    low: float
    high: float
    meaning: str


_STANDARD_SCALED = (
    "The Category 2 mean's {c2:g} minutes scaled by the national standards (ARP, House of Commons "
    "Library CDP-2025-0042): {c2:g} × {std:g} ÷ 18 ≈ {value:g} minutes, so that a meaningful change is "
    "the same share of each outcome's standard ({std:g} minutes against 18 for the Category 2 mean). "
    "Our judgement."
)
_SHARE = (
    "2 percentage points, the same for both shares, so that a meaningful change moves the same number of "
    "patients a year either way. For SCAS + SECAmb it is about a third of the group's gap to the English trust "
    "with the best rate over the pre-period (April 2023 to September 2025, AmbSYS), the unwarranted variation "
    "between trusts that Lord Carter's review (2018) set out to close. Our judgement."
)
MEANINGFUL: dict[str, Threshold] = {
    "c2_mean": Threshold(
        3.0,
        1.0,
        10.0,
        "About half the cut NHS England asked of England's Category 2 mean for "
        "2023/24: from 36:23 (HSJ, 2024) to the 30-minute interim target of the UEC recovery plan "
        "(January 2023), 6.4 minutes. Our judgement.",
    ),
    "c2_p90": Threshold(6.7, 2.0, 20.0, _STANDARD_SCALED.format(c2=3, std=40, value=6.7)),
    "c1_mean": Threshold(1.2, 0.25, 4.0, _STANDARD_SCALED.format(c2=3, std=7, value=1.2)),
    "c1_p90": Threshold(2.5, 0.5, 8.0, _STANDARD_SCALED.format(c2=3, std=15, value=2.5)),
    "hear_and_treat": Threshold(2.0, 0.5, 10.0, _SHARE),
    "ed_conveyance": Threshold(2.0, 0.5, 10.0, _SHARE),
    "c2_mean_gap": Threshold(
        3.0,
        1.0,
        10.0,
        "The Category 2 mean's: the gap between the members narrowing by as "
        "much as the mean's meaningful change. Our judgement.",
    ),
}
assert tuple(MEANINGFUL) == OUTCOME_KEYS, "MEANINGFUL must give every outcome a threshold"
