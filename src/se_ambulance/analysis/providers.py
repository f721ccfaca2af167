"""Who provides England's emergency ambulance services, and where: the providers reporting to AmbSYS (which of
them are ambulance service trusts) and the London boroughs inside a trust's footprint."""

from __future__ import annotations

import pandas as pd

from se_ambulance.reference.areas import CITY_OF_LONDON, LONDON_PREFIX

# An ambulance service trust says so in its name ("SOUTH EAST COAST AMBULANCE SERVICE NHS FOUNDATION TRUST"); a
# trust that runs an ambulance service among others does not ("ISLE OF WIGHT NHS TRUST").
AMBULANCE_SERVICE = "AMBULANCE SERVICE"


def providers_in_month(tidy: pd.DataFrame, month: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """The trusts reporting to AmbSYS in `month` (default: the latest month of the data): `org`, `org_name` and
    `ambulance_trust` (True when the trust's name says it is an ambulance service trust), one row per trust."""
    trusts = tidy[tidy["level"] == "trust"]
    if trusts.empty:
        raise ValueError("AmbSYS holds no trust rows: cannot count the providers")
    when = pd.Timestamp(month) if month is not None else trusts["month"].max()
    rows = trusts[trusts["month"] == when][["org", "org_name"]].drop_duplicates("org")
    if rows.empty:
        months = trusts["month"]
        raise ValueError(
            f"no trust reported to AmbSYS in {when:%Y-%m}; the data run from {months.min():%Y-%m} to "
            f"{months.max():%Y-%m}"
        )
    names = rows["org_name"].astype(str).str.upper()
    return rows.assign(
        org=rows["org"].astype(str),
        org_name=rows["org_name"].astype(str),
        ambulance_trust=names.str.contains(AMBULANCE_SERVICE, regex=False),
    ).sort_values("org", ignore_index=True)


def london_boroughs(districts: pd.Series) -> pd.Series:
    """The London boroughs among district codes: the E09 codes other than the City of London, which is not a
    borough."""
    codes = districts.astype(str)
    return codes[codes.str.startswith(LONDON_PREFIX) & (codes != CITY_OF_LONDON)]


def borough_coverage(boundaries: pd.DataFrame, overlay: pd.DataFrame, trust: str) -> dict[str, float]:
    """London's boroughs against one trust's footprint: `boroughs` (in ONS's district boundaries), `covered` (those
    the district overlay gives to `trust`: the trust's footprint covers most of their area), `city_covered` (1 when
    the City of London is in it too), `outside_london` (districts outside London in it) and `smallest_share` (the
    smallest share of a covered borough's area inside the footprint)."""
    boroughs = set(london_boroughs(boundaries["code"]))
    mine = overlay[overlay["amb_org_code"] == trust]
    covered = mine[mine["ltla_code"].isin(boroughs)]
    in_london = mine["ltla_code"].astype(str).str.startswith(LONDON_PREFIX)
    return {
        "boroughs": len(boroughs),
        "covered": len(covered),
        "city_covered": float((mine["ltla_code"] == CITY_OF_LONDON).any()),
        "outside_london": int((~in_london).sum()),
        "smallest_share": float(covered["share_of_area"].min()) if len(covered) else 0.0,
    }
