"""The words for each claim's result: verdict, evidence and the values pages glue.

Every page that mentions a claim (its chapter, the claims page, the introduction) takes its text from
`claim_values`, which formats one `ClaimResult`; a consistency test reads the glued values of every
page of a built book and checks that each claim's values agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from se_ambulance.claims.evaluate import ClaimResult
from se_ambulance.claims.register import Claim, claim
from se_ambulance.claims.rule import SUPPORTED
from se_ambulance.publish.format import fy_label, mmss, percent, pounds_m, odds
from se_ambulance.reference.orgs import CASE_GROUP, Group, names


def group_scope_note(group: Group, what: str = "The case's claims on this page concern") -> str:
    """The sentence a page glues next to a claim's verdict when the book's group is not the case's: the claim
    is judged on its own scope (SCAS + SECAmb), not on the group the page's own figures follow. Empty for the
    case's group (the default), so the canonical book reads as before."""
    if group.is_case:
        return ""
    return (f"This book is built for {group.name} ({names(group.members)}), and this page's own figures follow "
            f"it. {what} {CASE_GROUP.name} ({names(CASE_GROUP.members)}): each verdict here is judged on that "
            "scope, as on the claims page, whatever group the book is built for.")

def book_group_note(group: Group) -> str:
    """The sentence the introduction and the claims page glue when the book is built for a group other than the
    case's: the chapters follow that group, the claims keep their own scopes. Empty for the case's group."""
    if group.is_case:
        return ""
    return (f"This book is built for {group.name} ({names(group.members)}): the chapters' own figures follow that "
            f"group. Each claim is still judged on its own scope, the case's on {CASE_GROUP.name} "
            f"({names(CASE_GROUP.members)}), whatever group the book is built for.")


RULE = ("A claim is **supported** when the book's central estimate, on the claim's own scope, meets it; "
        "**partly supported** when the claimed figure lies inside the estimate's stated range (a 90% interval "
        "for forecasts and the Monte Carlo appraisal; for figures read from published data, the span of the "
        "definitions that fit the claim's words, widened by the rounding of the claimed figure); **not "
        "supported** when it lies outside. A claim of a difference (\"can vary significantly\") is supported "
        "when the 95% interval of the difference excludes zero. Where the words admit several readings (a sum "
        "a year or in total; which organisations \"the South East\" covers; the base year), each is judged and "
        "the claim takes the most favourable verdict, naming the reading. Sub-areas and other years are "
        "context, never the basis of a verdict. **Not tested here** means public data exist but the book does "
        "not hold them; **cannot be tested with public data** means none exist.")

RESPONSE_READINGS = {"region": "the NHS South East region (SCAS, SECAmb and the Isle of Wight)",
                     "group": "SCAS and SECAmb pooled"}


def _response(r: ClaimResult, c: Claim) -> dict[str, str]:
    f = r.figures
    best = r.readings[r.reading].central
    other = next(k for k in r.readings if k != r.reading)
    return {"measured": mmss(best), "reading": RESPONSE_READINGS[r.reading], "year": fy_label(int(f["claim_year"])),
            "evidence": (f"For {fy_label(int(f['claim_year']))}, {RESPONSE_READINGS[r.reading]} gives {mmss(best)} "
                         f"against the claimed {mmss(c.value)} ({best - c.value:+.1f} s); "
                         f"{RESPONSE_READINGS[other]} gives {mmss(r.readings[other].central)}. SECAmb alone was "
                         f"{mmss(f['secamb'])}, SCAS alone {mmss(f['scas'])}, England {mmss(f['england'])}. The "
                         "case does not say which definition it used.")}


def _standard(r: ClaimResult, c: Claim) -> dict[str, str]:
    s = r.readings["standard"].central
    return {"measured": mmss(s), "evidence": f"The ARP standard for this mean is {int(s // 60)} minutes."}


