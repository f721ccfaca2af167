"""Chart builders shared by the chapters (the theme and renderer are in `charts`)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from se_ambulance.publish.charts import PALETTE, figure
from se_ambulance.reference.orgs import short_name
from se_ambulance.analysis.performance import chart_frame
from se_ambulance.reference.standards import standard
from se_ambulance.publish.format import mmss


def response_time_chart(frame: pd.DataFrame, order: list[str]) -> alt.FacetChart:
    """Monthly minutes by organisation, one panel per statistic, the standard as a dashed rule.

    `order` fixes the colours: the focus organisation first, in the book's first colour."""
    base = alt.Chart().encode(x=alt.X("month:T", title="Month"))
    line = base.mark_line().encode(
        y=alt.Y("minutes:Q", title="Minutes"),
        color=alt.Color("organisation:N", title=None, sort=order,
                        scale=alt.Scale(domain=order, range=PALETTE[: len(order)])),
        tooltip=["month:T", "organisation:N", "statistic:N", alt.Tooltip("minutes:Q", format=".1f")],
    )
    rule = alt.Chart().mark_rule(strokeDash=[5, 4], color="#231f20").encode(
        y="mean(standard_minutes):Q")
    return (alt.layer(line, rule, data=frame).properties(width=265, height=230)
            .facet(column=alt.Column("statistic:N", title=None, sort=["Mean", "90th centile"]))
            .resolve_scale(y="independent"))


CATEGORY_NAMES = {"C1": "Category 1 (life-threatening)", "C1T": "Category 1 transported",
                  "C2": "Category 2 (emergency)", "C3": "Category 3 (urgent)", "C4": "Category 4 (less urgent)"}


def response_figure(monthly: pd.DataFrame, category: str, focus: str, source: str):
    """The book's figure for one category: chart, title, units, alt text, CSV."""
    frame = chart_frame(monthly, category)
    stds = [f"{label} {standard(category, s) // 60} min" for s, label in (("mean", "mean"), ("p90", "90th centile"))
            if standard(category, s)]
    focus_rows = monthly[(monthly["org"] == focus) & (monthly["category"] == category)]
    last = focus_rows.sort_values("month").iloc[-1]
    orgs = ", ".join(frame["organisation"].unique())
    alt_text = (f"Line charts of monthly {CATEGORY_NAMES[category]} response times in minutes, "
                f"mean and 90th centile, for {orgs}, from {frame['month'].min()} to {frame['month'].max()}, "
                f"with the national standard as a dashed line ({', '.join(stds) or 'none'}). "
                f"In {last['month']:%B %Y} {short_name(focus)} had a mean of {mmss(last['mean'])} "
                f"and a 90th centile of {mmss(last['p90'])}.")
    order = list(dict.fromkeys(monthly["org_name"]))  # first appearance: the focus trust first
    return figure(response_time_chart(frame, order), name=f"{category.lower()}-{focus.lower()}-monthly",
                  title=f"{CATEGORY_NAMES[category]}: response times by month",
                  units=("Minutes. Dashed line: the ARP standard (" + "; ".join(stds) + ")") if stds
                  else "Minutes. This book charts no national standard for this category",
                  source=source, alt_text=alt_text)


def xmr_chart(chart: pd.DataFrame, y_title: str) -> alt.LayerChart:
    """An XmR chart: the series, each phase's mean and process limits (a break in the lines where the
    limits are re-calculated), special-cause points in orange."""
    data = pd.DataFrame({
        "month": chart.index.strftime("%Y-%m"),
        "phase": (chart["phase"] + 1).to_numpy() if "phase" in chart else 1,
        "value": chart["value"].round(2), "mean": chart["mean"].round(2),
        "upper": chart["upper"].round(2), "lower": chart["lower"].round(2),
        "point": np.where(chart["special"], "special cause", "common cause"),
    })
    x = alt.X("month:T", title="Month")
    line = alt.Chart().mark_line(color="#768692").encode(x=x, y=alt.Y("value:Q", title=y_title))
    points = alt.Chart().mark_circle(size=36, opacity=1).encode(
        x=x, y="value:Q",
        color=alt.Color("point:N", title=None, scale=alt.Scale(domain=["common cause", "special cause"],
                                                                 range=["#768692", "#ED8B00"])),
        tooltip=["month:T", "value:Q", "point:N", "phase:O"])
    centre = alt.Chart().mark_line(color="#231f20").encode(x=x, y="mean:Q", detail="phase:O")
    limits = [alt.Chart().mark_line(color="#231f20", strokeDash=[4, 3]).encode(x=x, y=f"{c}:Q", detail="phase:O")
              for c in ("upper", "lower")]
    return alt.layer(line, centre, *limits, points, data=data).properties(width=600, height=260)


