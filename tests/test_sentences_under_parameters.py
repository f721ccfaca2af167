"""Sentences and alt texts read under other parameters: a group given only by its trusts (two or three of them),
a narrow 85+ use-rate range, another income source. A canned sentence true for the canonical book is often false
for another setting; these tests read what the pages say."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from se_ambulance.pipeline.params import load_params
from se_ambulance.publish.tornado_text import tornado_alt_text

from .support.builders import ROOT


# --- a group given by its trusts alone -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, name",
    [
        ({"group.members": ["RX7", "RX8"]}, "NWAS + YAS"),
        ({"members": ["RX7", "RX8", "RX9"]}, "NWAS + YAS + EMAS"),  # a bare key of the group area
        ({"group.members": ["RYE", "RYD"]}, "SCAS + SECAmb"),
        ({"group.members": ["RX7", "RX8"], "group.name": "The North"}, "The North"),
        # nine trusts: the two left (East of England, South Western) are the fewest donors an evaluation accepts (SECAmb
        # and SCAS are members: outside the group they formed their own inside the months compared, and are never donors)
        ({"group.members": ["RRU", "RX6", "RX7", "RX8", "RX9", "R1F", "RYA", "RYD", "RYE"]}, "A group of 9 trusts"),
        ({"group.members": ["R1F", "RYE"]}, "Isle of Wight + SCAS"),
    ],
)
def test_a_group_given_by_its_trusts_is_named_from_them(overrides, name):
    assert load_params(overrides=overrides).group.name == name


def test_a_scenario_file_that_names_its_group_keeps_the_name_until_its_trusts_change():
    assert load_params(ROOT / "params" / "las_scas.yaml").group.name == "LAS + SCAS"
    # The file's name belongs to the file's trusts: --set group.members alone renames the group from its trusts.
    assert load_params(ROOT / "params" / "las_scas.yaml", {"group.members": ["RX7", "RX8"]}).group.name == "NWAS + YAS"


def test_a_file_giving_only_the_trusts_names_the_group(tmp_path):
    f = tmp_path / "north.yaml"
    f.write_text("group:\n  members: [RX7, RX8]\n", encoding="utf-8")
    assert load_params(f).group.name == "NWAS + YAS"


def test_the_case_groups_name_on_other_trusts_is_refused():
    from se_ambulance.errors import ParameterError

    with pytest.raises(
        ParameterError,
        match=r"the name 'SCAS \+ SECAmb' is the case's group .* give group.name, or "
        "leave it out",
    ):
        load_params(overrides={"group.members": ["RX7", "RX8"], "group.name": "SCAS + SECAmb"})


# --- tornado alt texts -------------------------------------------------------------------------------------------


def _tornado(rows):
    return pd.DataFrame(rows, columns=["assumption", "low", "high", "central"])


def test_the_tornado_alt_text_names_the_widest_bar_with_its_own_numbers():
    wide85 = _tornado([("Rate at 85+ (central 7)", 0.05, 0.15, 0.1), ("Rate at 75-84 (central 3.2)", 0.08, 0.12, 0.1)])
    text = tornado_alt_text(wide85, "growth", lambda v: f"{100 * v:.1f}%")
    assert (
        "The widest bar is Rate at 85+ (central 7) (5.0% to 15.0%), then Rate at 75-84 (central 3.2) (8.0% to 12.0%)"
        in text
    )
    # A narrow 85+ range: another bar is widest, and the text says so with that bar's numbers.
    narrow85 = _tornado(
        [("Rate at 85+ (central 7)", 0.099, 0.101, 0.1), ("Rate at 75-84 (central 3.2)", 0.08, 0.12, 0.1)]
    )
    text = tornado_alt_text(narrow85, "growth", lambda v: f"{100 * v:.1f}%")
    assert text.index("Rate at 75-84") < text.index("Rate at 85+")
    assert (
        "The widest bar is Rate at 75-84 (central 3.2) (8.0% to 12.0%), then Rate at 85+ (central 7) (9.9% to 10.1%)"
        in text
    )
    assert tornado_alt_text(narrow85.iloc[:1], "growth").endswith("million).")
    assert tornado_alt_text(narrow85.iloc[:0], "growth") == "Tornado chart of growth: no input moves it."


@pytest.mark.slow  # the real population projections
def test_the_demand_tornado_alt_text_under_a_narrow_85_plus_range():
    from se_ambulance.analysis import demography
    from se_ambulance.analysis import population as pop
    from se_ambulance.data.population import load_subicb
    from se_ambulance.publish.format import percent
    from se_ambulance.publish.tables import rate_tornado_frame

    banded = pop.banded(pop.FOOTPRINTS["GROUP"], load_subicb())
    for rates, is_85 in (({}, True), ({"85+": {"low": 6.9, "central": 7.0, "high": 7.1}}, False)):
        p = load_params(overrides={f"demand.age_rates.{g}": r for g, r in rates.items()})
        frame = rate_tornado_frame(demography.tornado(banded, 2025, 2035, p.demand.model_dump()["age_rates"]))
        text = tornado_alt_text(frame, "demographic demand growth", percent)
        row = frame.loc[(frame["high"] - frame["low"]).idxmax()]
        assert row["assumption"].startswith("Rate at 85+") == is_85
        assert text.split("The widest bar is ")[1].startswith(row["assumption"]), text
        assert f"({percent(row['low'])} to {percent(row['high'])})" in text


def test_the_tornado_figures_of_chapters_4_and_5_name_the_widest_bar_they_draw():
    """Both chapters' tornado charts take their alt text from tornado_alt_text (publish/demand_figures.py and
    publish/appraisal_figures.py), so a narrow 85+ range is never described as the widest bar."""
    import html as html_lib

    from se_ambulance.publish.appraisal_figures import npv_tornado_figure
    from se_ambulance.publish.demand_figures import demand_tornado_figure

    narrow85 = _tornado(
        [("Rate at 85+ (central 7)", 0.099, 0.101, 0.1), ("Rate at 75-84 (central 3.2)", 0.08, 0.12, 0.1)]
    )
    shown = html_lib.unescape(demand_tornado_figure(narrow85, 2025, 2035, "the group", "GROUP", "test").data)
    assert "The widest bar is Rate at 75-84 (central 3.2) (8.0% to 12.0%), then Rate at 85+" in shown
    money = _tornado([("Corporate", -5.0, 30.0, 10.0), ("Realisation", 5.0, 15.0, 10.0)])
    shown = html_lib.unescape(npv_tornado_figure(money, "test").data)
    assert "The widest bar is Corporate (" in shown and "then Realisation (" in shown


# --- chapter 5 for a group given by its trusts ----------------------------------------------------------------------


@pytest.mark.slow  # runs chapter 5 twice in this process
@pytest.mark.parametrize("members", [["RX7", "RX8"], ["RX7", "RX8", "RX9"]])
def test_chapter_5_for_a_group_given_by_its_trusts_names_it_and_never_the_cases(members):
    from .support.consistency import glued_values
    from .support.inprocess import executed_notebook
    from se_ambulance.pipeline.build import chapter_parameters

    import nbformat

    nb = ROOT / "notebooks" / "05_appraisal.ipynb"
    params = load_params(overrides={"group.members": members, "appraisal.mc_draws": 2000})
    run = executed_notebook(nb, chapter_parameters(nb, params))
    shown = json.dumps([o for c in run.cells for o in c.get("outputs", [])], ensure_ascii=False)
    name = params.group.name
    assert name in shown
    # Titles, alt texts and tables follow the group; the case's name appears only where the claims are its own.
    for o in (o for c in run.cells for o in c.get("outputs", [])):
        text = json.dumps(o.get("data", {}), ensure_ascii=False)
        if "se_ambulance.analysis.appraisal model" in text:  # a chart of the book's group
            assert "SCAS + SECAmb" not in text.split('"datasets"')[0], text[:300]
    path = ROOT / "_build" / "test-ch5.ipynb"
    path.parent.mkdir(exist_ok=True)
    nbformat.write(run, path)
    glued = glued_values(path)
    path.unlink()
    assert glued["group_name"] == name
    assert "both trusts" not in glued["group_scope_note"] and name in glued["group_scope_note"]
    assert all(t in glued["group_trusts"] for t in ("North West (NWAS)", "Yorkshire (YAS)"))
    if len(members) == 3:
        assert glued["group_trusts"] == "North West (NWAS), Yorkshire (YAS) and East Midlands (EMAS)"
    # The verdicts and what decides them are the case's (SCAS + SECAmb), and say so beside the group's figures; SCAS's
    # own savings plans are the case's evidence, not the group's.
    for key in ("cash_verdict", "wider_verdict", "wider_verdict_found"):
        assert (
            f"on the case's group, SCAS + SECAmb (South East Coast (SECAmb) and South Central (SCAS)), not on {name}"
            ". There, " in glued[key]
        ), glued[key]
        assert "Verdict: **" in glued[key]
    for key in ("cash_rests_on", "wider_rests_on"):
        assert glued[key].startswith(
            f"The verdict is judged on the case's group, SCAS + SECAmb, so these shares are its "
            f"own, not those of {name}"
        ), glued[key]
    assert f"This table is for {name}" in glued["rests_on_rule"]
    assert glued["planned_savings_evidence"].startswith(
        f"The evidence for such savings comes from the case, not from {name}."
    )
    assert "Before the group" not in glued["planned_savings_evidence"]


@pytest.mark.parametrize(
    "month, words",
    [
        ("2020-09", "five years before the claim"),
        ("2024-03", "a year before the claim"),
        ("2025-06", "in the year of the claim"),
        ("2013-01", "12 years before the claim"),
    ],
)
def test_how_long_before_the_claim_the_outcomes_data_end(month, words):
    from se_ambulance.publish.claims_text import _years_before

    assert _years_before(month) == words
