"""The numbers behind the two benefit claims: each claim's two readings as estimates (median and 90%
interval) and the chances of reaching the claimed figures, plus what "the equivalent of £80 million"
would mean in the group's activity (the trusts in `Scale.members`). Verdict words come from the claims
layer, not from here.

The two readings of each claim:
- a_year: a yearly amount once the plan is in place (the final appraisal year). Cash: cash-releasing
  benefits less the group's running costs; wider: non-cash benefits.
- pv_total: a present-value total over the appraisal period, discounted at the run's rate. Cash: NET
  of all costs, one-off included (the cash NPV); wider: GROSS present value of non-cash benefits (its
  costs are cash and sit in the cash case).
"""

from __future__ import annotations

import pandas as pd

from se_ambulance.analysis.appraisal.inputs import INCOME_YEAR, Scale, Settings, ed_shares, fy_incidents
from se_ambulance.analysis.appraisal.model import Result, central_income, probability
from se_ambulance.analysis.estimate import Estimate

CLAIM_CASH = 10e6
CLAIM_WIDER = 80e6

# claim -> reading -> outcome column
READINGS = {
    "cash": {"a_year": "annual_cash_savings", "pv_total": "npv_cash"},
    "wider": {"a_year": "annual_wider", "pv_total": "pv_wider"},
}


def claim_estimates(res: Result) -> dict[str, dict[str, Estimate]]:
    """{'cash': {'a_year', 'pv_total'}, 'wider': {'a_year', 'pv_total'}} as Estimates in pounds
    (median and 90% interval of the draws)."""
    o = res.outcomes
    return {
        claim: {reading: Estimate.from_draws(o[col]) for reading, col in readings.items()}
        for claim, readings in READINGS.items()
    }


def claim_probabilities(res: Result) -> dict[str, tuple[float, float]]:
    """The chances behind the verdicts, each with its Monte Carlo standard error. Conditional on the
    assumed ranges; the standard error measures only the finite number of draws."""
    o = res.outcomes
    be = o["breakeven_year"].notna().mean()
    return {
        "cash_10m_a_year": probability(o["annual_cash_savings"], CLAIM_CASH),
        "cash_10m_in_total": probability(o["npv_cash"], CLAIM_CASH),
        "wider_80m_a_year": probability(o["annual_wider"], CLAIM_WIDER),
        "wider_80m_in_total": probability(o["pv_wider"], CLAIM_WIDER),
        "npv_positive": probability(o["npv_cash"], 0.0),
        "breaks_even": (float(be), float((be * (1 - be) / len(o)) ** 0.5)),
    }


def conveyance_test(tidy: pd.DataFrame, settings: Settings, sc: Scale, amount: float = CLAIM_WIDER) -> dict:
    """£80m as conveyances to ED avoided, against what the group's activity could plausibly give.

    Compares the number needed (amount ÷ value per avoided conveyance) with the group's ED conveyances
    and with the conveyances avoided if the group matched the English trust with the lowest share of
    incidents conveyed to ED in the latest complete year (AmbSYS A53 ÷ A7)."""
    year = sc.year
    shares = ed_shares(tidy, year)
    group_ed = sum(shares[o][0] for o in sc.members)
    group_inc = sum(shares[o][1] for o in sc.members)
    rate = {o: ed / inc for o, (ed, inc) in shares.items()}
    best = min(rate, key=rate.get)
    group_share = group_ed / group_inc
    avoidable = max(group_share - rate[best], 0.0) * group_inc
    low, mid, high = settings.value_per_conveyance
    needed = {k: amount / v for k, v in (("low", high), ("central", mid), ("high", low))}
    return {
        "year": year,
        "group_incidents": group_inc,
        "group_ed": group_ed,
        "group_share": group_share,
        "best_org": best,
        "best_share": rate[best],
        "avoidable_at_best": avoidable,
        "needed": needed,
        "needed_share_of_ed": {k: v / group_ed for k, v in needed.items()},
        "value_at_best": {k: avoidable * v for k, v in (("low", low), ("central", mid), ("high", high))},
    }


def incident_equivalents(tidy: pd.DataFrame, settings: Settings, sc: Scale, amount: float = CLAIM_WIDER) -> dict:
    """£80m in incidents' worth of the group's average income per incident (latest complete year).

    The income is the group's INCOME_YEAR incidents at the most likely income per incident (2025/26 prices), so
    today's income per incident is that rate x the INCOME_YEAR incidents over today's (`incidents_ratio`). With
    `group_turnover_m` set, the income is the reader's and `per_incident_income_year` is None."""
    inc = float(sum(fy_incidents(tidy, o)[sc.year] for o in sc.members))
    inc_then = float(sum(fy_incidents(tidy, o)[INCOME_YEAR] for o in sc.members))
    turnover = central_income(settings, sc)
    per_incident = turnover / inc
    rate = None if settings.group_turnover_m is not None else sc.income_per_incident
    return {
        "incidents": inc,
        "turnover": turnover,
        "per_incident": per_incident,
        "equivalent_incidents": amount / per_incident,
        "share_of_turnover": amount / turnover,
        "incidents_income_year": inc_then,
        "incidents_ratio": inc / inc_then,
        "per_incident_income_year": rate,
    }
