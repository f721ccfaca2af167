"""An estimate with its stated range: what every claim is judged against."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Estimate:
    """A central value and the range the book states for it, in the claim's own unit.

    For a Monte Carlo output the range is the 90% interval (5th to 95th centile) and the centre the
    median; for a forecast, its 90% prediction interval; for a figure read straight from published
    data, low == central == high."""

    central: float
    low: float
    high: float

    def __post_init__(self):
        if not (self.low <= self.central <= self.high):
            raise ValueError(f"an estimate needs low <= central <= high, got {self.low}, {self.central}, {self.high}")

    @classmethod
    def exact(cls, value: float) -> "Estimate":
        return cls(float(value), float(value), float(value))

    @classmethod
    def from_draws(cls, draws, coverage: float = 0.90) -> "Estimate":
        """Median and central `coverage` interval of Monte Carlo draws."""
        x = np.asarray(draws, dtype=float)
        tail = (1 - coverage) / 2
        return cls(float(np.median(x)), float(np.quantile(x, tail)), float(np.quantile(x, 1 - tail)))
