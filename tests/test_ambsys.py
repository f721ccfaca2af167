"""The AmbSYS loader: tidy layout, missing values, and a clear error for each kind of bad file."""

from __future__ import annotations

import pytest

from se_ambulance.data.ambsys import TIDY_COLUMNS, read_ambsys_csv
from se_ambulance.reference.indicators import REGISTRY, code_for
from se_ambulance.errors import DataError

from .support.builders import ambsys_csv, org_rows

MONTHS = [(2024, 4), (2024, 5), (2024, 6)]


def _write(tmp_path, text, name="ambsys.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def good_rows():
    return org_rows("RYD", MONTHS, A8=100, A24=50000, A25=500, A26=900) + org_rows(
        "Eng", MONTHS, region="Eng", A8=1000, A24=480000, A25=480, A26=850
    )


def test_tidy_layout_and_missing_values(tmp_path):
    tidy = read_ambsys_csv(_write(tmp_path, ambsys_csv(good_rows())))
    assert list(tidy.columns) == TIDY_COLUMNS
    ryd = tidy[(tidy.org == "RYD") & (tidy.indicator == "A25")]
    assert list(ryd.value) == [500, 500, 500]
    assert set(ryd.category) == {"C1"} and set(ryd.statistic) == {"mean"} and set(ryd.unit) == {"seconds"}
    # '.' is missing: A30 was never given, so there are no C2 rows at all.
    assert tidy[tidy.indicator == "A30"].empty
    assert set(tidy[tidy.org == "Eng"].level) == {"england"}
    assert set(tidy[tidy.org == "RYD"].region) == {"Y59"}


def test_unregistered_columns_are_dropped(tmp_path):
    rows = [dict(r, A999=1) for r in good_rows()]
    tidy = read_ambsys_csv(_write(tmp_path, ambsys_csv(rows, extra_columns=("A999",))))
    assert "A999" not in set(tidy.indicator)


def test_empty_file(tmp_path):
    with pytest.raises(DataError, match="is empty"):
        read_ambsys_csv(_write(tmp_path, ""))


def test_truncated_file(tmp_path):
    text = ambsys_csv(good_rows())
    with pytest.raises(DataError, match="truncated"):
        read_ambsys_csv(_write(tmp_path, text[: len(text) - 40]))


def test_missing_column_is_named(tmp_path):
    text = ambsys_csv(good_rows()).replace(",A24,", ",A24x,", 1)
    with pytest.raises(DataError, match=r"A24 \(Category 1: total response time\)"):
        read_ambsys_csv(_write(tmp_path, text))


def test_non_numeric_value_names_line_and_column(tmp_path):
    rows = good_rows()
    rows[1]["A25"] = "fast"
    with pytest.raises(DataError, match=r"line 3, column A25: value 'fast' is not a number"):
        read_ambsys_csv(_write(tmp_path, ambsys_csv(rows)))


def test_duplicated_org_month(tmp_path):
    rows = good_rows() + org_rows("RYD", [(2024, 5)], A8=1)
    with pytest.raises(DataError, match="RYD has more than one row for 2024-05"):
        read_ambsys_csv(_write(tmp_path, ambsys_csv(rows)))


def test_missing_month(tmp_path):
    rows = [r for r in good_rows() if not (r["Org Code"] == "RYD" and r["Month"] == 5)]
    with pytest.raises(DataError, match="RYD has no row for 2024-05"):
        read_ambsys_csv(_write(tmp_path, ambsys_csv(rows)))


def test_registry_codes_match_facts():
    assert code_for("C2", "mean") == "A31" and code_for("C1", "count") == "A8"
    assert code_for("C4", "p90") == "A38" and code_for("C1T", "total") == "A27"
    with pytest.raises(KeyError, match="known"):
        code_for("C9", "mean")
    assert all(i.unit in {"calls", "incidents", "seconds", "handovers"} for i in REGISTRY.values())


def test_registry_totals_divide_to_means_on_the_real_file(ambsys):
    """Total ÷ count reproduces the published mean to within rounding, for every org and month
    from January 2018. (In the roll-out months Nov–Dec 2017 EEAST's and SWASFT's published means
    differ from total ÷ count by up to 7 s; the book's pooled figures use total ÷ count.)"""
    later = ambsys[ambsys.month >= "2018-01-01"]
    for cat in ("C1", "C1T", "C2", "C3", "C4"):
        sub = later[later.category == cat].pivot_table(
            index=["org", "month"], columns="statistic", values="value", observed=True
        )
        sub = sub.dropna(subset=["count", "total", "mean"])
        sub = sub[sub["count"] > 0]
        assert len(sub) > 500
        assert ((sub["total"] / sub["count"] - sub["mean"]).abs() <= 0.5 + 1e-9).all(), cat


def test_another_encoding_says_utf8_is_expected(tmp_path):
    p = tmp_path / "ambsys.csv"
    p.write_bytes(ambsys_csv(good_rows()).replace("RYD name", "RYD café").encode("cp1252"))
    with pytest.raises(DataError, match=r"is not UTF-8 text \(byte 0xe9 .*published as UTF-8 CSV"):
        read_ambsys_csv(p)


def test_an_html_page_is_named(tmp_path):
    with pytest.raises(DataError, match="is a web page"):
        read_ambsys_csv(_write(tmp_path, "<!DOCTYPE html>\n<html><body>Moved</body></html>\n"))


def test_header_only(tmp_path):
    header = ambsys_csv([]).splitlines()[0]
    with pytest.raises(DataError, match="header row but no data rows"):
        read_ambsys_csv(_write(tmp_path, header + "\n"))


def test_a_bad_month_is_not_nat(tmp_path):
    rows = good_rows()
    rows[0]["Month"] = 13
    with pytest.raises(DataError, match="Year/Month 2024/13 is not a date"):
        read_ambsys_csv(_write(tmp_path, ambsys_csv(rows)))
