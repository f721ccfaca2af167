"""Charts: one Altair theme, plain-words fields, and a renderer that works offline, fits any screen and is
deterministic.

Altair's stock HTML loads vega from a CDN and uses a random element id on every run. Here a chart becomes a
<figure> with an id derived from its spec: an HTML title and units line (they wrap on a narrow screen, where a
title drawn inside the chart would be cut), the chart, a source line, a CSV download and a collapsed "numbers in
this chart" table for keyboard and screen-reader users, and a call to `seCharts`, which `_static/se-charts.js`
defines.

- The Vega-Lite spec is compiled to Vega here (vl-convert), so the page loads Vega alone: the browser never
  compiles, and the bundle is a third smaller than vega + vega-lite + vega-embed.
- The data drawn travels once, as CSV text inside the spec (Vega reads inline CSV); the download link and the
  numbers table are made from that same text in the browser.
- The script sets each chart's width from its container, stacks a chart's panels below `NARROW_PX`, wraps
  legends into columns that fit, and draws again when the container's width changes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
from IPython.display import HTML

from se_ambulance.errors import BuildError

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
PALETTE = ["#005EB8", "#DA291C", "#009639", "#ED8B00", "#7C2855", "#425563", "#00A9CE"]
FOCUS_WIDTH, OTHER_WIDTH, OTHER_OPACITY = 3.0, 1.5, 0.7
REFERENCE_COLOUR = "#231f20"  # standards and aims
CLAIM_COLOUR = "#8A1538"  # figures the case claims
SOLID = (1, 0)

# --- one colour per organisation or series, across the book -------------------------------------------------
# Every chart takes its colours from `colour_of`, so a colour means the same thing on every page (tests/test_figures
# checks every chart of the book). The focus trust is dark, thick and drawn last; the group, pooled, is orange;
# England green; each other trust, region and series has a colour of its own. Colours that name an organisation
# are never given to a series that is not one.
FOCUS_COLOUR = "#003087"  # the focus trust, wherever it is drawn
GROUP_COLOUR = "#ED8B00"  # the group's trusts pooled (a label with '(pooled)', or trusts joined by ' + ')
ENGLAND_COLOUR = "#009639"
DONOR_COLOUR = "#768692"  # trusts that stand in for the group (placebos) or the rest of England
TRUST_COLOURS = {  # a trust's colour when it is not the focus, by the short form charts name it
    "SCAS": "#DA291C",
    "SECAmb": "#41B6E6",
    "LAS": "#AE2573",
    "EEAST": "#00A499",
    "EMAS": "#7C2855",
    "WMAS": "#330072",
    "NEAS": "#006747",
    "NWAS": "#0072CE",
    "YAS": "#78BE20",
    "SWASFT": "#00A9CE",
}
REGION_COLOURS = {"London": "#AE2573", "Midlands & East": "#330072", "North": "#00A499", "South": "#6B4A00"}
# Series that are not organisations: never an organisation's colour.
SERIES_COLOURS = {
    "Actual": "#425563",
    "Synthetic group": "#425563",
    "Cumulative discounted net cash (£m)": "#425563",
    "Trend only": "#00A9CE",
    "Demography only": "#006747",
    "Blended": "#425563",
    "From the pre-period noise": "#00A9CE",
    "From the placebo spread": "#425563",
    "Donor treated as the group": DONOR_COLOUR,
    "common cause": DONOR_COLOUR,
    "special cause": "#0072CE",
}
# Series whose names are made at build time (a forecast model, a rule's date) take these in turn.
SPARE_COLOURS = ["#00A9CE", "#425563", "#006747", "#0072CE"]
ORGANISATION_COLOURS = frozenset(
    {FOCUS_COLOUR, GROUP_COLOUR, ENGLAND_COLOUR, *TRUST_COLOURS.values(), *REGION_COLOURS.values()}
)
_TRUST_SHORT = re.compile(r".*?\(([^()]+)\)$")


def organisation_of(label: str) -> str | None:
    """The organisation a series label names, in the short form charts use, or None: 'South East Coast (SECAmb)',
    'SECAmb' and 'SECAmb, Category 2 mean' are 'SECAmb'; 'SCAS + SECAmb (pooled)' and 'South East Coast (SECAmb) +
    South Central (SCAS) (actual)' are 'group'; 'England: Red 1' is 'England'; 'London: Category A (Red 1+2)' is
    'London'."""
    text = label.split(", ")[0].strip()
    if "(pooled)" in text or " + " in text or text == "The group":
        return "group"
    text = text.split(":")[0].strip()
    m = _TRUST_SHORT.fullmatch(text)
    if m:
        text = m.group(1)
    if text == "England" or text in TRUST_COLOURS or text in REGION_COLOURS:
        return text
    return None


def colour_of(label: str, focus: str | None = None) -> str:
    """The book's colour for a series: the focus organisation's (`focus`, a label naming it) dark blue, then the
    organisation's own colour, then the series' own; a series named at build time (e.g. 'ETS forecast') takes a
    spare colour (`colours` keeps those apart within a chart)."""
    org = organisation_of(label)
    if focus is not None and org is not None and org == organisation_of(focus):
        return FOCUS_COLOUR
    if org == "group":
        return GROUP_COLOUR
    if org == "England":
        return ENGLAND_COLOUR
    if org in TRUST_COLOURS:
        return TRUST_COLOURS[org]
    if org in REGION_COLOURS:
        return REGION_COLOURS[org]
    if label in SERIES_COLOURS:
        return SERIES_COLOURS[label]
    if label.endswith(" forecast") or label.startswith("Statistical forecast"):
        return SPARE_COLOURS[0]
    return ""


def short_label(name: str) -> str:
    """An organisation as a chart's key names it: a trust by its usual short form ('South East Coast (SECAmb)' ->
    'SECAmb'), trusts joined by ' + ' each so ('... (SECAmb) + ... (SCAS)' -> 'SECAmb + SCAS'); England and a pooled
    group as they are."""
    parts = [
        m.group(1) if (m := _TRUST_SHORT.fullmatch(p.strip())) and m.group(1) != "pooled" else p.strip()
        for p in name.split(" + ")
    ]
    return " + ".join(parts)


def colours(labels: Sequence[str], focus: str | None = None) -> list[str]:
    """`colour_of` for each label of one chart; labels without a colour of their own take the spare colours not
    already in the chart, in order."""
    out = [colour_of(lab, focus) for lab in labels]
    spare = iter([c for c in SPARE_COLOURS if c not in out] + SPARE_COLOURS * 3)
    return [c or next(spare) for c in out]


BUNDLE_NAME = "se-charts.js"
CSV_DATA = "se_csv"  # the name of the data set that holds the chart's CSV (filled in by the page's script)
NARROW_PX = 560  # below this container width a chart's panels stack and its legend wraps
VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
# Vega (and nothing else) from vl-convert's own copy of its dependencies: these addresses are keys in the module
# map vl-convert carries inside its wheel, not downloads. A newer vl-convert may carry another Vega version: then
# the bundle fails with "Cannot resolve", and this is the line to update.
VEGA_MODULE = "https://cdn.jsdelivr.net/npm/vega@6.2.0/+esm.js"


@alt.theme.register("se_ambulance", enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 640, "continuousHeight": 300, "stroke": None},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#e8edee"},
            "legend": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "orient": "bottom",
                "labelLimit": 400,
                "symbolStrokeWidth": 2.5,
            },
            "header": {"labelFontSize": 12, "labelFontWeight": "bold"},
            "range": {"category": PALETTE},
            "line": {"strokeWidth": 1.8},
            # Tooltips in plain words (`Field`): a format function the page's script registers.
            "customFormatTypes": True,
            # The figure's own `role="img"` and alt text name the chart; the SVG is hidden from assistive
            # technology, so per-mark ARIA descriptions would only add weight.
            "aria": False,
        }
    }


# --- fields: one plain-words title and format per column, for tooltips and the numbers table ----------------

KINDS = ("text", "month", "mmss", "number", "percent", "money", "year")


@dataclasses.dataclass(frozen=True)
class Field:
    """How a reader sees a column: its title in words and how its values are written.

    kind: `text` as it is; `month` ('2024-03' -> 'March 2024'); `mmss` (minutes -> '28:50', 'h:mm:ss' from an
    hour); `number` (with `digits` decimals and thousands separators); `percent` (a share, 0.25 -> '25%');
    `money` (£ million, '£4.2m'); `year` (as written, e.g. '2024/25')."""

    title: str
    kind: str = "text"
    digits: int = 1

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Field kind {self.kind!r} is not one of {', '.join(KINDS)}")

    @property
    def format(self) -> str:
        return f"{self.kind}:{self.digits}"

    @property
    def heading(self) -> str:
        """The column's heading in the CSV download: the title with the unit its numbers are in. Times are decimal
        minutes there (8.52 is 8 minutes 31 seconds, not 8:52), which a spreadsheet can add up; the page writes m:ss."""
        unit = {
            "mmss": "minutes, decimal",
            "percent": "proportion, 1 = 100%",
            "money": "£ million" if "£" not in self.title else None,
            "month": "year-month" if "month" not in self.title.lower() else None,
        }.get(self.kind)
        return f"{self.title} ({unit})" if unit else self.title

    def tooltip(self, field: str, vl_type: str | None = None, title: str | None = None) -> alt.Tooltip:
        """An Altair tooltip that shows this field in plain words."""
        kind: Any = vl_type or {"month": "temporal", "text": "nominal", "year": "ordinal"}.get(
            self.kind, "quantitative"
        )
        return alt.Tooltip(field=field, type=kind, title=title or self.title, format=self.format, formatType="seFormat")


@dataclasses.dataclass(frozen=True)
class Pivot:
    """The numbers table as a grid: one row per value of `rows`, one column per combination of `columns`."""

    rows: str
    columns: tuple[str, ...]
    value: str


def field_ref(name: str) -> str:
    """A data column's name as a Vega-Lite field (dots and brackets would otherwise mean nested fields)."""
    return re.sub(r"([.\[\]\\])", r"\\\1", name)


