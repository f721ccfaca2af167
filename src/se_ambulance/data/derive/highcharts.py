"""Series values parsed out of Highcharts chart configuration files (JavaScript object literals)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd

_MONTHS = {m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
                                        "Oct", "Nov", "Dec"], start=1)}


def _bracketed(text: str, start: int) -> str:
    """The bracketed literal beginning at text[start] == '['."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "[":
            depth += 1
        elif text[i] == "]":
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
    raise ValueError("an unclosed '[' in the chart file")


def _list_after(text: str, key: str, start: int = 0) -> tuple[str, int]:
    m = re.compile(rf"\b{key}\s*:\s*\[").search(text, start)
    if not m:
        raise ValueError(f"no '{key}: [' in the chart file")
    literal = _bracketed(text, m.end() - 1)
    return literal, m.end() - 1 + len(literal)


def _month(label: str) -> str:
    """'Apr 2011' or 'Apr-11' as '2011-04'."""
    m = re.fullmatch(r"([A-Z][a-z]{2})[ -](\d{2}|\d{4})", label.strip())
    if not m or m.group(1) not in _MONTHS:
        raise ValueError(f"category {label!r} is not a month like 'Apr 2011' or 'Apr-11'")
    year = int(m.group(2)) + (2000 if len(m.group(2)) == 2 else 0)
    return dt.date(year, _MONTHS[m.group(1)], 1).strftime("%Y-%m")


def parse_chart(text: str) -> tuple[list[str], dict[str, list]]:
    """(months of the x axis, {series name: values}) of one Highcharts configuration."""
    categories, _ = _list_after(text, "categories")
    months = [_month(c) for c in re.findall(r"'([^']*)'", categories)]
    series_at = re.search(r"\bseries\s*:", text)
    if not series_at:
        raise ValueError("no 'series:' in the chart file")
    series: dict[str, list] = {}
    for m in re.finditer(r"\bname\s*:\s*'([^']*)'", text[series_at.end():]):
        data, _ = _list_after(text, "data", series_at.end() + m.end())
        series.setdefault(m.group(1), json.loads(data))
    return months, series


def series_csv(sources: dict[str, Path], out: Path, series: list[dict], keys: list[str],
               sort: list[str], drop_zero: list[str] | None = None) -> None:
    """A long table `month, <keys...>, value, source_chart` of the named series.

    `series` lists the series to keep: {chart: a source name, name: the series name in that chart, and
    the key columns (e.g. geography, call_category, measure)}; every other series (targets, trend
    lines) is dropped. Missing values (null) are dropped, and zeros of the measures in `drop_zero`
    (placeholders). A row whose month and keys repeat an earlier row is dropped (earlier charts in
    the list win). Sorted by the columns in `sort`; values written as floats.
    """
    parsed = {chart: parse_chart(path.read_text(encoding="utf-8")) for chart, path in sources.items()}
    rows = []
    for spec in series:
        months, values = parsed[spec["chart"]]
        if spec["name"] not in values:
            raise ValueError(f"chart {spec['chart']} has no series {spec['name']!r}")
        data = values[spec["name"]]
        if len(data) != len(months):
            raise ValueError(f"series {spec['name']!r} of {spec['chart']} has {len(data)} values "
                             f"for {len(months)} months")
        for month, value in zip(months, data):
            if value is None or (value == 0 and spec["measure"] in (drop_zero or [])):
                continue
            rows.append({"month": month, **{k: spec[k] for k in keys}, "value": float(value),
                         "source_chart": spec["chart"]})
    df = pd.DataFrame(rows, columns=["month", *keys, "value", "source_chart"])
    df = df.drop_duplicates(subset=["month", *keys], keep="first")
    df = df.sort_values(sort, kind="stable")
    out.write_bytes(df.to_csv(index=False, lineterminator="\n").encode("utf-8"))
