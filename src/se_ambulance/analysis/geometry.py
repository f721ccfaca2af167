"""Small map geometry for the book's Vega-Lite maps: simplified, quantised TopoJSON with clockwise
exterior rings.

Vega (d3-geo) reads polygons on the sphere and takes a *counter-clockwise* exterior ring to enclose
everything outside it, so a GeoJSON written the usual way (RFC 7946, as shapely writes it) is drawn as
the whole world filled. `prepare_topology` rewinds every polygon to clockwise exteriors (counter-
clockwise holes), simplifies shared borders once (so neighbours stay joined), quantises coordinates to
a grid and returns a TopoJSON dict whose geometries carry their `id`. `ring_orientations` decodes a
topology again so that a test can check what will be drawn.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import shapely
import topojson
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.polygon import orient

OBJECT = "areas"  # the TopoJSON object name the map builders read (`feature` in Vega-Lite's format)


def rewind(geom):
    """The polygon or multipolygon with clockwise exterior rings and counter-clockwise holes."""
    if isinstance(geom, Polygon):
        return orient(geom, sign=-1.0)
    if isinstance(geom, MultiPolygon):
        return MultiPolygon([orient(p, sign=-1.0) for p in geom.geoms])
    raise TypeError(f"expected a Polygon or MultiPolygon, got {geom.geom_type}")


def _polygons(geom):
    """The polygonal part of a geometry (make_valid can return a collection with stray lines)."""
    if isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    parts = [
        p
        for g in getattr(geom, "geoms", [])
        for p in (g.geoms if isinstance(g, MultiPolygon) else [g])
        if isinstance(p, Polygon)
    ]
    if not parts:
        raise ValueError(f"a {geom.geom_type} with no polygon in it")
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _drop_specks(geom, min_area: float):
    """Polygon parts and holes smaller than `min_area` (degrees²) removed; never the largest part."""
    parts = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
    biggest = max(parts, key=lambda p: p.area)
    kept = [
        Polygon(p.exterior, [h for h in p.interiors if Polygon(h).area >= min_area])
        for p in parts
        if p is biggest or p.area >= min_area
    ]
    return kept[0] if len(kept) == 1 else MultiPolygon(kept)


def prepare_topology(
    ids: Iterable[str], geometries: Iterable, tolerance: float = 0.01, quantize: float = 5e3, min_area: float = 2e-4
) -> dict:
    """A TopoJSON topology (dict) of the given areas, one geometry per id with `"id"` set.

    `tolerance` is the simplification tolerance in degrees applied to the shared arcs (0.01° is under
    1.1 km, about one pixel of a 640-pixel-wide map of England; use about 0.005 for a region); `quantize`
    the number of grid steps across the bounding box (5,000: several per pixel); islands and holes under `min_area` degrees² (2e-4 ≈ 1.5 km²) are
    dropped. Invalid input polygons are repaired first (`make_valid`). A ring that simplification and
    quantisation leave with the wrong orientation is rewound after encoding (or dropped if it has no
    area left), because Vega would fill the whole world outside it."""
    ids = list(ids)
    geoms = [_drop_specks(_polygons(shapely.make_valid(g)), min_area) for g in geometries]
    features = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": i, "properties": {"id": i}, "geometry": mapping(rewind(g))}
            for i, g in zip(ids, geoms)
        ],
    }
    topo = topojson.Topology(
        features, prequantize=quantize, toposimplify=tolerance, winding_order="CW_CCW", object_name=OBJECT
    )
    out = topo.to_dict()
    for g in out["objects"][OBJECT]["geometries"]:
        g["id"] = g.get("properties", {}).get("id", g.get("id"))
        g.pop("bbox", None)
    out.pop("bbox", None)
    return _fix_orientation(out)


def _fix_orientation(topology: dict, obj: str = OBJECT) -> dict:
    """Rewind, in the topology itself, every exterior ring that decodes counter-clockwise and every hole
    that decodes clockwise (the topojson package leaves a ring wrong where an enclave and its
    neighbour's hole share one closed arc); drop rings that simplification collapsed to no area."""
    arcs = _arcs(topology)

    def reverse(ring: list[int]) -> list[int]:
        return [~i for i in reversed(ring)]

    for g in topology["objects"][obj]["geometries"]:
        if g["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
        kept = []
        for exterior, *holes in polys:
            area = _signed_area(_ring(arcs, exterior))
            if area == 0:
                continue
            fixed = [exterior if area < 0 else reverse(exterior)]
            for h in holes:
                ha = _signed_area(_ring(arcs, h))
                if ha != 0:
                    fixed.append(h if ha > 0 else reverse(h))
            kept.append(fixed)
        if not kept:
            raise ValueError(f"area {g.get('id')!r} vanished when simplified; lower the tolerance")
        g["type"], g["arcs"] = ("Polygon", kept[0]) if len(kept) == 1 else ("MultiPolygon", kept)
    return topology


def _signed_area(pts: list[tuple[float, float]]) -> float:
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1]))


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    t = topology.get("transform")
    out = []
    for arc in topology["arcs"]:
        if t:
            x = y = 0
            pts = []
            for dx, dy in arc:
                x, y = x + dx, y + dy
                pts.append((x * t["scale"][0] + t["translate"][0], y * t["scale"][1] + t["translate"][1]))
        else:
            pts = [tuple(p) for p in arc]
        out.append(pts)
    return out


