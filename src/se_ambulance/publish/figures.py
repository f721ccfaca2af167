"""Chart builders shared by the chapters, and the figures of chapters 1–3 (response times, signals, before ARP,
outcomes). The theme, fields and renderer are in `charts`; each `*_figure` function returns the book's figure
(chart, title, units, source, alt text, CSV) from the numbers it draws, so a chapter calls one function per chart.

Every line a chapter's text compares with is drawn from a column of the chart's own data (so the CSV holds it):
the ARP standards, the interim Category 2 aim, the case's claimed figures, the 75% target before ARP, the
15-minute handover expectation. The focus organisation is drawn last, dark and thick; the others lighter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from se_ambulance.analysis.metrics import financial_year
from se_ambulance.analysis.performance import chart_frame
from se_ambulance.publish.charts import (
    CLAIM_COLOUR,
    REFERENCE_COLOUR,
    SERIES_COLOURS,
    Field,
    Key,
    Pivot,
    field_ref,
    figure,
    focus_lines,
    folded,
    month_x,
    nearest_values,
    reference_line,
)
from se_ambulance.publish.format import fy_label, mmss, month_label, percent
from se_ambulance.reference.orgs import short_name
from se_ambulance.reference.standards import (
    HANDOVER_EXPECTED_MINUTES,
    INTERIM_C2_MEAN,
    INTERIM_C2_YEARS,
    PRE_ARP_TARGET,
    standard,
)

MONTH = Field("Month", "month")
BAR_COLOUR = "#425563"  # a single-series bar chart: no organisation's colour
MINUTES = Field("Minutes", "mmss")


@dataclass(frozen=True)
class Ref:
    """A reference line drawn from a column of a chart's data: where the column has a value, the line runs. It is
    named in the chart's key by `label`, drawn in `colour` with `dash`."""

    column: str
    label: str
    colour: str = REFERENCE_COLOUR
    dash: tuple[int, ...] = (6, 4)


def _x(x: str, x_type: str, title: str, sort: list[str] | None = None) -> alt.X:
    if x_type == "T":
        return month_x(x, title)
    return alt.X(
        f"{field_ref(x)}:{x_type}",
        title=title,
        sort=sort or "ascending",
        axis=alt.Axis(labelAngle=0, labelOverlap="greedy"),
    )


def _refs(
    x: alt.X, series: str, refs: Sequence[Ref], key: Key, where: str | None = None, per: float = 1
) -> list[alt.Chart]:
    return [reference_line(x, r.column, r.label, series, key, where=where, per=per) for r in refs]


def ref_key(
    order: Sequence[str], focus: str | None, refs: Sequence[Ref], dashes: dict[str, Sequence[int]] | None = None
) -> Key:
    return Key.of(order, focus, dashes, [(r.label, r.colour, r.dash) for r in refs])


def lines_chart(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str,
    order: list[str],
    y_title: str,
    x_title: str,
    x_type: str = "T",
    band: tuple[str, str] | None = None,
    value: Field = Field("Value", "number", 2),
    x_field: Field | None = None,
    y_format: str | None = None,
    x_sort: list[str] | None = None,
    focus: str | None = None,
    refs: Sequence[Ref] = (),
    points: bool = False,
    zero: bool = True,
    dashes: dict[str, Sequence[int]] | None = None,
) -> alt.LayerChart:
    """Lines by group (`focus` on top, the others lighter; `dashes` by group), optionally with a shaded interval
    (e.g. a 95% confidence interval), reference lines from columns of `frame` (`refs`, named in the key), and a
    tooltip that shows every group's value at the x nearest the pointer."""
    enc_x = _x(x, x_type, x_title, x_sort)
    axis = alt.Axis(format=y_format) if y_format else alt.Axis()
    y_enc = alt.Y(f"{field_ref(y)}:Q", title=y_title, axis=axis, scale=alt.Scale(zero=zero))
    key = ref_key(order, focus, refs, dashes)
    layers: list[alt.Chart] = []
    if band:
        layers.append(
            alt.Chart()
            .mark_area(opacity=0.15)
            .encode(
                x=enc_x,
                y=alt.Y(f"{field_ref(band[0])}:Q", axis=axis, title=y_title),
                y2=f"{field_ref(band[1])}:Q",
                color=key.color(field_ref(color)),
            )
        )
    layers += focus_lines(
        alt.Chart().encode(x=enc_x, y=y_enc),
        field_ref(color),
        focus,
        order,
        key,
        **({"point": {"size": 28}} if points else {}),
    )
    layers += _refs(enc_x, field_ref(color), refs, key)
    x_field = x_field or (MONTH if x_type == "T" else Field(x_title, "text"))
    layers += nearest_values(enc_x, x, x_field, color, order, y, value)
    return alt.layer(*layers, data=frame).properties(width=600, height=280)


