"""An estimate with its stated range: what every claim is judged against."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# How sure the Monte Carlo error band of a centile is: z = 3.29 is a two-sided 99.9% interval, so a verdict read
# off a centile whose band leaves the claimed figure on one side changes with the random seed about once in a
# thousand seeds at most (tests/test_claims.py measures it over seeds).
MC_Z = 3.29


def centile_band(sorted_draws: np.ndarray, q: float, z: float = MC_Z) -> tuple[float, float]:
    """The Monte Carlo confidence interval of the q-th centile of `sorted_draws` (distribution-free: the order
    statistics whose ranks are n·q ± z·sqrt(n·q·(1 − q)), the binomial interval for a quantile). It says how far
    the centile could move with another random seed, not how uncertain the quantity itself is."""
    n = len(sorted_draws)
    half = z * np.sqrt(n * q * (1 - q))
    lo = int(np.clip(np.floor(n * q - half), 0, n - 1))
    hi = int(np.clip(np.ceil(n * q + half), 0, n - 1))
    return float(sorted_draws[lo]), float(sorted_draws[hi])


@dataclass(frozen=True)
class Estimate:
    """A central value and the range the book states for it, in the claim's own unit.

    For a Monte Carlo output the range is the 90% interval (5th to 95th centile) and the centre the
    median; for a forecast, its 90% prediction interval; for a figure read straight from published
    data, low == central == high.

    `mc`, for a Monte Carlo output only: the Monte Carlo error band of (low, central, high), each (from, to) —
    how far each could move with another seed (`centile_band`). A verdict whose comparison falls inside a band
    is borderline (claims.rule)."""

    central: float
    low: float
    high: float
    mc: tuple[tuple[float, float], tuple[float, float], tuple[float, float]] | None = None

    def __post_init__(self):
        if not (self.low <= self.central <= self.high):
            raise ValueError(f"an estimate needs low <= central <= high, got {self.low}, {self.central}, {self.high}")
        if self.mc is not None:  # from JSON, lists: keep it hashable and comparable
            object.__setattr__(self, "mc", tuple((float(a), float(b)) for a, b in self.mc))

    @classmethod
    def exact(cls, value: float) -> "Estimate":
        return cls(float(value), float(value), float(value))

    @classmethod
    def from_draws(cls, draws, coverage: float = 0.90) -> "Estimate":
        """Median and central `coverage` interval of Monte Carlo draws, with each one's Monte Carlo error band."""
        x = np.sort(np.asarray(draws, dtype=float))
        tail = (1 - coverage) / 2
        qs = (tail, 0.5, 1 - tail)
        low, central, high = (float(np.quantile(x, q)) for q in qs)
        bands = (centile_band(x, qs[0]), centile_band(x, qs[1]), centile_band(x, qs[2]))
        return cls(central, low, high, bands)
