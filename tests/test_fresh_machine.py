"""A newcomer's machine: the README's commands are what CI runs (`.ci/run`, in a fresh clone at a path with
spaces and non-ASCII letters), and a relative data mirror means the same folder to every process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from se_ambulance.data.fetch import MIRROR_ENV, mirror_dir, pin_mirror_env
from se_ambulance.pipeline import outputs
from se_ambulance.pipeline.cli import main

from .support import readme
from .support.builders import ROOT


# --- the README's commands --------------------------------------------------------------------------------


def test_ci_runs_the_readme_commands_a_reader_sees():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.two_commands_block(text)
    assert readme.commands(block) == ["export SE_AMBULANCE_DATA_MIRROR=../shared/data", "make book", "make test"]
    assert f"{readme.SECTION}\n\n```bash\n{block}```" in text  # the block right under the heading, whole
    printed = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "support" / "readme.py")], capture_output=True, text=True, check=True
    ).stdout
    assert printed == block
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "commands=$(python3 tests/support/readme.py README.md)" in ci and 'bash -e -o pipefail -c "$commands"' in ci


def test_ci_clones_into_a_path_with_spaces_and_non_ascii_letters():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert (
        ci.index("make --no-print-directory lint")
        < ci.index("make --no-print-directory typecheck")
        < ci.index("git clone")
    )  # the gates first
    folders = [
        line.split("=", 1)[1].split("#")[0].strip().strip('"')
        for line in ci.splitlines()
        if line.startswith(("parent=", "clone="))
    ]
    assert len(folders) == 2
    for folder in folders:
        name = folder.rsplit("/", 1)[1]
        assert " " in name and not name.isascii(), folder


@pytest.mark.parametrize(
    "text, message",
    [
        ("# Title\n\nno section\n", "has no section '## The two commands'"),
        ("# T\n\n## The two commands\n\nText.\n\n## Next\n\n```bash\nmake x\n```\n", "has no ```bash code block"),
    ],
)
def test_a_readme_without_the_block_is_named(text, message):
    with pytest.raises(ValueError, match=message):
        readme.two_commands_block(text)


# --- one data mirror for every process ----------------------------------------------------------------------


@pytest.fixture
def mirror_beside(tmp_path, monkeypatch):
    """A folder `shared/data` beside a working folder `work`, as ../shared/data beside a clone."""
    data = tmp_path / "shared" / "data"
    data.mkdir(parents=True)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv(MIRROR_ENV, "../shared/data")
    return data


def test_a_relative_mirror_is_resolved_where_it_was_given_and_passed_on_absolute(mirror_beside, tmp_path):
    assert pin_mirror_env() == mirror_beside.resolve()
    assert os.environ[MIRROR_ENV] == str(mirror_beside.resolve())
    # a process started elsewhere (a kernel in notebooks/, a pytest worker) reads the same folder
    elsewhere = tmp_path / "work" / "notebooks"
    elsewhere.mkdir()
    seen = subprocess.run(
        [sys.executable, "-c", "from se_ambulance.data.fetch import mirror_dir; print(mirror_dir())"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ},
    ).stdout
    assert seen.strip() == str(mirror_beside.resolve())


def test_the_command_resolves_the_mirror_before_anything_runs(mirror_beside, capsys):
    assert main(["params"]) == 0
    capsys.readouterr()
    assert os.environ[MIRROR_ENV] == str(mirror_beside.resolve())


def test_a_mirror_that_names_no_folder_is_left_for_the_fetch_to_explain(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(MIRROR_ENV, "no/such/folder")
    assert pin_mirror_env() is None and os.environ[MIRROR_ENV] == "no/such/folder"
    with pytest.raises(Exception, match="does not exist or is not a folder"):
        mirror_dir()


def test_an_output_folder_is_checked_against_the_mirror_the_fetch_reads(mirror_beside, tmp_path):
    """A relative mirror that exists only against the project root is the same folder for both checks."""
    with pytest.raises(Exception, match="overlaps the data mirror"):
        outputs.check_output_folder(mirror_beside / "out", ROOT)
    assert mirror_dir() in outputs._mirror_folders(None)


def test_the_tests_read_the_mirror_as_an_absolute_path():
    from .support.builders import data_mirror

    assert data_mirror().is_absolute()
    if os.environ.get(MIRROR_ENV):
        assert Path(os.environ[MIRROR_ENV]).is_absolute()  # conftest.pytest_configure resolved it once


@pytest.mark.parametrize("given", ["relative", "absolute with spaces", "missing"])
def test_make_passes_the_mirror_on_absolute(tmp_path, given):
    """make resolves a relative mirror against the folder it runs in, keeps an absolute one (spaces and all) and
    passes a missing one on as given, for mirror_dir() to explain."""
    mirror = tmp_path / "Données partagées" / "data"
    mirror.mkdir(parents=True)
    value = {
        "relative": os.path.relpath(mirror, ROOT),
        "absolute with spaces": str(mirror),
        "missing": "../no such folder",
    }[given]
    show = '_show_mirror: ; @printf "%s\\n" "$$SE_AMBULANCE_DATA_MIRROR"'
    seen = subprocess.run(
        ["make", "-s", "--no-print-directory", f"--eval={show}", "_show_mirror"],
        cwd=ROOT,
        env={**os.environ, MIRROR_ENV: value},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert seen.rstrip("\n") == (value if given == "missing" else str(mirror))
