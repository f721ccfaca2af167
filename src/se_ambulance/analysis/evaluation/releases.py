"""The evaluation on the AmbSYS release the current one replaced, to say what a new release changed: the
months it adds, the past values it revises, and the same pre-stated study re-run on the earlier data.

The earlier study is recomputed with today's code and design, each vintage judged by the version of the rule in
force when it was adopted (the manifest's `adopted:` dates), so an estimate that differs moved because of the data,
and a verdict because of the data or of a dated revision of the rule (`study.compare_studies` says which). The claims
register's verdicts on the earlier release are `claims.vintage`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from se_ambulance.analysis import vintage_diff
from se_ambulance.analysis.evaluation.study import Design, Study, run_study
from se_ambulance.data.manifest import Dataset, Vintage
from se_ambulance.data.manifest import load_manifest
from se_ambulance.data.vintages import previous_ambsys_release


def current_ambsys() -> Dataset:
    """The AmbSYS pin the book is built on (its vintage, file and the day it was adopted)."""
    return load_manifest()["ambsys"]


def recorded_vintages() -> list[tuple[str, str | None]]:
    """Every AmbSYS vintage the manifest records, newest first: (its vintage, the day it was adopted)."""
    current = current_ambsys()
    return [(current.vintage, current.adopted), *((v.vintage, v.adopted) for v in current.previous)]


def last_month(v: Dataset | Vintage) -> pd.Timestamp | None:
    """The last month a pinned vintage covers, from its recorded coverage ('2017-08 to 2026-03; …'); None if not
    recorded that way."""
    found = re.search(r"\bto (\d{4}-\d{2})\b", v.coverage or "")
    return pd.Timestamp(f"{found.group(1)}-01") if found else None


@dataclass(frozen=True)
class VintageComparison:
    current: Dataset  # the current pin
    previous: Vintage | None  # the pin it replaced (None: no earlier vintage is recorded)
    unavailable: str | None = None  # why the earlier vintage's data could not be read, if so
    new_months: tuple[pd.Timestamp, ...] = ()
    revisions: pd.DataFrame | None = None  # every revised value (all organisations and indicators)
    previous_study: Study | None = None  # the evaluation re-run on the earlier vintage, same design

    @property
    def earlier(self) -> tuple[Vintage, ...]:
        """Every vintage the current pin replaced, newest first."""
        return tuple(self.current.previous)


def compare_with_previous(design: Design, current_tidy: pd.DataFrame) -> VintageComparison:
    """What the current AmbSYS vintage changed against the one it replaced: new months, revised values and
    the evaluation re-run on the earlier data."""
    release = previous_ambsys_release()
    if release.table is None or release.previous is None:
        return VintageComparison(release.current, release.previous, release.unavailable)
    prev = release.table
    return VintageComparison(
        release.current,
        release.previous,
        None,
        tuple(vintage_diff.new_months(prev, current_tidy)),
        vintage_diff.revisions(prev, current_tidy),
        run_study(prev, design, adopted=release.previous.adopted),
    )
