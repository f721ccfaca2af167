"""Chapter 5's charts: the cumulative discounted net cash position, what moves the cash net present value, and the
distribution of yearly cash savings against the £10m claimed. Each function returns the book's figure
(`charts.figure`) from the numbers `analysis.appraisal` returns."""

from __future__ import annotations

import pandas as pd

from se_ambulance.publish.charts import Field, figure
from se_ambulance.publish.figures import Ref, histogram_chart, lines_chart, tornado_chart
from se_ambulance.publish.format import millions
from se_ambulance.publish.tornado_text import tornado_alt_text

MONEY = Field("£ million", "money", 1)


def appraisal_source(data: str) -> str:
    """The appraisal charts' source line in a reader's words (no code names): the book's model, the published trust
    incomes its income range is built from, Carter's opportunity and the activity data (`data`, its source line)."""
    return f"the book's appraisal model; published trust incomes; Carter (2018); {data}"


def cash_position_figure(fan: pd.DataFrame, group_name: str, source: str):
    """`appraisal_text.yearly_chart_frame(appraisal.yearly_frame(result))`: the median and 90% band of the
    cumulative discounted net cash position by year, with break-even (zero) drawn."""
    fan = fan.assign(break_even=0.0)
    order = list(fan["series"].unique())
    chart = lines_chart(
        fan,
        x="year",
        y="median",
        color="series",
        order=order,
        y_title="£ million",
        x_title="Financial year",
        x_type="O",
        band=("low", "high"),
        x_sort=list(fan["year"]),
        value=MONEY,
        x_field=Field("Financial year", "year"),
        focus=order[0],
        points=True,
        zero=False,
        refs=[Ref("break_even", "Break-even", dash=(2, 2))],
    )
    m = fan["median"]
    return figure(
        chart,
        name="appraisal-cash-position",
        title=f"Cumulative discounted net cash position of {group_name}",
        units="£ million, 2025/26 prices; line: median of draws; band: 5th to 95th centile; dotted: break-even",
        source=source,
        alt_text=(
            f"Line chart of the cumulative discounted net cash position from {fan['year'].iloc[0]} to "
            f"{fan['year'].iloc[-1]}: the median falls to {millions(1e6 * m.min())} and ends at "
            f"{millions(1e6 * m.iloc[-1])}; the 90% band ends between {millions(1e6 * fan['low'].iloc[-1])} "
            f"and {millions(1e6 * fan['high'].iloc[-1])}."
        ),
        fields={
            "year": Field("Financial year", "year"),
            "series": Field("Series"),
            "median": MONEY,
            "low": Field("5th centile", "money", 1),
            "high": Field("95th centile", "money", 1),
            "break_even": MONEY,
        },
    )


def npv_tornado_figure(tor: pd.DataFrame, source: str):
    """`appraisal_text.tornado_table(appraisal.tornado(settings, scale), settings)`: the cash net present value with
    each input at its low and high value."""
    chart = tornado_chart(tor, "Cash net present value (£\u00a0million)", value=MONEY, x_format=",.0f")
    return figure(
        chart,
        name="appraisal-tornado",
        title="What moves the cash net present value most",
        units="£ million; bars: each input from its low to its high value; dashed line: every input at its "
        "most likely value",
        source=source,
        alt_text=tornado_alt_text(tor, "the cash net present value", lambda v: millions(1e6 * v)),
        fields={
            "assumption": Field("Input"),
            "low": Field("At its low value", "money", 2),
            "high": Field("At its high value", "money", 2),
            "central": Field("Central", "money", 2),
        },
    )


def cash_savings_figure(
    hist: pd.DataFrame, draws: int, years: int, median_words: str, chance_words: str, source: str, threshold: float = 10
):
    """`appraisal.histogram_frame(outcomes["annual_cash_savings"])`: yearly cash savings in the final year across the
    Monte Carlo draws, with the claimed £10m a year; `median_words` and `chance_words` are the chapter's own
    (`appraisal_text.chapter_text`: `cash_year`, `p_cash_year`)."""
    label = f"Claimed: £{threshold:g}m a year"
    chart = histogram_chart(hist, "Cash savings in the final year (£\u00a0million a\u00a0year)", threshold, label)
    return figure(
        chart,
        name="appraisal-cash-savings",
        title="Yearly cash savings once the plan is in place",
        units=f"Share of {draws:,} draws; savings in year {years}, net of running the group; dark red: the "
        f"£{threshold:g}m a year claimed",
        source=source,
        alt_text=(
            f"Histogram of yearly cash savings in year {years}: median {median_words}; the chance of "
            f"reaching £{threshold:g} million a year is {chance_words}."
        ),
        fields={
            "from": Field("From (£m a year)", "money", 2),
            "to": Field("To (£m a year)", "money", 2),
            "share": Field("Share of draws", "percent", 2),
        },
    )
