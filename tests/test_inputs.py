"""What each chapter depends on (pipeline/inputs.py), and that a build re-executes exactly the chapters whose inputs
changed: an edit to a module re-runs the chapters that import it, a new pin of a dataset the chapters that read it,
a moved claim result the chapters that show it."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from se_ambulance.pipeline import build as build_mod
from se_ambulance.pipeline import inputs as inputs_mod
from se_ambulance.pipeline.build import chapter_notebooks
from se_ambulance.pipeline.inputs import Analyser
from se_ambulance.pipeline.params import load_params

from .support.builders import ROOT, write_notebook

EVERY = None


@pytest.fixture(scope="module")
def analysis():
    analyser = Analyser(ROOT)
    return {nb.stem: analyser.chapter(nb) for nb in chapter_notebooks(ROOT)}


# --- what the real chapters read ------------------------------------------------------------------------------


def test_each_chapter_reads_the_datasets_its_code_reaches(analysis):
    """Read by hand from the chapters' code; the build also checks each read at run time (test_warm.py)."""
    assert analysis["02_signals_and_drivers"].datasets == {"ambsys"}
    assert analysis["03_before_arp_and_outcomes"].datasets == {"pre_arp", "arp_dates", "ambco"}
    assert analysis["01_performance"].datasets == {"ambsys", "trust_polygons", "district_boundaries"}
    assert analysis["09_evaluation"].datasets == {"ambsys"}  # the current and the previous release
    assert analysis["05_appraisal"].datasets == {"ambsys"}
    assert {"snpp_subicb", "snpp_la_85plus", "ambsys", "rural_urban_2021"} <= analysis["04_demand"].datasets
    assert "ambco" not in analysis["04_demand"].datasets
    assert analysis["07_sources"].datasets is EVERY  # it lists every dataset's pin
    # its parameters table validates the evaluation's start month against the pinned AmbSYS release's last month
    assert analysis["08_assumptions"].datasets == {"ambsys"}
    # its own AmbSYS reads (the standards table, the evaluation's study) and AmbCO's vintage; the rest is the register's
    assert analysis["00_introduction"].datasets == {"ambsys", "ambco"}


def test_the_claims_each_chapter_shows(analysis):
    assert analysis["00_introduction"].reads_claims and analysis["00_introduction"].claim_ids is EVERY
    assert analysis["06_claims"].claim_ids is EVERY
    assert analysis["03_before_arp_and_outcomes"].claim_ids == {"outcomes-vary"}
    assert analysis["01_performance"].claim_ids == {
        "c1-mean-2024-25",
        "c2-mean-2024-25",
        "c1-standard",
        "c2-standard",
    }  # a name bound to a literal list
    assert analysis["05_appraisal"].claim_ids == {"efficiencies-10m", "wider-benefits-80m"}
    for stem in ("02_signals_and_drivers", "07_sources", "08_assumptions", "09_evaluation"):
        assert not analysis[stem].reads_claims, stem


def test_modules_are_the_import_closure(analysis):
    """A module the chapter imports, one it imports, and the packages above them; not one nothing imports."""
    demand = analysis["04_demand"].modules
    assert {
        "se_ambulance",
        "se_ambulance.analysis",
        "se_ambulance.analysis.forecast",
        "se_ambulance.data.fetch",
        "se_ambulance.errors",
    } <= set(demand)
    assert "se_ambulance.analysis.before_arp" not in demand
    assert "se_ambulance.analysis.before_arp" in analysis["03_before_arp_and_outcomes"].modules
    # data.validate loads the loaders by name for `fetch --update`: code every loader's reader depends on
    assert "se_ambulance.data.workforce" in analysis["02_signals_and_drivers"].modules


def test_every_import_grimp_finds_is_found_here():
    """grimp (import-linter's graph) reads the installed package; this analysis reads files. They must agree."""
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("se_ambulance", cache_dir=None)
    pkg = Analyser(ROOT).package
    missing = {}
    for module in graph.modules:
        found = set(pkg.module(module).imports) | set(pkg.module(module).loads_by_name)
        lacking = {m for m in graph.find_modules_directly_imported_by(module) if m not in found}
        if lacking:
            missing[module] = sorted(lacking)
    assert missing == {}


# --- the rules, on small code ---------------------------------------------------------------------------------


def facts_of(tmp_path: Path, source: str) -> inputs_mod.Inputs:
    nb = write_notebook(tmp_path / "ch.ipynb", "x = 1", source)
    return Analyser(ROOT).chapter(nb)


