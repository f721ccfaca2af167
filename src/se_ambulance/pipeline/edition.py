"""`se-ambulance edition` (and `make edition`): one command makes a new edition of the book.

Steps, in order: (1) update: adopt the newest AmbSYS release offered (mirror, --file, or the official page), checked
as a release first; (2) decide: a new edition is made when the data differ from the latest edition's, or, with
--correction, when only the code does (a correction says what it corrects); otherwise there is nothing to publish
and nothing changes; (3) record the edition (`editions/edition-N.yaml`, with its verdicts and what moved them) and
write the editions page and the release note (CHANGELOG.md) from the record, so that the site and the tests see
them; (4) the canonical build (every chapter and the site, whose pages then carry the new edition's stamp); (5) the
tests; (6) the PDF. The record, page and release note are kept only when every step has succeeded.

If any step fails, or the command is interrupted, everything it changed is put back: the manifest, the raw file it
installed, the chapters in notebooks/, the edition file, the editions page, the CHANGELOG and the previous site in
_build/html. One edition at a time (a lock). A `kill -9` cannot be cleaned up after; `git status` then shows what it
changed, and `git checkout -- data/manifest.yaml notebooks CHANGELOG.md book/editions.md` with the new
`editions/edition-N.yaml` deleted puts it back.

The tests step runs `make test` (the full CI gate) by default; `--tests fast` runs `make test-fast`, and `--tests
smoke` runs only the editions record's own tests (tests/test_editions.py, not slow), which is what the end-to-end test
of this command uses in a temporary copy of the project (the scheduled workflow never does).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from se_ambulance.data.editions import (
    GENERATED_PAGE,
    code_digest,
    current_pins,
    edition_path,
    load_editions,
    write_edition,
)
from se_ambulance.errors import BuildError, SeAmbulanceError
from se_ambulance.paths import project_root
from se_ambulance.pipeline import outputs

TEST_TIERS: dict[str, list[str]] = {
    "full": ["make", "test"],
    "fast": ["make", "test-fast"],
    # The editions record's own checks, on the record the command has just written (for the end-to-end test).
    "smoke": [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        *(
            f"tests/test_editions.py::{t}"
            for t in (
                "test_the_record_is_a_chain_of_editions_numbered_from_one",
                "test_a_published_edition_file_never_changes_and_is_never_removed",
                "test_the_page_and_the_changelog_are_exactly_what_the_record_gives",
                "test_each_edition_records_every_dataset_and_says_what_changed_since_the_one_before",
            )
        ),
    ],
}
RESULT = Path("_build") / "edition" / "last.json"  # what the last run did, for the scheduled workflow to read


def log(msg: str) -> None:
    print(f"[se-ambulance edition] {msg}", file=sys.stderr, flush=True)


@dataclass
class EditionResult:
    status: str  # 'published' or 'nothing to publish'
    message: str
    edition: int | None = None
    version: str | None = None
    files: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per step, and 'site' (from the start to a built site)


class Snapshot:
    """Everything the command may change, as it was, so that a failed edition changes nothing."""

    def __init__(self, root: Path):
        self.root = root
        self.files: dict[Path, bytes | None] = {}
        for p in [
            root / "data" / "manifest.yaml",
            root / "CHANGELOG.md",
            root / "CITATION.cff",
            root / GENERATED_PAGE,
            *sorted((root / "notebooks").glob("*.ipynb")),
        ]:
            self.files[p] = p.read_bytes() if p.is_file() else None
        folder = root / "editions"
        self.editions = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
        raw = root / "data" / "raw"
        self.raw = {p.name for p in raw.iterdir()} if raw.is_dir() else set()
        self.site = root / "_build" / "html"
        self.site_aside = root / "_build" / "edition" / "previous-html"

    def set_site_aside(self) -> None:
        """Move the current site out of the way (a rename), so a failed edition can put it back whole."""
        shutil.rmtree(self.site_aside, ignore_errors=True)
        if self.site.is_dir():
            self.site_aside.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.site, self.site_aside)

    def restore(self) -> None:
        for p, data in self.files.items():
            if data is None:
                p.unlink(missing_ok=True)
            elif not p.is_file() or p.read_bytes() != data:
                tmp = p.with_name(f".{p.name}.restore")
                tmp.write_bytes(data)
                os.replace(tmp, p)
        folder = self.root / "editions"
        if folder.is_dir():
            for p in folder.iterdir():
                if p.name not in self.editions:
                    p.unlink()
        raw = self.root / "data" / "raw"
        if raw.is_dir():
            for p in raw.iterdir():
                if p.name not in self.raw and p.is_file():
                    p.unlink()
        if self.site_aside.is_dir():
            shutil.rmtree(self.site, ignore_errors=True)
            os.replace(self.site_aside, self.site)

    def discard(self) -> None:
        shutil.rmtree(self.site_aside, ignore_errors=True)


def pdf_step(root: Path, html: Path) -> Path | None:
    """The PDF edition of the new edition: the whole book and the two-page briefing (`pipeline.pdf`). The build step
    printed them, so that every page's footer links them; this step checks they are there, and prints them again if
    not (an interrupted print, a site from the cache). Without Chromium the edition stops: a PDF is part of it."""
    from se_ambulance.pipeline.pdf import make_pdfs, pdfs_present
    from se_ambulance.publish.sphinx_ext import BOOK_PDF, PDF_FOLDER

    if not pdfs_present(html):
        make_pdfs(html, root, log=log)
    return html / PDF_FOLDER / BOOK_PDF


def build_book(mirror: str | os.PathLike | None) -> Path:
    """The canonical build (every chapter, then the site with the links to its PDF edition, then the PDFs)."""
    from se_ambulance.pipeline.build import build

    return build(mirror=mirror, pdf="yes").html


def run_tests(tier: str, root: Path) -> None:
    cmd = TEST_TIERS[tier]
    log(f"tests ({tier}): {' '.join(cmd)}")
    proc = subprocess.run(cmd, cwd=root)
    if proc.returncode != 0:
        raise BuildError(
            f"The tests failed ({' '.join(cmd)} exited with {proc.returncode}); the edition was not "
            "published and everything was put back as it was."
        )


def _git(root: Path, *args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def check_clean(root: Path) -> str | None:
    """The commit the edition is built from; refuses a checkout with uncommitted changes to tracked files (the
    edition names its code by its commit). None outside a git checkout."""
    commit = _git(root, "rev-parse", "HEAD")
    if commit is None:
        return None
    dirty = _git(root, "status", "--porcelain", "--untracked-files=no")
    if dirty:
        shown = "; ".join(dirty.splitlines()[:5])
        raise SeAmbulanceError(
            f"The checkout has uncommitted changes ({shown}): an edition names its code by its git "
            "commit, so commit (or stash) them first, then run the edition again."
        )
    return commit


def make_edition(
    mirror: str | os.PathLike | None = None,
    file: str | os.PathLike | None = None,
    provenance: str | None = None,
    correction: str | None = None,
    tests: str = "full",
    today: dt.date | None = None,
    build: Callable[[str | os.PathLike | None], Path] = build_book,
    progress: Callable[[str], None] = log,
) -> EditionResult:
    """Make a new edition (see the module's docstring); returns what was done."""
    from se_ambulance.data.fetch import fetch, update
    from se_ambulance.pipeline.edition_record import new_edition
    from se_ambulance.publish.editions_text import changelog, editions_page
    from se_ambulance.publish.citation import cff_text
    from se_ambulance.publish.stamp import current_stamp

    if tests not in TEST_TIERS:
        raise SeAmbulanceError(f"--tests must be one of {', '.join(TEST_TIERS)}; got {tests!r}.")
    if correction is not None and not correction.strip():
        raise SeAmbulanceError("--correction needs the words saying what the edition corrects.")
    root = project_root()
    start = time.perf_counter()
    seconds: dict[str, float] = {}

    def step(name: str, t0: float) -> None:
        seconds[name] = round(time.perf_counter() - t0, 1)
        progress(f"{name}: done in {seconds[name]:.1f} s")

    with outputs.folder_lock(root / "_build" / "edition", "an edition of this book"):
        commit = check_clean(root)
        snap = Snapshot(root)
        try:
            t0 = time.perf_counter()
            adoption = update("ambsys", mirror=mirror, file=file, provenance=provenance, progress=progress)
            fetch(mirror=mirror, progress=progress)  # every pinned file at hand, for the verdicts and the build
            step("update", t0)
            editions = load_editions()
            latest = editions[-1] if editions else None
            pins = {k: v.sha256 for k, v in current_pins().items()}
            data_changed = latest is None or latest.pins() != pins
            code_changed = latest is None or latest.code.digest != code_digest()
            if not data_changed and not (correction and code_changed):
                assert latest is not None  # with no edition yet, the data count as changed
                if correction:
                    raise SeAmbulanceError(
                        f"Nothing changed since {latest.label}: the data and the code are the same, "
                        "so there is nothing for a correction to publish."
                    )
                message = (
                    f"Nothing to publish: no AmbSYS release newer than {latest.label}'s "
                    f"({latest.data['ambsys'].vintage}) was offered"
                    + (
                        "; the code has changed since, which is published as a correction with "
                        "--correction 'what it corrects'."
                        if code_changed
                        else ", and the code is the same."
                    )
                )
                progress(message)
                return _finish(root, EditionResult("nothing to publish", message, seconds=seconds))
            t0 = time.perf_counter()
            edition = new_edition(editions, today or dt.date.today(), commit, correction, progress=progress)
            write_edition(edition)
            # The page and the release note are written with the record, so that the site and the tests see them;
            # like the record, they are kept only if every later step succeeds.
            (root / GENERATED_PAGE).write_text(editions_page([*editions, edition]), encoding="utf-8")
            (root / "CHANGELOG.md").write_text(changelog([*editions, edition]), encoding="utf-8")
            # The citation names the edition now recorded (its version and date), as the stamp gives it.
            (root / "CITATION.cff").write_text(cff_text(current_stamp()), encoding="utf-8")
            step("record", t0)
            progress(f"{edition.label} recorded in {edition_path(edition.edition).relative_to(root)}")
            snap.set_site_aside()
            t0 = time.perf_counter()
            html = build(mirror)
            step("build", t0)
            seconds["site"] = round(time.perf_counter() - start, 1)
            t0 = time.perf_counter()
            run_tests(tests, root)
            step("tests", t0)
            t0 = time.perf_counter()
            pdf = pdf_step(root, html)
            step("pdf", t0)
        except BaseException:
            progress("a step failed or was interrupted: putting everything back as it was")
            snap.restore()
            raise
        snap.discard()
    seconds["total"] = round(time.perf_counter() - start, 1)
    files = [
        "data/manifest.yaml",
        "notebooks/",
        str(edition_path(edition.edition).relative_to(root)),
        GENERATED_PAGE,
        "CHANGELOG.md",
        "CITATION.cff",
        *([str(pdf)] if pdf else []),
    ]
    message = (
        f"{edition.label} of {edition.date} is recorded: {edition.data['ambsys'].vintage}; "
        f"{len(edition.changes.verdicts_moved) if edition.changes else 0} verdict(s) moved. Commit "
        + ", ".join(files)
        + f" (git add -A {' '.join(f for f in files if not f.endswith('.pdf'))})."
    )
    if adoption.adopted:
        message += f" It adopted {adoption.path.name}."
    progress(message)
    return _finish(root, EditionResult("published", message, edition.edition, edition.version, files, seconds))


def _finish(root: Path, result: EditionResult) -> EditionResult:
    path = root / RESULT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(result), indent=1) + "\n", encoding="utf-8")
    return result


__all__ = ["EditionResult", "TEST_TIERS", "make_edition", "pdf_step"]
