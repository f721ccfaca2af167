"""Fetch raw files into data/raw: local cache, then a mirror folder, then the official route.

The pinned sha256 decides whether a file is accepted. Every write goes to a temporary file
in the destination folder and is renamed into place only after the checksum matches, so a
failed, truncated or changed download never replaces a good file.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

from se_ambulance.errors import DataError, FetchError
from se_ambulance.paths import raw_dir
from se_ambulance.data.manifest import Dataset, load_manifest, record_new_vintage

MIRROR_ENV = "SE_AMBULANCE_DATA_MIRROR"
_CHUNK = 1 << 16
_TIMEOUT_S = 60

Progress = Callable[[str], None]


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def _mirror_dir(mirror: str | os.PathLike | None) -> Path | None:
    value = mirror if mirror is not None else os.environ.get(MIRROR_ENV)
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_dir():
        source = "--mirror" if mirror is not None else MIRROR_ENV
        raise FetchError(
            f"The mirror folder '{value}' (from {source}) does not exist or is not a folder. "
            "Point it at a folder laid out like ../shared/data (ambsys/, population/), or unset it "
            "to use the official download route."
        )
    return path.resolve()


def _install(tmp: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, dest)


def _temp_in(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
    os.close(fd)
    return Path(tmp)


def _check(ds: Dataset, tmp: Path, origin: str, update: bool) -> str:
    """Return the file's sha256, or raise if it is not the pinned one (unless updating)."""
    digest = sha256_file(tmp)
    if digest != ds.sha256 and not update:
        tmp.unlink(missing_ok=True)
        raise DataError(
            f"{ds.file} from {origin} has sha256 {digest}, but data/manifest.yaml pins "
            f"{ds.sha256}. The file is corrupt or a different vintage; it was not used. "
            f"To adopt a new vintage deliberately run `se-ambulance fetch --update {ds.id}`."
        )
    return digest


def _copy_from_mirror(ds: Dataset, mirror: Path, dest: Path, update: bool) -> str:
    src = mirror / ds.mirror_path
    if not src.is_file():
        raise FetchError(f"{ds.file} is not in the mirror folder {mirror} (looked for {src}).")
    tmp = _temp_in(dest.parent, dest.name)
    try:
        shutil.copyfile(src, tmp)
        digest = _check(ds, tmp, f"the mirror ({src})", update)
        _install(tmp, dest)
        return digest
    finally:
        tmp.unlink(missing_ok=True)


def _official_url(ds: Dataset) -> str:
    if ds.url:
        return ds.url
    if not ds.discover_pattern:
        raise FetchError(
            f"{ds.id}: no direct official download address is known for '{ds.file}' "
            f"(landing page: {ds.landing_page}). Use a mirror folder (--mirror DIR or {MIRROR_ENV})."
        )
    try:
        with urllib.request.urlopen(ds.landing_page, timeout=_TIMEOUT_S) as resp:
            page = resp.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError) as e:
        raise FetchError(f"{ds.id}: could not read the landing page {ds.landing_page}: {e}") from e
    links = re.findall(ds.discover_pattern, page)
    if not links:
        raise FetchError(f"{ds.id}: no link matching {ds.discover_pattern!r} on {ds.landing_page}.")
    return urllib.parse.urljoin(ds.landing_page, links[0])


def _download(url: str, tmp: Path, progress: Progress) -> None:
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as resp, open(tmp, "wb") as out:
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


def _from_official(ds: Dataset, dest_dir: Path, update: bool, progress: Progress) -> tuple[Path, str]:
    url = _official_url(ds)
    name = Path(urllib.parse.urlparse(url).path).name or ds.file
    name = urllib.parse.unquote(name)
    if not update:
        name = ds.file  # the pinned name; a different vintage fails the checksum anyway
    dest = dest_dir / name
    tmp = _temp_in(dest_dir, name)
    try:
        progress(f"{ds.id}: downloading {url}")
        _download(url, tmp, progress)
        digest = _check(ds, tmp, url, update)
        _install(tmp, dest)
        return dest, digest
    finally:
        tmp.unlink(missing_ok=True)


def ensure(dataset_id: str, mirror: str | os.PathLike | None = None, update: bool = False,
           progress: Progress = _stderr, manifest: dict[str, Dataset] | None = None) -> Path:
    """Return the path of a verified raw file, fetching it if it is not in the local cache."""
    manifest = manifest or load_manifest()
    if dataset_id not in manifest:
        raise DataError(
            f"Unknown dataset '{dataset_id}'. Known datasets: {', '.join(sorted(manifest))}."
        )
    ds = manifest[dataset_id]
    dest_dir = raw_dir()
    dest = dest_dir / ds.file
    if dest.is_file() and not update:
        digest = sha256_file(dest)
        if digest == ds.sha256:
            return dest
        raise DataError(
            f"The cached file {dest} has sha256 {digest}, but data/manifest.yaml pins {ds.sha256}: "
            "it is corrupt or was changed by hand. It has not been used or altered. Delete it and run "
            "`se-ambulance fetch` again, or run `se-ambulance fetch --update "
            f"{ds.id}` to adopt it as a new vintage."
        )

    errors: list[str] = []
    mirror_dir = _mirror_dir(mirror)
    if mirror_dir is not None:
        try:
            digest = _copy_from_mirror(ds, mirror_dir, dest, update)
            if update and digest != ds.sha256:
                record_new_vintage(ds.id, digest, dest.stat().st_size)
                progress(f"{ds.id}: recorded new vintage sha256 {digest}")
            progress(f"{ds.id}: copied from the mirror {mirror_dir}")
            return dest
        except FetchError as e:
            errors.append(str(e))
    try:
        path, digest = _from_official(ds, dest_dir, update, progress)
    except FetchError as e:
        errors.append(str(e))
        raise FetchError(f"Could not fetch '{ds.id}' ({ds.file}): " + " | ".join(errors)) from e
    if update and (digest != ds.sha256 or path.name != ds.file):
        record_new_vintage(ds.id, digest, path.stat().st_size, file=path.name)
        progress(f"{ds.id}: recorded new vintage {path.name} sha256 {digest}")
    return path


def fetch(dataset_ids: Iterable[str] | None = None, mirror: str | os.PathLike | None = None,
          update: bool = False, progress: Progress = _stderr) -> dict[str, Path]:
    """Fetch every dataset in the manifest (or the ones named). Stops at the first failure."""
    manifest = load_manifest()
    ids = list(dataset_ids) if dataset_ids else list(manifest)
    unknown = [i for i in ids if i not in manifest]
    if unknown:
        raise DataError(f"Unknown dataset(s) {unknown}. Known datasets: {', '.join(sorted(manifest))}.")
    return {i: ensure(i, mirror=mirror, update=update, progress=progress, manifest=manifest) for i in ids}
