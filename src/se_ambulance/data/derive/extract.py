"""An extract of a large CSV: chosen rows, copied verbatim."""

from __future__ import annotations

import csv
import io
from pathlib import Path


def csv_rows_extract(sources: dict[str, Path], out: Path, group_column: str, groups: list[str],
                     filter_column: str, keep: list[str]) -> None:
    """The header and the rows of the `csv` source whose `group_column` is one of `groups` and whose
    `filter_column` is one of `keep`, each line copied verbatim ('\\n' line ends): the groups in the
    order listed, each group's rows in the source's order. Refused if a group has no such row."""
    lines = sources["csv"].read_bytes().decode("utf-8").splitlines()
    header = next(csv.reader([lines[0]]))
    for column in (group_column, filter_column):
        if column not in header:
            raise ValueError(f"{sources['csv'].name} has no column {column!r}")
    g, f = header.index(group_column), header.index(filter_column)
    wanted, by_group = set(keep), {name: [] for name in groups}
    for line, fields in zip(lines[1:], csv.reader(io.StringIO("\n".join(lines[1:])))):
        if fields and fields[g] in by_group and fields[f] in wanted:
            by_group[fields[g]].append(line)
    missing = [name for name, rows in by_group.items() if not rows]
    if missing:
        raise ValueError(f"{sources['csv'].name} has no rows for {missing}")
    body = [lines[0]] + [line for name in groups for line in by_group[name]]
    out.write_bytes(("\n".join(body) + "\n").encode("utf-8"))
