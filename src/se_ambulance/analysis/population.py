"""Trust footprints and their populations, from the ONS 2022-based projections.

Two ways to build a footprint:
- *exact for 85+ and all ages*: sub-ICB areas whose boundaries match counties, plus local
  authorities from the single-year extract where they do not (Surrey, Berkshire, Buckinghamshire,
  Milton Keynes, north-east Hampshire);
- *by age band*: sub-ICB areas only, which need approximations (below) but give every age band,
  which the demographic demand model needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from se_ambulance.data.population import AGE_BANDS

SURREY = [f"E070002{n:02d}" for n in range(7, 18)]  # the 11 Surrey districts, E07000207–E07000217
BERKSHIRE = ["E06000036", "E06000037", "E06000038", "E06000039", "E06000040", "E06000041"]
HART, RUSHMOOR = "E07000089", "E07000092"
BUCKS, MILTON_KEYNES = "E06000060", "E06000042"


@dataclass(frozen=True)
class Footprint:
    code: str
    label: str
    subicb: tuple[str, ...]  # sub-ICB codes summed for the exact 85+ / all-ages figure
    la: tuple[str, ...]  # local authorities added from the single-year extract
    banded: tuple[str, ...]  # sub-ICB codes approximating the footprint by age band
    note: str = ""
    members: tuple[str, ...] = field(default=())


FOOTPRINTS: dict[str, Footprint] = {
    "RYD": Footprint(
        "RYD",
        "SECAmb (Kent, Medway, Surrey, Sussex)",
        subicb=("E38000237", "E38000021", "E38000235", "E38000265"),
        la=tuple(SURREY),
        banded=("E38000237", "E38000021", "E38000235", "E38000265", "E38000264"),
        note="Exact for the counties. SECAmb also serves part of north-east Hampshire (Aldershot, "
        "Farnborough, Fleet, Yateley), counted here with SCAS. By age band, Surrey is the Surrey Heartlands "
        "sub-ICB location (code 92A), which leaves out Surrey Heath (in Frimley).",
    ),
    "RYE": Footprint(
        "RYE",
        "SCAS (Hampshire, Berkshire, Buckinghamshire, Milton Keynes, Oxfordshire; with the Isle of Wight)",
        subicb=("E38000137", "E38000253", "E38000136"),
        la=(*BERKSHIRE, BUCKS, MILTON_KEYNES, HART, RUSHMOOR),
        banded=("E38000137", "E38000253", "E38000136", "E38000223", "E38000221", "E38000252"),
        note="Approximate. Hampshire has no matching sub-ICB location: the Hampshire and Isle of Wight one (code D9Y0V) covers most of Hampshire with "
        "Southampton and the Isle of Wight (about 140 thousand people, served by its own ambulance trust, not "
        "SCAS: the sub-ICB projections by age cannot leave it out) and includes part of Hart, so adding Hart and Rushmoor double-counts about 8 thousand "
        "people of all ages (8,273 in mid-2022: the amount by which the two footprints together exceed the "
        "South East region, which they otherwise match exactly). By age band, east "
        "Berkshire, north-east Hampshire and Surrey Heath come in through the Frimley sub-ICB location (code D4U1Y), and Milton "
        "Keynes is missing.",
    ),
}
# The case's group (SCAS + SECAmb) by the county construction: the scope of the case's population claims,
# and what `footprints.footprint_population` uses for RYD and RYE together. A book built for another group
# (the `group` parameter) gets that group's footprint from `footprints.footprint_population(members, ...)`.
FOOTPRINTS["GROUP"] = Footprint(
    "GROUP",
    "SCAS + SECAmb",
    subicb=FOOTPRINTS["RYD"].subicb + FOOTPRINTS["RYE"].subicb,
    la=FOOTPRINTS["RYD"].la + FOOTPRINTS["RYE"].la,
    banded=tuple(dict.fromkeys(FOOTPRINTS["RYD"].banded + FOOTPRINTS["RYE"].banded)),
    note="The two footprints together; by age band the Frimley sub-ICB location (code D4U1Y) is counted once. Together they cover the NHS "
    "South East region exactly apart from the Hart overlap, so their 85+ figures equal the region's by "
    "construction (within about 200 people), which is why the 85+ table shows them as one row.",
    members=("RYD", "RYE"),
)

# Counties and unitary authorities (April 2020 codes) making up each footprint, for the mid-2019
# estimates. Hart and Rushmoor are inside Hampshire here, so SCAS includes them whole.
UTLA_2020 = {
    "RYD": ("E10000016", "E06000035", "E10000030", "E10000011", "E10000032", "E06000043"),
    "RYE": ("E10000014", "E06000045", "E06000044", "E06000046", *BERKSHIRE, "E06000060", "E06000042", "E10000025"),
}
UTLA_2020["GROUP"] = UTLA_2020["RYD"] + UTLA_2020["RYE"]

OLD_BANDS = ("85-89", "90+")
# The older population, on the two readings of "older" the case's words admit: 65 and over (ONS's and the NHS's
# usual meaning) and 85 and over (the age the case's next sentence names).
OLDER_BANDS: dict[str, tuple[str, ...]] = {"65+": ("65-69", "70-74", "75-79", "80-84", *OLD_BANDS), "85+": OLD_BANDS}
LA_OLD_AGES = ("85", "86", "87", "88", "89", "90 and over")


def footprint_totals(fp: Footprint, subicb: pd.DataFrame, la: pd.DataFrame) -> pd.DataFrame:
    """Population aged 85+ and of all ages by year for a footprint (exact construction)."""
    s = subicb[subicb["code"].isin(fp.subicb)]
    s85 = s[s["age_group"].isin(OLD_BANDS)].groupby("year")["population"].sum()
    sall = s.groupby("year")["population"].sum()
    las = la[la["code"].isin(fp.la)]
    l85 = las[las["age"].isin(LA_OLD_AGES)].groupby("year")["population"].sum()
    lall = las[las["age"] == "All ages"].groupby("year")["population"].sum()
    return pd.DataFrame({"aged_85_plus": s85.add(l85, fill_value=0), "all_ages": sall.add(lall, fill_value=0)})


def excess_over(totals: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """How much a footprint's population exceeds a reference area's, by year (e.g. SCAS + SECAmb over the
    South East region, which they otherwise match: the Hart double count)."""
    return totals - reference


def region_totals(region: pd.DataFrame, area: str) -> pd.DataFrame:
    r = region[region["area"] == area]
    return pd.DataFrame(
        {
            "aged_85_plus": r[r["age_group"].isin(OLD_BANDS)].groupby("year")["population"].sum(),
            "all_ages": r[r["age_group"] == "All ages"].groupby("year")["population"].sum(),
        }
    )


def region_growth(region: pd.DataFrame, ages: str, base: int, target: int) -> pd.DataFrame:
    """England's regions ranked by the growth of their population at `ages` (a key of OLDER_BANDS) from mid-`base`
    to mid-`target`: one row per region (`code`, `area`), with `growth` (proportional), `increase` (people) and
    `rank` (1 = fastest growth), fastest first."""
    from se_ambulance.reference.areas import REGION_PREFIX

    if ages not in OLDER_BANDS:
        raise ValueError(f"unknown ages {ages!r}; allowed: {', '.join(OLDER_BANDS)}")
    years = set(region["year"])
    missing = [y for y in (base, target) if y not in years]
    if missing:
        raise ValueError(
            f"the regional projections have no year {missing[0]}; they run from {min(years)} to {max(years)}"
        )
    r = region[region["code"].astype(str).str.startswith(REGION_PREFIX) & region["age_group"].isin(OLDER_BANDS[ages])]
    by = r.groupby(["code", "area", "year"])["population"].sum().unstack("year")
    out = pd.DataFrame({"growth": by[target] / by[base] - 1, "increase": by[target] - by[base]}).reset_index()
    out = out.sort_values("growth", ascending=False, ignore_index=True)
    out["rank"] = range(1, len(out) + 1)
    return out


def regions_outgrown(growth: pd.DataFrame, code: str) -> int:
    """How many of the other regions in `region_growth`'s table grow more slowly than region `code`."""
    if code not in set(growth["code"]):
        raise ValueError(f"region {code!r} is not in the table; it holds {', '.join(growth['code'])}")
    own = float(growth.loc[growth["code"] == code, "growth"].iloc[0])
    return int((growth["growth"] < own).sum())


