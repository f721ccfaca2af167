"""Chart builders shared by the chapters (the theme and renderer are in `charts`)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .charts import PALETTE, figure
from .orgs import short_name
from .performance import chart_frame
from .standards import standard
from .units import mmss


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
                  units="Minutes. Dashed line: the ARP standard " + ("(" + "; ".join(stds) + ")" if stds else ""),
                  source=source, alt_text=alt_text)
