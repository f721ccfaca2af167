"""Emergency calls by ambulance service, 2002-03 to 2006-07 (before AmbSYS).

From a House of Commons written answer (24 January 2008) quoting the NHS Information Centre
bulletin "Ambulance Services, England 2006-07" (KA34 return). The values are emergency calls
**received**, in **thousands**, by the trust configuration at 31 March 2007 (figures up to
2005-06 for merged trusts are the sums of their predecessors).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from se_ambulance.errors import DataError
from se_ambulance.data.common import no_duplicates, numeric, read_csv
from se_ambulance.data.fetch import ensure

_WHAT = "the emergency-calls table (ambulance_service, then one column per financial year like 2005-06)"
_FY = re.compile(r"^(\d{4})-(\d{2})$")
ENGLAND = "England"
# The England row equals the sum of the services to within rounding (each value is to 0.1 thousand).
_SUM_TOLERANCE = 0.5


def read_emergency_calls(path: Path) -> pd.DataFrame:
    """Long table: service, year (financial year label 'YYYY-YY'), calls_thousands (calls received)."""
    path = Path(path)
    wide = read_csv(path, _WHAT, ["ambulance_service"], dtype=str, keep_default_na=False)
    years = [c for c in wide.columns if c != "ambulance_service"]
    bad = [c for c in years if not _FY.match(c) or (int(_FY.match(c)[1]) + 1) % 100 != int(_FY.match(c)[2])]
    if not years or bad:
        raise DataError(f"{path}: column(s) {bad or '(none)'} are not financial years written like "
                        "2005-06; expected ambulance_service and one column per financial year.")
    starts = [int(c[:4]) for c in years]
    if starts != list(range(starts[0], starts[0] + len(starts))):
        raise DataError(f"{path}: the financial years {years} are not consecutive and in order.")
    wide["ambulance_service"] = wide["ambulance_service"].str.strip()
    no_duplicates(wide, ["ambulance_service"], path)
    wide = numeric(wide, years, path, missing=())
    if ENGLAND not in set(wide["ambulance_service"]):
        raise DataError(f"{path}: no '{ENGLAND}' row; the table's total row is needed to check it.")
    services = wide[wide["ambulance_service"] != ENGLAND]
    england = wide[wide["ambulance_service"] == ENGLAND].iloc[0]
    for y in years:
        diff = services[y].sum() - england[y]
        if abs(diff) > _SUM_TOLERANCE:
            raise DataError(f"{path}: in {y} the services add up to {services[y].sum():,.1f} thousand but "
                            f"the England row says {england[y]:,.1f}; a row is missing or wrong.")
    long = wide.melt(id_vars="ambulance_service", value_vars=years, var_name="year",
                     value_name="calls_thousands")
    return long.rename(columns={"ambulance_service": "service"})


def load_emergency_calls() -> pd.DataFrame:
    return read_emergency_calls(ensure("emergency_calls_history"))
