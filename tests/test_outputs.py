"""Output folders and committed notebooks: staging and all-or-nothing promotion, no temporary files
in the outputs after a kill, guarded --out folders, one build per folder, files with the user's umask."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from se_ambulance.errors import BuildError
from se_ambulance.pipeline import build as build_mod
from se_ambulance.pipeline import outputs, staging
from se_ambulance.pipeline.cli import main
from se_ambulance.pipeline.params import load_params

from .support.builders import ROOT, write_notebook


def chapter(folder: Path, name: str, *cells: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_notebook(folder / name, 'focus = {"trust": "RYD"}', *cells)


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --- 1. all-or-nothing: a failed chapter replaces no notebook ------------------------------------------


@pytest.mark.slow  # executes notebooks (starts kernels)
def test_a_failed_chapter_replaces_none_of_the_notebooks(tmp_path):
    src = tmp_path / "src"
    ok = [chapter(src, f"0{i}_ok.ipynb", f"print({i})") for i in (1, 2)]
    bad = chapter(src, "00_bad.ipynb", "raise ValueError('boom')")
    out, work = tmp_path / "notebooks", tmp_path / "_build"
    out.mkdir()
    for nb in (bad, *ok):
        (out / nb.name).write_text("committed")
    with pytest.raises(BuildError, match="ValueError: boom"):
        build_mod.run_chapters([bad, *ok], load_params(), out, src, cache_dir=work, force=True)
    assert {p.name: p.read_text() for p in out.iterdir()} == {nb.name: "committed" for nb in (bad, *ok)}
    assert not (work / staging.STAGING).exists()  # the staged chapters were discarded


@pytest.mark.slow  # executes notebooks (starts kernels)
def test_notebooks_are_replaced_together_when_every_chapter_succeeds(tmp_path, monkeypatch):
    src = tmp_path / "src"
    nbs = [chapter(src, f"0{i}_ok.ipynb", f"print({i})") for i in (1, 2)]
    out, work = tmp_path / "notebooks", tmp_path / "_build"
    out.mkdir()
    (out / nbs[0].name).write_text("committed")
    promoted = []
    real = staging.promote
    monkeypatch.setattr(
        staging,
        "promote",
        lambda pairs: (
            promoted.append(
                [
                    (s.parent.parent.name, d.parent.name, s.is_file(), d.is_file() and d.read_text() == "committed")
                    for s, d in pairs
                ]
            )
            or real(pairs)
        ),
    )
    build_mod.run_chapters(nbs, load_params(), out, src, cache_dir=work)
    # both were executed into _build/.staging (never into notebooks/) and only then moved into place
    assert promoted == [[(staging.STAGING, "notebooks", True, True), (staging.STAGING, "notebooks", True, False)]]
    for nb in nbs:
        assert "RYD" in (out / nb.name).read_text()
    assert hidden(out) == [] and not (work / staging.STAGING).exists()


@pytest.mark.slow  # executes notebooks (starts kernels)
def test_stale_temporary_files_and_staging_folders_are_removed(tmp_path):
    src = tmp_path / "src"
    nb = chapter(src, "01_ok.ipynb", "print(1)")
    out, work = tmp_path / "notebooks", tmp_path / "_build"
    out.mkdir()
    (out / ".01_ok.k3j4h5.ipynb").write_bytes(b"")  # left by an older version killed with -9
    dead = work / staging.STAGING / "run-999999999"  # no such process
    dead.mkdir(parents=True)
    (dead / "01_ok.ipynb").write_text("half")
    build_mod.run_chapters([nb], load_params(), out, src, cache_dir=work)
    assert hidden(out) == []
    assert not dead.exists()


# --- 2. kill -9 and SIGTERM --------------------------------------------------------------------------

SLOW_BUILD = """
import sys
from pathlib import Path
from se_ambulance.pipeline import build as build_mod
from se_ambulance.pipeline.cli import main
from se_ambulance.pipeline.params import load_params
from tests.support.builders import write_notebook

tmp = Path(sys.argv[1])
src = tmp / "src"
src.mkdir(exist_ok=True)
nbs = [write_notebook(src / "01_fast.ipynb", 'performance = {}', "print(1)"),
       write_notebook(src / "02_slow.ipynb", 'performance = {}',
                      f"open({str(tmp / 'slow-started')!r}, 'w').close(); import time; time.sleep(20)")]

def fake_build(**kwargs):
    build_mod.run_chapters(nbs, load_params(), tmp / "notebooks", src, cache_dir=tmp / "_build", force=True)

