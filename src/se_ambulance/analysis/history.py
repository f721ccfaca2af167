"""Numbers for the historic seed claims: emergency calls before AmbSYS, and staff FTE in 2017-18.

Every function takes the loaded table as an argument and returns plain numbers (no text).
Caveats the claims register must state with them:
- the calls table counts emergency calls *received* (not "responded to"), and the value for a
  trust formed by a 2006 merger is the sum of its predecessors;
- the workforce table is full-time equivalent (FTE), not headcount, and "Ambulance staff" is the
  HCHS staff group of paramedics, technicians and other ambulance staff together.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from se_ambulance.errors import DataError

THOUSAND = 1000


def emergency_calls_received(calls: pd.DataFrame, service: str, years: Sequence[str]) -> dict[str, float]:
    """Emergency calls received by one ambulance service, as a count, for each financial year.

    `calls` is `data.history.load_emergency_calls()` (service, year, calls_thousands);
    `years` are financial-year labels like "2005-06". Returns {year: calls}, e.g. 493000.0.
    """
    sub = calls[calls["service"] == service]
    if sub.empty:
        raise DataError(
            f"No ambulance service '{service}' in the calls table; it has "
            f"{', '.join(sorted(calls['service'].unique()))}."
        )
    by_year = dict(zip(sub["year"], sub["calls_thousands"]))
    missing = [y for y in years if y not in by_year]
    if missing:
        raise DataError(
            f"The calls table has no financial year {', '.join(missing)} (it covers "
            f"{min(by_year)} to {max(by_year)}; write years like 2005-06)."
        )
    return {y: round(float(by_year[y]) * THOUSAND, 6) for y in years}


def _month_rows(workforce: pd.DataFrame, org: str, month: str) -> pd.DataFrame:
    when = pd.Timestamp(month)
    sub = workforce[(workforce["org"] == org) & (workforce["month"] == when)]
    if sub.empty:
        months = ", ".join(sorted(workforce["month"].dt.strftime("%Y-%m").unique()))
        raise DataError(f"No staff rows for organisation '{org}' in {when:%Y-%m} (months in the table: {months}).")
    return sub


def staff_fte(
    workforce: pd.DataFrame, org: str, months: Sequence[str], staff_group: str | None = None
) -> dict[str, float]:
    """Full-time equivalent staff of one organisation, summed over nationalities (unrounded).

    `workforce` is `data.workforce.load_workforce()`; `months` like "2017-09"; `staff_group`
    None means all staff groups. Returns {month: FTE}.
    """
    out = {}
    for m in months:
        sub = _month_rows(workforce, org, m)
        if staff_group is not None:
            if staff_group not in set(workforce["staff_group"].astype(str)):
                raise DataError(
                    f"No staff group '{staff_group}'; the table has "
                    f"{', '.join(sorted(set(workforce['staff_group'].astype(str))))}."
                )
            sub = sub[sub["staff_group"] == staff_group]
        out[m] = float(sub["fte"].sum())
    return out


def staff_fte_by_group(workforce: pd.DataFrame, org: str, month: str) -> dict[str, float]:
    """FTE of one organisation in one month for each staff group (unrounded), largest first.

    NHS Digital publishes each staff group's FTE rounded to a whole number; the sum of those rounded
    figures can differ by about 1 from the unrounded total `staff_fte` returns.
    """
    sub = _month_rows(workforce, org, month)
    groups = sub.groupby(sub["staff_group"].astype(str))["fte"].sum()
    return {g: float(v) for g, v in groups.sort_values(ascending=False).items()}
