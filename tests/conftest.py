"""Shared fixtures: a throwaway project root with a synthetic manifest, and AmbSYS-shaped CSVs."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import nbformat
import pytest
import yaml

from se_ambulance.pipeline.build import single_threaded_blas

single_threaded_blas()  # nbval's kernels then compute exactly as the build's do

ROOT = Path(__file__).resolve().parents[1]


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
        monkeypatch.setenv(STORE_ENV, str(tmp_path_factory.getbasetemp() / "chapter-stores"
                                          / sha(request.node.nodeid.encode())[:16]))


STORE_ENV = "SE_AMBULANCE_CHAPTER_STORE"
_nbval_checks_the_committed_book = False  # set at collection: nbval runs every committed chapter in this run


def nbval_checks_the_committed_book() -> bool:
    """Whether nbval re-executes and compares every committed chapter in this run (known after collection)."""
    return _nbval_checks_the_committed_book


def seed_store_with_the_committed_book(folder: Path) -> None:
    """Put each committed chapter into this run's book store under its canonical key.

    Only when nbval checks every committed chapter in the same run: it re-executes each one and compares every
    output, so in a passing run the committed notebooks are what executing them now gives, and the books that
    tests build copy them instead of executing the canonical chapters again (a minute of kernels). A run in
    which they are stale fails in nbval (and in test_committed_notebooks_ran_with_the_default_parameters)."""
    from se_ambulance.pipeline.build import chapter_key, chapter_notebooks, chapter_parameters
    from se_ambulance.pipeline.chapter_store import ChapterStore
    from se_ambulance.pipeline.params import load_params

    store, params = ChapterStore(folder), load_params()
    for nb in chapter_notebooks(ROOT):
        key = chapter_key(nb, chapter_parameters(nb, params))
        if store.get(key) is None:
            store.put(key, nb)


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


# How `make test` shares the work between cores (pytest-xdist, --dist loadgroup --no-loadscope-reorder): each
# file is one unit of work (a notebook's cells then run in one kernel, in order, and a module fixture is made
# once) unless its tests name finer groups with `pytest.mark.xdist_group` (one per scenario book, one per trust).
# Units are handed out in the order below, the longest kinds first, so that no long unit starts last while the
# other core sits idle.
COST_RANK = ("site", "book", "slow")


def schedule_heaviest_first(items: list) -> None:
    def group(item) -> str:
        mark = item.get_closest_marker("xdist_group")
        return mark.args[0] if mark else str(Path(item.path).resolve().relative_to(ROOT))

    rank: dict[str, int] = {}
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(group(item)))
        kinds = [i for i, name in enumerate(COST_RANK) if item.get_closest_marker(name) is not None]
        if Path(item.path).suffix == ".ipynb":
            kinds.append(len(COST_RANK) - 1)  # nbval: a chapter executed, as slow as a slow test
        rank[group(item)] = min([rank.get(group(item), len(COST_RANK)), *kinds])
    items.sort(key=lambda item: rank[group(item)])  # stable: each unit's tests keep their order


def pytest_collection_finish(session):
    """On a worker of `--dist loadgroup`: every test must carry its unit of work, or a notebook's cells would be
    split between workers (pytest-xdist#1386: with pytest 9.2 the groups are silently dropped)."""
    if getattr(session.config.option, "loadgroup", False):
        ungrouped = [item.nodeid for item in session.items if "@" not in item.nodeid]
        if ungrouped:
            raise pytest.UsageError(f"pytest-xdist did not group {len(ungrouped)} tests (e.g. {ungrouped[0]}): this "
                                    "pytest and pytest-xdist do not work together (pyproject.toml pins pytest <9.2)")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
                "title": "Demo", "publisher": "Test", "landing_page": "http://127.0.0.1:1/page.html",
                "file": "demo.csv", "mirror_path": "sub/demo.csv", "sha256": sha(payload),
                "bytes": len(payload), "vintage": "test", "coverage": "test",
                "licence": {"name": "OGL", "url": "http://example.invalid"},
                "attribution": "test", "citation": "test",
            }
        }
    }
    (root / "data" / "manifest.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    monkeypatch.setenv("SE_AMBULANCE_HOME", str(root))
    monkeypatch.delenv("SE_AMBULANCE_DATA_MIRROR", raising=False)
    return {"root": root, "mirror": mirror, "payload": payload}


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
    return [{"Year": y, "Month": m, "Region": region, "Org Code": org, "Org Name": f"{org} name", **values}
            for y, m in months]


@pytest.fixture(scope="session")
def ambsys():
    """The real AmbSYS table (fetched through the data layer; needs the mirror or the cache)."""
    from se_ambulance.data.ambsys import load_ambsys

    return load_ambsys()


def write_notebook(path: Path, *sources: str) -> Path:
    """A python3 notebook whose first cell is tagged `parameters`."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(sources[0], metadata={"tags": ["parameters"]}),
                *[nbformat.v4.new_code_cell(s) for s in sources[1:]]]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nbformat.write(nb, path)
    return path
