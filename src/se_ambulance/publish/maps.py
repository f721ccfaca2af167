"""Maps: Vega-Lite geoshapes drawn offline like every other chart (`charts.figure`: title, units,
source line, alt text, CSV of exactly what is drawn).

Geometry arrives prepared (`analysis.geometry`: simplified, quantised TopoJSON with clockwise exterior
rings, each geometry's `id` the trust or district code). A map's top-level data is a DataFrame with
one row per area drawn (what the CSV offers); the shapes are joined to it by a lookup on `id`, so the
geometry travels once, inside the spec, and nothing is fetched.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import altair as alt
import pandas as pd

from se_ambulance.analysis.geometry import OBJECT
from se_ambulance.publish.charts import Field, colour_of, figure
from se_ambulance.publish.format import percent
from se_ambulance.reference.orgs import PROVIDERS

# The focus trust and the group's other trusts in their colours from every other chart (`charts.colour_of`).
ROLE_COLOURS = {"other trust": "#D8DDE0", "Isle of Wight (not a footprint)": "#AEB7BD"}
RUC_COLOURS = {
    "Urban": "#005EB8",
    "Intermediate urban": "#41B6E6",
    "Intermediate rural": "#78BE20",
    "Majority rural": "#006747",
}
WIDTH, HEIGHT, DISTRICT_HEIGHT = 560, 600, 420  # the page's script keeps these shapes at any width
DISTRICT_FIELDS = {"id": Field("Code"), "district": Field("District"), "trust": Field("Trust")}
PROJECTION = "mercator"
# Label points (degrees east, north) moved from each area's representative point where two labels would overprint
# on a phone or in print: SCAS's point lies just west of London, so its label goes south into Hampshire, still
# inside the footprint; the Isle of Wight's goes below the island, clear of the SCAS coast. The ten trusts are drawn
# whatever the parameters, so these hold for every book (tests/test_site.py checks no two labels overlap).
LABEL_NUDGES = {"RYE": (0.0, -0.3), "R1F": (0.0, -0.15)}
MAP_BUDGET_BYTES = 150_000  # one map's spec; every map here is well under it (the tests say so)


def _shapes(topology: dict) -> alt.LookupData:
    data = alt.InlineData(values=topology, format=alt.DataFormat(type="topojson", feature=OBJECT))
    return alt.LookupData(data=data, key="id")


def short_label(code: str) -> str:
    """The label drawn on a trust: its abbreviation (SECAmb, SCAS, LAS, …) or 'Isle of Wight'."""
    name = PROVIDERS.get(code, code)
    return name[name.index("(") + 1 : name.index(")")] if "(" in name else name


def trust_names(codes: str) -> str:
    """The trusts a district's row names, by name: 'RYD' -> 'South East Coast (SECAmb)'; a district two trusts share,
    'RYD/RYE', -> 'South East Coast (SECAmb) and South Central (SCAS)'."""
    return " and ".join(PROVIDERS.get(c.strip(), c.strip()) for c in str(codes).split("/"))


def spec_bytes(chart: alt.TopLevelMixin) -> int:
    """The size of a chart's spec as the page carries it (compact JSON)."""
    return len(json.dumps(chart.to_dict(), separators=(",", ":")).encode())


# --- the ten trusts ------------------------------------------------------------------------------


def trust_map_frame(focus: str, group_members: Sequence[str], labels: pd.DataFrame) -> pd.DataFrame:
    """One row per area drawn: `id, trust, role, label, lon, lat` (label point)."""
    group = set(group_members)

    def role(code: str) -> str:
        if code == focus:
            return "focus trust"
        if code in group:
            return "group member"
        return "Isle of Wight (not a footprint)" if code == "R1F" else "other trust"

    out = labels[["id", "lon", "lat"]].copy()
    out.insert(1, "trust", out["id"].map(lambda c: PROVIDERS.get(c, c)))
    out.insert(2, "role", out["id"].map(role))
    out.insert(3, "label", out["id"].map(short_label))
    # The key names the focus trust and each group member (each has its own colour); the rest share grey.
    out.insert(
        4,
        "shown_as",
        [f"{lab}: {r}" if r in ("focus trust", "group member") else r for lab, r in zip(out["label"], out["role"])],
    )
    for code, (east, north) in LABEL_NUDGES.items():
        moved = out["id"] == code
        out.loc[moved, "lon"] += east
        out.loc[moved, "lat"] += north
    return out