def month_ticks(months: Sequence[str], most: int = 6) -> list[alt.DateTime]:
    """Evenly spaced ticks for an axis labelled by month ('Apr 2024'), anchored on April (the financial year's first
    month): every 3, 6, 12 or 24 months, the shortest step that gives at most `most` ticks between the first and last
    of `months` ('2024-03'). Left to Vega, such an axis ticks at irregular months ('Apr 2024, Jan 2025, Jul 2025')."""
    first, last = pd.Timestamp(min(months)), pd.Timestamp(max(months))
    for step in (3, 6, 12, 24):
        start = first + pd.offsets.MonthBegin(0)
        while (start.month - 4) % step:
            start += pd.offsets.MonthBegin(1)
        ticks = pd.date_range(start, last, freq=f"{step}MS")
        if len(ticks) <= most:
            break
    return [alt.DateTime(year=t.year, month=t.month, date=1, utc=True) for t in ticks]


def month_x(
    field: str = "month", title: str = "Month", axis_format: str = "%Y", months: Sequence[str] | None = None
) -> alt.X:
    """A monthly time axis read in UTC, so '2024-03' is March wherever the reader is: ticks each January when
    labelled by year; when labelled by month, at regular months (`month_ticks` of the `months` drawn)."""
    ticks: Any = alt.Undefined
    values: Any = alt.Undefined
    if axis_format == "%Y":
        ticks = {"interval": "year", "step": 1}
    elif months is not None and len(months):
        values = month_ticks(months)
    return alt.X(
        f"{field}:T",
        title=title,
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(format=axis_format, tickCount=ticks, values=values, labelOverlap="greedy"),
    )


