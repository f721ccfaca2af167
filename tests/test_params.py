"""Parameters are validated before anything runs; each error names the key and what is allowed."""

from __future__ import annotations

import pytest

from se_ambulance.errors import ParameterError
from se_ambulance.pipeline.params import BookParams, load_params, parse_set


def test_default_file_is_valid():
    p = load_params()
    assert p.trust == "RYD" and "RYE" in p.comparators


@pytest.mark.parametrize("override, message", [
    ({"colour": "red"}, "Unknown parameter 'colour'. Known parameters: trust"),
    ({"trust": "XYZ"}, "Parameter 'trust' = 'XYZ' is not valid: 'XYZ' is not one of the allowed values. Allowed: one of R1F"),
    ({"trust": 5}, "Parameter 'trust' = 5 is not valid"),
    ({"claim_year": 2031}, r"Parameter 'claim_year' = 2031 .*Allowed: int >= 2018 and <= 2025"),
    ({"claim_year": "soon"}, "Parameter 'claim_year' = 'soon' is not valid"),
    ({"comparators": ["RYE", "ZZZ"]}, r"unknown organisation code\(s\) \['ZZZ'\]"),
    ({"comparators": ["RYE", "RYE"]}, "must not repeat"),
])
def test_bad_values_are_named(override, message):
    with pytest.raises(ParameterError, match=message):
        load_params(overrides=override)


def test_parse_set_reads_yaml_values():
    assert parse_set(["trust=RYE", "comparators=[Eng, Y59]", "claim_year=2023"]) == {
        "trust": "RYE", "comparators": ["Eng", "Y59"], "claim_year": 2023}
    with pytest.raises(ParameterError, match="key=value"):
        parse_set(["trust"])


def test_dotted_keys_change_one_entry_of_a_mapping():
    p = load_params(overrides=parse_set(["realisation.low=0.1", "register_overrides.estates.high=0.01"]))
    assert (p.realisation.low, p.realisation.central) == (0.1, 0.69)
    assert p.register_overrides == {"estates": {"high": 0.01}}
    with pytest.raises(ParameterError, match="parameter 'trust' is not a mapping"):
        load_params(overrides=parse_set(["trust.code=RYE"]))
    with pytest.raises(ParameterError, match="Unknown parameter 'colour'"):
        load_params(overrides=parse_set(["colour.hue=1"]))


def test_missing_or_malformed_file(tmp_path):
    with pytest.raises(ParameterError, match="does not exist"):
        load_params(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n")
    with pytest.raises(ParameterError, match="must be a mapping"):
        load_params(bad)


def test_every_parameter_has_a_description():
    assert all(f.description for f in BookParams.model_fields.values())


@pytest.mark.parametrize("override, message", [
    ({"horizon_year": 2024}, r"base_year/horizon_year are not valid together: horizon_year \(2024\) must be after"),
    ({"horizon_year": 2050}, r"Allowed: int >= 2023 and <= 2047"),
    ({"base_year": 2019}, r"Allowed: int >= 2022 and <= 2040"),
    ({"age_rates": {"85+": 0}}, "rates must be above 0 and at most 20: 85\\+=0"),
    ({"age_rates": {"90+": 3}}, r"unknown age group\(s\) \['90\+'\]; allowed keys: 0-14, 65-74, 75-84, 85\+"),
    ({"backtest_start": "2021-01"}, "outside 2022-06 to 2025-03"),
    ({"backtest_start": "March"}, "Parameter 'backtest_start' = 'March'"),
    ({"covid_handling": "ignore"}, "Allowed: one of exclude, intervention"),
    ({"demand_area": "RRU"}, "Allowed: one of GROUP, RYD, RYE"),
    ({"forecast_model": "prophet"}, "Allowed: one of ets, sarima"),
])
def test_demand_parameters_are_validated(override, message):
    with pytest.raises(ParameterError, match=message):
        load_params(overrides=override)
