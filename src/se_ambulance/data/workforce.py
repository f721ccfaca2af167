"""NHS Digital HCHS staff full-time equivalent (FTE) by staff group, nationality and organisation,
September 2017 and June 2018 (ad hoc table AH2324), read from its `Data` sheet.

FTE, not headcount; "Ambulance staff" is the HCHS staff group of paramedics, technicians and other
ambulance staff together. Reading the workbook needs openpyxl; the tidy table is cached as parquet.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from se_ambulance.errors import DataError
from se_ambulance.data.common import cached_frame, no_duplicates, numeric, require_columns
from se_ambulance.data.fetch import ensure, sha256_file

SHEET = "Data"
COLUMNS = ["Month", "Organisation code", "Organisation name", "Staff group", "Nationality", "FTE"]
TIDY_COLUMNS = ["month", "org", "org_name", "staff_group", "nationality", "fte"]
_CACHE_VERSION = "1"


def _open(path: Path):
    try:
        import openpyxl  # noqa: PLC0415 (only this loader needs it)
    except ImportError as e:
        raise DataError("Reading the NHS workforce workbook needs the openpyxl package; "
                        "install it in this environment (pip install openpyxl).") from e
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise DataError(f"{path} is not a readable Excel (.xlsx) workbook ({type(e).__name__}: {e}); "
                        "expected the NHS Digital table AH2324 with a 'Data' sheet.") from e


def read_workforce(path: Path) -> pd.DataFrame:
    """Tidy table: month (first day), org, org_name, staff_group, nationality, fte."""
    path = Path(path)
    book = _open(path)
    try:
        if SHEET not in book.sheetnames:
            raise DataError(f"{path} has no '{SHEET}' sheet (it has {book.sheetnames}).")
        rows = book[SHEET].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise DataError(f"{path}: the '{SHEET}' sheet is empty.")
        header = [str(h).strip() if h is not None else "" for h in header]
        require_columns(header, COLUMNS, path)
        data = [r for r in rows if any(v is not None for v in r)]
    finally:
        book.close()
    if not data:
        raise DataError(f"{path}: the '{SHEET}' sheet has a header row but no data rows.")
    df = pd.DataFrame(data, columns=header)[COLUMNS]
    df.columns = TIDY_COLUMNS
    for c in ("month", "org", "org_name", "staff_group", "nationality"):
        df[c] = df[c].astype("string").str.strip()
    month = pd.to_datetime(df["month"].str.title(), format="%Y-%b", errors="coerce")
    if month.isna().any():
        i = int(month.isna().to_numpy().argmax())
        raise DataError(f"{path}, data row {i + 1}: Month {df['month'].iloc[i]!r} is not a month written "
                        "like 2017-SEP.")
    df["month"] = month
    df = numeric(df, ["fte"], path, missing=())
    no_duplicates(df, ["month", "org", "staff_group", "nationality"], path)
    for c in ("org", "org_name", "staff_group", "nationality"):
        df[c] = df[c].astype("category")
    return df


def load_workforce() -> pd.DataFrame:
    """The tidy FTE table from the pinned workbook (cached as parquet keyed by its sha256)."""
    path = ensure("workforce_fte")
    return cached_frame("workforce", path, sha256_file(path), _CACHE_VERSION, read_workforce)
