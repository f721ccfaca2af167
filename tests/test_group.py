"""The `group` parameter: a named list of trusts that every group figure follows (pooled response times, the
demand footprint, the appraisal's scale and Carter share, the outcome gaps, the evaluation's treated unit and
the chart labels), while the claims stay on their own scope (the case's on SCAS + SECAmb)."""

from __future__ import annotations

import pytest

from se_ambulance.analysis import appraisal, metrics
from se_ambulance.analysis import performance as perf
from se_ambulance.errors import ParameterError
from se_ambulance.pipeline.params import load_params
from se_ambulance.reference.orgs import CASE_GROUP, CASE_GROUP_MEMBERS, Group, area_name, members_of, short_name

from .support.builders import ROOT

LAS_SCAS = Group("LAS + SCAS", ("RRU", "RYE"))


def test_the_default_group_is_the_cases_and_las_scas_ships():
    p = load_params()
    assert (p.group.name, tuple(p.group.members)) == (CASE_GROUP.name, CASE_GROUP_MEMBERS)
    q = load_params(ROOT / "params" / "las_scas.yaml")
    assert (q.group.name, q.group.members) == ("LAS + SCAS", ["RRU", "RYE"])


@pytest.mark.parametrize(
    "override, message",
    [
        ({"group.members": ["RYE"]}, "at least 2"),
        ({"group.members": ["RYE", "RYE"]}, "must not repeat"),
        ({"group.members": ["RYE", "XXX"]}, "unknown trust code"),
        ({"group.members": ["RYE", "Eng"]}, "unknown trust code"),
        ({"group.name": ""}, "at least 1"),
        ({"group.name": "x" * 61}, "at most 60"),
        ({"group.name": "<b>LAS</b>"}, "plain-text name"),
        ({"group.name": "LAS `code`"}, "plain-text name"),
    ],
)
def test_bad_groups_are_refused_with_the_parameter_named(override, message):
    with pytest.raises(ParameterError, match=message) as e:
        load_params(overrides=override)
    assert list(override)[0] in str(e.value)


def test_group_names_follow_the_group_and_none_falls_back():
    assert short_name("GROUP", LAS_SCAS) == "LAS + SCAS (pooled)"
    assert members_of("GROUP", LAS_SCAS) == ("RRU", "RYE") and members_of("RYD", LAS_SCAS) == ("RYD",)
    assert area_name("GROUP", LAS_SCAS) == "LAS + SCAS"
    with pytest.raises(ValueError):
        short_name("GROUP")  # no silent default for what the parameter controls


def test_pooled_series_pools_the_groups_own_trusts(ambsys):
    m = perf.monthly_with_combined(ambsys, ["RRU", "GROUP"], LAS_SCAS)
    assert set(m.loc[m["org"] == "GROUP", "org_name"]) == {"LAS + SCAS (pooled)"}
    base = metrics.response_monthly(ambsys, ["RRU", "RYE"], ["C2"])
    expected = metrics.combine_orgs(base, ["RRU", "RYE"], "GROUP").set_index("month")["mean"]
    got = m[(m["org"] == "GROUP") & (m["category"] == "C2")].set_index("month")["mean"]
    assert got.to_dict() == pytest.approx(expected.to_dict())
    # London's missing months (Oct and Nov 2022) are not months of the pooled series.
    assert not {"2022-10-01", "2022-11-01"} & {f"{d:%Y-%m-%d}" for d in got.index}
    with pytest.raises(ValueError):
        perf.monthly_with_combined(ambsys, ["GROUP"])


def test_the_appraisal_scale_comes_from_the_groups_own_incidents(ambsys):
    s = appraisal.Settings.from_params(load_params().area("appraisal"))
    case = appraisal.scale(ambsys, CASE_GROUP_MEMBERS, s)
    las = appraisal.scale(ambsys, ("RRU", "RYE"), s)
    inc = {o: appraisal.fy_incidents(ambsys, o) for o in ("RRU", "RYE", "RYD", "Eng")}
    assert las.members == ("RRU", "RYE")
    # The same income per incident (the published incomes'), times the group's own incidents in 2023/24.
    assert las.income_per_incident == case.income_per_incident and las.income_range == case.income_range
    assert las.turnover == pytest.approx(las.income_per_incident * (inc["RRU"][2023] + inc["RYE"][2023]))
    assert las.carter_share == pytest.approx((inc["RRU"][las.year] + inc["RYE"][las.year]) / inc["Eng"][las.year])
    assert las.turnover > case.turnover and las.carter_share > case.carter_share
    eq = appraisal.incident_equivalents(ambsys, s, las)
    assert eq["incidents"] == pytest.approx(inc["RRU"][las.year] + inc["RYE"][las.year])


