"""Fetch raw files into data/raw: local cache, then a mirror folder, then the official address.

A derived file (`derived: true`) has no address of its own: its official route is its `sources:`,
downloaded (each checked by its own pin where the manifest records one) and turned into the file
by the function its `derive:` names (`se_ambulance.data.derive`), all inside the staging folder.
Like any other candidate, the result is installed only if its sha256 equals the manifest's pin.

A plain fetch accepts only the file pinned by sha256 in the manifest, from the pinned `url`
(never "the latest"). `update=True` (`se-ambulance fetch --update`) is the one deliberate way to
adopt a new vintage: the candidate is copied or downloaded into a staging folder (data/cache/staging,
never data/raw), checked by the dataset's own loader, and only then installed together with the
new manifest pin, in one transaction that is rolled back if any step fails.

A dataset NHS England publishes as named monthly releases (the pinned file is named like
`AmbSYS-to-Mar-2026-UI7FG.csv`, see `data.releases`) is updated release by release: the candidate is the
newest release a mirror folder holds under NHS England's own names, or a file given by path (`file=`), or
the newest the landing page links; it keeps its own name and is pinned with its official address. Before
anything is installed it is checked as a release against the pinned one (`data.release_checks`): same
organisations, not older, no gaps, no blank last months, counts and times within bounds.

Staging folders are private to one process and locked while it runs; a process killed in the middle
(even by `kill -9`) leaves its folder behind, and the next fetch removes it (its lock is free).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import re
import shutil
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from se_ambulance.errors import DataError, FetchError
from se_ambulance.paths import cache_dir, project_root, raw_dir
from se_ambulance.data import derive as _derive
from se_ambulance.data import manifest as _manifest
from se_ambulance.data import releases as _releases
from se_ambulance.data.manifest import Dataset, Source, check_file_name, load_manifest
from se_ambulance.data.validate import check_candidate, check_release_candidate

MIRROR_ENV = "SE_AMBULANCE_DATA_MIRROR"
_CHUNK = 1 << 16
_TIMEOUT_S = 60
_MIRROR_HINT = (f"set {MIRROR_ENV}=DIR or pass --mirror DIR (a folder laid out like ../shared/data; "
                "a relative path is tried against the current folder, then the project root)")

Progress = Callable[[str], None]


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


# --- where files come from ---------------------------------------------------------------------

def mirror_dir(mirror: str | os.PathLike | None = None) -> Path | None:
    """The mirror folder from --mirror or $SE_AMBULANCE_DATA_MIRROR, resolved; None if neither is set.

    A relative path is tried against the current folder first, then the project root.
    """
    value = mirror if mirror is not None else os.environ.get(MIRROR_ENV)
    if value is None or str(value) == "":
        return None
    source = "--mirror" if mirror is not None else MIRROR_ENV
    candidates = _mirror_candidates(value)
    for c in candidates:
        if c.is_dir():
            return resolved(c, "the mirror folder")
    path = Path(value).expanduser()
    tried = " and ".join(f"'{c}'" for c in dict.fromkeys(candidates))
    raise FetchError(
        f"The mirror folder '{value}' (from {source}) does not exist or is not a folder: tried {tried}"
        f"{' (a relative path is tried against the current folder, then the project root)' if not path.is_absolute() else ''}. "
        "Point it at a folder laid out like ../shared/data (ambsys/, population/, …), or unset it "
        "to use the official download addresses."
    )


def _mirror_candidates(value: str | os.PathLike) -> list[Path]:
    path = Path(value).expanduser()
    return [path] if path.is_absolute() else [Path.cwd() / path, project_root() / path]


def mirror_folders(mirror: str | os.PathLike | None = None) -> list[Path]:
    """Every folder the mirror setting (--mirror, then $SE_AMBULANCE_DATA_MIRROR) could mean, resolved: for a
    relative path both the current folder's and the project root's reading, so that a check that keeps builds out
    of the mirror holds whichever one `mirror_dir` picks."""
    found: list[Path] = []
    for value in (mirror, os.environ.get(MIRROR_ENV)):
        if value is not None and str(value).strip():
            for c in _mirror_candidates(value):
                try:
                    found.append(resolved(c, "the mirror folder"))
                except FetchError:
                    found.append(Path(os.path.abspath(c)))
    return list(dict.fromkeys(found))


def resolved(path: Path, what: str) -> Path:
    """path.resolve(), with a symbolic-link loop named as such rather than a traceback."""
    try:
        return path.resolve()
    except (RuntimeError, OSError) as e:  # Python < 3.13 raises RuntimeError('Symlink loop ...'); later, ELOOP
        raise FetchError(f"{path} ({what}) cannot be resolved: a symbolic link in it leads back to itself (a loop) "
                         f"({e}). Remove the link or point it at a real file or folder.") from e


def pin_mirror_env() -> Path | None:
    """Resolve $SE_AMBULANCE_DATA_MIRROR once, where it was given (mirror_dir's rule), and write it back as an
    absolute path, so that every process started from here (kernels, pytest's workers, a chapter run in
    notebooks/) reads the same folder. A value that names no folder is left as given: the fetch that needs it
    then says what it tried."""
    try:
        path = mirror_dir()
    except FetchError:
        return None
    if path is not None:
        os.environ[MIRROR_ENV] = str(path)
    return path


def _mirror_file(ds: Dataset, mirror: Path) -> Path:
    src = resolved(mirror / ds.mirror_path, f"{ds.id} in the mirror")
    if not src.is_relative_to(mirror):
        raise DataError(
            f"{ds.id}: mirror_path '{ds.mirror_path}' leads outside the mirror folder {mirror} "
            f"(to {src}); refused. A mirror file must be inside the mirror folder."
        )
    try:
        is_file = src.is_file()
    except OSError as e:
        raise FetchError(f"{src} (in the mirror folder) cannot be read ({e.strerror or e}).") from e
    if not is_file:
        raise FetchError(f"{ds.file} is not in the mirror folder {mirror} (looked for {src}).")
    return src


def _check_url(url: str, ds: Dataset) -> str:
    if urllib.parse.urlparse(url).scheme not in ("http", "https"):
        raise FetchError(f"{ds.id}: the address {url!r} is not an http(s) URL; refused.")
    return url


def _discover(ds: Dataset) -> str:
    """The newest release's address, from the landing page (only ever called by --update)."""
    _check_url(ds.landing_page, ds)
    try:
        with urllib.request.urlopen(ds.landing_page, timeout=_TIMEOUT_S) as resp:
            page = resp.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError) as e:
        raise FetchError(f"{ds.id}: could not read the landing page {ds.landing_page}: {e}") from e
    links = re.findall(ds.discover_pattern, page)
    if not links:
        raise FetchError(f"{ds.id}: the landing page {ds.landing_page} has no link to a release "
                         f"file like '{ds.file}' (nothing matched the manifest's discover_pattern).")
    link = links[0]
    if _releases.parse_name(ds.file) is not None:  # named monthly releases: the newest, wherever it is listed
        by_name = {_link_name(x): x for x in links}
        top = _releases.newest(by_name)
        if top is None:
            raise FetchError(f"{ds.id}: the landing page {ds.landing_page} links no file named like an NHS England "
                             f"release ('AmbSYS-to-<Mon>-<YYYY>-<code>.csv'); links found: {', '.join(by_name)}.")
        link = by_name[top.name]
    return _check_url(urllib.parse.urljoin(ds.landing_page, link), ds)


