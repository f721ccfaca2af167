"""A new edition's record: its headline verdicts, and what moved since the previous edition and why.

The verdicts are the claims register's (every claim, as the claims page shows them) and chapter 9's (each outcome of
the pre-stated evaluation), computed by the functions those pages use. For a verdict that differs from the previous
edition's, the new code is run again on the previous edition's AmbSYS release (kept under `previous:` in the
manifest, read by `data.vintages`): if that reproduces the new verdict the code moved it, if it reproduces the old
verdict the data moved it, and if neither, both did. When nothing but the data changed, or nothing but the code, no
recomputation is needed; when datasets other than AmbSYS changed as well, the two are not separated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import pandas as pd

from se_ambulance.data.editions import (
    Changes,
    CodeVersion,
    DatasetVintage,
    Edition,
    Verdicts,
    VerdictMove,
    code_digest,
    current_pins,
    edition_path,
    sha256_bytes,
)
from se_ambulance.errors import SeAmbulanceError
from se_ambulance.pipeline.params import BookParams, load_params

CLAIM_AREAS = ("performance", "demand", "appraisal")


def verdicts_for(params: BookParams, tidy: pd.DataFrame | None = None, release: str | None = None) -> Verdicts:
    """Every headline verdict of the canonical book: the register's, and chapter 9's by outcome (under the rule in force
    when the release was adopted, as the chapter shows them). With `tidy`, on that AmbSYS table instead of the pinned
    one (the other datasets as pinned now); `release` (a sha256 or file name) is then that table's release."""
    from se_ambulance.claims.cache import register_for
    from se_ambulance.claims.register import load_register
    from se_ambulance.claims.vintage import results_with_ambsys
    from se_ambulance.data.ambsys import load_ambsys
    from se_ambulance.publish.evaluation_text import book_study

    areas = {a: params.area(a) for a in CLAIM_AREAS}
    if tidy is None:
        claims = {cid: r.verdict for cid, r in register_for(**areas).items()}
        table = load_ambsys()
    else:  # a claim not computed keeps its stated verdict, whatever the data
        claims = {cid: c.verdict for cid, c in load_register().items() if not c.computed and c.verdict is not None}
        claims.update({cid: r.verdict for cid, r in results_with_ambsys(tidy, **areas).items()})
        claims = {cid: claims[cid] for cid in load_register() if cid in claims}
        table = tidy
    study = book_study(table, params.area("evaluation"), params.area("group"), release)
    return Verdicts(claims=claims, evaluation={k: r.verdict for k, r in study.results.items()})


def moved_by(before: str, after: str, again: str | None, data_changed: bool, code_changed: bool) -> str:
    """What moved a verdict from `before` (the previous edition) to `after` (this one). `again`: this code's verdict on
    the previous edition's data (needed only when both the data and the code changed)."""
    if not data_changed:
        return "code"
    if not code_changed:
        return "data"
    if again == after:
        return "code"  # the new code alone gives the new verdict, on the old data
    if again == before:
        return "data"  # the new code gives the old verdict on the old data: the new data made the difference
    return "data and code"


def _flat(v: Verdicts) -> dict[tuple[str, str], str]:
    return {**{("claim", k): x for k, x in v.claims.items()}, **{("evaluation", k): x for k, x in v.evaluation.items()}}