def change(totals: pd.DataFrame, base: int, target: int) -> pd.Series:
    """Proportional change from `base` to `target` in each column."""
    return totals.loc[target] / totals.loc[base] - 1


def over_85_change_table(areas: dict[str, pd.DataFrame], base_years: list[int], target: int) -> pd.DataFrame:
    """Rows: area; columns: base year; values: change in the 85+ population to `target`."""
    return pd.DataFrame(
        {str(b): {name: change(t, b, target)["aged_85_plus"] for name, t in areas.items()} for b in base_years}
    )


def banded(fp: Footprint, subicb: pd.DataFrame) -> pd.DataFrame:
    """year × age band population for the footprint's sub-ICB approximation."""
    s = subicb[subicb["code"].isin(fp.banded)]
    return s.pivot_table(index="year", columns="age_group", values="population", aggfunc="sum")[AGE_BANDS]


def mye_2019_totals(mye: pd.DataFrame, footprint: str) -> pd.Series:
    """Mid-2019 estimate (85+ and all ages) for a footprint's counties and unitary authorities."""
    return mye[mye["code"].isin(UTLA_2020[footprint])][["aged_85_plus", "all_ages"]].sum()


def over_85_change_from_2019(mye: pd.DataFrame, totals: dict[str, pd.DataFrame], target: int) -> pd.Series:
    """Change in the 85+ population from the mid-2019 estimate to the `target` projection, by footprint
    code. The two vintages differ (the estimate predates the 2021 Census), so this is indicative."""
    return pd.Series(
        {k: t.loc[target, "aged_85_plus"] / mye_2019_totals(mye, k)["aged_85_plus"] - 1 for k, t in totals.items()}
    )
