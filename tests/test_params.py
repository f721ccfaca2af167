"""Parameters are nested by area, validated before anything runs, and each error names the key and what is allowed."""

from __future__ import annotations

import pytest

from se_ambulance.errors import ParameterError
from se_ambulance.pipeline.params import AREA_MODELS, BookParams, leaf_fields, load_params, parse_set, qualify


def test_default_file_is_valid():
    p = load_params()
    assert p.focus.trust == "RYD" and "RYE" in p.focus.comparators
    assert p.demand.age_rates["85+"].central == 7.0


@pytest.mark.parametrize("override, message", [
    ({"colour": "red"}, r"Unknown parameter 'colour'. Known parameters \(areas\): focus, group, performance, demand, appraisal"),
    ({"demand.colour": 1}, "Unknown parameter 'demand.colour'. Known parameters in demand: base_year"),
    ({"trust": "XYZ"}, "Parameter 'focus.trust' = 'XYZ' is not valid: 'XYZ' is not one of the allowed values. "
                       "Allowed: one of R1F"),
    ({"focus.trust": 5}, "Parameter 'focus.trust' = 5 is not valid"),
    ({"claim_year": 2031}, r"Parameter 'performance.claim_year' = 2031 .*Allowed: int >= 2018 and <= 2025"),
    ({"claim_year": "soon"}, "Parameter 'performance.claim_year' = 'soon' is not valid"),
    ({"comparators": ["RYE", "ZZZ"]}, r"unknown organisation code\(s\) \['ZZZ'\]"),
    ({"comparators": ["RYE", "RYE"]}, "must not repeat"),
    ({"appraisal.discount_rate": float("inf")}, "Parameter 'appraisal.discount_rate' = inf is not valid: Input should "
                                                "be a finite number"),
    ({"appraisal.mc_draws": float("nan")}, "Parameter 'appraisal.mc_draws' = nan is not valid"),
])
def test_bad_values_are_named(override, message):
    with pytest.raises(ParameterError, match=message):
        load_params(overrides=override)


def test_parse_set_reads_yaml_values_and_bare_names_find_their_area():
    assert parse_set(["trust=RYE", "comparators=[Eng, Y59]", "claim_year=2023"]) == {
        "trust": "RYE", "comparators": ["Eng", "Y59"], "claim_year": 2023}
    with pytest.raises(ParameterError, match="key=value"):
        parse_set(["trust"])
    assert qualify("trust") == "focus.trust" and qualify("realisation.low") == "appraisal.realisation.low"
    assert qualify("demand.horizon_year") == "demand.horizon_year"
    p = load_params(overrides=parse_set(["trust=RYE", "demand.horizon_year=2040"]))
    assert p.focus.trust == "RYE" and p.demand.horizon_year == 2040


def test_dotted_keys_change_one_entry_of_a_mapping():
    p = load_params(overrides=parse_set(["realisation.low=0.1", "register_overrides.estates.high=0.01",
                                         "demand.age_rates.85+.central=8"]))
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
    with pytest.raises(ParameterError, match="Unknown parameter 'trust'. Did you mean 'focus.trust'"):
        load_params(flat)
    with pytest.raises(ParameterError, match="is a folder"):
        load_params(tmp_path)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("performance:\n  trust: R\xe9\n".encode("latin-1"))
    with pytest.raises(ParameterError, match="not UTF-8"):
        load_params(latin)


def test_every_parameter_has_a_description():
    assert all(f.description for _, f in leaf_fields().values())
    assert set(AREA_MODELS) == set(BookParams.model_fields)


@pytest.mark.parametrize("override, message", [
    ({"horizon_year": 2024}, r"Parameters in 'demand' are not valid together: horizon_year \(2024\) must be after"),
    ({"horizon_year": 2050}, r"Allowed: int >= 2023 and <= 2047"),
    ({"base_year": 2019}, r"Allowed: int >= 2022 and <= 2040"),
    ({"demand.age_rates.85+.low": 0}, "rates must be above 0 and at most 20: 85\\+.low=0"),
    ({"age_rates": {"90+": {"central": 3}}}, r"unknown age group\(s\) \['90\+'\]; allowed keys: 0-14, 65-74, 75-84, 85\+"),
    ({"demand.age_rates.85+.central": 30}, r"low \(5\) <= central \(30\) <= high \(8.5\) must hold"),
    ({"backtest_start": "2021-01"}, "outside 2022-06 to 2025-03"),
    ({"backtest_start": "March"}, "Parameter 'demand.backtest_start' = 'March'"),
    ({"covid_handling": "ignore"}, "Allowed: one of exclude, intervention"),
    ({"demand_area": "RRX"}, "Allowed: one of GROUP, R1F, RRU, RX6, RX7, RX8, RX9, RYA, RYC, RYD, RYE, RYF"),
    ({"forecast_model": "prophet"}, "Allowed: one of best, ets, sarima"),
])
def test_demand_parameters_are_validated(override, message):
    with pytest.raises(ParameterError, match=message):
        load_params(overrides=override)
