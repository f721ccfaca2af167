"""How `make test` shares its work between cores, and how books built by tests reuse the committed chapters.

Kept out of conftest.py so that the rules can be read (and changed) in one place; conftest.py only wires them
into pytest's hooks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .builders import ROOT


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