@dataclasses.dataclass(frozen=True)
class Key:
    """A chart's key: its series (e.g. organisations) then its reference lines, each with a colour and a dash; lines
    encoded with `encodings` share one legend, so a reader matches a line to its name by colour and dash alike."""

    labels: tuple[str, ...]
    colours: tuple[str, ...]
    dashes: tuple[tuple[int, ...], ...]

    @classmethod
    def of(
        cls,
        order: Sequence[str],
        focus: str | None = None,
        dashes: Mapping[str, Sequence[int]] | None = None,
        refs: Sequence[tuple[str, str, Sequence[int]]] = (),
    ) -> "Key":
        """Series in `order` (coloured by `colours`, solid unless `dashes` says), then `refs` as (label, colour,
        dash)."""
        dashes = dashes or {}
        return cls(
            tuple(order) + tuple(r[0] for r in refs),
            tuple(colours(order, focus)) + tuple(r[1] for r in refs),
            tuple(tuple(dashes.get(o, SOLID)) for o in order) + tuple(tuple(r[2]) for r in refs),
        )

    def color(self, field: str) -> alt.Color:
        return alt.Color(
            f"{field}:N",
            title=None,
            sort=list(self.labels),
            legend=SERIES_LEGEND,
            scale=alt.Scale(domain=list(self.labels), range=list(self.colours)),
        )

    def encodings(self, field: str) -> dict:
        """Colour and dash by `field`, merged into one legend."""
        return {
            "color": self.color(field),
            "strokeDash": alt.StrokeDash(
                f"{field}:N",
                title=None,
                sort=list(self.labels),
                legend=SERIES_LEGEND,
                scale=alt.Scale(domain=list(self.labels), range=[list(d) for d in self.dashes]),
            ),
        }


