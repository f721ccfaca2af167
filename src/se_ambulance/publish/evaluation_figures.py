"""Chapter 9's charts: the group against its synthetic control, the placebo distributions, and power.
Each goes through `publish.charts.figure` (title, units, source, alt text, CSV of what is drawn)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from se_ambulance.analysis.evaluation import design as D
from se_ambulance.analysis.evaluation.study import Study
from se_ambulance.publish.charts import (
    REFERENCE_COLOUR,
    Field,
    Pivot,
    colours,
    figure,
    month_x,
    nearest_values,
    short_label,
)
from se_ambulance.publish.evaluation_text import amount, rank_text, unit_name
from se_ambulance.publish.format import month_label

MONTH = Field("Month", "month")
MINUTES = Field("Minutes", "mmss")


def synthetic_frame(study: Study, group_name: str | None = None) -> pd.DataFrame:
    """The group's monthly Category 2 average and its synthetic control's. The group is called by `group_name` (the
    `group` parameter's name, as the rest of the book calls it), else by its members' short names."""
    p = study.primary
    name = group_name or short_label(unit_name(p.fit.treated))  # 'SCAS + SECAmb': the key fits a phone
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "month": p.fit.actual.index.strftime("%Y-%m"),
                    "series": f"{name} (actual)",
                    "minutes": p.fit.actual.round(2).to_numpy(),
                }
            ),
            pd.DataFrame(
                {
                    "month": p.fit.synthetic.index.strftime("%Y-%m"),
                    "series": "Synthetic group",
                    "minutes": p.fit.synthetic.round(2).to_numpy(),
                }
            ),
        ],
        ignore_index=True,
    )


def synthetic_figure(study: Study, source: str, group_name: str | None = None):
    frame = synthetic_frame(study, group_name)
    order = list(frame["series"].unique())
    start = study.design.start.strftime("%Y-%m")
    x = month_x(axis_format="%b %Y", months=frame["month"])
    lines = (
        alt.Chart()
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("minutes:Q", title="Minutes", scale=alt.Scale(zero=False)),
            # One field, one title, one legend: colour and dash are merged into a single key.
            color=alt.Color(
                "series:N",
                title=None,
                sort=order,
                scale=alt.Scale(domain=order, range=colours(order)),
                legend=alt.Legend(orient="top", symbolType="stroke"),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                title=None,
                sort=order,
                scale=alt.Scale(domain=order, range=[[1, 0], [5, 3]]),
                legend=alt.Legend(orient="top", symbolType="stroke"),
            ),
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"month": [start]}))
        .mark_rule(color="#231f20", strokeDash=[2, 2])
        .encode(x=alt.X("month:T", scale=alt.Scale(type="utc")))
    )
    hover = nearest_values(x, "month", MONTH, "series", order, "minutes", MINUTES)
    chart = alt.layer(lines, rule, *hover, data=frame).properties(width=560, height=280)
    p = study.primary
    fit = f"pre-period fit R² {p.fit.pre_r2:.2f}".replace("-", "−")
    err = amount(D.PRIMARY, p.fit.pre_rmspe, signed=False)
    spread = amount(D.PRIMARY, p.fit.pre_sd, signed=False)
    fit_words = (
        f"{err} a month (root mean square), more than the group's own spread around its average ({spread}): "
        "no better than a flat line"
        if not p.sc_informative
        else f"{err} a month (root mean square)"
    )
    return figure(
        chart,
        name="evaluation-synthetic-c2",
        title="Category 2 average: the group and its synthetic control",
        units=(
            f"Minutes, monthly; dotted line: the start month ({month_label(start)}); {fit}"
            + ("" if p.sc_informative else ": uninformative")
        ),
        source=source,
        alt_text=(
            f"Line chart of the monthly Category 2 average of {group_name or unit_name(p.fit.treated)} and of a synthetic "
            f"group built from {len(study.donors)} other trusts, {month_label(frame['month'].min())} to "
            f"{month_label(frame['month'].max())}. Over the pre-period the two differ by {fit_words}; "
            f"since {month_label(start)} the group has averaged {amount(D.PRIMARY, p.fit.effect)} "
            "against it."
        ),
        fields={"month": MONTH, "series": Field("Series"), "minutes": MINUTES},
        table=Pivot("month", ("series",), "minutes"),
    )


KINDS = ["Donor treated as the group", "The group"]
EFFECT = Field("Effect ÷ pre-period fit error", "number", 2)
# Plain words, as the rest of the book names the outcomes.
SHORT_NAMES = {
    "c2_mean": "Category 2 average",
    "c2_p90": "Category 2, 9 in 10 within",
    "c1_mean": "Category 1 average",
    "c1_p90": "Category 1, 9 in 10 within",
    "hear_and_treat": "Hear and treat",
    "ed_conveyance": "Taken to an emergency department",
    "c2_mean_gap": "Gap between members (Category 2)",
}


def placebo_frame(study: Study) -> pd.DataFrame:
    """The space placebos (the verdict's reference distribution) and the group's own estimate, standardised.
    The false starts are fitted on shorter windows and are not comparable: they are in the table, not here."""
    rows = []
    for key, r in study.results.items():
        label = SHORT_NAMES[key]
        for pl in r.space:
            rows.append(
                {
                    "outcome": label,
                    "kind": KINDS[0],
                    "unit": unit_name(pl.unit),
                    "standardised_effect": round(pl.standardised, 3),
                }
            )
        rows.append(
            {
                "outcome": label,
                "kind": KINDS[1],
                "unit": unit_name(r.fit.treated),
                "standardised_effect": round(r.fit.standardised, 3),
            }
        )
    frame = pd.DataFrame(rows)
    return frame[np.isfinite(frame["standardised_effect"])].reset_index(drop=True)


def placebo_figure(study: Study, source: str):
    frame = placebo_frame(study)
    order = [SHORT_NAMES[k] for k in study.results]
    chart = (
        alt.Chart(frame)
        .mark_point(filled=True, opacity=0.8)
        .encode(
            x=alt.X("standardised_effect:Q", title="Effect ÷ pre-period fit error"),
            y=alt.Y("outcome:N", title=None, sort=order, axis=alt.Axis(labelLimit=210)),
            color=alt.Color(
                "kind:N",
                title=None,
                sort=KINDS,
                scale=alt.Scale(domain=KINDS, range=colours(KINDS)),
                legend=alt.Legend(orient="top"),
            ),
            shape=alt.Shape(
                "kind:N",
                sort=KINDS,
                scale=alt.Scale(domain=KINDS, range=["circle", "diamond"]),
                title=None,
                legend=alt.Legend(orient="top"),
            ),
            size=alt.condition(alt.datum.kind == KINDS[1], alt.value(160), alt.value(45)),
            tooltip=[
                Field("Outcome").tooltip("outcome"),
                Field("Shown as").tooltip("kind"),
                Field("Trust or set of trusts").tooltip("unit"),
                EFFECT.tooltip("standardised_effect"),
            ],
        )
        .properties(width=420, height=40 * len(order))
    )
    ranks = "; ".join(f"{SHORT_NAMES[k]} {rank_text(r.rank)}" for k, r in study.results.items())
    return figure(
        chart,
        name="evaluation-placebos",
        title="Where the group's estimate falls among the donors",
        units="Effect ÷ pre-period fit error; grey: donors treated as the group; orange: the group",
        source=source,
        alt_text=(
            "Strip chart, one row per outcome, of standardised placebo effects (each donor trust, or "
            f"for the gap each set of {len(study.design.members)} donors, treated as the group) with the "
            "group's own estimate marked. "
            f"The group's rank by absolute size (1 = most extreme): {ranks}."
        ),
        fields={
            "outcome": Field("Outcome"),
            "kind": Field("Shown as"),
            "unit": Field("Trust or set of trusts"),
            "standardised_effect": EFFECT,
        },
    )


def power_frame(study: Study) -> pd.DataFrame:
    path = study.power_path
    rows = []
    for col, label in (("noise", "From the pre-period noise"), ("placebo", "From the placebo spread")):
        part = path[["month", col]].dropna()
        rows.append(
            pd.DataFrame(
                {"month": part["month"].dt.strftime("%Y-%m"), "basis": label, "minutes": part[col].round(2).to_numpy()}
            )
        )
    return pd.concat(rows, ignore_index=True)


def power_figure(study: Study, source: str):
    frame = power_frame(study)
    p = study.primary
    order = list(frame["basis"].unique())
    x = month_x(title="Last month of data", axis_format="%b %Y", months=frame["month"])
    lines = (
        alt.Chart()
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("minutes:Q", title="Smallest detectable change (minutes)", scale=alt.Scale(zero=True)),
            color=alt.Color("basis:N", title=None, sort=order, scale=alt.Scale(domain=order, range=colours(order))),
        )
    )
    marks = pd.DataFrame(
        {
            "minutes": [round(p.meaningful, 2)],
            "label": ["meaningful change"],
            "now": [study.last_month.strftime("%Y-%m")],
        }
    )
    rule = alt.Chart(marks).mark_rule(color=REFERENCE_COLOUR, strokeDash=[6, 3], strokeWidth=2).encode(y="minutes:Q")
    text = (
        alt.Chart(marks)
        .mark_text(align="left", dx=4, dy=-6, color="#231f20")
        .encode(y="minutes:Q", x=alt.value(4), text="label:N")
    )
    today = (
        alt.Chart(marks)
        .mark_rule(color="#231f20", strokeDash=[2, 2])
        .encode(x=alt.X("now:T", scale=alt.Scale(type="utc")))
    )
    hover = nearest_values(x, "month", Field("Last month of data", "month"), "basis", order, "minutes", MINUTES)
    chart = alt.layer(lines, rule, text, today, *hover, data=frame).properties(width=600, height=280)
    path = study.power_path
    d = study.design
    return figure(
        chart,
        name="evaluation-power-c2",
        title="How large a change in the Category 2 average the data could tell from noise",
        units=(
            f"Minutes; two-sided test at {int(round(100 * d.alpha))}% with "
            f"{int(round(100 * d.power))}% power; dashed: the meaningful change; dotted: today's data"
        ),
        source=source,
        alt_text=(
            f"Line chart of the smallest detectable change in the group's Category 2 mean by the last "
            f"month of data, from {month_label(path['month'].min())} to {month_label(path['month'].max())}. "
            f"With data to {month_label(study.last_month)} it is "
            f"{amount(D.PRIMARY, p.mde_now, signed=False)}; by {month_label(path['month'].max())} "
            f"{amount(D.PRIMARY, float(path['detectable'].iloc[-1]), signed=False)}; the meaningful change "
            f"is {amount(D.PRIMARY, p.meaningful, signed=False)}."
        ),
        fields={
            "month": Field("Last month of data", "month"),
            "basis": Field("Estimated"),
            "minutes": Field("Smallest detectable change", "mmss"),
        },
        table=Pivot("month", ("basis",), "minutes"),
    )
