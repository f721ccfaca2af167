"""Earlier vintages of a dataset: the pins `fetch --update` moved under `previous:` in the manifest, and
their data, for saying what a new release changed.

A previous vintage's table is found, in order, in the parquet cache (keyed by the vintage's sha256: there
when the book was built with that vintage on this machine), else fetched by its own pin like any raw file
(data/raw, then the mirror folder, then the vintage's official address), checked against its sha256 and
kept in data/raw under a name of its own (`previous-<sha>-<file>`, so it never clashes with the current
file, which often has the same name). Nothing here changes the current pin.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd

from se_ambulance.data.common import cached_frame
from se_ambulance.data.manifest import Dataset, Vintage, load_manifest
from se_ambulance.errors import DataError, FetchError, SeAmbulanceError


@dataclass(frozen=True)
class VintageData:
    vintage: Vintage  # what the manifest records about it
    table: pd.DataFrame


def previous_vintage(dataset_id: str) -> Vintage | None:
    """The vintage the current pin replaced (the newest under `previous:`), or None if there is none."""
    manifest = load_manifest()
    if dataset_id not in manifest:
        raise DataError(f"Unknown dataset '{dataset_id}'. Known datasets: {', '.join(sorted(manifest))}.")
    prev = manifest[dataset_id].previous
    return prev[0] if prev else None


def releases(dataset_id: str = "ambsys") -> list[Dataset | Vintage]:
    """The current pin and every vintage it replaced, newest first."""
    manifest = load_manifest()
    if dataset_id not in manifest:
        raise DataError(f"Unknown dataset '{dataset_id}'. Known datasets: {', '.join(sorted(manifest))}.")
    return [manifest[dataset_id], *manifest[dataset_id].previous]


def find_release(key: str, dataset_id: str = "ambsys") -> Dataset | Vintage:
    """The current or a previous vintage by its file name or sha256 (its first 12 hex digits are enough)."""
    for r in releases(dataset_id):
        if key in (r.file, r.sha256) or (len(key) >= 12 and r.sha256.startswith(key)):
            return r
    known = ", ".join(r.file for r in releases(dataset_id))
    raise DataError(f"No vintage '{key}' of '{dataset_id}' is recorded in data/manifest.yaml; recorded: {known}.")


def adoption_date(release: Dataset | Vintage | str, dataset_id: str = "ambsys") -> dt.date | None:
    """The date a vintage was adopted (its manifest `adopted:` field, for the current pin or one under `previous:`),
    or None when it was pinned before the dates were recorded. `release` is a manifest entry, or a file name or
    sha256 looked up in the manifest."""
    r = find_release(release, dataset_id) if isinstance(release, str) else release
    if not r.adopted:
        return None
    try:
        return dt.date.fromisoformat(str(r.adopted))
    except ValueError as e:
        raise DataError(f"The manifest records {r.file}'s adoption date as {r.adopted!r}, which is not a date "
                        "(YYYY-MM-DD).") from e


def _entry_for(ds: Dataset, v: Vintage) -> Dataset:
    parent = PurePosixPath(ds.mirror_path).parent
    mirror_path = v.file if str(parent) in ("", ".") else f"{parent}/{v.file}"
    return ds.model_copy(update={
        "file": f"previous-{v.sha256[:12]}-{v.file}", "mirror_path": mirror_path, "sha256": v.sha256,
        "bytes": v.bytes, "vintage": v.vintage, "coverage": v.coverage, "url": v.url, "discover_pattern": None,
        "previous": []})


def previous_file(dataset_id: str, v: Vintage, mirror: str | os.PathLike | None = None) -> Path:
    """The raw file of an earlier vintage, fetched by its own pin and checked against its sha256."""
    from se_ambulance.data.fetch import ensure

    ds = load_manifest()[dataset_id]
    entry = _entry_for(ds, v)
    return ensure(dataset_id, mirror=mirror, manifest={dataset_id: entry}, progress=lambda m: None)


def load_previous(dataset_id: str, reader, cache_version: str,
                  mirror: str | os.PathLike | None = None) -> VintageData | None:
    """The table of the vintage the current pin replaced, read by `reader` (the dataset's loader), or None
    when the manifest records no earlier vintage. Raises DataError/FetchError (with the reason) when one is
    recorded but its file cannot be found anywhere."""
    v = previous_vintage(dataset_id)
    if v is None:
        return None
    return VintageData(v, vintage_table(dataset_id, v, reader, cache_version, mirror))


def vintage_table(dataset_id: str, v: Vintage, reader, cache_version: str,
                  mirror: str | os.PathLike | None = None) -> pd.DataFrame:
    """The table of one earlier vintage (from the parquet cache, else its file fetched by its own pin)."""
    def build(_path: Path) -> pd.DataFrame:
        return reader(previous_file(dataset_id, v, mirror))

    try:
        return cached_frame(dataset_id, Path(v.file), v.sha256, cache_version, build, progress=lambda m: None)
    except (DataError, FetchError) as e:
        raise DataError(f"The earlier vintage of '{dataset_id}' ({v.vintage}, sha256 {v.sha256[:12]}…) is not in "
                        f"the cache and could not be fetched by its pin: {e}") from e


def ambsys_table(release: Dataset | Vintage, mirror: str | os.PathLike | None = None) -> pd.DataFrame:
    """The AmbSYS table of the current pin or of any vintage recorded under `previous:`."""
    from se_ambulance.data.ambsys import _CACHE_VERSION, load_ambsys, read_ambsys_csv

    if isinstance(release, Dataset):
        return load_ambsys(mirror)
    return vintage_table("ambsys", release, read_ambsys_csv, _CACHE_VERSION, mirror)


def load_previous_ambsys(mirror: str | os.PathLike | None = None) -> VintageData | None:
    """The AmbSYS vintage the current one replaced (see `load_previous`)."""
    from se_ambulance.data.ambsys import _CACHE_VERSION, read_ambsys_csv

    return load_previous("ambsys", read_ambsys_csv, _CACHE_VERSION, mirror)


@dataclass(frozen=True)
class PreviousRelease:
    """The current AmbSYS pin and the release it replaced, for the pages that say what a new release changed."""
    current: Dataset
    previous: Vintage | None  # None: the manifest records no earlier vintage
    table: pd.DataFrame | None = None  # the earlier release's table, when it could be read
    unavailable: str | None = None  # why it could not be read, if so


def previous_ambsys_release(mirror: str | os.PathLike | None = None) -> PreviousRelease:
    """The current AmbSYS pin with the release it replaced and that release's table; a recorded release whose
    data cannot be found is reported (with the reason), never guessed."""
    current = load_manifest()["ambsys"]
    if not current.previous:
        return PreviousRelease(current, None)
    try:
        prev = load_previous_ambsys(mirror)
    except SeAmbulanceError as e:
        return PreviousRelease(current, current.previous[0], unavailable=str(e))
    return PreviousRelease(current, prev.vintage, prev.table)


def previous_vintages_state() -> str:
    """What the pages that compare releases can read now: for each dataset with an earlier vintage recorded, that
    vintage's sha256 and whether its file can be had (fetched by its pin, as those pages fetch it: data/raw, the
    mirror folder, its official address). Empty when no earlier vintage is recorded.

    Chapter keys include it: a page that said an earlier release "could not be read" is executed again once the
    release can be read, instead of being served again from the chapter store."""
    parts = []
    for dataset_id, ds in sorted(load_manifest().items()):
        if not ds.previous:
            continue
        v = ds.previous[0]
        try:
            previous_file(dataset_id, v)
            state = "readable"
        except SeAmbulanceError:
            state = "unreadable"
        parts.append(f"{dataset_id}:{v.sha256}:{state}")
    return ";".join(parts)
