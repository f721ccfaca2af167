"""Districts assigned to ambulance trusts by area overlay of district boundaries on trust polygons."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from se_ambulance.data.derive import rda
from se_ambulance.reference.orgs import ARP_TABLE_NAMES

_COLUMNS = ["ltla_code", "ltla_name", "amb_site", "amb_org_code", "share_of_area", "second_site",
            "second_share", "centroid_site"]


def district_trust_overlay_csv(sources: dict[str, Path], out: Path, trusts_object: str,
                               code_column: str, name_column: str, code_prefix: str = "E",
                               by_hand: dict[str, list[str]] | None = None, digits: int = 4) -> None:
    """One row per district whose code starts with `code_prefix`, sorted by code.

    Districts: the `districts` source (sf, WGS84) with coordinates rounded to 5 decimals, exactly as
    `rda_boundaries_geojson` writes them. Trusts: the `trusts_object` of the `trusts` source (sf,
    EPSG:3857), reprojected to WGS84, not simplified. Areas are planar in degrees of longitude and
    latitude (no projection). `share_of_area` = the largest share of the district's area inside one
    trust, rounded to `digits`; `second_*` = the next trust in a descending sort of the shares (ties
    in reverse manifest order); `centroid_site` = the trust holding the district's representative
    point (shapely `representative_point`, always inside the district), empty if none. `by_hand` sets
    a district's `[amb_site, amb_org_code]` and blanks its other fields.
    """
    from shapely.geometry import shape

    trusts = rda.trust_polygons(sources["trusts"], trusts_object)
    sites = [s for s, _ in trusts]
    codes = {name: code for code, name in ARP_TABLE_NAMES.items()}
    unknown = [s for s in sites if s not in codes]
    if unknown:
        raise ValueError(f"trust polygons named {unknown} have no organisation code")
    districts = rda.read_object(sources["districts"])
    if not isinstance(districts, pd.DataFrame):
        raise ValueError(f"{sources['districts'].name} does not hold a data frame")
    rows = []
    for feature in rda.boundary_features(districts, [code_column, name_column]):
        code, name = feature["properties"][code_column], feature["properties"][name_column]
        if not code.startswith(code_prefix):
            continue
        district = shape(feature["geometry"])
        shares = np.array([district.intersection(t).area for _, t in trusts]) / district.area
        order = np.argsort(shares)[::-1]
        point = district.representative_point()
        rows.append({"ltla_code": code, "ltla_name": name, "amb_site": sites[order[0]],
                     "amb_org_code": codes[sites[order[0]]], "share_of_area": round(shares[order[0]], digits),
                     "second_site": sites[order[1]], "second_share": round(shares[order[1]], digits),
                     "centroid_site": next((s for s, t in trusts if t.contains(point)), "")})
    df = pd.DataFrame(rows, columns=_COLUMNS).sort_values("ltla_code", kind="stable")
    for code, (site, org) in (by_hand or {}).items():
        hit = df["ltla_code"] == code
        if not hit.any():
            raise ValueError(f"by_hand names district {code}, which is not among the districts")
        df.loc[hit, ["amb_site", "amb_org_code", "second_site", "centroid_site"]] = [site, org, "", ""]
        df.loc[hit, ["share_of_area", "second_share"]] = np.nan
    out.write_bytes(df.to_csv(index=False, lineterminator="\n").encode("utf-8"))
