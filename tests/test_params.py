"""Parameters are nested by area, validated before anything runs, and each error names the key and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from se_ambulance.errors import ParameterError
from se_ambulance.pipeline.params import (
    AREA_MODELS,
    BookParams,
    allowed_text,
    leaf_fields,
    load_params,
    parse_set,
    qualify,
)

from .support.builders import ROOT


def test_default_file_is_valid():
    p = load_params()
    assert p.focus.trust == "RYD" and "RYE" in p.focus.comparators
    assert p.demand.age_rates["85+"].central == 7.0


@pytest.mark.parametrize(
    "override, message",
    [
        (
            {"colour": "red"},
            r"Unknown parameter 'colour' \(from --set\). Known parameters \(areas\): focus, group, "
            "performance, demand, appraisal",
        ),
        (
            {"demand.colour": 1},
            r"Unknown parameter 'demand.colour' \(from --set\). Known parameters in demand: base_year",
        ),
        (
            {"trust": "XYZ"},
            r"Parameter 'focus.trust' = 'XYZ' \(from --set\) is not valid: 'XYZ' is not one of the allowed "
            "values. Allowed: one of R1F = Isle of Wight, RRU = London",
        ),
        ({"focus.trust": 5}, r"Parameter 'focus.trust' = 5 \(from --set\) is not valid"),
        (
            {"claim_year": 2031},
            r"Parameter 'performance.claim_year' = 2031 .*Allowed: a whole number from 2018 to 2025",
        ),
        ({"claim_year": "soon"}, r"Parameter 'performance.claim_year' = 'soon' \(from --set\) is not valid"),
        ({"comparators": ["RYE", "ZZZ"]}, r"unknown organisation code\(s\) \['ZZZ'\]"),
        ({"comparators": ["RYE", "RYE"]}, "must not repeat"),
        (
            {"appraisal.discount_rate": float("inf")},
            r"Parameter 'appraisal.discount_rate' = inf \(from --set\) is not "
            "valid: Input should be a finite number",
        ),
        ({"appraisal.mc_draws": float("nan")}, r"Parameter 'appraisal.mc_draws' = nan \(from --set\) is not valid"),
    ],
)
def test_bad_values_are_named(override, message):
    with pytest.raises(ParameterError, match=message):
        load_params(overrides=override)


def test_parse_set_reads_yaml_values_and_bare_names_find_their_area():
    assert parse_set(["trust=RYE", "comparators=[Eng, Y59]", "claim_year=2023"]) == {
        "trust": "RYE",
        "comparators": ["Eng", "Y59"],
        "claim_year": 2023,
    }
    with pytest.raises(ParameterError, match="key=value"):
        parse_set(["trust"])
    assert qualify("trust") == "focus.trust" and qualify("realisation.low") == "appraisal.realisation.low"
    assert qualify("demand.horizon_year") == "demand.horizon_year"
    p = load_params(overrides=parse_set(["trust=RYE", "demand.horizon_year=2040"]))
    assert p.focus.trust == "RYE" and p.demand.horizon_year == 2040


def test_dotted_keys_change_one_entry_of_a_mapping():
    p = load_params(
        overrides=parse_set(
            ["realisation.low=0.1", "register_overrides.estates.high=0.01", "demand.age_rates.85+.central=8"]
        )
    )
    assert (p.appraisal.realisation.low, p.appraisal.realisation.central) == (0.1, 0.69)
    assert p.appraisal.register_overrides == {"estates": {"high": 0.01}}
    assert p.demand.age_rates["85+"].central == 8 and p.demand.age_rates["75-84"].central == 3.2
    with pytest.raises(ParameterError, match="parameter 'focus.trust' is not a mapping"):
        load_params(overrides=parse_set(["trust.code=RYE"]))
    with pytest.raises(ParameterError, match="unknown parameter 'colour'"):
        load_params(overrides=parse_set(["colour.hue=1"]))


def test_missing_or_malformed_file(tmp_path):
    with pytest.raises(ParameterError, match="does not exist"):
        load_params(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n")
    with pytest.raises(ParameterError, match="must be a YAML mapping"):
        load_params(bad)
    flat = tmp_path / "flat.yaml"
    flat.write_text("trust: RYE\n")
    with pytest.raises(ParameterError) as e:
        load_params(flat)
    assert f"Unknown parameter 'trust' (from {flat}). Did you mean 'focus.trust'" in str(e.value)
    with pytest.raises(ParameterError, match="is a folder"):
        load_params(tmp_path)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("performance:\n  trust: R\xe9\n".encode("latin-1"))
    with pytest.raises(ParameterError, match="not UTF-8"):
        load_params(latin)


def test_every_parameter_has_a_description():
    assert all(f.description for _, f in leaf_fields().values())
    assert set(AREA_MODELS) == set(BookParams.model_fields)


@pytest.mark.parametrize(
    "override, message",
    [
        ({"horizon_year": 2024}, r"Parameters in 'demand' are not valid together: horizon_year \(2024\) must be after"),
        ({"horizon_year": 2050}, r"Allowed: a whole number from 2023 to 2047"),
        ({"base_year": 2019}, r"Allowed: a whole number from 2022 to 2040"),
        ({"demand.age_rates.85+.low": 0}, "rates must be above 0 and at most 20: 85\\+.low=0"),
        (
            {"age_rates": {"90+": {"central": 3}}},
            r"unknown age group\(s\) \['90\+'\]; allowed keys: 0-14, 65-74, 75-84, 85\+",
        ),
        ({"demand.age_rates.85+.central": 30}, r"low \(5\) <= central \(30\) <= high \(8.5\) must hold"),
        ({"backtest_start": "2021-01"}, "outside 2022-06 to 2025-03"),
        ({"backtest_start": "March"}, "Parameter 'demand.backtest_start' = 'March'"),
        ({"covid_handling": "ignore"}, "Allowed: one of exclude, intervention"),
        (
            {"demand_area": "RRX"},
            r"Allowed: one of GROUP = the group parameter's trusts pooled, R1F = Isle of Wight, "
            r"RRU = London \(LAS\), RX6 = North East \(NEAS\)",
        ),
        ({"forecast_model": "prophet"}, "Allowed: one of best, ets, sarima"),
    ],
)
def test_demand_parameters_are_validated(override, message):
    with pytest.raises(ParameterError, match=message):
        load_params(overrides=override)


# --- messages: where a value came from, names beside codes, no class names ------------------------------------


def test_a_message_says_whether_a_value_came_from_set_the_file_or_the_default(tmp_path, monkeypatch):
    mine = tmp_path / "mine.yaml"
    mine.write_text("demand:\n  horizon_year: 2050\n")
    with pytest.raises(ParameterError) as e:
        load_params(mine, overrides=parse_set(["claim_year=2031"]))
    msg = str(e.value)
    assert f"Parameter 'demand.horizon_year' = 2050 (from {mine}) is not valid" in msg
    assert "Parameter 'performance.claim_year' = 2031 (from --set) is not valid" in msg
    assert "default.yaml" not in msg  # the old message named the default file for every value
    monkeypatch.chdir(tmp_path)  # a file inside the working folder is named as the reader gave it
    with pytest.raises(ParameterError, match=r"= 2050 \(from mine.yaml\)"):
        load_params(Path("mine.yaml"))
    # a mapping changed in part by --set, the rest from the file
    with pytest.raises(ParameterError, match=r"\(from --set and params/default.yaml\) is not valid: low \(0.9\)"):
        monkeypatch.chdir(ROOT)
        load_params(overrides=parse_set(["realisation.low=0.9"]))
    # parameters that are wrong together: each one's origin
    with pytest.raises(ParameterError) as e:
        load_params(mine, overrides=parse_set(["demand.horizon_year=2024"]))
    assert "(base_year from the default; horizon_year from --set)" in str(e.value)


@pytest.mark.parametrize(
    "override",
    [
        {"group": "LAS"},
        {"appraisal.realisation": 0.5},
        {"focus": [1, 2]},
        {"appraisal.register_overrides": 3},
        {"demand.age_rates": "high"},
    ],
)
def test_a_message_never_shows_a_class_name(override):
    with pytest.raises(ParameterError) as e:
        load_params(overrides=override)
    msg = str(e.value)
    assert "a mapping is expected here" in msg
    for internal in ("Params", "instance of", "Range", "dict[", "dictionary", "int ", "float "):
        assert internal not in msg, msg


def test_codes_are_shown_with_their_names():
    with pytest.raises(ParameterError) as e:
        load_params(overrides={"comparators": ["ZZZ"]})
    msg = str(e.value)
    assert "unknown organisation code(s) ['ZZZ']" in msg
    assert "Eng = England, GROUP = the group parameter's trusts pooled, R1F = Isle of Wight" in msg
    assert "Y59 = South East region" in msg


def test_every_parameter_says_what_is_allowed_in_words():
    for name, (_, field) in leaf_fields().items():
        text = allowed_text(field)
        assert text and "Params" not in text and not text.startswith(("int", "float", "str", "list[")), (name, text)


@pytest.mark.parametrize(
    "name",
    [
        "Région Sud-Est",
        "Groupe Île-de-France",
        "Ambulanz Süd & Nord",
        "Zürich (2)",
        "Gwasanaeth Ambiwlans Cymru",
        "Røde Kors",
    ],
)
def test_a_group_name_in_any_alphabet_is_plain_text(name):
    assert load_params(overrides={"group.name": name}).group.name == name


def test_a_group_name_with_a_combining_accent_is_the_accented_letter():
    assert load_params(overrides={"group.name": "Re\u0301gion"}).group.name == "Région"


@pytest.mark.parametrize("name", ["<b>LAS</b>", "LAS_SCAS", "LAS\u200bSCAS", "LAS\nSCAS", "-LAS", "LAS \u202eSCAS"])
def test_markup_control_and_invisible_characters_stay_refused(name):
    with pytest.raises(ParameterError, match="a plain-text name is expected: letters \\(accented ones too\\)"):
        load_params(overrides={"group.name": name})


# --- a bad parameter stops the run before any chapter ------------------------------------------------------------


def test_a_group_that_leaves_fewer_than_two_donor_trusts_is_refused_before_any_chapter(monkeypatch):
    """Chapter 9's donor-pool rule (analysis.evaluation.design.donor_pool), applied by the parameters."""
    monkeypatch.chdir(ROOT)  # the default file is named as params/default.yaml from the project's folder
    from se_ambulance.analysis.evaluation.design import donor_pool
    from se_ambulance.reference.evaluation import MIN_DONORS
    from se_ambulance.reference.orgs import PROVIDERS

    nine = ["RX6", "RX7", "RX8", "RX9", "RYA", "RYC", "RYD", "RYE", "RYF"]  # with R1F and RRU excluded: none left
    with pytest.raises(ParameterError) as e:
        load_params(overrides={"group.members": nine})
    msg = str(e.value)
    assert (
        "Parameters are not valid together: the evaluation (chapter 9) compares the group with at least 2 "
        "donor trusts, and these parameters leave 0 (none)" in msg
    )
    assert "evaluation.excluded_donors leaves out RRU = London (LAS), R1F = Isle of Wight" in msg
    assert "(group.members from --set; evaluation.excluded_donors from params/default.yaml)" in msg
    # one donor left: refused; two: allowed (both sides of the rule, as chapter 9 applies it)
    eight = ["RX6", "RX7", "RX8", "RX9", "RYA", "RYC", "RYD", "RYE"]
    assert donor_pool(sorted(PROVIDERS), eight, ["RRU", "R1F"], "2023-04") == ["RYF"]
    with pytest.raises(ParameterError, match=r"leave 1 \(RYF = South Western \(SWASFT\)\)"):
        load_params(overrides={"group.members": eight})
    assert len(donor_pool(sorted(PROVIDERS), eight, ["R1F"], "2023-04")) == MIN_DONORS
    assert load_params(overrides={"group.members": eight, "evaluation.excluded_donors": ["R1F"]})
    # the excluded donors alone can empty the pool too
    with pytest.raises(ParameterError, match="these parameters leave 1"):
        load_params(
            overrides={
                "evaluation.excluded_donors": ["RRU", "R1F", "RX6", "RX7", "RX8", "RX9"],
                "group.members": ["RYD", "RYE", "RYA", "RYC"],
            }
        )


