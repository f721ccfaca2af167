"""Chapter 9's fixed words: names, definitions, verdict words, and the facts behind the donor reasons. No logic:
`decide` chooses, `sentences` composes, `tables` and `render` lay out."""

from __future__ import annotations

from se_ambulance.analysis.evaluation import verdict as V

OUTCOME_NAMES = {
    "c2_mean": "Category 2 mean response time",
    "c2_p90": "Category 2 90th centile response time",
    "c1_mean": "Category 1 mean response time",
    "c1_p90": "Category 1 90th centile response time",
    "hear_and_treat": "Hear-and-treat rate (incidents resolved by telephone)",
    "ed_conveyance": "Conveyance to an emergency department (share of incidents)",
    # True for a group of any size: with two members the gap is between them.
    "c2_mean_gap": "Gap between the members' Category 2 means (slowest minus fastest)",
}
OUTCOME_DEFINITIONS = {  # in words: the AmbSYS codes behind each are in reference.indicators
    "c2_mean": "Total Category 2 response time ÷ Category 2 incidents, the members pooled by incidents; minutes",
    "c2_p90": "The Category 2 90th centile; members pooled as the incident-weighted mean of their 90th centiles (an "
    "approximation: a centile cannot be pooled exactly from published figures); minutes",
    "c1_mean": "Total Category 1 response time ÷ Category 1 incidents, pooled by incidents; minutes",
    "c1_p90": "The Category 1 90th centile, incident-weighted over members (an approximation); minutes",
    "hear_and_treat": "Incidents resolved by hear and treat ÷ all incidents, summed over members; share",
    "ed_conveyance": "Incidents conveyed to an emergency department ÷ all incidents, summed over members; share",
    "c2_mean_gap": "The slowest member's Category 2 mean minus the fastest's; compared with the same gap "
    "in every set of donor trusts of the group's size; minutes",
}
BETTER_WHEN = {
    "c2_mean": "lower",
    "c2_p90": "lower",
    "c1_mean": "lower",
    "c1_p90": "lower",
    "hear_and_treat": "higher",
    "ed_conveyance": "lower",
    "c2_mean_gap": "lower",
}
WHY = {
    "c2_mean": '"quicker access"; the category most patients wait in (primary outcome)',
    "c2_p90": "the long waits behind the mean",
    "c1_mean": '"respond more consistently" for the most urgent calls',
    "c1_p90": "the long waits for the most urgent calls",
    "hear_and_treat": '"the right treatment" by telephone where safe',
    "ed_conveyance": '"fewer unnecessary trips to A&E"',
    "c2_mean_gap": '"the same high standard of care wherever they live": less variation between the trusts',
}
# What a share's change is counted in, in patients.
SHARE_PATIENTS = {"hear_and_treat": "incidents resolved by telephone", "ed_conveyance": "conveyances to an ED"}

