"""The book's figures under other parameters: the lines the text compares with (standards, the interim aim, the
case's claimed figures) and the focus organisation follow the parameters; the renderer carries the data once and
reads it back as it was; the site's tables and print margins. Small synthetic frames: no data files, no browser
(the browser tests are in test_site.py)."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from se_ambulance.errors import BuildError
from se_ambulance.publish import charts
from se_ambulance.publish.charts import FOCUS_COLOUR, FOCUS_WIDTH, Field, figure, json_patch, read_figure
from se_ambulance.publish.demand_figures import claim_path
from se_ambulance.publish.figures import (
    _with_target,
    chart_label,
    handover_figure,
    response_figure,
    response_frame,
    response_time_chart,
)

ORGS = {"RYD": "South East Coast (SECAmb)", "RYE": "South Central (SCAS)", "Eng": "England"}
C2_CLAIMED_MINUTES = round(1811 / 60, 2)  # book/claims.yaml, c2-mean-2024-25: 30 minutes 11 seconds
C1_CLAIMED_MINUTES = round(518 / 60, 2)


def monthly(focus: str = "RYD") -> pd.DataFrame:
    """`performance.monthly_with_combined`'s shape: the focus organisation's rows first."""
    months = pd.date_range("2022-04-01", "2026-03-01", freq="MS")
    order = [focus] + [o for o in ORGS if o != focus]
    rows = [
        {"org": o, "org_name": ORGS[o], "category": cat, "month": m, "mean": 600.0 + 60 * i + j, "p90": 1200.0 + j}
        for i, o in enumerate(order)
        for cat in ("C1", "C1T", "C2", "C3")
        for j, m in enumerate(months)
    ]
    return pd.DataFrame(rows)


def fy_months(start: int) -> list[str]:
    return [f"{start}-{m:02d}" for m in range(4, 13)] + [f"{start + 1}-{m:02d}" for m in range(1, 4)]


@pytest.mark.parametrize("claim_year", [2023, 2024])
@pytest.mark.parametrize("focus", ["RYD", "RYE"])
def test_the_claimed_figure_spans_the_claim_year_on_the_mean_panel_only(focus, claim_year):
    frame = response_frame(monthly(focus), "C2", focus, claim_year)
    on = frame[frame["claimed_minutes"].notna()]
    assert sorted(on["month"]) == fy_months(claim_year) and set(on["statistic"]) == {"Mean"}
    assert (on["claimed_minutes"] == C2_CLAIMED_MINUTES).all()
    assert list(frame.columns[2:5]) == [chart_label(ORGS[focus])] + [chart_label(ORGS[o]) for o in ORGS if o != focus]


def test_the_interim_aim_is_drawn_for_category_2_in_the_years_it_applied_and_nowhere_else():
    c2 = response_frame(monthly(), "C2", "RYD", 2024)
    aim = c2[c2["interim_aim_minutes"].notna()]
    assert set(aim["statistic"]) == {"Mean"} and (aim["interim_aim_minutes"] == 30).all()
    assert sorted(aim["month"]) == fy_months(2023) + fy_months(2024) + fy_months(2025)
    assert "interim_aim_minutes" not in response_frame(monthly(), "C1", "RYD", 2024)
    c1 = response_frame(monthly(), "C1", "RYD", 2024)
    assert (c1["claimed_minutes"].dropna() == C1_CLAIMED_MINUTES).all()
    c1t = response_frame(monthly(), "C1T", "RYD", 2024)  # no standard, no claim: no reference columns at all
    assert not {"standard_minutes", "interim_aim_minutes", "claimed_minutes"} & set(c1t.columns)


def test_no_claim_year_draws_no_claimed_figure():
    assert "claimed_minutes" not in response_frame(monthly(), "C2", "RYD", None)


@pytest.mark.parametrize("focus", ["RYD", "RYE"])
def test_the_focus_trust_is_drawn_last_dark_and_thick(focus):
    frame = response_frame(monthly(focus), "C2", focus, 2024)
    order = [chart_label(ORGS[focus])] + [chart_label(ORGS[o]) for o in ORGS if o != focus]
    spec = response_time_chart(frame, order, order[0], "The case").to_dict()
    lines = [
        layer
        for layer in spec["spec"]["layer"]
        if (layer.get("mark") or {}).get("type") == "line"
        and layer["encoding"].get("color")
        and "isValid" not in json.dumps(layer.get("transform"))
    ]
    assert len(lines) == 2
    others, top = lines
    assert top["mark"]["strokeWidth"] == FOCUS_WIDTH > others["mark"]["strokeWidth"]
    assert top["transform"][-1]["filter"] == f'datum["organisation"] === "{order[0]}"'
    scale = top["encoding"]["color"]["scale"]
    assert scale["range"][scale["domain"].index(order[0])] == FOCUS_COLOUR
    assert FOCUS_COLOUR not in [c for d, c in zip(scale["domain"], scale["range"]) if d != order[0]]


@pytest.mark.parametrize("focus, claim_year", [("RYD", 2024), ("RYE", 2023)])
def test_the_figure_says_which_year_and_trust_its_lines_show(focus, claim_year):
    html = response_figure(monthly(focus), "C2", focus, "AmbSYS", claim_year).data
    label = html.split('aria-label="', 1)[1].split('"', 1)[0]
    fy = f"{claim_year}/{(claim_year + 1) % 100:02d}"
    assert f"the mean the case quoted for {fy}, 30:11" in label.replace("&#x27;", "'")
    assert f"{ORGS[focus]} is the thick dark blue line" in label
    assert f"the case&#x27;s figure for {fy}" in html  # the units line
    spec, meta = read_figure(html)
    assert "claimed_minutes" in meta["csv"].splitlines()[0]


def test_a_category_without_a_standard_says_so():
    html = response_figure(monthly(), "C1T", "RYD", "AmbSYS", 2024).data
    assert "This book charts no national standard for this category" in html and "The case" not in html


def test_the_demand_claim_runs_a_decade_from_the_base_year_or_to_the_chart_end():
    def paths(base, horizon):
        years = range(base, horizon + 1)
        return pd.DataFrame(
            [
                {"year": y, "scenario": s, "incidents": 1000.0 + (y - base)}
                for s in ("Trend only", "Blended")
                for y in years
            ]
        )

    full = paths(2025, 2035)
    line = claim_path(full, 2025, 2035, 0.20)
    drawn = full.assign(claimed=line).dropna()
    assert list(drawn["year"]) == [2025, 2035] and list(drawn["claimed"]) == [1000, 1200]
    assert set(drawn["scenario"]) == {"Trend only"}
    short = paths(2025, 2030)
    drawn = short.assign(claimed=claim_path(short, 2025, 2030, 0.20)).dropna()
    assert list(drawn["year"]) == [2025, 2030] and list(drawn["claimed"]) == [1000, 1100]
    late = paths(2030, 2045)
    drawn = late.assign(claimed=claim_path(late, 2030, 2045, 0.20)).dropna()
    assert list(drawn["year"]) == [2030, 2040]


def test_the_pre_arp_standard_is_one_value_a_month():
    frame = pd.DataFrame(
        {"month": ["2011-04", "2011-04", "2011-05"], "series": ["A", "B", "A"], "share": [0.7, 0.8, 0.76]}
    )
    out = _with_target(frame)
    assert (
        out["target"].tolist()[0] == 0.75 and np.isnan(out["target"].tolist()[1]) and out["target"].tolist()[2] == 0.75
    )


def test_the_handover_chart_draws_the_15_minute_expectation_or_says_there_is_no_data():
    act = pd.DataFrame({"handover_mean_s": [900.0, 1200.0]}, index=pd.to_datetime(["2024-01-01", "2024-02-01"]))
    summary = {
        "months": 2,
        "first": act.index[0],
        "latest_month": act.index[-1],
        "latest_minutes": 20.0,
        "share_over_15": 0.5,
    }
    html = handover_figure(act, summary, "SECAmb", "RYD", "AmbSYS").data
    _, meta = read_figure(html)
    assert meta["csv"].splitlines()[1].endswith(",15") and "15-minute expectation" in html
    assert handover_figure(act, summary | {"months": 0}, "SECAmb", "RYD", "AmbSYS").data == (
        "SECAmb reports no handover times in AmbSYS."
    )


# --- the renderer -------------------------------------------------------------------------------------------


def small_chart(data: pd.DataFrame):
    import altair as alt

    return (
        alt.Chart(data)
        .mark_line()
        .encode(x=charts.month_x(), y="minutes:Q", tooltip=[Field("Minutes", "mmss").tooltip("minutes")])
    )


def test_a_figure_carries_its_data_once_as_the_csv_it_offers():
    data = pd.DataFrame({"month": ["2024-01", "2024-02"], "minutes": [28.8333, 31.5], "note": ["a, b", 'say "x"']})
    fields = {"month": Field("Month", "month"), "minutes": Field("Mean, SECAmb", "mmss"), "note": Field("Note")}
    html = figure(
        small_chart(data),
        name="t",
        title="Category 2: means + limits (£m)",
        units="Minutes",
        source="AmbSYS",
        alt_text="x" * 50,
        fields=fields,
    ).data
    spec, meta = read_figure(html)
    assert meta["csv"] == data.to_csv(index=False, lineterminator="\n")
    # The download's headings are the plain titles with their units (times in decimal minutes, said so), and the
    # file is named by the title's words.
    assert meta["header"] == 'Month,"Mean, SECAmb (minutes, decimal)",Note'
    assert 'download="category-2-means-plus-limits-m.csv"' in html
    assert html.count("28.8333") == 1  # not also as JSON records or a data URL
    source = [d for d in spec["data"] if d.get("name") == charts.CSV_DATA]
    assert source == [{"name": charts.CSV_DATA, "values": "", "format": {"type": "csv"}}] or (
        len(source) == 1 and source[0]["values"] == ""
    )
    assert "seFormat(" in json.dumps(spec)  # the tooltip speaks m:ss through the page's format function


def test_numbers_in_a_csv_are_read_back_as_numbers_and_gaps_as_gaps():
    data = pd.DataFrame(
        {"month": ["2024-01", "2024-02"], "minutes": [1.0, None], "flag": [True, False], "lower": [None, 2.0]}
    )
    assert charts._csv_type(data["minutes"]) == "number" and charts._csv_type(data["flag"]) == "boolean"
    assert charts._csv_type(data["lower"].astype(object)) == "number" and charts._csv_type(data["month"]) is None


def test_a_figure_refuses_a_numbers_table_that_names_missing_columns():
    data = pd.DataFrame({"month": ["2024-01"], "minutes": [1.0]})
    month, minutes = Field("Month", "month"), Field("Minutes", "mmss")
    with pytest.raises(BuildError, match="names columns the data does not have"):
        figure(
            small_chart(data),
            name="t",
            title="T",
            units="U",
            source="S",
            alt_text="x" * 50,
            fields={"month": month, "minutes": minutes, "minutes_typo": minutes},
        )
    with pytest.raises(BuildError, match="give every column a Field.*; minutes has none"):
        figure(
            small_chart(data), name="t", title="T", units="U", source="S", alt_text="x" * 50, fields={"month": month}
        )
    with pytest.raises(BuildError, match="needs a title, units, a source line and alt text"):
        figure(small_chart(data), name="t", title="T", units="", source="S", alt_text="x")


def test_a_field_kind_must_be_one_the_page_can_write():
    with pytest.raises(ValueError, match="not one of"):
        Field("Minutes", "minutes")


def test_the_narrow_patch_turns_the_side_by_side_chart_into_the_stacked_one():
    def apply(spec, patch):
        out = json.loads(json.dumps(spec))
        for path, value in patch:
            if not path:
                out = value
                continue
            node = out
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        return out

    wide = {"layout": {"columns": 2}, "data": [{"name": "a"}, {"transform": [{"stop": "min(n, 2)"}]}], "x": 1}
    narrow = {"layout": {"columns": 1}, "data": [{"name": "a"}, {"transform": [{"stop": "min(n, 1)"}]}], "x": 1}
    assert apply(wide, json_patch(wide, narrow)) == narrow and len(json_patch(wide, narrow)) == 2
    other = {"vconcat": [1]}
    assert apply({"hconcat": [1]}, json_patch({"hconcat": [1]}, other)) == other


def test_a_faceted_figure_carries_its_stacked_layout_and_its_panel_count():
    frame = response_frame(monthly(), "C3", "RYD", 2024)  # one panel: the 90th centile only
    _, meta = read_figure(response_figure(monthly(), "C3", "RYD", "AmbSYS", 2024).data)
    assert meta["panels"] == 1 and "narrow" not in meta and set(frame["statistic"]) == {"90th centile"}
    _, meta = read_figure(response_figure(monthly(), "C2", "RYD", "AmbSYS", 2024).data)
    assert meta["panels"] == 2 and meta["narrow"] and meta["widths"]


# --- the site's tables and print margins ----------------------------------------------------------------------


def test_every_table_gets_a_labelled_scrolling_wrapper_and_no_empty_header():
    from se_ambulance.publish.sphinx_ext import wrap_tables

    body = (
        '<h2>Financial years<a class="headerlink" href="#f">#</a></h2>'
        '<table><thead><tr><th></th><th>a</th></tr><tr><th class="x">&nbsp;</th><th>b</th></tr></thead></table>'
        "<table><tr><td>1</td></tr></table><table><caption>Claims <em>now</em></caption></table>"
    )
    out = wrap_tables(body)
    assert out.count('<div class="se-table-scroll" role="region" tabindex="0"') == 3
    assert 'aria-label="Table: Financial years"' in out and 'aria-label="Table: Financial years (2)"' in out
    assert 'aria-label="Table: Claims now"' in out
    assert "<th></th>" not in out and '<td class="x"></td>' in out and "<th>a</th>" in out
    assert wrap_tables("<p>no table</p>") == "<p>no table</p>"


def test_every_printed_page_carries_title_edition_data_and_address():
    from se_ambulance.publish.sphinx_ext import print_style
    from se_ambulance.publish.stamp import Stamp

    stamp = Stamp(
        title='A "quoted" title </style>',
        edition="Edition 2, 7 December 2026",
        data_to="AmbSYS data to April 2026",
        next_release="",
        address="https://example.org/book/",
        code_version="1",
    )
    css = print_style(stamp)
    assert css.startswith('<style media="print">@page {') and css.count("</style>") == 1
    # Title and edition in one margin box with a separator: two boxes ran together ("book  Draft").
    assert r"A \"quoted\" title \3C /style> · Edition 2, 7 December 2026" in css and "@top-right" not in css
    assert "AmbSYS data to April 2026 · https://example.org/book/" in css
    assert '"Page " counter(page) " of " counter(pages)' in css and "Built" not in css  # an edition: no build date
    draft = print_style(
        Stamp(
            title="T",
            edition="Draft (not a published edition)",
            data_to="D",
            next_release="",
            address="A",
            code_version="1",
            built="7 December 2026",
        )
    )
    assert '"Built 7 December 2026 · " "Page " counter(page) " of " counter(pages)' in draft


# --- one colour per organisation or series, across the book ----------------------------------------------------


def test_an_organisation_has_one_colour_whatever_a_chart_calls_it():
    from se_ambulance.publish.charts import ENGLAND_COLOUR, GROUP_COLOUR, colour_of, colours

    assert colour_of("SECAmb", "SECAmb") == colour_of("South East Coast (SECAmb)", "SECAmb") == FOCUS_COLOUR
    assert colour_of("South East Coast (SECAmb), Category 2 mean", "South East Coast (SECAmb)") == FOCUS_COLOUR
    assert colour_of("SCAS") == colour_of("South Central (SCAS)") == colour_of("SCAS", "SECAmb") != FOCUS_COLOUR
    # The focus is whichever trust the book follows; the other then keeps its own colour.
    assert colour_of("SCAS", "SCAS") == FOCUS_COLOUR and colour_of("SECAmb", "SCAS") not in ("", FOCUS_COLOUR)
    for group in ("SCAS + SECAmb (pooled)", "SECAmb + SCAS (actual)", "The group"):
        assert colour_of(group) == GROUP_COLOUR
    for england in ("England", "England: Red 1", "England: Category A (Red 1+2)"):
        assert colour_of(england) == ENGLAND_COLOUR
    # Series named at build time take spare colours, kept apart within a chart.
    made = colours(["ETS forecast", "The rule of 1 May 2026 (on the time series)", "The rule of 2 May 2026 (on it)"])
    assert len(set(made)) == 3


def book_figures() -> list[tuple[str, dict, dict]]:
    """(chapter, Vega spec, meta) of every chart in the committed chapters."""
    from pathlib import Path

    out = []
    for nb in sorted(Path(__file__).parents[1].joinpath("notebooks").glob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                body = "".join((output.get("data") or {}).get("text/html", ""))
                if 'class="se-chart"' in body:
                    spec, meta = read_figure(body)
                    out.append((nb.stem, spec, meta))
    return out


def legend_colours(spec: dict) -> list[tuple[str, str]]:
    """(label, colour) of every colour scale with a fixed domain in a compiled chart."""
    found = []

    def walk(node):
        for scale in node.get("scales", []):
            domain, rng = scale.get("domain"), scale.get("range")
            if isinstance(domain, list) and isinstance(rng, list) and all(str(c).startswith("#") for c in rng):
                found.extend(zip(map(str, domain), rng))
        for mark in node.get("marks", []):
            walk(mark)

    walk(spec)
    return found


def test_every_organisation_and_series_keeps_one_colour_across_the_book():
    """Across every chart of the committed book: a series label has one colour; organisations (however a chart
    names them) have one colour each and no two share one; no series that is not an organisation takes an
    organisation's colour (orange means the group on every page)."""
    from se_ambulance.publish.charts import organisation_of

    figures = book_figures()
    assert len(figures) > 20, "the committed chapters hold too few charts"
    by_label, by_org = {}, {}
    for chapter, spec, meta in figures:
        for label, colour in legend_colours(spec):
            by_label.setdefault(label, set()).add((colour, f"{chapter}/{meta['name']}"))
            org = organisation_of(label)
            if org is not None:
                by_org.setdefault(org, set()).add(colour)
    assert {"England", "group", "SCAS"} <= set(by_org), sorted(by_org)
    assert {lab: v for lab, v in by_label.items() if len({c for c, _ in v}) > 1} == {}
    assert {org: c for org, c in by_org.items() if len(c) > 1} == {}
    org_colours = {next(iter(c)): org for org, c in by_org.items()}
    assert len(org_colours) == len(by_org), f"two organisations share a colour: {by_org}"
    misused = {
        lab: v for lab, v in by_label.items() if organisation_of(lab) is None and {c for c, _ in v} & set(org_colours)
    }
    assert misused == {}, f"series that are not organisations in an organisation's colour: {misused}"


