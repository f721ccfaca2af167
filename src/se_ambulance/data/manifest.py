"""The committed data manifest (`data/manifest.yaml`): what each raw file is and its sha256."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from se_ambulance.errors import DataError
from se_ambulance.paths import project_root


class Licence(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    url: str


class Dataset(BaseModel):
    """One pinned raw file and where it comes from."""

    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    publisher: str
    landing_page: str
    file: str
    mirror_path: str
    sha256: str
    bytes: int
    vintage: str
    coverage: str
    licence: Licence
    attribution: str
    citation: str
    url: str | None = None  # a direct official download address, where one is known
    discover_pattern: str | None = None  # regex for the link on the landing page

    @field_validator("sha256")
    @classmethod
    def _hex(cls, v: str) -> str:
        if not re.fullmatch(r"[0-9a-f]{64}", v):
            raise ValueError("sha256 must be 64 lower-case hex digits")
        return v

    @property
    def has_official_route(self) -> bool:
        return bool(self.url or self.discover_pattern)


def manifest_path() -> Path:
    return project_root() / "data" / "manifest.yaml"


def load_manifest(path: Path | None = None) -> dict[str, Dataset]:
    path = path or manifest_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise DataError(f"The data manifest {path} is missing.") from e
    out: dict[str, Dataset] = {}
    for key, body in (raw or {}).get("datasets", {}).items():
        try:
            out[key] = Dataset(id=key, **body)
        except ValidationError as e:
            raise DataError(f"Dataset '{key}' in {path} is not valid: {e}") from e
    return out


def record_new_vintage(dataset_id: str, sha256: str, size: int, file: str | None = None,
                       path: Path | None = None) -> None:
    """Rewrite the manifest's pin for one dataset (used only by `fetch --update`).

    Edits the text in place so comments and anchors survive, and replaces the file atomically.
    """
    path = path or manifest_path()
    text = path.read_text(encoding="utf-8")
    block = re.search(rf"(?ms)^  {re.escape(dataset_id)}:\n(.*?)(?=^  \S|\Z)", text)
    if not block:
        raise DataError(f"Dataset '{dataset_id}' is not in {path}.")
    body = block.group(1)
    body = re.sub(r"(?m)^(    sha256: ).*$", rf"\g<1>{sha256}", body)
    body = re.sub(r"(?m)^(    bytes: ).*$", rf"\g<1>{size}", body)
    if file:
        body = re.sub(r"(?m)^(    file: ).*$", lambda m: m.group(1) + file, body)
    new = text[: block.start(1)] + body + text[block.end(1):]
    atomic_write_text(path, new)


def atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def source_line(dataset_id: str) -> str:
    """The short source line a chart or table cites, e.g. 'NHS England, AmbSYS ... (data to March 2026)'."""
    ds = load_manifest()[dataset_id]
    return f"{ds.publisher}, {ds.title} ({ds.vintage})"
