"""Every trust's focus chapters: what each shows for each of England's ambulance trusts.

The chapters that take `focus.trust` (1-3) run for every provider code in this process (tests/inprocess.py:
papermill's parameter injection, IPython's shell), so a trust whose data have gaps or odd months fails here
by name. Whole books for other trusts (London, North West), through kernels, the chapter store and the
site, are built by the atlas test.
"""

from __future__ import annotations

import json

import pytest

from se_ambulance.pipeline.build import chapter_parameters
from se_ambulance.pipeline.params import load_params
from se_ambulance.reference.orgs import PROVIDERS, short_name

from .conftest import ROOT
from .inprocess import execute_in_process

FOCUS_CHAPTERS = ("01_performance", "02_signals_and_drivers", "03_before_arp_and_outcomes")


@pytest.mark.slow
@pytest.mark.parametrize("trust", sorted(set(PROVIDERS) - {"RYD"}))  # RYD is the canonical book
def test_each_focus_chapter_runs_and_names_the_trust(trust):
    params = load_params(overrides={"trust": trust})
    for chapter in FOCUS_CHAPTERS:
        nb = ROOT / "notebooks" / f"{chapter}.ipynb"
        outputs = execute_in_process(nb, chapter_parameters(nb, params))
        shown = json.dumps(outputs, ensure_ascii=False)
        assert short_name(trust) in shown and f"`trust` = {trust}" in shown, chapter
        stderr = [o["text"] for o in outputs if o.get("name") == "stderr"]
        assert stderr == [], f"{chapter} for {trust} printed to stderr: {stderr[0][:300]}"
