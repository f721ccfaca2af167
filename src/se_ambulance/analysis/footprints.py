"""The population of every ambulance trust's footprint, by age band and year, and 85+ growth by
district and by rural–urban class.

**Footprints.** NHS England's footprints are unions of April 2018 CCGs (`data.geography`). The ONS
2022-based projections by age band exist for the 106 sub-ICB locations of 2023 (`snpp_subicb`), which
are the CCGs of 2022, most of them unions of the 2018 CCGs. So:

1. every LSOA (2011) goes to a trust through its district (the area overlay of districts on the
   trust polygons, April 2021 districts = the lookup's 2022 codes); the pieces of a district that the
   overlay splits go to a trust by the sub-ICB they sit in (`SPLIT_PIECES`: Hart's Frimley LSOAs were
   the North East Hampshire and Farnham CCG, served by SECAmb; its other LSOAs North Hampshire CCG,
   SCAS), and the lookup's 2022 codes for Surrey Heartlands and Sussex are carried to the 2023 codes
   (`SUBICB_2022_TO_2023`);
2. a sub-ICB whose LSOAs all go to one trust belongs to it whole; the few that straddle two trusts
   (Frimley D4U1Y: RYE / RYD; Hampshire and Isle of Wight D9Y0V: RYE / R1F; Bedfordshire, Luton and
   Milton Keynes M1J4Y: RYC / RYE; two slivers of a handful of LSOAs) are **apportioned** age band by
   age band, by a population weight: each piece (sub-ICB × district) weighs its district's mid-2020
   population in that band times the share of the district's LSOAs in the piece.

**Likely error** of the apportionment (returned as data by `apportionment_check`): (a) within a
district, LSOA counts stand for population (LSOAs were drawn to hold 1,000–3,000 people, so a piece of
k LSOAs is known to about ±30%/√k); (b) the weights are mid-2020 estimates from before the 2021 Census,
held fixed for every projection year, so parts of a straddling sub-ICB that grow at different rates are
mixed at the 2020 proportions; (c) the district overlay is by area. The check rebuilds each straddling
sub-ICB's 2022 population from its weighted pieces; the gap bounds (a)–(b) for that sub-ICB, and a
trust's error from apportioning is put at Σ |gap| × share × (1 − share) × population over the sub-ICBs
it shares. The sub-ICB basis also differs from the 2018 CCG basis where boundaries moved after 2018
(Glossop, about 33 thousand people, moved from a North West CCG to Derbyshire in 2022, so it counts
with East Midlands here).

**County construction for SECAmb and SCAS.** The book's existing footprints of RYD and RYE
(`analysis.population.FOOTPRINTS`, sub-ICB areas matching the service-area counties) are kept for
any group made of those two trusts (`construction="auto"`): every chapter already shows them, and for
the pair they cover the NHS South East exactly. Any other trust is apportioned as above.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from se_ambulance.analysis import population as pop
from se_ambulance.data.population import AGE_BANDS

OLD_BANDS = ("85-89", "90+")
ISLE_OF_WIGHT = "R1F"
COUNTY_TRUSTS = ("RYD", "RYE")  # trusts with the book's exact county-level construction

# The lookup is July 2022; the projections use the 2023 sub-ICB codes. Surrey Heartlands (92A) and
# Sussex (70F) were re-coded when a few Chichester LSOAs moved from the first to the second (both RYD).
SUBICB_2022_TO_2023: dict[str, str] = {"E38000246": "E38000264", "E38000248": "E38000265"}
SURREY_HEARTLANDS_2022, SUSSEX_70F_2023, CHICHESTER = "E38000246", "E38000265", "E07000225"

# Districts the area overlay splits between trusts: the trust of each piece, by the sub-ICB it is in.
# The trust polygons are unions of April 2018 CCGs and a 2022 sub-ICB is a former CCG or a union of
# them, so a split district's piece in a sub-ICB takes the trust of the former CCG it was in.
SPLIT_PIECES: dict[tuple[str, str], str] = {
    # Hart: Fleet, Yateley and the north-east were NHS North East Hampshire and Farnham CCG (SECAmb),
    # now in Frimley; the rest was NHS North Hampshire CCG (SCAS), now in Hampshire and Isle of Wight.
    ("E07000089", "E38000252"): "RYD",
    ("E07000089", "E38000253"): "RYE",
    # Craven: the Bentham area was NHS Morecambe Bay CCG (North West), now Lancashire and South Cumbria.
    ("E07000163", "E38000228"): "RX7",
}

# The April 2023 mergers of districts (Cumbria, North Yorkshire, Somerset (Structural Changes)
# Orders 2022): 2021/2022 district code → May 2024 code. No other English district code changed.
MERGED_2023: dict[str, str] = {
    **dict.fromkeys(("E07000026", "E07000028", "E07000029"), "E06000063"),  # Cumberland
    **dict.fromkeys(("E07000027", "E07000030", "E07000031"), "E06000064"),  # Westmorland and Furness
    **dict.fromkeys(
        ("E07000163", "E07000164", "E07000165", "E07000166", "E07000167", "E07000168", "E07000169"), "E06000065"
    ),  # North Yorkshire
    **dict.fromkeys(("E07000187", "E07000188", "E07000189", "E07000246"), "E06000066"),  # Somerset
}


def ltla24(code: str) -> str:
    """The May 2024 code of a 2021/2022 district."""
    return MERGED_2023.get(code, code)


# --- LSOA → trust, sub-ICB shares ----------------------------------------------------------------


def lsoa_trusts(
    lookup: pd.DataFrame, overlay: pd.DataFrame, pieces: Mapping[tuple[str, str], str] = SPLIT_PIECES
) -> pd.DataFrame:
    """One row per LSOA: `lsoa11_code, subicb` (2023 code), `district` (2022 code), `trust`, `rule`
    ("district" or "split district by sub-ICB"). `overlay` is the April 2021 district overlay."""
    trust_of = overlay.set_index("ltla_code")["amb_org_code"]
    out = pd.DataFrame(
        {
            "lsoa11_code": lookup["lsoa11_code"].to_numpy(),
            "subicb": lookup["sicbl22_code"].replace(SUBICB_2022_TO_2023).to_numpy(),
            "district": lookup["ltla22_code"].to_numpy(),
        }
    )
    moved = (lookup["sicbl22_code"].to_numpy() == SURREY_HEARTLANDS_2022) & (out["district"] == CHICHESTER)
    out.loc[moved, "subicb"] = SUSSEX_70F_2023
    missing = sorted(set(out["district"]) - set(trust_of.index))
    if missing:
        raise ValueError(f"districts {missing} of the LSOA lookup are not in the district overlay")
    out["trust"] = out["district"].map(trust_of)
    out["rule"] = "district"
    for (district, subicb), trust in pieces.items():
        hit = (out["district"] == district) & (out["subicb"] == subicb)
        out.loc[hit, ["trust", "rule"]] = trust, "split district by sub-ICB"
    return out


def district_bands(mye: pd.DataFrame) -> pd.DataFrame:
    """Single-year district estimates (`code`, `0` … `89`, `90+`) as `code × AGE_BANDS` (wide)."""
    ages = {
        band: [str(a) for a in range(int(band.split("-")[0]), int(band.split("-")[1]) + 1)]
        for band in AGE_BANDS
        if band != "90+"
    }
    ages["90+"] = ["90+"]
    return pd.DataFrame(
        {band: mye[cols].sum(axis=1).to_numpy() for band, cols in ages.items()},
        index=pd.Index(mye["code"], name="district"),
    )[AGE_BANDS]


def piece_weights(lsoas: pd.DataFrame, bands: pd.DataFrame) -> pd.DataFrame:
    """Population weight of every piece (sub-ICB × district × trust) by age band: the district's
    population in the band × the share of the district's LSOAs in the piece. Long: `subicb, district,
    trust, lsoas, age_group, weight`."""
    counts = lsoas.groupby(["subicb", "district", "trust"]).size().rename("lsoas").reset_index()
    counts["fraction"] = counts["lsoas"] / counts.groupby("district")["lsoas"].transform("sum")
    missing = sorted(set(counts["district"]) - set(bands.index))
    if missing:
        raise ValueError(f"no population weights for districts {missing}")
    w = bands.loc[counts["district"]].to_numpy() * counts["fraction"].to_numpy()[:, None]
    wide = pd.concat([counts.reset_index(drop=True), pd.DataFrame(w, columns=AGE_BANDS)], axis=1)
    return wide.melt(
        id_vars=["subicb", "district", "trust", "lsoas"],
        value_vars=AGE_BANDS,
        var_name="age_group",
        value_name="weight",
    )


def subicb_shares(weights: pd.DataFrame) -> pd.DataFrame:
    """The share of each sub-ICB's population, by age band, in each trust: `subicb, trust, age_group,
    share, lsoas` (the sub-ICB's LSOAs in the trust). Shares of a sub-ICB add to 1 in every band."""
    g = weights.groupby(["subicb", "trust", "age_group"], as_index=False).agg(
        weight=("weight", "sum"), lsoas=("lsoas", "sum")
    )
    g["share"] = g["weight"] / g.groupby(["subicb", "age_group"])["weight"].transform("sum")
    return g[["subicb", "trust", "age_group", "share", "lsoas"]]


def straddling(shares: pd.DataFrame) -> pd.DataFrame:
    """The sub-ICBs shared by more than one trust: `subicb, trust, lsoas, share_all_ages_weighted`
    (the mean of the band shares, for reading only)."""
    multi = shares.groupby("subicb")["trust"].nunique()
    s = shares[shares["subicb"].isin(multi[multi > 1].index)]
    return s.groupby(["subicb", "trust"], as_index=False).agg(lsoas=("lsoas", "first"), mean_share=("share", "mean"))


def build_shares(lookup: pd.DataFrame, overlay: pd.DataFrame, mye: pd.DataFrame) -> pd.DataFrame:
    """`subicb_shares` from the loaded lookup, April 2021 overlay and mid-2020 district estimates."""
    return subicb_shares(piece_weights(lsoa_trusts(lookup, overlay), district_bands(mye)))


def apportioned(subicb: pd.DataFrame, shares: pd.DataFrame, trusts: Iterable[str]) -> pd.DataFrame:
    """year × age band population of the union of `trusts`, every sub-ICB apportioned by `shares`."""
    trusts = list(trusts)
    s = shares[shares["trust"].isin(trusts)].groupby(["subicb", "age_group"], as_index=False)["share"].sum()
    m = subicb.merge(s, left_on=["code", "age_group"], right_on=["subicb", "age_group"], how="inner")
    m["population"] = m["population"] * m["share"]
    return m.pivot_table(index="year", columns="age_group", values="population", aggfunc="sum")[AGE_BANDS]


# --- one function for any group ------------------------------------------------------------------


@dataclass(frozen=True)
class FootprintPopulation:
    """Population of a group's footprint: `banded` (year × AGE_BANDS, persons), `members` (one row per
    trust: `org_code, construction, subicb_whole, subicb_apportioned`), and `method` (words)."""

    trusts: tuple[str, ...]
    banded: pd.DataFrame
    members: pd.DataFrame
    method: str

    @property
    def construction(self) -> str:
        """'county', 'apportioned' or 'county + apportioned' (which members used which: `members`)."""
        kinds = list(dict.fromkeys(self.members["construction"]))
        return " + ".join(kinds)


COUNTY_METHOD = (
    "the book's county construction (sub-ICB areas matching the service-area counties, analysis.population.FOOTPRINTS)"
)
APPORTIONED_METHOD = (
    "ONS 2022-based sub-ICB projections assigned to trusts through LSOA → sub-ICB → "
    "district → trust (April 2018 CCG footprints), straddling sub-ICBs apportioned by "
    "mid-2020 district populations weighted by LSOA counts"
)


def footprint_population(
    trust_codes: Iterable[str], subicb: pd.DataFrame, shares: pd.DataFrame, construction: str = "auto"
) -> FootprintPopulation:
    """Population by age band and year of the union of `trust_codes`' footprints.

    `subicb`: the sub-ICB projections (`data.population.load_subicb()`); `shares`: `build_shares(...)`.
    `construction`: "auto" keeps the county construction for SECAmb (RYD) and SCAS (RYE) — alone or
    together (then Frimley is counted once) — and apportions every other trust; "apportioned" apportions
    every trust (what the England check uses). With the Isle of Wight (R1F) in the group the county
    construction is not used (SCAS's county footprint already holds the island through D9Y0V).
    """
    trusts = tuple(dict.fromkeys(trust_codes))
    if not trusts:
        raise ValueError("no trust codes given")
    unknown = sorted(set(trusts) - set(shares["trust"]))
    if unknown:
        raise ValueError(f"unknown trust code(s) {unknown}; known: {sorted(set(shares['trust']))}")
    if construction not in ("auto", "apportioned"):
        raise ValueError(f"construction must be 'auto' or 'apportioned', not {construction!r}")
    county = (
        [t for t in trusts if t in COUNTY_TRUSTS] if (construction == "auto" and ISLE_OF_WIGHT not in trusts) else []
    )
    rest = [t for t in trusts if t not in county]
    parts = []
    if county:
        key = county[0] if len(county) == 1 else "GROUP"
        parts.append(pop.banded(pop.FOOTPRINTS[key], subicb).astype(float))
    if rest:
        parts.append(apportioned(subicb, shares, rest))
    banded = parts[0] if len(parts) == 1 else parts[0].add(parts[1], fill_value=0)
    banded.columns.name = "age_group"
    rows = []
    for t in trusts:
        mine = shares[shares["trust"] == t].groupby("subicb")["share"].mean()
        if t in county:
            fp = pop.FOOTPRINTS[t]
            rows.append(
                {
                    "org_code": t,
                    "construction": "county",
                    "subicb_whole": ", ".join(fp.banded),
                    "subicb_apportioned": "",
                }
            )
        else:
            rows.append(
                {
                    "org_code": t,
                    "construction": "apportioned",
                    "subicb_whole": ", ".join(sorted(mine[mine >= 1 - 1e-12].index)),
                    "subicb_apportioned": ", ".join(f"{c} ({v:.0%})" for c, v in mine[mine < 1 - 1e-12].items()),
                }
            )
    members = pd.DataFrame(rows)
    method = "; ".join(
        f"{', '.join(members.loc[members['construction'] == k, 'org_code'])}: "
        f"{COUNTY_METHOD if k == 'county' else APPORTIONED_METHOD}"
        for k in dict.fromkeys(members["construction"])
    )
    return FootprintPopulation(trusts, banded, members, method)


def all_trusts(subicb: pd.DataFrame, shares: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every trust's apportioned footprint in one year: rows trust (the ten and R1F), columns AGE_BANDS."""
    trusts = sorted(set(shares["trust"]))
    return pd.DataFrame({t: apportioned(subicb, shares, [t]).loc[year] for t in trusts}).T[AGE_BANDS]


# --- checks against independent figures ----------------------------------------------------------


def apportionment_check(
    subicb: pd.DataFrame, shares: pd.DataFrame, lsoas: pd.DataFrame, bands: pd.DataFrame, year: int = 2022
) -> pd.DataFrame:
    """For each straddling sub-ICB and trust: `subicb, trust, lsoas, share` (all ages), `population`
    (the trust's part in `year`), `gap` (the sub-ICB's population rebuilt from its weighted district
    pieces, scaled by England's growth from mid-2020 to `year`, over its projected population, minus 1)
    and `error` (|gap| × share × (1 − share) × the sub-ICB's population: the likely error of this part)."""
    weights = piece_weights(lsoas, bands)
    total_w = weights.groupby(["subicb", "trust"])["weight"].sum()
    sub_w = weights.groupby("subicb")["weight"].sum()
    proj = subicb[subicb["year"] == year].groupby("code")["population"].sum()
    england_growth = proj.sum() / bands.loc[bands.index.isin(set(lsoas["district"]))].to_numpy().sum()
    multi = shares.groupby("subicb")["trust"].nunique()
    rows = []
    for s in multi[multi > 1].index:
        gap = sub_w[s] * england_growth / proj[s] - 1
        for t, w in total_w[s].items():
            share = w / sub_w[s]
            rows.append(
                {
                    "subicb": s,
                    "trust": t,
                    "lsoas": int(lsoas[(lsoas["subicb"] == s) & (lsoas["trust"] == t)].shape[0]),
                    "share": share,
                    "population": share * proj[s],
                    "gap": gap,
                    "error": abs(gap) * share * (1 - share) * proj[s],
                }
            )
    return pd.DataFrame(rows)


def against_ccg_footprints(by_trust: pd.DataFrame, ccg: pd.DataFrame, ccg_year: int = 2018) -> pd.DataFrame:
    """Each trust's footprint against NHS England's CCG footprint population (ONS mid-`ccg_year`
    estimates, April 2018 CCGs), as shares of the ten trusts' total so that growth from `ccg_year` to the
    projection year cancels: `org_code, ccg_pop, ccg_share, footprint_pop, footprint_share, scaled`
    (the CCG population × the ten trusts' growth), `difference` (footprint / scaled − 1).

    `by_trust`: rows trust, columns AGE_BANDS, one year (`all_trusts`). They differ because of growth
    that differs between trusts after `ccg_year`, the 2021 Census revision of the estimates, CCG
    boundary changes after April 2018, and the apportionment."""
    c = ccg[ccg["year"] == ccg_year].groupby("org_code")["pop"].sum()
    f = by_trust.sum(axis=1).reindex(c.index)
    out = pd.DataFrame({"ccg_pop": c, "ccg_share": c / c.sum(), "footprint_pop": f, "footprint_share": f / f.sum()})
    out["scaled"] = out["ccg_pop"] * f.sum() / c.sum()
    out["difference"] = out["footprint_pop"] / out["scaled"] - 1
    return out.rename_axis("org_code").reset_index()


# --- 85+ growth by district and by rural–urban class ---------------------------------------------


def district_85plus(
    subicb: pd.DataFrame, la85: pd.DataFrame, lsoas: pd.DataFrame, mye: pd.DataFrame, years: Iterable[int]
) -> pd.DataFrame:
    """Population aged 85+ by May 2024 district and year, at the finest level the projections give.

    Districts in the single-year local-authority extract (26 South East authorities) take their own
    projection (`level` "district"). Every other district gets a share of its sub-ICB's *remainder*
    (the sub-ICB minus the extract's districts in it, each taken in proportion to its LSOAs there), in
    proportion to its mid-2020 85+ population × the share of its LSOAs in that sub-ICB (`level`
    "sub-ICB": the districts of one sub-ICB then grow alike, because ONS publishes no finer projection
    for them here). Long: `code` (2024), `year`, `aged_85_plus`, `level`. Merged 2023 districts are
    summed to their 2024 code. A remainder with no district left to take it (a sub-ICB wholly made of
    extract districts) is dropped: it is the difference between the two ONS tables there."""
    years = list(years)
    s85 = (
        subicb[subicb["age_group"].isin(OLD_BANDS) & subicb["year"].isin(years)]
        .groupby(["code", "year"])["population"]
        .sum()
        .unstack("year")
    )
    la = la85[(la85["age"].isin(pop.LA_OLD_AGES)) & la85["year"].isin(years)]
    l85 = la.groupby(["code", "year"])["population"].sum().unstack("year")
    counts = lsoas.groupby(["subicb", "district"]).size().rename("n").reset_index()
    counts["fraction_of_district"] = counts["n"] / counts.groupby("district")["n"].transform("sum")
    own = counts[counts["district"].isin(l85.index)]
    taken = l85.loc[own["district"]].to_numpy() * own["fraction_of_district"].to_numpy()[:, None]
    taken = pd.DataFrame(taken, columns=l85.columns).assign(subicb=own["subicb"].to_numpy()).groupby("subicb").sum()
    remainder = s85.sub(taken.reindex(s85.index).fillna(0.0))
    old = mye.set_index("code")[["85", "86", "87", "88", "89", "90+"]].sum(axis=1)
    rest = counts[~counts["district"].isin(l85.index)].copy()
    rest["w"] = rest["fraction_of_district"] * rest["district"].map(old)
    rest["w"] = rest["w"] / rest.groupby("subicb")["w"].transform("sum")
    parts = remainder.loc[rest["subicb"]].to_numpy() * rest["w"].to_numpy()[:, None]
    est = pd.DataFrame(parts, columns=remainder.columns).assign(district=rest["district"].to_numpy())
    est = est.groupby("district")[years].sum()
    wide = pd.concat([l85.assign(level="district"), est.assign(level="sub-ICB")]).rename_axis("district").reset_index()
    wide["code"] = wide["district"].map(ltla24)
    wide = wide[wide["code"].str.startswith("E")]
    out = wide.groupby(["code", "level"], as_index=False)[years].sum()
    return out.melt(id_vars=["code", "level"], value_vars=years, var_name="year", value_name="aged_85_plus")


def footprint_districts(overlay24: pd.DataFrame, trust_codes: Iterable[str]) -> pd.DataFrame:
    """The May 2024 districts whose area lies mostly in one of `trust_codes`' footprints: `code, name,
    trust, share_of_area`."""
    o = overlay24[overlay24["amb_org_code"].isin(list(trust_codes))]
    return o.rename(columns={"ltla_code": "code", "ltla_name": "name", "amb_org_code": "trust"})[
        ["code", "name", "trust", "share_of_area"]
    ].reset_index(drop=True)


def district_85plus_growth(
    d85: pd.DataFrame, districts: pd.DataFrame, base: int, target: int, rural_urban: pd.DataFrame | None = None
) -> pd.DataFrame:
    """85+ growth from `base` to `target` for each district of a footprint (`footprint_districts`):
    `code, name, trust, level, base_85, target_85, growth` (a proportion), plus `ruc`/`class` when
    `rural_urban` (`data.geography.load_rural_urban()`) is given."""
    missing_years = sorted({base, target} - set(d85["year"]))
    if missing_years:
        raise ValueError(f"the 85+ table has no year {missing_years}; build it with those years")
    w = (
        d85[d85["year"].isin([base, target])]
        .pivot_table(index=["code", "level"], columns="year", values="aged_85_plus")
        .reset_index()
    )
    out = districts.merge(w, on="code", how="left")
    missing = out.loc[out[base].isna(), "code"].tolist()
    if missing:
        raise ValueError(f"no 85+ projection for districts {missing}")
    out = out.rename(columns={base: "base_85", target: "target_85"})
    out["growth"] = out["target_85"] / out["base_85"] - 1
    if rural_urban is not None:
        out = out.merge(rural_urban[["code", "ruc", "class"]], on="code", how="left")
    return out


RUC_CLASS_ORDER = ["Urban", "Intermediate urban", "Intermediate rural", "Majority rural"]


def growth_by_rural_urban(growth: pd.DataFrame, by: str = "class") -> pd.DataFrame:
    """85+ growth by rural–urban class across a footprint's districts (`district_85plus_growth` with
    `rural_urban`): `by` ("class": four classes; "ruc": Urban / Rural), `districts`, `districts_own`
    (with their own district projection; the rest share their sub-ICB's growth), `base_85`,
    `target_85`, `growth`."""
    g = (
        growth.assign(own=growth["level"].eq("district"))
        .groupby(by, as_index=False)
        .agg(
            districts=("code", "size"),
            districts_own=("own", "sum"),
            base_85=("base_85", "sum"),
            target_85=("target_85", "sum"),
        )
    )
    g["growth"] = g["target_85"] / g["base_85"] - 1
    order = RUC_CLASS_ORDER if by == "class" else ["Urban", "Rural"]
    g[by] = pd.Categorical(g[by], categories=[c for c in order if c in set(g[by])], ordered=True)
    return g.sort_values(by, ignore_index=True).assign(**{by: lambda d: d[by].astype(str)})


def england_check(by_trust: pd.DataFrame, region: pd.DataFrame, year: int) -> pd.DataFrame:
    """The ten trusts and the Isle of Wight together against England (ONS Table 1, unrounded), by age
    band in `year`: `age_group, trusts, england, difference`."""
    e = region[(region["code"] == "E92000001") & (region["year"] == year)].set_index("age_group")["population"]
    t = by_trust[AGE_BANDS].sum()
    return pd.DataFrame(
        {
            "age_group": AGE_BANDS,
            "trusts": t.to_numpy(),
            "england": e.reindex(AGE_BANDS).to_numpy(),
            "difference": (t - e.reindex(AGE_BANDS)).to_numpy(),
        }
    )


__all__ = [
    "FootprintPopulation",
    "footprint_population",
    "build_shares",
    "lsoa_trusts",
    "district_bands",
    "piece_weights",
    "subicb_shares",
    "straddling",
    "apportioned",
    "all_trusts",
    "apportionment_check",
    "against_ccg_footprints",
    "district_85plus",
    "footprint_districts",
    "district_85plus_growth",
    "growth_by_rural_urban",
    "england_check",
    "ltla24",
]
