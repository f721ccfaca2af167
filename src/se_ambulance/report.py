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
