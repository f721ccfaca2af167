"""Chapter 9's words and display tables, from the numbers `analysis.evaluation` returns.

One concern per module:

- `decide`: the judgements behind the words, each a small function returning a value (which rule governs, which
  months are exploratory, where the group's level sits, which way the pre-period was moving), and the design from the
  parameters;
- `phrases`: the fixed words (outcome names and definitions, verdict words, the facts behind donor reasons);
- `units`: numbers in words in each outcome's own unit (minutes, to a hundredth for Category 1, percentage points);
- `sentences`: each sentence the chapter shows, composed from the three above (and `plain_answer`, the front page's);
- `tables`: the display tables;
- `render`: the Markdown blocks and the glued text values (`chapter_values`);
- `vintages`: what changed since the previous data vintage.

Everything a notebook, a chart or a test uses is importable from here.
"""

from .decide import book_study, design_from, members_from
from .phrases import (
    BETTER_WHEN,
    LEAN_SHORT,
    LEAN_WORDS,
    OUTCOME_DEFINITIONS,
    OUTCOME_NAMES,
    SENSITIVITY_LABELS,
    VERDICT_WORDS,
    WHY,
)
from .render import chapter_values, revised_block, today_block, verdict_block
from .sentences import (
    DESIGN_DATA,
    DESIGN_FIXED,
    RULE_REVISED,
    exclusion_reason,
    exclusions_paragraph,
    exploratory_sentence,
    first_test_sentence,
    group_note,
    headline,
    lean_sentence,
    level_note,
    meaning_text,
    plain_answer,
    power_gate_sentence,
    power_sentence,
    rule_in_force_sentence,
    sc_counts,
    season_sentence,
    sensitivity_minutes,
    verdict_text,
)
from .tables import (
    design_table,
    donors_table,
    placebo_table,
    results_table,
    rules_table,
    sensitivity_table,
    thresholds_table,
    verdict_cell,
    verdict_table,
)
from .units import amount, direction, fit_text, in_seconds, interval_text, its_text, rank_text, unit_name
from .vintages import (
    estimates_moved_table,
    revisions_by_month_table,
    revisions_table,
    verdicts_moved_table,
    vintage_displays,
    vintage_values,
)

__all__ = [
    "BETTER_WHEN",
    "DESIGN_DATA",
    "DESIGN_FIXED",
    "LEAN_SHORT",
    "LEAN_WORDS",
    "OUTCOME_DEFINITIONS",
    "OUTCOME_NAMES",
    "RULE_REVISED",
    "SENSITIVITY_LABELS",
    "VERDICT_WORDS",
    "WHY",
    "amount",
    "book_study",
    "chapter_values",
    "design_from",
    "design_table",
    "direction",
    "donors_table",
    "estimates_moved_table",
    "exclusion_reason",
    "exclusions_paragraph",
    "exploratory_sentence",
    "first_test_sentence",
    "fit_text",
    "group_note",
    "headline",
    "in_seconds",
    "interval_text",
    "its_text",
    "lean_sentence",
    "level_note",
    "meaning_text",
    "members_from",
    "placebo_table",
    "plain_answer",
    "power_gate_sentence",
    "power_sentence",
    "rank_text",
    "results_table",
    "revised_block",
    "revisions_by_month_table",
    "revisions_table",
    "rule_in_force_sentence",
    "rules_table",
    "sc_counts",
    "season_sentence",
    "sensitivity_minutes",
    "sensitivity_table",
    "thresholds_table",
    "today_block",
    "unit_name",
    "verdict_block",
    "verdict_cell",
    "verdict_table",
    "verdicts_moved_table",
    "vintage_displays",
    "vintage_values",
    "verdict_text",
]
