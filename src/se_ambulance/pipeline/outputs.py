"""Output folders: which folders a build may write, the stamp that marks them, a lock, file modes.

A build never writes into the project's own folders, the data mirror, or a folder that holds a
user's files. A folder it created carries a stamp file (`.se-ambulance-output`); a later build may
reuse a stamped folder (or an empty or new one) and nothing else. One build at a time writes a
folder: a lock file inside it (`flock`, released by the kernel when the process dies, even on
`kill -9`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from se_ambulance.errors import BuildError

STAMP = ".se-ambulance-output"
LOCK = ".se-ambulance.lock"
LEGACY_MARKERS = (".chapter-keys.json",)  # outputs written before stamps existed
# Folders of the project a build must never write into (nor any folder inside them).
PROTECTED = (
    "notebooks",
    "book",
    "data",
    "src",
    "params",
    "seeds",
    "tests",
    "benchmarks",
    ".git",
    ".venv",
    ".ci",
    "_static",
)

_umask_lock = threading.Lock()


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _umask_lock:  # elsewhere: set and restore (briefly process-wide, so serialised)
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def default_file_mode() -> int:
    """The mode `open()` would give a new file: 0o666 less the umask."""
    return 0o666 & ~current_umask()


def apply_default_mode(path: str | os.PathLike) -> None:
    """Give a file made by `tempfile.mkstemp` (always 0600) the mode a normal write would give it."""
    os.chmod(path, default_file_mode())


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _mirror_folders(mirror: str | os.PathLike | None) -> list[Path]:
    """Every folder the mirror setting could mean (a relative path read from the current folder and from the project
    root, as fetch reads it), so a build run from a subfolder never takes the mirror for an output folder."""
    from se_ambulance.data.fetch import mirror_folders

    return mirror_folders(mirror)


def check_output_folder(out: str | os.PathLike, root: Path, mirror: str | os.PathLike | None = None) -> Path:
    """The resolved folder `out`, if a build may write it; otherwise a BuildError saying why.

    Refused: "" (no folder named), the project itself or a folder that contains it, the project's own
    folders (notebooks/, book/, data/, src/, ...), the data mirror, a file, and any non-empty folder
    that is not an earlier output of this tool.
    """
    if str(out).strip() == "":
        raise BuildError(
            "--out was given an empty folder name; name a new or empty folder, e.g. --out _build/scenarios/mine."
        )
    path = Path(out).expanduser().resolve()
    root = root.resolve()
    hint = "Choose a new or empty folder, e.g. --out _build/scenarios/mine."
    if root == path or path in root.parents:
        raise BuildError(
            f"The output folder {path} is {'the project itself' if root == path else 'a folder that contains the project'}; "
            f"a build would overwrite the book's own files. {hint}"
        )
    for name in PROTECTED:
        if _inside(path, root / name):
            raise BuildError(
                f"The output folder {path} is inside the project's {name}/ folder, which a build "
                f"must not overwrite. {hint}"
            )
    for m in _mirror_folders(mirror):
        if _inside(path, m) or m in path.parents or path in m.parents:
            raise BuildError(
                f"The output folder {path} overlaps the data mirror {m}, which a build must not write. {hint}"
            )
    if path.exists() and not path.is_dir():
        raise BuildError(
            f"The output folder {path} cannot be written (it is a file, not a folder). Choose another with --out."
        )
    if path.is_dir() and not (path / STAMP).is_file():
        try:
            entries = sorted(p.name for p in path.iterdir())
        except OSError as e:
            raise BuildError(
                f"The output folder {path} cannot be written ({e.strerror}). Choose another with --out."
            ) from e
        if entries and not any(m in entries for m in LEGACY_MARKERS):
            shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
            raise BuildError(
                f"The output folder {path} already holds files that se-ambulance did not write "
                f"({shown}); it never overwrites a folder it did not create. {hint}"
            )
    return path


def prepare_output_folder(
    out: str | os.PathLike, root: Path, mirror: str | os.PathLike | None = None, kind: str = "book"
) -> Path:
    """Check `out` (see check_output_folder), create it and stamp it as this tool's output."""
    path = check_output_folder(out, root, mirror)
    try:
        path.mkdir(parents=True, exist_ok=True)
        stamp = path / STAMP
        if not stamp.is_file():
            stamp.write_text(
                json.dumps({"tool": "se-ambulance", "kind": kind, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")})
                + "\n",
                encoding="utf-8",
            )
    except OSError as e:
        raise BuildError(
            f"The output folder {path} cannot be written ({e.strerror}). Choose another with --out."
        ) from e
    return path


@contextlib.contextmanager
def folder_lock(folder: Path, what: str | None = None) -> Iterator[Path]:
    """Hold an exclusive lock on `folder` (a lock file inside it) for the duration of a build."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            try:
                holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            except OSError:
                holder = ""
            raise BuildError(
                f"Another se-ambulance build{' (process ' + holder + ')' if holder.isdigit() else ''} "
                f"is writing {what or folder}; wait for it to finish, or write elsewhere with --out."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing releases the lock


_held = threading.local()


def releases_locks(fn):
    """Decorator: every lock taken with hold_lock() during a call is released when the call ends."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        previous = getattr(_held, "stack", None)
        with contextlib.ExitStack() as stack:
            _held.stack = stack
            try:
                return fn(*args, **kwargs)
            finally:
                _held.stack = previous

    return wrapper


def hold_lock(folder: Path, what: str | None = None) -> Path:
    """Take folder_lock(folder) until the enclosing @releases_locks call returns."""
    stack = getattr(_held, "stack", None)
    if stack is None:
        raise RuntimeError("hold_lock() is called only inside a function decorated with @releases_locks")
    return stack.enter_context(folder_lock(folder, what))


__all__ = [
    "LOCK",
    "STAMP",
    "apply_default_mode",
    "check_output_folder",
    "current_umask",
    "default_file_mode",
    "folder_lock",
    "hold_lock",
    "prepare_output_folder",
    "releases_locks",
]
