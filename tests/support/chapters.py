"""The tests' lists of chapters, read from `_toc.yml` and each chapter's parameters cell, never typed: a chapter
added with `se-ambulance new-chapter` (or by hand, listed in `_toc.yml`) is in every list it belongs to at once."""

from __future__ import annotations

from pathlib import Path

import nbformat

from se_ambulance.pipeline.parameters_cell import declaration, parameters_cell
from se_ambulance.pipeline.toc import chapter_notebooks

from .builders import ROOT


def chapters(root: Path = ROOT) -> list[Path]:
    """Every chapter notebook, in the order of `_toc.yml`."""
    return chapter_notebooks(root)


def declared(nb: Path) -> dict[str, list[str] | None]:
    """The areas a chapter declares (with the keys of a partial area)."""
    cell = parameters_cell(nbformat.read(nb, as_version=4))
    return dict(declaration(cell.source, nb.name)) if cell is not None else {}


def declaring(area: str, key: str | None = None, root: Path = ROOT) -> list[str]:
    """The chapters (stems, in `_toc.yml` order) that declare `area` (and, of a partial area, `key`)."""
    out = []
    for nb in chapters(root):
        d = declared(nb)
        if area in d and (key is None or key in (d[area] or [])):
            out.append(nb.stem)
    return out


def focus_chapters(root: Path = ROOT) -> dict[str, str]:
    """Each chapter that follows one trust or footprint, with the focus key it takes (trust or demand_area)."""
    out = {}
    for nb in chapters(root):
        keys = declared(nb).get("focus") or []
        for key in ("trust", "demand_area"):
            if key in keys:
                out[nb.stem] = key
                break
    return out
