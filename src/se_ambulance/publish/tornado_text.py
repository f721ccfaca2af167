"""Alt text for tornado charts (chapter 4's use-rate tornado and chapter 5's cash tornado): one function that names
the bars the chart actually shows widest, with their own numbers, for any parameters."""

from __future__ import annotations

import pandas as pd


def tornado_alt_text(frame: pd.DataFrame, what: str, value_format=lambda v: f"{v:.1f} million") -> str:
    """Alt text for a tornado chart (`frame` with columns assumption, low, high, central, ordered widest first): it
    names the widest bar and the next, with their own numbers, whatever they are."""
    frame = frame.assign(_width=frame["high"] - frame["low"]).sort_values("_width", ascending=False, kind="stable")
    if frame.empty:
        return f"Tornado chart of {what}: no input moves it."
    first = frame.iloc[0]
    text = (
        f"Tornado chart of {what}. Central value {value_format(first['central'])}. The widest bar is "
        f"{first['assumption']} ({value_format(first['low'])} to {value_format(first['high'])})"
    )
    if len(frame) > 1:
        nxt = frame.iloc[1]
        text += f", then {nxt['assumption']} ({value_format(nxt['low'])} to {value_format(nxt['high'])})"
    return text + "."