build_mod.build = fake_build
sys.exit(main(["build"]))
"""


def start_slow_build(tmp_path: Path) -> subprocess.Popen:
    (tmp_path / "notebooks").mkdir()
    for name in ("01_fast.ipynb", "02_slow.ipynb"):
        (tmp_path / "notebooks" / name).write_text("committed")
    script = tmp_path / "slow_build.py"
    script.write_text(textwrap.dedent(SLOW_BUILD))
    proc = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        text=True,
    )
    seen = ""
    while "01_fast.ipynb done" not in seen:  # the fast chapter has finished ...
        line = proc.stderr.readline()
        assert line, f"the build ended early: {seen}"
        seen += line
    deadline = time.time() + 30
    while not (tmp_path / "slow-started").exists():  # ... and the slow one's kernel is running its cell
        assert time.time() < deadline and proc.poll() is None, f"the slow chapter never started: {seen}"
        time.sleep(0.05)
    return proc


@pytest.mark.slow  # executes notebooks (starts kernels)
def test_sigterm_stops_the_build_with_a_message_and_changes_nothing(tmp_path):
    proc = start_slow_build(tmp_path)
    t0 = time.time()
    proc.send_signal(signal.SIGTERM)
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == 143, err
    assert "interrupted (SIGTERM)" in err and "Traceback" not in err
    assert time.time() - t0 < 15  # the running kernel is stopped, not waited for (its cell sleeps 20 s)
    notebooks = tmp_path / "notebooks"
    assert {p.name: p.read_text() for p in notebooks.iterdir()} == {
        "01_fast.ipynb": "committed",
        "02_slow.ipynb": "committed",
    }
    assert not (tmp_path / "_build" / staging.STAGING).exists()


@pytest.mark.slow  # executes notebooks (starts kernels)
def test_kill_9_leaves_no_temporary_file_in_the_notebooks_folder(tmp_path):
    proc = start_slow_build(tmp_path)
    proc.kill()
    proc.communicate(timeout=30)
    notebooks = tmp_path / "notebooks"
    assert hidden(notebooks) == []  # the temporary files were in _build/.staging
    assert {p.read_text() for p in notebooks.iterdir()} == {"committed"}
    staging.clean_stale(tmp_path / "_build")  # what the next build does first
    assert list((tmp_path / "_build" / staging.STAGING).iterdir()) == []


# --- 3. --out is guarded -----------------------------------------------------------------------------


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if a build gets as far as fetching data or executing a chapter."""
    calls = []
    monkeypatch.setattr(build_mod, "fetch", lambda *a, **k: calls.append("fetch"))
    monkeypatch.setattr(build_mod, "run_chapters", lambda *a, **k: calls.append("run"))
    monkeypatch.setattr(build_mod, "build_site", lambda *a, **k: calls.append("site"))
    return calls


@pytest.mark.parametrize("command", ["build", "run"])
@pytest.mark.parametrize(
    "out, message",
    [
        ("", "empty folder name"),
        (str(ROOT), "is the project itself"),
        (str(ROOT.parent), "contains the project"),
        (str(ROOT / "notebooks"), "inside the project's notebooks/ folder"),
        (str(ROOT / "book"), "inside the project's book/ folder"),
        (str(ROOT / "data"), "inside the project's data/ folder"),
        (str(ROOT / "data" / "raw" / "x"), "inside the project's data/ folder"),
        (str(ROOT / "src"), "inside the project's src/ folder"),
    ],
)
def test_out_refuses_the_projects_own_folders(command, out, message, no_work, capsys):
    before = sorted(p.name for p in ROOT.iterdir())
    argv = ["build", "--out", out] if command == "build" else ["run", "demand", "--out", out]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert no_work == []
    assert sorted(p.name for p in ROOT.iterdir()) == before


def test_out_refuses_the_data_mirror(tmp_path, monkeypatch, no_work, capsys):
    mirror = tmp_path / "mirror"
    (mirror / "ambsys").mkdir(parents=True)
    monkeypatch.setenv("SE_AMBULANCE_DATA_MIRROR", str(mirror))
    for out in (mirror, mirror / "ambsys", tmp_path):
        assert main(["build", "--out", str(out)]) == 2
        assert "overlaps the data mirror" in capsys.readouterr().err
    assert main(["build", "--mirror", str(tmp_path / "m2"), "--out", str(tmp_path / "m2" / "x")]) == 2
    assert "overlaps the data mirror" in capsys.readouterr().err
    assert no_work == []


def test_out_never_overwrites_a_users_folder(tmp_path, no_work, capsys):
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.docx").write_text("my work")
    assert main(["build", "--out", str(mine)]) == 2
    err = capsys.readouterr().err
    assert "already holds files that se-ambulance did not write (chapter1.docx)" in err
    assert [p.name for p in mine.iterdir()] == ["chapter1.docx"] and no_work == []


def test_out_accepts_a_new_an_empty_or_an_earlier_output_folder(tmp_path, no_work):
    new, empty = tmp_path / "new" / "book", tmp_path / "empty"
    empty.mkdir()
    for out in (new, empty):
        assert outputs.prepare_output_folder(out, ROOT) == out.resolve()
        assert (out / outputs.STAMP).is_file()
    (new / "notebooks").mkdir()
    assert outputs.prepare_output_folder(new, ROOT) == new.resolve()  # stamped: ours to rewrite
    legacy = tmp_path / "legacy"  # written by a version before stamps
    legacy.mkdir()
    (legacy / ".chapter-keys.json").write_text("{}")
    assert outputs.prepare_output_folder(legacy, ROOT) == legacy.resolve()