def xmr_chart(chart: pd.DataFrame, y_title: str) -> alt.LayerChart:
    """An XmR chart: the series, each phase's mean and process limits (a break in the lines where the limits are
    re-calculated), special-cause points in blue; pointing anywhere shows that month's value and limits."""
    data = pd.DataFrame(
        {
            "month": chart.index.strftime("%Y-%m"),
            "phase": (chart["phase"] + 1).to_numpy() if "phase" in chart else 1,
            "value": chart["value"].round(2),
            "mean": chart["mean"].round(2),
            "upper": chart["upper"].round(2),
            "lower": chart["lower"].round(2),
            "point": np.where(chart["special"], "special cause", "common cause"),
        }
    )
    x = month_x()
    line = alt.Chart().mark_line(color="#768692").encode(x=x, y=alt.Y("value:Q", title=y_title))
    points = (
        alt.Chart()
        .mark_circle(size=36, opacity=1)
        .encode(
            x=x,
            y="value:Q",
            color=alt.Color(
                "point:N",
                title=None,
                scale=alt.Scale(
                    domain=["common cause", "special cause"],
                    range=[SERIES_COLOURS["common cause"], SERIES_COLOURS["special cause"]],
                ),
            ),
        )
    )
    centre = alt.Chart().mark_line(color="#231f20").encode(x=x, y="mean:Q", detail="phase:O")
    limits = [
        alt.Chart().mark_line(color="#231f20", strokeDash=[4, 3]).encode(x=x, y=f"{c}:Q", detail="phase:O")
        for c in ("upper", "lower")
    ]
    hover = alt.selection_point(
        name="hover", fields=["month"], nearest=True, on="pointerover", clear="pointerout", empty=False
    )
    guide = (
        alt.Chart()
        .mark_rule(color="#425563")
        .encode(
            x=x,
            opacity=alt.condition(hover, alt.value(0.6), alt.value(0)),
            tooltip=[
                MONTH.tooltip("month"),
                MINUTES.tooltip("value", title="Mean response time"),
                MINUTES.tooltip("mean", title="Process mean"),
                MINUTES.tooltip("upper", title="Upper limit"),
                MINUTES.tooltip("lower", title="Lower limit"),
                Field("Variation").tooltip("point"),
            ],
        )
        .add_params(hover)
    )
    return alt.layer(line, centre, *limits, points, guide, data=data).properties(width=600, height=280)


def tornado_chart(
    frame: pd.DataFrame, x_title: str, value: Field = Field("Value", "percent", 1), x_format: str = "%"
) -> alt.LayerChart:
    """Bars from each assumption's low to high result; the central result as a vertical rule."""
    # Long names wrap onto several lines (the page's script): rows tall enough for three.
    y = alt.Y("assumption:N", title=None, sort=list(frame["assumption"]))
    row = 44 if frame["assumption"].str.len().max() <= 30 else 56
    bars = (
        alt.Chart()
        .mark_bar(color=BAR_COLOUR, opacity=0.75)
        .encode(
            y=y,
            x=alt.X("low:Q", title=x_title, axis=alt.Axis(format=x_format)),
            x2="high:Q",
            tooltip=[
                Field("Assumption").tooltip("assumption"),
                value.tooltip("low", title="At its low value"),
                value.tooltip("high", title="At its high value"),
                value.tooltip("central", title="Every input at its most likely value"),
            ],
        )
    )
    centre = alt.Chart().mark_rule(color="#231f20", strokeDash=[4, 3]).encode(x="mean(central):Q")
    return alt.layer(bars, centre, data=frame).properties(width=520, height=row * len(frame))


