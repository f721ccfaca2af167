"""Chapter 5's words and display tables: everything the appraisal chapter shows as text is formatted
here from the numbers `analysis.appraisal` returns (the analysis layer returns numbers only)."""

from __future__ import annotations

import math

import pandas as pd

from se_ambulance.analysis import appraisal as A
from se_ambulance.analysis.estimate import Estimate
from se_ambulance.claims.register import claim as register_claim
from se_ambulance.claims.rule import BORDERLINE, judge_readings
from se_ambulance.publish.claims_text import group_scope_note
from se_ambulance.publish.format import count_label, fy_label, millions, odds, percent, pounds_m
from se_ambulance.publish.report import Prose
from se_ambulance.reference.orgs import CASE_GROUP, PROVIDERS, Group, names

CLAIM_WORDS = {"cash": "over £10 million", "wider": "up to £80 million"}
SUMMARY_LABELS = {
    "annual_cash_savings": "Cash savings in the final year, net of running the group (£m a year)",
    "npv_cash": "Cash net present value, net of all costs incl. one-off (£m)",
    "pv_cash_benefits": "Present value of cash benefits, gross (£m)",
    "pv_costs": "Present value of costs, with optimism bias (£m)",
    "annual_wider": "Non-cash ('equivalent') benefits in the final year (£m a year)",
    "pv_wider": "Present value of non-cash benefits, gross (£m)",
}


def input_labels(settings: A.Settings | None = None) -> dict[str, str]:
    """Reader-facing names of the model's inputs (globals, cost uplifts, register lines; the register as published
    when no settings are given)."""
    from se_ambulance.reference.benefits import REGISTER

    items = A.register(settings) if settings is not None else REGISTER
    return (
        dict(A.GLOBALS)
        | {
            "capital_optimism_bias": "Optimism bias on one-off costs",
            "operating_optimism_bias": "Optimism bias on running costs",
        }
        | {i.id: i.label for i in items}
    )


_QUALITY_WORDS = {
    "red": "rated red: our own range, no published evidence",
    "amber": "rated amber",
    "green": "rated green",
}


def _verdict_words(verdict: str, between) -> str:
    """A verdict as a phrase: a borderline one names its two neighbours."""
    return f"borderline between {' and '.join(between)}" if verdict == BORDERLINE else verdict


def best_evidenced_words(r) -> str:
    """One sentence: the verdict on a money claim with every input that has no published evidence (rated red) held
    at its most likely value, against the page's verdict (`stays` or `becomes`), from its claim result's
    `sensitivity` (claims.evaluate.benefit). Empty for a result without one."""
    sens = r.sensitivity
    if not sens:
        return ""
    best = sens["best_evidenced"]
    verb = "stays" if best == r.verdict else "becomes"
    return (
        f"If every input without published evidence is held at its most likely value, the "
        f"{claimed_figure(r.id)} verdict {verb} "
        f"{_verdict_words(best, sens['best_evidenced_between'])}."
    )


def rests_on_words(r) -> str:
    """What a money verdict rests on, from its claim result's `sensitivity` (claims.evaluate.benefit): the inputs
    whose variance decides the reading that decides (Sobol total indices), the red-rated ones named as such, the
    verdict with those held at their most likely values, and how many other seeds give the same verdict."""
    sens = r.sensitivity
    if not sens:
        return ""
    labels = input_labels()
    parts = [
        f"{labels.get(x['input'], x['input'])} ({percent(A.shown_share(x['ST']), 0)} of the variance, "
        f"{_QUALITY_WORDS.get(x['quality'], x['quality'])})"
        for x in sens["rests_on"]
    ]
    red = [labels.get(x["input"], x["input"]) for x in sens["rests_on"] if x["quality"] == "red"]
    rule = percent(A.DECIDING_SHARE, 0)
    if not parts:
        out = "No input moves the reading that decides the verdict. "
    elif all(A.shown_share(x["ST"]) < A.DECIDING_SHARE for x in sens["rests_on"]):
        out = (
            f"No input explains {rule} of the variance of the reading that decides the verdict (Sobol total indices). "
            f"The largest share is {parts[0]}. "
        )
    else:
        out = (
            f"The inputs that decide the verdict, each explaining at least {rule} of the variance of the reading "
            f"that decides it (Sobol total indices, rounded to a whole percent), are: {'; '.join(parts)}. "
        )
    out += (
        f"It rests on assumptions rated red: {'; '.join(red)}. "
        if red
        else "None of the inputs that decide it is rated red. "
    )
    out += (
        f"{best_evidenced_words(r)} "
        f"The same verdict comes from {sens['seeds_same']} of {sens['seeds']} other random seeds."
    )
    return out


def rests_on_rule(group: Group | None = None) -> Prose:
    """The sensitivity table's sentence on the rule that picks what decides each verdict, in the table's columns;
    for a group other than the case's, that the verdicts' own shares are the case's group's, not this table's."""
    columns = " and ".join(f"*{SOBOL_COLUMNS[deciding_outcome(k)]}*" for k in CLAIM_IDS)
    rule = f"at least {percent(A.DECIDING_SHARE, 0)} in the column of the reading that decides it ({columns})"
    if group is None or group.is_case:
        return Prose(f"Under each verdict above, *What decides this verdict* names every input with {rule}.")
    return Prose(
        f"Under each verdict above, *What decides this verdict* names every input with {rule}, from the same "
        f"analysis run for the case's group, {CASE_GROUP.name}, on which the verdicts are judged. This table "
        f"is for {group.name}, so its shares can differ."
    )


