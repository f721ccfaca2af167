"""Execute into a staging folder; replace the outputs only when every chapter succeeded.

Chapters are executed into `<workspace>/.staging/run-<pid>/` (for the canonical book the workspace
is `_build/`, so no temporary file is ever made inside `notebooks/`). When all of them have finished,
each staged notebook is moved over its target with `os.replace` — a rename within one file system,
so a reader (or nbval) sees either the old notebook or the new one, never half of one. A failed,
interrupted or killed build leaves the targets exactly as they were; a later build removes the
staging folders of processes that no longer run.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from se_ambulance.pipeline.outputs import apply_default_mode

STAGING = ".staging"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(workspace: Path) -> None:
    """Remove staging folders left by builds that were killed (their process no longer runs)."""
    base = workspace / STAGING
    if not base.is_dir():
        return
    for d in base.iterdir():
        pid = d.name.removeprefix("run-")
        if d.is_dir() and (not pid.isdigit() or not _alive(int(pid)) or int(pid) == os.getpid()):
            shutil.rmtree(d, ignore_errors=True)
        elif not d.is_dir():
            d.unlink(missing_ok=True)


def clean_stale_temps(folder: Path) -> list[Path]:
    """Hidden `.NAME.XXXX.ipynb` temporary files that older versions made next to the notebooks and left
    behind when killed (zero-byte ones break nbval). Only hidden regular files ending in .ipynb."""
    removed = []
    if folder.is_dir():
        for p in folder.glob(".*.ipynb"):
            if p.is_file() and not p.is_symlink():
                p.unlink(missing_ok=True)
                removed.append(p)
    return removed


def new_staging(workspace: Path) -> Path:
    """A fresh staging folder for this process."""
    clean_stale(workspace)
    d = workspace / STAGING / f"run-{os.getpid()}"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    return d


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.parent.rmdir()  # only if empty
    except OSError:
        pass


def _replace(src: Path, dest: Path) -> None:
    try:
        os.replace(src, dest)
    except OSError as e:
        if e.errno != errno.EXDEV:
            raise
        # Staging on another file system: copy beside the target first, then rename there.
        tmp = dest.with_name(f".{dest.name}.promote")
        try:
            shutil.copyfile(src, tmp)
            apply_default_mode(tmp)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
        src.unlink(missing_ok=True)


def promote(pairs: list[tuple[Path, Path]]) -> None:
    """Move every staged file over its target. Call only when every chapter succeeded."""
    missing = [str(s) for s, _ in pairs if not s.is_file()]
    if missing:  # never promote a partial set
        raise FileNotFoundError(errno.ENOENT, "staged outputs are missing", ", ".join(missing))
    for _, dest in pairs:
        dest.parent.mkdir(parents=True, exist_ok=True)
    for src, dest in pairs:
        _replace(src, dest)


__all__ = ["STAGING", "clean_stale", "clean_stale_temps", "discard", "new_staging", "promote"]
