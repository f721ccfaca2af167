"""The benefits register of the group appraisal: what two ambulance trusts can plausibly save, and
what it costs. Each item has a low/central/high value, a start year, a ramp-up, cash-releasing or not,
and a source. Kept apart from the model (`appraisal`) so that parameter validation can check a
reader's changes to the register before any notebook runs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Item:
    """One line of the benefits register.

    `basis` says what low/central/high are fractions of: "turnover" (the group's yearly income),
    "carter_conveyance" or "carter_productivity" (the group's share of Lord Carter's national
    opportunity). Benefits start in appraisal year `start` and reach their full value after `ramp`
    years; one-off costs are spread evenly over `ramp` years from `start`; recurring costs run every
    year from `start`.

    `sized_as` says what a benefit's range describes, so that the shortfall between plans and outcomes
    is counted once: "outcome" lines are sized as savings already realised elsewhere (Monitor's 1–3% of
    turnover was *realised* after mergers), so no realisation share is applied to them; "plan" lines are
    sized as an opportunity or a plan (Carter's estimate), so the realisation share (evidence on plans
    versus outcomes: Fulop 2002, NAO 2016) is applied to them.
    """

    id: str
    label: str
    kind: str  # "benefit" | "one-off cost" | "recurring cost"
    cash: bool
    basis: str
    low: float
    central: float
    high: float
    start: int
    ramp: int
    source: str
    quality: str  # RAG for the evidence behind the range
    impact: str = "amber"
    sized_as: str = "plan"  # "outcome" | "plan" (benefits only; see above)
    # A saving each trust's own plans also reach (overheads, procurement, bank and agency staff): the part the trusts
    # planned before the group (the `planned_savings` parameter) is the do-nothing baseline, not the group's.
    in_trust_plans: bool = False

    def values(self) -> tuple[float, float, float]:
        return self.low, self.central, self.high


MONITOR = (
    "Monitor (2014), Benefits from mergers: corporate overhead and clinical support savings of about 1–3% of "
    "turnover, realised relatively quickly after full mergers"
)
OUTCOME = (
    "Sized as a realised outcome, not a plan, so no realisation share is applied (the shortfall between plans "
    "and outcomes is already in a realised figure)"
)
REGISTER: tuple[Item, ...] = (
    Item(
        "corporate",
        "Corporate overheads and leadership",
        "benefit",
        True,
        "turnover",
        0.002,
        0.005,
        0.010,
        1,
        2,
        MONITOR + ". A group is not a merger: its trusts remain separate legal entities and employers with their own "
        "boards and statutory duties, sharing a chair and a chief executive (the group's announcement and its case for change), so this line alone runs "
        "up to 1% (Monitor's band covers corporate and clinical support savings together; the appraisal page sets "
        "the cash lines' total against it). " + OUTCOME,
        "amber",
        "red",
        sized_as="outcome",
        in_trust_plans=True,
    ),
    Item(
        "procurement",
        "Joint procurement of vehicles, equipment and IT",
        "benefit",
        True,
        "turnover",
        0.001,
        0.003,
        0.006,
        2,
        2,
        "Our range, inside Monitor's 1–3% band (clinical support and non-pay); "
        "no ambulance-specific evidence found. Overlaps Carter's productivity opportunity (fleet, consumables). "
        + OUTCOME,
        "red",
        sized_as="outcome",
        in_trust_plans=True,
    ),
    Item(
        "estates",
        "Estates",
        "benefit",
        True,
        "turnover",
        0.0,
        0.001,
        0.003,
        3,
        3,
        "Our range: the trusts' make-ready centres and stations serve separate areas, so little overlap. Overlaps "
        "Carter's productivity opportunity (estates). " + OUTCOME,
        "red",
        "green",
        sized_as="outcome",
    ),
    Item(
        "control_it",
        "Control rooms and IT systems",
        "benefit",
        True,
        "turnover",
        0.0,
        0.002,
        0.005,
        4,
        2,
        "Our range: savings only after dispatch systems converge (year 4 at the earliest). " + OUTCOME,
        "red",
        sized_as="outcome",
    ),
    Item(
        "workforce",
        "Workforce: bank and agency, shared training and rotas",
        "benefit",
        True,
        "turnover",
        0.001,
        0.003,
        0.006,
        1,
        3,
        "Our range, inside Monitor's band; Carter (2018) on rota and sickness variation "
        "(overlaps Carter's productivity opportunity). " + OUTCOME,
        "red",
        sized_as="outcome",
        in_trust_plans=True,
    ),
    Item(
        "pathways",
        "Clinical pathways that avoid conveyance to ED",
        "benefit",
        False,
        "carter_conveyance",
        0.05,
        0.15,
        0.30,
        2,
        3,
        "Share of the group's part of Carter's £300m national opportunity that joint "
        "working adds beyond what each trust would do alone (our range). Carter's £300m is rebased to the headroom "
        "left at today's conveyance rates and to 2025/26 prices. An opportunity, not an outcome, so the realisation "
        "share applies; accrues to hospitals, not to the trusts' cash",
        "red",
        "red",
    ),
    Item(
        "productivity",
        "Operational productivity (hours released)",
        "benefit",
        False,
        "carter_productivity",
        0.05,
        0.15,
        0.30,
        2,
        3,
        "Share of the group's part of Carter's £200m productivity opportunity (our "
        "range), in 2025/26 prices; time released is reused for patients, not cash. Carter's opportunity covers "
        "fleet, estates, procurement and rotas, so it overlaps the cash lines: the two are never added. An "
        "opportunity, so the realisation share applies",
        "red",
        "red",
    ),
    Item(
        "transition",
        "Transition and integration (programme team, restructuring)",
        "one-off cost",
        True,
        "turnover",
        0.005,
        0.010,
        0.020,
        1,
        2,
        "Our range: no published cost; in 2010–15, 12 of 20 trust mergers "
        "drew about £2bn of support (King's Fund, Collins 2015)",
        "red",
        "amber",
    ),
    Item(
        "it_convergence",
        "IT convergence (dispatch, patient records, telephony)",
        "one-off cost",
        True,
        "turnover",
        0.005,
        0.015,
        0.030,
        2,
        3,
        "Our range; NAO (2016): shared-service IT cost £94m against £90m delivered",
        "red",
        "amber",
    ),
    Item(
        "group_running",
        "Running the group (executive, programme office, governance)",
        "recurring cost",
        True,
        "turnover",
        0.0005,
        0.001,
        0.002,
        1,
        1,
        "Our range: a small group executive and programme office; no published figure",
        "red",
        "green",
    ),
)
ITEM_IDS = tuple(i.id for i in REGISTER)
OVERRIDABLE = ("low", "central", "high", "start", "ramp")
# A line's value is a fraction of its basis (the group's turnover, or its share of one of Carter's opportunities):
# no line can save or cost more than the whole of it. A start or a ramp past the longest appraisal (30 years)
# would never count.
MAX_FRACTION = 1.0
MAX_YEARS = 30


def apply_overrides(overrides: dict[str, dict[str, Any]]) -> tuple[Item, ...]:
    """The register with a reader's changes; ValueError names any bad item, field or value."""
    bad = [k for k in overrides if k not in ITEM_IDS]
    if bad:
        raise ValueError(f"unknown register item(s) {bad}; allowed: {', '.join(ITEM_IDS)}")
    out = []
    for item in REGISTER:
        changes = overrides.get(item.id) or {}
        if not isinstance(changes, dict):
            raise ValueError(f"{item.id}: expected a mapping of field: value, got {changes!r}")
        keys = [k for k in changes if k not in OVERRIDABLE]
        if keys:
            raise ValueError(f"{item.id}: unknown field(s) {keys}; allowed: {', '.join(OVERRIDABLE)}")
        neg = [f"{k}={x:g}" for k, x in changes.items() if x < 0]
        if neg:
            raise ValueError(f"{item.id}: values and costs must not be negative: {', '.join(neg)}")
        big = [f"{k}={x:g}" for k, x in changes.items() if k not in ("start", "ramp") and x > MAX_FRACTION]
        if big:
            raise ValueError(
                f"{item.id}: low, central and high are fractions of the line's basis, at most "
                f"{MAX_FRACTION:g} (all of it): {', '.join(big)}"
            )
        if changes:
            whole = {k: changes[k] for k in ("start", "ramp") if k in changes}
            if any(not 1 <= v <= MAX_YEARS or v != int(v) for v in whole.values()):
                shown = ", ".join(f"{k}={v:g}" for k, v in whole.items())
                raise ValueError(f"{item.id}: start and ramp are whole years from 1 to {MAX_YEARS}: {shown}")
            years = {k: int(v) for k, v in whole.items()}
            item = replace(
                item,
                **{k: float(v) for k, v in changes.items() if k not in years},
                **years,
                source=item.source + " (changed by a parameter)",
            )
        if not (item.low <= item.central <= item.high):
            raise ValueError(
                f"{item.id}: low ({item.low:g}) <= central ({item.central:g}) <= high ({item.high:g}) must hold"
            )
        out.append(item)
    return tuple(out)
