"""`se-ambulance new-chapter NAME --areas ...`: a new chapter, with everything that must follow it.

It writes the notebook (a title, its parameters cell declaring the areas it reads, written from
`params/default.yaml`, a cell that shows those parameters, and the page's three parts to fill in), a test file that
runs it, and its entry in `_toc.yml`; then the README's table of chapters is written again from `_toc.yml`. The
lists that tests keep per chapter and per trust are read from `_toc.yml` and the chapters' declarations
(tests/support/chapters.py), so the new chapter is in them at once. `--sync` only rewrites the README's table.

The README's table: one row per chapter in `_toc.yml`'s order, with the page's title (its first heading), the
notebook, and what it computes (`metadata.se_ambulance.summary` in the notebook, given with `--summary`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from se_ambulance.errors import BuildError
from se_ambulance.pipeline.parameters_cell import Declaration, cell_source
from se_ambulance.pipeline.params import AREA_MODELS, AREAS, PARTIAL_AREAS
from se_ambulance.pipeline.toc import chapter_notebooks
from se_ambulance.paths import project_root

NAME = re.compile(r"[a-z][a-z0-9_]{1,40}")
DEFAULT_PART = "More analyses"
ABOUT_PART = "About this book"
TABLE_START = "<!-- chapters: generated from _toc.yml by `se-ambulance new-chapter --sync`; do not edit by hand -->"
TABLE_END = "<!-- /chapters -->"


@dataclass(frozen=True)
class NewChapter:
    notebook: Path
    test: Path
    toc: Path
    readme: Path


def parse_areas(items: list[str]) -> Declaration:
    """`--areas focus.trust,group,performance` as a declaration: whole areas, and the keys of a partial area."""
    wanted: dict[str, list[str] | None] = {}
    for item in (x.strip() for raw in items for x in raw.split(",")):
        if not item:
            continue
        area, _, key = item.partition(".")
        if area not in AREAS:
            raise BuildError(
                f"--areas names {area!r}, which is not a parameter area; the areas are: {', '.join(AREAS)}."
            )
        if area in PARTIAL_AREAS:
            fields = list(AREA_MODELS[area].model_fields)
            if not key:
                raise BuildError(
                    f"{area} holds independent choices: name the keys the chapter reads, e.g. "
                    f"--areas {area}.{fields[0]} (its keys: {', '.join(fields)})."
                )
            if key not in fields:
                raise BuildError(f"--areas names {area}.{key}; the {area} area has: {', '.join(fields)}.")
            keys = wanted.setdefault(area, []) or []
            wanted[area] = keys if key in keys else [*keys, key]
        elif key:
            raise BuildError(
                f"--areas names {item!r}: a chapter reads the whole {area} area, so name it alone (--areas {area})."
            )
        else:
            wanted[area] = None
    if not wanted:
        raise BuildError(
            f"--areas names no area; name those the chapter reads, from: {', '.join(AREAS)} "
            f"(and of {', '.join(PARTIAL_AREAS)}, the keys, e.g. focus.trust)."
        )
    return [(a, wanted[a]) for a in AREAS if a in wanted]


def chapter_stems(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "notebooks").glob("*.ipynb"))


def next_number(root: Path) -> int:
    numbers = [int(m.group(1)) for s in chapter_stems(root) if (m := re.match(r"(\d+)_", s))]
    return max(numbers, default=-1) + 1


def notebook(title: str, declared: Declaration, summary: str) -> nbformat.NotebookNode:
    areas = ", ".join(f"{a}={a}" for a, _ in declared)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["se_ambulance"] = {"summary": summary}
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            f"# {title}\n\n"
            "## What we found\n\n"
            "Three to five plain bullets, each citing a value that one function of `se_ambulance` computes and the\n"
            "chapter's code glues, with the verdict words explained (`CONTRIBUTING.md`, Adding a chapter).",
            id="c00",
        ),
        nbformat.v4.new_code_cell(
            cell_source(declared), metadata={"tags": ["parameters", "remove-cell"]}, id="parameters"
        ),
        nbformat.v4.new_code_cell(
            f"from se_ambulance.publish.report import parameters_note\n\nparameters_note({areas})",
            metadata={"tags": ["remove-input"]},
            id="c01",
        ),
        nbformat.v4.new_markdown_cell(
            "## How this was measured\n\n"
            "The definitions, the parameters and the names of the functions that compute each number shown here.",
            id="c02",
        ),
    ]
    return nb


def test_file(stem: str, title: str) -> str:
    return f'''"""{stem}: {title}. Scaffolded by `se-ambulance new-chapter`; add a test for each number it shows,