def register_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The register as a reader sees it (from `register_frame`): £m a year (one-off costs in total)."""

    def timing(r):
        last = r.start + r.ramp - 1
        if r.kind == "benefit":
            return f"from year {r.start}, full by year {last}"
        if r.kind == "one-off cost":
            return f"years {r.start}–{last}" if last > r.start else f"year {r.start}"
        return f"every year from year {r.start}"

    return pd.DataFrame(
        {
            "item": frame["label"],
            "type": frame["kind"],
            "cash-releasing": frame["cash"].map({True: "yes", False: "no"}),
            "sized as": [
                ("realised outcome" if s == "outcome" else "plan") if k == "benefit" else "–"
                for s, k in zip(frame["sized_as"], frame["kind"])
            ],
            "low £m": (frame["low"] / 1e6).round(1),
            "central £m": (frame["central"] / 1e6).round(1),
            "high £m": (frame["high"] / 1e6).round(1),
            "timing": [timing(r) for r in frame.itertuples()],
            "source": frame["source"],
        }
    )


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """`model.summary` in £m with reader-facing labels."""
    tab = (summary / 1e6).round(1).rename(index=SUMMARY_LABELS)
    tab.columns = ["Mean", "5th centile", "Median", "95th centile"]
    tab.index.name = None
    return tab


def tornado_table(tor: pd.DataFrame, settings: A.Settings) -> pd.DataFrame:
    """The tornado in £m with an 'assumption' column of reader-facing names (for `tornado_chart`)."""
    labels = input_labels(settings)
    return pd.DataFrame(
        {
            "assumption": tor["input"].map(labels),
            "low": (tor["low"] / 1e6).round(2),
            "high": (tor["high"] / 1e6).round(2),
            "central": (tor["central"] / 1e6).round(2),
        }
    )


def yearly_chart_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`model.yearly_frame` with financial-year labels and £m, for the fan chart."""
    return pd.DataFrame(
        {
            "year": [fy_label(A.APPRAISAL_FIRST_YEAR + y - 1) for y in frame["year"]],
            "series": "Cumulative discounted net cash (£m)",
            "median": (frame["median"] / 1e6).round(2),
            "low": (frame["low"] / 1e6).round(2),
            "high": (frame["high"] / 1e6).round(2),
        }
    )


def _range(e: Estimate, per: str = "") -> str:
    """A median with its 90% interval, for "... has a median of {this}": '£7.6 million a year (90% interval
    £5.5 million to £10.0 million)' (`per` = ' a year')."""
    return f"{millions(e.central)}{per} (90% interval {millions(e.low)} to {millions(e.high)})"


# --- verdicts: the claims layer's one rule ------------------------------------------------------

CLAIM_IDS = {"cash": "efficiencies-10m", "wider": "wider-benefits-80m"}


def claim_verdict(readings: dict[str, Estimate], kind: str) -> tuple[str, str]:
    """(verdict, reading) for the cash or wider claim under the book's one rule (claims.rule): the verdict on the
    reading its audience would take (the register's), or on the only reading given."""
    c = register_claim(CLAIM_IDS[kind])
    reading = c.reading if c.reading in readings else next(iter(readings))
    return judge_readings(c.value, readings, c.wording, c.tolerance or 0.0)[reading].verdict, reading


def _map_key(value) -> float | None:
    """A verdict map's axis value as a key: a held value, or A.AS_RUN (NaN in the frame)."""
    return A.AS_RUN if pd.isna(value) else float(value)


def map_run_verdict(frame: pd.DataFrame, claim: str) -> tuple[str, str] | None:
    """(verdict, reading) of a verdict map's cell at the run's own inputs (None if the map has no such cell)."""
    cell = frame[(frame["claim"] == claim) & frame["run"]]
    if cell.empty:
        return None
    return claim_verdict({r.reading: _estimate(r) for r in cell.itertuples()}, claim)


def _estimate(row) -> Estimate:
    """A verdict map row's estimate, with its Monte Carlo error bands (as the claims layer judges it)."""
    mc = row.mc if isinstance(row.mc, tuple) else None
    return Estimate(row.central, row.low, row.high, mc)


# --- verdict maps: how a verdict moves with the two inputs that decide it ------------------------------

# The model outcome each reading is measured by, in words ("the spread in {this}").
OUTCOME_WORDS = {
    "annual_cash_savings": "the yearly cash savings",
    "npv_cash": "the cash net present value",
    "annual_wider": "the yearly non-cash benefits",
    "pv_wider": "the present value of the non-cash benefits",
}
READING_WORDS = {"a_year": "a yearly amount", "pv_total": "a present-value total"}


def claimed_figure(claim_id: str) -> str:
    """A money claim's figure in words: '£10 million'."""
    value = register_claim(claim_id).value
    if value is None:
        raise ValueError(f"claim {claim_id!r} states no figure")
    return millions(value, 0)


def deciding_reading(kind: str) -> str:
    """The reading that decides a claim's verdict: the register's (as `claim_verdict` judges it)."""
    reading = register_claim(CLAIM_IDS[kind]).reading
    return reading if reading in A.READINGS[kind] else next(iter(A.READINGS[kind]))


def deciding_outcome(kind: str) -> str:
    """The model outcome (`A.READINGS`) of the reading that decides a claim's verdict: the register's reading."""
    return A.READINGS[kind][deciding_reading(kind)]