def histogram_chart(frame: pd.DataFrame, x_title: str, threshold: float, threshold_label: str) -> alt.LayerChart:
    """Shares of Monte Carlo draws by bin (columns from, to, share), with a threshold as a labelled rule."""
    money = Field("£ million a year", "money", 1)
    bars = (
        alt.Chart()
        .mark_bar(color=BAR_COLOUR, opacity=0.8)
        .encode(
            x=alt.X("from:Q", title=x_title, bin="binned"),
            x2="to:Q",
            y=alt.Y("share:Q", title="Share of draws", axis=alt.Axis(format="%")),
            tooltip=[
                money.tooltip("from", title="From"),
                money.tooltip("to", title="To"),
                Field("Share of draws", "percent", 1).tooltip("share"),
            ],
        )
    )
    marks = pd.DataFrame({"x": [threshold], "label": [threshold_label]})
    rule = alt.Chart(marks).mark_rule(color=CLAIM_COLOUR, strokeWidth=2).encode(x="x:Q")
    # Left of the rule: the claimed figure sits in the right tail, where a label to its right would leave the chart.
    text = (
        alt.Chart(marks)
        .mark_text(align="right", baseline="top", dx=-4, y=4, color=CLAIM_COLOUR, fontWeight="bold")
        .encode(x="x:Q", text="label:N")
    )
    return alt.layer(bars, rule, text, data=frame).properties(width=600, height=280)


# --- chapter 1: response times ----------------------------------------------------------------------------------

CATEGORY_NAMES = {
    "C1": "Category 1 (life-threatening)",
    "C1T": "Category 1 transported",
    "C2": "Category 2 (emergency)",
    "C3": "Category 3 (urgent)",
    "C4": "Category 4 (less urgent)",
}
# The case's claimed mean response time for the claim year, by category (claim ids in book/claims.yaml).
CLAIMED_MEANS = {"C1": "c1-mean-2024-25", "C2": "c2-mean-2024-25"}
INTERIM_LABEL = "Interim aim: 30:00"


def chart_label(name: str) -> str:
    """An organisation as a chart's legend names it: a trust by its usual short form ('South East Coast (SECAmb)'
    -> 'SECAmb'); England and a pooled group as they are."""
    m = re.fullmatch(r".+ \(([^()]+)\)", name)
    return m.group(1) if m and m.group(1) != "pooled" else name


def response_frame(monthly: pd.DataFrame, category: str, focus: str, claim_year: int | None) -> pd.DataFrame:
    """One row per month and statistic, one column of minutes per organisation (its short name, the focus first),
    and the lines the text compares with: `standard_minutes` (the ARP standard), `interim_aim_minutes`
    (Category 2's 30-minute mean in the years it applied) and `claimed_minutes` (the case's figure over the claim
    year's months); a reference column is left out where it has no value."""
    from se_ambulance.claims.register import claim

    long = chart_frame(monthly, category)
    names = [chart_label(n) for n in dict.fromkeys(monthly["org_name"])]
    long["organisation"] = long["organisation"].map(chart_label)
    frame = (
        long.pivot_table(
            index=["month", "statistic"], columns="organisation", values="minutes", aggfunc="first", sort=False
        )
        .reindex(columns=names)
        .reset_index()
    )
    frame.columns.name = None
    standards = long.drop_duplicates(["month", "statistic"]).set_index(["month", "statistic"])["standard_minutes"]
    frame["standard_minutes"] = pd.to_numeric(
        standards.reindex(pd.MultiIndex.from_frame(frame[["month", "statistic"]])).to_numpy(), errors="coerce"
    )
    mean = frame["statistic"] == "Mean"
    fy = financial_year(frame["month"])
    frame["interim_aim_minutes"] = np.where(
        mean & fy.isin(INTERIM_C2_YEARS) & (category == "C2"), INTERIM_C2_MEAN / 60, np.nan
    )
    claimed = claim(CLAIMED_MEANS[category]).value if category in CLAIMED_MEANS and claim_year is not None else None
    frame["claimed_minutes"] = (
        np.where(mean & (fy == claim_year), round(claimed / 60, 2), np.nan) if claimed is not None else np.nan
    )
    statistic_order = {"Mean": 0, "90th centile": 1}
    frame = frame.sort_values(
        ["statistic", "month"], key=lambda c: c.map(statistic_order) if c.name == "statistic" else c, kind="stable"
    ).reset_index(drop=True)
    return frame.drop(columns=[c for c in REFERENCE_COLUMNS if frame[c].isna().all()])


REFERENCE_COLUMNS = ("standard_minutes", "interim_aim_minutes", "claimed_minutes")


