"""Chapter 5's words and display tables: everything the appraisal chapter shows as text is formatted
here from the numbers `analysis.appraisal` returns (the analysis layer returns numbers only)."""

from __future__ import annotations

import math

import pandas as pd

from se_ambulance.analysis import appraisal as A
from se_ambulance.analysis.estimate import Estimate
from se_ambulance.claims.register import claim as register_claim
from se_ambulance.claims.rule import judge_readings
from se_ambulance.publish.claims_text import group_scope_note
from se_ambulance.publish.format import odds, fy_label, millions, percent
from se_ambulance.reference.orgs import Group, names

CLAIM_WORDS = {"cash": "over £10 million", "wider": "up to £80 million"}
SUMMARY_LABELS = {
    "annual_cash_savings": "Cash savings in the final year, net of running the group (£m a year)",
    "npv_cash": "Cash net present value, net of all costs incl. one-off (£m)",
    "pv_cash_benefits": "Present value of cash benefits, gross (£m)",
    "pv_costs": "Present value of costs, with optimism bias (£m)",
    "annual_wider": "Non-cash ('equivalent') benefits in the final year (£m a year)",
    "pv_wider": "Present value of non-cash benefits, gross (£m)",
}
def input_labels(settings: A.Settings) -> dict[str, str]:
    """Reader-facing names of the model's inputs (globals, cost uplifts, register lines)."""
    return (dict(A.GLOBALS) | {"capital_optimism_bias": "Optimism bias on one-off costs",
                               "operating_optimism_bias": "Optimism bias on running costs"}
            | {i.id: i.label for i in A.register(settings)})


def register_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The register as a reader sees it (from `register_frame`): £m a year (one-off costs in total)."""
    def timing(r):
        last = r.start + r.ramp - 1
        if r.kind == "benefit":
            return f"from year {r.start}, full by year {last}"
        if r.kind == "one-off cost":
            return f"years {r.start}–{last}" if last > r.start else f"year {r.start}"
        return f"every year from year {r.start}"

    return pd.DataFrame({
        "item": frame["label"], "type": frame["kind"], "cash-releasing": frame["cash"].map({True: "yes", False: "no"}),
        "sized as": [("realised outcome" if s == "outcome" else "plan") if k == "benefit" else "–"
                     for s, k in zip(frame["sized_as"], frame["kind"])],
        "low £m": (frame["low"] / 1e6).round(1), "central £m": (frame["central"] / 1e6).round(1),
        "high £m": (frame["high"] / 1e6).round(1), "timing": [timing(r) for r in frame.itertuples()],
        "source": frame["source"]})


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """`model.summary` in £m with reader-facing labels."""
    tab = (summary / 1e6).round(1).rename(index=SUMMARY_LABELS)
    tab.columns = ["Mean", "5th centile", "Median", "95th centile"]
    tab.index.name = None
    return tab


def tornado_table(tor: pd.DataFrame, settings: A.Settings) -> pd.DataFrame:
    """The tornado in £m with an 'assumption' column of reader-facing names (for `tornado_chart`)."""
    labels = input_labels(settings)
    return pd.DataFrame({"assumption": tor["input"].map(labels), "low": (tor["low"] / 1e6).round(2),
                         "high": (tor["high"] / 1e6).round(2), "central": (tor["central"] / 1e6).round(2)})


def yearly_chart_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`model.yearly_frame` with financial-year labels and £m, for the fan chart."""
    return pd.DataFrame({"year": [fy_label(A.APPRAISAL_FIRST_YEAR + y - 1) for y in frame["year"]],
                         "series": "Cumulative discounted net cash (£m)", "median": (frame["median"] / 1e6).round(2),
                         "low": (frame["low"] / 1e6).round(2), "high": (frame["high"] / 1e6).round(2)})


def _range(e: Estimate) -> str:
    return f"{millions(e.central)} (90% interval {millions(e.low)} to {millions(e.high)})"


# --- verdicts: the claims layer's one rule ------------------------------------------------------

CLAIM_IDS = {"cash": "efficiencies-10m", "wider": "wider-benefits-80m"}


def claim_verdict(readings: dict[str, Estimate], kind: str) -> tuple[str, str]:
    """(verdict, reading) for the cash or wider claim under the book's one rule (claims.rule), with the
    claim's own figure and wording from the register."""
    c = register_claim(CLAIM_IDS[kind])
    return judge_readings(c.value, readings, c.wording, c.tolerance or 0.0)


