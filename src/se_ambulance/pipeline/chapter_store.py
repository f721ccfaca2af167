"""Executed chapters shared by every build in this checkout, addressed by chapter key.

A chapter's key (`build.chapter_key`) covers everything its outputs depend on: its cells, the parameter
areas it declares, the modules it imports, the pinned datasets it reads, the project files its code names and
the results of the claims it shows (see inputs.py). Two builds that give a
chapter the same key produce the same bytes (the byte-identical rerun test proves it for the canonical
book), so a chapter executed once — for the canonical book, a scenario, another trust, a test — is
copied, not executed again, by any later build. A trust-only change re-executes only the chapters that
declare the `focus` area; an appraisal scenario only the appraisal and the pages that show its claims.

Entries are written atomically; one that cannot be read as a notebook is removed and executed again.
`--force` bypasses the store. The store keeps the most recently used entries (`KEEP`). It lives in
`_build/chapter-store/`, or where `SE_AMBULANCE_CHAPTER_STORE` points (tests use their own).

Beside the chapters it keeps two small records: the claims register's result digests for each set of register
inputs (`memo`, so that a build whose register inputs did not change knows them without computing anything), and
how long each chapter last took to execute (`seconds`, so that the longest chapters start first).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

from se_ambulance.paths import project_root

KEEP = 400  # entries; a whole book is ten, so many scenarios and trusts stay warm
KEEP_MEMOS = 50
TIMES = "seconds.json"
_times_lock = threading.Lock()


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
        for pattern, n in (("*.ipynb", keep), ("memo-*.json", KEEP_MEMOS)):
            entries = sorted(self.folder.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in entries[n:]:
                old.unlink(missing_ok=True)

    def _write_json(self, path: Path, value: object) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            tmp.write_text(json.dumps(value, sort_keys=True), encoding="utf-8")
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)

    def memo(self, key: str) -> dict | None:
        """A value recorded under `key` (a dict), or None."""
        try:
            value = json.loads((self.folder / f"memo-{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        return value if isinstance(value, dict) else None

    def put_memo(self, key: str, value: dict) -> None:
        self._write_json(self.folder / f"memo-{key}.json", value)
        self.prune()

    def seconds(self) -> dict[str, float]:
        """How long each chapter (by notebook name) last took to execute."""
        try:
            value = json.loads((self.folder / TIMES).read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return {}
        return {k: v for k, v in value.items() if isinstance(v, (int, float))} if isinstance(value, dict) else {}

    def record_seconds(self, name: str, seconds: float) -> None:
        with _times_lock:
            times = self.seconds()
            times[name] = round(seconds, 2)
            self._write_json(self.folder / TIMES, times)


__all__ = ["ChapterStore", "KEEP"]
