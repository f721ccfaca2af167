"""Tables as readers see them: numbers from `analysis` turned into labelled, formatted frames."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from se_ambulance.reference.use_rates import RATED_GROUPS, SOURCES


def use_rates_table(rates: Mapping) -> pd.DataFrame:
    """The use-rate inputs of this run (low / central / high, ages 15-64 = 1) with their sources."""
    from se_ambulance.analysis.demography import triples

    t = triples(rates)
    return pd.DataFrame(
        [
            {"age group": g, "low": t[g][0], "central (used)": t[g][1], "high": t[g][2], "source": SOURCES[g]}
            for g in RATED_GROUPS
        ]
    ).set_index("age group")


def rate_tornado_frame(tornado: pd.DataFrame) -> pd.DataFrame:
    """The demographic tornado with readable row labels, for the chart."""
    out = tornado.assign(
        assumption=[f"Rate at {g} (central {c:g})" for g, c in zip(tornado["group"], tornado["central_rate"])]
    )
    return out[["assumption", "low", "high", "central"]].round(4)


# --- Response times, SPC, forecasts and outcomes: numbers from `analysis`, formatted for readers ---


def coverage_table(cov: pd.DataFrame) -> pd.DataFrame:
    """`performance.coverage` with months as 'Mon YYYY' and the missing months listed (or 'none')."""
    return pd.DataFrame(
        {
            "first": [f"{m:%b %Y}" for m in cov["first"]],
            "last": [f"{m:%b %Y}" for m in cov["last"]],
            "months": cov["months"].to_numpy(),
            "missing": [", ".join(f"{m:%b %Y}" for m in gaps) or "none" for gaps in cov["missing"]],
        },
        index=pd.Index(cov["category"], name="category"),
    )


def fy_summary_table(
    fy: pd.DataFrame, orgs: Sequence[str], categories: Sequence[str] = ("C1", "C2"), group=None
) -> pd.DataFrame:
    """`performance.fy_means` as one row per financial year and one m:ss column per category and org;
    a dash where the org did not report the whole year. `group`: the book's group (a `reference.orgs.Group`),
    needed when `orgs` holds GROUP."""
    from functools import partial

    from se_ambulance.publish.format import fy_label, mmss
    from se_ambulance.reference.orgs import short_name as _short

    short_name = partial(_short, group=group)

    shown = fy.assign(
        column=fy["category"] + " mean · " + fy["org"].map(short_name),
        year=fy["fy"].map(fy_label),
        value=fy["mean"].map(mmss),
    )
    table = shown.pivot(index="year", columns="column", values="value")
    order = [f"{c} mean · {short_name(o)}" for c in categories for o in orgs]
    table = table.reindex(columns=[c for c in order if c in table.columns]).fillna("–")
    table.columns.name = None
    table.index.name = "Financial year"
    return table


def standards_met_table(counts: pd.DataFrame, orgs: Sequence[str], group=None) -> pd.DataFrame:
    """`performance.standards_met_counts` as 'met of months (share%)' by measure and organisation.
    `group`: the book's group (a `reference.orgs.Group`), needed when `orgs` holds GROUP."""
    from functools import partial

    from se_ambulance.publish.format import fy_label, mmss
    from se_ambulance.reference.orgs import short_name as _short

    short_name = partial(_short, group=group)
    from se_ambulance.reference.standards import INTERIM_C2_YEARS

    years = f"{fy_label(min(INTERIM_C2_YEARS))} to {fy_label(max(INTERIM_C2_YEARS))}"
    labels = {"mean": "mean", "p90": "90th centile", "interim mean": f"mean, interim target ({years})"}
    m = counts.assign(
        organisation=counts["org"].map(short_name),
        measure=counts["category"] + " " + counts["statistic"].map(labels),
        standard=counts["standard"].map(mmss),
        result=[
            f"{int(a)} of {int(n)} ({100 * s:.0f}%)"
            for a, n, s in zip(counts["met"], counts["months"], counts["share_met"])
        ],
    )
    table = m.pivot(index=["measure", "standard"], columns="organisation", values="result")
    table = table.reindex(columns=[short_name(o) for o in orgs if short_name(o) in table.columns])
    table.columns.name = None
    return table


