"""Chapter 9's power chart by rule version: the smallest change in the Category 2 mean the data could tell from noise,
by the last month of data, as each dated version of the verdict rule measures it (the rule of 22 November 2026 on the
synthetic control; the rule of 7 December 2026 on the method whose estimate counts), with each version's meaningful
change. Numbers from `analysis.evaluation.study`; words from `publish.evaluation_text`."""

from __future__ import annotations

import altair as alt
import pandas as pd

from se_ambulance.analysis.evaluation import design as D
from se_ambulance.analysis.evaluation.study import Study
from se_ambulance.publish.charts import Field, colours, figure, month_x
from se_ambulance.publish.evaluation_text import amount
from se_ambulance.publish.evaluation_text.phrases import METHOD_NAMES
from se_ambulance.publish.evaluation_text.sentences import capital, rule_name
from se_ambulance.publish.format import month_label
from se_ambulance.reference import evaluation as RE


def _label(rule: RE.RuleVersion, basis: tuple[str, ...]) -> str:
    on = " and ".join(
        {"synthetic_control": "synthetic control", "interrupted_time_series": "time series"}[b] for b in basis
    )
    return f"{capital(rule_name(rule))} (on the {on})"


def power_by_rule_frame(study: Study) -> pd.DataFrame:
    """The primary outcome's smallest detectable change by last month of data under each version of the rule (one row
    per month and version), and each version's meaningful change: exactly what the chart draws."""
    p = study.primary
    rows = []
    for rule in RE.RULES:
        ruled = p.rules[rule.dated]
        label = _label(rule, ruled.basis)
        rows.append(
            pd.DataFrame(
                {
                    "month": ruled.path["month"].dt.strftime("%Y-%m"),
                    "rule": label,
                    "minutes": ruled.path["detectable"].round(2).to_numpy(),
                    "meaningful": round(ruled.meaningful, 2),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def power_by_rule_figure(study: Study, source: str):
    frame = power_by_rule_frame(study)
    p, d = study.primary, study.design
    order = list(dict.fromkeys(frame["rule"]))
    scale = alt.Scale(domain=order, range=colours(order))
    x = month_x(title="Last month of data", axis_format="%b %Y", months=frame["month"])
    lines = (
        alt.Chart()
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("minutes:Q", title="Smallest detectable change (minutes)", scale=alt.Scale(zero=True)),
            color=alt.Color(
                "rule:N", title=None, sort=order, scale=scale, legend=alt.Legend(orient="bottom", direction="vertical")
            ),
            tooltip=[alt.Tooltip("month:T", format="%B %Y"), "rule:N", alt.Tooltip("minutes:Q", format=".1f")],
        )
    )
    meaningful = (
        alt.Chart()
        .mark_rule(strokeDash=[6, 3], strokeWidth=2)
        .encode(y="meaningful:Q", color=alt.Color("rule:N", sort=order, scale=scale, legend=None))
    )
    today = (
        alt.Chart(pd.DataFrame({"now": [study.last_month.strftime("%Y-%m")]}))
        .mark_rule(color="#231f20", strokeDash=[2, 2])
        .encode(x="now:T")
    )
    chart = alt.layer(lines, meaningful, today, data=frame).properties(width=600, height=280)
    parts = []
    for rule in RE.RULES:
        ruled = p.rules[rule.dated]
        parts.append(
            f"{rule_name(rule)}, measured on {' and '.join(METHOD_NAMES[b] for b in ruled.basis)}: "
            f"{amount(D.PRIMARY, ruled.mde_now, signed=False)} with data to {month_label(study.last_month)} "
            f"and {amount(D.PRIMARY, ruled.mde_end, signed=False)} by {month_label(d.power_until)}, against a "
            f"meaningful change of {amount(D.PRIMARY, ruled.meaningful, signed=False)}"
        )
    return figure(
        chart,
        name="evaluation-power-by-rule",
        title="Detectable change in the Category 2 average, by rule version",
        units=(
            f"Minutes; two-sided test at {int(round(100 * d.alpha))}% with {int(round(100 * d.power))}% "
            "power; dashed: each version's meaningful change; dotted: today's data"
        ),
        source=source,
        alt_text=(
            "Line chart of the smallest change in the group's Category 2 mean the data could tell from "
            "noise, by the last month of data, one line per version of the verdict rule. Under "
            + "; under ".join(parts)
            + "."
        ),
        fields={
            "month": Field("Last month of data", "month"),
            "rule": Field("Rule version"),
            "minutes": Field("Smallest detectable change", "mmss"),
            "meaningful": Field("Meaningful change", "mmss"),
        },
    )