def _link_name(link: str) -> str:
    return urllib.parse.unquote(Path(urllib.parse.urlparse(link).path).name)


def _official_url(ds: Dataset, update: bool) -> str:
    if update and ds.discover_pattern:
        return _discover(ds)
    if not ds.url:
        raise FetchError(
            f"{ds.id}: no official download address (url) is recorded for '{ds.file}' "
            f"(landing page: {ds.landing_page})."
        )
    return _check_url(ds.url, ds)


def _download(url: str, dest: Path, progress: Progress) -> None:
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as resp, open(dest, "wb") as out:
            total = resp.headers.get("Content-Length")
            total = int(total) if total and total.isdigit() else None
            got, last_pct = 0, -10
            while True:
                try:
                    chunk = resp.read(_CHUNK)
                except Exception as e:  # http.client.IncompleteRead and socket errors
                    raise FetchError(f"the download of {url} failed after {got} bytes: {e}") from e
                if not chunk:
                    break
                out.write(chunk)
                got += len(chunk)
                if total:
                    pct = int(100 * got / total)
                    if pct >= last_pct + 10:
                        progress(f"  {url}: {got:,} of {total:,} bytes ({pct}%)")
                        last_pct = pct
            if total is not None and got != total:
                raise FetchError(
                    f"the download of {url} was truncated: received {got:,} of {total:,} bytes."
                )
    except urllib.error.URLError as e:
        raise FetchError(f"could not download {url}: {e.reason}") from e
    except OSError as e:
        raise FetchError(f"could not download {url}: {e}") from e