# Why a trust may be left out of the donor pool, in the pieces that hold whatever the group: its own facts, and the
# facts that hold only when a particular member is in the group (a partnership, sharing an NHS England region).
EXCLUSION_FACTS = {
    "RRU": (
        "London Ambulance Service",
        ["a capital-city service unlike any other trust", "it has no response times for October and November 2022"],
    ),
    "R1F": (
        "Isle of Wight",
        [
            "one island of about 140,000 people whose small counts make its monthly series noisy",
            "it reports only from April 2018",
        ],
    ),
}
EXCLUSION_SENTENCES = {  # the same facts as the chapter's prose says them
    "RRU": ("London", ["is unlike any other trust", "lacks response times for two months of 2022"]),
    "R1F": ("The Isle of Wight", ["is one small island whose monthly figures are noisy"]),
}
# A partnership with a member (reference.evaluation.PARTNERSHIPS), by (trust, member): the table's words, the prose's.
PARTNERSHIP_WORDS = {
    ("RRU", "RYE"): (
        "it announced a partnership with SCAS on 25 September 2018 (joint procurement, shared best practice), "
        "so it may share in the group's changes",
        "has worked with SCAS since a partnership announced in September 2018, so it may share in the group's changes",
    ),
    ("RYE", "RRU"): (
        "it announced a partnership with London on 25 September 2018 (joint procurement, shared best "
        "practice), so it may share in the group's changes",
        "has worked with London since a partnership announced in September 2018, so it may "
        "share in the group's changes",
    ),
}
# Shared leadership with a member (reference.evaluation.SHARED_LEADERSHIP), by (trust, member): the table's words and
# the prose's, for a trust that is then never a donor.
LEADERSHIP_WORDS = {
    ("RYD", "RYE"): (
        "it shares a chair and chief executive with SCAS, a member, as the group is rolled out from late "
        "2025 (the group's announcement, October 2025), so it changes with SCAS",
        "South East Coast (SECAmb) is never a donor while South Central (SCAS) is a member: the two "
        "trusts share a chair and chief executive as their group is rolled out from late 2025, "
        "so SECAmb changes with SCAS and cannot stand for what the group would have done without "
        "it.",
    ),
    ("RYE", "RYD"): (
        "it shares a chair and chief executive with SECAmb, a member, as the group is rolled out from "
        "late 2025 (the group's announcement, October 2025), so it changes with SECAmb",
        "South Central (SCAS) is never a donor while South East Coast (SECAmb) is a member: the two "
        "trusts share a chair and chief executive as their group is rolled out from late 2025, "
        "so SCAS changes with SECAmb and cannot stand for what the group would have done without it.",
    ),
}
NUMBER_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
}

# The verdict words. Every version of the rule uses these words; the design of 22 November 2026 promised them, and a
# test holds them to that (tests/test_evaluation_text.py: PROMISED_WORDS).
VERDICT_WORDS = {
    V.BETTER: "better",
    V.WORSE: "worse",
    V.DISAGREE: "unclear: the two methods find changes in opposite directions",
    V.UNCONFIRMED: "unconfirmed: one method finds a meaningful change the other does not confirm",
    V.NO_CHANGE: "no meaningful change",
    V.NOT_FOUND: "no meaningful change found, none ruled out",
    V.TOO_EARLY: "too early to tell",
    V.UNDETECTABLE: "cannot be told from noise with these data",
}
LEAN_SHORT = {V.WORSE: "group losing ground", V.BETTER: "group gaining ground", V.MIXED: "mixed"}
LEAN_WORDS = {
    V.WORSE: "lean towards the group losing ground against other trusts",
    V.BETTER: "lean towards the group gaining ground on other trusts",
    V.MIXED: "point in different directions",
}

# The methods, as the power check names them.
METHOD_NAMES = {"synthetic_control": "the synthetic control", "interrupted_time_series": "the interrupted time series"}
POWER_BASIS = {  # what a rule version's power check is measured on (reference.evaluation.RuleVersion.power)
    "synthetic_control": "the synthetic control's pre-period error and the spread of its placebos, for both methods",
    "counting_methods": "each method whose estimate counts, on its own noise (the time series: its model's pre-period "
    "residuals and the spread of its false starts; the synthetic control, when it counts: its "
    "pre-period error and the spread of its placebos); the largest applies",
}
MEANINGFUL_BASIS = {  # what a version's meaningful change is (reference.evaluation.RuleVersion.meaningful)
    "share_of_level": "a share of the group's pre-period level, set by the book's parameters (for the gap, a share "
    "of the Category 2 mean)",
    "per_outcome": "each outcome's own size in its own unit, with a stated meaning, set by the book's parameters",
}

SENSITIVITY_LABELS = {
    "chapter": "The chapter's model: level, trend and two yearly harmonics, against the donors pooled",
    "no_trend": "The same without the trend",
    "log_ratio": "On the log ratio (group ÷ donors), as a share of the group's pre-period level",
    "rest_of_england": "Against the rest of England (every other trust with every month of the window, including "
    "those left out of the donor pool)",
    "did": "Simple difference in differences (mean difference after less before)",
    "did_same_months": "Difference in differences, season against season (only the pre-period months of the "
    "calendar months since the start)",
}