def trust_map(focus: str, group_members: Sequence[str], topology: dict, labels: pd.DataFrame) -> alt.LayerChart:
    """The ten ambulance trust footprints and the Isle of Wight; the focus trust and the rest of its
    group highlighted. `topology`, `labels`: `analysis.geometry.trust_topology(...)`."""
    frame = trust_map_frame(focus, group_members, labels)
    rank = {"focus trust": 0, "group member": 1, "other trust": 2, "Isle of Wight (not a footprint)": 3}
    keys = list(dict.fromkeys(frame.sort_values("role", key=lambda r: r.map(rank), kind="stable")["shown_as"]))
    focus_label = short_label(focus)
    shapes = (
        alt.Chart()
        .mark_geoshape(stroke="white", strokeWidth=0.8)
        .transform_lookup(lookup="id", from_=_shapes(topology), as_="geo")
        .encode(
            shape="geo:G",
            color=alt.Color(
                "shown_as:N",
                title=None,
                sort=keys,
                scale=alt.Scale(domain=keys, range=[ROLE_COLOURS.get(k) or colour_of(k, focus_label) for k in keys]),
            ),
            tooltip=[alt.Tooltip("trust:N", title="Trust"), alt.Tooltip("role:N", title="Shown as")],
        )
    )
    # White on the highlighted trusts' strong colours, dark on the greys.
    text = (
        alt.Chart()
        .mark_text(fontSize=11, fontWeight="bold")
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            text="label:N",
            color=alt.condition(
                "datum.role === 'focus trust' || datum.role === 'group member'",
                alt.value("white"),
                alt.value("#231f20"),
            ),
        )
    )
    return alt.layer(shapes, text, data=frame).project(PROJECTION).properties(width=WIDTH, height=HEIGHT)


def trust_map_figure(
    focus: str,
    group_members: Sequence[str],
    topology: dict,
    labels: pd.DataFrame,
    source: str,
    name: str = "trust-footprints",
    group_name: str | None = None,
):
    """The book's figure of the trust footprints: the focus trust and the book's group (`group_members`,
    named `group_name`: the `group` parameter) highlighted."""
    others = [PROVIDERS[c] for c in group_members if c != focus]
    called = f"{group_name}: " if group_name else ""
    whose = "the rest of its group" if focus in group_members else "the group"
    alt_text = (
        f"Map of England divided into the ten ambulance trust footprints (April 2018 CCG basis), "
        f"with the Isle of Wight, served by its own NHS trust, drawn separately. "
        f"{PROVIDERS.get(focus, focus)}, the focus trust, is dark blue"
        + (
            f"; {whose} ({called}{', '.join(others)}) is in each trust's colour from the book's line charts"
            if others
            else ""
        )
        + "; the other trusts are grey. Each footprint is labelled with the trust's short name."
    )
    return figure(
        trust_map(focus, group_members, topology, labels),
        name=name,
        title="Ambulance trust footprints in England",
        units="Footprints as NHS England maps commissioning areas (CCGs, April 2018) to trusts",
        source=source,
        alt_text=alt_text,
        aspect=HEIGHT / WIDTH,
        fields={
            "id": Field("Code"),
            "trust": Field("Trust"),
            "role": Field("Shown as"),
            "label": Field("Label"),
            "shown_as": Field("Key"),
            "lon": Field("Label longitude", "number", 3),
            "lat": Field("Label latitude", "number", 3),
        },
    )


# --- 85+ growth by district ----------------------------------------------------------------------


