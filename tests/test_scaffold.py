"""`se-ambulance new-chapter`: a chapter with its declaration, test file and _toc.yml entry, and the lists that
follow _toc.yml (the README's table of chapters, the tests' per-trust and per-chapter lists)."""

from __future__ import annotations

import ast
import os
import shutil

import nbformat
import pytest
import yaml

from se_ambulance.errors import BuildError
from se_ambulance.pipeline import scaffold
from se_ambulance.pipeline.cli import main
from se_ambulance.pipeline.parameters_cell import declaration, parameters_cell
from se_ambulance.pipeline.toc import chapter_notebooks

from .support.builders import ROOT
from .support.chapters import declaring, focus_chapters


def test_the_readme_table_of_chapters_follows_the_toc():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split(scaffold.TABLE_START, 1)[1].split(scaffold.TABLE_END, 1)[0].strip()
    assert table == scaffold.chapter_table(ROOT), "run `se-ambulance new-chapter --sync` and commit README.md"


def test_every_chapter_in_the_toc_is_a_notebook_with_a_summary_and_every_notebook_is_in_the_toc():
    listed = {p.name for p in chapter_notebooks(ROOT)}
    assert listed == {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}


@pytest.fixture
def copy(tmp_path, monkeypatch):
    """The project's book and chapters in a folder of their own (the package is the installed one)."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("_config.yml", "_toc.yml", "README.md", "requirements.lock"):
        shutil.copy2(ROOT / name, root / name)
    for name in ("book", "params", "notebooks", "_static"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("se-charts.js"))
    (root / "data").mkdir()
    shutil.copy2(ROOT / "data" / "manifest.yaml", root / "data" / "manifest.yaml")
    os.symlink(ROOT / "data" / "raw", root / "data" / "raw")
    (root / "tests").mkdir()
    monkeypatch.setenv("SE_AMBULANCE_HOME", str(root))
    return root


def test_a_new_chapter_appears_everywhere_that_follows_the_toc(copy):
    made = scaffold.new_chapter(
        "staffing",
        ["focus.trust,group"],
        title="Does the group have the staff it needs?",
        summary="staff in post against establishment (`workforce`)",
        root=copy,
    )
    assert made.notebook == copy / "notebooks" / "10_staffing.ipynb"
    nb = nbformat.read(made.notebook, as_version=4)
    assert declaration(parameters_cell(nb).source) == [("focus", ["trust"]), ("group", None)]
    assert "'trust': 'RYD'" in parameters_cell(nb).source  # written from params/default.yaml
    toc = yaml.safe_load((copy / "_toc.yml").read_text(encoding="utf-8"))
    parts = [p["caption"] for p in toc["parts"]]
    assert parts.index("More analyses") == parts.index("About this book") - 1
    assert chapter_notebooks(copy)[-3] == made.notebook  # before the glossary and the references
    assert "| Does the group have the staff it needs? | `10_staffing` | staff in post against establishment" in (
        copy / "README.md"
    ).read_text(encoding="utf-8")
    assert "10_staffing" in declaring("focus", "trust", root=copy)  # in the per-trust lists of the tests
    assert focus_chapters(copy)["10_staffing"] == "trust"
    test = made.test.read_text(encoding="utf-8")
    ast.parse(test)
    assert '"10_staffing.ipynb"' in test
    # A second chapter joins the same part.
    scaffold.new_chapter("handover", ["performance"], summary="handover times (`activity`)", root=copy)
    toc = yaml.safe_load((copy / "_toc.yml").read_text(encoding="utf-8"))
    more = next(p for p in toc["parts"] if p["caption"] == "More analyses")
    assert [c["file"] for c in more["chapters"]] == ["notebooks/10_staffing", "notebooks/11_handover"]


@pytest.mark.parametrize(
    "name, areas, message",
    [
        ("Staffing!", ["group"], "must be 2-41 lower-case letters"),
        ("demand", ["group"], "a chapter called 'demand' exists already"),
        ("staffing", ["staff"], "'staff', which is not a parameter area"),
        ("staffing", ["focus"], "focus holds independent choices: name the keys"),
        ("staffing", ["focus.planet"], "the focus area has: trust, comparators, demand_area"),
        ("staffing", ["performance.claim_year"], "reads the whole performance area"),
        ("staffing", [], "names no area"),
    ],
)
def test_a_refused_chapter_writes_nothing(copy, name, areas, message):
    toc, readme = (copy / "_toc.yml").read_bytes(), (copy / "README.md").read_bytes()
    before = sorted(p.name for p in (copy / "notebooks").iterdir())
    with pytest.raises(BuildError, match=message):
        scaffold.new_chapter(name, areas, root=copy)
    assert (copy / "_toc.yml").read_bytes() == toc and (copy / "README.md").read_bytes() == readme
    assert sorted(p.name for p in (copy / "notebooks").iterdir()) == before
    assert list((copy / "tests").iterdir()) == []


def test_the_command_line(copy, capsys):
    assert main(["new-chapter", "staffing", "--areas", "group", "--summary", "staff (`workforce`)"]) == 0
    assert "created" in capsys.readouterr().out and (copy / "notebooks" / "10_staffing.ipynb").is_file()
    assert main(["new-chapter", "rota"]) == 2
    assert "names no area" in capsys.readouterr().err


@pytest.mark.slow  # executes the new chapter in a kernel and builds the whole site
def test_a_new_chapter_builds_into_the_site(copy):
    from se_ambulance.pipeline import build as build_mod
    from se_ambulance.pipeline.params import load_params

    made = scaffold.new_chapter(
        "staffing",
        ["focus.trust", "group"],
        title="Does the group have the staff it needs?",
        summary="staff (`workforce`)",
        root=copy,
    )
    build_mod.run_chapters(
        [made.notebook], load_params(), copy / "notebooks", copy / "notebooks", cache_dir=copy / "_build"
    )
    html = build_mod.build_site(copy, copy)  # strict: any warning fails
    page = (html / "notebooks" / "10_staffing.html").read_text(encoding="utf-8")
    assert "Does the group have the staff it needs?" in page and "The parameters of this page" in page
    assert "10_staffing.html" in (html / "notebooks" / "09_evaluation.html").read_text(encoding="utf-8")  # in the nav
