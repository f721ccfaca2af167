"""Every path is built from the project root, never from the working folder."""

from __future__ import annotations

import os
from pathlib import Path

from se_ambulance.errors import SeAmbulanceError

_MARKER = Path("data") / "manifest.yaml"


def project_root() -> Path:
    """The checkout that holds `data/manifest.yaml`.

    `SE_AMBULANCE_HOME` wins; otherwise the folder above `src/` (editable install), then
    the working folder and its parents (a notebook run from `notebooks/`).
    """
    env = os.environ.get("SE_AMBULANCE_HOME")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[2])
    cwd = Path.cwd().resolve()
    candidates.extend([cwd, *cwd.parents])
    for c in candidates:
        if (c / _MARKER).is_file():
            return c
    raise SeAmbulanceError(
        "Cannot find the project root (a folder with data/manifest.yaml). "
        "Run from inside the checkout or set SE_AMBULANCE_HOME to it."
    )


def package_digest(package: Path | None = None) -> str:
    """sha256 of every Python file of the package (names and contents, in a fixed order). Cached results
    (chapters, claims) key on it: a change anywhere, analysis or claims or publish, can change what a
    chapter shows."""
    import hashlib

    package = package or Path(__file__).resolve().parent
    h = hashlib.sha256()
    for f in sorted(package.rglob("*.py")):
        h.update(f.relative_to(package).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def raw_dir() -> Path:
    return project_root() / "data" / "raw"


def cache_dir() -> Path:
    return project_root() / "data" / "cache"
