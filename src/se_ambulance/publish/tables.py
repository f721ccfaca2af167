"""Tables as readers see them: numbers from `analysis` turned into labelled, formatted frames."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from se_ambulance.reference.use_rates import RATED_GROUPS, SOURCES


def use_rates_table(rates: Mapping) -> pd.DataFrame:
    """The use-rate inputs of this run (low / central / high, ages 15-64 = 1) with their sources."""
    from se_ambulance.analysis.demography import triples

    t = triples(rates)
    return pd.DataFrame([{"age group": g, "low": t[g][0], "central (used)": t[g][1], "high": t[g][2],
                          "source": SOURCES[g]} for g in RATED_GROUPS]).set_index("age group")


def rate_tornado_frame(tornado: pd.DataFrame) -> pd.DataFrame:
    """The demographic tornado with readable row labels, for the chart."""
    out = tornado.assign(assumption=[f"Rate at {g} (central {c:g})" for g, c in
                                     zip(tornado["group"], tornado["central_rate"])])
    return out[["assumption", "low", "high", "central"]].round(4)