def map_axes(settings: A.Settings, sc: A.Scale, indices: pd.DataFrame) -> dict:
    """The two verdict maps' axes, {claim: (x axis, y axis)}: for each claim the two inputs with the largest total
    Sobol indices (`indices`, the run's `A.sobol`) for the reading that decides it (`A.map_inputs`)."""
    return A.verdict_map_axes(
        settings, sc, {kind: A.map_inputs(indices, deciding_outcome(kind), settings, sc) for kind in CLAIM_IDS}
    )


def _share(v: float) -> str:
    """0.005 -> '0.5%', 0.28 -> '28%': a held share as the register and the parameters state it."""
    return f"{100 * v:.3g}%"


def axis_title(name: str, settings: A.Settings) -> str:
    """A verdict map's input in a reader's words, with what its values are a share of."""
    label = input_labels(settings).get(name, name)
    basis = next((i.basis for i in A.register(settings) if i.id == name), None)
    if basis == "turnover":
        return f"{label}, as a share of income"
    if basis in ("carter_conveyance", "carter_productivity"):
        return f"{label}, as a share of Carter's opportunity"
    return label


def axis_value(name: str, value: float, settings: A.Settings, sc: A.Scale) -> str:
    """One held value of a verdict map's input: years, a price factor, £ (the income, held as a share of its most
    likely value) or a share."""
    if name == "benefit_delay_years":
        return f"{value:g} years"
    if name == "turnover_uplift":
        return f"×{value:g}"
    if name == "income":
        return pounds_m(value * A.central_income(settings, sc), 0)
    return _share(value)


# The global inputs as a sentence names them (a register line is "the <its label> line").
_IN_A_SENTENCE = {
    "realisation": "the share of planned benefits realised",
    "benefit_delay_years": "the delay to benefits",
    "turnover_uplift": "the price change since 2019/20",
    "income": "the group's income",
    "planned_savings": "the share of savings the trusts planned anyway",
    "capital_optimism_bias": "the optimism bias on one-off costs",
    "operating_optimism_bias": "the optimism bias on running costs",
}


def input_in_a_sentence(name: str, settings: A.Settings) -> str:
    """An input named inside a sentence: 'the share of planned benefits realised', 'the corporate overheads and
    leadership line' ('IT convergence' keeps its capitals)."""
    if name in _IN_A_SENTENCE:
        return _IN_A_SENTENCE[name]
    label = input_labels(settings).get(name, name)
    return f"the {label[:1].lower() + label[1:] if label[1:2].islower() else label} line"


def _explains(st: float) -> str:
    shown = percent(max(st, 0.0), 0)
    return "less than 1%" if shown == "0%" and st > 0 else shown


def map_words(kind: str, axes: dict, indices: pd.DataFrame, settings: A.Settings) -> dict[str, str]:
    """A verdict map's words, true for the axes it has: `{kind}_map_intro` (which inputs, why, what a cell says)
    and `{kind}_map_how` (how to read it, and the yardsticks added to an input's own values)."""
    (x, _), (y, _) = axes[kind]
    outcome = deciding_outcome(kind)
    st = indices[indices["outcome"] == outcome].set_index("input")["ST"]
    name = {k: input_in_a_sentence(k, settings) for k in (x, y)}
    intro = (
        f"How the verdict on the {claimed_figure(CLAIM_IDS[kind])} moves with two inputs, every other input uncertain as "
        "before. "
    )
    if st.clip(lower=0).sum() <= 0:
        intro += (
            f"Here {OUTCOME_WORDS[outcome]} do not vary with any input, so no input moves the verdict. "
            f"The rows hold {name[y]}; the columns hold {name[x]}. "
        )
    else:
        intro += (
            f"The rows hold {name[y]}, which explains {_explains(st.get(y, 0.0))} of the spread in "
            f"{OUTCOME_WORDS[outcome]}. The columns hold {name[x]}, which explains {_explains(st.get(x, 0.0))}. "
            "No other input explains more. "
        )
    intro += (
        f"Each cell gives the verdict on {READING_WORDS[deciding_reading(kind)]}, the reading that decides, and that "
        "reading's median."
    )
    how = (
        "A row or column with one value holds its input at that value. The one marked *drawn* leaves it "
        "uncertain over its range, as everywhere else on this page. The cell marked *this page's inputs* is "
        "this page's own result. Holding an input at one value removes its spread, and so narrows the interval a "
        "verdict is judged on."
    )
    refs = {
        "corporate": f"The corporate line also takes {_share(A.MONITOR_MIDDLE)}, the middle of Monitor's band "
        "for a full merger.",
        "productivity": "Carter's productivity line also takes twice its high value.",
        "capital_optimism_bias": "The optimism bias also takes the guidance's bounds, "
        f"{' and '.join(_share(b) for b in A.OPTIMISM_BIAS_CAPITAL_BOUNDS)}.",
    }
    how += "".join(f" {refs[k]}" for k in (y, x) if k in refs and A.map_references(settings, k))
    if "income" in (x, y):
        how += " The income is held at each value in place of its drawn range."
    return {f"{kind}_map_intro": Prose(intro), f"{kind}_map_how": Prose(how)}


