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

from .support.builders import ROOT
from .support.chapters import chapters
from .support.consistency import claim_values_by_page, contradictions


def test_default_yaml_lists_every_parameter_and_equals_the_models():
    text = yaml.safe_load((ROOT / "params" / "default.yaml").read_text(encoding="utf-8"))
    assert text == BookParams().model_dump(mode="json")
    assert load_params() == BookParams()


def test_the_import_contract_holds():
    """Layers (reference < data < analysis < claims < publish < pipeline) and the CLI-only entry point."""
    proc = subprocess.run(
        [sys.executable, "-m", "importlinter.cli", "--config", str(ROOT / ".importlinter")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode != 0 and "No module named importlinter.cli" in proc.stderr:
        proc = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "lint-imports"), "--config", str(ROOT / ".importlinter")],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "BROKEN" not in proc.stdout


def _code_cells(nb_path):
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("nb", chapters(), ids=lambda p: p.stem)
def test_chapters_do_not_relabel_columns_by_position(nb):
    for src in _code_cells(nb):
        assert not re.search(r"\.columns\s*=\s*\[", src), f"{nb.name}: positional relabelling in\n{src}"


@pytest.mark.parametrize("nb", chapters(), ids=lambda p: p.stem)
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
    "focus.trust": "RYE",
    "focus.comparators": ["RYD", "Eng"],
    "group.name": "LAS + SCAS",
    "group.members": ["RRU", "RYE"],
    "performance.claim_year": 2023,
    "performance.spc_breaks": [],
    "focus.demand_area": "RYD",
    "demand.base_year": 2024,
    "demand.horizon_year": 2040,
    "demand.covid_handling": "intervention",
    "demand.backtest_start": "2024-03",
    "demand.forecast_model": "ets",
    "demand.age_rates": {"85+": {"low": 5.0, "central": 8.0, "high": 8.5}},
    "appraisal.appraisal_years": 15,
    "appraisal.discount_rate": 0.03,
    "appraisal.mc_draws": 5000,
    "appraisal.mc_seed": 7,
    "appraisal.realisation": {"low": 0.2, "central": 0.36, "high": 0.69},
    "appraisal.benefit_delay_years": {"low": 1, "central": 2, "high": 3},
    "appraisal.turnover_uplift": {"low": 1.1, "central": 1.2, "high": 1.4},
    "appraisal.group_turnover_m": 700,
    "appraisal.value_per_conveyance": {"low": 300, "central": 500, "high": 900},
    "appraisal.income_source": "wmas_2024",
    "appraisal.planned_savings": {"low": 0.0, "central": 0.05, "high": 0.2},
    "appraisal.capital_optimism_bias": 1.0,
    "appraisal.operating_optimism_bias": 0.2,
    "appraisal.register_overrides": {"estates": {"high": 0.005}},
    "evaluation.start_month": "2025-12",
    "evaluation.pre_start": "2022-04",
    "evaluation.outcomes": ["c2_mean", "c2_mean_gap"],
    "evaluation.excluded_donors": ["RRU"],
    "evaluation.placebo_min_pre_months": 18,
    "evaluation.alpha": 0.05,
    "evaluation.power": 0.9,
    "evaluation.meaningful_change": 0.2,
    "evaluation.meaningful": {"c2_mean": 4.0},
    "evaluation.min_post_months": 12,
    "evaluation.power_until": "2028-12",
}


def _months_to_last_release(start: str) -> int:
    """Months from `start` to the last month of the pinned AmbSYS release, both included."""
    import datetime as dt
    import re

    from se_ambulance.data.manifest import load_manifest
    from se_ambulance.data.releases import months_between

    year, month = re.match(r"\d{4}-\d{2} to (\d{4})-(\d{2})", load_manifest()["ambsys"].coverage).groups()
    return months_between(dt.date.fromisoformat(f"{start}-01"), dt.date(int(year), int(month), 1)) + 1