def choropleth_frame(growth: pd.DataFrame) -> pd.DataFrame:
    """What the district map draws (`analysis.footprints.district_85plus_growth`), rounded for the CSV:
    `id, district, trust, projection` (district / sub-ICB), `aged_85_plus_base`, `aged_85_plus_target`,
    `growth` (a proportion)."""
    return pd.DataFrame(
        {
            "id": growth["code"],
            "district": growth["name"],
            "trust": growth["trust"].map(trust_names),
            "projection": growth["level"].map({"district": "district", "sub-ICB": "sub-ICB (shared)"}),
            "aged_85_plus_base": growth["base_85"].round(0),
            "aged_85_plus_target": growth["target_85"].round(0),
            "growth": growth["growth"].round(4),
        }
    )


def district_choropleth(growth: pd.DataFrame, topology: dict, base: int, target: int) -> alt.Chart:
    """Districts of a footprint shaded by 85+ growth from `base` to `target`; districts whose growth is
    their sub-ICB's (no district projection here) have dashed outlines."""
    frame = choropleth_frame(growth)
    return (
        alt.Chart(frame)
        .mark_geoshape(stroke="#425563", strokeWidth=0.5)
        .transform_lookup(lookup="id", from_=_shapes(topology), as_="geo")
        .encode(
            shape="geo:G",
            color=alt.Color(
                "growth:Q",
                title=f"85+ growth {base}–{target}",
                scale=alt.Scale(scheme="blues"),
                legend=alt.Legend(format=".0%"),
            ),
            strokeDash=alt.StrokeDash(
                "projection:N",
                title="Projection for",
                scale=alt.Scale(domain=["district", "sub-ICB (shared)"], range=[[1, 0], [3, 2]]),
                legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=1.5, symbolSize=400),
            ),
            # The outline's colour by the same field and title, so Vega-Lite merges it into the dash's key, whose
            # swatches would otherwise be transparent strokes that show nothing.
            stroke=alt.Stroke(
                "projection:N",
                title="Projection for",
                scale=alt.Scale(domain=["district", "sub-ICB (shared)"], range=["#425563", "#425563"]),
            ),
            tooltip=[
                alt.Tooltip("district:N", title="District"),
                alt.Tooltip("trust:N", title="Trust"),
                alt.Tooltip("growth:Q", title="85+ growth", format=".1%"),
                alt.Tooltip("aged_85_plus_base:Q", title=f"85+ in {base}", format=",.0f"),
                alt.Tooltip("aged_85_plus_target:Q", title=f"85+ in {target}", format=",.0f"),
                alt.Tooltip("projection:N", title="Projection for"),
            ],
        )
        .project(PROJECTION)
        .properties(width=WIDTH, height=DISTRICT_HEIGHT)
    )


def choropleth_figure(
    growth: pd.DataFrame,
    topology: dict,
    base: int,
    target: int,
    area: str,
    source: str,
    name: str = "district-85plus-growth",
):
    """The book's figure of 85+ growth by district across `area` (e.g. "SCAS + SECAmb")."""
    g = growth.sort_values("growth")
    low, high = g.iloc[0], g.iloc[-1]
    shared = int((growth["level"] != "district").sum())
    alt_text = (
        f"Map of the {len(growth)} districts of the {area} footprint shaded by the projected growth "
        f"in people aged 85 and over from mid-{base} to mid-{target}: from {percent(low['growth'], 0)} in "
        f"{low['name']} to {percent(high['growth'], 0)} in {high['name']}. "
        + (
            f"{shared} districts have no district projection here and show their sub-ICB's growth (dashed outlines)."
            if shared
            else "Every district has its own projection."
        )
    )
    return figure(
        district_choropleth(growth, topology, base, target),
        name=name,
        title=f"Growth in the population aged 85+, {base} to {target}, by district",
        units="Change in the 85+ population, %; dashed outline: growth of the district's sub-ICB area",
        source=source,
        alt_text=alt_text,
        aspect=DISTRICT_HEIGHT / WIDTH,
        fields=DISTRICT_FIELDS
        | {
            "growth": Field(f"85+ growth {base}–{target}", "percent", 1),
            "aged_85_plus_base": Field(f"Aged 85+ in {base}", "number", 0),
            "aged_85_plus_target": Field(f"Aged 85+ in {target}", "number", 0),
            "projection": Field("Projection for"),
        },
    )