def in_hours(category: str) -> bool:
    """Whether a category's chart reads in hours: its 90th-centile standard is two hours or more (Categories 3 and 4),
    so its times run to many hours, which the text writes as '5 h 07 min'; an axis in minutes up to 800 would not
    read as that."""
    return (standard(category, "p90") or 0) >= 2 * 3600


def response_time_chart(
    frame: pd.DataFrame, order: list[str], focus: str | None = None, claim_label: str | None = None, hours: bool = False
) -> alt.FacetChart:
    """Monthly minutes by organisation (`response_frame`: a column each), one panel per statistic (stacked on a
    narrow screen), with the standard, the interim aim and the claimed figure where `frame` has them. `hours`: the
    y axis in hours (the data, the CSV and the tooltips stay in minutes, written as the book writes times).

    `order` fixes the colours and the legend; `focus` is drawn last, dark and thick."""
    x = month_x()
    per = 60 if hours else 1
    base = folded(order, "organisation", "minutes")
    if hours:
        base = base.transform_calculate(hours="datum.minutes / 60").encode(x=x, y=alt.Y("hours:Q", title="Hours"))
    else:
        base = base.encode(x=x, y=alt.Y("minutes:Q", title="Minutes"))
    refs = []
    if "standard_minutes" in frame:
        refs.append(Ref("standard_minutes", "ARP standard"))
    if "interim_aim_minutes" in frame:
        refs.append(Ref("interim_aim_minutes", INTERIM_LABEL, dash=(2, 2)))
    if claim_label and "claimed_minutes" in frame:
        refs.append(Ref("claimed_minutes", claim_label, colour=CLAIM_COLOUR, dash=(1, 0)))
    key = ref_key(order, focus, refs)
    layers = focus_lines(base, "organisation", focus, order, key)
    layers += _refs(x, "organisation", refs, key, per=per)
    layers += nearest_values(
        x, "month", MONTH, "organisation", order, "minutes", MINUTES, groupby=["statistic"], wide=True, per=per
    )
    return (
        alt.layer(*layers, data=frame)
        .properties(width=290, height=250)
        .facet(facet=alt.Facet("statistic:N", title=None, sort=["Mean", "90th centile"]), columns=2)
        .resolve_scale(y="independent")
    )


def _duration(seconds: int, hours: bool) -> str:
    """A standard as a chart's subtitle says it: '18 minutes'; on a chart in hours, '2 hours'."""
    if hours and seconds % 3600 == 0:
        n = seconds // 3600
        return f"{n} hour{'s' if n != 1 else ''}"
    return f"{seconds // 60} minutes"


def response_figure(monthly: pd.DataFrame, category: str, focus: str, source: str, claim_year: int | None = None):
    """The book's figure for one category: monthly mean and 90th centile by organisation, the ARP standard, the
    interim Category 2 aim, and the case's claimed mean for `claim_year` (the `performance.claim_year` parameter)."""
    from se_ambulance.claims.register import claim

    frame = response_frame(monthly, category, focus, claim_year)
    hours = in_hours(category)
    stds = [
        f"{label} {_duration(minutes, hours)}"
        for s, label in (("mean", "mean"), ("p90", "90th centile"))
        if (minutes := standard(category, s))
    ]
    focus_rows = monthly[(monthly["org"] == focus) & (monthly["category"] == category)]
    last = focus_rows.sort_values("month").iloc[-1]
    names = list(dict.fromkeys(monthly["org_name"]))  # first appearance: the focus trust first
    order = [chart_label(n) for n in names]
    focus_name = order[0]
    claimed = frame["claimed_minutes"].dropna() if "claimed_minutes" in frame else pd.Series(dtype=float)
    claim_label = (
        f"The case: {mmss(60 * claimed.iloc[0])} in {fy_label(claim_year)}"
        if len(claimed) and claim_year is not None
        else None
    )
    lines = [f"the national standard as a dashed line ({', '.join(stds)})" if stds else "no national standard"]
    if "interim_aim_minutes" in frame:
        years = sorted(set(financial_year(frame.loc[frame["interim_aim_minutes"].notna(), "month"])))
        lines.append(
            f"the 30-minute interim aim for the mean as a dotted line from {fy_label(years[0])} to "
            f"{fy_label(years[-1])}"
        )
    if claim_label and claim_year is not None:
        c = claim(CLAIMED_MEANS[category])
        lines.append(
            f"the mean the case quoted for {fy_label(claim_year)}, {mmss(c.figure)}, as a solid dark red line "
            "across that year"
        )
    alt_text = (
        f"Line charts of monthly {CATEGORY_NAMES[category]} response times in {'hours' if hours else 'minutes'}"
        ", mean and 90th centile, "
        f"for {', '.join(names)}, from {month_label(frame['month'].min())} to "
        f"{month_label(frame['month'].max())}, with {'; '.join(lines)}. {names[0]} is the thick dark blue line. "
        f"In {last['month']:%B %Y} {short_name(focus)} had a mean of {mmss(last['mean'])} and a 90th centile of "
        f"{mmss(last['p90'])}."
    )
    unit = "Hours" if hours else "Minutes"
    units = (
        f"{unit}. Dashed: the ARP standard (" + "; ".join(stds) + ")"
        if stds
        else f"{unit}. This book charts no national standard for this category"
    )
    if "interim_aim_minutes" in frame:
        units += "; dotted: the 30-minute interim aim for the mean"
    if claim_label and claim_year is not None:
        units += f"; solid dark red: the case's figure for {fy_label(claim_year)}"
    fields = (
        {"month": MONTH, "statistic": Field("Statistic")}
        | {n: Field(n, "mmss") for n in order}
        | {
            "standard_minutes": Field("ARP standard", "mmss"),
            "interim_aim_minutes": Field("Interim aim", "mmss"),
            "claimed_minutes": Field("The case's figure", "mmss"),
        }
    )
    return figure(
        response_time_chart(frame, order, focus_name, claim_label, hours=hours),
        name=f"{category.lower()}-{focus.lower()}-monthly",
        title=f"{CATEGORY_NAMES[category]}: response times by month",
        units=units,
        source=source,
        alt_text=alt_text,
        fields={k: f for k, f in fields.items() if k in frame},
    )