@pytest.mark.parametrize(
    "source, datasets",
    [
        ("from se_ambulance.data.ambco import load_ambco\nload_ambco()", {"ambco"}),
        ("from se_ambulance.data import ambco\nambco.load_ambco()", {"ambco"}),
        ("import se_ambulance.data.ambco\nse_ambulance.data.ambco.load_ambco()", {"ambco"}),
        ("from se_ambulance.data.ambco import MEASURES\nprint(MEASURES)", set()),  # a constant reads nothing
        ("from se_ambulance.data.manifest import source_line\nsource_line('pre_arp')", {"pre_arp"}),
        ("from se_ambulance.data.fetch import ensure\nensure('ar' + 'p_dates')", EVERY),  # a computed id
        ("from se_ambulance.data.manifest import load_manifest\nload_manifest()['ambsys'].vintage", {"ambsys"}),
        ("from se_ambulance.data.manifest import load_manifest\nlen(load_manifest())", EVERY),
        (
            "from se_ambulance.data.geography import load_district_trust_overlay\nload_district_trust_overlay(2024)",
            {"district_trust_overlay_2021", "district_trust_overlay_2024"},
        ),  # one entry of a literal table: any
        ("from se_ambulance.data import ambco as m\nf = m\nf.load_ambco()", {"ambco"}),  # the module object, whole
    ],
)
def test_dataset_reads(tmp_path, source, datasets):
    assert facts_of(tmp_path, source).datasets == datasets


def test_a_chapter_whose_code_cannot_be_read_depends_on_everything(tmp_path):
    inputs = facts_of(tmp_path, "def broken(:\n    pass")
    assert inputs.datasets is EVERY and len(inputs.modules) == len(Analyser(ROOT).package.paths)


def test_a_computed_module_name_imports_every_module_named_or_all(tmp_path):
    pkg_dir = tmp_path / "pkg"
    shutil.copytree(ROOT / "src" / "se_ambulance", pkg_dir, ignore=shutil.ignore_patterns("__pycache__"))
    (pkg_dir / "reference" / "loader.py").write_text(
        "import importlib\nTABLE = {'a': 'se_ambulance.reference.orgs:x'}\n"
        "def load(k):\n    return importlib.import_module(TABLE[k].split(':')[0])\n",
        encoding="utf-8",
    )
    (pkg_dir / "reference" / "anything.py").write_text(
        "import importlib\ndef load(name):\n    return importlib.import_module(name)\n", encoding="utf-8"
    )
    pkg = Analyser(ROOT, package_dir=pkg_dir).package
    assert pkg.module("se_ambulance.reference.loader").loads_by_name == {"se_ambulance.reference.orgs"}
    assert pkg.module("se_ambulance.reference.anything").loads_by_name == set(pkg.paths)


# --- what a build re-executes -----------------------------------------------------------------------------------


