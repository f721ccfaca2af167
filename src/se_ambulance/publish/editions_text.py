"""The editions page (`book/editions.md`) and the CHANGELOG, written from the editions record (`data.editions`).

Both are generated whole from the record by `se-ambulance edition`, and a test checks that the committed files are
exactly what the record gives, so neither can say anything the record does not.
"""

from __future__ import annotations

from collections.abc import Sequence

from se_ambulance.data.editions import Edition, VerdictMove
from se_ambulance.publish.format import day_label, month_label
from se_ambulance.publish.pages import page_title

MOVED_BY_WORDS = {
    "data": "moved by the data: the new code gives the old verdict on the previous edition's data",
    "code": "moved by the code: the new code gives the new verdict on the previous edition's data too",
    "data and code": "moved by both: on the previous edition's data the new code gives neither verdict",
    "not separated": "data and code not separated",
}
MOVED_BY_SHORT = {"data": "data", "code": "code", "data and code": "data and code", "not separated": "not separated"}


def claim_label(claim_id: str) -> str:
    """A claim by its register id and the start of its quote."""
    from se_ambulance.claims.register import load_register

    reg = load_register()
    if claim_id not in reg:
        return f"`{claim_id}` (no longer in the register)"
    quote = " ".join(reg[claim_id].quote.split()).lstrip("- ")
    short = quote if len(quote) <= 70 else quote[:70].rsplit(" ", 1)[0] + " …"
    return f"“{short}”"


def outcome_label(key: str) -> str:
    from se_ambulance.publish.evaluation_text import OUTCOME_NAMES

    return OUTCOME_NAMES.get(key, key)


def evaluation_words(code: str) -> str:
    from se_ambulance.publish.evaluation_text import VERDICT_WORDS

    return VERDICT_WORDS.get(code, code)


def short_commit(commit: str | None) -> str:
    return commit[:7] if commit else "not a git checkout"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _moves(ed: Edition) -> dict[tuple[str, str], VerdictMove]:
    return {(m.kind, m.id): m for m in (ed.changes.verdicts_moved if ed.changes else [])}


def _evaluation_label(outcome: str) -> str:
    """An outcome of the evaluation, with the page that judges it by its title (the navigation shows no chapter
    numbers)."""
    return f"{outcome} ({page_title('notebooks/09_evaluation')})"


def verdict_rows(editions: Sequence[Edition]) -> list[list[str]]:
    """One row per verdict (claims, then chapter 9's outcomes), one column per edition; a verdict that moved says
    what moved it."""
    rows = []
    for kind, label, words in (("claim", claim_label, str), ("evaluation", outcome_label, evaluation_words)):
        ids: list[str] = []
        for ed in editions:
            got = ed.verdicts.claims if kind == "claim" else ed.verdicts.evaluation
            ids += [i for i in got if i not in ids]
        for i in ids:
            row = [label(i) if kind == "claim" else _evaluation_label(label(i))]
            for ed in editions:
                got = ed.verdicts.claims if kind == "claim" else ed.verdicts.evaluation
                value = words(got[i]) if i in got else "–"
                move = _moves(ed).get((kind, i))
                row.append(f"**{value}** (moved: {MOVED_BY_SHORT[move.moved_by]})" if move else value)
            rows.append(row)
    return rows


def release_sentence(ed: Edition) -> str:
    """What the edition's data change was, in one sentence."""
    c = ed.changes
    if c is None:
        return f"AmbSYS {ed.data['ambsys'].vintage}: the first edition."
    if c.ambsys_from == c.ambsys_to and "ambsys" not in c.data_changed:
        return f"AmbSYS {c.ambsys_to}, the same release as edition {c.previous_edition}."
    added = ", ".join(month_label(m) for m in c.months_added) or "none"
    revised = (
        f"{c.revised_values:,} earlier values revised ({', '.join(month_label(m) for m in c.revised_months)})"
        if c.revised_values
        else "no earlier values revised"
    )
    return (
        f"AmbSYS {c.ambsys_to} (edition {c.previous_edition}: {c.ambsys_from}): "
        f"{len(c.months_added)} month{'s' if len(c.months_added) != 1 else ''} added ({added}); {revised}."
    )


def change_lines(ed: Edition, previous: Edition | None) -> list[str]:
    """The release note of one edition: what it corrects, its data and code, and every verdict that moved."""
    lines = []
    if ed.corrects:
        lines.append(f"**Correction.** {ed.corrects}")
    lines.append(f"**Data.** {release_sentence(ed)}")
    c = ed.changes
    if c is not None:
        others = [d for d in c.data_changed if d != "ambsys"]
        lines.append("**Other datasets.** " + (f"New pins for {', '.join(others)}." if others else "Unchanged."))
        commit = (
            f"commit {short_commit(previous.code.commit)} → {short_commit(ed.code.commit)}"
            if previous
            else f"commit {short_commit(ed.code.commit)}"
        )
        lines.append(f"**Code.** {'Changed' if c.code_changed else 'Unchanged'} ({ed.code.package}, {commit}).")
        if c.unavailable:
            lines.append(f"**Not compared.** {c.unavailable}")
        if previous is not None:
            lines += register_change_lines(ed, previous)
        if c.verdicts_moved:
            moved = []
            for m in c.verdicts_moved:
                label = claim_label(m.id) if m.kind == "claim" else _evaluation_label(outcome_label(m.id))
                words = (lambda v: v) if m.kind == "claim" else evaluation_words
                moved.append(
                    f"  - {label}: {words(m.previous)} → **{words(m.current)}**, "
                    f"{MOVED_BY_WORDS[m.moved_by]}{'; ' + m.note if m.note else ''}."
                )
            lines.append(f"**Verdicts moved** ({len(moved)}):\n" + "\n".join(moved))
        else:
            lines.append("**Verdicts moved.** None.")
    else:
        lines.append(f"**Code.** {ed.code.package}, commit {short_commit(ed.code.commit)}.")
    return lines


