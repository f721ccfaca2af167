"""AmbCO (Ambulance Clinical Outcomes): the wide monthly CSV, read with the columns the book uses.

Columns used (numerator / denominator):
- R1r / R1n: return of spontaneous circulation (ROSC) at hospital, all cardiac arrests resuscitated;
- R2r / R2n: ROSC at hospital, Utstein comparator group;
- R3s / R3n: survival to discharge, all cardiac arrests resuscitated;
- R4s / R4n: survival to discharge, Utstein comparator group;
- M4b / M4n: STEMI patients who received the appropriate care bundle;
- K4b / K4n: suspected stroke patients who received the appropriate care bundle.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from se_ambulance.errors import DataError
from se_ambulance.data.common import months_contiguous, no_duplicates, numeric, read_csv
from se_ambulance.data.fetch import ensure

MEASURES = {
    "rosc_all": ("R1r", "R1n", "Cardiac arrest: ROSC at hospital (all)"),
    "rosc_utstein": ("R2r", "R2n", "Cardiac arrest: ROSC at hospital (Utstein group)"),
    "survival_all": ("R3s", "R3n", "Cardiac arrest: survival to discharge (all)"),
    "survival_utstein": ("R4s", "R4n", "Cardiac arrest: survival to discharge (Utstein group)"),
    "stemi_bundle": ("M4b", "M4n", "STEMI: care bundle received"),
    "stroke_bundle": ("K4b", "K4n", "Stroke: care bundle received"),
}
_VALUE_COLUMNS = [c for n, d, _ in MEASURES.values() for c in (n, d)]
_WHAT = "the AmbCO CSV (Year, Month, Org Code and the R/M/K outcome columns)"


def read_ambco(path: Path) -> pd.DataFrame:
    """Read and check one AmbCO file. Long table: org, month, measure, numerator, denominator."""
    path = Path(path)
    wide = read_csv(path, _WHAT, ["Year", "Month", "Org Code", *_VALUE_COLUMNS],
                    dtype=str, keep_default_na=False)
    wide = numeric(wide, ["Year", "Month"], path, missing=())
    wide = numeric(wide, _VALUE_COLUMNS, path)
    wide["month"] = pd.to_datetime({"year": wide["Year"], "month": wide["Month"], "day": 1}, errors="coerce")
    if wide["month"].isna().any():
        i = int(wide["month"].isna().to_numpy().argmax())
        raise DataError(f"{path}, data row {i + 1}: Year/Month {wide['Year'].iloc[i]:g}/"
                        f"{wide['Month'].iloc[i]:g} is not a month (expected a year and a month 1-12).")
    wide["Org Code"] = wide["Org Code"].str.strip()
    no_duplicates(wide, ["Org Code", "month"], path)
    months_contiguous(wide["month"], path)
    parts = []
    for key, (num, den, _) in MEASURES.items():
        p = wide[["Org Code", "month", num, den]].rename(
            columns={"Org Code": "org", num: "numerator", den: "denominator"})
        parts.append(p.assign(measure=key).dropna(subset=["numerator", "denominator"]))
    return pd.concat(parts, ignore_index=True)


def describe_ambco(long: pd.DataFrame) -> dict[str, str]:
    first, last = long["month"].min(), long["month"].max()
    return {"vintage": f"data to {last:%B %Y}",
            "coverage": f"{first:%Y-%m} to {last:%Y-%m}; England, regions and trusts"}


def check_ambco_file(path: Path) -> dict[str, str]:
    return describe_ambco(read_ambco(path))


def load_ambco() -> pd.DataFrame:
    """Long table: org, month, measure, numerator, denominator (from the pinned file)."""
    return read_ambco(ensure("ambco"))
