"""Small presentation helpers the chapters share (notes and labels, no calculations)."""

from __future__ import annotations

from IPython.display import Markdown


def parameters_note(**params) -> Markdown:
    """A one-line note of the parameters a page was built with."""
    parts = []
    for k, v in params.items():
        shown = ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)
        parts.append(f"`{k}` = {shown}")
    return Markdown("*Parameters of this page:* " + "; ".join(parts) + ".")


def percent(value: float, digits: int = 1) -> str:
    return f"{100 * value:.{digits}f}%"


def as_percent_table(df, columns, digits: int = 1):
    """A copy of `df` with the named share columns written as percentages."""
    out = df.copy()
    for c in columns:
        out[c] = out[c].map(lambda v: "–" if v != v else percent(v, digits))
    return out
