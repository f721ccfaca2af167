"""Every trust's focus chapters: what each shows for each of England's ambulance trusts.

The chapters that take `focus.trust` (1-3) run in this process (tests/support/inprocess.py: papermill's parameter
injection, IPython's shell) for every provider code that no other test builds, so a trust whose data have
gaps or odd months fails here by name. The others are built elsewhere, and the same check runs on those
books: SECAmb is the committed canonical book (re-executed by nbval), SCAS is params/scas.yaml's book
(test_rerun.py) and London is in the atlas test's, through kernels (test_atlas.py).
"""

from __future__ import annotations

import pytest

from se_ambulance.pipeline.build import chapter_parameters
from se_ambulance.pipeline.params import load_params
from se_ambulance.reference.orgs import PROVIDERS, short_name

from .support.builders import ROOT
from .support.chapters import declaring
from .support.consistency import focus_problems, outputs_of
from .support.inprocess import execute_in_process
from .test_atlas import ATLAS_TRUSTS

FOCUS_CHAPTERS = tuple(declaring("focus", "trust"))  # from _toc.yml and each chapter's declaration
CANONICAL = "RYD"
SCENARIO_TRUST = "RYE"  # params/scas.yaml
BUILT_ELSEWHERE = {CANONICAL, SCENARIO_TRUST, *ATLAS_TRUSTS}


def trust_problems(outputs: list[dict], trust: str) -> list[str]:
    return focus_problems(outputs, "trust", trust, short_name(trust))


def test_the_trusts_left_out_here_are_built_elsewhere():
    assert load_params().area("focus")["trust"] == CANONICAL
    assert load_params(ROOT / "params" / "scas.yaml").area("focus")["trust"] == SCENARIO_TRUST
    assert BUILT_ELSEWHERE < set(PROVIDERS)


def test_the_canonical_books_focus_chapters_name_its_trust():
    for chapter in FOCUS_CHAPTERS:
        assert trust_problems(outputs_of(ROOT / "notebooks" / f"{chapter}.ipynb"), CANONICAL) == [], chapter


@pytest.mark.slow
@pytest.mark.parametrize(
    "trust",
    [pytest.param(t, marks=pytest.mark.xdist_group(f"trust-{t}")) for t in sorted(set(PROVIDERS) - BUILT_ELSEWHERE)],
)  # any core takes any
def test_each_focus_chapter_runs_and_names_the_trust(trust):
    params = load_params(overrides={"trust": trust})
    for chapter in FOCUS_CHAPTERS:
        nb = ROOT / "notebooks" / f"{chapter}.ipynb"
        assert trust_problems(execute_in_process(nb, chapter_parameters(nb, params)), trust) == [], (trust, chapter)
