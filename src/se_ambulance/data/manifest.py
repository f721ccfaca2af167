"""The committed data manifest (`data/manifest.yaml`): what each raw file is, where it comes from,
its sha256, and the vintages it replaced."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path, PurePosixPath, PureWindowsPath

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from se_ambulance.errors import DataError
from se_ambulance.paths import project_root


class Licence(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    url: str


def check_file_name(name: str) -> str:
    """A raw file's name: one plain file name inside data/raw, never a path."""
    bad = (not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name
           or name.startswith("~") or PureWindowsPath(name).drive)
    if bad:
        raise ValueError(
            f"file {name!r} must be a plain file name inside data/raw (no folders, no '..', "
            "no absolute path)")
    return name


def check_sha256(digest: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise ValueError("sha256 must be 64 lower-case hex digits")
    return digest


def check_mirror_path(path: str) -> str:
    """A path inside the mirror folder: relative, forward slashes, no '..'."""
    p = PurePosixPath(path)
    if (not path or p.is_absolute() or "\\" in path or "\0" in path or path.startswith("~")
            or PureWindowsPath(path).drive or any(part == ".." for part in p.parts)):
        raise ValueError(
            f"mirror_path {path!r} must be a relative path inside the mirror folder "
            "(like 'ambsys/file.csv'; no '..', no absolute path)")
    return path


class Source(BaseModel):
    """One official original a derived file is made from: its address at a pinned commit or release."""

    model_config = ConfigDict(extra="forbid")
    name: str  # how the derivation refers to it
    url: str
    sha256: str | None = None  # the original's own pin, where its exact bytes are known
    mirror_path: str | None = None  # where the mirror folder keeps a copy, if it does

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9_-]+", v):
            raise ValueError("a source's name is letters, digits, '_' or '-'")
        return v

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not re.match(r"https?://", v):
            raise ValueError("a source's url must be an http(s) address")
        return v

    @field_validator("sha256")
    @classmethod
    def _hex(cls, v: str | None) -> str | None:
        return None if v is None else check_sha256(v)

    @field_validator("mirror_path")
    @classmethod
    def _mirror_path(cls, v: str | None) -> str | None:
        return None if v is None else check_mirror_path(v)


class Derive(BaseModel):
    """The function in `se_ambulance.data.derive` that writes the derived file, and its arguments."""

    model_config = ConfigDict(extra="forbid")
    function: str
    args: dict = {}