def _source_file(ds: Dataset, src: Source, mirror: Path | None, folder: Path, progress: Progress) -> Path:
    """One source of a derived file in the staging folder: from the mirror if it keeps a copy, else
    downloaded from its official address; refused if it does not match its own pin."""
    dest = folder / src.name
    origin = None
    if mirror is not None and src.mirror_path:
        copy = resolved(mirror / src.mirror_path, f"source '{src.name}' in the mirror")
        if copy.is_relative_to(mirror) and copy.is_file():
            shutil.copyfile(copy, dest)
            origin = f"the mirror ({copy})"
    if origin is None:
        progress(f"{ds.id}: downloading source '{src.name}' {src.url}")
        _download(_check_url(src.url, ds), dest, progress)
        origin = src.url
    if src.sha256 is not None:
        digest = sha256_file(dest)
        if digest != src.sha256:
            raise DataError(
                f"{ds.id}: source '{src.name}' from {origin} has sha256 {digest}, but data/manifest.yaml "
                f"pins {src.sha256}; it is corrupt or a different version, so nothing was derived or "
                f"installed (data/raw is untouched). Check the source's address, or {_MIRROR_HINT}."
            )
    return dest


def _derive_file(ds: Dataset, mirror: Path | None, stage: Path, progress: Progress) -> Path:
    """The derived file, made in the staging folder from its downloaded sources."""
    assert ds.derive is not None
    folder = stage / "sources"
    folder.mkdir(exist_ok=True)
    sources = {src.name: _source_file(ds, src, mirror, folder, progress) for src in ds.sources}
    out = stage / ds.file
    progress(f"{ds.id}: deriving {ds.file} with {ds.derive.function}")
    try:
        _derive.run(ds.derive.function, sources, out, ds.derive.args)
    except Exception as e:  # a source that does not have the expected content
        out.unlink(missing_ok=True)
        raise DataError(
            f"{ds.id}: deriving {ds.file} with {ds.derive.function} from its sources failed "
            f"({type(e).__name__}: {e}); nothing was installed (data/raw is untouched). Either a source "
            f"is not what the manifest describes, or {_MIRROR_HINT} to copy the pinned file."
        ) from e
    return out


# --- staging and installing --------------------------------------------------------------------

_FOLDER_LOCK = ".in-use"  # inside each staging folder, locked (flock) by the process using it
_BASE_LOCK = ".staging.lock"  # beside data/cache/staging: held while a folder is made or stale ones are removed