def series_colours(order: Sequence[str], focus: str | None) -> alt.Scale:
    """Colours by series (`colours`): the focus series dark blue."""
    return alt.Scale(domain=list(order), range=colours(order, focus))


# Every layer that colours by series declares the same legend, so the merged key shows full-strength lines.
SERIES_LEGEND = alt.Legend(symbolType="stroke", symbolOpacity=1, symbolStrokeWidth=3, symbolFillColor="transparent")


def focus_lines(
    base: alt.Chart, series: str, focus: str | None, order: Sequence[str], key: Key | None = None, **marks
) -> list[alt.Chart]:
    """Two line layers: every series but the focus, thin and translucent; then the focus, thick, on top."""
    key = key or Key.of(order, focus)
    enc = key.encodings(series)
    if focus is None:
        return [base.mark_line(**marks).encode(**enc)]
    test = f"datum[{json.dumps(series)}] === {json.dumps(focus)}"
    return [
        base.mark_line(strokeWidth=OTHER_WIDTH, opacity=OTHER_OPACITY, **marks)
        .encode(**enc)
        .transform_filter(f"!({test})"),
        base.mark_line(strokeWidth=FOCUS_WIDTH, **marks).encode(**enc).transform_filter(test),
    ]


def folded(names: Sequence[str], series: str, value: str) -> alt.Chart:
    """A chart over wide data (one column per series) read as long rows of `series` and `value`."""
    return alt.Chart().transform_fold([field_ref(n) for n in names], as_=[series, value])


def nearest_values(
    x: alt.X,
    x_field: str,
    x_format: Field,
    series: str,
    names: Sequence[str],
    value: str,
    value_format: Field,
    groupby: Sequence[str] = (),
    name: str = "hover",
    wide: bool = False,
    per: float = 1,
) -> list[alt.Chart]:
    """What a reader sees when pointing anywhere in a line chart: a guide at the nearest x and a tooltip with every
    series' value there, in words. The nearest x is found from a Voronoi diagram, so the pointer (or a finger)
    need not touch a thin line. `wide`: the data already has one column per series. `per`: the y axis is in units
    of `per` of the data's (60: minutes drawn as hours); the tooltip still reads the data."""
    hover = alt.selection_point(
        name=name, fields=[x_field], nearest=True, on="pointerover", clear="pointerout", empty=False
    )
    tips = [x_format.tooltip(x_field, "temporal" if x_format.kind == "month" else "ordinal")]
    tips += [value_format.tooltip(field_ref(n), "quantitative", title=n) for n in names]
    base = (
        alt.Chart() if wide else alt.Chart().transform_pivot(series, value=value, groupby=[x_field, *groupby], op="max")
    )
    guide = (
        base.mark_rule(color="#425563", strokeWidth=1)
        .encode(x=x, opacity=alt.condition(hover, alt.value(0.6), alt.value(0)), tooltip=tips)
        .add_params(hover)
    )
    dots = folded(names, series, value) if wide else alt.Chart()
    y = f"{value}:Q"
    if per != 1:
        dots, y = dots.transform_calculate(drawn_y=f"datum[{json.dumps(value)}] / {per}"), "drawn_y:Q"
    dots = (
        dots.mark_circle(size=45, opacity=1)
        .encode(x=x, y=y, color=alt.Color(f"{series}:N", legend=SERIES_LEGEND))
        .transform_filter(hover)
    )
    return [guide, dots]


