"""Editions: the record is a chain of immutable files, the page and the CHANGELOG say only what it says, every page's
stamp names its edition and the next release, and `se-ambulance edition` makes an edition or changes nothing.

The tests not marked slow are what `se-ambulance edition --tests smoke` runs (in the end-to-end test's copy of the
project): they check the record the command has just written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from se_ambulance.data import editions as E
from se_ambulance.data import releases as R
from se_ambulance.errors import DataError, SeAmbulanceError
from se_ambulance.publish import editions_text as T
from se_ambulance.publish import stamp as S

from .support.builders import ROOT

MARCH = "AmbSYS-to-Mar-2026-UI7FG.csv"
APRIL = "AmbSYS-to-Apr-2026-QWZX3.csv"


def _git(*args: str, cwd: Path = ROOT) -> str | None:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    return proc.stdout if proc.returncode == 0 else None


# --- the record ------------------------------------------------------------------------------------------------------


def test_the_record_is_a_chain_of_editions_numbered_from_one():
    editions = E.load_editions()
    assert editions and [e.edition for e in editions] == list(range(1, len(editions) + 1))
    assert E.check_record() == []


def test_a_published_edition_file_never_changes_and_is_never_removed():
    """Every edition file equals the version first committed, and every edition ever committed is still there
    (checked against git history; the chain of sha256s in check_record holds without git too)."""
    if _git("rev-parse", "HEAD") is None:
        pytest.skip("not a git checkout: the chain of sha256s (test above) is the check")
    ever = set((_git("log", "--format=", "--name-only", "--diff-filter=A", "--", "editions/") or "").split())
    for name in sorted(ever):
        path = ROOT / name
        assert path.is_file(), f"{name} was published and then removed; a correction is a new edition"
        first = _git("log", "--format=%H", "--diff-filter=A", "--", name).split()[-1]
        assert _git("show", f"{first}:{name}") == path.read_text(encoding="utf-8"), (
            f"{name} differs from the version first committed ({first[:7]}): a published edition never changes"
        )


def test_the_page_and_the_changelog_are_exactly_what_the_record_gives():
    editions = E.load_editions()
    assert (ROOT / E.GENERATED_PAGE).read_text(encoding="utf-8") == T.editions_page(editions)
    assert (ROOT / "CHANGELOG.md").read_text(encoding="utf-8") == T.changelog(editions)


def test_the_editions_page_is_listed_under_about_this_book():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    about = toc[toc.index("caption: About this book") :]
    assert "- file: book/editions" in about


def test_each_edition_records_every_dataset_and_says_what_changed_since_the_one_before():
    editions = E.load_editions()
    for before, ed in zip(editions, editions[1:]):
        assert ed.changes.previous_edition == before.edition
        assert ed.changes.data_changed == [k for k, v in ed.data.items() if before.pins().get(k) != v.sha256]
        assert (
            ed.changes.ambsys_from == before.data["ambsys"].vintage
            and ed.changes.ambsys_to == ed.data["ambsys"].vintage
        )
        for m in ed.changes.verdicts_moved:
            got = ed.verdicts.claims if m.kind == "claim" else ed.verdicts.evaluation
            was = before.verdicts.claims if m.kind == "claim" else before.verdicts.evaluation
            assert (was[m.id], got[m.id]) == (m.previous, m.current)
        flat = {("claim", k): v for k, v in ed.verdicts.claims.items()} | {
            ("evaluation", k): v for k, v in ed.verdicts.evaluation.items()
        }
        was = {("claim", k): v for k, v in before.verdicts.claims.items()} | {
            ("evaluation", k): v for k, v in before.verdicts.evaluation.items()
        }
        assert {(m.kind, m.id) for m in ed.changes.verdicts_moved} == {
            k for k in flat if k in was and was[k] != flat[k]
        }
        assert ed.code.digest is not None and ed.date >= before.date


def test_edition_one_is_what_readers_saw_at_its_commit():
    from .support import edition_one

    if not edition_one.git_has():
        pytest.skip(f"commit {edition_one.COMMIT[:7]} is not in this clone's history (a shallow clone)")
    ed = E.load_editions()[0]
    assert (ed.edition, ed.version, ed.date, ed.code.commit) == (1, "2026.11.1", "2026-11-22", edition_one.COMMIT)
    assert ed.code.package == edition_one.package_version()
    assert {k: v.model_dump() for k, v in ed.data.items()} == edition_one.data_pins()
    assert ed.verdicts.claims == edition_one.claim_verdicts()
    assert ed.verdicts.evaluation == edition_one.evaluation_verdicts()
    assert ed.data["ambsys"].file == MARCH
    assert "Recorded afterwards" in ed.recorded and edition_one.COMMIT[:7] in ed.recorded


def test_the_latest_edition_records_the_verdicts_its_committed_chapters_show():
    """When the book in this checkout is the latest edition (same data pins and code), the edition's verdicts are the
    claims page's glued verdicts and chapter 9's verdict table, as committed."""
    from .support import edition_one

    latest = E.load_editions()[-1]
    here = {k: v.sha256 for k, v in E.current_pins().items()}
    if latest.pins() != here or latest.code.digest != E.code_digest():
        pytest.skip(f"this checkout is a draft after {latest.label} (its data or code differ)")

    def committed(name: str) -> dict:
        return json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))

    assert latest.verdicts.claims == edition_one.claim_verdicts_in(committed("06_claims.ipynb"))
    assert latest.verdicts.evaluation == edition_one.evaluation_verdicts_in(committed("09_evaluation.ipynb"))


def test_an_edition_file_is_written_once(tmp_path):
    ed = E.load_editions()[0]
    E.write_edition(ed, tmp_path)
    with pytest.raises(DataError, match="a published edition is never rewritten"):
        E.write_edition(ed.model_copy(update={"recorded": "changed"}), tmp_path)
    assert E.read_edition(E.edition_path(1, tmp_path)) == ed


def test_the_chain_catches_a_changed_edition_a_gap_and_a_date_going_backwards(tmp_path):
    first = E.load_editions()[0]
    E.write_edition(first, tmp_path)
    second = first.model_copy(
        update={
            "edition": 2,
            "version": "2026.12.1",
            "date": "2026-12-07",
            "previous_sha256": E.sha256_bytes(E.edition_path(1, tmp_path).read_bytes()),
            "changes": E.Changes(
                previous_edition=1,
                data_changed=[],
                ambsys_from="x",
                ambsys_to="x",
                months_added=[],
                revised_values=0,
                revised_months=[],
                code_changed=True,
                verdicts_moved=[],
            ),
        }
    )
    E.write_edition(second, tmp_path)
    assert E.check_record(tmp_path) == []
    one = E.edition_path(1, tmp_path)
    one.write_text(one.read_text(encoding="utf-8").replace("2026.11.1", "2026.11.9"), encoding="utf-8")
    assert any("a published edition was changed" in p for p in E.check_record(tmp_path))
    one.unlink()
    assert any("not numbered 1 to 1" in p for p in E.check_record(tmp_path))
    E.write_edition(first.model_copy(update={"date": "2026-12-24"}), tmp_path)
    assert any("before edition 1" in p for p in E.check_record(tmp_path))


def test_the_code_digest_follows_code_and_text_but_not_outputs_or_the_generated_page(tmp_path, monkeypatch):
    for name in ("_toc.yml", "_config.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "params").mkdir()
    shutil.copy(ROOT / "params" / "default.yaml", tmp_path / "params")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "glossary.md").write_text("# Glossary\n", encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    nb = ROOT / "notebooks" / "07_sources.ipynb"
    shutil.copy(nb, tmp_path / "notebooks")
    base = E.code_digest(tmp_path)
    (tmp_path / E.GENERATED_PAGE).write_text("# Editions\n", encoding="utf-8")
    data = json.loads(nb.read_text(encoding="utf-8"))
    for cell in data["cells"]:
        cell.pop("outputs", None) if cell["cell_type"] == "code" else None
    (tmp_path / "notebooks" / nb.name).write_text(json.dumps(data), encoding="utf-8")
    assert E.code_digest(tmp_path) == base  # outputs and the generated page do not count
    (tmp_path / "book" / "glossary.md").write_text("# Glossary\n\nA new term.\n", encoding="utf-8")
    assert E.code_digest(tmp_path) != base


# --- releases: names, addresses, the timetable --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "address"),
    [
        (APRIL, "https://www.england.nhs.uk/statistics/wp-content/uploads/sites/2/2026/05/" + APRIL),
        (MARCH, "https://www.england.nhs.uk/statistics/wp-content/uploads/sites/2/2026/04/" + MARCH),
        (
            "AmbSYS-to-Dec-2026-AB12.csv",
            "https://www.england.nhs.uk/statistics/wp-content/uploads/sites/2/2027/01/AmbSYS-to-Dec-2026-AB12.csv",
        ),
    ],
)
def test_a_release_name_gives_its_month_and_official_address(name, address):
    assert R.official_address(name) == address


def test_the_march_address_in_the_manifest_follows_the_same_pattern():
    from se_ambulance.data.vintages import find_release

    assert find_release(MARCH).url == R.official_address(MARCH)


@pytest.mark.parametrize(
    "name",
    [
        "AmbSYS-to-April-2026-X.csv",
        "ambsys.csv",
        "AmbSYS-to-Abc-2026-X.csv",
        "AmbSYS-to-Apr-2026-X.csv.part",
        "AmbSYS-to-Apr-26-X.csv",
    ],
)
def test_a_name_not_following_the_pattern_is_not_a_release(name):
    assert R.parse_name(name) is None
    with pytest.raises(SeAmbulanceError, match="is not named like an NHS England AmbSYS release"):
        R.release_name(name)


def test_the_newest_release_is_the_latest_month_wherever_it_is_listed():
    names = ["AmbSYS-to-Feb-2026-A.csv", APRIL, "notes.txt", MARCH, "AmbSYS-to-Dec-2025-B.csv"]
    assert R.newest(names).name == APRIL and R.newest(reversed(names)).name == APRIL
    assert R.newest(["readme.md"]) is None


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-12-07", "2026-12-10"),  # before the second Thursday: that day
        ("2026-12-10", "2026-12-10"),  # on it: that day
        ("2026-12-11", "2027-01-14"),  # after it: next month's
        ("2026-10-01", "2026-10-08"),  # a month that starts on a Thursday: the 8th
        ("2026-09-30", "2026-10-08"),
        ("2026-02-13", "2026-03-12"),
    ],
)
def test_the_next_release_is_the_next_second_thursday_on_or_after_the_build_date(day, expected):
    got = R.next_release_date(dt.date.fromisoformat(day))
    assert got.isoformat() == expected and got.weekday() == 3 and 8 <= got.day <= 14


@pytest.mark.parametrize(
    ("day", "data_to"),
    [
        ("2026-12-07", "2026-10-01"),  # November's release (data to October) came out on 12 November
        ("2026-12-10", "2026-11-01"),  # on the day December's release is due
        ("2026-05-13", "2026-03-01"),
        ("2026-05-14", "2026-04-01"),  # the April release's day, 14 May 2026
    ],
)
def test_the_newest_release_the_timetable_expects(day, data_to):
    assert R.latest_data_month_expected(dt.date.fromisoformat(day)).isoformat() == data_to


# --- the stamp ---------------------------------------------------------------------------------------------------------


def test_the_stamp_says_when_the_next_release_is_due_and_that_newer_ones_may_be_out():
    words = S.next_release_words(dt.date(2026, 12, 7), dt.date(2026, 4, 1))
    assert words == (
        "NHS England's next AmbSYS release is expected on Thursday 10 December 2026 (its usual day, the "
        "second Thursday of the month, counted from this build's date, 7 December 2026). By that "
        "timetable releases with data up to October 2026 may already be out; this book uses data to "
        "April 2026."
    )
    # A book whose data are the newest the timetable expects does not say newer ones may be out.
    assert S.next_release_words(dt.date(2026, 5, 20), dt.date(2026, 4, 1)) == (
        "NHS England's next AmbSYS release is expected on Thursday 11 June 2026 (its usual day, the second Thursday "
        "of the month, counted from this build's date, 20 May 2026)."
    )


def test_the_stamp_names_the_edition_only_when_data_and_code_are_the_editions():
    editions = E.load_editions()
    last = editions[-1]
    pins = last.pins()
    if last.code.digest is None:
        last = last.model_copy(update={"code": last.code.model_copy(update={"digest": "d" * 64})})
        editions = [*editions[:-1], last]
    from se_ambulance.publish.format import day_label

    label = f"{last.label}, {day_label(last.date)}"
    assert S.edition_words(editions, pins, last.code.digest) == label
    draft = f"Draft (not a published edition; the latest is {label})"
    assert S.edition_words(editions, pins, "0" * 64) == draft  # other code
    assert S.edition_words(editions, {**pins, "ambsys": "0" * 64}, last.code.digest) == draft  # other data
    assert S.edition_words([], pins, last.code.digest) == "Draft (not a published edition)"


def test_the_site_footer_carries_the_stamp_of_publish_stamp():
    from se_ambulance.publish.sphinx_ext import build_stamp

    st = S.current_stamp()
    text = build_stamp()
    assert text.startswith(st.line()) and st.next_release in text and st.code_version in text
    assert st.data_to == f"AmbSYS {E.current_pins()['ambsys'].vintage}"
    assert S.current_stamp(scenario=True).edition.startswith("A scenario book, not an edition")


# --- what moved a verdict ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "again", "data", "code", "expected"),
    [
        ("supported", "not supported", None, False, True, "code"),  # only the code changed
        ("supported", "not supported", None, True, False, "data"),  # only the data changed
        (
            "supported",
            "not supported",
            "not supported",
            True,
            True,
            "code",
        ),  # new code, old data: already the new verdict
        ("supported", "not supported", "supported", True, True, "data"),  # new code, old data: still the old verdict
        ("supported", "not supported", "partly supported", True, True, "data and code"),
    ],
)
def test_what_moved_a_verdict(before, after, again, data, code, expected):
    from se_ambulance.pipeline.edition_record import moved_by

    assert moved_by(before, after, again, data, code) == expected


def test_claims_added_to_the_register_are_listed_apart_from_verdicts_that_moved():
    one = E.load_editions()[0]
    claims = dict(one.verdicts.claims)
    gone = next(iter(claims))
    del claims[gone]
    claims["first-group-model"] = "cannot be tested"
    two = one.model_copy(update={"verdicts": one.verdicts.model_copy(update={"claims": claims})})
    lines = T.register_change_lines(two, one)
    assert lines[0].startswith("**Claims added to the register** (1):") and "cannot be tested" in lines[0]
    assert lines[1].startswith("**Claims taken out of the register** (1):")
    assert T.register_change_lines(one, one) == []


def test_calver_counts_the_editions_of_the_month():
    from se_ambulance.pipeline.edition_record import calver

    editions = E.load_editions()[:1]
    assert calver(dt.date(2026, 11, 30), editions) == "2026.11.2"
    assert calver(dt.date(2026, 12, 7), editions) == "2026.12.1"


# --- the command -------------------------------------------------------------------------------------------------------


def _real_release(name: str) -> Path:
    from se_ambulance.data.fetch import ensure
    from se_ambulance.data.manifest import load_manifest
    from se_ambulance.data.vintages import find_release, previous_file

    v = find_release(name)
    return (
        ensure("ambsys", progress=lambda m: None)
        if v.file == load_manifest()["ambsys"].file
        else previous_file("ambsys", v)
    )


MARCH_CITATION = "NHS England (2026). Ambulance Quality Indicators, AmbSYS time series to March 2026."


def _march_manifest(text: str) -> str:
    """The manifest as it was before April was adopted: the March pin, with no `previous:`."""
    from se_ambulance.data.manifest import previous_pin_text

    return previous_pin_text(text, "ambsys", MARCH_CITATION)


@pytest.fixture
def small_project(tmp_path, monkeypatch):
    """A project pinned to the real March release, with edition 1 recorded for it, a mirror holding the real March
    and April releases under their own names, an old site, and the verdicts stubbed (the real ones are computed by
    the end-to-end test)."""
    root = tmp_path / "project"
    (root / "data" / "raw").mkdir(parents=True)
    manifest = _march_manifest((ROOT / "data" / "manifest.yaml").read_text(encoding="utf-8"))
    raw = yaml.safe_load(manifest)
    raw["datasets"] = {"ambsys": raw["datasets"]["ambsys"]}
    (root / "data" / "manifest.yaml").write_text(yaml.safe_dump(raw, width=1000), encoding="utf-8")
    shutil.copy(_real_release(MARCH), root / "data" / "raw" / MARCH)
    mirror = tmp_path / "mirror"
    (mirror / "ambsys").mkdir(parents=True)
    for name in (MARCH, APRIL):
        shutil.copy(_real_release(name), mirror / "ambsys" / name)
    for name in ("_toc.yml", "_config.yml"):
        shutil.copy(ROOT / name, root / name)
    (root / "params").mkdir()
    shutil.copy(ROOT / "params" / "default.yaml", root / "params")
    (root / "book").mkdir()
    shutil.copy(ROOT / "book" / "claims.yaml", root / "book")  # the editions page names each claim from it
    (root / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "07_sources.ipynb", root / "notebooks")
    (root / "_build" / "html").mkdir(parents=True)
    (root / "_build" / "html" / "index.html").write_text("the old site", encoding="utf-8")
    monkeypatch.setenv("SE_AMBULANCE_HOME", str(root))
    monkeypatch.delenv("SE_AMBULANCE_DATA_MIRROR", raising=False)
    one = E.load_editions(ROOT)[0]
    first = one.model_copy(update={"data": {"ambsys": one.data["ambsys"]}})
    E.write_edition(first, root)
    (root / E.GENERATED_PAGE).write_text(T.editions_page([first]), encoding="utf-8")
    (root / "CHANGELOG.md").write_text(T.changelog([first]), encoding="utf-8")
    from se_ambulance.pipeline import edition_record

    monkeypatch.setattr(edition_record, "verdicts_for", lambda params, tidy=None: first.verdicts)
    return {"root": root, "mirror": mirror, "first": first}


def _state(root: Path) -> dict[str, bytes]:
    """Every file of the project but the caches and the edition command's own lock and last result."""
    skip = (root / "data" / "cache", root / "_build" / "edition")
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(p.is_relative_to(s) for s in skip)
    }