def without_a_kernel(nb_in: Path, nb_out: Path, parameters: dict, cwd: Path) -> Path:
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = parameterize_notebook(load_notebook_node(str(nb_in)), parameters, kernel_name="python3", language="python")
    nb_out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, nb_out)
    return nb_out


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the project's book and data pins, and of the package, built without kernels: what is executed is
    recorded; claim results are fixed digests the test can move."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("_config.yml", "_toc.yml", "requirements.lock"):
        shutil.copy2(ROOT / name, root / name)
    for name in ("book", "params", "notebooks"):
        shutil.copytree(ROOT / name, root / name)
    (root / "data").mkdir()
    shutil.copy2(ROOT / "data" / "manifest.yaml", root / "data" / "manifest.yaml")
    package = tmp_path / "package" / "se_ambulance"
    shutil.copytree(ROOT / "src" / "se_ambulance", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setenv("SE_AMBULANCE_HOME", str(root))
    monkeypatch.setenv("SE_AMBULANCE_WARM_KERNELS", "0")
    monkeypatch.setattr(build_mod, "Analyser", lambda r: Analyser(r, package_dir=package))
    executed: list[str] = []
    monkeypatch.setattr(
        build_mod, "execute_chapter", lambda *a, **k: executed.append(a[0].stem) or without_a_kernel(*a, **k)
    )
    claims = {
        "c1-mean-2024-25": "a",
        "outcomes-vary": "b",
        "efficiencies-10m": "c",
        "wider-benefits-80m": "d",
        "over-85-rise-2034": "e",
        "demand-rise-decade": "f",
        "c2-mean-2024-25": "g",
        "c1-standard": "h",
        "c2-standard": "i",
    }
    registers: list[dict] = []
    monkeypatch.setattr(build_mod, "compute_register", lambda areas, server: registers.append(areas) or dict(claims))

    def build() -> list[str]:
        executed.clear()
        chapters = chapter_notebooks(root)
        build_mod.run_chapters(chapters, load_params(), root / "out", root / "notebooks", cache_dir=root / "out")
        return sorted(executed)

    return {"root": root, "package": package, "build": build, "claims": claims, "registers": registers}


ALL = sorted(nb.stem for nb in chapter_notebooks(ROOT))


def test_nothing_changed_nothing_runs_not_even_the_register(project):
    assert project["build"]() == ALL
    assert len(project["registers"]) == 1  # beside the chapters
    assert project["build"]() == []
    assert len(project["registers"]) == 1  # its results are known from the last build with the same inputs


@pytest.mark.parametrize(
    "module, chapters",
    [
        ("analysis/before_arp.py", ["03_before_arp_and_outcomes"]),
        ("publish/appraisal_figures.py", ["05_appraisal"]),
        ("publish/evaluation_power.py", ["09_evaluation"]),
        ("claims/assumptions.py", ["05_appraisal", "08_assumptions"]),
        ("pipeline/cli.py", []),  # no chapter imports the command line
        ("pipeline/executed.py", ALL),  # how every chapter's notebook is written
    ],
)
def test_an_edited_module_re_runs_only_the_chapters_that_import_it(project, module, chapters):
    project["build"]()
    with (project["package"] / module).open("a", encoding="utf-8") as fh:
        fh.write("\n# an edit\n")
    assert project["build"]() == chapters


def set_pin(root: Path, dataset: str, sha: str) -> None:
    path = root / "data" / "manifest.yaml"
    text = path.read_text(encoding="utf-8")
    old = yaml.safe_load(text)["datasets"][dataset]["sha256"]
    path.write_text(text.replace(old, sha), encoding="utf-8")


@pytest.mark.parametrize(
    "dataset, chapters",
    [
        ("pre_arp", ["03_before_arp_and_outcomes", "07_sources"]),
        ("trust_polygons", ["01_performance", "07_sources"]),
        # A new AmbSYS release, its claim results unchanged: the chapters that read AmbSYS (the front page's standards
        # and evaluation among them), the sources page, and the claims page (which recomputes the register on the
        # previous release), and the assumptions page (its parameters table checks the evaluation's start against the
        # release's last month); not outcomes.
        (
            "ambsys",
            [
                "00_introduction",
                "01_performance",
                "02_signals_and_drivers",
                "04_demand",
                "05_appraisal",
                "06_claims",
                "07_sources",
                "08_assumptions",
                "09_evaluation",
            ],
        ),
    ],
)
def test_a_new_pin_re_runs_only_the_chapters_that_read_it(project, dataset, chapters):
    project["build"]()
    set_pin(project["root"], dataset, "a" * 64)
    assert project["build"]() == chapters


def test_a_moved_claim_re_runs_the_chapters_that_show_it(project):
    project["build"]()
    set_pin(project["root"], "ambco", "a" * 64)  # the register's inputs change: it runs again ...
    project["claims"]["outcomes-vary"] = "moved"  # ... and one result moves
    ran = project["build"]()
    assert len(project["registers"]) == 2
    assert ran == ["00_introduction", "03_before_arp_and_outcomes", "06_claims", "07_sources"]


def test_a_chapters_key_changes_with_the_claims_it_shows_only(tmp_path):
    nb = ROOT / "notebooks" / "03_before_arp_and_outcomes.ipynb"
    params = build_mod.chapter_parameters(nb, load_params())
    claims = {"outcomes-vary": "a", "c1-mean-2024-25": "b"}
    key = build_mod.chapter_key(nb, params, claims=claims)
    assert build_mod.chapter_key(nb, params, claims={**claims, "c1-mean-2024-25": "moved"}) == key
    assert build_mod.chapter_key(nb, params, claims={**claims, "outcomes-vary": "moved"}) != key


def test_a_chapter_reading_data_the_analysis_cannot_see_stops_the_build(tmp_path):
    """The warm kernel records the pinned files a chapter opens (test_warm.py runs it for real); here, the check."""
    nb = write_notebook(tmp_path / "ch.ipynb", "x = 1", "open('data/raw/AmbCO.csv').read()")
    analyser = Analyser(ROOT)
    plan = build_mod.Plan(
        build_mod.ChapterJob(nb, load_params(), tmp_path / "out.ipynb", tmp_path), {}, analyser.chapter(nb), None
    )
    staged = tmp_path / "x-ch.ipynb"
    build_mod.reads_log(staged).write_text("AmbCO.csv\n", encoding="utf-8")
    with pytest.raises(
        build_mod.BuildError,
        match=r"ch.ipynb read data/raw/AmbCO.csv \(the pinned file of dataset "
        r"'ambco'\).*did not find that read",
    ):
        build_mod.check_reads(plan, staged, analyser)
    build_mod.reads_log(staged).write_text("", encoding="utf-8")
    build_mod.check_reads(plan, staged, analyser)  # nothing read: nothing to say


def test_the_register_runs_beside_the_first_chapters(project, monkeypatch):
    """Chapters that show no claim start while the register computes; those that show claims start after it."""
    import threading

    events: list[str] = []
    started = threading.Event()
    readers = {
        "00_introduction",
        "01_performance",
        "03_before_arp_and_outcomes",
        "04_demand",
        "05_appraisal",
        "06_claims",
    }
    execute = build_mod.execute_chapter

    def chapter(nb_in, *a, **k):
        events.append(nb_in.stem)
        if nb_in.stem not in readers:
            started.set()
        return execute(nb_in, *a, **k)

    def register(areas, server):
        assert started.wait(20), "no chapter started while the register computed"
        events.append("register done")
        return dict(project["claims"])

    monkeypatch.setattr(build_mod, "execute_chapter", chapter)
    monkeypatch.setattr(build_mod, "compute_register", register)
    monkeypatch.setattr(build_mod.os, "cpu_count", lambda: 2)  # as on the 2-core machines this was made for
    project["build"]()
    done = events.index("register done")
    assert set(events[:done]) <= set(ALL) - readers and events[:done]
    assert readers <= set(events[done + 1 :])
