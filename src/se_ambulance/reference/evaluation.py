"""The evaluation's fixed facts (chapter 9): its outcomes and the defaults of its design, with sources.

The design was fixed on 22 November 2026, when AmbSYS held data to March 2026; the `evaluation`
parameters default to the values here, so a reader can move any of them and see what follows.
"""

from __future__ import annotations

# What the case promises, as AmbSYS measures it (definitions in analysis.evaluation.design).
OUTCOME_KEYS: tuple[str, ...] = ("c2_mean", "c2_p90", "c1_mean", "c1_p90", "hear_and_treat", "ed_conveyance",
                                 "c2_mean_gap")

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
# The verdict rule was revised on the same day, after an expert review and before any later data were seen
# (analysis.evaluation.verdict gives the revised rule in full).
RULE_REVISED_ON = "2026-11-22"
# A synthetic control whose pre-period R² (1 − RMSPE² ÷ the group's own pre-period variance) is at most this is
# no better than a flat line at the group's own mean: uninformative, and it does not count towards a verdict.
SC_MIN_PRE_R2 = 0.0
