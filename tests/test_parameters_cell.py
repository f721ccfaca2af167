"""Each chapter's `parameters` cell is written from params/default.yaml by the build; a committed cell that differs
from what the build writes fails here (nine cells once held hand-copied defaults and three went stale unnoticed)."""

from __future__ import annotations

import ast

import nbformat
import pytest

from se_ambulance.errors import BuildError
from se_ambulance.pipeline.build import chapter_notebooks, chapter_parameters, source_notebook
from se_ambulance.pipeline.parameters_cell import HEADER, cell_source, declaration, parameters_cell, written_source
from se_ambulance.pipeline.params import load_params

from .support.builders import ROOT, write_notebook


@pytest.mark.parametrize("nb", chapter_notebooks(ROOT), ids=lambda p: p.stem)
def test_committed_parameters_cells_are_what_the_build_writes(nb):
    cell = parameters_cell(nbformat.read(nb, as_version=4))
    if cell is None:
        return  # a page without parameters (the sources page)
    assert cell.source == written_source(nb), (
        f"{nb.name}: its parameters cell differs from params/default.yaml's values; run `make book` "
        "(the build writes the cell) and commit notebooks/"
    )


def test_the_written_cell_follows_default_yaml_and_keeps_the_declaration():
    declared = [("focus", ["trust"]), ("performance", None)]
    other = load_params(overrides={"trust": "RYE", "performance.claim_year": 2023})
    text = cell_source(declared, other)
    assert text.startswith(HEADER)
    values = {t.targets[0].id: ast.literal_eval(t.value) for t in ast.parse(text).body}
    assert values == {"focus": {"trust": "RYE"}, "performance": other.area("performance")}
    assert declaration(text) == declared
    assert "claim_year': 2024" in cell_source(declared)  # the default


def test_the_build_executes_the_written_cell(tmp_path):
    nb = write_notebook(tmp_path / "ch.ipynb", "performance = {'claim_year': 1999}", "print(performance)")
    written = parameters_cell(source_notebook(nb)).source
    assert "1999" not in written and "'claim_year': 2024" in written
    assert parameters_cell(nbformat.read(nb, as_version=4)).source == "performance = {'claim_year': 1999}"  # untouched


def test_a_second_parameters_cell_is_refused(tmp_path):
    nb = write_notebook(tmp_path / "ch.ipynb", "performance = {}", "print(1)")
    node = nbformat.read(nb, as_version=4)
    node.cells.append(nbformat.v4.new_code_cell("performance = {}", metadata={"tags": ["parameters"]}))
    with pytest.raises(BuildError, match="2 cells tagged 'parameters'; papermill allows one"):
        parameters_cell(node)


@pytest.mark.parametrize(
    "source, message",
    [
        ("x = 1", "declares 'x'; a chapter declares parameter areas"),
        ("import os", "may only assign parameter areas"),
        ("focus = 'RYD'", "must set focus to a dict literal"),
        ("focus = {'planet': 'Mars'}", "declares focus keys ['planet']"),
        ("demand = {", "is not valid Python"),
    ],
)
def test_a_bad_declaration_is_refused_with_what_is_allowed(tmp_path, source, message):
    nb = write_notebook(tmp_path / "ch.ipynb", source, "print(1)")
    with pytest.raises(BuildError, match=message.replace("[", r"\[").replace("]", r"\]")):
        chapter_parameters(nb, load_params())
        cell_source(declaration(source))