# The claim's definitions are on the case's own scope (SCAS + SECAmb), whatever the book's group.
DEFINITION_LABELS = {
    "secamb": "SECAmb alone, incident-weighted",
    "scas": "SCAS alone, incident-weighted",
    "group": "SCAS + SECAmb pooled by incidents",
    "region": "NHS South East region (SCAS + SECAmb + Isle of Wight), incident-weighted",
    "region_simple": "NHS South East region, simple average of monthly means",
    "group_simple": "SCAS + SECAmb, simple average of monthly means",
    "england": "England, incident-weighted",
}


def claim_comparison_table(comparison: pd.DataFrame, tolerance: Mapping[str, float] | None = None) -> pd.DataFrame:
    """`performance.compare_with_claim` with means as m:ss and differences in whole seconds, as AmbSYS publishes
    them (`format.seconds_difference`). `tolerance`: the claims' rounding by category ('C1': 2.0), so that a
    difference just outside it is never rounded to read as inside; by default the register's response-time claims'."""
    from se_ambulance.publish.format import mmss, seconds_difference

    if tolerance is None:
        from se_ambulance.claims.register import claim

        tolerance = {cat: claim(f"{cat.lower()}-mean-2024-25").tolerance or 0.0 for cat in ("C1", "C2")}
    out = pd.DataFrame(index=pd.Index(comparison["key"].map(DEFINITION_LABELS), name="Definition"))
    for cat in ("C1", "C2"):
        out[f"Category {cat[1]} average"] = comparison[cat].map(mmss).to_numpy()
        out[f"Category {cat[1]}: difference from the claim"] = [
            seconds_difference(d, tolerance.get(cat)) for d in comparison[f"{cat}_diff"]
        ]
    return out


def ranks_table(ranks: pd.DataFrame, category: str) -> pd.DataFrame:
    """`performance.ranks_by_year` with years as 2024/25, means as m:ss and the fastest and slowest named."""
    from se_ambulance.publish.format import fy_label, mmss
    from se_ambulance.reference.orgs import short_name

    return pd.DataFrame(
        {
            f"{category} average": ranks["mean"].map(mmss).to_numpy(),
            "rank": ranks["rank"].to_numpy(),
            "of": ranks["of"].to_numpy(),
            "fastest": [f"{short_name(o)} {mmss(v)}" for o, v in zip(ranks["fastest_org"], ranks["fastest_mean"])],
            "slowest": [f"{short_name(o)} {mmss(v)}" for o, v in zip(ranks["slowest_org"], ranks["slowest_mean"])],
        },
        index=pd.Index(ranks["fy"].map(fy_label), name="Financial year"),
    )


def special_cause_table(chart: pd.DataFrame) -> pd.DataFrame:
    """One row per rule that fires: months flagged and the periods, e.g. 'Aug 2018–Nov 2020'."""
    from se_ambulance.analysis.spc import RULE_NAMES, special_cause_periods

    periods = special_cause_periods(chart)
    rows = []
    for rule in RULE_NAMES.values():
        p = periods[periods["rule"] == rule]
        if p.empty:
            continue
        spans = [f"{a:%b %Y}" if a == b else f"{a:%b %Y}–{b:%b %Y}" for a, b in zip(p["first"], p["last"])]
        rows.append({"rule": rule, "months flagged": int(p["points"].sum()), "periods": "; ".join(spans)})
    return pd.DataFrame(rows, columns=["rule", "months flagged", "periods"]).set_index("rule")