# --- rural–urban class ---------------------------------------------------------------------------


def rural_urban_map(growth: pd.DataFrame, topology: dict) -> alt.Chart:
    """Districts of a footprint coloured by the ONS 2021 rural–urban class (`growth` must carry `class`)."""
    frame = pd.DataFrame(
        {
            "id": growth["code"],
            "district": growth["name"],
            "trust": growth["trust"].map(trust_names),
            "rural_urban_class": growth["class"],
            "broad": growth["ruc"],
        }
    )
    classes = [c for c in RUC_COLOURS if c in set(frame["rural_urban_class"])]
    return (
        alt.Chart(frame)
        .mark_geoshape(stroke="white", strokeWidth=0.5)
        .transform_lookup(lookup="id", from_=_shapes(topology), as_="geo")
        .encode(
            shape="geo:G",
            color=alt.Color(
                "rural_urban_class:N",
                title="Rural–urban class",
                sort=classes,
                scale=alt.Scale(domain=classes, range=[RUC_COLOURS[c] for c in classes]),
            ),
            tooltip=[
                alt.Tooltip("district:N", title="District"),
                alt.Tooltip("rural_urban_class:N", title="Class"),
                alt.Tooltip("trust:N", title="Trust"),
            ],
        )
        .project(PROJECTION)
        .properties(width=WIDTH, height=DISTRICT_HEIGHT)
    )


def rural_urban_figure(
    growth: pd.DataFrame, topology: dict, area: str, source: str, name: str = "district-rural-urban"
):
    counts = growth["class"].value_counts()
    parts = ", ".join(f"{counts[c]} {c.lower()}" for c in RUC_COLOURS if c in counts)
    alt_text = (
        f"Map of the {len(growth)} districts of the {area} footprint coloured by the ONS 2021 "
        f"rural–urban classification: {parts}."
    )
    return figure(
        rural_urban_map(growth, topology),
        name=name,
        title="Rural–urban class of the footprint's districts",
        units="ONS Rural-Urban Classification 2021 of local authority districts",
        source=source,
        alt_text=alt_text,
        aspect=DISTRICT_HEIGHT / WIDTH,
        fields=DISTRICT_FIELDS | {"rural_urban_class": Field("Rural–urban class"), "broad": Field("Urban or rural")},
    )


def growth_by_class_chart(table: pd.DataFrame, base: int, target: int) -> alt.Chart:
    """85+ growth by rural–urban class (`analysis.footprints.growth_by_rural_urban`), one bar per class."""
    frame = pd.DataFrame(
        {
            "rural_urban_class": table["class"],
            "districts": table["districts"],
            "districts_with_own_projection": table["districts_own"],
            "aged_85_plus_base": table["base_85"].round(0),
            "aged_85_plus_target": table["target_85"].round(0),
            "growth": table["growth"].round(4),
        }
    )
    order = list(frame["rural_urban_class"])
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("rural_urban_class:N", title=None, sort=order),
            x=alt.X("growth:Q", title=f"85+ growth {base}–{target}", axis=alt.Axis(format=".0%")),
            color=alt.Color(
                "rural_urban_class:N",
                legend=None,
                sort=order,
                scale=alt.Scale(domain=order, range=[RUC_COLOURS.get(c, "#425563") for c in order]),
            ),
            tooltip=[
                alt.Tooltip("rural_urban_class:N", title="Class"),
                alt.Tooltip("growth:Q", title=f"85+ growth {base}–{target}", format=".1%"),
                alt.Tooltip("districts:Q", title="Districts"),
                alt.Tooltip("districts_with_own_projection:Q", title="With their own projection"),
            ],
        )
        .properties(width=520, height=30 * len(frame))
    )