# Parameters that change only their own chapter (no claim, no assumption depends on them). Each chapter runs once
# with all of its chapter-only parameters changed to their CHANGED values, and each parameter must then show on
# its page: the glued value named here, which the chapter's text cites, reads as given (and differs from the
# committed book's). Where a value computed from the parameter can be worked out by hand it is the one checked
# (months, tests, donors); the rest are the page's statement of the value in use.
_MULTIPLICITY = (
    "The other one is secondary: with two outcomes and two methods there are 4 tests at 5%, so about 0.2 "
    'of them would come out "significant" by chance if nothing had changed anywhere; a secondary '
    "outcome's verdict is read with that in mind."
)
CHAPTER_ONLY = {
    "focus.trust": ("01_performance", "trust_name", "South Central (SCAS)"),
    "focus.comparators": ("01_performance", "comparator_names", "South East Coast (SECAmb) and England"),
    # The group: no claim reads it (each claim is judged on its own scope); chapters 1, 3, 4, 5 and 9 show it.
    "group.name": ("01_performance", "group_name", "LAS + SCAS"),
    "group.members": ("05_appraisal", "group_trusts", "London (LAS) and South Central (SCAS)"),
    "focus.demand_area": ("04_demand", "area_label", "South East Coast (SECAmb)"),
    "demand.base_year": ("04_demand", "base_year", "2024"),
    "demand.horizon_year": ("04_demand", "horizon_year", "2040"),
    "demand.backtest_start": ("04_demand", "bt_first", "March 2024"),
    "demand.forecast_model": ("04_demand", "shown_model", "ETS"),
    # December 2025 to the pinned AmbSYS release's last month (each new release adds one).
    "evaluation.start_month": ("09_evaluation", "ev.post_months", str(_months_to_last_release("2025-12"))),
    "evaluation.pre_start": ("09_evaluation", "ev.pre_months", "44"),  # April 2022 to November 2025
    # 2 outcomes, 2 methods: 4 tests, at 5% about 0.2 significant by chance.
    "evaluation.outcomes": ("09_evaluation", "ev.multiplicity", _MULTIPLICITY),
    "evaluation.excluded_donors": ("09_evaluation", "ev.n_donors", "8"),  # 11 trusts, 2 members, London
    "evaluation.placebo_min_pre_months": ("09_evaluation", "ev.placebo_min_pre", "18"),
    "evaluation.alpha": ("09_evaluation", "ev.multiplicity", _MULTIPLICITY),
    "evaluation.power": ("09_evaluation", "ev.power", "90%"),
    "evaluation.meaningful_change": ("09_evaluation", "ev.meaningful_share", "20%"),
    "evaluation.meaningful": ("09_evaluation", "ev.meaningful_c2_revised", "4.0 min"),
    "evaluation.min_post_months": ("09_evaluation", "ev.min_post", "12"),
    "evaluation.power_until": ("09_evaluation", "ev.power_until", "December 2028"),
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
    from se_ambulance.claims.evaluate import areas_of

    p = load_params(overrides={leaf: CHANGED[leaf]})
    assert p != load_params(), leaf
    claims, log = _pages(p)
    area = leaf.split(".")[0]
    dependent = [cid for cid in load_register() if area in areas_of(cid)]
    changed_claims = sorted({k.split(".")[1] for k in claims if claims[k] != default_pages[0][k]})
    assert set(changed_claims) <= set(dependent), f"{leaf} changed claims that do not declare its area"
    if leaf in CHAPTER_ONLY:
        return  # checked by executing its chapter (below)
    assert changed_claims or log != default_pages[1], f"{leaf} changes no claim and no assumption"


def _cited(nb_path) -> set[str]:
    """The glued names a chapter's text cites ({glue:text}`name` and the like): what a reader sees of them."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    return {
        name
        for c in nb["cells"]
        if c["cell_type"] == "markdown"
        for name in re.findall(r"\{glue(?::\w+)?\}`([^`]+)`", "".join(c["source"]))
    }


@pytest.fixture(scope="module")
def chapter_only_runs(tmp_path_factory):
    """Each chapter with all of its chapter-only parameters changed: one run per chapter, in this process
    (tests/support/inprocess.py), written where the check reads it."""
    import nbformat

    from se_ambulance.pipeline.build import chapter_parameters

    from .support.inprocess import executed_notebook

    base = tmp_path_factory.mktemp("chapter-only")
    by_chapter: dict[str, dict] = {}
    for leaf, (chapter, _, _) in CHAPTER_ONLY.items():
        by_chapter.setdefault(chapter, {})[leaf] = CHANGED[leaf]
    runs = {}
    for chapter, changes in by_chapter.items():
        nb = ROOT / "notebooks" / f"{chapter}.ipynb"
        runs[chapter] = base / nb.name
        nbformat.write(executed_notebook(nb, chapter_parameters(nb, load_params(overrides=changes))), runs[chapter])
    return runs


@pytest.mark.slow  # runs four chapters
@pytest.mark.parametrize("leaf", sorted(CHAPTER_ONLY))
def test_a_chapter_only_parameter_changes_what_its_chapter_shows(leaf, chapter_only_runs):
    from .support.consistency import glued_values

    chapter, name, expected = CHAPTER_ONLY[leaf]
    committed = ROOT / "notebooks" / f"{chapter}.ipynb"
    assert name in _cited(committed), f"{chapter} does not cite the glued value {name} in its text"
    shown = glued_values(chapter_only_runs[chapter]).get(name)
    assert shown == expected, f"{leaf}={CHANGED[leaf]!r}: {chapter} shows {name} = {shown!r}, not {expected!r}"
    assert glued_values(committed)[name] != expected, f"{name} reads {expected!r} in the committed book too"