def _over_85(r: ClaimResult, c: Claim) -> dict[str, str]:
    f = r.figures
    e25, e22 = r.readings["from_2025"].central, r.readings["from_2022"].central
    return {"from_2025": percent(e25), "from_2022": percent(e22),
            "evidence": (f"ONS 2022-based projections for the South East region (the group's footprint is the same "
                         f"counties): the population aged 85+ rises {percent(e25)} from mid-2025 to mid-2034, and "
                         f"{percent(e22)} from the projections' base, mid-2022, against the claimed more than "
                         f"{percent(c.value / 100, 0)}. Within the "
                         f"region, SCAS's area rises {percent(f['RYE_from_2022'])} from mid-2022 and SECAmb's "
                         f"{percent(f['RYD_from_2022'])}: a sub-area is context, not the claim's scope.")}


def _demand(r: ClaimResult, c: Claim) -> dict[str, str]:
    f, e = r.figures, r.readings["blended"]
    return {"growth": percent(e.central), "range": f"{percent(e.low)} to {percent(e.high)}",
            "demography": percent(f["Demography only_central"]), "trend": percent(f["Trend only_central"]),
            "evidence": (f"The group's footprint, 2025/26 to 2035/36: demography alone {percent(f['Demography only_central'])} "
                         f"(range {percent(f['Demography only_low'])} to {percent(f['Demography only_high'])}), the "
                         f"incident trend {percent(f['Trend only_central'])} (90% interval {percent(f['Trend only_low'])} "
                         f"to {percent(f['Trend only_high'])}); blended, {percent(e.central)}, range {percent(e.low)} to "
                         f"{percent(e.high)}. Over {percent(c.value / 100, 0)} lies {'inside' if e.low <= c.value / 100 <= e.high else 'outside'} "
                         "that range.")}


def attempts_share(figures: Mapping[str, float]) -> str:
    """SCAS's resuscitation attempts as a share of SECAmb's over the years the outcomes claim pools (the
    denominators of survival after all arrests): the one wording of that figure, on the claims page and in ch. 3."""
    return percent(figures["all_n_b"] / figures["all_n_a"], 0)


def _outcomes(r: ClaimResult, c: Claim) -> dict[str, str]:
    f, e = r.figures, r.readings["utstein_latest_years"]
    years = f"{fy_label(int(f['first_year']))} to {fy_label(int(f['last_year']))}"
    pts = lambda v: f"{100 * v:+.1f} points"  # noqa: E731
    return {"difference": pts(e.central), "interval": f"{pts(e.low)} to {pts(e.high)}", "years": years,
            "evidence": (f"Survival to discharge in the Utstein comparator group (the like-for-like measure), {years} "
                         f"pooled: SECAmb {percent(f['rate_a'])}, SCAS {percent(f['rate_b'])}, a difference of "
                         f"{pts(e.central)} (95% interval {pts(e.low)} to {pts(e.high)}), an interval that "
                         f"{'excludes' if r.verdict == SUPPORTED else 'includes'} zero. Year by year the two "
                         f"trusts' separate intervals do not overlap in {int(f['survival_utstein_years_apart'])} of "
                         f"{int(f['survival_utstein_years'])} years. Survival after all arrests ({percent(f['all_rate_a'])} "
                         f"against {percent(f['all_rate_b'])}) is context: SCAS recorded {attempts_share(f)} "
                         "as many resuscitation attempts as SECAmb over the same years, a recording difference.")}


def _secamb_population(r: ClaimResult, c: Claim) -> dict[str, str]:
    a, b = r.readings["mid_2019_estimate"].central, r.readings["mid_2022_projection_base"].central
    return {"measured": f"{a / 1e6:.2f} million",
            "evidence": (f"SECAmb's counties (Kent, Medway, Surrey, East and West Sussex, Brighton and Hove): "
                         f"{a / 1e6:.2f} million at mid-2019 (ONS estimate) and {b / 1e6:.2f} million at mid-2022; the "
                         f"claimed {c.value / 1e6:.2f} million is {c.value / a - 1:+.1%} from the first.")}


