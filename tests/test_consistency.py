"""One answer per claim: parameters have one home, reach every page that depends on them, and no two
pages of a book (canonical or scenario) disagree about a claim."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml

from se_ambulance.claims.register import load_register
from se_ambulance.pipeline.params import AREAS, BookParams, load_params

from .conftest import ROOT
from .consistency import claim_values_by_page, contradictions


def test_default_yaml_lists_every_parameter_and_equals_the_models():
    text = yaml.safe_load((ROOT / "params" / "default.yaml").read_text(encoding="utf-8"))
    assert text == BookParams().model_dump(mode="json")
    assert load_params() == BookParams()


def test_the_import_contract_holds():
    """Layers (reference < data < analysis < claims < publish < pipeline) and the CLI-only entry point."""
    proc = subprocess.run([sys.executable, "-m", "importlinter.cli", "--config", str(ROOT / ".importlinter")],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0 and "No module named importlinter.cli" in proc.stderr:
        proc = subprocess.run([str(ROOT / ".venv" / "bin" / "lint-imports"), "--config", str(ROOT / ".importlinter")],
                              capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "BROKEN" not in proc.stdout


def _code_cells(nb_path):
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("nb", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem)
def test_chapters_do_not_relabel_columns_by_position(nb):
    for src in _code_cells(nb):
        assert not re.search(r"\.columns\s*=\s*\[", src), f"{nb.name}: positional relabelling in\n{src}"


@pytest.mark.parametrize("nb", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem)
def test_chapters_declare_parameter_areas_only(nb):
    from se_ambulance.pipeline.build import chapter_parameters

    assert set(chapter_parameters(nb, BookParams())) <= set(AREAS)


def test_every_computed_claim_is_shown_by_its_chapter_with_the_registers_values():
    """The committed canonical book: each computed claim's verdict is glued on its chapter (unless its chapter is
    the claims page itself) and on the claims page, and all pages agree."""
    seen = claim_values_by_page(ROOT / "notebooks")
    assert contradictions(ROOT / "notebooks") == []
    for c in load_register().values():
        if not c.computed:
            continue
        pages = seen.get(f"claim.{c.id}.verdict", {})
        assert "06_claims" in pages, c.id
        assert c.chapter.split("/")[-1] in pages, f"{c.id}: its chapter {c.chapter} does not show its verdict"


# A changed, allowed value for every parameter: the reachability test below changes each in turn.
CHANGED = {
    "focus.trust": "RYE", "focus.comparators": ["RYD", "Eng"], "group.name": "LAS + SCAS",
    "group.members": ["RRU", "RYE"], "performance.claim_year": 2023,
    "performance.spc_breaks": [],
    "focus.demand_area": "RYD", "demand.base_year": 2024, "demand.horizon_year": 2040,
    "demand.covid_handling": "intervention", "demand.backtest_start": "2024-03", "demand.forecast_model": "sarima",
    "demand.age_rates": {"85+": {"low": 5.0, "central": 8.0, "high": 8.5}},
    "appraisal.appraisal_years": 15, "appraisal.discount_rate": 0.03, "appraisal.mc_draws": 5000,
    "appraisal.mc_seed": 7, "appraisal.realisation": {"low": 0.2, "central": 0.36, "high": 0.69},
    "appraisal.benefit_delay_years": {"low": 1, "central": 2, "high": 3},
    "appraisal.turnover_uplift": {"low": 1.1, "central": 1.2, "high": 1.4}, "appraisal.group_turnover_m": 700,
    "appraisal.value_per_conveyance": {"low": 300, "central": 500, "high": 900},
    "appraisal.capital_optimism_bias": 1.0, "appraisal.operating_optimism_bias": 0.2,
    "appraisal.register_overrides": {"estates": {"high": 0.005}},
    "evaluation.start_month": "2025-12", "evaluation.pre_start": "2022-04",
    "evaluation.outcomes": ["c2_mean", "c2_mean_gap"], "evaluation.excluded_donors": ["RRU"],
    "evaluation.placebo_min_pre_months": 18, "evaluation.alpha": 0.05, "evaluation.power": 0.9,
    "evaluation.meaningful_change": 0.2, "evaluation.min_post_months": 12, "evaluation.power_until": "2028-12",
}
# Parameters that change only their own chapter (no claim, no assumption depends on them); the slow test
# below executes that chapter with the changed value and checks that what it shows changes.
CHAPTER_ONLY = {
    "focus.trust": "01_performance", "focus.comparators": "01_performance",
    # The group: no claim reads it (each claim is judged on its own scope); chapters 1, 3, 4, 5 and 9 show it.
    "group.name": "01_performance", "group.members": "05_appraisal",
    "focus.demand_area": "04_demand", "demand.base_year": "04_demand", "demand.horizon_year": "04_demand",
    "demand.backtest_start": "04_demand", "demand.forecast_model": "04_demand",
    **{f"evaluation.{k}": "09_evaluation" for k in (
        "start_month", "pre_start", "outcomes", "excluded_donors", "placebo_min_pre_months", "alpha", "power",
        "meaningful_change", "min_post_months", "power_until")},
}


def _leaves():
    from se_ambulance.pipeline.params import leaf_fields

    return sorted(leaf_fields())


def test_every_parameter_has_a_changed_value_to_test():
    missing = [k for k in _leaves() if k not in CHANGED]
    assert missing == [], f"add a changed value for {missing} to CHANGED"


@pytest.fixture(scope="module")
def default_pages():
    return _pages(load_params())


def _pages(p):
    """What the claims page (and so the introduction) and the assumptions log show for parameters p."""
    from se_ambulance.claims.assumptions import assumptions_log
    from se_ambulance.claims.cache import register_for
    from se_ambulance.publish.claims_text import claim_values

    from se_ambulance.claims.evaluate import CLAIM_AREAS

    areas = {a: p.area(a) for a in CLAIM_AREAS}
    claims = claim_values(register_for(**areas))
    log = assumptions_log(**areas)
    return claims, " ".join(log["assumption"])


@pytest.mark.slow
@pytest.mark.parametrize("leaf", sorted(CHANGED))
def test_a_changed_parameter_reaches_every_page_that_depends_on_it(leaf, default_pages):
    """Claims it affects change on the claims page, which the introduction and the claim's chapter read from the
    same stored result (test_every_computed_claim_... checks they agree); the assumptions log shows the value."""
    from se_ambulance.claims.evaluate import FUNCTIONS

    p = load_params(overrides={leaf: CHANGED[leaf]})
    assert p != load_params(), leaf
    claims, log = _pages(p)
    area = leaf.split(".")[0]
    dependent = [cid for cid, (_, areas) in FUNCTIONS.items() if area in areas]
    changed_claims = sorted({k.split(".")[1] for k in claims if claims[k] != default_pages[0][k]})
    assert set(changed_claims) <= set(dependent), f"{leaf} changed claims that do not declare its area"
    if leaf in CHAPTER_ONLY:
        return  # checked by executing its chapter (below)
    assert changed_claims or log != default_pages[1], f"{leaf} changes no claim and no assumption"


def _shown(nb_path) -> list:
    """Everything a reader sees from a notebook: its outputs' text and HTML."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    return [o.get("data", o.get("text")) for c in nb["cells"] for o in c.get("outputs", [])]