@pytest.mark.slow
@pytest.mark.parametrize("fails_at", ["build", "tests", "interrupted"])
def test_a_failed_edition_changes_nothing(small_project, monkeypatch, fails_at):
    from se_ambulance.pipeline import edition as cmd

    root = small_project["root"]
    before = _state(root)

    def build(mirror):
        assert (root / "editions" / "edition-2.yaml").is_file()  # recorded before the build, so pages can show it
        (root / "_build" / "html").mkdir(parents=True, exist_ok=True)
        (root / "_build" / "html" / "index.html").write_text("the new site", encoding="utf-8")
        (root / "notebooks" / "07_sources.ipynb").write_text("{}", encoding="utf-8")
        if fails_at == "build":
            raise SeAmbulanceError("a chapter failed")
        if fails_at == "interrupted":
            raise KeyboardInterrupt
        return root / "_build" / "html"

    def tests(tier, where):
        raise SeAmbulanceError("The tests failed")

    monkeypatch.setattr(cmd, "run_tests", tests)
    with pytest.raises((SeAmbulanceError, KeyboardInterrupt)):
        cmd.make_edition(
            mirror=small_project["mirror"],
            tests="smoke",
            build=build,
            progress=lambda m: None,
            today=dt.date(2026, 12, 7),
        )
    assert _state(root) == before  # manifest, raw files, notebooks, record, page, changelog and the old site