# --- chapter 2: signals, seasons, handover -----------------------------------------------------------------------


def spc_figure(monthly: pd.DataFrame, category: str, org: str, source: str, breaks=()):
    """(the XmR chart frame, the book figure) for one org's monthly mean in minutes, with limits
    re-calculated at each month in `breaks` (the `performance.spc_breaks` parameter)."""
    from se_ambulance.analysis.spc import xmr

    series = monthly[(monthly["org"] == org) & (monthly["category"] == category)].set_index("month")["mean"] / 60
    chart = xmr(series, breaks)
    name = short_name(org)
    cat = CATEGORY_NAMES[category].split(" (")[0]
    n_phases = int(chart["phase"].nunique())
    phased = (
        f"Limits are re-calculated at {n_phases - 1} known changes to the system, giving {n_phases} phases"
        if n_phases > 1
        else "Limits are computed over the whole period"
    )
    fig = figure(
        xmr_chart(chart, "Minutes"),
        name=f"spc-{category.lower()}-{org.lower()}",
        title=f"{cat} mean response time, {name}: XmR chart",
        units="Minutes; each phase's process mean (solid) and limits (dashed); blue dots: special cause",
        source=source,
        alt_text=f"XmR chart of the monthly {cat} mean response time for {name} from "
        f"{series.index.min():%B %Y} to {series.index.max():%B %Y}. {phased}; the latest phase's "
        f"mean is {mmss(60 * chart['mean'].iloc[-1])}; {int(chart['special'].sum())} of {len(chart)} "
        "months show special cause variation.",
        fields={
            "month": MONTH,
            "value": Field("Mean response time", "mmss"),
            "mean": Field("Process mean", "mmss"),
            "upper": Field("Upper limit", "mmss"),
            "lower": Field("Lower limit", "mmss"),
            "point": Field("Variation"),
            "phase": Field("Phase", "number", 0),
        },
    )
    return chart, fig