def spc_phase_table(chart: pd.DataFrame, minutes: bool = True) -> pd.DataFrame:
    """Each phase of an XmR chart: its months, mean and process limits (m:ss when the chart is in minutes)
    and how many months show special cause."""
    from se_ambulance.analysis.spc import phase_summary
    from se_ambulance.publish.format import mmss

    ps = phase_summary(chart)
    fmt = (lambda v: mmss(60 * v)) if minutes else (lambda v: f"{v:,.1f}")  # noqa: E731
    return pd.DataFrame(
        {
            "from": [f"{m:%b %Y}" for m in ps["first"]],
            "to": [f"{m:%b %Y}" for m in ps["last"]],
            "months": ps["months"].to_numpy(),
            "mean": ps["mean"].map(fmt).to_numpy(),
            "process limits": [f"{fmt(lo)} to {fmt(hi)}" for lo, hi in zip(ps["lower"], ps["upper"])],
            "months with special cause": [
                f"{f}" + (" (fewer than 12 months: limits unreliable)" if s else "")
                for f, s in zip(ps["flagged"], ps["short_phase"])
            ],
        },
        index=pd.Index(range(1, len(ps) + 1), name="phase"),
    )


def system_changes_table(breaks: Sequence[str]) -> pd.DataFrame:
    """The break months in use, each with its reason and source from the reference table (a month not in
    the table is marked as set by the run's parameters)."""
    from se_ambulance.reference.system_changes import SYSTEM_CHANGES

    known = {c.month: c for c in SYSTEM_CHANGES}
    rows = []
    for b in breaks:
        c = known.get(b)
        rows.append(
            {
                "new phase from": f"{pd.Timestamp(b):%b %Y}",
                "change": c.name if c else "set by this run's parameters",
                "reason": c.reason if c else "–",
                "source": c.source if c else "–",
            }
        )
    return pd.DataFrame(rows, columns=["new phase from", "change", "reason", "source"]).set_index("new phase from")


def winter_words(ratio: float) -> str:
    """'5% slower' / '3% faster' / 'no slower and no faster' for a winter ratio (winter mean ÷ other months)."""
    pct = round(100 * (ratio - 1))
    if pct == 0:
        return "no slower and no faster"
    return f"{abs(pct)}% {'slower' if pct > 0 else 'faster'}"


ACTIVITY_COLUMNS = {
    "incidents_per_day": "Incidents a day",
    "c1_share": "C1",
    "c2_share": "C2",
    "c3_share": "C3",
    "c4_share": "C4",
    "other_types_share": "Other types",
    "hear_and_treat_share": "Hear and treat",
    "see_and_treat_share": "See and treat",
    "conveyed_ed_share": "Conveyed to ED",
    "conveyed_other_share": "Conveyed elsewhere",
}


def activity_shares_table(shares: pd.DataFrame) -> pd.DataFrame:
    """`activity.activity_shares_by_year` with shares as percentages and readable column names; a dash where
    the year is incomplete for that count (`metrics.complete_years`), as chapter 1's yearly means show it."""
    from se_ambulance.publish.format import fy_label, percent

    out = pd.DataFrame(index=pd.Index([fy_label(y) for y in shares.index], name="Financial year"))
    for col, label in ACTIVITY_COLUMNS.items():
        v = shares[col].to_numpy()
        out[label] = (
            [f"{x:,.0f}" for x in v] if col == "incidents_per_day" else ["–" if x != x else percent(x) for x in v]
        )
    return out


REGRESSION_MODELS = {"demand": "Demand model", "handover": "Handover model"}  # as the chapter's method notes name them
REGRESSION_COLUMNS = {
    "model": "Model",
    "term": "Factor",
    "minutes": "Change in the Category 2 average (minutes)",
    "ci": "95% confidence interval",
    "p": "p-value",
    "r2": "R² of the model",
    "n": "Months",
}