def verdict_map_table(frame: pd.DataFrame, claim: str, x: str, y: str, settings: A.Settings,
                      x_format=percent, y_format=percent) -> pd.DataFrame:
    """A verdict map (from `model.verdict_map`) as a table: rows = y values, columns = x values, each cell
    the verdict on the most favourable reading and that reading's median."""
    labels = input_labels(settings)
    sub = frame[frame["claim"] == claim]
    cells = {}
    for (xv, yv), g in sub.groupby([x, y]):
        est = {r.reading: Estimate(r.central, r.low, r.high) for r in g.itertuples()}
        v, reading = claim_verdict(est, claim)
        cells[(xv, yv)] = f"{v} ({millions(est[reading].central)}, {'a year' if reading == 'a_year' else 'PV'})"
    xs = sorted({k[0] for k in cells})
    ys = sorted({k[1] for k in cells})
    out = pd.DataFrame([[cells[(xv, yv)] for xv in xs] for yv in ys],
                       columns=[f"{labels.get(x, x)}: {x_format(xv)}" for xv in xs])
    out.insert(0, labels.get(y, y), [y_format(v) for v in ys])
    return out


def dependence_table(frame: pd.DataFrame) -> pd.DataFrame:
    """`model.dependence` for the cash claim: each correlation's medians, intervals and chances."""
    rows = []
    for rho, g in frame.groupby("correlation"):
        est = g.set_index(["claim", "reading"])
        a = est.loc[("cash", "a_year")]
        pv = est.loc[("cash", "pv_total")]
        rows.append({"correlation between cash lines": "independent" if rho == 0 else
                     "comonotonic (1)" if rho == 1 else f"{rho:g}",
                     "cash a year, median (90% interval), £m": f"{a.central / 1e6:.1f} ({a.low / 1e6:.1f}–{a.high / 1e6:.1f})",
                     "chance of £10m a year": odds(est.loc[("cash_10m_a_year", "probability")].central),
                     "cash NPV, median (90% interval), £m": f"{pv.central / 1e6:.1f} ({pv.low / 1e6:.1f}–{pv.high / 1e6:.1f})",
                     "chance of £10m NPV": odds(est.loc[("cash_10m_in_total", "probability")].central)})
    return pd.DataFrame(rows)


def breakeven_words(b: dict[str, float], years: int) -> dict[str, str]:
    def yr(v):
        return "not within the period" if math.isinf(v) else f"year {int(v)} ({fy_label(A.APPRAISAL_FIRST_YEAR + int(v) - 1)})"
    return {"be_median": yr(b["median"]), "be_range": f"{yr(b['p5'])} to {yr(b['p95'])}",
            "be_never": f"{percent(b['share_never'], 1)} ({odds(b['share_never'])})"}


def scope_note(group: Group) -> str:
    """Chapter 5's sentence next to the two verdicts when the book's group is not the case's (empty if it is)."""
    note = group_scope_note(group, "The two benefit claims concern")
    return note and (note + f" The model, its chances and the verdict maps on this page are for {group.name}: "
                     "what the claimed sums would mean for its trusts.")


