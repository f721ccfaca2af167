"""Executed chapters shared by every build in this checkout, addressed by chapter key.

A chapter's key (`build.chapter_key`) covers everything its outputs depend on: its cells, the parameter
areas it declares, the package's code, the pinned data and the claims register. Two builds that give a
chapter the same key produce the same bytes (the byte-identical rerun test proves it for the canonical
book), so a chapter executed once — for the canonical book, a scenario, another trust, a test — is
copied, not executed again, by any later build. A trust-only change re-executes only the chapters that
declare the `focus` area; an appraisal scenario only the appraisal and the pages that show its claims.

Entries are written atomically; one that cannot be read as a notebook is removed and executed again.
`--force` bypasses the store. The store keeps the most recently used entries (`KEEP`). It lives in
`_build/chapter-store/`, or where `SE_AMBULANCE_CHAPTER_STORE` points (tests use their own).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from se_ambulance.paths import project_root

KEEP = 400  # entries; a whole book is ten, so many scenarios and trusts stay warm


class ChapterStore:
    def __init__(self, folder: Path | None = None):
        env = os.environ.get("SE_AMBULANCE_CHAPTER_STORE")
        self.folder = folder or (Path(env) if env else project_root() / "_build" / "chapter-store")

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.ipynb"

    def get(self, key: str) -> Path | None:
        """The stored notebook for this key, or None. A damaged entry is dropped (and so re-executed)."""
        path = self._path(key)
        if not path.is_file():
            return None
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(nb, dict) or "cells" not in nb:
                raise ValueError("not a notebook")
        except (OSError, ValueError, UnicodeDecodeError):
            path.unlink(missing_ok=True)
            return None
        os.utime(path)  # recently used: kept by prune()
        return path

    def put(self, key: str, notebook: Path) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{key}.{os.getpid()}.tmp"
        try:
            shutil.copyfile(notebook, tmp)
            os.replace(tmp, self._path(key))
        finally:
            tmp.unlink(missing_ok=True)
        self.prune()

    def prune(self, keep: int = KEEP) -> None:
        entries = sorted(self.folder.glob("*.ipynb"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[keep:]:
            old.unlink(missing_ok=True)


__all__ = ["ChapterStore", "KEEP"]