def reference_line(
    x: alt.X, y_field: str, label: str, series: str, key: Key, where: str | None = None, per: float = 1
) -> alt.Chart:
    """A standard, an aim or a claimed figure drawn from a column of the chart's own data (so the CSV holds it):
    a line through the rows where `y_field` has a value (and `where` holds), named in the chart's key (`key`, under
    the series field `series`) rather than written on the chart, where it would cover the data or other labels.
    `per`: as `nearest_values`'s."""
    rows = f"isValid(datum[{json.dumps(y_field)}])" + (f" && ({where})" if where else "")
    line = alt.Chart().transform_filter(rows).transform_calculate(**{series: json.dumps(label)})
    y = f"{field_ref(y_field)}:Q"
    if per != 1:
        line, y = line.transform_calculate(drawn_y=f"datum[{json.dumps(y_field)}] / {per}"), "drawn_y:Q"
    return line.mark_line(strokeWidth=1.8).encode(x=x, y=alt.Y(y), **key.encodings(series))


# --- the figure -----------------------------------------------------------------------------------------------


def _csv_frame(data: pd.DataFrame) -> pd.DataFrame:
    """The data as the CSV offers it: dates as ISO days (times only where there are any)."""
    out = data.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            times = (out[col].dt.normalize() != out[col]).any()
            out[col] = out[col].dt.strftime("%Y-%m-%dT%H:%M:%S" if times else "%Y-%m-%d")
    return out


def _csv_type(col: pd.Series) -> str | None:
    """How the browser must read a CSV column back: 'number', 'boolean' or None (text, dates)."""
    if pd.api.types.is_bool_dtype(col):
        return "boolean"
    if pd.api.types.is_numeric_dtype(col):
        return "number"
    values = col.dropna()
    if len(values) and values.map(lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, bool)).all():
        return "number"  # numbers with gaps held as objects (e.g. None where an interval does not apply)
    return None


def _inline_csv(spec: dict, data: pd.DataFrame) -> None:
    """Replace the chart's top-level dataset (Altair's JSON records) by a named CSV data set the page's script
    fills in, so the data travels once. CSV holds text: numbers and true/false are parsed as the frame's types."""
    name = (spec.get("data") or {}).get("name")
    if not name or name not in spec.get("datasets", {}):
        raise BuildError("a chart's top-level data must be a pandas DataFrame")
    del spec["datasets"][name]
    if not spec["datasets"]:
        del spec["datasets"]
    parse = {str(c): kind for c in data.columns if (kind := _csv_type(data[c]))}
    spec["data"] = {"name": CSV_DATA, "values": "", "format": {"type": "csv", "parse": parse}}


def _panels(vl: dict, data: pd.DataFrame) -> int:
    """How many panels a chart sets side by side (1 for a single view)."""
    if "facet" in vl:
        field = vl["facet"].get("field")
        shown = data[field].nunique() if field in data else 1
        return int(min(vl.get("columns") or shown, shown))
    if "concat" in vl:
        return int(min(vl.get("columns") or len(vl["concat"]), len(vl["concat"])))
    return len(vl["hconcat"]) if "hconcat" in vl else 1


