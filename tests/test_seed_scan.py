"""Every number in seeds/ is a claim of the register or is explained in book/seed_numbers.yaml (the scanner once
missed "the 32 London boroughs"; it now takes every number, and nothing is left out unless listed with a reason)."""

from __future__ import annotations

from pathlib import Path

import pytest

from se_ambulance.claims.register import load_register, out_of_scope
from se_ambulance.claims.seed_scan import not_claims, numbers, scan, spans

from .support.builders import ROOT

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def register_spans() -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    for c in [*load_register().values(), *out_of_scope()]:
        out.setdefault(c.seed, []).extend(spans((ROOT / "seeds" / c.seed).read_text(encoding="utf-8"), c.quote))
    return out


def test_every_number_in_the_seeds_is_a_claim_or_listed_with_a_reason():
    registered = register_spans()
    explained: dict[str, list[tuple[int, int]]] = {}
    for e in not_claims():
        explained.setdefault(e.seed, []).extend(spans((ROOT / "seeds" / e.seed).read_text(encoding="utf-8"), e.quote))
    missing = []
    total = 0
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        for f in numbers(text, path.name):
            total += 1
            if not any(a <= f.start < b for a, b in registered.get(path.name, []) + explained.get(path.name, [])):
                missing.append(f"{path.name}: {f.text!r} in “{f.sentence[:140]}”")
    assert total > 150  # every number, not only those that look like claims
    assert missing == [], (
        "numbers in seeds/ that are neither in book/claims.yaml nor in book/seed_numbers.yaml "
        "(register the claim, or list the passage with its reason):\n" + "\n".join(missing)
    )


def test_each_listed_passage_is_exact_names_a_number_and_is_not_registered_too():
    registered = register_spans()
    problems = []
    for e in not_claims():
        text = (ROOT / "seeds" / e.seed).read_text(encoding="utf-8")
        where = spans(text, e.quote)
        if not where:
            problems.append(f"not in {e.seed}: {e.quote!r}")
        elif not numbers(e.quote):
            problems.append(f"names no number: {e.quote!r}")
        elif any(a < d and c < b for a, b in where for c, d in registered.get(e.seed, [])):
            problems.append(f"overlaps a quote of book/claims.yaml (registered now? then remove it here): {e.quote!r}")
    assert problems == []


# The counted figures this scan found that the register did not hold (listed "to register" until they were).
REGISTERED_FROM_THE_SCAN = {
    "first-group-model": "is the first ambulance group model of its kind in England",
    "older-population-growth": "the South East has one of the fastest growing older populations in the country",
    "surplus-three-years": "delivering a surplus of the next three years",
    "savings-millions": "we believe we can unlock millions in savings",
    "london-boroughs-32": "London Ambulance Service covers the 32 London boroughs",
    "ten-ambulance-trusts": (
        "It is one of ten ambulance services trusts providing England with emergency medical services"
    ),
    "neonatal-three-ambulances": "maintains the three ambulances of the Neonatal Transfer Service",
    "nhs111-ten-minutes": "an additional ten minutes was allocated to the response time",
}


def test_the_figures_the_scan_found_are_registered_and_no_longer_listed():
    """Each is a claim of book/claims.yaml with its exact quote, and no longer "to register" (a new figure the scan
    finds is listed there until it is registered; the overlap test above fails while both hold one)."""
    register = load_register()
    assert {cid: register[cid].quote for cid in REGISTERED_FROM_THE_SCAN} == REGISTERED_FROM_THE_SCAN
    waiting = {e.quote for e in not_claims() if e.reason == "to register"}
    assert waiting.isdisjoint(REGISTERED_FROM_THE_SCAN.values())


@pytest.mark.parametrize(
    "text, found",
    [
        ("London Ambulance Service covers the 32 London boroughs.", ["32"]),
        ("It is one of ten ambulance services trusts", ["one", "ten"]),
        ("answered within fiveseconds, admitted within 45minutes", ["five", "45"]),
        (
            "around 4.5million; £250.8million; £10 million; £20M a year",
            ["4.5million", "250.8million", "10 million", "20M"],
        ),
        ("In 2024/25 and 2005–06, call 999/111", ["2024", "25", "2005", "06", "999", "111"]),
        ("the first group; twice as likely; half of them; unlock millions", ["first", "twice", "half", "millions"]),
        ("someone often phones; the seconds hand; tenth", ["tenth"]),  # number words only as whole words
        ("Category 1 took 8 minutes 38 seconds", ["1", "8", "38"]),
    ],
)
def test_the_scanner_takes_every_number(text, found):
    assert [f.text for f in numbers(text)] == found


def test_scan_leaves_out_only_what_the_list_explains(tmp_path):
    (tmp_path / "x.txt").write_text("On 1 May 2020 there were 32 boroughs.", encoding="utf-8")
    from se_ambulance.claims.seed_scan import NotAClaim

    left = scan(tmp_path, (NotAClaim("x.txt", "On 1 May 2020", "a date"),))
    assert [(f.text, f.kind) for f in left] == [("32", "count")]
    assert [f.text for f in scan(tmp_path, ())] == ["1", "2020", "32"]


def test_a_malformed_list_is_refused_with_what_is_needed(tmp_path):
    from se_ambulance.claims.seed_scan import not_claims as load
    from se_ambulance.errors import DataError

    path = tmp_path / "seed_numbers.yaml"
    path.write_text("not_claims:\n  - {seed: a.txt, quote: '1 May'}\n", encoding="utf-8")
    with pytest.raises(DataError, match="must have exactly seed, quote and reason"):
        load(Path(path))