def verdict_map_table(frame: pd.DataFrame, claim: str, settings: A.Settings, sc: A.Scale) -> pd.DataFrame:
    """A verdict map (from `model.verdict_map`; its first two columns are the x and y inputs) as a table:
    rows = y values, columns = x values under one heading naming x, each cell the verdict on the reading that
    decides (the register's) and that reading's median (the page's sentence above the map names the reading). A held value reads as itself; A.AS_RUN as 'drawn low /
    central / high' (the run's range). The run's own row, column and cell say so."""
    x, y = frame.columns[:2]
    sub = frame[frame["claim"] == claim]
    xs = list(dict.fromkeys(_map_key(v) for v in sub[x]))
    ys = list(dict.fromkeys(_map_key(v) for v in sub[y]))
    run = sub[sub["run"]]
    run_key = (_map_key(run[x].iloc[0]), _map_key(run[y].iloc[0])) if len(run) else None

    def value_label(name, value, is_run):
        if value is A.AS_RUN:
            shown = "drawn " + " / ".join(axis_value(name, v, settings, sc) for v in A.input_range(settings, name, sc))
        else:
            shown = axis_value(name, value, settings, sc)
        return shown + (" (this page)" if is_run else "")

    cells = {}
    for (xv, yv), g in sub.groupby([x, y], dropna=False, sort=False):
        key = (_map_key(xv), _map_key(yv))
        est = {r.reading: _estimate(r) for r in g.itertuples()}
        v, reading = claim_verdict(est, claim)
        mark = "; this page's inputs" if key == run_key else ""
        cells[key] = f"{v} ({pounds_m(est[reading].central)}{mark})"  # the reading: the page's sentence above the map
    columns = pd.MultiIndex.from_tuples(  # x's name spans its values; y's heads its own column, level with them
        [
            ("", axis_title(y, settings)),
            *((axis_title(x, settings), value_label(x, xv, run_key is not None and xv == run_key[0])) for xv in xs),
        ]
    )
    return pd.DataFrame(
        [[value_label(y, yv, run_key is not None and yv == run_key[1]), *(cells[(xv, yv)] for xv in xs)] for yv in ys],
        columns=columns,
    )


def dependence_table(frame: pd.DataFrame) -> pd.DataFrame:
    """`model.dependence` for the cash claim: each correlation's medians, intervals and chances."""
    rows = []
    for rho, g in frame.groupby("correlation"):
        est = g.set_index(["claim", "reading"])
        a = est.loc[("cash", "a_year")]
        pv = est.loc[("cash", "pv_total")]
        rows.append(
            {
                "correlation between cash lines": "independent"
                if rho == 0
                else "comonotonic (1)"
                if rho == 1
                else f"{rho:g}",
                "cash a year, median (90% interval), £m": f"{a.central / 1e6:.1f} ({a.low / 1e6:.1f}–{a.high / 1e6:.1f})",
                "chance of £10m a year": odds(est.loc[("cash_10m_a_year", "probability")].central),
                "cash NPV, median (90% interval), £m": f"{pv.central / 1e6:.1f} ({pv.low / 1e6:.1f}–{pv.high / 1e6:.1f})",
                "chance of £10m NPV": odds(est.loc[("cash_10m_in_total", "probability")].central),
            }
        )
    return pd.DataFrame(rows)


def _correlation_label(rho: float) -> str:
    return "independent" if rho == 0 else "comonotonic" if rho == 1 else f"correlated at {rho:g}"


def dependence_words(frame: pd.DataFrame) -> str:
    """What `model.dependence` shows for the cash claim, from the lowest correlation to the highest, in the
    words and rounding of `dependence_table`, as three short sentences: whether the 90% interval of the yearly
    savings widens, and which way each chance of £10 million moves."""
    rhos = sorted(frame["correlation"].unique())
    a, b = rhos[0], rhos[-1]
    est = frame.set_index(["correlation", "claim", "reading"])

    def width(rho):  # £m to one decimal, as the table shows
        e = est.loc[(rho, "cash", "a_year")]
        return round(e.high / 1e6, 1) - round(e.low / 1e6, 1)

    w0, w1 = width(a), width(b)
    spread = "widens" if w1 > w0 + 1e-9 else "narrows" if w1 < w0 - 1e-9 else "stays as wide"

    def chance(key, what):
        p0, p1 = est.loc[(a, key, "probability")].central, est.loc[(b, key, "probability")].central
        o0, o1 = odds(p0), odds(p1)
        if o0 == o1:
            return f"The chance of {what} stays {o0}."
        return f"The chance of {what} {'rises' if p1 > p0 else 'falls'} from {o0} to {o1}."

    return Prose(
        f"From {_correlation_label(a)} to {_correlation_label(b)} cash lines, the 90% interval of the yearly "
        f"savings {spread}. {chance('cash_10m_a_year', 'the yearly £10 million')} "
        f"{chance('cash_10m_in_total', '£10 million as a present value')}"
    )