def _stacked(vl: dict) -> dict:
    """The same chart with its panels one above the other (for a narrow screen)."""
    out = dict(vl)
    if "hconcat" in out:
        out["vconcat"] = out.pop("hconcat")
    else:
        out["columns"] = 1
    return out


def json_patch(a, b, path: tuple = ()) -> list:
    """The changes that turn `a` into `b`, as [[path, new value], ...] (a whole value where the shapes differ)."""
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return [p for k in a for p in json_patch(a[k], b[k], (*path, k))]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [p for i, (x, y) in enumerate(zip(a, b)) for p in json_patch(x, y, (*path, i))]
    return [] if a == b else [[list(path), b]]


def csv_header(fields: Sequence[Field]) -> str:
    """The CSV download's first line: each column's plain heading (`Field.heading`), quoted where it must be."""
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([f.heading for f in fields])
    return out.getvalue()


def file_name(title: str) -> str:
    """A chart's CSV file name from its title's words: 'Category 2 (emergency): response times by month' ->
    'category-2-emergency-response-times-by-month.csv'."""
    words = re.findall(r"[a-z0-9]+", title.lower().replace("£", "").replace("+", " plus "))
    return "-".join(words)[:90].rstrip("-") + ".csv"


def compile_spec(vl: dict) -> dict:
    import vl_convert as vlc

    try:
        return vlc.vegalite_to_vega(vl, vl_version=VL_VERSION)
    except Exception as e:  # vl-convert raises a bare ValueError with the Vega-Lite message
        raise BuildError(f"Vega-Lite could not compile a chart: {e}") from e