def _las_scas(r: ClaimResult, c: Claim) -> dict[str, str]:
    a, b = r.readings["trust_footprints_2018"].central, r.readings["trust_footprints_mid_2022"].central
    f = r.figures
    return {"measured": f"{r.readings[r.reading].central / 1e6:.1f} million",
            "evidence": (f"Residents of the two trusts' footprints in 2018, the year of the claim (NHS England's CCG-based "
                         f"footprints, ONS estimates): London {f['RRU_2018'] / 1e6:.1f} million and South Central "
                         f"{f['RYE_2018'] / 1e6:.1f} million, {a / 1e6:.1f} million together; the claim is "
                         f"{c.value / a - 1:.0%} higher. At mid-2022 the same footprints hold {b / 1e6:.1f} million. "
                         "The seed also says \"16 million people who live and work across London and the South Central "
                         "region\": working there adds people who commute in, whom no table the book holds counts, so "
                         "that reading is not tested here.")}


def _benefit(r: ClaimResult, c: Claim) -> dict[str, str]:
    f = r.figures
    ya, pv = r.readings["a_year"], r.readings["pv_total"]
    cash = c.id == "efficiencies-10m"
    what = "Cash savings net of running the group" if cash else "Non-cash ('equivalent') benefits"
    pv_words = "present value over the appraisal, net of all costs" if cash else "present value over the appraisal"
    reading = {"a_year": "a yearly amount", "pv_total": "a present-value total"}[r.reading]
    return {"a_year": f"{pounds_m(ya.central)} ({pounds_m(ya.low)} to {pounds_m(ya.high)})",
            "pv_total": f"{pounds_m(pv.central)} ({pounds_m(pv.low)} to {pounds_m(pv.high)})",
            "p_a_year": odds(f["p_a_year"]), "p_in_total": odds(f["p_in_total"]),
            "reading": reading,
            "evidence": (f"{what}: {pounds_m(ya.central)} a year by year {int(f['years'])} (median; 90% interval "
                         f"{pounds_m(ya.low)} to {pounds_m(ya.high)}); {pv_words}: {pounds_m(pv.central)} "
                         f"({pounds_m(pv.low)} to {pounds_m(pv.high)}). On the assumed ranges the chance of reaching "
                         f"the claim is {odds(f['p_a_year'])} as a yearly amount and "
                         f"{odds(f['p_in_total'])} as a total. The verdict reads it as {reading}. "
                         + ("" if cash else "These are 'equivalent' values, not cash."))}


def _calls(r: ClaimResult, c: Claim) -> dict[str, str]:
    v, before = r.readings["received_2005_06"].central, r.figures["received_2004_05"]
    return {"measured": f"{v:,.0f}",
            "evidence": (f"South East Coast's predecessor trusts received {v:,.0f} emergency calls in 2005-06 and "
                         f"{before:,.0f} in 2004-05 (NHS Information Centre, quoted in a parliamentary answer). The "
                         "claim's 460,000 matches the year before, not 2005-06. The series counts calls received; "
                         "calls responded to are fewer, so the claim's own measure is not published.")}


def _staff(r: ClaimResult, c: Claim) -> dict[str, str]:
    a, b = r.readings["fte_2017_09"].central, r.readings["fte_2018_06"].central
    return {"measured": f"{b:,.0f}",
            "evidence": (f"SECAmb employed {a:,.0f} full-time equivalent staff in September 2017 and {b:,.0f} in June "
                         f"2018 (NHS Digital), {r.figures['ambulance_staff_2018_06']:,.0f} of them ambulance staff. "
                         "The article's 3,300 is undated and probably counts people, which is more than full-time "
                         "equivalents; no trust headcount is among the book's files.")}


