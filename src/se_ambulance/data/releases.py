"""NHS England's AmbSYS releases: their names, their official addresses, which is newest, and when the next one
is expected.

A release is known by its own file name (`AmbSYS-to-Apr-2026-QWZX3.csv`: the complete series to April 2026). A
mirror folder or a folder of downloads holds releases under those names; the landing page links them. `newest`
picks the release with the latest data month, wherever it is listed (a page that lists an older file first does
not make it the newest), and a name that does not follow the pattern is never taken for a release.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from se_ambulance.errors import FetchError
from se_ambulance.reference import releases as R

_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
_NAME = re.compile(R.AMBSYS_NAME)


@dataclass(frozen=True, order=True)
class Release:
    """One release file: the month its data run to, and its name."""

    year: int
    month: int
    name: str

    @property
    def data_to(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def month_words(self) -> str:
        return f"{self.data_to:%B %Y}"


def parse_name(name: str) -> Release | None:
    """The release a file name stands for, or None if the name does not follow NHS England's pattern."""
    m = _NAME.fullmatch(name)
    if not m or m["month"] not in _MONTHS:
        return None
    return Release(int(m["year"]), _MONTHS[m["month"]], name)


def release_name(name: str) -> Release:
    """Like parse_name, but a name that does not follow the pattern is an error that says what is expected."""
    r = parse_name(name)
    if r is None:
        raise FetchError(
            f"'{name}' is not named like an NHS England AmbSYS release: expected 'AmbSYS-to-<Mon>-<YYYY>-<code>.csv' "
            "(for example AmbSYS-to-Apr-2026-QWZX3.csv), the name NHS England gives the file. The name says which "
            "month the data run to and gives the file's official address, so a renamed file cannot be adopted: use "
            "the file under the name it was published with.")
    return r


def official_address(name: str) -> str:
    """The release's address on NHS England's site, by its upload pattern (the folder of the month after the
    data's last month)."""
    r = release_name(name)
    month = r.month + R.UPLOAD_MONTHS_AFTER_DATA
    year = r.year + (month - 1) // 12
    return R.UPLOAD_ADDRESS.format(year=year, month=(month - 1) % 12 + 1, name=name)


def newest(names: Iterable[str]) -> Release | None:
    """The release with the latest data month among `names` (names not following the pattern are ignored).

    Two different files for the same month are ambiguous: an error names both."""
    releases = sorted({r for n in names if (r := parse_name(n)) is not None})
    if not releases:
        return None
    top = releases[-1]
    same = [r.name for r in releases if (r.year, r.month) == (top.year, top.month)]
    if len(same) > 1:
        raise FetchError(f"More than one AmbSYS release with data to {top.month_words} is offered ({', '.join(same)}); "
                         "keep only the one NHS England published, or name it with --file.")
    return top


def pinned_release() -> Release:
    """The AmbSYS release `data/manifest.yaml` pins: its file name says the month its data run to (the last month any
    chapter can show)."""
    from se_ambulance.data.manifest import load_manifest

    return release_name(load_manifest()["ambsys"].file)


def releases_in(folder: Path) -> list[str]:
    """The names of the release files in a folder (not in its subfolders). A broken link or a symlink loop is
    named, never followed."""
    try:
        entries = list(os.scandir(folder))
    except OSError as e:
        raise FetchError(f"The mirror folder {folder} cannot be listed ({e.strerror or e}).") from e
    names = []
    for entry in entries:
        if parse_name(entry.name) is None:
            continue
        try:
            if entry.is_file():  # follows a link; a loop raises ELOOP, a broken link gives False
                names.append(entry.name)
            else:
                raise FetchError(f"{Path(folder) / entry.name} is named like a release but is not a readable file "
                                 "(a folder or a broken link); remove it or point the link at the file.")
        except OSError as e:
            raise FetchError(f"{Path(folder) / entry.name} cannot be read ({e.strerror or e}): a symbolic link that "
                             "leads back to itself (a loop) or to nothing. Remove the link or point it at the file."
                             ) from e
    return names


# --- when the next release is expected ------------------------------------------------------------------------------

def release_day(year: int, month: int) -> dt.date:
    """NHS England's usual AmbSYS day in a month: the second Thursday."""
    first = dt.date(year, month, 1)
    offset = (R.RELEASE_WEEKDAY - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (R.RELEASE_WEEK - 1))


def next_release_date(on_or_after: dt.date) -> dt.date:
    """The first usual release day on or after a date (the second Thursday of its month, or of the next month)."""
    day = release_day(on_or_after.year, on_or_after.month)
    if day >= on_or_after:
        return day
    nxt = dt.date(on_or_after.year + on_or_after.month // 12, on_or_after.month % 12 + 1, 1)
    return release_day(nxt.year, nxt.month)


def latest_data_month_expected(on: dt.date) -> dt.date:
    """The data month of the newest release the usual timetable would have published by `on` (a release of data to
    month M comes out on the second Thursday of M + 1)."""
    published = on.replace(day=1) if release_day(on.year, on.month) <= on else _months_before(on.replace(day=1), 1)
    return _months_before(published, R.DATA_MONTHS_BEFORE_RELEASE)


def _months_before(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole months from one first-of-month to another (negative if `later` is earlier)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month