def figure(
    chart: alt.TopLevelMixin,
    *,
    name: str,
    title: str,
    units: str,
    source: str,
    alt_text: str,
    fields: Mapping[str, Field] | None = None,
    table: Pivot | None = None,
    aspect: float | None = None,
) -> HTML:
    """Render a chart for the book. The chart's top-level data must be a DataFrame: it is what the CSV link and
    the numbers table offer, so both are exactly the data drawn.

    `fields` gives columns plain titles and formats in the numbers table (others are shown as they are);
    `table` lays that table out as a grid; `aspect` (height ÷ width) keeps a map's shape at any width."""
    data = getattr(chart, "data", None)
    if not isinstance(data, pd.DataFrame):
        raise BuildError(
            f"Chart '{name}': its top-level data must be a pandas DataFrame "
            "(so the CSV download is exactly what is drawn)."
        )
    if not (title and units and source and alt_text):
        raise BuildError(f"Chart '{name}' needs a title, units, a source line and alt text.")
    fields = dict(fields or {})
    missing = [str(c) for c in data.columns if c not in fields]
    if missing:
        raise BuildError(
            f"Chart '{name}': give every column a Field (its plain title in the numbers table and the CSV "
            f"download); {', '.join(missing)} has none."
        )
    unknown = sorted(set(fields) - set(data.columns))
    if unknown or (table and not {table.rows, table.value, *table.columns} <= set(data.columns)):
        raise BuildError(
            f"Chart '{name}': the numbers table names columns the data does not have "
            f"({', '.join(unknown) or table}); it has {', '.join(map(str, data.columns))}."
        )
    csv = _csv_frame(data).to_csv(index=False, lineterminator="\n")
    vl = chart.to_dict()
    _inline_csv(vl, data)
    panels = _panels(vl, data)
    spec = compile_spec(vl)
    if sum(d.get("name") == CSV_DATA for d in spec.get("data", [])) != 1:
        raise BuildError(f"Chart '{name}': the compiled chart lost its data set.")
    meta = {
        "csv": csv,
        "name": name,
        "panels": panels,
        "widths": [
            s["name"]
            for s in spec.get("signals", [])
            if re.search(r"(^child|_)width$|^childWidth$", s["name"]) and isinstance(s.get("value"), (int, float))
        ],
        "fields": {k: {"title": f.title, "format": f.format} for k, f in fields.items()},
        "header": csv_header([fields[c] for c in data.columns]),
    }
    if panels > 1:
        # Vega-Lite decides at compile time which panels carry axes and headers, so the stacked layout is
        # compiled too; the page carries only what differs (a few values).
        meta["narrow"] = json_patch(spec, compile_spec(_stacked(vl)))
    if table:
        meta["table"] = dataclasses.asdict(table)
    if aspect:
        meta["aspect"] = round(aspect, 4)
    payload = json.dumps([spec, meta], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    element = f"chart-{name}-{hashlib.sha256(payload.encode()).hexdigest()[:10]}"
    safe = payload.replace("</", "<\\/")  # `</` inside a JSON string would end the script element early
    e = html.escape
    body = (
        f'<figure class="se-chart" id="fig-{e(name)}">\n'
        f'<figcaption class="se-chart-head"><span class="se-chart-title">{e(title)}</span>\n'
        f'<span class="se-chart-units">{e(units)}</span></figcaption>\n'
        f'<div class="se-chart-vis" role="img" aria-label="{e(alt_text)}"><div id="{element}"></div></div>\n'
        f'<p class="se-chart-foot"><span class="se-chart-source">Source: {e(source)}.</span> '
        f'<a class="se-chart-csv" download="{e(file_name(title))}" href="#fig-{e(name)}">Download the data (CSV)</a>'
        "</p>\n"
        f'<details class="se-chart-numbers"><summary>The numbers in this chart</summary>'
        f'<div class="se-chart-table"></div></details>\n'
        f'<script type="text/javascript">(window.seChartQueue = window.seChartQueue || [])'
        f'.push(["{element}"].concat({safe})); if (window.seCharts) window.seCharts.drain();</script>\n'
        "</figure>"
    )
    return HTML(body)


def read_figure(body: str) -> tuple[dict, dict]:
    """(Vega spec, meta) of a figure's HTML, as the page's script receives them (for tests and checks)."""
    m = re.search(r'\.push\(\["[^"]+"\]\.concat\((.*)\)\); if \(window\.seCharts\)', body, re.S)
    if not m:
        raise ValueError("not a chart figure")
    spec, meta = json.loads(m.group(1).replace("<\\/", "</"))
    return spec, meta


# --- the page's script ----------------------------------------------------------------------------------------

_RUNTIME = Path(__file__).with_name("charts.js")


def bundle_source() -> str:
    """The page's script before bundling: `charts.js` with the address of Vega's module and the narrow width."""
    text = _RUNTIME.read_text(encoding="utf-8")
    return (
        text.replace("__VEGA_MODULE__", VEGA_MODULE)
        .replace("__NARROW_PX__", str(NARROW_PX))
        .replace("__CSV_DATA__", CSV_DATA)
        .replace("__FONT__", json.dumps(FONT))
    )


def write_bundle(static_dir: Path) -> Path:
    """Write `se-charts.js` (Vega and the book's chart script, bundled by vl-convert) into the site's _static
    folder, unless the one there was made from the same vl-convert and script (bundling takes about a second)."""
    import vl_convert as vlc

    source = bundle_source()
    digest = hashlib.sha256(source.encode()).hexdigest()[:12]
    stamp = f"/* se-charts: vl-convert {vlc.__version__}, vega only, script {digest} */\n"
    dest = static_dir / BUNDLE_NAME
    if dest.is_file():
        with dest.open(encoding="utf-8") as f:
            if f.readline() == stamp:
                return dest
    try:
        bundled = vlc.javascript_bundle(source, vl_version=VL_VERSION)
    except Exception as e:
        raise BuildError(
            f"vl-convert {vlc.__version__} could not bundle Vega for the charts ({str(e).splitlines()[0]}); "
            f"if it no longer carries {VEGA_MODULE}, update VEGA_MODULE in {__name__}."
        ) from e
    # Wrapped in a function: the bundle's top-level names (`_`, single letters) must not clash with Sphinx's.
    text = stamp + "(function () {\n" + bundled + "\n})();\n"
    static_dir.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{BUNDLE_NAME}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(dest)  # atomic: an interrupted build never leaves half a bundle
    return dest
