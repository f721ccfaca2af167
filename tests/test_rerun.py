"""Re-running: unchanged chapters are skipped, interruptions lose nothing, single chapters run, and each shipped
scenario's pages agree with one another."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from se_ambulance.pipeline import build as build_mod
from se_ambulance.pipeline.cli import main
from se_ambulance.pipeline.params import load_params

from .support.builders import ROOT, write_notebook


def tiny_chapter(folder: Path) -> Path:
    return write_notebook(folder / "99_tiny.ipynb", 'focus = {"trust": "RYD"}', 'print(focus["trust"])')


def without_a_kernel(nb_in: Path, nb_out: Path, parameters: dict, cwd: Path) -> Path:
    """In place of execute_chapter for the tests of *when* a chapter runs (every book build tests *how*):
    papermill's parameter injection, and the parameters as the last cell's output."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = parameterize_notebook(load_notebook_node(str(nb_in)), parameters, kernel_name="python3", language="python")
    nb.cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout", text=json.dumps(parameters))]
    nb_out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, nb_out)
    return nb_out


def count_executions(monkeypatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr(
        build_mod, "execute_chapter", lambda *a, **k: calls.append(a[0].name) or without_a_kernel(*a, **k)
    )
    return calls


def test_unchanged_chapters_are_not_executed_again(tmp_path, monkeypatch):
    src = tiny_chapter(tmp_path)
    calls = count_executions(monkeypatch)
    out = tmp_path / "out"
    build_mod.run_chapters([src], load_params(), out, tmp_path, cache_dir=out)
    build_mod.run_chapters([src], load_params(), out, tmp_path, cache_dir=out)
    assert calls == ["99_tiny.ipynb"]
    build_mod.run_chapters([src], load_params(overrides={"trust": "RYE"}), out, tmp_path, cache_dir=out)
    assert calls == ["99_tiny.ipynb"] * 2  # a parameter changed: executed again
    assert "RYE" in (out / "99_tiny.ipynb").read_text()
    nb = nbformat.read(src, as_version=4)
    nb.cells[1].source = 'print(focus["trust"] * 2)'
    nbformat.write(nb, src)
    build_mod.run_chapters([src], load_params(overrides={"trust": "RYE"}), out, tmp_path, cache_dir=out)
    assert len(calls) == 3  # the notebook changed: executed again


def test_chapter_key_depends_on_parameters_and_sources(tmp_path):
    src = tiny_chapter(tmp_path)
    a = build_mod.chapter_key(src, {"focus": {"trust": "RYD"}})
    assert a == build_mod.chapter_key(src, {"focus": {"trust": "RYD"}})
    assert a != build_mod.chapter_key(src, {"focus": {"trust": "RYE"}})


def test_an_interrupted_build_loses_nothing(monkeypatch, tmp_path, capsys):
    import papermill

    before = {p.name: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")}

    def interrupt(*args, **kwargs):
        Path(args[1]).write_text("half-written")
        raise KeyboardInterrupt

    monkeypatch.setattr(papermill, "execute_notebook", interrupt)
    rc = main(["build", "--force", "--set", "trust=RYE", "--out", str(tmp_path / "book")])
    assert rc == 130
    assert "interrupted" in capsys.readouterr().err
    after = {p.name: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert after == before
    leftovers = [p.name for p in (tmp_path / "book" / "notebooks").glob(".*")]
    assert leftovers == []  # temporary files are removed


def test_unknown_chapter_is_named(capsys):
    assert main(["run", "nonsense"]) == 2
    assert "chapters are: 00_introduction, 01_performance" in capsys.readouterr().err


@pytest.mark.book
def test_run_one_chapter_with_a_scenario_and_new_parameters(tmp_path):
    """`se-ambulance run` through kernels with a shipped scenario's file and a --set on top: the chapter, and its
    one-page site in the folder given."""
    before = (ROOT / "notebooks" / "01_performance.ipynb").read_bytes()
    out = tmp_path / "run"
    assert (
        main(
            [
                "run",
                "performance",
                "--params",
                str(ROOT / "params" / "scas.yaml"),
                "--set",
                "claim_year=2023",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    executed = json.loads((out / "notebooks" / "01_performance.ipynb").read_text())
    assert executed["metadata"]["papermill"]["parameters"]["focus"]["trust"] == "RYE"
    assert executed["metadata"]["papermill"]["parameters"]["performance"]["claim_year"] == 2023
    page = (out / "_build" / "html" / "notebooks" / "01_performance.html").read_text(encoding="utf-8")
    assert (
        "South Central (SCAS)" in page
        and '<code class="docutils literal notranslate"><span class="pre">trust</span></code> = RYE' in page
    )
    assert (ROOT / "notebooks" / "01_performance.ipynb").read_bytes() == before


SCENARIOS = sorted(p.name for p in (ROOT / "params").glob("*.yaml") if p.name != "default.yaml")


@pytest.fixture(scope="module")
def scenario_book(tmp_path_factory):
    """Each shipped scenario's book, made once: its `notebooks/` folder as a build leaves it. The chapters run in
    this process (tests/support/inprocess.py): the checks read what each page shows, which does not depend on how it
    ran. Scenario files through the CLI and kernels: `run` above; whole books through kernels, the chapter
    store and a strict site: the atlas test and nbval."""
    from . import conftest
    from .support.inprocess import book_in_process

    built: dict[str, Path] = {}
    before = {p.name: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")}

    def book(scenario: str) -> Path:
        if scenario not in built:
            out = tmp_path_factory.mktemp(scenario.removesuffix(".yaml")) / "book"
            book_in_process(
                load_params(ROOT / "params" / scenario),
                out / "notebooks",
                build_mod.chapter_notebooks(ROOT),
                conftest.nbval_checks_the_committed_book(),
            )
            built[scenario] = out
        return built[scenario]

    yield book
    assert {p.name: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")} == before  # never touched


def shown(book: Path, chapter: str) -> str:
    """What a chapter's outputs say (the page shows exactly these)."""
    nb = json.loads((book / "notebooks" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    return json.dumps([c.get("outputs", []) for c in nb["cells"]], ensure_ascii=False)


def on_its_own(scenario: str):
    """The tests that read one scenario's book share a unit of work (conftest.py), so it is made once."""
    return pytest.mark.xdist_group(f"scenario-{scenario.removesuffix('.yaml')}")


@pytest.mark.book
@pytest.mark.parametrize("scenario", [pytest.param(s, marks=on_its_own(s)) for s in SCENARIOS])
def test_example_scenarios_build(scenario, scenario_book):
    """Each shipped scenario's chapters run, and no two of its pages disagree."""
    out = scenario_book(scenario)
    if scenario == "pessimistic_appraisal.yaml":  # the appraisal page ran with the scenario's ranges
        assert "0.2/0.36/0.69 (low/central/high)" in shown(out, "05_appraisal")
    # No two pages of the scenario book disagree about a claim ...
    from .support.consistency import contradictions

    assert contradictions(out / "notebooks") == []
    # ... and the assumptions log shows the values this run used, not the defaults.
    import html

    from se_ambulance.claims.assumptions import assumptions_log
    from se_ambulance.claims.evaluate import CLAIM_AREAS

    params = load_params(ROOT / "params" / scenario)
    log = assumptions_log(**{a: params.area(a) for a in CLAIM_AREAS})
    page = shown(out, "08_assumptions")
    missing = [a for a in log["assumption"] if json.dumps(html.escape(a), ensure_ascii=False)[1:-1] not in page]
    assert missing == [], f"{scenario}: the assumptions page does not show {missing[:3]}"
    # ... and so does its table of parameters, with what this scenario changed (the claims page points to it).
    from se_ambulance.pipeline.params import BookParams
    from se_ambulance.publish.report import html_table, parameters_table

    table = parameters_table(
        {a: params.area(a) for a in ("group", "performance", "demand", "appraisal", "evaluation")},
        BookParams().model_dump(mode="json"),
    )
    from se_ambulance.pipeline.params import read_params_file

    from .support.consistency import outputs_of

    sets_a_listed_area = any(a != "focus" for a in read_params_file(ROOT / "params" / scenario))
    assert (table["canonical book"] != "same").any() == sets_a_listed_area, scenario
    assert html_table(table, "se-table").data in [
        "".join(o["data"]["text/html"])
        for o in outputs_of(out / "notebooks" / "08_assumptions.ipynb")
        if "text/html" in o.get("data", {})
    ]


@pytest.mark.book
@on_its_own("scas.yaml")
def test_the_scas_book_shows_scas_on_its_focus_pages(scenario_book):
    """SCAS's focus chapters and its own footprint's demand chapter (test_trusts.py and test_demand.py leave SCAS
    to this book): each names SCAS, states its parameter and prints nothing to stderr."""
    from .support.consistency import focus_problems, outputs_of

    out = scenario_book("scas.yaml")
    from .support.chapters import focus_chapters

    for chapter, key in focus_chapters().items():
        outputs = outputs_of(out / "notebooks" / f"{chapter}.ipynb")
        assert focus_problems(outputs, key, "RYE", "South Central (SCAS)") == [], chapter


@pytest.mark.book
@on_its_own("las_scas.yaml")
def test_a_book_for_las_and_scas_follows_its_group_everywhere(scenario_book):
    """params/las_scas.yaml: the group's name and trusts on every group page, the claims on their own scope."""
    from .support.consistency import contradictions

    out = scenario_book("las_scas.yaml")
    for chapter in ("01_performance", "04_demand", "05_appraisal"):
        assert "LAS + SCAS" in shown(out, chapter), chapter
        assert "SCAS + SECAmb (pooled)" not in shown(out, chapter), chapter
    assert "LAS + SCAS (pooled)" in shown(out, "01_performance")
    # The claims stay on their own scope, and the pages say so next to the verdicts.
    assert "judged on that scope" in shown(out, "05_appraisal")
    # The money verdicts beside LAS + SCAS's own figures say they are the case's, with the case's figure; SCAS's own
    # savings plans are named as SCAS's, from before the case's group.
    assert "The verdict is judged on the case's group, SCAS + SECAmb" in shown(out, "05_appraisal")
    assert "not on LAS + SCAS. There, cash savings after the cost of running the group have a median of" in shown(
        out, "05_appraisal"
    )
    assert (
        "The evidence for such savings comes from South Central (SCAS), before it formed SCAS + SECAmb, the "
        "case's group."
    ) in shown(out, "05_appraisal")
    for chapter in ("00_introduction", "06_claims"):  # the pages without figures of their own say so too
        assert "This book is built for LAS + SCAS" in shown(out, chapter), chapter
    assert contradictions(out / "notebooks") == []


def test_an_output_edited_since_the_last_run_is_replaced(tmp_path, monkeypatch):
    src = tiny_chapter(tmp_path)
    calls = count_executions(monkeypatch)
    out = tmp_path / "out"
    build_mod.run_chapters([src], load_params(), out, tmp_path, cache_dir=out)
    executed = (out / "99_tiny.ipynb").read_bytes()
    nb = nbformat.read(out / "99_tiny.ipynb", as_version=4)
    for c in nb.cells:
        c.outputs = []
    nbformat.write(nb, out / "99_tiny.ipynb")  # outputs stripped by hand: no longer the recorded file
    build_mod.run_chapters([src], load_params(), out, tmp_path, cache_dir=out)
    assert (out / "99_tiny.ipynb").read_bytes() == executed  # from the chapter store
    assert len(calls) == 1
    build_mod.run_chapters([src], load_params(), out, tmp_path, cache_dir=out, force=True)
    assert len(calls) == 2  # --force executes whatever the store holds


def test_another_output_folder_copies_a_chapter_executed_with_the_same_key(tmp_path, monkeypatch):
    """Books for other trusts or scenarios re-execute only chapters whose key differs (chapter_store.py)."""
    src = tiny_chapter(tmp_path)
    other = write_notebook(tmp_path / "98_other.ipynb", "demand = {}", 'print("no focus here")')
    calls = count_executions(monkeypatch)
    build_mod.run_chapters([src, other], load_params(), tmp_path / "a", tmp_path, cache_dir=tmp_path / "a")
    assert sorted(calls) == ["98_other.ipynb", "99_tiny.ipynb"]
    build_mod.run_chapters(
        [src, other], load_params(overrides={"trust": "RX7"}), tmp_path / "b", tmp_path, cache_dir=tmp_path / "b"
    )
    assert sorted(calls) == ["98_other.ipynb", "99_tiny.ipynb", "99_tiny.ipynb"]  # only the focus chapter
    assert (tmp_path / "b" / "98_other.ipynb").read_bytes() == (tmp_path / "a" / "98_other.ipynb").read_bytes()
    assert "RX7" in (tmp_path / "b" / "99_tiny.ipynb").read_text()
    # A damaged store entry is dropped and the chapter executed again, never copied.
    from se_ambulance.pipeline.chapter_store import ChapterStore

    for entry in ChapterStore().folder.glob("*.ipynb"):  # this test's own store (conftest.chapter_store)
        entry.write_text("{ half a notebo")
    build_mod.run_chapters([other], load_params(), tmp_path / "c", tmp_path, cache_dir=tmp_path / "c")
    assert calls.count("98_other.ipynb") == 2
    assert json.loads((tmp_path / "c" / "98_other.ipynb").read_text())["cells"]


def test_package_digest_covers_every_file_of_the_package(tmp_path):
    """The claims cache keys on it: a change anywhere in the package changes it. (A chapter's key covers only the
    modules it imports: tests/test_inputs.py.)"""
    import shutil

    import se_ambulance.paths as paths

    copy = tmp_path / "se_ambulance"
    shutil.copytree(Path(paths.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    digest = paths.package_digest(copy)
    assert digest == paths.package_digest()
    with (copy / "analysis" / "population.py").open("a") as fh:
        fh.write("# a changed footnote\n")
    assert paths.package_digest(copy) != digest
