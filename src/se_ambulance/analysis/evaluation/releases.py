"""The evaluation on the AmbSYS release the current one replaced, to say what a new release changed: the
months it adds, the past values it revises, and the same pre-stated study re-run on the earlier data.

The earlier study is recomputed with today's code and design, so an estimate or verdict that differs moved
because of the data. The claims register's verdicts on the earlier release are `claims.vintage`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from se_ambulance.analysis import vintage_diff
from se_ambulance.analysis.evaluation.study import Design, Study, run_study
from se_ambulance.data.manifest import Dataset, Vintage
from se_ambulance.data.vintages import previous_ambsys_release


@dataclass(frozen=True)
class VintageComparison:
    current: Dataset  # the current pin
    previous: Vintage | None  # the pin it replaced (None: no earlier vintage is recorded)
    unavailable: str | None = None  # why the earlier vintage's data could not be read, if so
    new_months: tuple[pd.Timestamp, ...] = ()
    revisions: pd.DataFrame | None = None  # every revised value (all organisations and indicators)
    previous_study: Study | None = None  # the evaluation re-run on the earlier vintage, same design


def compare_with_previous(design: Design, current_tidy: pd.DataFrame) -> VintageComparison:
    """What the current AmbSYS vintage changed against the one it replaced: new months, revised values and
    the evaluation re-run on the earlier data."""
    release = previous_ambsys_release()
    if release.table is None:
        return VintageComparison(release.current, release.previous, release.unavailable)
    prev = release.table
    return VintageComparison(release.current, release.previous, None,
                             tuple(vintage_diff.new_months(prev, current_tidy)),
                             vintage_diff.revisions(prev, current_tidy), run_study(prev, design))