def register_change_lines(ed: Edition, previous: Edition) -> list[str]:
    """Claims the register gained or lost since the previous edition: not verdicts that moved, so said apart."""
    added = [i for i in ed.verdicts.claims if i not in previous.verdicts.claims]
    removed = [i for i in previous.verdicts.claims if i not in ed.verdicts.claims]
    lines = []
    if added:
        lines.append(
            f"**Claims added to the register** ({len(added)}):\n"
            + "\n".join(f"  - {claim_label(i)}: {ed.verdicts.claims[i]}." for i in added)
        )
    if removed:
        lines.append(
            f"**Claims taken out of the register** ({len(removed)}): "
            + "; ".join(claim_label(i) for i in removed)
            + "."
        )
    return lines


def record_notes(editions: Sequence[Edition]) -> list[str]:
    """How each edition recorded after the fact was recovered (file and commit names: for the collapsed section)."""
    return [f"- **{ed.label}.** {ed.recorded}" for ed in editions if ed.recorded]


def heading(ed: Edition) -> str:
    return f"{ed.label}, {day_label(ed.date)}"


EXPLANATION = """Each edition of this book is one set of data releases and one version of its code, published on a
date. A published edition never changes: a correction is a new edition that says what it corrected. The foot of
every page, and every printed page, names the edition it belongs to; to quote a figure, name that edition.

NHS England publishes AmbSYS every month, usually on the second Thursday, and revises recent months. The book
adopts a release only after checking it against the one it replaces (the same organisations, no month missing or
blank, counts and times within plausible bounds, nothing older), and then makes a new edition with one
command: adopt the release, rebuild the book, run the tests, print the PDF, record the edition. So releases
newer than an edition's data may already be out: each edition says which data it used.

When a verdict differs from the previous edition's, the new code is run again on the previous edition's data. If that
gives the new verdict, the code moved it; if it gives the old verdict, the data moved it; if neither, both did."""


def editions_page(editions: Sequence[Edition]) -> str:
    """The 'Editions and what changed' page (MyST Markdown)."""
    out = ["# Editions and what changed", "", EXPLANATION, "", "## The editions", ""]
    out.append(
        _table(
            ["edition", *[ed.label for ed in editions]],
            [
                ["published", *[day_label(ed.date) for ed in editions]],
                ["AmbSYS data", *[ed.data["ambsys"].vintage for ed in editions]],
                ["AmbSYS file", *[f"`{ed.data['ambsys'].file}`" for ed in editions]],
                ["code", *[f"{ed.code.package}, commit {short_commit(ed.code.commit)}" for ed in editions]],
                ["corrects", *[ed.corrects or "–" for ed in editions]],
            ],
        )
    )
    out += [
        "",
        "## Verdicts side by side",
        "",
        "The table gives the verdicts shown on two pages, {doc}`/notebooks/06_claims` and "
        "{doc}`/notebooks/09_evaluation`, in each edition. A verdict in bold moved in that edition; what moved it is in brackets.",
        "",
    ]
    out.append(_table(["verdict", *[ed.label for ed in editions]], verdict_rows(editions)))
    out += ["", "## What changed in each edition", ""]
    for i in range(len(editions) - 1, -1, -1):
        ed = editions[i]
        out += [
            f"### {heading(ed)}",
            "",
            *[f"- {line}" for line in change_lines(ed, editions[i - 1] if i else None)],
            "",
        ]
    out += [
        ":::{dropdown} How editions are recorded",
        "Every dataset's vintage in each edition is in its record, `editions/edition-N.yaml` in the book's "
        "repository. A new edition is made by one command, `se-ambulance edition` (`make edition`), which a "
        "monthly workflow runs; CHANGELOG.md holds the same release notes.",
        "",
        *record_notes(editions),
        ":::",
    ]
    return "\n".join(out).rstrip() + "\n"


CHANGELOG_HEAD = """# Changelog

One section per edition of the book, newest first, written by `se-ambulance edition` from the editions record
(`editions/edition-N.yaml`). An edition is one set of data releases and one version of the code; a published edition
never changes, and a correction is a new edition that says what it corrected. The book's site lists the editions
side by side on its page "Editions and what changed".
"""


def changelog(editions: Sequence[Edition]) -> str:
    """CHANGELOG.md: one section per edition, newest first."""
    out = [CHANGELOG_HEAD]
    for i in range(len(editions) - 1, -1, -1):
        ed = editions[i]
        notes = [f"- **How this record was made.** {ed.recorded}"] if ed.recorded else []
        out += [
            f"## {heading(ed)}",
            "",
            *[f"- {line}" for line in change_lines(ed, editions[i - 1] if i else None)],
            *notes,
            "",
        ]
    return "\n".join(out).rstrip() + "\n"