def chapter_text(settings: A.Settings, sc: A.Scale, res: A.Result, tidy: pd.DataFrame, group: Group) -> dict[str, str]:
    """Every text value chapter 5 glues, by key. `sc` is the scale of `group` (the book's `group`)."""
    if tuple(sc.members) != tuple(group.members):
        raise ValueError(f"the scale is for {sc.members}, the group is {group.members}")
    est = A.claim_estimates(res)
    probs = A.claim_probabilities(res)
    rates = A.conveyance_rates(tidy, sc.members)
    cm = A.centre_and_median(res)
    be = A.breakeven_summary(res.outcomes["breakeven_year"])
    eq = A.incident_equivalents(tidy, settings, sc)
    conv = A.conveyance_test(tidy, settings, sc)
    v = conv["value_at_best"]
    o = res.outcomes
    price = float(A.carter_price_factor(settings.turnover_uplift[1]))
    out = {
        "group_name": group.name, "group_trusts": names(group.members), "group_scope_note": scope_note(group),
        "income_per_incident": f"£{sc.income_per_incident:,.0f}",
        "years": str(settings.appraisal_years), "rate": percent(settings.discount_rate),
        "turnover_2019": millions(sc.turnover_2019, 0), "uplift": f"×{settings.turnover_uplift[1]:g}",
        "turnover_now": millions(A.central_income(settings, sc), 0), "share_year": fy_label(sc.year),
        "carter_share": percent(sc.carter_share),
        "cash_central_share": percent(A.central_cash_share(settings, sc)),
        "draws": f"{settings.mc_draws:,}", "seed": str(settings.mc_seed),
        "realisation": " / ".join(percent(x, 0) for x in settings.realisation),
        "delay": " / ".join(f"{x:g}" for x in settings.benefit_delay_years),
        "ob_capital": percent(settings.capital_optimism_bias, 0),
        "ob_operating": percent(settings.operating_optimism_bias, 0),
        # Carter rebased
        "carter_year": fy_label(rates["carter_year"]), "ed_then": percent(rates["ed_then"], 0),
        "ed_now": percent(rates["ed_now"], 0), "ht_then": percent(rates["hear_treat_then"], 0),
        "ht_now": percent(rates["hear_treat_now"], 0), "floor": percent(rates["floor"], 0),
        "floor_org": rates["floor_org"], "headroom": percent(rates["headroom"], 0),
        "carter_price": f"×{price:.3f}",
        "carter_conveyance_now": millions(float(sc.base("carter_conveyance", [1.0], [settings.turnover_uplift[1]])[0]), 1),
        "carter_productivity_now": millions(float(sc.base("carter_productivity", [1.0], [settings.turnover_uplift[1]])[0]), 1),
        # results
        "npv_median": _range(est["cash"]["pv_total"]),
        "p_npv": odds(probs["npv_positive"][0]),
        "be_median": breakeven_words(be, settings.appraisal_years)["be_median"],
        "be_range": breakeven_words(be, settings.appraisal_years)["be_range"],
        "be_never": breakeven_words(be, settings.appraisal_years)["be_never"],
        "centre": millions(cm["centre"]), "at_means": millions(cm["at_means"]),
        "mc_median": millions(cm["mc_median"]),
        # cash claim
        "cash_year": _range(est["cash"]["a_year"]), "cash_pv": _range(est["cash"]["pv_total"]),
        "p_cash_year": odds(probs["cash_10m_a_year"][0]), "p_cash_total": odds(probs["cash_10m_in_total"][0]),
        "se_cash_year": f"{100 * probs['cash_10m_a_year'][1]:.2f} percentage points",
        # wider claim
        "wider_year": _range(est["wider"]["a_year"]), "wider_pv": _range(est["wider"]["pv_total"]),
        "p_wider_year": odds(probs["wider_80m_a_year"][0]), "p_wider_total": odds(probs["wider_80m_in_total"][0]),
        # what £80m means
        "eq_share": percent(eq["share_of_turnover"], 0),
        "eq_incidents": f"{eq['equivalent_incidents'] / 1e3:,.0f} thousand",
        "eq_share_inc": percent(eq["equivalent_incidents"] / eq["incidents"], 0),
        "per_incident": f"£{eq['per_incident']:,.0f}",
        "conv_needed": f"{conv['needed']['central'] / 1e3:,.0f} thousand",
        "conv_needed_share": percent(conv["needed_share_of_ed"]["central"], 0),
        "conv_needed_range": f"{percent(conv['needed_share_of_ed']['low'], 0)} to "
                             f"{percent(conv['needed_share_of_ed']['high'], 0)}",
        "value_range": " / ".join(f"£{x:,.0f}" for x in settings.value_per_conveyance),
        "value_central": f"£{settings.value_per_conveyance[1]:,.0f}",
        "group_ed": f"{conv['group_ed'] / 1e3:,.0f} thousand", "group_share_ed": percent(conv["group_share"]),
        "best_org": conv["best_org"], "best_share": percent(conv["best_share"]),
        "avoidable": f"{conv['avoidable_at_best'] / 1e3:,.0f} thousand",
        "best_vs_80": "short of £80 million a year" if v["central"] < A.CLAIM_WIDER else "at least £80 million a year",
        "value_at_best": f"{millions(v['central'], 0)} ({millions(v['low'], 0)} to {millions(v['high'], 0)})",
        "undiscounted_cash": millions(float(o["cumulative_cash_savings"].median())),
    }
    return out