def _ring(arcs: list, indices: list[int]) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for i in indices:
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(a if not pts else a[1:])
    return pts


def ring_orientations(topology: dict, obj: str = OBJECT) -> pd.DataFrame:
    """Every ring of every geometry decoded: `id, polygon, ring` (0 = exterior), `signed_area`
    (shoelace in degrees²; negative = clockwise), `clockwise`."""
    arcs = _arcs(topology)
    rows = []
    for g in topology["objects"][obj]["geometries"]:
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"] if g["type"] == "MultiPolygon" else []
        for p, poly in enumerate(polys):
            for r, idx in enumerate(poly):
                area = _signed_area(_ring(arcs, idx))
                rows.append({"id": g.get("id"), "polygon": p, "ring": r, "signed_area": area, "clockwise": area < 0})
    return pd.DataFrame(rows)


def label_points(ids: Iterable[str], geometries: Iterable) -> pd.DataFrame:
    """A point inside each area for its label (the largest part's representative point): `id, lon, lat`."""
    rows = []
    for i, g in zip(ids, geometries):
        part = max(g.geoms, key=lambda p: p.area) if isinstance(g, MultiPolygon) else g
        pt = part.representative_point()
        rows.append({"id": i, "lon": round(pt.x, 3), "lat": round(pt.y, 3)})
    return pd.DataFrame(rows)


ISLE_OF_WIGHT_DISTRICT = "E06000046"


def trust_topology(
    trust_polygons: pd.DataFrame, districts: pd.DataFrame, tolerance: float = 0.01
) -> tuple[dict, pd.DataFrame]:
    """The ten trust footprints plus the Isle of Wight (R1F, drawn from its district boundary, since the
    footprints leave it out) as one topology, and a label point for each: (`topology`, `id, lon, lat`)."""
    iow = districts[districts["code"] == ISLE_OF_WIGHT_DISTRICT]
    ids = [*trust_polygons["org_code"], "R1F"]
    geoms = [*trust_polygons["geometry"], *iow["geometry"]]
    return prepare_topology(ids, geoms, tolerance), label_points(ids, geoms)


def district_topology(
    districts: pd.DataFrame, codes: Iterable[str], tolerance: float = 0.005
) -> tuple[dict, pd.DataFrame]:
    """The named districts (`code` in `codes`) as one topology, with label points."""
    d = districts[districts["code"].isin(list(codes))]
    return prepare_topology(d["code"], d["geometry"], tolerance), label_points(d["code"], d["geometry"])
