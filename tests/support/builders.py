"""Small synthetic inputs that tests build by code: AmbSYS-shaped CSVs, notebooks, checksums; and where the
real files are (`data_mirror`).

Only logic is tested on these; the book's numbers always come from the real files.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]


def data_mirror() -> Path:
    """The data mirror that tests read real files from: the fetch's own resolution of $SE_AMBULANCE_DATA_MIRROR
    (absolute), else ../shared/data beside the checkout."""
    from se_ambulance.data.fetch import mirror_dir

    return mirror_dir() or ROOT.parent / "shared" / "data"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ambsys_csv(rows: list[dict], extra_columns: tuple[str, ...] = ()) -> str:
    """An AmbSYS-shaped CSV: the id columns, every registered indicator, '.' where not given."""
    from se_ambulance.data.ambsys import ID_COLUMNS  # here, not at the top: this conftest is imported by
    from se_ambulance.reference.indicators import REGISTRY  # pytest-xdist's controller too, which needs no pandas

    header = ID_COLUMNS + list(REGISTRY) + list(extra_columns)
    lines = [",".join(header)]
    for r in rows:
        lines.append(",".join(str(r.get(c, ".")) for c in header))
    return "\n".join(lines) + "\n"


def org_rows(org: str, months: list[tuple[int, int]], region: str = "Y59", **values) -> list[dict]:
    return [
        {"Year": y, "Month": m, "Region": region, "Org Code": org, "Org Name": f"{org} name", **values}
        for y, m in months
    ]


def write_notebook(path: Path, *sources: str) -> Path:
    """A python3 notebook whose first cell is tagged `parameters`."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(sources[0], metadata={"tags": ["parameters"]}),
        *[nbformat.v4.new_code_cell(s) for s in sources[1:]],
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nbformat.write(nb, path)
    return path
