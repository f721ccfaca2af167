"""Chapter 4's charts (the maps are in `maps`): how each use-rate assumption moves demographic growth, the
incident forecast, and the projected incidents under three scenarios with the case's "over 20 per cent in the next
decade" drawn on them. Each function returns the book's figure (`charts.figure`)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from se_ambulance.analysis.demand import TREND_ALPHA
from se_ambulance.analysis.forecast import MONTHLY_ALPHA
from se_ambulance.publish.charts import CLAIM_COLOUR, Field, Key, Pivot, figure, nearest_values, reference_line
from se_ambulance.publish.figures import MONTH, lines_chart, tornado_chart
from se_ambulance.publish.format import fy_label, month_label, percent
from se_ambulance.publish.tornado_text import tornado_alt_text

INCIDENTS = Field("Incidents", "number", 0)
DECADE = 10  # the claim's "next decade"
SCENARIOS = ["Trend only", "Demography only", "Blended"]
# Each scenario told apart by its colour and its dash; Blended, the middle way, is drawn first, wide and pale, so the
# two it blends stay visible on top of it where they run close.
SCENARIO_DASHES = {"Trend only": (6, 3), "Demography only": (2, 2), "Blended": (1, 0)}
CLAIM_DASH = (12, 3, 2, 3)
# The forecasting methods (`analysis.forecast.MODELS`) as a chart's key names them.
FORECAST_NAMES = {
    "sarima": "Statistical forecast (SARIMA)",
    "ets": "Statistical forecast (ETS)",
    "seasonal_naive": "Forecast: same month last year",
    "drift": "Forecast: last year's trend carried on",
}


def interval_level(alpha: float) -> str:
    """A prediction interval's level in words: 0.05 -> '95%'."""
    return f"{round(100 * (1 - alpha))}%"


MONTHLY_LEVEL, TREND_LEVEL = interval_level(MONTHLY_ALPHA), interval_level(TREND_ALPHA)


def demand_tornado_figure(frame: pd.DataFrame, base: int, horizon: int, area_label: str, area: str, source: str):
    """`tables.rate_tornado_frame(demography.tornado(...))`: demographic growth with each rate at its low and high."""
    growth = Field("Demand growth", "percent", 1)
    return figure(
        tornado_chart(frame, f"Demand growth {base}–{horizon}", value=growth),
        name=f"tornado-{area.lower()}",
        title="How much each rate assumption moves demographic growth",
        units=f"Growth in demand {base} to {horizon}, each rate at its low and high value; dashed: central",
        source=source,
        alt_text=tornado_alt_text(frame, f"demographic demand growth for {area_label}", percent),
        fields={"assumption": Field("Assumption"), "low": growth, "high": growth, "central": growth},
    )


def forecast_figure(hist: pd.Series, frame: pd.DataFrame, model: str, area_label: str, area: str, source: str):
    """Monthly incidents since `hist` starts and the chosen model's two-year forecast with its prediction interval
    (`frame`: `forecast.forecast_frame(hist, {model: forecast})`)."""
    name = FORECAST_NAMES.get(model, f"{model.upper()} forecast")
    frame = frame.assign(series=frame["series"].replace({f"{model.upper()} forecast": name}))
    order = ["Actual", name]
    chart = lines_chart(
        frame,
        x="month",
        y="incidents",
        color="series",
        order=order,
        y_title="Incidents a month",
        x_title="Month",
        band=("lower", "upper"),
        value=INCIDENTS,
        focus="Actual",
        zero=False,
    )
    last = frame[frame["series"] == order[1]].iloc[-1]
    other = (
        ""
        if MONTHLY_LEVEL == TREND_LEVEL
        else f" (the trend projection below uses {TREND_LEVEL}, the level of the book's claims rule)"
    )
    return figure(
        chart,
        name=f"forecast-{area.lower()}",
        title=f"Monthly incidents and two-year forecasts, {area_label}",
        units=f"Incidents a month; shaded: the forecast's {MONTHLY_LEVEL} prediction interval{other}",
        source=source,
        alt_text=f"Line chart of monthly incidents for {area_label} from {hist.index.min():%B %Y} to "
        f"{hist.index.max():%B %Y} with the {model.replace('_', ' ')} forecast to {month_label(last['month'])} "
        f"and its {MONTHLY_LEVEL} prediction interval; the forecast for {month_label(last['month'])} is "
        f"{last['incidents']:,.0f} incidents.",
        fields={
            "month": MONTH,
            "series": Field("Series"),
            "incidents": INCIDENTS,
            "lower": Field(f"{MONTHLY_LEVEL} interval from", "number", 0),
            "upper": Field(f"{MONTHLY_LEVEL} interval to", "number", 0),
        },
        table=Pivot("month", ("series",), "incidents"),
    )


