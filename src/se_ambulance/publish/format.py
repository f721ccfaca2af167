"""Formatting of times and periods, so every chapter writes them the same way."""

from __future__ import annotations

import math


def mmss(seconds: float) -> str:
    """Seconds as 'M:SS' (or 'H:MM:SS' from an hour), rounded to the nearest second."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "–"
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def fy_label(start_year: int) -> str:
    """2024 -> '2024/25' (financial year April to March)."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"