def breakeven_sentence(b: dict[str, float], years: int) -> str:
    """When the discounted cash position turns positive (`model.breakeven_summary`: inf = not within the
    period), counted over all draws, as short sentences. Every combination of a median and 5th and 95th centiles
    that do or do not turn positive within the period reads correctly."""

    def yr(v):
        return f"year {int(v)} ({fy_label(A.APPRAISAL_FIRST_YEAR + int(v) - 1)})"

    m, lo, hi = b["median"], b["p5"], b["p95"]
    never = (
        f"In all, {percent(b['share_never'], 1)} of draws ({odds(b['share_never'])}) never break even within "
        f"the {years} years."
    )
    if math.isinf(lo):
        return (
            f"In more than 95% of draws the discounted cash position does not turn positive within the {years} "
            f"years. {never}"
        )
    if math.isinf(m):
        return (
            f"In the median draw the discounted cash position does not turn positive within the {years} years. "
            f"{never} Even the earliest 5% of draws break even only by {yr(lo)}."
        )
    first = f"In the median draw the discounted cash position turns positive in {yr(m)}."
    if math.isinf(hi):
        spread = f"The earliest 5% of draws do so by {yr(lo)}."
    elif lo == hi:
        spread = f"It does so in {yr(lo)} in the middle 90% of draws."
    else:
        spread = f"In the middle 90% of draws it does so between {yr(lo)} and {yr(hi)}."
    return f"{first} {spread} {never}"


def optimism_bias_words(settings: A.Settings) -> dict[str, str]:
    """Why the run's optimism-bias uplifts are what they are, true for the values used: against the Green
    Book supplementary guidance's bounds for capital costs (10% to 200%) and its one operating-cost figure
    (outsourcing, up to 41%)."""
    low, high = A.OPTIMISM_BIAS_CAPITAL_BOUNDS
    cap, op, outsourcing = (
        settings.capital_optimism_bias,
        settings.operating_optimism_bias,
        A.OPTIMISM_BIAS_OPERATING_OUTSOURCING,
    )
    if math.isclose(cap, high):
        why = (
            f"That is the guidance's upper bound, {percent(high, 0)}, as if the cost lines' own ranges "
            "quantified none of the risk."
        )
    elif cap > high:
        why = f"That is above the guidance's upper bound of {percent(high, 0)}."
    elif math.isclose(cap, low):
        why = (
            f"That is the guidance's lower bound, {percent(low, 0)}, as if the cost lines' own ranges "
            "quantified nearly all of the risk."
        )
    elif cap < low:
        why = f"That is below the guidance's lower bound of {percent(low, 0)}."
    else:
        why = (
            f"That is below the upper bound of {percent(high, 0)} because the cost lines' own ranges already "
            "quantify part of the risk."
        )
    if op == 0:
        running = (
            "Recurring running costs carry no uplift: the guidance's only operating-cost figure is for "
            "outsourcing, which this is not."
        )
    elif math.isclose(op, outsourcing):
        running = (
            f"Recurring running costs carry {percent(op, 0)}, the guidance's figure for outsourcing, its "
            "only operating-cost uplift."
        )
    elif op < outsourcing:
        running = (
            f"Recurring running costs carry {percent(op, 0)}, below the guidance's only operating-cost "
            f"figure ({percent(outsourcing, 0)}, for outsourcing)."
        )
    else:
        running = (
            f"Recurring running costs carry {percent(op, 0)}, above the guidance's only operating-cost "
            f"figure ({percent(outsourcing, 0)}, for outsourcing)."
        )
    return {
        "ob_capital": percent(cap, 0),
        "ob_capital_why": why,
        "ob_operating": percent(op, 0),
        "ob_operating_words": running,
    }


def monitor_band_words(share: float) -> str:
    """Where the cash lines' central share of income sits against Monitor's 1-3% band for full mergers."""
    low, high = A.MONITOR_BAND
    band = f"Monitor's band ({100 * low:g}–{percent(high, 0)})"
    return f"inside {band}" if low <= share <= high else f"below {band}" if share < low else f"above {band}"


def merger_band_sentence(share: float) -> str:
    """What the cash lines' central total says about the group against a full merger, in words that follow the
    number: inside Monitor's band, the register assumes the group saves as a full merger does, whatever a single
    line says; below it, less; above it, more."""
    low, high = A.MONITOR_BAND
    where = monitor_band_words(share)
    if share < low:
        what = "so the register assumes the group saves less than a full merger, as a group that is not a merger may"
    elif share <= high:
        what = (
            "so, although a group is not a merger, the register's central values assume it saves as much as a "
            "full merger would" + (" at the low end of the band" if share < (low + high) / 2 else "")
        )
    else:
        what = "so the register assumes the group saves more than full mergers did"
    return (
        f"At their central values the cash lines add up to {percent(share)} of income a year, {where} for "
        f"corporate and clinical support savings after full mergers: {what}."
    )


def income_sources_table(sc: A.Scale) -> pd.DataFrame:
    """The published incomes the group's income range is built from: each one's £ per incident at 2025/26 prices
    and what the group's income would be at that rate, with its source and rating."""
    from se_ambulance.reference.finance import INCOME_SOURCES

    rows = [
        {
            "published income": src.label,
            "£m": round(src.income / 1e6, 1),
            "£ per incident, 2025/26 prices": round(sc.per_incident_by_source[src.id]),
            "group's income at that rate, £m": round(
                sc.per_incident_by_source[src.id] * sc.incidents_income_year / 1e6
            ),
            "source": src.source,
            "evidence": src.quality,
        }
        for src in INCOME_SOURCES
    ]
    return pd.DataFrame(rows)