# --- month axes and chapter 9's words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "step"),
    [("2023-04", "2026-04", 12), ("2018-04", "2026-04", 24), ("2025-10", "2027-12", 6), ("2025-11", "2026-04", 3)],
)
def test_a_month_axis_ticks_at_regular_months_from_april(first, last, step):
    months = pd.period_range(first, last, freq="M").strftime("%Y-%m")
    ticks = [pd.Timestamp(year=t.year, month=t.month, day=1) for t in charts.month_ticks(list(months))]
    gaps = {(b.year - a.year) * 12 + b.month - a.month for a, b in zip(ticks, ticks[1:])}
    assert 2 <= len(ticks) <= 6 and gaps == {step}, (ticks, gaps)
    assert (
        all((t.month - 4) % step == 0 for t in ticks)
        and first <= ticks[0].strftime("%Y-%m")
        and (ticks[-1].strftime("%Y-%m") <= last)
    )
    axis = charts.month_x(axis_format="%b %Y", months=list(months)).to_dict()["axis"]
    assert len(axis["values"]) == len(ticks) and "tickCount" not in axis
    assert charts.month_x().to_dict()["axis"]["tickCount"] == {"interval": "year", "step": 1}  # yearly: each January


def test_chapter_9s_charts_name_the_group_and_the_outcomes_in_plain_words():
    from types import SimpleNamespace

    from se_ambulance.publish import evaluation_figures as ef

    idx = pd.date_range("2025-01-01", periods=2, freq="MS")
    fit = SimpleNamespace(
        actual=pd.Series([30.0, 31.0], idx), synthetic=pd.Series([29.0, 30.5], idx), treated="RYD+RYE"
    )
    study = SimpleNamespace(primary=SimpleNamespace(fit=fit))
    assert set(ef.synthetic_frame(study, "SCAS + SECAmb")["series"]) == {"SCAS + SECAmb (actual)", "Synthetic group"}
    assert "Southern group (actual)" in set(ef.synthetic_frame(study, "Southern group")["series"])
    words = " ".join(ef.SHORT_NAMES.values())
    assert not any(w in words.split() for w in ("C1", "C2", "ED", "mean")), words


