"""A chapter's cells as its file holds them: type, source and tags, read as JSON (without nbformat's validation, which
costs a tenth of a second on a chapter with charts) and kept while the file is unchanged. For reading sources and
declarations; a notebook to execute or write is read with nbformat."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from se_ambulance.errors import BuildError


@dataclass(frozen=True)
class Cell:
    cell_type: str
    source: str
    tags: tuple[str, ...]


def cells(nb_path: Path) -> tuple[Cell, ...]:
    stat = Path(nb_path).stat()
    return _cells(str(nb_path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _cells(path: str, mtime_ns: int, size: int) -> tuple[Cell, ...]:
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        raw = nb["cells"]
        return tuple(
            Cell(
                c["cell_type"],
                "".join(c["source"]) if isinstance(c["source"], list) else c["source"],
                tuple((c.get("metadata") or {}).get("tags") or ()),
            )
            for c in raw
        )
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise BuildError(f"{Path(path).name} is not a readable notebook ({type(e).__name__}: {e}).") from e


def parameters_source(nb_path: Path) -> str | None:
    """The source of the chapter's cell tagged `parameters` (None if it has none)."""
    return next((c.source for c in cells(nb_path) if c.cell_type == "code" and "parameters" in c.tags), None)


__all__ = ["Cell", "cells", "parameters_source"]
