"""AmbCO (Ambulance Clinical Outcomes): the wide monthly CSV, read with the columns the book uses.

Columns used (numerator / denominator):
- R1r / R1n: return of spontaneous circulation (ROSC) at hospital, all cardiac arrests resuscitated;
- R3s / R3n: survival to discharge, all cardiac arrests resuscitated;
- R4s / R4n: survival to discharge, Utstein comparator group;
- M4b / M4n: STEMI patients who received the appropriate care bundle;
- K4b / K4n: suspected stroke patients who received the appropriate care bundle.
"""

from __future__ import annotations

import pandas as pd

from se_ambulance.errors import DataError
from se_ambulance.data.fetch import ensure

MEASURES = {
    "rosc_all": ("R1r", "R1n", "Cardiac arrest: ROSC at hospital (all)"),
    "survival_all": ("R3s", "R3n", "Cardiac arrest: survival to discharge (all)"),
    "survival_utstein": ("R4s", "R4n", "Cardiac arrest: survival to discharge (Utstein group)"),
    "stemi_bundle": ("M4b", "M4n", "STEMI: care bundle received"),
    "stroke_bundle": ("K4b", "K4n", "Stroke: care bundle received"),
}


def load_ambco() -> pd.DataFrame:
    """Long table: org, month, measure, numerator, denominator."""
    path = ensure("ambco")
    wide = pd.read_csv(path, na_values=["."])
    need = ["Year", "Month", "Org Code"] + [c for n, d, _ in MEASURES.values() for c in (n, d)]
    missing = [c for c in need if c not in wide.columns]
    if missing:
        raise DataError(f"{path.name} lacks column(s) {missing}.")
    wide["month"] = pd.to_datetime({"year": wide["Year"], "month": wide["Month"], "day": 1})
    parts = []
    for key, (num, den, _) in MEASURES.items():
        p = wide[["Org Code", "month", num, den]].rename(
            columns={"Org Code": "org", num: "numerator", den: "denominator"})
        parts.append(p.assign(measure=key).dropna(subset=["numerator", "denominator"]))
    return pd.concat(parts, ignore_index=True)
