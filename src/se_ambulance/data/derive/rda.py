"""R data files (.rda) of public R packages written as CSV or GeoJSON, byte for byte as pinned.

Read with the pure-Python `rdata` package. An sf geometry column arrives as nested lists: a
MULTIPOLYGON is a list of polygons, each a list of rings (n x 2 arrays); a POLYGON is a list of rings.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

_EARTH_RADIUS_M = 6378137.0  # the sphere of EPSG:3857 (web Mercator)


def read_object(path: Path, name: str | None = None) -> object:
    """One object of an .rda file (the only one if `name` is None)."""
    import rdata  # imported here: only derivations need it

    with warnings.catch_warnings():
        # tibbles have no constructor of their own in rdata; they are read as data frames.
        warnings.filterwarnings("ignore", message="Missing constructor for R class")
        objects = rdata.read_rda(path)
    if name is None:
        if len(objects) != 1:
            raise ValueError(f"{path.name} holds {len(objects)} objects ({', '.join(objects)}); name one")
        return next(iter(objects.values()))
    if name not in objects:
        raise ValueError(f"{path.name} has no object {name!r} (it holds {', '.join(objects)})")
    return objects[name]


def _frame(obj: object, path: Path) -> pd.DataFrame:
    if not isinstance(obj, pd.DataFrame):
        raise ValueError(f"the object read from {path.name} is a {type(obj).__name__}, not a data frame")
    return obj


def table_csv(sources: dict[str, Path], out: Path, object: str | None = None,
              integer_columns: bool = False) -> None:
    """A data frame of the `rda` source as CSV (no index, '\\n' line ends); `integer_columns` casts
    every numeric column to integers (refused if any value is missing or not whole)."""
    df = _frame(read_object(sources["rda"], object), sources["rda"]).copy()
    if integer_columns:
        for c in df.select_dtypes("number").columns:
            values = df[c].to_numpy(dtype=float)
            if np.isnan(values).any() or (values != np.round(values)).any():
                raise ValueError(f"column {c!r} of {sources['rda'].name} has values that are not whole numbers")
            df[c] = values.astype("int64")
    out.write_bytes(df.to_csv(index=False, lineterminator="\n").encode("utf-8"))


def _rings(geom: list) -> tuple[str, list]:
    """('Polygon', rings) or ('MultiPolygon', polygons) from an sf geometry read by rdata."""
    if all(isinstance(part, np.ndarray) for part in geom):
        return "Polygon", geom
    if all(isinstance(part, list) and all(isinstance(r, np.ndarray) for r in part) for part in geom):
        return "MultiPolygon", geom
    raise ValueError("a geometry is neither an sf POLYGON nor an sf MULTIPOLYGON")


def _rounded(coords, digits: int):
    if isinstance(coords, (tuple, list)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(v), digits) for v in coords]
    if isinstance(coords, np.ndarray) and coords.ndim == 2:
        return [[round(float(x), digits), round(float(y), digits)] for x, y in coords]
    return [_rounded(c, digits) for c in coords]


def _feature_collection(features: list[dict]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode("utf-8")


def boundary_features(df: pd.DataFrame, properties: list[str], digits: int = 5) -> list[dict]:
    """GeoJSON features (every geometry a MultiPolygon, coordinates rounded) of an sf data frame."""
    features = []
    for _, row in df.iterrows():
        kind, parts = _rings(row["geometry"])
        polygons = [parts] if kind == "Polygon" else parts
        features.append({"type": "Feature", "properties": {p: row[p] for p in properties},
                         "geometry": {"type": "MultiPolygon", "coordinates": _rounded(polygons, digits)}})
    return features


def boundaries_geojson(sources: dict[str, Path], out: Path, properties: list[str],
                       object: str | None = None, digits: int = 5) -> None:
    """Boundaries (sf, WGS84) of the `rda` source as GeoJSON: the named properties, geometry as
    MultiPolygon with coordinates rounded to `digits` decimals."""
    df = _frame(read_object(sources["rda"], object), sources["rda"])
    out.write_bytes(_feature_collection(boundary_features(df, properties, digits)))


def web_mercator_to_wgs84(xy: np.ndarray) -> np.ndarray:
    """EPSG:3857 metres to longitude/latitude degrees (the spherical inverse, as PROJ computes it)."""
    xy = np.asarray(xy, dtype=float)
    lon = np.degrees(xy[:, 0] / _EARTH_RADIUS_M)
    lat = np.degrees(np.arctan(np.sinh(xy[:, 1] / _EARTH_RADIUS_M)))
    return np.column_stack([lon, lat])


def shape_of(geom: list, transform=None):
    """A shapely Polygon or MultiPolygon from an sf geometry read by rdata (optionally reprojected)."""
    from shapely.geometry import MultiPolygon, Polygon

    def ring(a):
        return transform(a) if transform is not None else np.asarray(a, dtype=float)

    kind, parts = _rings(geom)
    if kind == "Polygon":
        return Polygon(ring(parts[0]), [ring(h) for h in parts[1:]])
    return MultiPolygon([Polygon(ring(p[0]), [ring(h) for h in p[1:]]) for p in parts])


def trust_polygons(path: Path, object: str) -> list[tuple[str, object]]:
    """(site, shapely geometry in WGS84) for each trust polygon of the sf object (EPSG:3857)."""
    df = _frame(read_object(path, object), path)
    return [(site, shape_of(geom, web_mercator_to_wgs84)) for site, geom in zip(df["site"], df["geometry"])]


def trust_polygons_geojson(sources: dict[str, Path], out: Path, object: str, tolerance: float = 0.002,
                           digits: int = 5) -> None:
    """Trust polygons (sf, EPSG:3857) reprojected to WGS84, simplified with `tolerance` degrees keeping
    topology, coordinates rounded to `digits` decimals; property `site`. Rings as shapely writes them."""
    from shapely.geometry import mapping

    features = []
    for site, shape in trust_polygons(sources["rda"], object):
        m = mapping(shape.simplify(tolerance, preserve_topology=True))
        features.append({"type": "Feature", "properties": {"site": site},
                         "geometry": {"type": m["type"], "coordinates": _rounded(m["coordinates"], digits)}})
    out.write_bytes(_feature_collection(features))
