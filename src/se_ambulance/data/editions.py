"""The editions record (`editions/edition-N.yaml`): every edition the book has published, one immutable file each.

An edition is one adopted set of data vintages and one code version, dated: its number and CalVer version
(`YYYY.MM.N`, the Nth edition of that month), the date, every dataset's vintage (file, sha256), the code (package
version, git commit, and a digest of the code and text the book is built from), every headline verdict, and
against the previous edition what changed: months added, values revised, verdicts moved and whether the data or
the code moved each. A published file never changes: each edition records the sha256 of the one before it (a
chain that `check_record` verifies), and a test compares every file with its first committed version. A
correction is a new edition that says what it corrected (`corrects:`).

`se-ambulance edition` (pipeline.edition) writes the files; the editions page, the CHANGELOG and the stamp on
every page read them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from se_ambulance.data.manifest import load_manifest
from se_ambulance.errors import DataError
from se_ambulance.paths import package_digest, project_root

FILE_PATTERN = re.compile(r"edition-(\d+)\.yaml")
GENERATED_PAGE = "book/editions.md"  # written from the record; not part of the code digest


class DatasetVintage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str
    sha256: str
    vintage: str


class CodeVersion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    package: str
    commit: str | None = None  # the git commit the edition was built from (None: not a git checkout)
    digest: str | None = None  # code_digest(): None when the edition was recorded after the fact (edition 1)


class Verdicts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    claims: dict[str, str]  # claim id -> the register's verdict words
    evaluation: dict[str, str]  # chapter 9 outcome -> verdict code (analysis.evaluation.verdict)


class VerdictMove(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str  # 'claim' or 'evaluation'
    id: str
    previous: str
    current: str
    moved_by: str  # 'data', 'code', 'data and code', or 'not separated' (with why in `note`)
    note: str = ""


class Changes(BaseModel):
    """What moved since the previous edition."""

    model_config = ConfigDict(extra="forbid")
    previous_edition: int
    data_changed: list[str]  # datasets whose pins changed
    ambsys_from: str  # the previous edition's AmbSYS vintage
    ambsys_to: str
    months_added: list[str]  # YYYY-MM
    revised_values: int
    revised_months: list[str]
    code_changed: bool
    verdicts_moved: list[VerdictMove]
    unavailable: str = ""  # why a comparison could not be made, if so


class Edition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    edition: int
    version: str  # CalVer YYYY.MM.N
    date: str  # YYYY-MM-DD
    corrects: str | None = None  # a correction says what it corrected
    recorded: str  # how this record was made
    data: dict[str, DatasetVintage]
    code: CodeVersion
    verdicts: Verdicts
    changes: Changes | None = None  # None for the first edition
    previous_sha256: str | None = None  # sha256 of the previous edition's file

    @field_validator("version")
    @classmethod
    def _calver(cls, v: str) -> str:
        if not re.fullmatch(r"\d{4}\.\d{2}\.\d+", v):
            raise ValueError("version is CalVer YYYY.MM.N (the Nth edition of that month), e.g. 2026.12.1")
        return v

    @field_validator("date")
    @classmethod
    def _date(cls, v: str) -> str:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            raise ValueError("date is YYYY-MM-DD")
        return v

    @property
    def label(self) -> str:
        return f"Edition {self.edition} ({self.version})"

    def pins(self) -> dict[str, str]:
        return {k: v.sha256 for k, v in self.data.items()}


def editions_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "editions"


def edition_path(number: int, root: Path | None = None) -> Path:
    return editions_dir(root) / f"edition-{number}.yaml"


def read_edition(path: Path) -> Edition:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Edition(**raw)
    except (OSError, yaml.YAMLError, TypeError) as e:
        raise DataError(f"The edition record {path} cannot be read: {e}") from e
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(map(str, x['loc']))}: {x['msg']}" for x in e.errors())
        raise DataError(f"The edition record {path} is not valid: {problems}") from e


def load_editions(root: Path | None = None) -> list[Edition]:
    """Every recorded edition, in order; the file names, numbers and chain must agree (see check_record)."""
    folder = editions_dir(root)
    if not folder.is_dir():
        return []
    numbered = {}
    for p in folder.iterdir():
        m = FILE_PATTERN.fullmatch(p.name)
        if m:
            numbered[int(m[1])] = p
    return [read_edition(numbered[n]) for n in sorted(numbered)]


def check_record(root: Path | None = None) -> list[str]:
    """Problems with the record: numbers not 1, 2, 3, …, a file named for another number, a broken chain (an
    edition's previous_sha256 is not the sha256 of the file before it), dates going backwards."""
    folder = editions_dir(root)
    problems: list[str] = []
    eds = load_editions(root)
    for i, ed in enumerate(eds, start=1):
        path = edition_path(i, root)
        if ed.edition != i or not path.is_file():
            problems.append(f"the editions are not numbered 1 to {len(eds)} in order: {path.name} holds edition "
                            f"{ed.edition}")
            continue
        if i == 1:
            if ed.previous_sha256 is not None or ed.changes is not None:
                problems.append("edition 1 has no previous edition")
            continue
        before = edition_path(i - 1, root)
        if ed.previous_sha256 != sha256_bytes(before.read_bytes()):
            problems.append(f"{path.name} records the previous edition's sha256 as {ed.previous_sha256}, but "
                            f"{before.name} has {sha256_bytes(before.read_bytes())}: a published edition was changed")
        if ed.date < eds[i - 2].date:
            problems.append(f"{path.name} is dated {ed.date}, before edition {i - 1} ({eds[i - 2].date})")
        if ed.changes is None or ed.changes.previous_edition != i - 1:
            problems.append(f"{path.name} must say what changed since edition {i - 1}")
    stray = [p.name for p in folder.iterdir() if p.suffix == ".yaml" and not FILE_PATTERN.fullmatch(p.name)] \
        if folder.is_dir() else []
    problems += [f"editions/{n} is not named edition-N.yaml" for n in stray]
    return problems


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def current_pins() -> dict[str, DatasetVintage]:
    """Every dataset's pinned vintage now (from the manifest)."""
    return {k: DatasetVintage(file=d.file, sha256=d.sha256, vintage=d.vintage) for k, d in load_manifest().items()}


def _notebook_sources(path: Path) -> bytes:
    """A notebook's cells as types and sources, without outputs or the parameters papermill injects."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb.get("cells", []):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            continue
        src = cell.get("source", "")
        parts.append(cell.get("cell_type", "") + "\0" + ("".join(src) if isinstance(src, list) else src))
    return "\0\0".join(parts).encode("utf-8")


def code_digest(root: Path | None = None) -> str:
    """What the book's words and numbers depend on besides the data: the package's code, the chapters' sources (not
    their outputs), the prose and register in book/ (not the editions page generated from the record), the
    canonical parameters and the book's configuration. Equal digests and equal data pins: the same book."""
    root = root or project_root()
    h = hashlib.sha256(package_digest().encode())
    files = [root / "_toc.yml", root / "_config.yml", root / "params" / "default.yaml",
             *sorted((root / "book").rglob("*")), *sorted((root / "notebooks").glob("*.ipynb"))]
    for f in files:
        rel = f.relative_to(root).as_posix()
        if not f.is_file() or rel == GENERATED_PAGE:
            continue
        h.update(rel.encode() + b"\0")
        h.update(_notebook_sources(f) if f.suffix == ".ipynb" else f.read_bytes())
    return h.hexdigest()


def edition_text(ed: Edition) -> str:
    """The record as YAML (fields in the model's order)."""
    return yaml.safe_dump(ed.model_dump(), sort_keys=False, allow_unicode=True, width=100)


def write_edition(ed: Edition, root: Path | None = None) -> Path:
    """Write a new edition's file; an existing file is never overwritten (a published edition never changes)."""
    path = edition_path(ed.edition, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(edition_text(ed))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        try:
            os.link(tmp, path)  # fails if the file exists: an edition is written once
        except FileExistsError:
            raise DataError(f"{path} exists already: a published edition is never rewritten. A correction is a new "
                            "edition (se-ambulance edition --correction 'what it corrects').") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path