def income_words(sc: A.Scale, settings: A.Settings) -> str:
    """How the group's income is estimated, true for the run: the most likely source, the range, or the reader's."""
    from se_ambulance.reference.finance import INCOME_SOURCES

    if settings.group_turnover_m is not None:
        return (
            f"The group's income is set by the reader: {millions(settings.group_turnover_m * 1e6, 0)} "
            "a year, without a range."
        )
    src = next(s for s in INCOME_SOURCES if s.id == settings.income_source)
    low, _, high = sc.income_range
    return (
        f"No single figure is taken as the income: the table below gives each source, and the income is a range. "
        f"The most likely value is {millions(sc.turnover, 0)} a year: the group's "
        f"{sc.incidents_income_year / 1e6:.2f} million incidents in {fy_label(A.INCOME_YEAR)} at "
        f"£{sc.income_per_incident:,.0f} each, the income per incident of {src.label} (a setting of the book, which a reader can change). The "
        f"published incomes below give {millions(low * sc.turnover, 0)} to {millions(high * sc.turnover, 0)}, the "
        "range the Monte Carlo draws the income from (triangular, peaking at the most likely value)."
    )


def income_summary(sc: A.Scale, settings: A.Settings) -> str:
    """The group's income in one sentence for the page's opening of the model: the reader's figure, or the most
    likely value of the range built from the published incomes."""
    if settings.group_turnover_m is not None:
        return (
            f"So the group's income here is the reader's own figure, "
            f"{millions(settings.group_turnover_m * 1e6, 0)} a year."
        )
    return (
        f"So the group's income, about {millions(sc.turnover, 0)} a year at its most likely value, is a range built "
        "from the published trust incomes in the table below."
    )


def drawn_inputs_words(settings: A.Settings, sc: A.Scale) -> str:
    """The kinds of input the Monte Carlo draws over a range, in words (the income only when it is not the reader's)."""
    drawn = A.uncertain_inputs(settings, sc)
    kinds = [
        ("the register lines", any(i.id in drawn for i in A.register(settings))),
        ("the realised share", "realisation" in drawn),
        ("the delay", "benefit_delay_years" in drawn),
        ("the price change", "turnover_uplift" in drawn),
        ("the share of savings the trusts would make anyway", "planned_savings" in drawn),
        ("the group's income", "income" in drawn),
    ]
    names = [k for k, on in kinds if on] or ["none"]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def per_incident_words(eq: dict, year: int, settings: A.Settings) -> str:
    """How the income per incident today (`incident_equivalents`) follows from the one the income is estimated
    with: the same prices, and today's incidents against those of the income's year. Short sentences, and the
    reader's own income named in words (its parameter is named in the chapter's collapsed method)."""
    per = f"£{eq['per_incident']:,.0f}"
    incidents = f"{eq['incidents'] / 1e6:.2f} million incidents in {fy_label(year)}"
    if eq["per_incident_income_year"] is None:
        return f"The {per} is the group's income as the reader set it, spread over its {incidents}."
    change = eq["incidents_ratio"] - 1
    more = (
        "as many incidents as then"
        if percent(abs(change), 0) == "0%"
        else f"{percent(abs(change), 0)} {'more' if change > 0 else 'fewer'} incidents than then"
    )
    return (
        f"The {per} is the estimated income spread over the group's {incidents}. The estimate rests on its "
        f"{eq['incidents_income_year'] / 1e6:.2f} million incidents of {fy_label(A.INCOME_YEAR)} at "
        f"£{eq['per_incident_income_year']:,.0f} each, in {fy_label(A.APPRAISAL_FIRST_YEAR)} prices. "
        f"The group now has {more}."
    )


def scope_note(group: Group) -> str:
    """Chapter 5's sentence next to the two verdicts when the book's group is not the case's (empty if it is)."""
    note = group_scope_note(group, "The two benefit claims concern")
    return note and (
        note + f" The model, its chances and the verdict maps on this page are for {group.name}: "
        "what the claimed sums would mean for its trusts."
    )


# The trust whose own savings plans are the evidence for the do-nothing baseline (`planned_savings`).
SCAS = "RYE"


def planned_savings_evidence(group: Group) -> Prose:
    """The evidence for the savings the trusts would make anyway, true for every group: it is SCAS's, from before
    the case's group formed, so for a group without SCAS it is the case's evidence carried over, not the group's."""
    from se_ambulance.reference.finance import (
        SCAS_CIP_SHARE_2024,
        SCAS_CORPORATE_POSTS,
        SCAS_CORPORATE_POSTS_CUT,
        SCAS_REDUCTION_PLAN_2025,
    )

    cut = f"cut about {SCAS_CORPORATE_POSTS_CUT} of its roughly {SCAS_CORPORATE_POSTS} corporate posts from April 2025."
    also = (
        f"It also ran a 2024/25 cost-improvement plan of about {percent(SCAS_CIP_SHARE_2024)} of its spending, and "
        f"planned a {millions(SCAS_REDUCTION_PLAN_2025)} reduction for 2025/26."
    )
    scas = PROVIDERS[SCAS]
    if group.is_case:
        return Prose(f"Before the group, {scas} {cut} {also}")
    if SCAS in group.members:
        return Prose(
            f"The evidence for such savings comes from {scas}, before it formed {CASE_GROUP.name}, the case's group. It {cut} "
            f"{also}"
        )
    return Prose(
        f"The evidence for such savings comes from the case, not from {group.name}. Before forming {CASE_GROUP.name}, {scas}, "
        f"which is not in {group.name}, {cut} {also} No such plans of {names(group.members)} are in this "
        "book, so the share below is the case's, carried over."
    )