def regression_table(coefs: pd.DataFrame) -> pd.DataFrame:
    """`activity.coefficient_table` for reading: the change in minutes and its 95% interval with true minus signs
    ('−1.88 to 1.92'), p-values by `format.p_value`, and column names in words."""
    from se_ambulance.publish.format import number, p_value, span

    out = pd.DataFrame(
        {
            "model": [REGRESSION_MODELS.get(m, m) for m in coefs["model"]],
            "term": coefs["term"].to_numpy(),
            "minutes": [number(v, 2) for v in coefs["minutes"]],
            "ci": [span(number(lo, 2), number(hi, 2)) for lo, hi in zip(coefs["ci_low"], coefs["ci_high"])],
            "p": [p_value(p) for p in coefs["p"]],
            "r2": [number(v, 2) for v in coefs["r2"]],
            "n": coefs["n"].to_numpy(),
        }
    )
    return out.rename(columns=REGRESSION_COLUMNS).set_index(["Model", "Factor"])


def backtest_table(summary: pd.DataFrame) -> pd.DataFrame:
    """`forecast.backtest_summary` with readable names, best first."""
    from se_ambulance.publish.format import percent

    names = {
        "mase": "MASE",
        "relative_to_seasonal_naive": "MASE ÷ seasonal naive's",
        "mape": "MAPE",
        "coverage": "actual months inside the 95% interval",
        "origins": "tests",
    }
    out = summary.reindex(columns=[c for c in names if c in summary.columns]).copy()
    out["mase"] = out["mase"].round(3)
    if "relative_to_seasonal_naive" in out:
        out["relative_to_seasonal_naive"] = out["relative_to_seasonal_naive"].round(2)
    out["mape"] = out["mape"].map(percent)
    out["coverage"] = out["coverage"].map(lambda v: percent(v, 0))
    out = out.rename(columns=names)
    out.index = out.index.map(model_label)
    out.index.name = "Method (best first)"
    return out


# The back-test's judgement words and the rules that decide them.
# A method is "much better" than seasonal naive when its mean MASE is at least this share lower than naive's.
MUCH_BETTER_THAN_NAIVE = 0.20
# The winner has a "clear lead" when its mean MASE is at least this share below the runner-up's.
CLEAR_LEAD = 0.10


# Forecasting methods as the pages name them: the two statsmodels models by their abbreviations (each in the
# glossary), the two baselines in words.
MODEL_LABELS = {"sarima": "SARIMA", "ets": "ETS", "seasonal_naive": "seasonal naive", "drift": "drift"}


def model_label(model: str) -> str:
    """'seasonal_naive' -> 'seasonal naive', 'sarima' -> 'SARIMA': a forecasting method as the pages name it."""
    return MODEL_LABELS.get(str(model), str(model).replace("_", " "))


def ranking_sentence(winner: Mapping) -> str:
    """How firm the back-test's ranking is. `winner` is `forecast.best_model`; the rule: a lead of at least
    CLEAR_LEAD (the runner-up's MASE less the winner's, as a share of the runner-up's) is clear."""
    from se_ambulance.publish.format import percent

    if winner["runner_up"] is None:
        return "Only one method was scored, so there is no ranking to judge."
    rule = f"The book calls a lead over the runner-up clear when the winner's score is {percent(CLEAR_LEAD, 0)} or more lower."
    if winner["relative_margin"] < CLEAR_LEAD:
        return f"{rule} This lead is not clear, so other test dates could change the ranking."
    return f"{rule} This lead is clear, though it rests on the test dates chosen."


