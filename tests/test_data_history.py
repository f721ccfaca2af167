"""The two historic datasets and the numbers they give the seed claims (values as SOURCES.md records)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from se_ambulance.analysis.history import emergency_calls_received, staff_fte, staff_fte_by_group
from se_ambulance.data.history import read_emergency_calls
from se_ambulance.data.manifest import load_manifest
from se_ambulance.errors import DataError

from .support.builders import data_mirror

ROOT = Path(__file__).resolve().parents[1]
MIRROR = data_mirror()  # absolute, resolved as the fetch resolves it
needs_mirror = pytest.mark.skipif(not MIRROR.is_dir(), reason="needs the data mirror")


def _pinned(ds_id: str) -> Path:
    return MIRROR / load_manifest(ROOT / "data" / "manifest.yaml")[ds_id].mirror_path


@needs_mirror
def test_south_east_coast_calls_received_2004_05_and_2005_06():
    calls = read_emergency_calls(_pinned("emergency_calls_history"))
    got = emergency_calls_received(calls, "South East Coast", ["2004-05", "2005-06"])
    assert got == {"2004-05": 460_300.0, "2005-06": 493_000.0}
    assert emergency_calls_received(calls, "England", ["2005-06"]) == {"2005-06": 5_960_100.0}


def test_calls_errors_name_what_exists():
    calls = pd.DataFrame({"service": ["X", "X"], "year": ["2004-05", "2005-06"], "calls_thousands": [1.0, 2.5]})
    assert emergency_calls_received(calls, "X", ["2005-06"]) == {"2005-06": 2500.0}
    with pytest.raises(DataError, match="No ambulance service 'Y'.*X"):
        emergency_calls_received(calls, "Y", ["2005-06"])
    with pytest.raises(DataError, match="no financial year 2007-08 .*2004-05 to 2005-06"):
        emergency_calls_received(calls, "X", ["2007-08"])


def _staff():
    rows = [
        ("2017-09-01", "RYD", "Ambulance staff", "British", 1000.4),
        ("2017-09-01", "RYD", "Ambulance staff", "Irish", 10.2),
        ("2017-09-01", "RYD", "Managers", "British", 99.4),
        ("2017-09-01", "RYE", "Managers", "British", 5.0),
        ("2018-06-01", "RYD", "Managers", "British", 7.0),
    ]
    df = pd.DataFrame(rows, columns=["month", "org", "staff_group", "nationality", "fte"])
    df["month"] = pd.to_datetime(df["month"])
    return df.astype({"org": "category", "staff_group": "category"})


def test_staff_fte_sums_nationalities_and_groups():
    df = _staff()
    assert staff_fte(df, "RYD", ["2017-09"]) == {"2017-09": pytest.approx(1110.0)}
    assert staff_fte(df, "RYD", ["2017-09"], "Ambulance staff") == {"2017-09": pytest.approx(1010.6)}
    assert staff_fte_by_group(df, "RYD", "2017-09") == {
        "Ambulance staff": pytest.approx(1010.6),
        "Managers": pytest.approx(99.4),
    }
    with pytest.raises(DataError, match="No staff rows for organisation 'RYD' in 2019-01.*2017-09, 2018-06"):
        staff_fte(df, "RYD", ["2019-01"])
    with pytest.raises(DataError, match="No staff group 'Paramedics'"):
        staff_fte(df, "RYD", ["2017-09"], "Paramedics")


@pytest.mark.slow  # without its cache, reads the whole workbook with openpyxl (7 s)
@needs_mirror
def test_secamb_staff_fte_september_2017_and_june_2018():
    """The table the book reads: read_workforce on the pinned workbook, cached as parquet keyed by its sha256 (a
    fresh checkout, as in CI, reads the workbook here or in the claims register, once)."""
    pytest.importorskip("openpyxl", reason="the workforce loader needs openpyxl")
    from se_ambulance.data.workforce import load_workforce

    wf = load_workforce()
    assert len(wf) == 81_603
    months = ["2017-09", "2018-06"]
    total = staff_fte(wf, "RYD", months)
    amb = staff_fte(wf, "RYD", months, "Ambulance staff")
    support = staff_fte(wf, "RYD", months, "Support to ambulance staff")
    # SOURCES.md: Ambulance staff 1,466 and 1,495; support 932 and 942 (rounded).
    assert {m: round(v) for m, v in amb.items()} == {"2017-09": 1466, "2018-06": 1495}
    assert {m: round(v) for m, v in support.items()} == {"2017-09": 932, "2018-06": 942}
    # All staff groups: the unrounded total is 2,982.07 and 3,065.39 FTE; SOURCES.md's 2,983 and 3,066
    # are the sums of the staff groups each rounded to whole FTE, as NHS Digital publishes them.
    assert total == {"2017-09": pytest.approx(2982.07381, abs=1e-4), "2018-06": pytest.approx(3065.39381, abs=1e-4)}
    for m, published in (("2017-09", 2983), ("2018-06", 3066)):
        assert sum(round(v) for v in staff_fte_by_group(wf, "RYD", m).values()) == published
    rye = staff_fte_by_group(wf, "RYE", "2017-09")
    assert round(rye["Ambulance staff"]) == 1118 and sum(round(v) for v in rye.values()) == 3296
