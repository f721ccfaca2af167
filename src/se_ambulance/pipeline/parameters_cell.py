"""A chapter's `parameters` cell, written from `params/default.yaml`.

The cell declares the parameter areas the chapter reads (and, of a partial area such as `focus`, the keys it
reads); its values are the defaults, for a reader who opens the notebook and runs it by hand (a build injects the
run's own values after it). The values are never typed: every build executes each chapter with this cell written
from the parameters in force for the canonical book (`params/default.yaml`), so the canonical notebooks in
`notebooks/` always carry today's defaults, and a test fails if a committed cell differs from what the build would
write. Only the declaration — which areas, which keys, in which order — belongs to the chapter.
"""

from __future__ import annotations

import ast
import pprint
from functools import lru_cache
from pathlib import Path

import nbformat

from se_ambulance.errors import BuildError
from se_ambulance.pipeline.params import AREAS, PARTIAL_AREAS, BookParams, default_params_path, load_params

HEADER = (
    "# Defaults from params/default.yaml, written by the build (a run's own values are injected below);\n"
    "# edit only which areas (and focus keys) this chapter declares."
)
WIDTH = 100

Declaration = list[tuple[str, list[str] | None]]  # (area, keys of a partial area | None for the whole area)


def parameters_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    """The chapter's cell tagged `parameters` (None if it has none). A second one is refused: papermill injects the
    run's values after the first, so a later copy would silently put the defaults back."""
    cells = [c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]
    if len(cells) > 1:
        raise BuildError(
            f"a chapter has {len(cells)} cells tagged 'parameters'; papermill allows one (the values "
            "injected after the first would be overwritten by the next). Remove the extra tag or cell."
        )
    return cells[0] if cells else None


def declaration(source: str, where: str = "the parameters cell") -> Declaration:
    """The areas a parameters cell assigns, in order, with the keys of each partial area (its dict literal's keys)."""
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise BuildError(f"{where} is not valid Python ({e.msg}, line {e.lineno}).") from e
    out: Declaration = []
    for stmt in tree.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            raise BuildError(
                f"{where} may only assign parameter areas (like `demand = {{...}}`); found `{ast.unparse(stmt)[:60]}`."
            )
        area = stmt.targets[0].id
        if area not in AREAS:
            raise BuildError(f"{where} declares {area!r}; a chapter declares parameter areas: {', '.join(AREAS)}.")
        keys = None
        if area in PARTIAL_AREAS:
            try:
                value = ast.literal_eval(stmt.value)
            except ValueError:
                value = None
            if not isinstance(value, dict) or not value:
                raise BuildError(
                    f"{where} must set {area} to a dict literal of the keys the chapter uses, like "
                    f"{area} = {{'trust': 'RYD'}}."
                )
            keys = list(value)
        out.append((area, keys))
    return out


def _defaults() -> BookParams:
    """params/default.yaml, read again only when it changes."""
    path = default_params_path()
    stat = path.stat()
    return _defaults_as_of(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _defaults_as_of(path: str, mtime_ns: int, size: int) -> BookParams:
    return load_params()


def cell_source(declared: Declaration, params: BookParams | None = None) -> str:
    """The parameters cell for this declaration, with the values of `params` (default: params/default.yaml)."""
    params = params or _defaults()
    lines = [HEADER]
    for area, keys in declared:
        value = params.area(area)
        if keys is not None:
            unknown = [k for k in keys if k not in value]
            if unknown:
                raise BuildError(
                    f"the parameters cell declares {area} keys {unknown} that the {area} area does not "
                    f"have; it has: {', '.join(value)}."
                )
            value = {k: value[k] for k in keys}
        lines.append(
            f"{area} = "
            + pprint.pformat(value, width=WIDTH - len(area) - 3, sort_dicts=False, indent=1).replace(
                "\n", "\n" + " " * (len(area) + 3)
            )
        )
    return "\n".join(lines)


def with_written_cell(
    nb: nbformat.NotebookNode, params: BookParams | None = None, where: str = "the parameters cell"
) -> nbformat.NotebookNode:
    """The notebook with its parameters cell written from the defaults (changed in place and returned)."""
    cell = parameters_cell(nb)
    if cell is not None:
        cell.source = cell_source(declaration(cell.source, where), params)
    return nb


def written_source(nb_path: Path) -> str | None:
    """What the build writes into this chapter's parameters cell (None if it has none)."""
    nb = nbformat.read(nb_path, as_version=4)
    cell = parameters_cell(nb)
    return None if cell is None else cell_source(declaration(cell.source, f"{nb_path.name}'s parameters cell"))


__all__ = ["HEADER", "cell_source", "declaration", "parameters_cell", "with_written_cell", "written_source"]