def claim_path(frame: pd.DataFrame, base: int, horizon: int, claimed: float) -> pd.Series:
    """The claimed growth as a line on the scenario chart: from the base year's incidents to `claimed` more a decade
    later (or, if the chart ends sooner, the same straight line to its last year), on the first scenario's rows."""
    first = frame["scenario"] == frame["scenario"].iloc[0]
    start = float(frame.loc[first & (frame["year"] == base), "incidents"].iloc[0])
    end = min(horizon, base + DECADE)
    on = first & frame["year"].isin([base, end])
    return pd.Series(
        np.where(on, (start * (1 + claimed * (frame["year"] - base) / DECADE)).round(0), np.nan), index=frame.index
    )


def scenarios_chart(frame: pd.DataFrame, claim_label: str) -> alt.LayerChart | alt.FacetChart:
    """Projected incidents by scenario (`scenarios_figure`'s frame): the trend's interval and the demographic range
    shaded, the blended envelope as thin lines at its edges, then the three central lines (Blended first, wide and
    pale; Trend dashed and Demography dotted over it) and the case's claimed growth."""
    x = alt.X("year:O", title="Financial year", axis=alt.Axis(labelAngle=0, labelOverlap="greedy"))
    key = Key.of(SCENARIOS, None, SCENARIO_DASHES, [(claim_label, CLAIM_COLOUR, CLAIM_DASH)])
    y = alt.Y("incidents:Q", title="Incidents a year", scale=alt.Scale(zero=False))
    bands = [
        alt.Chart()
        .transform_filter(f"datum.scenario === '{name}'")
        .mark_area(opacity=opacity)
        .encode(x=x, y=alt.Y("lower:Q", title="Incidents a year"), y2="upper:Q", color=key.color("scenario"))
        for name, opacity in (("Trend only", 0.12), ("Demography only", 0.22))
    ]
    edges = [
        alt.Chart()
        .transform_filter("datum.scenario === 'Blended'")
        .mark_line(strokeWidth=1, opacity=0.8)
        .encode(x=x, y=alt.Y(f"{edge}:Q", title="Incidents a year"), **key.encodings("scenario"))
        for edge in ("lower", "upper")
    ]
    base = alt.Chart().encode(x=x, y=y)
    lines = [
        base.transform_filter("datum.scenario === 'Blended'")
        .mark_line(strokeWidth=5, opacity=0.45)
        .encode(**key.encodings("scenario")),
        base.transform_filter("datum.scenario !== 'Blended'")
        .mark_line(strokeWidth=2.2)
        .encode(**key.encodings("scenario")),
    ]
    claim = reference_line(x, "claimed", claim_label, "scenario", key)
    hover = nearest_values(x, "year", Field("Financial year", "year"), "scenario", SCENARIOS, "incidents", INCIDENTS)
    return alt.layer(*bands, *edges, *lines, claim, *hover, data=frame).properties(width=600, height=280)


def scenarios_figure(
    paths: pd.DataFrame, growth: pd.DataFrame, base: int, horizon: int, area_label: str, area: str, source: str
):
    """Projected incidents a year under three scenarios (`demand.scenarios`), with the case's claimed growth over
    the next decade (claim `demand-rise-decade`) drawn from the base year: the chart's own footprint and base."""
    from se_ambulance.claims.register import claim

    claimed = claim("demand-rise-decade").figure / 100
    frame = paths.assign(claimed=lambda d: claim_path(d, base, horizon, claimed))
    frame = frame.assign(
        year=frame["year"].map(fy_label),
        incidents=frame["incidents"].round(0),
        lower=frame["lower"].round(0),
        upper=frame["upper"].round(0),
    )
    end = min(horizon, base + DECADE)
    label = f"The case: over {percent(claimed, 0)} in a decade"
    chart = scenarios_chart(frame, label)
    g = growth["growth"]
    reach = (
        f"from {fy_label(base)} to {fy_label(end)}"
        if end == base + DECADE
        else f"cut short at {fy_label(end)}, where the chart ends ({percent(claimed * (end - base) / DECADE, 0)} by then)"
    )
    return figure(
        chart,
        name=f"scenarios-{area.lower()}",
        title=f"Projected incidents a year, {area_label}",
        units=(
            f"Incidents a year; shaded: {TREND_LEVEL} prediction interval (trend"
            + ("" if MONTHLY_LEVEL == TREND_LEVEL else f"; the monthly forecast above uses {MONTHLY_LEVEL}")
            + "), rate range (demography); thin grey lines: "
            "the blended envelope; dark red dash-dot: the case's over "
            f"{percent(claimed, 0)} in a decade"
        ),
        source=source,
        alt_text=f"Line chart of projected annual incidents for {area_label} from {fy_label(base)} to "
        f"{fy_label(horizon)} under three scenarios; central growth: trend {percent(g['Trend only'])}, "
        f"demography {percent(g['Demography only'])}, blended {percent(g['Blended'])}. A dark red dash-dot line "
        f"shows the case's claimed growth of over {percent(claimed, 0)} a decade applied to the same start, "
        f"{reach}.",
        fields={
            "year": Field("Financial year", "year"),
            "scenario": Field("Scenario"),
            "incidents": INCIDENTS,
            "lower": Field("Low", "number", 0),
            "upper": Field("High", "number", 0),
            "claimed": Field("The case's growth", "number", 0),
        },
        table=Pivot("year", ("scenario",), "incidents"),
    )