@pytest.mark.parametrize(("category", "hours"), [("C2", False), ("C1", False), ("C3", True)])
def test_category_3_and_4_charts_read_in_hours_and_the_rest_in_minutes(category, hours):
    """Category 3 and 4 times run to many hours, which the text writes '5 h 07 min': their axis is in hours; every
    line, dot and reference line is drawn on it; the data, CSV and tooltips stay in minutes."""
    from se_ambulance.publish.figures import in_hours

    assert in_hours(category) is hours and in_hours("C4") and not in_hours("C1T")
    frame = response_frame(monthly(), category, "RYD", 2024)
    order = [chart_label(ORGS[o]) for o in ORGS]
    spec = response_time_chart(frame, order, order[0], None, hours=in_hours(category)).to_dict()
    ys = [layer["encoding"]["y"] for layer in spec["spec"]["layer"] if "y" in layer.get("encoding", {})]
    drawn = {(y["field"] if isinstance(y, dict) else y.split(":")[0]) for y in ys}
    if hours:
        assert drawn == {"hours", "drawn_y"}, drawn  # lines; dots and reference lines divided by 60
    else:
        assert "minutes" in drawn and drawn <= {"minutes", "standard_minutes", "interim_aim_minutes"}, drawn
    assert {y["title"] for y in ys if isinstance(y, dict) and "title" in y} == {"Hours" if hours else "Minutes"}
    fig = response_figure(monthly(), category, "RYD", "AmbSYS", 2024)
    _, meta = read_figure(fig.data)
    assert ("Hours. Dashed: the ARP standard (90th centile 2 hours)" in fig.data) is hours
    assert ("Minutes. " in fig.data) is not hours
    csv = pd.read_csv(io.StringIO(meta["csv"]))
    assert csv[order[0]].max() == pytest.approx(frame[order[0]].max())  # the CSV stays in minutes