def season_figure(profile: pd.DataFrame, years: Sequence[int], trust: str, source: str, winter_words: str):
    """Category 2 mean by calendar month, pooled over complete financial years (`activity.seasonal_profile`);
    `winter_words` is the chapter's judgement of the winter months (`tables.winter_words`)."""
    from se_ambulance.publish.tables import minutes_frame

    name = short_name(trust)
    series = f"{name}, Category 2 mean"
    frame = minutes_frame(profile["mean"], series, x="calendar month").assign(years=profile["years"].to_numpy())
    frame = frame[["calendar month", "minutes", "series", "years"]]
    chart = lines_chart(
        frame,
        x="calendar month",
        y="minutes",
        color="series",
        order=[series],
        y_title="Minutes",
        x_title="Calendar month",
        x_type="O",
        x_sort=list(frame["calendar month"]),
        value=MINUTES,
        x_field=Field("Calendar month"),
        focus=series,
        points=True,
    )
    return figure(
        chart,
        name=f"season-c2-{trust.lower()}",
        title="Category 2 mean by calendar month",
        units=f"Minutes, incident-weighted over the financial years {', '.join(fy_label(y) for y in years)}",
        source=source,
        alt_text=f"Line chart of {name}'s Category 2 mean response time by calendar month, pooled over "
        f"{len(years)} complete financial years. December to February were {winter_words} than the "
        "other months.",
        fields={
            "calendar month": Field("Calendar month"),
            "minutes": Field("Category 2 mean", "mmss"),
            "series": Field("Series"),
            "years": Field("Years pooled", "number", 0),
        },
    )


def handover_figure(act: pd.DataFrame, summary: dict, name: str, trust: str, source: str):
    """The trust's monthly mean handover time with the 15-minute expectation, or a sentence saying it reports none.

    `summary` is `activity.handover_summary(act)`; some trusts report no handover times in AmbSYS."""
    from IPython.display import Markdown

    from se_ambulance.publish.tables import minutes_frame

    if not summary["months"]:
        return Markdown(f"{name} reports no handover times in AmbSYS.")
    series = f"{name}, mean handover"
    frame = minutes_frame(act["handover_mean_s"].dropna(), series).assign(expected_minutes=HANDOVER_EXPECTED_MINUTES)
    expected = f"Expected: {HANDOVER_EXPECTED_MINUTES} minutes"
    chart = lines_chart(
        frame,
        x="month",
        y="minutes",
        color="series",
        order=[series],
        y_title="Minutes",
        x_title="Month",
        value=MINUTES,
        focus=series,
        points=True,
        refs=[Ref("expected_minutes", expected)],
    )
    return figure(
        chart,
        name=f"handover-{trust.lower()}",
        title="Mean hospital handover time",
        units=f"Minutes, monthly mean; dashed: the national expectation of {HANDOVER_EXPECTED_MINUTES} minutes",
        source=source,
        alt_text=f"Line chart of {name}'s monthly mean handover time from {summary['first']:%B %Y} to "
        f"{summary['latest_month']:%B %Y}, with the {HANDOVER_EXPECTED_MINUTES}-minute expectation as a dashed "
        f"line; the latest month is {summary['latest_minutes']:.1f} minutes and "
        f"{summary['share_over_15']:.0%} of months are above {HANDOVER_EXPECTED_MINUTES} minutes.",
        fields={
            "month": MONTH,
            "minutes": Field("Mean handover time", "mmss"),
            "series": Field("Series"),
            "expected_minutes": Field("Expected", "mmss"),
        },
    )


# --- chapter 3: before ARP, outcomes ------------------------------------------------------------------------------

SHARE = Field("Share within 8 minutes", "percent", 1)


def _with_target(frame: pd.DataFrame) -> pd.DataFrame:
    """The 75% target on one row a month (so the line spans every month the chart draws, once)."""
    first = ~frame["month"].duplicated()
    return frame.assign(target=np.where(first, PRE_ARP_TARGET, np.nan))


def pre_arp_england_figure(frame: pd.DataFrame, red1: dict, source: str):
    """England's Category A, Red 1 and Red 2 shares within 8 minutes (`before_arp.within_8_minutes`) with the 75%
    standard; `red1` is `before_arp.months_meeting_target(pre, "England", "Red 1")`."""
    frame = _with_target(frame)
    order = list(dict.fromkeys(frame["series"]))
    # All three are England's (England's colour), told apart by their dashes.
    dashes: dict[str, Sequence[int]] = {
        s: (5, 3) if s.endswith("Red 1") else (2, 2) if s.endswith("Red 2") else (1, 0) for s in order
    }
    chart = lines_chart(
        frame,
        x="month",
        y="share",
        color="series",
        order=order,
        y_title="Share within 8 minutes",
        x_title="Month",
        y_format="%",
        value=SHARE,
        refs=[Ref("target", f"Standard: {percent(PRE_ARP_TARGET, 0)}", dash=(8, 4))],
        dashes=dashes,
    )
    return figure(
        chart,
        name="pre-arp-england",
        title="Most urgent calls reached within 8 minutes, England",
        units=f"Share of calls, monthly; black dashed: the {percent(PRE_ARP_TARGET, 0)} standard",
        source=source,
        alt_text=f"Line chart of the share of Category A, Red 1 and Red 2 calls in England reached within 8 "
        f"minutes, {month_label(frame['month'].min())} to {month_label(frame['month'].max())}, with the "
        f"{percent(PRE_ARP_TARGET, 0)} standard as a dashed line. Over the comparable period, "
        f"{red1['first']:%B %Y} to {red1['last']:%B %Y}, Red 1 met the standard in {red1['met']} of "
        f"{red1['months']} months.",
        fields={"month": MONTH, "series": Field("Series"), "share": SHARE, "target": Field("Standard", "percent", 0)},
        table=Pivot("month", ("series",), "share"),
    )