@pytest.mark.slow
def test_an_edition_is_recorded_and_without_a_new_release_there_is_nothing_to_publish(small_project, monkeypatch):
    from se_ambulance.data.manifest import load_manifest
    from se_ambulance.pipeline import edition as cmd

    root = small_project["root"]
    calls = []
    monkeypatch.setattr(cmd, "run_tests", lambda tier, where: calls.append(("tests", tier)))
    monkeypatch.setattr(cmd, "pdf_step", lambda r, html: calls.append(("pdf", html)))

    def build(mirror):
        calls.append(("build", (root / "editions" / "edition-2.yaml").is_file()))
        return root / "_build" / "html"

    result = cmd.make_edition(
        mirror=small_project["mirror"], tests="smoke", build=build, progress=lambda m: None, today=dt.date(2026, 12, 7)
    )
    assert calls == [("build", True), ("tests", "smoke"), ("pdf", root / "_build" / "html")]
    assert (result.status, result.edition, result.version) == ("published", 2, "2026.12.1")
    assert load_manifest()["ambsys"].file == APRIL
    [first, second] = E.load_editions()
    assert second.data["ambsys"].file == APRIL and second.changes.months_added == ["2026-04"]
    assert second.changes.revised_values == 0 and second.changes.verdicts_moved == []
    assert second.previous_sha256 == E.sha256_bytes(E.edition_path(1).read_bytes()) and E.check_record() == []
    assert (root / "CHANGELOG.md").read_text(encoding="utf-8") == T.changelog([first, second])
    assert "## Edition 2 (2026.12.1), 7 December 2026" in (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert (root / E.GENERATED_PAGE).read_text(encoding="utf-8") == T.editions_page([first, second])
    assert json.loads((root / cmd.RESULT).read_text())["status"] == "published"
    # Run again: the mirror offers nothing newer and the code is the same: nothing to publish, nothing changes.
    before = _state(root)
    calls.clear()
    again = cmd.make_edition(mirror=small_project["mirror"], tests="smoke", build=build, progress=lambda m: None)
    assert again.status == "nothing to publish" and "no AmbSYS release newer than Edition 2" in again.message
    assert calls == [] and _state(root) == before
    # A correction with nothing changed is refused; the code changing makes one possible.
    with pytest.raises(SeAmbulanceError, match="nothing for a correction to publish"):
        cmd.make_edition(
            mirror=small_project["mirror"], correction="Fixes a typo", build=build, progress=lambda m: None
        )
    (root / "book" / "glossary.md").write_text("# Glossary\n\nFixed.\n", encoding="utf-8")
    third = cmd.make_edition(
        mirror=small_project["mirror"],
        correction="Fixes the glossary.",
        tests="smoke",
        build=build,
        progress=lambda m: None,
        today=dt.date(2026, 12, 8),
    )
    assert (third.edition, third.version) == (3, "2026.12.2")
    ed = E.load_editions()[-1]
    assert ed.corrects == "Fixes the glossary." and ed.changes.data_changed == [] and ed.changes.code_changed
    assert "**Correction.** Fixes the glossary." in (root / "CHANGELOG.md").read_text(encoding="utf-8")


def test_an_edition_refuses_uncommitted_changes(tmp_path):
    from se_ambulance.pipeline.edition import check_clean

    assert check_clean(tmp_path) is None  # not a git checkout: nothing to name
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    subprocess.run(["git", "add", "a.txt"], cwd=tmp_path, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "a"], cwd=tmp_path, check=True, env=env)
    assert len(check_clean(tmp_path)) == 40
    (tmp_path / "a.txt").write_text("b", encoding="utf-8")
    with pytest.raises(SeAmbulanceError, match="uncommitted changes .*a.txt"):
        check_clean(tmp_path)