def growth_by_class_figure(
    table: pd.DataFrame, base: int, target: int, area: str, source: str, name: str = "85plus-growth-by-rural-urban"
):
    desc = "; ".join(
        f"{r['class']} {percent(r['growth'], 0)} ({int(r['districts'])} districts, "
        f"{int(r['districts_own'])} with their own projection)"
        for _, r in table.iterrows()
    )
    alt_text = (
        f"Bar chart of projected growth in the population aged 85+ from mid-{base} to mid-{target} "
        f"across the {area} footprint's districts, by rural–urban class: {desc}."
    )
    return figure(
        growth_by_class_chart(table, base, target),
        name=name,
        title=f"Growth in the population aged 85+, {base} to {target}, by rural–urban class",
        units="Change in the 85+ population of the districts in each class, %",
        source=source,
        alt_text=alt_text,
        fields={
            "rural_urban_class": Field("Rural–urban class"),
            "districts": Field("Districts", "number", 0),
            "districts_with_own_projection": Field("With their own projection", "number", 0),
            "aged_85_plus_base": Field(f"Aged 85+ in {base}", "number", 0),
            "aged_85_plus_target": Field(f"Aged 85+ in {target}", "number", 0),
            "growth": Field(f"85+ growth {base}–{target}", "percent", 1),
        },
    )


# The phrase of seed 001 that the rural–urban comparison tests, as far as population data can.
RUC_PHRASE = "differences between urban, coastal and rural areas"


def rural_urban_words(by_ruc: pd.DataFrame, quote: str) -> dict[str, str]:
    """Text values for the rural–urban paragraph of the demand chapter. `by_ruc` is
    `analysis.footprints.growth_by_rural_urban(growth, by="ruc")` (rows Urban and/or Rural); `quote` is the
    claim's exact words, which must contain the phrase tested."""
    if RUC_PHRASE not in quote:
        raise ValueError(f"the quoted claim no longer contains {RUC_PHRASE!r}")
    rows = by_ruc.set_index("ruc")
    words = {
        "ruc_quote": RUC_PHRASE,
        "ruc_districts": str(int(rows["districts"].sum())),
        "ruc_own": str(int(rows["districts_own"].sum())),
    }
    for kind in ("Urban", "Rural"):
        words[f"ruc_{kind.lower()}"] = (
            percent(rows.loc[kind, "growth"])
            if kind in rows.index
            else f"nothing (the footprint has no {kind.lower()} district)"
        )
    if not {"Urban", "Rural"} <= set(rows.index):
        words["ruc_verdict"] = "With only one kind of district, this footprint cannot show a rural–urban difference."
    else:
        words["ruc_verdict"] = rural_urban_gap_sentence(rows.loc["Urban", "growth"], rows.loc["Rural", "growth"])
    return words


# A rural–urban gap in 85+ growth is "small" when it is less than this share of the growth common to both
# classes (the slower class's growth).
SMALL_GAP_SHARE = 0.25


def rural_urban_gap_sentence(urban: float, rural: float) -> str:
    """The sentence that judges the gap between rural and urban 85+ growth (shares, 0.385 = 38.5%).

    Rules, stated on the page: the direction ('faster in the rural districts') only when the gap is at least
    0.1 percentage point, the precision shown; the gap is 'small' when it is less than SMALL_GAP_SHARE of the
    growth common to both (the slower class's growth), otherwise 'not small'. Everything is worked out from the two
    shares as the page shows them (to 0.1%), so the gap is the one a reader computes from them."""
    urban, rural = round(urban, 3), round(rural, 3)
    gap = rural - urban
    points = round(abs(gap) * 100, 1)
    if points == 0:
        return (
            "The oldest population grows at the same rate in the rural and the urban districts, to the 0.1 "
            "percentage point shown."
        )
    faster = "rural" if gap > 0 else "urban"
    common = min(urban, rural)
    head = f"The oldest population grows faster in the {faster} districts, by {points:.1f} percentage points"
    rule = f"the book calls a gap small when it is less than {percent(SMALL_GAP_SHARE, 0)} of that common growth"
    if common <= 0:
        return f"{head}; with no growth common to both, the book does not call the gap small or large."
    share = percent(abs(gap) / common, 0)
    if abs(gap) < SMALL_GAP_SHARE * common:
        return f"{head}: small beside the {percent(common)} growth common to both ({share} of it; {rule})."
    return f"{head}: not small beside the {percent(common)} growth common to both ({share} of it; {rule})."