def test_a_group_without_scas_or_secamb_never_counts_them_as_donors_before_any_chapter(monkeypatch):
    """SCAS and SECAmb formed their own group from October 2025, inside the months chapter 9 compares: for a group
    with neither, the parameters apply the same donor rule as the chapter (`design.donor_pool`)."""
    monkeypatch.chdir(ROOT)
    north = ["RX7", "RX8", "RX9"]
    with pytest.raises(ParameterError) as e:
        load_params(
            overrides={"group.members": north, "evaluation.excluded_donors": ["RRU", "R1F", "RX6", "RYA", "RYC"]}
        )
    msg = str(e.value)
    assert "these parameters leave 1 (RYF = South Western (SWASFT))" in msg
    assert (
        "RYD = South East Coast (SECAmb), RYE = South Central (SCAS) formed a group of their own inside the months "
        "compared (from evaluation.pre_start, 2023-04) and are never donors"
    ) in msg
    # two left: allowed (both sides of the rule)
    assert load_params(overrides={"group.members": north, "evaluation.excluded_donors": ["RRU", "R1F", "RX6", "RYA"]})


def test_a_start_month_after_the_data_or_too_soon_after_pre_start_is_refused_with_the_true_range(monkeypatch):
    """A start after the pinned release's last month left the front page saying '0 months have passed since the
    group's start (June 2027)'; 2024-01 was said to be allowed although the default pre_start refuses it."""
    monkeypatch.chdir(ROOT)
    from se_ambulance.data.releases import pinned_release

    data = pinned_release()
    last = f"{data.year:04d}-{data.month:02d}"
    after = f"{data.year + (data.month == 12):04d}-{data.month % 12 + 1:02d}"
    with pytest.raises(ParameterError) as e:
        load_params(overrides={"evaluation.start_month": "2027-06"})
    msg = str(e.value)
    assert (
        f"start_month (2027-06) is after {data.month_words}, the last month of the pinned AmbSYS release "
        f"({data.name}), so no month since the start could be judged. Allowed with pre_start 2023-04: a start_month "
        f"from 2024-10 to {last}"
    ) in msg
    assert "(start_month from --set; pre_start from params/default.yaml)" in msg
    with pytest.raises(ParameterError, match=f"start_month [(]{after}[)] is after {data.month_words}"):
        load_params(overrides={"evaluation.start_month": after})
    assert load_params(overrides={"evaluation.start_month": last}).evaluation.start_month == last
    with pytest.raises(
        ParameterError,
        match=r"start_month \(2024-01\) is less than 18 months after pre_start "
        r"\(2023-04\).* a start_month from 2024-10 to ",
    ):
        load_params(overrides={"evaluation.start_month": "2024-01"})
    assert load_params(overrides={"evaluation.start_month": "2024-10"}).evaluation.start_month == "2024-10"
    with pytest.raises(
        ParameterError,
        match="Allowed: no start_month with pre_start 2025-06, since the pinned AmbSYS "
        f"release ends in {data.month_words}; a pre_start of ",
    ):
        load_params(overrides={"evaluation.pre_start": "2025-06"})