def test_make_edition_and_the_scheduled_workflow_run_the_same_command():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\nedition: browser-deps data\n\t$(BIN)/se-ambulance edition $(EDITION_ARGS)\n" in makefile
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "edition.yml").read_text(encoding="utf-8"))
    steps = [s.get("run", "") for job in workflow["jobs"].values() for s in job["steps"]]
    assert any(s.strip().startswith("make edition") for s in steps)
    assert not any("--tests" in s for s in steps)  # the workflow runs the full tests
    on = workflow.get("on", workflow.get(True))
    assert "schedule" in on and "workflow_dispatch" in on


# --- end to end, in a copy of the project ------------------------------------------------------------------------------

_COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "_build",
    "cache",
    "raw",
    "node_modules",
    "test-artifacts",
    ".pytest_cache",
    "__pycache__",
    "scenarios",
    "*.egg-info",
)


@pytest.mark.book
@pytest.mark.xdist_group("edition-end-to-end")
def test_se_ambulance_edition_end_to_end_offline_with_a_mirror(tmp_path):
    """The command the scheduled workflow runs, in a temporary copy of this project (committed to its own git
    repository) whose manifest is rewound to the March 2026 release and whose record holds edition 1, with the real
    mirror. To stay affordable the copy's book is its sources page and its editions page (one chapter and the site)
    and the tests step is `--tests smoke` (this file's record checks); the update, the record with its real verdicts,
    the canonical build, the stamp on the built pages, the CHANGELOG and the second, nothing-to-publish run are the
    real ones."""
    from se_ambulance.data.fetch import mirror_dir

    mirror = mirror_dir()
    if mirror is None:
        pytest.fail("set SE_AMBULANCE_DATA_MIRROR (the README's first command): this test adopts a real release")
    copy = tmp_path / "book"
    shutil.copytree(ROOT, copy, ignore=_COPY_IGNORE)
    (copy / "data" / "manifest.yaml").write_text(
        _march_manifest((ROOT / "data" / "manifest.yaml").read_text(encoding="utf-8")), encoding="utf-8"
    )
    for p in (copy / "editions").glob("edition-*.yaml"):
        if p.name != "edition-1.yaml":
            p.unlink()
    first = E.load_editions(copy)
    (copy / E.GENERATED_PAGE).write_text(T.editions_page(first), encoding="utf-8")
    (copy / "CHANGELOG.md").write_text(T.changelog(first), encoding="utf-8")
    (copy / "_toc.yml").write_text(
        "format: jb-book\nroot: notebooks/07_sources\nchapters:\n  - file: book/editions\n", encoding="utf-8"
    )
    env = {
        **os.environ,
        "SE_AMBULANCE_HOME": str(copy),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    env.pop("SE_AMBULANCE_DATA_MIRROR", None)  # the mirror is given on the command line, as documented
    for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "copy"]):
        subprocess.run(cmd, cwd=copy, check=True, env=env)
    se = [sys.executable, "-m", "se_ambulance.pipeline.cli"]
    run = subprocess.run(
        [*se, "edition", "--mirror", str(mirror), "--tests", "smoke"], cwd=copy, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-3000:]
    [one, two] = E.load_editions(copy)
    assert two.data["ambsys"].file == APRIL and two.changes.months_added == ["2026-04"]
    assert two.code.commit == _git("rev-parse", "HEAD", cwd=copy).strip()
    assert two.verdicts.evaluation and set(one.verdicts.claims) <= set(two.verdicts.claims)  # claims may be added
    assert "passed" in run.stdout  # the smoke tests ran, in the copy
    page = (copy / "_build" / "html" / "notebooks" / "07_sources.html").read_text(encoding="utf-8")
    from se_ambulance.publish.format import day_label

    assert f"{two.label}, {day_label(two.date)} · AmbSYS data to April 2026" in page  # the footer's stamp
    assert "NHS England&#x27;s next AmbSYS release is expected on Thursday" in page
    assert "AmbSYS-to-Apr-2026-QWZX3.csv" in page  # the sources page was rebuilt with the new pin
    assert "## " + T.heading(two) in (copy / "CHANGELOG.md").read_text(encoding="utf-8")
    cff = (copy / "CITATION.cff").read_text(encoding="utf-8")  # the citation names the new edition
    assert f"version: {two.version}\n" in cff and f"date-released: '{two.date}'" in cff
    # Committed, and run again: nothing newer in the mirror, so nothing to publish and nothing changes.
    for cmd in (["git", "add", "-A"], ["git", "commit", "-q", "-m", "edition 2"]):
        subprocess.run(cmd, cwd=copy, check=True, env=env)
    again = subprocess.run(
        [*se, "edition", "--mirror", str(mirror), "--tests", "smoke"], cwd=copy, env=env, capture_output=True, text=True
    )
    assert again.returncode == 0 and "Nothing to publish" in again.stdout, again.stderr[-2000:]
    assert _git("status", "--porcelain", "--untracked-files=no", cwd=copy) == ""


def test_a_book_in_an_output_folder_is_a_scenario_and_the_mark_is_the_build_s(tmp_path):
    from se_ambulance.pipeline.outputs import STAMP, prepare_output_folder
    from se_ambulance.publish.sphinx_ext import _OUTPUT_MARK, is_scenario

    assert _OUTPUT_MARK == STAMP
    assert not is_scenario(tmp_path)
    out = prepare_output_folder(tmp_path / "scenario", ROOT, kind="scenario book")
    assert is_scenario(out)
