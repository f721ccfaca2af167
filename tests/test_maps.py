"""Maps (issue 14): geometry that Vega draws as shapes, not as the world filled; small specs; every
map a book figure with a title, a source line, alt text and a CSV."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from shapely.geometry import Polygon, box

from se_ambulance.analysis import footprints as fp
from se_ambulance.analysis import geometry
from se_ambulance.data import geography
from se_ambulance.data.population import load_la_85plus, load_subicb
from se_ambulance.publish import maps
from se_ambulance.publish.charts import read_figure

from .support.builders import data_mirror

ROOT = Path(__file__).resolve().parents[1]
MIRROR = data_mirror()  # absolute, resolved as the fetch resolves it
needs_data = pytest.mark.skipif(not MIRROR.is_dir(), reason="needs the data mirror")
# The tests on the real geometry build every trust's and district's topology and the book's maps (about 5 s
# with the real files): the full tier. The geometry rules themselves are tested on small shapes below.


def test_rings_are_rewound_clockwise_with_counter_clockwise_holes():
    ccw = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)], [[(0.2, 0.2), (0.2, 0.4), (0.4, 0.4), (0.4, 0.2)]])
    topo = geometry.prepare_topology(["a"], [ccw], tolerance=0, quantize=1e3, min_area=0)
    rings = geometry.ring_orientations(topo)
    assert rings.loc[rings["ring"] == 0, "clockwise"].all() and not rings.loc[rings["ring"] == 1, "clockwise"].any()
    assert topo["objects"][geometry.OBJECT]["geometries"][0]["id"] == "a"


def test_an_enclave_and_the_hole_round_it_are_both_wound_for_vega():
    # Cambridge inside South Cambridgeshire: one closed arc serves as an exterior and a hole.
    outer = Polygon(box(0, 0, 3, 3).exterior.coords, [box(1, 1, 2, 2).exterior.coords])
    topo = geometry.prepare_topology(
        ["ring", "enclave"], [outer, box(1, 1, 2, 2)], tolerance=0, quantize=1e3, min_area=0
    )
    rings = geometry.ring_orientations(topo)
    assert rings.loc[rings["ring"] == 0, "clockwise"].all()
    assert not rings.loc[rings["ring"] > 0, "clockwise"].any()


@pytest.fixture(scope="module")
def built():
    trusts, districts = geography.load_trust_polygons(), geography.load_district_boundaries()
    topo, labels = geometry.trust_topology(trusts, districts)
    lsoas = fp.lsoa_trusts(geography.load_lsoa_subicb_lookup(), geography.load_district_trust_overlay(2021))
    d85 = fp.district_85plus(
        load_subicb(), load_la_85plus(), lsoas, geography.load_district_population_2020(), [2024, 2035]
    )
    members = fp.footprint_districts(geography.load_district_trust_overlay(2024), ["RYD", "RYE"])
    growth = fp.district_85plus_growth(d85, members, 2024, 2035, geography.load_rural_urban())
    dtopo, _ = geometry.district_topology(districts, members["code"])
    return {"topo": topo, "labels": labels, "growth": growth, "dtopo": dtopo}


@needs_data
@pytest.mark.slow  # the real geometry (see above)
@pytest.mark.parametrize("which", ["topo", "dtopo"])
def test_the_real_geometry_has_clockwise_exteriors_only(built, which):
    rings = geometry.ring_orientations(built[which])
    assert len(rings) and rings.loc[rings["ring"] == 0, "clockwise"].all()
    assert not rings.loc[rings["ring"] > 0, "clockwise"].any()


def _charts(b):
    return {
        "trust map": maps.trust_map("RYD", ["RYD", "RYE"], b["topo"], b["labels"]),
        "choropleth": maps.district_choropleth(b["growth"], b["dtopo"], 2024, 2035),
        "rural-urban map": maps.rural_urban_map(b["growth"], b["dtopo"]),
        "growth by class": maps.growth_by_class_chart(fp.growth_by_rural_urban(b["growth"]), 2024, 2035),
    }


@needs_data
@pytest.mark.slow  # the real geometry (see above)
def test_every_map_spec_is_within_the_budget(built):
    sizes = {k: maps.spec_bytes(c) for k, c in _charts(built).items()}
    assert all(s < maps.MAP_BUDGET_BYTES for s in sizes.values()), sizes


@needs_data
@pytest.mark.slow  # the real geometry (see above)
def test_the_figures_carry_title_source_alt_text_and_the_data_drawn(built):
    b = built
    figs = [
        maps.trust_map_figure("RYD", ["RYD", "RYE"], b["topo"], b["labels"], source="NHS England; ONS"),
        maps.choropleth_figure(b["growth"], b["dtopo"], 2024, 2035, "SCAS + SECAmb", source="ONS"),
        maps.rural_urban_figure(b["growth"], b["dtopo"], "SCAS + SECAmb", source="ONS"),
        maps.growth_by_class_figure(fp.growth_by_rural_urban(b["growth"]), 2024, 2035, "SCAS + SECAmb", "ONS"),
    ]
    for f in figs:
        html = f.data
        assert 'role="img" aria-label="' in html and "Source: " in html and "Download the data (CSV)" in html
        assert 'class="se-chart-title">' in html and 'class="se-chart-units">' in html
        spec, meta = read_figure(html)
        assert spec["marks"] and meta["csv"].count("\n") >= 2  # drawn from the CSV the figure carries
    assert "South East Coast (SECAmb), the focus trust, is dark blue" in figs[0].data
    assert "Isle of Wight" in figs[0].data


@needs_data
@pytest.mark.slow  # the real geometry (see above)
def test_the_trust_map_highlights_the_focus_and_the_group(built):
    frame = maps.trust_map_frame("RYE", ["RYD", "RYE"], built["labels"])
    roles = frame.set_index("id")["role"]
    assert roles["RYE"] == "focus trust" and roles["RYD"] == "group member"
    assert roles["R1F"].startswith("Isle of Wight") and (roles.drop(["RYD", "RYE", "R1F"]) == "other trust").all()
    assert len(frame) == 11


def _path_extents(svg: str) -> list[tuple[float, float]]:
    """Width and height of every geoshape path in a rendered SVG (Vega draws geoshapes as `mark-shape` groups)."""
    out = []
    for group in re.findall(r'<g class="mark-shape role-mark[^"]*"[^>]*>(.*?)</g>', svg, re.S):
        for d in re.findall(r' d="([^"]*)"', group):
            nums = [float(x) for x in re.findall(r"-?\d+\.?\d*", d)]
            xs, ys = nums[0::2], nums[1::2]
            out.append((max(xs) - min(xs), max(ys) - min(ys)))
    return out


@needs_data
@pytest.mark.slow  # renders the map to pixels (3 s)
def test_a_map_renders_as_england_not_a_filled_rectangle(built):
    vlc = pytest.importorskip("vl_convert")
    chart = _charts(built)["trust map"]
    extents = _path_extents(vlc.vegalite_to_svg(chart.to_dict()))
    # Eleven shapes, none spanning the whole view (a counter-clockwise exterior is drawn as the world
    # outside it: one path covering the plot, everything else shrunk to a dot).
    assert len(extents) == 11
    assert all(w < 0.8 * maps.WIDTH and h < 0.8 * maps.HEIGHT for w, h in extents), extents
    assert max(w for w, _ in extents) > 0.3 * maps.WIDTH  # and drawn at a readable scale
    # The check can fail: wind SCAS's rings the wrong way and it fills the view.
    bad = json.loads(json.dumps(built["topo"]))
    for g in bad["objects"][geometry.OBJECT]["geometries"]:
        if g["id"] == "RYE":
            polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
            flipped = [[[~i for i in reversed(r)] for r in poly] for poly in polys]
            g["arcs"] = flipped if g["type"] == "MultiPolygon" else flipped[0]
    bad_chart = maps.trust_map("RYD", ["RYD", "RYE"], bad, built["labels"])
    assert any(w >= 0.99 * maps.WIDTH for w, _ in _path_extents(vlc.vegalite_to_svg(bad_chart.to_dict())))


def _label_boxes(svg: str, font_px: float) -> dict[str, tuple[float, float, float, float]]:
    """Each text label of a rendered map as a box (left, top, right, bottom), its width estimated at 0.7 em a
    character (bold, generous), centred on its point as the map draws it."""
    boxes = {}
    marks = "".join(re.findall(r'<g class="mark-text role-mark[^"]*"[^>]*>(.*?)</g>', svg, re.S))  # not the key
    for x, y, text in re.findall(r'<text[^>]*transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*>([^<]+)</text>', marks):
        w = 0.7 * font_px * len(text)
        boxes[text] = (float(x) - w / 2, float(y) - font_px, float(x) + w / 2, float(y))
    return boxes


@needs_data
@pytest.mark.slow  # the real geometry (see above)
@pytest.mark.parametrize("width", [340, maps.WIDTH])  # a 390 px phone's chart box, and the full width
def test_no_two_trust_labels_overprint_on_a_phone_or_in_print(built, width):
    vlc = pytest.importorskip("vl_convert")
    chart = maps.trust_map("RYD", ["RYD", "RYE"], built["topo"], built["labels"]).properties(
        width=width, height=round(width * maps.HEIGHT / maps.WIDTH)
    )
    boxes = _label_boxes(vlc.vegalite_to_svg(chart.to_dict()), 11)
    assert {"SCAS", "LAS", "SECAmb", "Isle of Wight"} <= set(boxes), boxes
    clash = [
        (a, b)
        for i, (a, p) in enumerate(boxes.items())
        for b, q in list(boxes.items())[i + 1 :]
        if p[0] < q[2] and q[0] < p[2] and p[1] < q[3] and q[1] < p[3]
    ]
    assert clash == [], f"labels overprint at {width} px: {clash}"


@needs_data
@pytest.mark.slow  # the real geometry (see above)
def test_a_moved_trust_label_stays_inside_its_footprint(built):
    from shapely.geometry import Point

    frame = maps.trust_map_frame("RYD", ["RYD", "RYE"], built["labels"]).set_index("id")
    trusts = geography.load_trust_polygons().set_index("org_code")["geometry"]
    moved = [c for c in maps.LABEL_NUDGES if c in trusts.index]  # the Isle of Wight's label sits off the island
    assert moved
    for code in moved:
        assert trusts[code].contains(Point(frame.loc[code, "lon"], frame.loc[code, "lat"])), code


@needs_data
@pytest.mark.slow  # the real geometry (see above)
def test_the_district_maps_outline_key_draws_visible_swatches(built):
    """The dashed-outline key's swatches are strokes with a colour: a dash-only key gets transparent strokes."""
    vlc = pytest.importorskip("vl_convert")
    chart = maps.district_choropleth(built["growth"], built["dtopo"], 2024, 2035)
    vega = vlc.vegalite_to_vega(chart.to_dict())
    key = next(lg for lg in vega["legends"] if lg.get("strokeDash"))
    scale = next(s for s in vega["scales"] if s["name"] == key.get("stroke"))
    assert set(scale["range"]) == {"#425563"}
    assert "transparent" not in json.dumps(key.get("encode", {}))