@pytest.fixture(scope="module")
def chapter_only_runs(tmp_path_factory):
    """Each chapter-only parameter's chapter, executed with the changed value: all of them in one pool (one
    per core) through the chapter store, into a folder per parameter."""
    from se_ambulance.pipeline.build import ChapterJob, run_jobs

    base = tmp_path_factory.mktemp("chapter-only")
    jobs = {leaf: ChapterJob(ROOT / "notebooks" / f"{chapter}.ipynb", load_params(overrides={leaf: CHANGED[leaf]}),
                             base / leaf / f"{chapter}.ipynb", base / leaf, leaf)
            for leaf, chapter in CHAPTER_ONLY.items()}
    run_jobs(list(jobs.values()), ROOT / "notebooks", base)
    return {leaf: job.target for leaf, job in jobs.items()}


@pytest.mark.book
@pytest.mark.parametrize("leaf", sorted(CHAPTER_ONLY))
def test_a_chapter_only_parameter_changes_what_its_chapter_shows(leaf, chapter_only_runs):
    chapter = ROOT / "notebooks" / f"{CHAPTER_ONLY[leaf]}.ipynb"
    assert _shown(chapter_only_runs[leaf]) != _shown(chapter), f"{leaf}={CHANGED[leaf]!r} does not change {chapter.name}"