def test_the_claims_do_not_read_the_group():
    from se_ambulance.claims.evaluate import CLAIM_AREAS, FUNCTIONS

    assert "group" not in CLAIM_AREAS
    assert all("group" not in f.areas for f in FUNCTIONS.values())


def test_the_outcome_gap_covers_every_pair_of_members():
    import pandas as pd

    from se_ambulance.analysis import outcomes
    from se_ambulance.data.ambco import load_ambco
    from se_ambulance.publish.tables import outcome_gap_table

    ambco = load_ambco()
    two = outcome_gap_table(outcomes.outcome_rates(ambco, ["RYD", "RYE"]), ["RYD", "RYE"])
    assert list(two.columns) == [
        "Utstein group: South East Coast (SECAmb) − South Central (SCAS)",
        "Utstein group: intervals overlap?",
        "all arrests: South East Coast (SECAmb) − South Central (SCAS)",
        "all arrests: intervals overlap?",
    ]
    three = outcome_gap_table(outcomes.outcome_rates(ambco, ["RYD", "RYE", "RRU"]), ["RYD", "RYE", "RRU"])
    pairs = {c.split(": ", 1)[1].split(",")[0] for c in three.columns}
    assert pairs == {
        "South East Coast (SECAmb) − South Central (SCAS)",
        "South East Coast (SECAmb) − London (LAS)",
        "South Central (SCAS) − London (LAS)",
    }
    assert len(three.columns) == 12 and isinstance(three, pd.DataFrame)


def test_scope_notes_are_empty_for_the_cases_group_only():
    from se_ambulance.publish.claims_text import group_scope_note
    from se_ambulance.publish.evaluation_text import group_note

    assert group_scope_note(CASE_GROUP) == "" and group_note({"name": "SE group", "members": ["RYE", "RYD"]}) == ""
    note = group_scope_note(LAS_SCAS)
    assert "LAS + SCAS" in note and "SCAS + SECAmb" in note and "judged on that scope" in note
    las_scas = group_note({"name": "LAS + SCAS", "members": ["RRU", "RYE"]})
    assert "LAS + SCAS" in las_scas
    # SCAS is also in the case's group from late 2025: a change measured for LAS + SCAS is not its alone
    assert "South Central (SCAS) is also in SCAS + SECAmb" in las_scas and "cannot say which" in las_scas
    assert "also in" not in group_note({"name": "North", "members": ["RX7", "RX8"]})


def test_the_introduction_and_claims_page_say_which_group_a_book_follows():
    from se_ambulance.publish.claims_text import book_group_note

    assert book_group_note(CASE_GROUP) == ""  # the canonical book reads as before
    note = book_group_note(LAS_SCAS)
    assert note.startswith("This book is built for LAS + SCAS (London (LAS) and South Central (SCAS))")
    assert "the case's on SCAS + SECAmb" in note


def test_the_assumptions_page_lists_every_parameter_and_what_differs_from_the_canonical_book():
    from se_ambulance.pipeline.params import BookParams
    from se_ambulance.publish.report import parameters_table

    canonical = BookParams().model_dump(mode="json")
    params = load_params(ROOT / "params" / "high_elderly_use.yaml")
    used = {a: params.area(a) for a in ("group", "performance", "demand", "appraisal", "evaluation")}
    table = parameters_table(used, canonical).set_index("parameter")
    # one row per value a reader can set: areas' fields, each age band's use rates on a row of its own
    n_fields = sum(len(canonical[a]) for a in used) - 1 + len(canonical["demand"]["age_rates"])
    assert len(table) == n_fields
    differs = table[table["canonical book"] != "same"]
    assert differs.loc["demand.age_rates.85+", "this book"] == "5/8.5/8.5 (low/central/high)"
    assert differs.loc["demand.age_rates.85+", "canonical book"] == "5/7/8.5 (low/central/high)"
    assert set(differs.index) == {k for k, v in _leaves_changed(used, canonical)}
    assert (
        table.loc["group.members", "this book"] == "RYD, RYE"
        and table.loc["appraisal.group_turnover_m", "this book"] == "none"
    )


def _leaves_changed(used, canonical):
    """(name, value) of every age band or other field whose value differs from the canonical book's."""
    for area, values in used.items():
        for k, v in values.items():
            if k == "age_rates":
                yield from ((f"demand.age_rates.{g}", r) for g, r in v.items() if r != canonical[area][k][g])
            elif v != canonical[area][k]:
                yield f"{area}.{k}", v