def pre_arp_regions_figure(frame: pd.DataFrame, source: str):
    """Category A shares within 8 minutes by NHS region (`before_arp.within_8_minutes`) with the 75% standard."""
    # Each region by its name alone (the title says Category A), so the key fits a phone.
    frame = _with_target(frame.assign(series=frame["series"].str.split(":").str[0].str.strip()))
    order = list(dict.fromkeys(frame["series"]))
    regions = [s.replace("&", "and") for s in order]
    met = frame.groupby("series")["share"].apply(lambda s: int((s >= PRE_ARP_TARGET).sum()))
    counts = frame.groupby("series")["share"].size()
    chart = lines_chart(
        frame,
        x="month",
        y="share",
        color="series",
        order=order,
        y_title="Share within 8 minutes",
        x_title="Month",
        y_format="%",
        value=SHARE,
        refs=[Ref("target", f"Standard: {percent(PRE_ARP_TARGET, 0)}")],
    )
    return figure(
        chart,
        name="pre-arp-regions",
        title="Category A calls reached within 8 minutes, by region",
        units=f"Share of calls, monthly; dashed: the {percent(PRE_ARP_TARGET, 0)} standard",
        source=source,
        alt_text=f"Line chart of the share of Category A calls reached within 8 minutes in "
        f"{', '.join(regions[:-1])} and {regions[-1]}, {month_label(frame['month'].min())} to "
        f"{month_label(frame['month'].max())}, with the {percent(PRE_ARP_TARGET, 0)} standard as a dashed line. "
        + "; ".join(f"{r} met it in {met[s]} of {counts[s]} months" for r, s in zip(regions, order))
        + ".",
        fields={"month": MONTH, "series": Field("Region"), "share": SHARE, "target": Field("Standard", "percent", 0)},
        table=Pivot("month", ("series",), "share"),
    )


def survival_figure(frame: pd.DataFrame, order: list[str], trust: str, source: str):
    """Survival to discharge after cardiac arrest by financial year (`tables.survival_chart_frame`), with 95%
    confidence intervals; `order` lists the organisations drawn, the focus trust first."""
    rate = Field("Survival to discharge", "percent", 1)
    chart = lines_chart(
        frame,
        x="year",
        y="rate",
        color="organisation",
        order=order,
        y_title="Survival to discharge",
        x_title="Financial year",
        x_type="O",
        band=("ci_low", "ci_high"),
        y_format="%",
        value=rate,
        x_field=Field("Financial year", "year"),
        focus=order[0],
        points=True,
    )
    latest = frame[frame["year"] == frame["year"].max()].set_index("organisation")
    said = "; ".join(f"{o} {percent(latest.loc[o, 'rate'])}" for o in order if o in latest.index)
    return figure(
        chart,
        name=f"survival-{trust.lower()}",
        title="Survival to hospital discharge after all cardiac arrests",
        units="Share of patients in whom resuscitation was attempted; shaded: 95% confidence interval",
        source=source,
        alt_text="Line chart with confidence bands of the yearly share of cardiac arrest patients surviving to "
        f"discharge for {', '.join(order)}, {frame['year'].min()} to {frame['year'].max()}. In "
        f"{frame['year'].max()}: {said}.",
        fields={
            "year": Field("Financial year", "year"),
            "organisation": Field("Organisation"),
            "rate": rate,
            "ci_low": Field("95% interval from", "percent", 1),
            "ci_high": Field("95% interval to", "percent", 1),
            "numerator": Field("Survived", "number", 0),
            "denominator": Field("Resuscitation attempted", "number", 0),
        },
    )