def changes_since(
    previous: Edition,
    verdicts: Verdicts,
    pins: Mapping[str, DatasetVintage],
    digest: str,
    params: BookParams,
    progress: Callable[[str], None] = lambda m: None,
) -> Changes:
    """What moved between the previous edition and this one: data pins, AmbSYS months added and values revised, the
    code, and each verdict that differs with what moved it."""
    from se_ambulance.analysis import vintage_diff
    from se_ambulance.data.ambsys import load_ambsys
    from se_ambulance.data.vintages import ambsys_table, find_release

    data_changed = [k for k, v in pins.items() if previous.pins().get(k) != v.sha256]
    code_changed = previous.code.digest != digest  # an edition recorded without a digest counts as changed
    unavailable = ""
    old_table: pd.DataFrame | None = None
    months_added: list[str] = []
    revised: pd.DataFrame | None = None
    if "ambsys" in data_changed:
        try:
            old_table = ambsys_table(find_release(previous.data["ambsys"].sha256))
        except SeAmbulanceError as e:
            unavailable = (
                f"edition {previous.edition}'s AmbSYS release ({previous.data['ambsys'].file}) could not be "
                f"read, so the months added and the values revised are not given: {e}"
            )
        else:
            current = load_ambsys()
            months_added = [f"{m:%Y-%m}" for m in vintage_diff.new_months(old_table, current)]
            revised = vintage_diff.revisions(old_table, current)
    before, after = _flat(previous.verdicts), _flat(verdicts)
    moved_ids = [k for k in after if k in before and before[k] != after[k]]
    others = [d for d in data_changed if d != "ambsys"]
    mid: dict[tuple[str, str], str] | None = None
    moves = []
    for key in moved_ids:
        kind, cid = key
        note, again = "", None
        if data_changed and code_changed:
            if others:
                note = f"other datasets changed as well ({', '.join(others)})"
            elif old_table is None:
                note = "the previous edition's AmbSYS release could not be read"
            else:
                if mid is None:
                    progress(
                        f"recomputing the verdicts with this code on edition {previous.edition}'s data "
                        f"({previous.data['ambsys'].vintage}), to say what moved each"
                    )
                    mid = _flat(verdicts_for(params, old_table, previous.data["ambsys"].sha256))
                again = mid.get(key)
        by = "not separated" if note else moved_by(before[key], after[key], again, bool(data_changed), code_changed)
        moves.append(VerdictMove(kind=kind, id=cid, previous=before[key], current=after[key], moved_by=by, note=note))
    return Changes(
        previous_edition=previous.edition,
        data_changed=data_changed,
        ambsys_from=previous.data["ambsys"].vintage,
        ambsys_to=pins["ambsys"].vintage,
        months_added=months_added,
        revised_values=0 if revised is None else len(revised),
        revised_months=[] if revised is None else sorted({f"{m:%Y-%m}" for m in revised["month"]}),
        code_changed=code_changed,
        verdicts_moved=moves,
        unavailable=unavailable,
    )


def calver(day: dt.date, editions: list[Edition]) -> str:
    """YYYY.MM.N: the Nth edition published in that month."""
    n = sum(1 for e in editions if e.date[:7] == f"{day:%Y-%m}") + 1
    return f"{day:%Y.%m}.{n}"


def new_edition(
    editions: list[Edition],
    day: dt.date,
    commit: str | None,
    correction: str | None = None,
    params: BookParams | None = None,
    progress: Callable[[str], None] = lambda m: None,
) -> Edition:
    """The next edition's record for the book as it is now (pins, code, verdicts), against the latest edition."""
    from se_ambulance import __version__

    params = params or load_params()
    previous = editions[-1] if editions else None
    if previous is not None and day.isoformat() < previous.date:
        raise SeAmbulanceError(
            f"Today ({day}) is before edition {previous.edition}'s date ({previous.date}); an "
            "edition is never dated before the one it follows. Check the clock."
        )
    pins = current_pins()
    digest = code_digest()
    progress("computing the headline verdicts (the claims register and chapter 9)")
    verdicts = verdicts_for(params)
    changes = changes_since(previous, verdicts, pins, digest, params, progress) if previous else None
    number = len(editions) + 1
    return Edition(
        edition=number,
        version=calver(day, editions),
        date=day.isoformat(),
        corrects=" ".join(correction.split()) if correction else None,
        recorded=f"By se-ambulance edition on {day.isoformat()}.",
        data=pins,
        code=CodeVersion(package=__version__, commit=commit, digest=digest),
        verdicts=verdicts,
        changes=changes,
        previous_sha256=sha256_bytes(edition_path(previous.edition).read_bytes()) if previous else None,
    )