def naive_comparison_sentence(summary: pd.DataFrame) -> str:
    """The best method against seasonal naive (this year will look like last year). `summary` is
    `forecast.backtest_summary`; the rule: a MASE at least MUCH_BETTER_THAN_NAIVE below seasonal naive's, over
    the same origins, is much better. It is a second bar, higher than CLEAR_LEAD, and the sentence says what each
    bar is for, so that two thresholds on one comparison (when seasonal naive is the runner-up) do not read as one
    rule stated twice."""
    from se_ambulance.publish.format import percent

    best = str(summary["mase"].idxmin())
    if best == "seasonal_naive":
        return (
            "No method beat seasonal naive: at a one-year horizon, assuming each month will look like the same "
            "month last year was the most accurate forecast here."
        )
    if "relative_to_seasonal_naive" not in summary:
        return ""
    ratio = float(summary.loc[best, "relative_to_seasonal_naive"])
    lower = percent(1 - ratio)
    name = model_label(best)
    name = name[:1].upper() + name[1:]  # it opens a sentence
    bar = (
        f"A second, higher bar asks whether forecasting is worth it at all: the book calls a method much better "
        f"than seasonal naive (this year will look like last year) when its score is at least "
        f"{percent(MUCH_BETTER_THAN_NAIVE, 0)} lower."
    )
    if ratio <= 1 - MUCH_BETTER_THAN_NAIVE:
        return (
            f"{bar} {name}'s is {lower} lower, so at a one-year horizon it did much better than "
            "assuming this year will look like last year."
        )
    return (
        f"{bar} {name}'s is only {lower} lower, so at a one-year horizon no method did much better "
        "than assuming this year will look like last year."
    )


def backtest_values(summary: pd.DataFrame, winner: Mapping, shown_model: str) -> dict[str, str]:
    """The demand chapter's text values for the back-test: `summary` is `forecast.backtest_summary`, `winner`
    `forecast.best_model(summary)`, `shown_model` `forecast.resolve_model(...)`."""
    from se_ambulance.publish.format import month_label, percent

    return {
        "bt_best": model_label(winner["best"]),
        "bt_runner_up": model_label(winner["runner_up"]),
        "bt_best_mase": f"{winner['best_mase']:.3f}",
        "bt_runner_up_mase": f"{winner['runner_up_mase']:.3f}",
        "bt_margin": percent(winner["relative_margin"]),
        "bt_origins": str(int(summary["origins"].iloc[0])),
        "bt_first": month_label(summary["first_origin"].iloc[0]),
        "shown_model": model_label(shown_model),
        "bt_ranking": ranking_sentence(winner),
        "bt_naive": naive_comparison_sentence(summary),
    }


def category_outlook_note(model: str) -> str:
    """What the by-category outlook means for the model used: for the naive baselines the change is fixed by
    construction, which the table alone does not show. Empty for the fitted models."""
    if model == "seasonal_naive":
        return (
            "Seasonal naive repeats each category's last twelve months, so every change is 0.0% by "
            "construction, not a forecast that demand will stay flat; its range, symmetric about zero, shows "
            "only how far months have differed from the same month a year before."
        )
    if model == "drift":
        return (
            "Drift extends the straight line from each category's first to its last training month, so each "
            "change is that past average change carried forward by construction, with no seasons."
        )
    return ""


def trend_fit_words(totals: pd.Series, covid: str) -> str:
    """The demand chapter's sentence on which financial years its log-linear trend is fitted to and how
    2020/21 enters it, from `analysis.demand.trend_years` (the years `demand.scenarios` fits)."""
    from se_ambulance.analysis.demand import COVID_FY, trend_excluded_years, trend_years
    from se_ambulance.publish.format import fy_label

    years = trend_years(totals, covid)
    span = f"{fy_label(min(years))} to {fy_label(max(years))}" if years else "no complete year"
    if COVID_FY in trend_excluded_years(covid):
        return (
            f"The trend is fitted to the complete financial years {span} without {fy_label(COVID_FY)}, as the "
            f"book leaves the COVID months out. March 2020, the COVID window's first month, stays in "
            f"{fy_label(COVID_FY - 1)}."
        )
    return (
        f"The trend is fitted to the complete financial years {span} with {fy_label(COVID_FY)} as an ordinary "
        f"year: the COVID setting is '{covid}', but the annual trend has no COVID term. Only SARIMA's monthly "
        "model takes a step for the COVID months."
    )