def test_a_run_with_a_bad_group_executes_no_chapter(tmp_path, monkeypatch, capsys):
    from se_ambulance.pipeline import build as build_mod
    from se_ambulance.pipeline.cli import main

    def executed(*args, **kwargs):
        raise AssertionError("a chapter ran")

    monkeypatch.setattr(build_mod, "execute_chapter", executed)
    members = "[RX6, RX7, RX8, RX9, RYA, RYC, RYD, RYE, RYF]"
    assert main(["build", "--set", f"group.members={members}", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("se-ambulance: error: Invalid parameters:\nParameters are not valid together: the evaluation")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {"estates": {"high": 1e308}},
            r"estates: low, central and high are fractions of the line's basis, at most 1 "
            r"\(all of it\): high=1e\+308",
        ),
        ({"pathways": {"low": 2, "central": 2, "high": 2}}, "at most 1 .*low=2, central=2, high=2"),
        ({"corporate": {"start": 1e308}}, "start and ramp are whole years from 1 to 30: start=1e\\+308"),
        ({"corporate": {"ramp": 31}}, "whole years from 1 to 30: ramp=31"),
        ({"corporate": {"start": 1.5}}, "whole years from 1 to 30: start=1.5"),
    ],
)
def test_register_overrides_are_bounded(changes, message):
    with pytest.raises(ParameterError, match=message):
        load_params(overrides={"appraisal.register_overrides": changes})


def test_register_overrides_at_their_bounds_run_through_the_appraisal():
    """The largest allowed changes give finite numbers, not a traceback (1e308 used to overflow the Monte Carlo
    behind the benefit claims)."""
    import numpy as np

    from se_ambulance.analysis import appraisal
    from se_ambulance.reference.orgs import CASE_GROUP_MEMBERS

    p = load_params(
        overrides={
            "appraisal.register_overrides": {
                "estates": {"low": 1, "central": 1, "high": 1},
                "corporate": {"start": 30, "ramp": 30},
            },
            "appraisal.mc_draws": 1000,
            "appraisal.appraisal_years": 30,
        }
    )
    s = appraisal.Settings.from_params(p.area("appraisal"))
    sc = appraisal.Scale(
        turnover=400e6, carter_share=0.2, year=2024, members=CASE_GROUP_MEMBERS, income_per_incident=300.0
    )
    outcomes = appraisal.simulate(s, sc).outcomes
    assert np.isfinite(outcomes.drop(columns="breakeven_year").to_numpy(dtype=float)).all()
