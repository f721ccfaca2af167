"""The claims register: exact quotes, every numeric statement accounted for, computed verdicts."""

from __future__ import annotations

import re

import pytest

from se_ambulance.claims.register import VERDICTS, load_register, out_of_scope
from se_ambulance.claims.seed_scan import scan

from .conftest import ROOT


def test_every_quote_is_verbatim_in_its_seed():
    for c in [*load_register().values(), *out_of_scope()]:
        text = (ROOT / "seeds" / c.seed).read_text(encoding="utf-8")
        assert c.quote in text, c.quote


def test_every_numeric_statement_in_the_seeds_is_in_the_register_or_out_of_scope():
    spans: dict[str, list[tuple[int, int]]] = {}
    for c in [*load_register().values(), *out_of_scope()]:
        text = (ROOT / "seeds" / c.seed).read_text(encoding="utf-8")
        spans.setdefault(c.seed, []).extend((m.start(), m.end()) for m in re.finditer(re.escape(c.quote), text))
    findings = scan(ROOT / "seeds")
    assert len(findings) > 40  # the scanner itself still finds things
    missing = [f"{f.seed}: {f.text!r} in “{f.sentence[:120]}”" for f in findings
               if not any(a <= f.start < b for a, b in spans.get(f.seed, []))]
    assert missing == [], "numeric statements not in book/claims.yaml:\n" + "\n".join(missing)


def test_the_scanner_finds_each_kind_of_number(tmp_path):
    (tmp_path / "x.txt").write_text("Up 12.5% or 60 per cent; £10 million; 8 minutes 38 seconds; 4.5million people; "
                                    "3,300 staff; in 2024/25; By 2034; 400 more paramedics.", encoding="utf-8")
    kinds = {f.kind for f in scan(tmp_path)}
    assert kinds == {"percent", "money", "duration", "count", "financial_year", "target_year"}


def test_stated_verdicts_are_allowed_values_and_computed_ones_have_a_chapter():
    for c in load_register().values():
        if c.computed:
            assert c.chapter and c.function, c.id
        else:
            assert c.verdict in VERDICTS and c.evidence


@pytest.fixture(scope="module")
def register():
    from se_ambulance.claims.verdicts import Inputs, register_table

    return register_table(Inputs.load()).set_index("id")


@pytest.mark.parametrize("claim_id, verdict", [
    ("c1-mean-2024-25", "supported"), ("c2-mean-2024-25", "supported"), ("c1-standard", "supported"),
    ("c2-standard", "supported"), ("over-85-rise-2034", "partly supported"),
    ("demand-rise-decade", "not supported"), ("outcomes-vary", "supported"), ("las-scas-16m", "not supported"),
    ("secamb-population-2018", "partly supported"), ("efficiencies-10m", "partly supported"),
    ("wider-benefits-80m", "partly supported"), ("deficits-25-26", "cannot be tested with public data"),
])
def test_verdicts_on_the_real_data(register, claim_id, verdict):
    assert register.loc[claim_id, "verdict"] == verdict


def test_computed_evidence_quotes_the_numbers(register):
    assert "30:11" in register.loc["c2-mean-2024-25", "evidence"]
    assert "SCAS from mid-2022" in register.loc["over-85-rise-2034", "evidence"]
    assert "chance of at least £10m a year is 5.6%" in register.loc["efficiencies-10m", "evidence"]
    assert "of £80m in total over 10 years 13.4%" in register.loc["wider-benefits-80m", "evidence"]
    assert set(register["verdict"]) <= set(VERDICTS)


def test_assumptions_log_is_complete_and_rated():
    from se_ambulance.claims.assumptions import assumptions_log
    from se_ambulance.reference.benefits import REGISTER
    from se_ambulance.analysis.demography import RATE_ASSUMPTIONS

    log = assumptions_log()
    assert set(log["quality"]) | set(log["impact"]) <= {"red", "amber", "green"}
    assert all(log["source"].str.len() > 10)
    for g in RATE_ASSUMPTIONS:  # every model parameter with a range appears in the log
        assert log["assumption"].str.contains(f"ages {g}", regex=False).any()
    for item in REGISTER:  # and every line of the appraisal's benefits register
        assert log["assumption"].str.startswith(item.label).any(), item.id


def test_the_appraisal_runs_once_for_both_benefit_claims(monkeypatch):
    from se_ambulance.analysis import appraisal
    from se_ambulance.claims.verdicts import Inputs, register_table

    calls = []
    real = appraisal.simulate
    monkeypatch.setattr(appraisal, "simulate", lambda *a, **k: calls.append(1) or real(*a, **k))
    table = register_table(Inputs.load()).set_index("id")
    assert len(calls) == 1
    assert table.loc["efficiencies-10m", "verdict"] == table.loc["wider-benefits-80m", "verdict"] == "partly supported"