def test_out_that_is_a_file_is_refused(tmp_path):
    f = tmp_path / "f"
    f.write_text("x")
    with pytest.raises(BuildError, match="cannot be written"):
        outputs.prepare_output_folder(f, ROOT)


# --- 4. one build per folder --------------------------------------------------------------------------


def test_a_second_build_into_the_same_folder_is_refused(tmp_path, no_work, capsys):
    out = tmp_path / "book"
    outputs.prepare_output_folder(out, ROOT)
    with outputs.folder_lock(out):
        assert main(["build", "--set", "focus.trust=RYE", "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert f"Another se-ambulance build (process {os.getpid()}) is writing {out}" in err
        with pytest.raises(BuildError, match="is writing"):
            with outputs.folder_lock(out):
                pass
    assert no_work == []
    with outputs.folder_lock(out):  # released when the first build ends
        pass


def test_the_lock_is_released_when_the_build_fails(tmp_path, monkeypatch, capsys):
    out = tmp_path / "book"
    monkeypatch.setattr(build_mod, "fetch", lambda *a, **k: (_ for _ in ()).throw(BuildError("no data")))
    assert main(["build", "--set", "focus.trust=RYE", "--out", str(out)]) == 2
    assert "no data" in capsys.readouterr().err
    with outputs.folder_lock(out):
        pass


def test_a_lock_held_by_another_process_is_named(tmp_path):
    out = tmp_path / "book"
    out.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from se_ambulance.pipeline.outputs import folder_lock
        with folder_lock(Path({str(out)!r})):
            print("locked", flush=True)
            time.sleep(30)
    """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(BuildError, match=f"process {holder.pid}\\) is writing {out}"):
            with outputs.folder_lock(out):
                pass
    finally:
        holder.kill()
        holder.wait()
    with outputs.folder_lock(out):  # the kernel released it with the process
        pass


# --- 5. the user's umask ------------------------------------------------------------------------------


@pytest.mark.slow  # executes notebooks (starts kernels)
def test_written_notebooks_follow_the_umask(tmp_path):
    """mkstemp makes every file 0600; the notebook, once moved into place, has the mode a plain write gives."""
    old = os.umask(0o027)
    try:
        src = write_notebook(tmp_path / "ch.ipynb", "x = 1", "print(x)")
        out = build_mod.execute_chapter(src, tmp_path / "out.ipynb", {"x": 2}, cwd=tmp_path)
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_the_umask_is_read_and_applied(tmp_path, umask):
    old = os.umask(umask)
    try:
        assert outputs.current_umask() == umask
        stamp = outputs.prepare_output_folder(tmp_path / "book", ROOT) / outputs.STAMP
        made = tmp_path / "made"
        made.touch(mode=0o600)
        outputs.apply_default_mode(made)
    finally:
        os.umask(old)
    for f in (stamp, made):
        assert f.stat().st_mode & 0o777 == 0o666 & ~umask, f


def test_promotion_across_file_systems_still_replaces_and_keeps_modes(tmp_path, monkeypatch):
    import errno

    src, dest = tmp_path / "s.ipynb", tmp_path / "d" / "d.ipynb"
    src.write_text("new")
    dest.parent.mkdir()
    dest.write_text("old")
    real = os.replace

    def exdev_once(a, b):
        if Path(a) == src:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real(a, b)

    monkeypatch.setattr(staging.os, "replace", exdev_once)
    staging.promote([(src, dest)])
    assert dest.read_text() == "new" and not src.exists() and hidden(dest.parent) == []
    assert dest.stat().st_mode & 0o777 == outputs.default_file_mode()


def test_promotion_refuses_a_partial_set(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_text("new")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a").write_text("old")
    with pytest.raises(FileNotFoundError):
        staging.promote([(a, tmp_path / "out" / "a"), (b, tmp_path / "out" / "b")])
    assert (tmp_path / "out" / "a").read_text() == "old"


# --- 8. every chapter runs alone ----------------------------------------------------------------------


def test_the_one_chapter_site_has_the_pages_its_citations_need():
    for nb in build_mod.chapter_notebooks(ROOT):
        toc = build_mod.one_chapter_toc(nb, ROOT)
        assert toc["root"] == f"notebooks/{nb.stem}"
        files = [c["file"] for c in toc.get("chapters", [])]
        if "{cite" in nb.read_text(encoding="utf-8"):
            assert "book/references" in files, nb.name


@pytest.mark.book
def test_a_chapter_with_citations_runs_alone(tmp_path):
    """One end to end (the test above checks every chapter's one-page table of contents)."""
    name = "introduction"
    out = tmp_path / name
    assert main(["run", name, "--out", str(out)]) == 0
    html = out / "_build" / "html"
    page = next((html / "notebooks").glob(f"*{name}.html")).read_text(encoding="utf-8")
    assert "references.html#id" in page or "book/references.html" in page
    assert (html / "book" / "references.html").is_file()
    assert json.loads(next((out / "notebooks").glob(f"*{name}.ipynb")).read_text())["cells"]