def category_outlook_table(outlook: pd.DataFrame) -> pd.DataFrame:
    """`forecast.category_outlook` as counts with thousands separators and changes in %."""
    from se_ambulance.publish.format import percent, percent_range

    return pd.DataFrame(
        {
            "last 12 months": outlook["last_12"].map(lambda v: f"{v:,.0f}"),
            "next 12 months": outlook["next_12"].map(lambda v: f"{v:,.0f}"),
            "change": outlook["growth"].map(percent),
            "range": [percent_range(lo, hi) for lo, hi in zip(outlook["low"], outlook["high"])],
        },
        index=outlook.index,
    )


def outcomes_latest_table(rates: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Every measure in the latest complete year, as 'rate (95% CI)' by organisation: '49.1% (44.3% to 54.0%)'."""
    from se_ambulance.publish.format import fy_label, percent, percent_range

    latest = rates[rates["fy"] == rates["fy"].max()]
    shown = latest.assign(
        rate=[f"{percent(r.rate)} ({percent_range(r.ci_low, r.ci_high)})" for r in latest.itertuples()]
    )
    table = shown.pivot(index="measure_label", columns="organisation", values="rate")
    table = table.reindex(columns=[c for c in order if c in table.columns])
    table.index.name = f"{fy_label(int(rates['fy'].max()))} (95% CI)"
    table.columns.name = None
    return table


def over_85_change_frame(
    subicb: pd.DataFrame,
    la: pd.DataFrame,
    region: pd.DataFrame,
    mye: pd.DataFrame,
    target: int = 2034,
    bases=(2022, 2023, 2024, 2025),
) -> pd.DataFrame:
    """Context for the 85+ claim: the change to mid-`target` from each base year, for each trust's footprint,
    the South East region (the two footprints together are the same counties, so one row) and England. Newest base
    first: mid-2025, the case's year and the claim's reading, is the column a phone shows beside the area."""
    from se_ambulance.analysis import population as pop
    from se_ambulance.publish.format import percent
    from se_ambulance.reference.orgs import CASE_GROUP_MEMBERS  # the claim's own scope, whatever the book's group

    areas = {pop.FOOTPRINTS[k].label: pop.footprint_totals(pop.FOOTPRINTS[k], subicb, la) for k in CASE_GROUP_MEMBERS}
    areas["South East region (= SCAS + SECAmb footprints)"] = pop.region_totals(region, "SOUTH EAST")
    areas["England"] = pop.region_totals(region, "ENGLAND")
    table = pop.over_85_change_table(areas, list(bases), target).map(percent)
    table = table.rename(columns={str(b): f"from mid-{b}" for b in bases})
    fp_totals = {k: pop.footprint_totals(pop.FOOTPRINTS[k], subicb, la) for k in CASE_GROUP_MEMBERS}
    from_2019 = pop.over_85_change_from_2019(mye, fp_totals, target)
    table.insert(0, "from mid-2019 (estimate)", [percent(from_2019[k]) for k in CASE_GROUP_MEMBERS] + ["–", "–"])
    table.index.name = f"Change in population aged 85+ to mid-{target}"
    return table[table.columns[::-1]]


def older_growth_table(region: pd.DataFrame) -> pd.DataFrame:
    """Context for the "fastest growing older populations" claim: England's regions with the growth of their
    population aged 65+ and 85+ over the claim's years (`claims.evaluate`: mid-2025 to mid-2034) and each rank,
    fastest first at 65+."""
    from se_ambulance.analysis import population as pop
    from se_ambulance.claims.evaluate import CASE_YEAR, OLDER_AGES, OVER_85_TARGET
    from se_ambulance.publish.format import percent
    from se_ambulance.reference.areas import REGION_NAMES

    parts = []
    for ages in OLDER_AGES:
        t = pop.region_growth(region, ages, CASE_YEAR, OVER_85_TARGET).set_index("code")
        parts.append(
            pd.DataFrame(
                {f"growth, aged {ages}": t["growth"].map(percent), f"rank, aged {ages}": t["rank"].astype(int)}
            )
        )
    table = pd.concat(parts, axis=1).sort_values(f"rank, aged {OLDER_AGES[0]}")
    names = [REGION_NAMES[c].removeprefix("the ") for c in table.index]
    table.index = [n[0].upper() + n[1:] for n in names]
    table.index.name = f"Region (mid-{CASE_YEAR} to mid-{OVER_85_TARGET})"
    return table


def outcome_gap_table(rates: pd.DataFrame, members: Sequence[str]) -> pd.DataFrame:
    """Each year's difference in survival between every pair of the group's trusts (a − b, in the order
    given: for two trusts one pair, for n trusts n(n−1)/2), on the Utstein and all-arrest measures, and
    whether the two trusts' separate 95% intervals overlap. A pair with no common year is left out."""
    from itertools import combinations

    from se_ambulance.analysis import outcomes
    from se_ambulance.publish.format import fy_label, signed
    from se_ambulance.reference.orgs import short_name

    parts = []
    for a, b in combinations([m for m in dict.fromkeys(members) if m in set(rates["org"])], 2):
        for measure, label in (("survival_utstein", "Utstein group"), ("survival_all", "all arrests")):
            gap = outcomes.gap_between(rates, measure, a, b)
            if gap.empty:
                continue
            gap = gap.set_index("fy")
            pair = f"{short_name(a)} − {short_name(b)}"
            parts.append(
                pd.DataFrame(
                    {
                        f"{label}: {pair}": gap["difference"].map(lambda v: signed(100 * v, 1, "points")),
                        f"{label}: intervals overlap?"
                        if len(members) == 2
                        else f"{label}: {pair}, intervals overlap?": gap["intervals_overlap"].map(
                            {True: "yes", False: "no"}
                        ),
                    }
                )
            )
    if not parts:
        return pd.DataFrame(index=pd.Index([], name="Financial year"))
    out = pd.concat(parts, axis=1).sort_index()
    out.index = [fy_label(int(y)) for y in out.index]
    out = out.fillna("–")
    out.index.name = "Financial year"
    return out


def resuscitation_attempts_sentence(result) -> str:
    """How many resuscitation attempts SCAS recorded against SECAmb over the years the outcomes claim pools:
    the denominators of survival after all arrests in the claim's own result (`claims.evaluate.outcomes_vary`,
    figures all_n_b ÷ all_n_a), the same figures the claims page's evidence reads."""
    from se_ambulance.publish.claims_text import attempts_share
    from se_ambulance.publish.format import fy_label

    f = result.figures
    years = f"{fy_label(int(f['all_first_year']))} to {fy_label(int(f['all_last_year']))}"
    return (
        f"over {years}, SCAS counted {attempts_share(f)} as many resuscitation attempts "
        "as SECAmb (the patients counted in survival after all arrests), a gap the data cannot explain"
    )


def group_outcome_gaps(rates: pd.DataFrame, group) -> tuple:
    """For a book whose group is not the case's: a note and `outcome_gap_table` for every pair of the group's
    trusts, as context beside the claim's own pair; nothing for the case's group, whose pair the claim's table
    already shows. `rates` is `outcomes.outcome_rates` for the group's members; `group` a `reference.orgs.Group`."""
    from IPython.display import Markdown

    from se_ambulance.reference.orgs import names

    if group.is_case:
        return ()
    note = (
        f"**Within this book's group.** The same yearly differences for every pair of {group.name}'s trusts "
        f"({names(group.members)}; the book's group setting), first named minus second. They are context for the "
        "group this book is built for, not a test of the claim, which concerns SECAmb and SCAS."
    )
    return Markdown(note), outcome_gap_table(rates, group.members)


def flagged_text(chart: pd.DataFrame) -> str:
    """'26 of 100': months an XmR chart flags as special cause, of all its months."""
    return f"{int(chart['special'].sum())} of {len(chart)}"


def flagged_count(chart: pd.DataFrame) -> str:
    """'26': months an XmR chart flags as special cause (the count in `flagged_text`)."""
    return str(int(chart["special"].sum()))


def flagged_share_text(chart: pd.DataFrame) -> str:
    """'65 of 99 months (66%)': months an XmR chart flags as special cause, of all its months, with the share."""
    n = int(chart["special"].sum())
    return f"{n} of {len(chart)} months ({100 * n / len(chart):.0f}%)"


# A change is "far bigger" than the seasonal swing when it is more than this many times the swing.
FAR_BIGGER = 2


def step_words(step: Mapping | None, winter_ratio: float) -> str:
    """The chapter-2 sentence that sets the step in yearly Category 2 means against the seasonal swing.

    `step` is `performance.slowest_year_against_first` (complete financial years only, so a year the trust
    did not report in full is never the step); `winter_ratio` is `activity.winter_ratio`. The swing is
    |winter ratio − 1|; the rule: more than FAR_BIGGER times the swing is 'far bigger', more than the swing
    'bigger', otherwise 'no bigger'."""
    from se_ambulance.publish.format import fy_label

    if step is None or step["slowest_year"] == step["first_year"]:
        first = "" if step is None else f" than {fy_label(step['first_year'])}, its first complete year"
        return f"No complete financial year had a slower Category 2 mean{first}."
    change, swing = step["change"], abs(winter_ratio - 1)
    times = {2: "twice", 3: "three times"}.get(FAR_BIGGER, f"{FAR_BIGGER} times")
    sizes = f"{100 * change:.0f}% against a seasonal swing of {100 * swing:.0f}%"
    if change > FAR_BIGGER * swing:
        verdict = f"far bigger than the seasonal swing ({sizes}; the rule: more than {times} it)"
    elif change > swing:
        verdict = f"bigger than the seasonal swing, though not {times} it ({sizes})"
    else:
        verdict = f"no bigger than the seasonal swing ({sizes})"
    return (
        f"The Category 2 mean in {fy_label(step['slowest_year'])}, the slowest complete financial year, was "
        f"{100 * change:.0f}% above {fy_label(step['first_year'])}'s, the first complete year: {verdict}."
    )


def minutes_frame(seconds: pd.Series, series: str, x: str = "month") -> pd.DataFrame:
    """A chart frame of one series in minutes (2 decimals) from seconds indexed by month or calendar month."""
    labels = seconds.index.strftime("%Y-%m") if isinstance(seconds.index, pd.DatetimeIndex) else seconds.index
    return pd.DataFrame({x: list(labels), "minutes": (seconds / 60).round(2).to_numpy(), "series": series})


def scenario_chart_frame(paths: pd.DataFrame) -> pd.DataFrame:
    """`demand.scenarios` for a chart: financial-year labels and whole incidents."""
    from se_ambulance.publish.format import fy_label

    return paths.assign(
        year=paths["year"].map(fy_label),
        incidents=paths["incidents"].round(0),
        lower=paths["lower"].round(0),
        upper=paths["upper"].round(0),
    )


def survival_chart_frame(rates: pd.DataFrame, measure: str = "survival_all") -> pd.DataFrame:
    """One outcome measure from `outcomes.outcome_rates` for a chart: year labels, rates to 4 decimals."""
    from se_ambulance.publish.format import fy_label

    surv = rates[rates["measure"] == measure].assign(year=lambda d: d["fy"].map(fy_label))
    return surv[["year", "organisation", "rate", "ci_low", "ci_high", "numerator", "denominator"]].round(4)