def verdict_sentence(r, group: Group, claim_words: str = "") -> Prose:
    """A money claim's verdict as the page states it, from its claim result (`claims.evaluate.benefit`, always
    judged on the case's group): 'Verdict: **Supported ...**', or 'Verdict on "<claim_words>", judged the same way:
    ...'. For another group it first says the verdict is judged on the case's group and gives the case's own figure
    that decides it, so the verdict cannot be read as one on the group's own figures beside it."""
    from se_ambulance.publish.claims_text import summary

    verdict = f"**{summary(r)}**"
    if group.is_case:
        return Prose(
            f'Verdict on "{claim_words}", judged the same way: {verdict}' if claim_words else f"Verdict: {verdict}"
        )
    kind = next(k for k, cid in CLAIM_IDS.items() if cid == r.id)
    what = "cash savings after the cost of running the group" if kind == "cash" else "non-cash benefits"
    per = " a year" if r.reading == "a_year" else " in total, in today's money"
    which = f'The verdict on "{claim_words}" is judged the same way,' if claim_words else "The verdict is judged"
    return Prose(
        f"{which} on the case's group, {CASE_GROUP.name} ({names(CASE_GROUP.members)}), not on "
        f"{group.name}. There, {what} have a median of {_range(r.readings[r.reading], per)}. "
        f"Verdict: {verdict}"
    )


def rests_on_scoped(r, group: Group) -> Prose:
    """What a money verdict rests on (`rests_on_words`), said to be the case's group's when the book's group is not
    the case's: the verdict, and so its sensitivity, is the case's, while the page's own table is the group's."""
    words = rests_on_words(r)
    if group.is_case or not words:
        return Prose(words)
    return Prose(
        f"The verdict is judged on the case's group, {CASE_GROUP.name}, so these shares are its own, not "
        f"those of {group.name} in the table under *What the verdicts rest on*. {words}"
    )


def verdict_values(results, group: Group) -> dict[str, Prose]:
    """The page's verdict sentences by key (`cash_verdict`, `wider_verdict` and the summary's `wider_verdict_found`)
    and what each rests on (`cash_rests_on`, `wider_rests_on`), from the claims layer's results for the two money
    claims."""
    cash, wider = results[CLAIM_IDS["cash"]], results[CLAIM_IDS["wider"]]
    return {
        "cash_verdict": verdict_sentence(cash, group),
        "wider_verdict": verdict_sentence(wider, group),
        "wider_verdict_found": verdict_sentence(wider, group, "up to the equivalent of £80 million"),
        "cash_rests_on": rests_on_scoped(cash, group),
        "wider_rests_on": rests_on_scoped(wider, group),
    }


def chapter_text(settings: A.Settings, sc: A.Scale, res: A.Result, tidy: pd.DataFrame, group: Group) -> dict[str, str]:
    """Every text value chapter 5 glues, by key. `sc` is the scale of `group` (the book's `group`)."""
    if tuple(sc.members) != tuple(group.members):
        raise ValueError(f"the scale is for {sc.members}, the group is {group.members}")
    est = A.claim_estimates(res)
    probs = A.claim_probabilities(res)
    rates = A.conveyance_rates(tidy, sc.members)
    cm = A.centre_and_median(res)
    be = A.breakeven_summary(res.outcomes["breakeven_year"])
    eq = A.incident_equivalents(tidy, settings, sc)
    conv = A.conveyance_test(tidy, settings, sc)
    v = conv["value_at_best"]
    o = res.outcomes
    price = float(A.carter_price_factor(settings.turnover_uplift[1]))
    out = {
        "group_name": group.name,
        "group_trusts": names(group.members),
        "group_scope_note": scope_note(group),
        "planned_savings_evidence": planned_savings_evidence(group),
        "rests_on_rule": rests_on_rule(group),
        "income_words": income_words(sc, settings),
        "income_year": fy_label(A.INCOME_YEAR),
        "income_summary": Prose(income_summary(sc, settings)),
        "drawn_inputs": drawn_inputs_words(settings, sc),
        "corporate_high": _share(A.input_range(settings, "corporate")[2]),
        "years": str(settings.appraisal_years),
        "rate": percent(settings.discount_rate),
        "uplift": f"×{settings.turnover_uplift[1]:g}",
        "planned_savings": " / ".join(percent(x, 0) for x in settings.planned_savings),
        "merger_band_sentence": merger_band_sentence(A.central_cash_share(settings, sc)),
        "turnover_now": millions(A.central_income(settings, sc), 0),
        "share_year": fy_label(sc.year),
        "carter_share": percent(sc.carter_share),
        "cash_central_share": percent(A.central_cash_share(settings, sc)),
        "draws": f"{settings.mc_draws:,}",
        "seed": str(settings.mc_seed),
        "realisation": " / ".join(percent(x, 0) for x in settings.realisation),
        "delay": " / ".join(f"{x:g}" for x in settings.benefit_delay_years),
        **optimism_bias_words(settings),
        "cash_central_band": monitor_band_words(A.central_cash_share(settings, sc)),
        "se_max": f"{100 * max(se for _, se in probs.values()):.2f} percentage points",
        # Carter rebased
        "carter_year": fy_label(rates["carter_year"]),
        "ed_then": percent(rates["ed_then"], 0),
        "ed_now": percent(rates["ed_now"], 0),
        "ht_then": percent(rates["hear_treat_then"], 0),
        "ht_now": percent(rates["hear_treat_now"], 0),
        "floor": percent(rates["floor"], 0),
        "floor_org": names([rates["floor_org"]]),
        "headroom": percent(rates["headroom"], 0),
        "carter_price": f"×{price:.3f}",
        "carter_conveyance_now": millions(
            float(sc.base("carter_conveyance", [1.0], [settings.turnover_uplift[1]])[0]), 1
        ),
        "carter_productivity_now": millions(
            float(sc.base("carter_productivity", [1.0], [settings.turnover_uplift[1]])[0]), 1
        ),
        # results
        "npv_median": _range(est["cash"]["pv_total"]),
        "p_npv": odds(probs["npv_positive"][0]),
        "be_sentence": Prose(breakeven_sentence(be, settings.appraisal_years)),
        "centre": millions(cm["centre"]),
        "at_means": millions(cm["at_means"]),
        "mc_median": millions(cm["mc_median"]),
        # cash claim
        "cash_year": _range(est["cash"]["a_year"], " a year"),
        "cash_pv": _range(est["cash"]["pv_total"]),
        "p_cash_year": odds(probs["cash_10m_a_year"][0]),
        "p_cash_total": odds(probs["cash_10m_in_total"][0]),
        "se_cash_year": f"{100 * probs['cash_10m_a_year'][1]:.2f} percentage points",
        # wider claim
        "wider_year": _range(est["wider"]["a_year"], " a year"),
        "wider_pv": _range(est["wider"]["pv_total"]),
        "p_wider_year": odds(probs["wider_80m_a_year"][0]),
        "p_wider_total": odds(probs["wider_80m_in_total"][0]),
        # what £80m means
        "eq_share": percent(eq["share_of_turnover"], 0),
        "eq_incidents": count_label(eq["equivalent_incidents"]),
        "eq_share_inc": percent(eq["equivalent_incidents"] / eq["incidents"], 0),
        "per_incident": f"£{eq['per_incident']:,.0f}",
        "per_incident_how": Prose(per_incident_words(eq, sc.year, settings)),
        "conv_needed": count_label(conv["needed"]["central"]),
        "conv_needed_share": percent(conv["needed_share_of_ed"]["central"], 0),
        "conv_needed_range": f"{percent(conv['needed_share_of_ed']['low'], 0)} to "
        f"{percent(conv['needed_share_of_ed']['high'], 0)}",
        "value_range": " / ".join(f"£{x:,.0f}" for x in settings.value_per_conveyance),
        "value_central": f"£{settings.value_per_conveyance[1]:,.0f}",
        "group_ed": count_label(conv["group_ed"]),
        "group_share_ed": percent(conv["group_share"]),
        "best_org": names([conv["best_org"]]),
        "best_share": percent(conv["best_share"]),
        "avoidable": count_label(conv["avoidable_at_best"]),
        "best_vs_80": "short of £80 million a year" if v["central"] < A.CLAIM_WIDER else "at least £80 million a year",
        "value_at_best": f"{millions(v['central'], 0)} ({millions(v['low'], 0)} to {millions(v['high'], 0)})",
        "undiscounted_cash": millions(float(o["cumulative_cash_savings"].median())),
    }
    return out