FORMATTERS: dict[str, Callable[[ClaimResult, Claim], dict[str, str]]] = {
    "c1-mean-2024-25": _response, "c2-mean-2024-25": _response,
    "c1-standard": _standard, "c2-standard": _standard,
    "over-85-rise-2034": _over_85, "demand-rise-decade": _demand, "outcomes-vary": _outcomes,
    "secamb-population-2018": _secamb_population, "secamb-population-4-5m": _secamb_population,
    "las-scas-16m": _las_scas, "calls-2005-06": _calls, "staff-3300": _staff, "efficiencies-10m": _benefit, "wider-benefits-80m": _benefit,
}


def claim_text(r: ClaimResult) -> dict[str, str]:
    """Verdict, evidence and the claim's other text values (keys without the claim prefix)."""
    c = claim(r.id)
    body = FORMATTERS[r.id](r, c) if c.computed else {"evidence": c.evidence}
    return {"verdict": r.verdict, **body}


def claim_values(results: Mapping[str, ClaimResult], ids=None) -> dict[str, str]:
    """Glue values for claims: 'claim.<id>.<key>' -> text. Every page uses these keys, so a test can
    compare what each page shows."""
    out = {}
    for cid in ids or results:
        for k, v in claim_text(results[cid]).items():
            out[f"claim.{cid}.{k}"] = v
    return out


def register_frame(results: Mapping[str, ClaimResult]):
    """The claims page's table: one row per claim with its quote, verdict, evidence and where it is tested."""
    import pandas as pd

    from se_ambulance.claims.register import load_register

    rows = []
    for cid, c in load_register().items():
        t = claim_text(results[cid])
        rows.append({"id": cid, "seed": c.seed, "quote": c.quote, "verdict": t["verdict"], "evidence": t["evidence"],
                     "chapter": c.chapter, "section": c.section, "function": c.function})
    return pd.DataFrame(rows)


def verdict_counts(results: Mapping[str, ClaimResult]) -> dict[str, str]:
    """How many claims have each verdict, as glue values 'claims.n_<verdict>' and 'claims.n'."""
    from se_ambulance.claims.rule import VERDICTS

    out = {"claims.n": str(len(results))}
    for v in VERDICTS:
        out[f"claims.n_{v.replace(' ', '_')}"] = str(sum(r.verdict == v for r in results.values()))
    return out


def headline(results: Mapping[str, ClaimResult], ids) -> str:
    """Markdown bullets: each claim quoted, its verdict and its evidence."""
    lines = []
    for cid in ids:
        t = claim_text(results[cid])
        lines.append(f"- “{claim(cid).quote}” **{t['verdict'].capitalize()}.** {t['evidence']}")
    return "\n".join(lines)


# --- what a new AmbSYS release moved ---------------------------------------------------------------------------

def release_values(moves) -> dict[str, str]:
    """Text values for the claims page's 'what a new release moved' section (keys 'claims.release.*'), from
    `claims.vintage.register_moves`."""
    from se_ambulance.publish.format import release_start

    out = release_start("claims.release", "release", moves.current, moves.previous, moves.unavailable,
                        "every verdict on this page that the new data moved")
    if "claims.release.summary" in out:  # nothing to compare
        return out
    n = len(moves.moved)
    out["claims.release.summary"] = (
        f"Recomputed on the previous release ({moves.previous.vintage}) with today's code, register and parameters, "
        f"{n} of the register's verdicts differ" + (": they moved because of the new data." if n else "."))
    return out


def moved_claims_table(moves):
    """The claims whose verdict the current release moved: where each is tested, its words and both verdicts."""
    import pandas as pd

    from se_ambulance.claims.register import load_register

    register = load_register()
    rows = [{"claim": register[cid].quote,
             "tested in": register[cid].chapter.split("/")[-1] if register[cid].chapter else "this page",
             "previous release": old, "this release": new} for cid, old, new in moves.moved]
    return pd.DataFrame(rows, columns=["claim", "tested in", "previous release", "this release"])