under the canonical parameters and under others (a sentence false for some parameters is a bug)."""

from __future__ import annotations

import pytest

from se_ambulance.pipeline.build import chapter_parameters
from se_ambulance.pipeline.params import load_params

from .support.builders import ROOT
from .support.inprocess import execute_in_process

CHAPTER = ROOT / "notebooks" / "{stem}.ipynb"


@pytest.mark.slow  # runs the chapter
def test_the_chapter_runs_and_shows_its_parameters():
    outputs = execute_in_process(CHAPTER, chapter_parameters(CHAPTER, load_params()))
    shown = "".join("".join(o.get("data", {{}}).get("text/markdown", "")) for o in outputs)
    assert "The parameters of this page" in shown
'''


def add_to_toc(toc_path: Path, stem: str, part: str) -> None:
    """Add `notebooks/<stem>` to the part with this caption (a new part before "About this book" if none has it),
    keeping the file's layout."""
    text = toc_path.read_text(encoding="utf-8")
    lines = text.splitlines()
    entry = f"notebooks/{stem}"
    captions = [i for i, line in enumerate(lines) if re.match(r"\s*- caption:\s*", line)]
    target = next((i for i in captions if lines[i].split("caption:", 1)[1].strip().strip("'\"") == part), None)
    if target is not None:
        end = next((i for i in captions if i > target), len(lines))
        files = [i for i in range(target, end) if re.match(r"\s*- file:", lines[i])]
        if not files:
            raise BuildError(f"_toc.yml: the part {part!r} lists no chapters to add {entry} beside; add it by hand.")
        indent = lines[files[-1]][: len(lines[files[-1]]) - len(lines[files[-1]].lstrip())]
        lines.insert(files[-1] + 1, f"{indent}- file: {entry}")
    else:
        if not captions:
            raise BuildError("_toc.yml has no parts (`- caption:`); add the chapter to it by hand.")
        about = next((i for i in captions if lines[i].split("caption:", 1)[1].strip() == ABOUT_PART), None)
        at = about if about is not None else len(lines)
        pad = lines[captions[0]][: len(lines[captions[0]]) - len(lines[captions[0]].lstrip())]
        lines[at:at] = [f"{pad}- caption: {part}", f"{pad}  chapters:", f"{pad}    - file: {entry}"]
    new = "\n".join(lines) + "\n"
    parsed = yaml.safe_load(new)
    if entry not in yaml.safe_dump(parsed):
        raise BuildError(f"_toc.yml could not be updated to list {entry}; add it by hand.")
    toc_path.write_text(new, encoding="utf-8")


def chapter_table(root: Path | None = None) -> str:
    """The README's table of chapters, from `_toc.yml`."""
    root = root or project_root()
    rows = ["| page | notebook | what it computes (module) |", "|---|---|---|"]
    for path in chapter_notebooks(root):
        nb = nbformat.read(path, as_version=4)
        heading = next(
            (
                line[2:].strip()
                for c in nb.cells
                if c.cell_type == "markdown"
                for line in c.source.splitlines()
                if line.startswith("# ")
            ),
            path.stem,
        )
        summary = (nb.metadata.get("se_ambulance") or {}).get("summary", "")
        if not summary:
            raise BuildError(
                f"{path.name} has no summary for the README's table: set metadata.se_ambulance.summary "
                "in the notebook (new-chapter's --summary does)."
            )
        rows.append(f"| {heading} | `{path.stem}` | {summary} |")
    return "\n".join(rows)


def sync_readme(root: Path | None = None) -> Path:
    """Write the README's table of chapters again (between its markers) from `_toc.yml`."""
    root = root or project_root()
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    if TABLE_START not in text or TABLE_END not in text:
        raise BuildError(f"README.md has no table of chapters between {TABLE_START!r} and {TABLE_END!r}.")
    head, rest = text.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    readme.write_text(f"{head}{TABLE_START}\n{chapter_table(root)}\n{TABLE_END}{tail}", encoding="utf-8")
    return readme


def new_chapter(
    name: str,
    areas: list[str],
    title: str | None = None,
    summary: str | None = None,
    part: str = DEFAULT_PART,
    root: Path | None = None,
) -> NewChapter:
    """Scaffold a chapter (see the module's docstring); nothing is written if any input is refused."""
    root = root or project_root()
    if not NAME.fullmatch(name or ""):
        raise BuildError(
            f"new-chapter NAME {name!r} must be 2-41 lower-case letters, digits or underscores, starting "
            "with a letter (e.g. staffing or handover_delays)."
        )
    if any(s.split("_", 1)[-1] == name for s in chapter_stems(root)):
        raise BuildError(f"a chapter called {name!r} exists already in notebooks/.")
    declared = parse_areas(areas)
    stem = f"{next_number(root):02d}_{name}"
    title = (title or name.replace("_", " ").capitalize()).strip()
    summary = (summary or "to be written (`se-ambulance new-chapter --summary`, or the notebook's metadata)").strip()
    nb_path = root / "notebooks" / f"{stem}.ipynb"
    test_path = root / "tests" / f"test_chapter_{name}.py"
    if test_path.exists():
        raise BuildError(f"{test_path.relative_to(root)} exists already; choose another NAME.")
    nb = notebook(title, declared, summary)
    toc_path = root / "_toc.yml"
    toc_before = toc_path.read_text(encoding="utf-8")
    try:
        nbformat.write(nb, nb_path)
        test_path.parent.mkdir(parents=True, exist_ok=True)
        test_path.write_text(test_file(stem, title), encoding="utf-8")
        add_to_toc(toc_path, stem, part)
        readme = sync_readme(root)
    except BaseException:  # all or nothing
        nb_path.unlink(missing_ok=True)
        test_path.unlink(missing_ok=True)
        toc_path.write_text(toc_before, encoding="utf-8")
        raise
    return NewChapter(nb_path, test_path, toc_path, readme)


__all__ = ["NewChapter", "chapter_table", "new_chapter", "parse_areas", "sync_readme"]