def lines_chart(frame: pd.DataFrame, *, x: str, y: str, color: str, order: list[str], y_title: str,
                x_title: str, x_type: str = "T", band: tuple[str, str] | None = None,
                y_format: str | None = None, x_sort: list[str] | None = None) -> alt.LayerChart:
    """Lines by group, optionally with a shaded interval (e.g. a 95% confidence interval)."""
    x_axis = alt.Axis(format="%Y", tickCount="year") if x_type == "T" else alt.Axis()
    enc_x = alt.X(f"{x}:{x_type}", title=x_title, axis=x_axis, **({"sort": x_sort} if x_sort else {}))
    axis = alt.Axis(format=y_format) if y_format else alt.Axis()
    col = alt.Color(f"{color}:N", title=None, sort=order, scale=alt.Scale(domain=order, range=PALETTE[: len(order)]))
    layers = []
    if band:
        layers.append(alt.Chart().mark_area(opacity=0.18).encode(
            x=enc_x, y=alt.Y(f"{band[0]}:Q", axis=axis, title=y_title), y2=f"{band[1]}:Q", color=col))
    layers.append(alt.Chart().mark_line(point=True).encode(
        x=enc_x, y=alt.Y(f"{y}:Q", title=y_title, axis=axis), color=col,
        tooltip=[f"{x}:{x_type}", f"{color}:N", alt.Tooltip(f"{y}:Q", format=y_format or ".2f")]))
    return alt.layer(*layers, data=frame).properties(width=600, height=260)


def tornado_chart(frame: pd.DataFrame, x_title: str, x_format: str = "%", width: int = 520) -> alt.LayerChart:
    """Bars from each assumption's low to high result; the central result as a vertical rule."""
    y = alt.Y("assumption:N", title=None, sort=list(frame["assumption"]), axis=alt.Axis(labelLimit=320))
    tip = ".1%" if x_format == "%" else x_format
    bars = alt.Chart().mark_bar(color=PALETTE[0], opacity=0.75).encode(
        y=y, x=alt.X("low:Q", title=x_title, axis=alt.Axis(format=x_format)), x2="high:Q",
        tooltip=["assumption:N", alt.Tooltip("low:Q", format=tip), alt.Tooltip("high:Q", format=tip)])
    centre = alt.Chart().mark_rule(color="#231f20", strokeDash=[4, 3]).encode(x="mean(central):Q")
    return alt.layer(bars, centre, data=frame).properties(width=width, height=40 * len(frame))


def histogram_chart(frame: pd.DataFrame, x_title: str, threshold: float, threshold_label: str) -> alt.LayerChart:
    """Shares of Monte Carlo draws by bin (columns from, to, share), with a threshold as a labelled rule."""
    bars = alt.Chart().mark_bar(color=PALETTE[0], opacity=0.8).encode(
        x=alt.X("from:Q", title=x_title, bin="binned"), x2="to:Q",
        y=alt.Y("share:Q", title="Share of draws", axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("from:Q", format=".1f"), alt.Tooltip("to:Q", format=".1f"),
                 alt.Tooltip("share:Q", format=".1%")])
    marks = pd.DataFrame({"x": [threshold], "label": [threshold_label]})
    rule = alt.Chart(marks).mark_rule(color=PALETTE[1], strokeWidth=2).encode(x="x:Q")
    text = alt.Chart(marks).mark_text(align="left", dx=4, dy=-120, color=PALETTE[1]).encode(x="x:Q", text="label:N")
    return alt.layer(bars, rule, text, data=frame).properties(width=600, height=260)


def spc_figure(monthly: pd.DataFrame, category: str, org: str, source: str, breaks=()):
    """(the XmR chart frame, the book figure) for one org's monthly mean in minutes, with limits
    re-calculated at each month in `breaks` (the `performance.spc_breaks` parameter)."""
    from se_ambulance.analysis.spc import xmr

    series = monthly[(monthly["org"] == org) & (monthly["category"] == category)].set_index("month")["mean"] / 60
    chart = xmr(series, breaks)
    name = short_name(org)
    cat = CATEGORY_NAMES[category].split(" (")[0]
    n_phases = int(chart["phase"].nunique())
    phased = (f"Limits are re-calculated at {n_phases - 1} known changes to the system, giving {n_phases} phases"
              if n_phases > 1 else "Limits are computed over the whole period")
    fig = figure(xmr_chart(chart, "Minutes"), name=f"spc-{category.lower()}-{org.lower()}",
                 title=f"{cat} mean response time, {name}: XmR chart",
                 units="Minutes; each phase's process mean (solid) and limits (dashed)", source=source,
                 alt_text=f"XmR chart of the monthly {cat} mean response time for {name} from "
                          f"{series.index.min():%B %Y} to {series.index.max():%B %Y}. {phased}; the latest phase's "
                          f"mean is {mmss(60 * chart['mean'].iloc[-1])}; {int(chart['special'].sum())} of {len(chart)} "
                          "months show special cause variation.")
    return chart, fig


def handover_figure(act: pd.DataFrame, summary: dict, name: str, trust: str, source: str):
    """The trust's monthly mean handover time as a chart, or a sentence saying it reports none.

    `summary` is `activity.handover_summary(act)`; some trusts report no handover times in AmbSYS."""
    from IPython.display import Markdown

    from se_ambulance.publish.tables import minutes_frame

    if not summary["months"]:
        return Markdown(f"{name} reports no handover times in AmbSYS.")
    series = f"{name}, mean handover"
    frame = minutes_frame(act["handover_mean_s"].dropna(), series)
    return figure(lines_chart(frame, x="month", y="minutes", color="series", order=[series],
                              y_title="Minutes", x_title="Month"),
                  name=f"handover-{trust.lower()}", title="Mean hospital handover time",
                  units="Minutes, monthly mean (national expectation: 15 minutes)", source=source,
                  alt_text=f"Line chart of {name}'s monthly mean handover time from {summary['first']:%B %Y} to "
                  f"{summary['latest_month']:%B %Y}; the latest month is {summary['latest_minutes']:.1f} minutes "
                  f"and {summary['share_over_15']:.0%} of months are above 15 minutes.")