@contextlib.contextmanager
def _flock(path: Path, blocking: bool = True) -> Iterator[bool]:
    """An exclusive flock on `path` (created if missing); yields False when `blocking` is off and it is held."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except OSError as e:
            if blocking or e.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            yield False
            return
        yield True
    finally:
        os.close(fd)  # releases the lock; the kernel does so too when the process dies, even on kill -9


def clean_stale_staging(base: Path | None = None) -> list[Path]:
    """Remove the staging folders of fetches that no longer run (killed, even by kill -9): a folder whose lock is
    free, or that has no lock (made by an older version). Runs under the staging lock, so a folder being made is
    never taken for an orphan; only folders named like ours (`fetch-*`) are touched."""
    base = base or cache_dir() / "staging"
    removed: list[Path] = []
    if not base.is_dir():
        return removed
    with _flock(base.parent / _BASE_LOCK):
        for d in base.iterdir():
            if not d.name.startswith("fetch-") or d.is_symlink() or not d.is_dir():
                continue
            lock = d / _FOLDER_LOCK
            if lock.is_file():
                with _flock(lock, blocking=False) as free:
                    if not free:
                        continue  # another fetch is using it
                    shutil.rmtree(d, ignore_errors=True)
            else:
                shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
    return removed


@contextlib.contextmanager
def _staging() -> Iterator[Path]:
    """A private folder under data/cache/staging for candidate files, locked while in use; removed afterwards.
    Folders that killed fetches left behind are removed first."""
    base = cache_dir() / "staging"
    base.mkdir(parents=True, exist_ok=True)
    clean_stale_staging(base)
    with _flock(base.parent / _BASE_LOCK):
        folder = Path(tempfile.mkdtemp(dir=base, prefix="fetch-"))
        fd = os.open(folder / _FOLDER_LOCK, os.O_RDWR | os.O_CREAT, 0o666)
        fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(fd)


def _move(src: Path, dest: Path) -> None:
    """Rename src to dest atomically (copying into dest's folder first if they are on two devices)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(src, dest)
    except OSError as e:
        if e.errno != errno.EXDEV:
            raise
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
        os.close(fd)
        try:
            shutil.copyfile(src, tmp)
            shutil.copymode(src, tmp)
            os.replace(tmp, dest)
        finally:
            Path(tmp).unlink(missing_ok=True)
        src.unlink(missing_ok=True)


def _stage(ds: Dataset, mirror: Path | None, stage: Path, update: bool,
           progress: Progress) -> tuple[Path, str, str | None]:
    """Put a candidate in the staging folder: (path, where it came from, official url or None)."""
    errors: list[str] = []
    if mirror is not None:
        try:
            src = _mirror_file(ds, mirror)
            staged = stage / ds.file
            shutil.copyfile(src, staged)
            return staged, f"the mirror ({src})", None
        except FetchError as e:
            errors.append(str(e))
    if ds.derived:
        try:
            staged = _derive_file(ds, mirror, stage, progress)
        except FetchError as e:
            errors.append(str(e))
            if mirror is None:
                errors.append(f"No mirror folder was given: to copy the pinned file instead, {_MIRROR_HINT}")
            raise FetchError(f"Could not fetch '{ds.id}' ({ds.file}) from its sources: "
                             + " | ".join(errors)) from e
        return staged, f"its sources, derived with {ds.derive.function}", None
    try:
        url = _official_url(ds, update)
        name = urllib.parse.unquote(Path(urllib.parse.urlparse(url).path).name) if update else ds.file
        try:
            check_file_name(name)
        except ValueError as e:
            raise FetchError(f"{ds.id}: the release at {url} has a file name that cannot be pinned: {e}.") from e
        staged = stage / name
        progress(f"{ds.id}: downloading {url}")
        _download(url, staged, progress)
        return staged, url, url
    except FetchError as e:
        errors.append(str(e))
        if mirror is None:
            errors.append(f"No mirror folder was given: to fetch without the network, {_MIRROR_HINT}")
        raise FetchError(f"Could not fetch '{ds.id}' ({ds.file}): " + " | ".join(errors)) from e


def _changed_by_hand(ds: Dataset, dest: Path, digest: str) -> DataError:
    return DataError(
        f"The raw file {dest} has sha256 {digest}, but data/manifest.yaml pins {ds.sha256}: it is "
        "corrupt or was changed by hand. It was left untouched and was not used. Either restore the "
        f"pinned vintage: delete {dest} and run `se-ambulance fetch {ds.id}` (copies the pinned file "
        "from the mirror or its official address, checked against the pin); or adopt a new release "
        f"deliberately: move your file out of data/raw and run `se-ambulance fetch --update {ds.id}` "
        "(takes the release from the mirror, or the newest from the official source, checks it with "
        "the loader, installs it and re-pins the manifest, keeping the old pin under `previous:`)."
    )


# --- the two operations ------------------------------------------------------------------------

def ensure(dataset_id: str, mirror: str | os.PathLike | None = None, update: bool = False,
           progress: Progress = _stderr, manifest: dict[str, Dataset] | None = None) -> Path:
    """Return the path of a verified raw file, fetching it if it is not in the local cache.

    With update=True, adopt the release the mirror or official source offers now, after
    the dataset's loader (and, for a named release, the release checks) have checked it (see `update`).
    """
    manifest = manifest or load_manifest()
    if dataset_id not in manifest:
        raise DataError(
            f"Unknown dataset '{dataset_id}'. Known datasets: {', '.join(sorted(manifest))}."
        )
    ds = manifest[dataset_id]
    dest = raw_dir() / ds.file
    if dest.is_file():
        digest = sha256_file(dest)
        if digest != ds.sha256:
            raise _changed_by_hand(ds, dest, digest)
        if not update:
            return dest
    if update:
        return adopt(ds, mirror=mirror, progress=progress).path

    folder = mirror_dir(mirror)
    with _staging() as stage:
        staged, origin, _ = _stage(ds, folder, stage, update=False, progress=progress)
        digest = sha256_file(staged)
        if digest != ds.sha256 and ds.derived and origin.startswith("its sources"):
            raise DataError(
                f"{ds.id}: {ds.file} derived from its sources (with {ds.derive.function}) has sha256 "
                f"{digest}, but data/manifest.yaml pins {ds.sha256}; it was not installed (data/raw is "
                "untouched). A source or the derivation code has changed: restore them, or copy the "
                f"pinned file from a mirror ({_MIRROR_HINT})."
            )
        if digest != ds.sha256:
            raise DataError(
                f"{ds.file} from {origin} has sha256 {digest}, but data/manifest.yaml pins "
                f"{ds.sha256}. The file is corrupt or a different vintage; it was not used. "
                f"To adopt a new vintage deliberately run `se-ambulance fetch --update {ds.id}`."
            )
        _move(staged, dest)
    how = ("copied from the mirror" if origin.startswith("the mirror")
           else "derived from its sources" if origin.startswith("its sources") else "downloaded")
    progress(f"{ds.id}: {how} and verified ({dest.name})")
    return dest


@dataclass(frozen=True)
class Adoption:
    """What `fetch --update` did for one dataset."""

    dataset: str
    path: Path  # the raw file pinned now
    adopted: bool  # False: what was offered is the pinned vintage already
    previous_file: str | None = None  # the pin it replaced
    report: object | None = None  # data.release_checks.ReleaseReport for a named release: months added, revisions
    notes: list[str] = field(default_factory=list)


def is_release(ds: Dataset) -> bool:
    """Whether the dataset is published as named monthly releases (its pinned file is named like one)."""
    return _releases.parse_name(ds.file) is not None


def _release_candidate(ds: Dataset, mirror: Path | None, file: str | os.PathLike | None, stage: Path,
                       progress: Progress) -> tuple[Path, str, str | None]:
    """The release to consider, in the staging folder under its own name: (path, origin, download url or None).

    A file given by path wins; else the newest release the mirror's folder holds; else the newest the landing page
    links (downloaded)."""
    if file is not None:
        given = resolved(Path(file).expanduser(), "the file given with --file")
        if not given.is_file():
            raise FetchError(f"{ds.id}: the file {file} given with --file does not exist or is not a file.")
        name = _releases.release_name(given.name).name
        staged = stage / name
        shutil.copyfile(given, staged)
        return staged, f"the file {given}", None
    if mirror is not None:
        folder = resolved(mirror / Path(ds.mirror_path).parent, f"{ds.id}'s folder in the mirror")
        if not folder.is_relative_to(mirror):
            raise DataError(f"{ds.id}: mirror_path '{ds.mirror_path}' leads outside the mirror folder {mirror}; refused.")
        if not folder.is_dir():
            raise FetchError(f"{ds.id}: the mirror has no folder {folder} for its releases.")
        top = _releases.newest(_releases.releases_in(folder))
        if top is None:
            raise FetchError(f"{ds.id}: the mirror folder {folder} holds no file named like an NHS England release "
                             "('AmbSYS-to-<Mon>-<YYYY>-<code>.csv'). Put the release there under its own name, or give "
                             "it with --file PATH.")
        staged = stage / top.name
        shutil.copyfile(resolved(folder / top.name, f"{top.name} in the mirror"), staged)
        return staged, f"the mirror ({folder / top.name})", None
    try:
        url = _discover(ds)
    except FetchError as e:
        raise FetchError(f"Could not find {ds.id}'s newest release: {e} | No mirror folder was given: to update "
                         f"without the network, {_MIRROR_HINT}, or give a downloaded release with --file PATH.") from e
    name = _link_name(url)
    try:
        check_file_name(name)
    except ValueError as e:
        raise FetchError(f"{ds.id}: the release at {url} has a file name that cannot be pinned: {e}.") from e
    _releases.release_name(name)
    staged = stage / name
    progress(f"{ds.id}: downloading {url}")
    _download(url, staged, progress)
    return staged, url, url


def adopt(ds: Dataset, mirror: str | os.PathLike | None = None, progress: Progress = _stderr,
          file: str | os.PathLike | None = None, provenance: str | None = None,
          accept_organisation_change: bool = False) -> Adoption:
    """`fetch --update` for one dataset: stage, check with the loader (and as a release), then install and re-pin.

    The raw file and the manifest change together: if installing the file or writing the
    manifest fails (or is interrupted), both are put back as they were. `provenance` (how the file was
    obtained, when it is not NHS England's own download) is added to the citation the sources page shows.
    """
    if file is not None and not is_release(ds):
        raise DataError(f"{ds.id}: --file is for a dataset published as named releases (like AmbSYS); "
                        f"'{ds.file}' is not one. Put the file in the mirror folder instead.")
    if is_release(ds):
        return _adopt_release(ds, mirror, file, provenance, accept_organisation_change, progress)
    folder = mirror_dir(mirror)
    with _update_lock(), _staging() as stage:
        staged, origin, url = _stage(ds, folder, stage, update=True, progress=progress)
        description = _loader_check(ds, staged, origin)
        digest = sha256_file(staged)
        name = staged.name
        dest = raw_dir() / name
        if digest == ds.sha256 and name == ds.file:
            if not dest.is_file():
                _move(staged, dest)
            progress(f"{ds.id}: {origin} offers the pinned vintage ({ds.vintage}); nothing to update.")
            return Adoption(ds.id, dest, False)
        mirror_path = None
        if name != ds.file:
            parent = str(Path(ds.mirror_path).parent)
            mirror_path = name if parent in ("", ".") else f"{parent}/{name}"
        _install_with_pin(ds, staged, dest, stage, digest, mirror_path, _cited(description, provenance), url)
    progress(f"{ds.id}: adopted {name} from {origin} (sha256 {digest}"
             f"{', ' + description['vintage'] if 'vintage' in description else ''}); the previous "
             f"vintage ({ds.file}, {ds.vintage}) is recorded under `previous:` in data/manifest.yaml.")
    if "vintage" not in description or "coverage" not in description:
        progress(f"{ds.id}: the file does not state its own vintage and coverage; the manifest text "
                 f"was kept ('{ds.vintage}'; '{ds.coverage}'). Edit it in data/manifest.yaml if it changed.")
    if url is None and ds.url:
        progress(f"{ds.id}: adopted from the mirror; the manifest's url ({ds.url}) was kept. "
                 "Point it at the new vintage's official address.")
    return Adoption(ds.id, dest, True, ds.file)


def _loader_check(ds: Dataset, staged: Path, origin: str) -> dict[str, str]:
    try:
        return check_candidate(ds.id, staged)
    except DataError as e:
        raise DataError(
            f"{ds.id}: the candidate from {origin} was refused and nothing was changed "
            f"(data/raw/{ds.file} and the manifest pin are as they were). The loader says: {e}"
        ) from e


def _cited(description: dict[str, str], provenance: str | None) -> dict[str, str]:
    if not provenance or not provenance.strip():
        return description
    if "citation" not in description:
        raise DataError("--provenance is added to the citation the file's loader derives, and this dataset's "
                        "loader derives none: edit the citation in data/manifest.yaml instead.")
    return {**description, "citation": f"{description['citation']} {' '.join(provenance.split())}"}


def _adopt_release(ds: Dataset, mirror: str | os.PathLike | None, file: str | os.PathLike | None,
                   provenance: str | None, accept_organisation_change: bool, progress: Progress) -> Adoption:
    pinned = _releases.release_name(ds.file)
    folder = mirror_dir(mirror)
    with _update_lock(), _staging() as stage:
        staged, origin, url = _release_candidate(ds, folder, file, stage, progress)
        offered = _releases.release_name(staged.name)
        digest = sha256_file(staged)
        dest = raw_dir() / staged.name
        if digest == ds.sha256 and staged.name == ds.file:
            if not dest.is_file():
                _move(staged, dest)
            progress(f"{ds.id}: the newest release {origin} offers is the pinned one ({ds.file}, {ds.vintage}); "
                     "nothing to update.")
            return Adoption(ds.id, dest, False)
        if (offered.year, offered.month) < (pinned.year, pinned.month):
            raise DataError(f"{ds.id}: the newest release {origin} offers, {offered.name} (data to "
                            f"{offered.month_words}), is older than the pinned release {ds.file} (data to "
                            f"{pinned.month_words}); a release older than the pin is never adopted, and nothing was "
                            "changed.")
        description = _loader_check(ds, staged, origin)
        pinned_file = raw_dir() / ds.file
        if not pinned_file.is_file():  # the release is checked against the pinned one, which must be at hand
            ensure(ds.id, mirror=folder, progress=progress)
        try:
            report = check_release_candidate(ds.id, staged, pinned_file, offered.data_to, accept_organisation_change)
        except DataError as e:
            raise DataError(f"{ds.id}: {offered.name} from {origin} was checked against the pinned release "
                            f"{ds.file} and refused; nothing was changed. {e}") from e
        if dest.exists() and staged.name != ds.file:
            raise DataError(f"{ds.id}: data/raw already holds a file named {staged.name} that is not the pinned one; "
                            "move it out of data/raw and run the update again. Nothing was changed.")
        address = url or _releases.official_address(staged.name)
        mirror_path = f"{Path(ds.mirror_path).parent.as_posix()}/{staged.name}".removeprefix("./")
        _install_with_pin(ds, staged, dest, stage, digest, mirror_path, _cited(description, provenance), address)
    notes = [f"{ds.id}: adopted {staged.name} from {origin} ({description.get('vintage', '')}; sha256 {digest}); "
             f"the previous release ({ds.file}, {ds.vintage}) is kept under `previous:` in data/manifest.yaml.",
             *(f"{ds.id}: {line}" for line in report.lines())]
    if url is None:
        notes.append(f"{ds.id}: its official address is recorded as {address} (NHS England's upload pattern)"
                     + ("" if provenance else "; if this copy was not downloaded from there, say how it was obtained "
                        "with --provenance, which the sources page cites"))
    for n in notes:
        progress(n)
    return Adoption(ds.id, dest, True, ds.file, report, notes)


@contextlib.contextmanager
def _update_lock() -> Iterator[None]:
    """One `fetch --update` at a time: two would both rewrite the manifest."""
    base = cache_dir()
    base.mkdir(parents=True, exist_ok=True)
    with _flock(base / ".update.lock", blocking=False) as free:
        if not free:
            raise DataError("Another `se-ambulance fetch --update` is running in this project; wait for it to "
                            "finish, then run the update again.")
        yield


def update(dataset_id: str, mirror: str | os.PathLike | None = None, file: str | os.PathLike | None = None,
           provenance: str | None = None, accept_organisation_change: bool = False,
           progress: Progress = _stderr) -> Adoption:
    """`se-ambulance fetch --update DATASET`: adopt the newest release offered (see `adopt`); the pinned file must
    be intact first (a file changed by hand is never overwritten)."""
    manifest = load_manifest()
    if dataset_id not in manifest:
        raise DataError(f"Unknown dataset '{dataset_id}'. Known datasets: {', '.join(sorted(manifest))}.")
    ds = manifest[dataset_id]
    dest = raw_dir() / ds.file
    if dest.is_file() and (digest := sha256_file(dest)) != ds.sha256:
        raise _changed_by_hand(ds, dest, digest)
    return adopt(ds, mirror=mirror, progress=progress, file=file, provenance=provenance,
                 accept_organisation_change=accept_organisation_change)


def _install_with_pin(ds: Dataset, staged: Path, dest: Path, stage: Path, digest: str,
                      mirror_path: str | None, description: dict[str, str], url: str | None) -> None:
    manifest_file = _manifest.manifest_path()
    manifest_before = manifest_file.read_bytes()
    backup = stage / ".previous-raw-file"
    had_file = dest.is_file()
    installed = False
    try:
        if had_file:
            _move(dest, backup)
        _move(staged, dest)
        installed = True
        _manifest.record_new_vintage(ds.id, digest, dest.stat().st_size, file=dest.name,
                                     mirror_path=mirror_path, description=description, url=url)
    except BaseException as e:
        # Roll back: the raw file and the manifest as they were.
        if installed:
            dest.unlink(missing_ok=True)
        if had_file and backup.exists():
            _move(backup, dest)
        if manifest_file.read_bytes() != manifest_before:
            _manifest.atomic_write_text(manifest_file, manifest_before.decode("utf-8"))
        if isinstance(e, Exception) and not isinstance(e, DataError):
            raise DataError(
                f"{ds.id}: adopting the new vintage failed ({type(e).__name__}: {e}); the raw file "
                "and data/manifest.yaml were put back as they were."
            ) from e
        raise


def fetch(dataset_ids: Iterable[str] | None = None, mirror: str | os.PathLike | None = None,
          update: bool = False, progress: Progress = _stderr) -> dict[str, Path]:
    """Fetch every dataset in the manifest (or the ones named). Stops at the first failure."""
    manifest = load_manifest()
    ids = list(dataset_ids) if dataset_ids else list(manifest)
    unknown = [i for i in ids if i not in manifest]
    if unknown:
        raise DataError(f"Unknown dataset(s) {unknown}. Known datasets: {', '.join(sorted(manifest))}.")
    return {i: ensure(i, mirror=mirror, update=update, progress=progress, manifest=manifest) for i in ids}