class Vintage(BaseModel):
    """A vintage that a later `fetch --update` replaced: enough to say what changed."""

    model_config = ConfigDict(extra="forbid")
    file: str
    sha256: str
    bytes: int
    vintage: str
    coverage: str
    url: str | None = None
    adopted: str | None = None  # the date this vintage was pinned (None: before records were kept)
    replaced: str  # the date the next vintage was adopted


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
    # The official address of the pinned vintage. None only for a derived file (`derived: true`,
    # with a `derivation:` note saying how it was made): its official route is its `sources:`
    # (each an official address at a pinned commit or release) and the function named by `derive:`.
    url: str | None = None
    derived: bool = False
    derivation: str | None = None
    sources: list[Source] = []
    derive: Derive | None = None
    discover_pattern: str | None = None  # regex for the newest release on the landing page (--update only)
    adopted: str | None = None  # the date this vintage was pinned
    previous: list[Vintage] = []

    @field_validator("sha256")
    @classmethod
    def _hex(cls, v: str) -> str:
        return check_sha256(v)

    @field_validator("file")
    @classmethod
    def _file(cls, v: str) -> str:
        return check_file_name(v)

    @field_validator("mirror_path")
    @classmethod
    def _mirror_path(cls, v: str) -> str:
        return check_mirror_path(v)

    @field_validator("discover_pattern")
    @classmethod
    def _pattern(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                if re.compile(v).groups != 1:
                    raise ValueError("discover_pattern must have exactly one group: the link")
            except re.error as e:
                raise ValueError(f"discover_pattern is not a valid regular expression: {e}") from e
        return v

    @model_validator(mode="after")
    def _derived(self) -> "Dataset":
        if self.derived and not self.derivation:
            raise ValueError("a derived file needs a `derivation:` note saying how it was made")
        if self.derived and self.url:
            raise ValueError("a derived file has no URL of its own (url: null); its official route is "
                             "its `sources:` and `derive:`")
        if self.derived and (not self.sources or self.derive is None):
            raise ValueError("a derived file needs `sources:` (the official originals, each with its url) "
                             "and `derive:` (the function that makes the file from them)")
        if not self.derived and (self.sources or self.derive is not None):
            raise ValueError("only a derived file (derived: true) has `sources:` and `derive:`")
        names = [s.name for s in self.sources]
        if len(set(names)) != len(names):
            raise ValueError(f"the sources' names must differ (they are {names})")
        if self.derive is not None:
            from se_ambulance.data.derive import FUNCTIONS

            if self.derive.function not in FUNCTIONS:
                raise ValueError(f"derive.function {self.derive.function!r} is not a derivation "
                                 f"(known: {', '.join(sorted(FUNCTIONS))})")
        return self


def manifest_path() -> Path:
    return project_root() / "data" / "manifest.yaml"


def _read_yaml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise DataError(f"The data manifest {path} is missing.") from e
    except UnicodeDecodeError as e:
        raise DataError(f"The data manifest {path} is not UTF-8 text.") from e
    if re.search(r"(?m)^(<<<<<<<|>>>>>>>) ", text):
        raise DataError(f"The data manifest {path} has unresolved merge-conflict markers; resolve them.")
    try:
        # libyaml's safe loader where PyYAML has it: the same safe subset, ten times faster (the manifest
        # is read by every chapter, several times; the pure-Python parser took 0.2 s a read).
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        raise DataError(f"The data manifest {path} is not valid YAML: {e}") from e
    if raw is not None and not isinstance(raw, dict):
        raise DataError(f"The data manifest {path} must be a mapping with a 'datasets' key.")
    return raw or {}


def load_manifest(path: Path | None = None) -> dict[str, Dataset]:
    path = path or manifest_path()
    raw = _read_yaml(path)
    out: dict[str, Dataset] = {}
    for key, body in (raw.get("datasets") or {}).items():
        if not isinstance(body, dict):
            raise DataError(f"Dataset '{key}' in {path} must be a mapping of fields.")
        try:
            out[key] = Dataset(id=key, **body)
        except ValidationError as e:
            problems = "; ".join(f"{'.'.join(map(str, err['loc'])) or 'entry'}: {err['msg']}"
                                 for err in e.errors())
            raise DataError(f"Dataset '{key}' in {path} is not valid: {problems}") from e
    return out


def previous_vintages(dataset_id: str, path: Path | None = None) -> list[Vintage]:
    """The vintages `fetch --update` replaced for one dataset, newest first."""
    manifest = load_manifest(path)
    if dataset_id not in manifest:
        raise DataError(f"Unknown dataset '{dataset_id}'. Known datasets: {', '.join(sorted(manifest))}.")
    return list(manifest[dataset_id].previous)


def _scalar(value: object) -> str:
    """A YAML scalar for one line: JSON strings are valid double-quoted YAML."""
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def updated_manifest_text(text: str, dataset_id: str, changes: dict[str, object],
                          previous: Vintage | None) -> str:
    """The manifest text with one dataset's fields changed and a `previous:` entry added.

    Edits the text so comments and anchors elsewhere survive.
    """
    block = re.search(rf"(?ms)^  {re.escape(dataset_id)}:\n(.*?)(?=^  \S|^\S|\Z)", text)
    if not block:
        raise DataError(f"Dataset '{dataset_id}' is not in the manifest.")
    body = block.group(1)
    prev_lines: list[str] = []
    m = re.search(r"(?ms)^    previous:\n((?:      .*\n?)*)", body)
    if m:
        prev_lines = [ln for ln in m.group(1).splitlines() if ln.strip()]
        body = body[: m.start()] + body[m.end():]
    for key, value in changes.items():
        line = f"    {key}: {_scalar(value)}"
        # The key's line and any continuation lines of its old value (a folded or block scalar, indented deeper).
        pattern = rf"(?m)^    {re.escape(key)}:.*$(?:\n      .*$)*"
        if re.search(pattern, body):
            body = re.sub(pattern, lambda _m, line=line: line, body, count=1)
        else:
            body = body.rstrip("\n") + "\n" + line + "\n"
    if previous is not None:
        entry = yaml.safe_dump(previous.model_dump(), default_flow_style=True, sort_keys=False,
                               width=100_000, allow_unicode=True).strip()
        prev_lines = [f"      - {entry}"] + prev_lines  # newest first
    if prev_lines:
        body = body.rstrip("\n") + "\n    previous:\n" + "\n".join(prev_lines) + "\n"
    if not body.endswith("\n"):
        body += "\n"
    return text[: block.start(1)] + body + text[block.end(1):]


def previous_pin_text(text: str, dataset_id: str, citation: str | None = None) -> str:
    """The manifest text with one dataset's pin put back to the vintage it replaced (the newest under `previous:`),
    which leaves `previous:`: the manifest as it was before that `fetch --update`, apart from the citation, which a
    previous vintage does not record (`citation` gives it; else the current one is kept). For rehearsing an update:
    the edition command's end-to-end test and benchmark start from it."""
    import io

    raw = yaml.load(io.StringIO(text), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    body = (raw.get("datasets") or {}).get(dataset_id)
    if not body or not body.get("previous"):
        raise DataError(f"Dataset '{dataset_id}' records no previous vintage to go back to.")
    prev = Vintage(**body["previous"][0])
    parent = PurePosixPath(body["mirror_path"]).parent
    changes: dict[str, object] = {
        "file": prev.file, "mirror_path": prev.file if str(parent) in ("", ".") else f"{parent}/{prev.file}",
        "sha256": prev.sha256, "bytes": prev.bytes, "vintage": prev.vintage, "coverage": prev.coverage,
        "url": prev.url, "adopted": prev.adopted}
    if citation:
        changes["citation"] = citation
    out = updated_manifest_text(text, dataset_id, changes, None)
    # Drop the entry just restored from `previous:` (the newest, listed first).
    block = re.search(rf"(?ms)^  {re.escape(dataset_id)}:\n(.*?)(?=^  \S|^\S|\Z)", out)
    if block is None:
        raise DataError(f"data/manifest.yaml has no entry '{dataset_id}' to restore into.")
    body_text = block.group(1)
    m = re.search(r"(?ms)^    previous:\n((?:      .*\n?)*)", body_text)
    if m is None:
        raise DataError(f"data/manifest.yaml's '{dataset_id}' has no 'previous:' list to restore from.")
    rest = m.group(1).splitlines()[1:]
    new_body = body_text[: m.start()] + ("    previous:\n" + "\n".join(rest) + "\n" if rest else "") + body_text[m.end():]
    return out[: block.start(1)] + new_body + out[block.end(1):]


def record_new_vintage(dataset_id: str, sha256: str, size: int, file: str | None = None,
                       mirror_path: str | None = None, description: dict[str, str] | None = None,
                       url: str | None = None, today: dt.date | None = None,
                       path: Path | None = None) -> Dataset:
    """Pin a new vintage of one dataset (used only by `fetch --update`).

    The old pin goes to the entry's `previous:` list (file, sha256, bytes, vintage, coverage, url,
    the date it was adopted and the date it was replaced). `description` holds the text derived
    from the new file itself (vintage, coverage, citation). The new text is checked by loading
    it before the file is replaced atomically; returns the new entry.
    """
    path = path or manifest_path()
    old = load_manifest(path)
    if dataset_id not in old:
        raise DataError(f"Dataset '{dataset_id}' is not in {path}.")
    ds = old[dataset_id]
    today_s = (today or dt.date.today()).isoformat()
    changes: dict[str, object] = {"sha256": sha256, "bytes": size}
    if file:
        changes["file"] = check_file_name(file)
    if mirror_path:
        changes["mirror_path"] = check_mirror_path(mirror_path)
    if url:
        changes["url"] = url
    changes.update(description or {})
    changes["adopted"] = today_s
    previous = Vintage(file=ds.file, sha256=ds.sha256, bytes=ds.bytes, vintage=ds.vintage,
                       coverage=ds.coverage, url=ds.url, adopted=ds.adopted, replaced=today_s)
    new_text = updated_manifest_text(path.read_text(encoding="utf-8"), dataset_id, changes, previous)
    # Check the result parses and pins what we meant, before anything is written.
    check = Path(tempfile.mkdtemp(prefix=".manifest-check.", dir=path.parent))
    try:
        (check / path.name).write_text(new_text, encoding="utf-8")
        new = load_manifest(check / path.name)
    finally:
        for p in check.iterdir():
            p.unlink()
        check.rmdir()
    got = new[dataset_id]
    wrong = [k for k, v in changes.items() if getattr(got, k) != v]
    if wrong or set(new) != set(old) or len(got.previous) != len(ds.previous) + 1:
        raise DataError(f"Internal error: rewriting {path} for '{dataset_id}' did not give the intended pin.")
    atomic_write_text(path, new_text)
    return got


def atomic_write_text(path: Path, text: str) -> None:
    """Replace a text file atomically, keeping its permission bits (a new file gets the umask's)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# A publisher's note on the copy the book fetched: a mirror, a reshaping or an R package ("via the
# humaniverse/geographr R package", "reshaped to long format by ThomUK/claude-scratchpad"). The sources page keeps it;
# the line under a chart names only who published the data.
_COPY_NOTE = re.compile(r"\s*\((?:via [^()]*|[^()]*\b[A-Za-z][\w-]*/[A-Za-z][\w.-]*[^()]*)\)")


def source_line(dataset_id: str) -> str:
    """The short source line a chart or table cites, publisher and dataset first: 'NHS England, AmbSYS ... (data
    to March 2026)'. Where the copy came from (a mirror, a reshaping) is the sources page's to say, not a chart's."""
    ds = load_manifest()[dataset_id]
    return f"{_COPY_NOTE.sub('', ds.publisher)}, {ds.title} ({ds.vintage})"
