"""pytest's wiring: shared fixtures and the collection hooks. The machinery they call lives in tests/support/
(see its README): synthetic inputs (`builders`), the sharing of work between cores and the chapter store
(`scheduling`), in-process chapter runs (`inprocess`) and the reading of built books (`consistency`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from se_ambulance.pipeline.build import single_threaded_blas

from .support.builders import ROOT, sha
from .support.scheduling import schedule_heaviest_first, seed_store_with_the_committed_book

single_threaded_blas()  # nbval's kernels then compute exactly as the build's do


def pytest_configure(config):
    """A relative $SE_AMBULANCE_DATA_MIRROR is resolved once, here, where pytest was started, and passed on
    absolute to pytest-xdist's workers, kernels and subprocesses (which may run in other folders)."""
    from se_ambulance.data.fetch import pin_mirror_env

    pin_mirror_env()


@pytest.fixture(scope="session", autouse=True)
def book_chapter_store(tmp_path_factory):
    """One chapter store for the books that tests build in this run (all workers share it, as builds share
    the project's), so books for other trusts and scenarios execute only the chapters their parameters
    change. Set before any other fixture, so module-scoped book fixtures use it too; tests never write to
    the project's own store."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # .../pytest-N/popen-gwK: one folder per run, shared by its workers
    store = base / "book-chapter-store"
    before = os.environ.get(STORE_ENV)
    os.environ[STORE_ENV] = str(store)
    if _nbval_checks_the_committed_book:
        seed_store_with_the_committed_book(store)
    yield store
    if before is None:
        os.environ.pop(STORE_ENV, None)
    else:
        os.environ[STORE_ENV] = before


@pytest.fixture(autouse=True)
def chapter_store(request, tmp_path_factory, monkeypatch):
    """A test that does not build real books (not marked `book`) gets an empty chapter store of its own, so that
    it can count executions (a new folder, made only when used)."""
    if request.node.get_closest_marker("book") is None:
        monkeypatch.setenv(
            STORE_ENV, str(tmp_path_factory.getbasetemp() / "chapter-stores" / sha(request.node.nodeid.encode())[:16])
        )


STORE_ENV = "SE_AMBULANCE_CHAPTER_STORE"
_nbval_checks_the_committed_book = False  # set at collection: nbval runs every committed chapter in this run


def nbval_checks_the_committed_book() -> bool:
    """Whether nbval re-executes and compares every committed chapter in this run (known after collection)."""
    return _nbval_checks_the_committed_book


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    global _nbval_checks_the_committed_book
    for item in items:  # a whole book is slow
        if item.get_closest_marker("book") is not None:
            item.add_marker(pytest.mark.slow)
    from se_ambulance.pipeline.build import chapter_notebooks

    checked = {Path(item.path).resolve() for item in items if Path(item.path).suffix == ".ipynb"}
    _nbval_checks_the_committed_book = all(nb.resolve() in checked for nb in chapter_notebooks(ROOT))
    schedule_heaviest_first(items)


def pytest_collection_finish(session):
    """On a worker of `--dist loadgroup`: every test must carry its unit of work, or a notebook's cells would be
    split between workers (pytest-xdist#1386: with pytest 9.2 the groups are silently dropped)."""
    if getattr(session.config.option, "loadgroup", False):
        ungrouped = [item.nodeid for item in session.items if "@" not in item.nodeid]
        if ungrouped:
            raise pytest.UsageError(
                f"pytest-xdist did not group {len(ungrouped)} tests (e.g. {ungrouped[0]}): this "
                "pytest and pytest-xdist do not work together (pyproject.toml pins pytest <9.2)"
            )


@pytest.fixture
def fake_root(tmp_path, monkeypatch):
    """A project root whose manifest pins one small file, 'demo.csv', held in a mirror folder."""
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    mirror = tmp_path / "mirror"
    (mirror / "sub").mkdir(parents=True)
    payload = b"a,b\n1,2\n"
    (mirror / "sub" / "demo.csv").write_bytes(payload)
    manifest = {
        "datasets": {
            "demo": {
                "title": "Demo",
                "publisher": "Test",
                "landing_page": "http://127.0.0.1:1/page.html",
                "file": "demo.csv",
                "mirror_path": "sub/demo.csv",
                "sha256": sha(payload),
                "bytes": len(payload),
                "vintage": "test",
                "coverage": "test",
                "licence": {"name": "OGL", "url": "http://example.invalid"},
                "attribution": "test",
                "citation": "test",
            }
        }
    }
    (root / "data" / "manifest.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    monkeypatch.setenv("SE_AMBULANCE_HOME", str(root))
    monkeypatch.delenv("SE_AMBULANCE_DATA_MIRROR", raising=False)
    return {"root": root, "mirror": mirror, "payload": payload}


@pytest.fixture(scope="session")
def ambsys():
    """The real AmbSYS table (fetched through the data layer; needs the mirror or the cache)."""
    from se_ambulance.data.ambsys import load_ambsys

    return load_ambsys()