# The sensitivity table's column for each money outcome ("share of variance: {this}").
SOBOL_COLUMNS = {
    "annual_cash_savings": "cash a year",
    "npv_cash": "cash, present value",
    "annual_wider": "wider a year",
    "pv_wider": "wider, present value",
}


def sobol_table(indices: pd.DataFrame, quality: dict[str, str], settings: A.Settings) -> pd.DataFrame:
    """The Sobol total indices (SALib) of the four money outcomes, one row per input that explains at least 1% of
    any of them, with its evidence rating: what the verdicts rest on."""
    labels = input_labels(settings)
    wide = indices.pivot(index="input", columns="outcome", values="ST").clip(lower=0)
    wide = wide[(wide >= 0.01).any(axis=1)]
    cols = SOBOL_COLUMNS
    wide = wide.reindex(columns=[c for c in cols if c in wide.columns]).sort_values(wide.columns[0], ascending=False)
    out = pd.DataFrame(
        {"assumption": [labels.get(i, i) for i in wide.index], "evidence": [quality.get(i, "") for i in wide.index]}
    )
    for c in wide.columns:
        out[f"share of variance: {cols[c]}"] = [percent(A.shown_share(v), 0) for v in wide[c]]  # as rests_on reads it
    return out


def seed_table(runs: list[A.Result], settings: A.Settings) -> pd.DataFrame:
    """The two claims' readings under other seeds: each reading's verdict count, and how far its median and
    interval moved (£m), against the run's own."""
    rows = []
    for kind in ("cash", "wider"):
        c = register_claim(CLAIM_IDS[kind])
        for reading in A.READINGS[kind]:
            ests = [A.claim_estimates(r)[kind][reading] for r in runs]
            verdicts = [judge_readings(c.value, {reading: e}, c.wording or "")[reading].verdict for e in ests]
            counts = {v: verdicts.count(v) for v in dict.fromkeys(verdicts)}
            rows.append(
                {
                    "claim": CLAIM_WORDS[kind],
                    "reading": "a year" if reading == "a_year" else "present value",
                    "verdicts over the seeds": "; ".join(f"{v} ({n} of {len(runs)})" for v, n in counts.items()),
                    "median, £m": f"{min(e.central for e in ests) / 1e6:.2f} to {max(e.central for e in ests) / 1e6:.2f}",
                    "95th centile, £m": f"{min(e.high for e in ests) / 1e6:.2f} to {max(e.high for e in ests) / 1e6:.2f}",
                }
            )
    return pd.DataFrame(rows)
