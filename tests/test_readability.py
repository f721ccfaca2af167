"""The book reads as its readers need: the answer first, plain sentences, terms linked to the glossary, no code names,
every source document named, a citation that agrees with the stamp, and a book for another trust under its own title.

The limits (issue 22): the front page's briefing has a median of at most 20 words a sentence and none over 35; each
chapter a median of at most 25. They are checked on the built site (`slow`: one site build from the committed
chapters, no kernels), counting what a reader sees: paragraphs and list items outside collapsed sections, tables,
charts and quotations (`se_ambulance.publish.readability`). The functions that word the briefing and the chapters'
findings are tested on both sides of every rule they state.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from se_ambulance.publish import briefing as br
from se_ambulance.publish import findings as fd
from se_ambulance.publish.glossary_links import first_uses, glossary_terms, link_terms, term_pattern
from se_ambulance.publish.readability import Lengths, code_names, read_page, sentences, word_position, words
from se_ambulance.reference.orgs import CASE_GROUP, Group

from .support.builders import ROOT

GLOSSARY = ROOT / "book" / "glossary.md"
LAS_SCAS = Group("LAS + SCAS", ("RRU", "RYE"))

# Terms a reader meets that the glossary must define (issue 22 names the first ten).
REQUIRED_TERMS = (
    "donor",
    "synthetic control",
    "power",
    "interval",
    "placebo",
    "p-value",
    "R²",
    "Monte Carlo",
    "Utstein",
    "vintage",
    "confidence interval",
    "prediction interval",
    "90th centile",
    "interim aim",
    "incident-weighted mean",
    "MASE",
    "back-test",
    "present value",
    "net present value",
    "optimism bias",
    "discounting",
    "realisation rate",
    "cash-releasing",
    "non-cash benefit",
    "triangular distribution",
    "tornado chart",
    "interrupted time series",
    "special cause",
    "SPC",
    "footprint",
    "handover",
    "conveyance",
    "hear and treat",
    "see and treat",
    "Category 1",
    "Category 2",
    "Category 3",
    "Category 4",
    "edition",
    "verdict",
    "percentage point",
    "median",
    "R²",
    "ROSC",
    "sub-ICB location",
    "CCG",
    "LSOA",
    "SNPP",
    "AmbSYS",
    "AmbCO",
    "ARP",
    "Green Book",
    "financial year",
    "trust",
)


# --- sentences and words ------------------------------------------------------------------------------------------


def test_sentences_split_after_a_full_stop_and_a_capital_but_not_after_abbreviations_or_decimals():
    text = "The mean was 28:50 in 2024/25. It missed the standard, e.g. the 18-minute one. £10m is 1.5% of it."
    assert sentences(text) == [
        "The mean was 28:50 in 2024/25.",
        "It missed the standard, e.g. the 18-minute one.",
        "£10m is 1.5% of it.",
    ]
    assert sentences("one sentence only") == ["one sentence only"]


def test_words_count_times_money_and_years_as_one_word_each():
    assert words("SECAmb's Category 2 average in 2024/25 was 28:50.") == 8
    assert words("£7.6m (£5.5m to £10.0m) a year") == 6
    assert words("") == 0


def test_lengths_give_the_median_and_the_longest():
    blocks = ["One two three. One two three four five.", "One."]
    got = Lengths.of(blocks)
    assert (got.sentences, got.median, got.longest, got.over_35) == (3, 3.0, 5, 0)
    assert Lengths.of([]).sentences == 0


def test_code_names_are_found_and_plain_words_are_not():
    found = code_names(
        f"See se_ambulance.claims.evaluate and claim_year, file 001_f2fff757229b43dd.txt, seed 000, {'a' * 40}, RYD."
    )
    kinds = {what for what, _ in found}
    assert kinds == {"a Python module or function", "a seed file or number", "a checksum", "a trust code"}
    assert code_names("SECAmb's Category 2 average was 28:50 in 2024/25 (AmbSYS data to March 2026).") == []


def test_a_page_counts_what_a_reader_sees_and_keeps_collapsed_text_apart():
    html = """<html><body><article class="bd-article">
      <h1>Title. Not a sentence</h1>
      <div class="se-briefing"><p>Brief one. Brief two.</p></div>
      <p>Visible <a href="../book/glossary.html#term-donor">donors</a> text.</p>
      <details><summary>How this was measured</summary><p>Hidden method.</p>
        <details class="se-method"><summary>In the code</summary><p>code_name here.</p></details></details>
      <table><tr><td>Cell text.</td></tr></table>
      <blockquote><p>A quotation.</p></blockquote>
      <ul><li>Item one.<ul><li>Nested item.</li></ul></li></ul>
    </article><p>Footer outside.</p></body></html>"""
    page = read_page(html)
    assert page.visible == ["Brief one. Brief two.", "Visible donors text.", "Nested item.", "Item one."]
    assert page.collapsed == ["Hidden method.", "code_name here."]
    assert page.explained == ["Hidden method."]  # a method box is prose for any reader; a code box is not
    assert page.briefing == ["Brief one. Brief two."]
    assert page.glossary_links == [("donors", "term-donor")]
    assert word_position(page.text, "donors") == 5 and word_position(page.text, "absent") is None


# --- the glossary and its links -----------------------------------------------------------------------------------


def test_the_glossary_defines_every_term_a_reader_meets():
    terms = set(glossary_terms(GLOSSARY.read_text(encoding="utf-8")))
    assert sorted(set(REQUIRED_TERMS) - terms) == []


def test_glossary_terms_are_the_unindented_lines_of_its_block():
    source = "# G\n\n```{glossary}\n:sorted:\n\nDonor\nDonors\n  A trust.\n\nR²\n  Fit.\n```\nAfter.\n"
    assert glossary_terms(source) == ["Donor", "Donors", "R²"]


def test_terms_match_whole_words_longest_first_in_the_stated_case():
    terms = ["interval", "confidence interval", "donor", "Monte Carlo", "R²", "C2"]
    text = "A confidence interval; two donors; a monte carlo; the Monte Carlo; R² = 0.2; C2T and C2; co-donor."
    found = first_uses(text, terms)
    assert set(found) == {"confidence interval", "donor", "Monte Carlo", "R²", "C2"}
    assert text[found["Monte Carlo"] :].startswith("Monte Carlo")  # capitals match exactly
    assert text[found["C2"] :].startswith("C2;")  # not inside the code C2T
    pattern, ordered = term_pattern([])
    assert ordered == [] and pattern.search("anything") is None


def test_the_first_use_of_each_term_is_linked_visible_text_first_and_never_in_bold_or_quotations():
    from docutils import nodes
    from docutils.core import publish_doctree

    doc = publish_doctree(
        "The donor and the donors.\n\n**Power** is bold.\n\n    A quoted power.\n\nThen power and a donor.\n"
    )
    made = link_terms(doc, ["donor", "power"], lambda term, text: nodes.reference(text, text, refuri=f"#{term}"))
    assert made == ["donor", "power"]
    refs = [(r.astext(), r["refuri"]) for r in doc.findall(nodes.reference)]
    assert refs == [("donor", "#donor"), ("power", "#power")]
    assert "**" not in doc.astext() and "Power is bold." in doc.astext()


# --- the source documents -----------------------------------------------------------------------------------------


def test_every_source_document_is_named_by_title_publisher_and_date():
    from se_ambulance.claims.register import load_register
    from se_ambulance.reference.seeds import SEEDS, seed_by_number, seed_document

    assert sorted(SEEDS) == sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))
    for c in load_register().values():
        seed_document(c.seed)  # every claim's document is known
    for d in SEEDS.values():
        assert d.title and d.publisher and d.date and d.file not in d.label and d.file not in d.citation()
    assert seed_by_number("002").short_date == "25 September 2018"
    assert seed_by_number("000").short_date == "October 2025"  # an undated copy gives its checkable month
    with pytest.raises(KeyError, match="known"):
        seed_document("999_unknown.txt")


def test_the_claims_register_names_documents_and_collapses_function_names():
    from se_ambulance.publish.report import claims_html

    table = pd.DataFrame(
        [
            {
                "id": "x",
                "seed": "002_59bebb8d1d1af61a.txt",
                "quote": "16 million",
                "verdict": "supported",
                "evidence": "e",
                "chapter": "notebooks/06_claims",
                "section": None,
                "function": "se_ambulance.claims.evaluate.las_scas_population",
            }
        ]
    )
    html = claims_html(table).data
    assert "London Ambulance Service" in html and "002_59bebb8d1d1af61a" not in html
    assert re.search(r"<details[^>]*>.*se_ambulance\.claims\.evaluate\.las_scas_population.*</details>", html, re.S)
    assert code_names(re.sub(r"<details.*?</details>", "", html, flags=re.S)) == []


# --- the briefing -------------------------------------------------------------------------------------------------


def _standards(c2_mean: float, years=(2024, 2025), c1_mean: float = 504.0) -> pd.DataFrame:
    rows = []
    for y in years:
        rows += [
            {
                "category": "C1",
                "statistic": "mean",
                "standard": 420,
                "fy": y,
                "seconds": c1_mean,
                "met": c1_mean <= 420,
                "approximate": False,
            },
            {
                "category": "C2",
                "statistic": "mean",
                "standard": 1080,
                "fy": y,
                "seconds": c2_mean,
                "met": c2_mean <= 1080,
                "approximate": False,
            },
        ]
        if y in (2023, 2024, 2025):
            rows.append(
                {
                    "category": "C2",
                    "statistic": "interim mean",
                    "standard": 1800,
                    "fy": y,
                    "seconds": c2_mean,
                    "met": c2_mean <= 1800,
                    "approximate": False,
                }
            )
    return pd.DataFrame(rows)


def test_the_category_2_sentence_says_which_standard_was_met_on_both_sides_of_each():
    assert br.c2_sentences("SECAmb", _standards(1730.0), [2024]) == (
        "SECAmb's Category 2 average in 2024/25 was 28:50: it missed the 18-minute national standard but was inside "
        "the 30-minute interim aim."
    )
    assert "and also missed the 30-minute interim aim" in br.c2_sentences("LAS", _standards(2259.0), [2024])
    assert "met the 18-minute national standard, and so was also inside" in br.c2_sentences(
        "X", _standards(1080.0), [2024]
    )
    assert "missed the 18-minute national standard" in br.c2_sentences("X", _standards(1081.0), [2024])
    no_aim = br.c2_sentences("X", _standards(1730.0, years=(2022,)), [2022])
    assert no_aim.endswith("missed the 18-minute national standard.") and "interim" not in no_aim


def test_a_second_year_says_the_same_result_only_when_it_is():
    two = pd.concat([_standards(1730.0, years=(2024,)), _standards(1700.0, years=(2025,))])
    assert br.c2_sentences("S", two, [2024, 2025]).endswith("In 2025/26 it was 28:20, with the same result.")
    changed = pd.concat([_standards(1730.0, years=(2024,)), _standards(1900.0, years=(2025,))])
    assert "In 2025/26 it was 31:40: it missed the 18-minute national standard, and also missed" in br.c2_sentences(
        "S", changed, [2024, 2025]
    )
    assert br.c2_sentences("S", _standards(1730.0, years=(2024,)), [2024, 2025]).count("2025/26") == 0


def test_the_count_of_standards_met_says_none_some_or_not_reported():
    assert br.met_count_sentence("S", _standards(1730.0), [2024, 2025]) == (
        "Of the 2 national response-time standards, S met none in 2024/25 or 2025/26."
    )  # one count, said once
    some = pd.concat([_standards(1000.0, years=(2024,)), _standards(1730.0, years=(2025,))])
    assert "S met 1 in 2024/25 and none in 2025/26" in br.met_count_sentence("S", some, [2024, 2025])
    assert "which it did not report in full" in br.met_count_sentence(
        "S", _standards(1730.0, years=(2024,)), [2024, 2025]
    )


def test_articles_and_durations_read_aloud():
    assert br.an("18-minute average") == "an 18-minute average" and br.an("7-minute average") == "a 7-minute average"
    assert br.an("8-minute") == "an 8-minute" and br.an("11-minute") == "an 11-minute" and br.an("2-hour") == "a 2-hour"
    assert (br.duration(420), br.duration(7200), br.duration(10800), br.duration(5400)) == (
        "7-minute",
        "2-hour",
        "3-hour",
        "90-minute",
    )


def test_every_verdict_a_headline_claim_can_get_has_words_and_an_unknown_one_is_an_error():
    from se_ambulance.claims.register import HEADLINE, claim
    from se_ambulance.claims.rule import NOT_SUPPORTED, PARTLY, SUPPORTED

    for cid in HEADLINE:
        c = claim(cid)
        possible = (SUPPORTED, NOT_SUPPORTED) if c.wording == "differs" else (SUPPORTED, PARTLY, NOT_SUPPORTED)
        for v in possible:
            assert br.meaning(c, v)
        assert cid in br.LINES
    assert br.MEANING[("about", SUPPORTED)] == "the claimed figure is accurate"
    with pytest.raises(KeyError, match="MEANING"):
        br.meaning(claim(HEADLINE[0]), "borderline")


def test_a_book_for_another_trust_or_group_says_whose_claims_these_are():
    assert br.scope_note("RYD", CASE_GROUP) == ""
    scas = br.scope_note("RYE", CASE_GROUP)
    assert scas.startswith("This book is built for South Central (SCAS).") and "South East case's" in scas
    las = br.scope_note("RRU", LAS_SCAS)
    assert "London (LAS), with the group LAS + SCAS" in las and "South East Coast (SECAmb) and South Central" in las
    assert br.scope_note("RYD", LAS_SCAS) != ""  # the canonical trust with another group


def test_the_group_answer_is_the_evaluations_plain_answer_and_dates_its_data(monkeypatch):
    from se_ambulance.publish import evaluation_text

    monkeypatch.setattr(evaluation_text, "plain_answer", lambda study: "Too early to tell.", raising=False)
    assert br.group_answer(SimpleNamespace()) == "Too early to tell."  # one function for the front page and chapter 9
    from tests.test_evaluation_text import _primary, _study  # a study as run_study describes it

    same = SimpleNamespace(verdict="undetectable", meaningful=3.0, mde_now=5.7, mde_end=4.9)
    monkeypatch.undo()
    answer = br.group_answer(_study(primary=_primary(revised=same), adopted="2026-11-21", post_months=6))
    assert "With data to March 2026, 6 months into the group," in answer


def test_the_standards_table_marks_each_year_met_or_missed():
    table = br.standards_table(_standards(1730.0), [2024, 2025])
    assert table.splitlines()[0] == "| Standard | 2024/25 | 2025/26 |"
    assert "| Category 2, average: 18 minutes | 28:50, missed | 28:50, missed |" in table
    assert "| Category 2, average, interim aim: 30 minutes | 28:50, met | 28:50, met |" in table


# --- chapter findings ---------------------------------------------------------------------------------------------


def test_a_mean_against_its_standard_in_words_on_both_sides():
    met = fd.mean_standard_sentence("S", _standards(1730.0, c1_mean=400.0), [2024, 2025], "C1")
    assert met.endswith("against the 7-minute national standard: it met the standard in both years.")
    missed = fd.mean_standard_sentence("S", _standards(1730.0), [2024, 2025], "C1")
    assert missed.endswith("it missed the standard in both years.")
    mixed = pd.concat([_standards(1730.0, years=(2024,)), _standards(1730.0, years=(2025,), c1_mean=419.0)])
    assert fd.mean_standard_sentence("S", mixed, [2024, 2025], "C1").endswith("it met the standard in 2025/26 only.")
    assert fd.mean_standard_sentence("S", _standards(1730.0), [2019], "C1") == ""


def test_faster_or_slower_by_the_whole_second_shown():
    assert fd.comparison_words(1669.4, 1804.0) == "faster than"
    assert fd.comparison_words(1804.0, 1669.0) == "slower than"
    assert fd.comparison_words(1669.4, 1669.2) == "the same as"


def test_the_comparators_sentence_groups_faster_and_slower_in_the_latest_shared_year():
    fy = pd.DataFrame(
        [
            {"org": o, "category": "C2", "fy": y, "months": 12, "mean": m}
            for o, y, m in [
                ("RYD", 2024, 1730.0),
                ("RYD", 2025, 1669.0),
                ("RYE", 2024, 1700.0),
                ("RYE", 2025, 1802.0),
                ("Eng", 2024, 1900.0),
                ("Eng", 2025, 1600.0),
                ("GROUP", 2025, 1728.0),
            ]
        ]
    )
    got = fd.comparators_sentence("RYD", fy, CASE_GROUP)
    assert got == (
        "In 2025/26, SECAmb's Category 2 average (27:49) was faster than SCAS's (30:02) and the SCAS + "
        "SECAmb group's (28:48), but slower than England's (26:40)."
    )
    assert fd.comparators_sentence("RYD", fy[fy["org"] == "RYD"], CASE_GROUP) == ""


def test_ranks_ordinals_handover_and_the_slowest_year_in_words():
    assert [fd.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
    ]
    # The latest year's rank, then the best and worst over every year: a slip between the first and the latest year
    # (3rd in 2024/25, 5th again now) is said, not hidden by a first-against-latest pair.
    ranks = pd.DataFrame({"fy": [2018, 2021, 2024, 2025], "rank": [5, 7, 3, 5], "of": [11, 11, 11, 11]})
    assert fd.rank_sentence("RYD", ranks) == (
        "In 2025/26, SECAmb had the 5th fastest Category 2 average of 11 "
        "ambulance services. Since 2018/19, its best rank was 3rd, in 2024/25; "
        "its worst was 7th, in 2021/22."
    )
    tied = ranks.assign(rank=[3, 7, 3, 7])
    assert fd.rank_sentence("RYD", tied).endswith(
        "its best rank was 3rd, in 2018/19 and 2024/25; its worst was 7th, in 2021/22 and 2025/26."
    )
    assert fd.rank_sentence("RYD", ranks.assign(rank=5)).endswith("It was 5th in every complete year since 2018/19.")
    assert fd.rank_sentence("RYD", ranks.iloc[-1:]) == (
        "In 2025/26, SECAmb had the 5th fastest Category 2 average of 11 ambulance services."
    )
    assert fd.rank_sentence("RYD", ranks.iloc[:0]) == ""
    h = pd.Series(
        {
            "months": 30,
            "first": pd.Timestamp("2023-10-01"),
            "latest_month": pd.Timestamp("2026-03-01"),
            "latest_minutes": 18.2,
            "share_over_15": 0.9,
        }
    )
    assert fd.handover_sentence(h) == (
        "Handover at hospital averaged 18 minutes in March 2026. Since October 2023 the "
        "monthly average was over the 15-minute expectation in 27 of 30 months."
    )
    assert fd.handover_sentence(pd.Series({"months": 0})) == "AmbSYS has no handover times for this trust."
    step = {"first_year": 2018, "slowest_year": 2022, "change": 0.8}
    assert (
        "slowest complete year for Category 2 was 2022/23. Its average then was 80% above 2018/19's"
        in fd.slowest_year_sentence("RYD", step)
    )
    assert fd.slowest_year_sentence("RYD", step | {"slowest_year": 2018, "change": 0.0}).endswith(
        "was also its slowest."
    )
    assert fd.slowest_year_sentence("RYD", None) == ""


def test_the_assumptions_findings_count_each_rating():
    log = pd.DataFrame({"quality": ["red", "red", "amber", "green"], "impact": ["red", "green", "red", "red"]})
    text = fd.assumptions_findings(log)
    assert "rest on 4 assumptions" in text and "strong (green) for 1, partial (amber) for 1" in text
    assert "weak or missing (red) for 2" in text and "For 1 of them the evidence is weak" in text


# --- citation and titles ------------------------------------------------------------------------------------------


def test_citation_cff_is_generated_from_the_stamp_and_agrees_with_it():
    from se_ambulance.publish.citation import cff_text, edition_of
    from se_ambulance.publish.stamp import current_stamp

    stamp = current_stamp()
    committed = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert committed == cff_text(stamp), "regenerate: python -m se_ambulance.publish.citation > CITATION.cff"
    cff = yaml.safe_load(committed)
    assert (cff["title"], cff["url"]) == (stamp.title, stamp.address)
    # an edition's CalVer, or a draft naming its code version
    edition = edition_of(stamp)
    expected = edition.version if edition.published else f"draft (code {stamp.code_version.split(' (')[0]})"
    assert cff["version"] == expected and cff["license"] == ["CC-BY-4.0", "MIT"]
    assert "(" not in cff["version"].removeprefix("draft (code ")  # no commit: the file changes with an edition only


def test_a_published_edition_is_cited_with_its_date_and_a_draft_without_one():
    from se_ambulance.publish.citation import cff_text, edition_of, substitutions, suggested_citation
    from se_ambulance.publish.stamp import Stamp

    base = dict(
        title="T", data_to="AmbSYS data to April 2026", next_release="", address="https://x/", code_version="1.2"
    )
    published = Stamp(edition="Edition 2 (2026.12.1), 7 December 2026", **base)
    draft = Stamp(edition="Draft (not a published edition)", **base)
    assert edition_of(published).date == "2026-12-07" and edition_of(published).label == "Edition 2"
    assert edition_of(draft).date is None and not edition_of(draft).published
    assert yaml.safe_load(cff_text(published))["date-released"] == "2026-12-07"
    assert "date-released" not in yaml.safe_load(cff_text(draft))
    assert yaml.safe_load(cff_text(published))["version"] == "2026.12.1"
    assert edition_of(Stamp(edition="Edition 3, 9 January 2027", **base)).published  # a stamp without its version
    assert "Edition 2 (2026.12.1), 7 December 2026" in suggested_citation(
        published
    ) and "https://x/" in suggested_citation(draft)
    subs = substitutions(draft)
    assert subs["cite_edition_date"] == "not yet published" and "Overton Radio" in subs["cite_seeds"]


def test_a_book_carries_its_trusts_name_in_its_title():
    from se_ambulance.pipeline.build import params_title
    from se_ambulance.pipeline.params import load_params
    from se_ambulance.publish.stamp import BOOK_TITLE, CANONICAL_TRUST, book_title

    assert yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"] == BOOK_TITLE
    assert load_params().focus.trust == CANONICAL_TRUST and params_title(load_params()) == BOOK_TITLE
    assert book_title("RYE", CASE_GROUP) == "The ambulance evidence book for South Central (SCAS)"
    assert params_title(load_params(ROOT / "params" / "scas.yaml")) == book_title("RYE", CASE_GROUP)
    assert (
        params_title(load_params(ROOT / "params" / "las_scas.yaml"))
        == "The ambulance evidence book for London (LAS), with the group LAS + SCAS"
    )
    assert book_title("RYD", LAS_SCAS) != BOOK_TITLE
    with pytest.raises(ValueError, match="not a trust code"):
        book_title("GROUP", CASE_GROUP)


def test_a_staged_book_gets_its_title_and_a_config_without_one_is_refused(tmp_path):
    from se_ambulance.errors import BuildError
    from se_ambulance.pipeline.build import set_book_title

    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    set_book_title(tmp_path, 'The book for "North West" (NWAS): a test')
    config = yaml.safe_load((tmp_path / "_config.yml").read_text(encoding="utf-8"))
    assert config["title"] == 'The book for "North West" (NWAS): a test' and config["execute"]
    (tmp_path / "_config.yml").write_text("author: x\n", encoding="utf-8")
    with pytest.raises(BuildError, match="no top-level 'title:'"):
        set_book_title(tmp_path, "T")


# --- the built site -------------------------------------------------------------------------------------------------

# Reader-facing text that helpers other than this one write, still to be reworded there: (page, what, text).
KNOWN_CODE_NAMES: set[tuple[str, str, str]] = set()
# Pages whose visible text cites files by name: the data sources (R objects, file names in citations).
CITES_FILES = {"notebooks/07_sources.html"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site built from the committed chapters, as `make book` publishes it (no kernels)."""
    from se_ambulance.pipeline.build import build_site, stage_book_sources

    src = tmp_path_factory.mktemp("readability-site")
    stage_book_sources(ROOT, src)
    shutil.copytree(ROOT / "notebooks", src / "notebooks")
    return build_site(src, src)


@pytest.fixture(scope="module")
def built(site):
    from se_ambulance.publish.readability import pages

    return {name: page for name, page in pages(site).items() if name.startswith(("notebooks/", "book/"))}


@pytest.mark.slow
def test_the_front_page_opens_with_a_briefing_short_enough_for_a_board_paper(built, site):
    page = built["notebooks/00_introduction.html"]
    lengths = Lengths.of(page.briefing)
    assert lengths.sentences > 20
    assert lengths.median <= 20 and lengths.over_35 == 0, lengths
    assert sum(words(b) for b in page.briefing) <= 500  # two minutes at 250 words a minute
    html = (site / "notebooks" / "00_introduction.html").read_text(encoding="utf-8")
    assert html.count('<div class="se-briefing">') == 1
    text = " ".join(page.briefing)
    assert word_position(page.text, re.escape(page.briefing[0])) < 60  # it opens the page
    assert (
        "SECAmb's Category 2 average in 2024/25 was 28:50: it missed the 18-minute national standard but was "
        "inside the 30-minute interim aim." in text.replace("’", "'")
    )
    assert "not that a standard was met" in text and "Is the group" in html
    from se_ambulance.publish.stamp import data_to_words

    assert data_to_words().removeprefix("AmbSYS ") in text  # the data's end, as the pinned release gives it


@pytest.mark.slow
def test_every_chapter_reads_plainly(built):
    for name, page in built.items():
        if not name.startswith("notebooks/"):
            continue
        lengths = Lengths.of(page.visible)
        assert lengths.median <= 25, (name, lengths)


@pytest.mark.slow
def test_every_chapter_opens_with_what_we_found(site):
    for path in sorted((site / "notebooks").glob("*.html")):
        if path.stem in ("00_introduction", "07_sources"):
            continue  # the front page opens with the briefing; the sources page is a list of files
        html = path.read_text(encoding="utf-8")
        found = html.find("What we found")
        assert found != -1, path.name
        assert found < html.find("<figure") or "<figure" not in html, path.name  # findings before charts


@pytest.mark.slow
def test_no_code_names_outside_the_collapsed_sections(built):
    seen = set()
    for name, page in built.items():
        text = re.sub(r"https?://\S+|<[^>]+>", "", page.text)
        for what, found in code_names(text):
            if name in CITES_FILES and what != "a seed file or number":
                continue
            seen.add((name, what, found))
    assert seen - KNOWN_CODE_NAMES == set()
    assert KNOWN_CODE_NAMES - seen == set(), "fixed: remove it from KNOWN_CODE_NAMES"


SNAKE_CASE = re.compile(r"\bse_ambulance\b|\b[a-z]+(?:_[a-z0-9]+)+\b")  # a Python name ('spc_breaks')


@pytest.mark.slow
def test_method_boxes_say_settings_in_words_and_leave_code_names_to_the_code_boxes(built):
    """A collapsed "How this was measured" box is prose for any reader: chapter 2's once read "(the spc_breaks
    parameter)". Code names belong in the analysts' boxes ("The parameters of this page", "In the code")."""
    seen = []
    for name, page in built.items():
        if not name.startswith("notebooks/") or name in CITES_FILES:
            continue
        for block in page.visible + page.explained:
            text = re.sub(r"https?://\S+", "", block)
            seen += [(name, m.group(0)) for m in SNAKE_CASE.finditer(text)]
            seen += [
                (name, m.group(0))
                for m in re.finditer(r"\bthe `?[\w.]+`? parameters?\b", text)
                if re.search(r"[_.`]", m.group(0))
            ]
    assert seen == []


GITHUB_REPO = re.compile(r"\b[A-Za-z][\w-]*/[A-Za-z][\w.-]*\b")  # an owner/repository name: 'ThomUK/claude-scratchpad'


def test_a_charts_source_line_names_the_publisher_not_the_copy_the_book_fetched():
    """Chapter 4's population charts once read 'Office for National Statistics (reshaped to long format by
    ThomUK/claude-scratchpad)'. The copy's provenance stays on the sources page (the manifest's publisher)."""
    from se_ambulance.data.manifest import load_manifest, source_line

    manifest = load_manifest()
    assert any(GITHUB_REPO.search(ds.publisher) for ds in manifest.values())  # the sources page keeps it
    for key, ds in manifest.items():
        line = source_line(key)
        assert not GITHUB_REPO.search(line) and "(via " not in line, line
        assert line.startswith(line.split(",")[0]) and ds.title in line and ds.vintage in line
    assert source_line("snpp_subicb").startswith("Office for National Statistics, Population projections for sub-ICB")
    assert source_line("arp_dates").startswith("University of Sheffield iARPca project (research table, not official")


@pytest.mark.slow
def test_chart_source_lines_name_no_code(site):
    """A chart's source line is outside the prose the test above reads (charts are skipped), but a reader sees it:
    chapter 5's once read "se_ambulance.analysis.appraisal model; published trust incomes
    (se_ambulance.reference.finance)"."""
    import html as _html

    seen = []
    for path in sorted((site / "notebooks").glob("*.html")):
        for line in re.findall(r'<span class="se-chart-source">(.*?)</span>', path.read_text(encoding="utf-8"), re.S):
            text = _html.unescape(re.sub(r"<[^>]+>", "", line))
            seen += [(path.name, found) for what, found in code_names(text) if what == "a Python module or function"]
            seen += [(path.name, m.group(0)) for m in GITHUB_REPO.finditer(text)]
    assert seen == []


@pytest.mark.slow
def test_every_page_links_each_glossary_term_it_uses(built):
    terms = glossary_terms(GLOSSARY.read_text(encoding="utf-8"))
    for name, page in built.items():
        if name in ("book/glossary.html", "book/references.html"):
            continue
        used = set(first_uses(" ".join(page.linkable), terms))  # bold labels and links are never linked
        linked = {t for text, _ in page.glossary_links for t in first_uses(text, terms)}
        assert used - linked == set(), (name, sorted(used - linked))
        if name.startswith("notebooks/"):
            assert page.glossary_links, name


def test_the_tally_counts_each_verdict_and_leaves_out_the_empty_ones():
    r = {
        i: SimpleNamespace(verdict=v)
        for i, v in enumerate(["supported", "supported", "not supported", "partly supported", "not tested here"])
    }
    assert br.tally_sentence(r, list(r)) == (
        "Of the case's 5 headline figures, the data support 2, partly support 1, "
        "do not support 1 and cannot yet test 1."
    )
    assert br.tally_sentence(r, [0, 1]) == "Of the case's 2 headline figures, the data support 2."


def test_the_toggle_script_loads_only_where_a_toggle_needs_it():
    """sphinx-togglebutton's script is for toggles, hidden cells and `dropdown` admonitions; a sphinx-design dropdown
    (the chapters' "How this was measured") is a plain <details>, and the page stays within its request budget."""
    from se_ambulance.publish.sphinx_ext import _has_toggle

    assert not _has_toggle('<details class="sd-sphinx-override sd-dropdown sd-card sd-mb-3">')
    assert not _has_toggle('<details class="se-method"><summary>The parameters of this page</summary></details>')
    assert _has_toggle('<div class="admonition note dropdown">')
    assert _has_toggle('<div class="cell tag_hide-input">') and _has_toggle('<button class="toggle-button">') is False
    assert _has_toggle('<div class="toggle">')


def test_every_chart_carries_its_suggested_citation_beside_its_data():
    from se_ambulance.publish.sphinx_ext import cite_charts
    from se_ambulance.publish.stamp import Stamp

    stamp = Stamp(
        title="The South East ambulance evidence book",
        edition="Edition 2 (2026.12.1), 7 December 2026",
        data_to="AmbSYS data to April 2026",
        next_release="",
        address="https://example.org/book/",
        code_version="0.1.0",
    )
    figure = (
        '<figure class="se-chart" id="fig-c2"><figcaption class="se-chart-head"><span class="se-chart-title">'
        'Category 2 &amp; more</span></figcaption><p class="se-chart-foot"><span class="se-chart-source">Source: '
        'NHS England, AmbSYS (data to April 2026).</span> <a class="se-chart-csv" href="#fig-c2">Download the data '
        "(CSV)</a></p></figure>"
    )
    out = cite_charts(figure + figure.replace("fig-c2", "fig-c1"), stamp, "https://example.org/book/notebooks/01.html")
    assert out.count('<p class="se-chart-cite">') == 2
    assert (
        "Cite this chart: The se-ambulance contributors, The South East ambulance evidence book (Edition 2 "
        "(2026.12.1), 7 December 2026), “Category 2 &amp; more”, https://example.org/book/notebooks/01.html#fig-c2. "
        "Data: NHS England, AmbSYS (data to April 2026); Open Government Licence v3.0."
    ) in out
    draft = Stamp(**{**stamp.__dict__, "edition": "Draft (not a published edition)"})
    assert "(draft, not a published edition)" in cite_charts(figure, draft, "https://x/p.html")


def test_a_p_value_too_small_to_show_says_so_and_never_reads_zero():
    """Chapter 9's sensitivity table once read 'HAC p-value 0.000', as if the chance were nil."""
    from types import SimpleNamespace as NS

    from se_ambulance.publish.evaluation_text.units import rank_text
    from se_ambulance.publish.format import p_value
    from se_ambulance.publish.tables import regression_table

    assert p_value(0.0) == p_value(0.0004) == "< 0.001"
    assert p_value(0.001) == "0.001" and p_value(0.0456) == "0.046" and p_value(1.0) == "1.000"
    assert p_value(0.004, 2) == "< 0.01" and p_value(0.07, 2) == "0.07"
    assert p_value(float("nan")) == "–"
    assert rank_text(NS(p=0.004, rank=1, of=300)) == "1st of 300 (p < 0.01)"
    assert rank_text(NS(p=0.07, rank=1, of=14)) == "1st of 14 (p = 0.07)"
    coefs = pd.DataFrame(
        {
            "model": ["demand"] * 2,
            "term": ["a", "b"],
            "minutes": [1.0, 2.0],
            "ci_low": [0.5, 1.5],
            "ci_high": [1.5, 2.5],
            "p": [0.00001, 0.2],
            "r2": [0.5, 0.5],
            "n": [100, 100],
        }
    )
    assert list(regression_table(coefs)["p-value"]) == ["< 0.001", "0.200"]


# --- citations -----------------------------------------------------------------------------------------------------

ALPHA_LABEL = re.compile(r"\[[A-Za-z]+\d\d\]")  # pybtex's alpha keys: '[OfficefNStatistics25]'


def test_citations_are_author_year_and_organisations_stay_whole_names():
    """The pages cite '(Office for National Statistics, 2025)' and the references page labels entries so; an
    organisation's name in braces is one name, not split into first and last names."""
    from pybtex.database import parse_file

    from se_ambulance.publish.bibliography import STYLE, author_year_label

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    assert config["bibtex_reference_style"] == config["bibtex_default_style"] == STYLE
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    for author in re.findall(r"author\s*=\s*\{(.*)\},?\s*$", bib, re.M):
        whole = author.startswith("{") and author.endswith("}")  # one organisation, even with 'and' in its name
        for person in [author] if whole else author.split(" and "):
            assert "," in person or (person.startswith("{") and person.endswith("}")), person
    entries = parse_file(ROOT / "book" / "references.bib").entries
    assert author_year_label(entries["ons_snpp2022"]) == "Office for National Statistics, 2025"
    assert author_year_label(entries["mdc_2019"]) == "NHS England and NHS Improvement, 2019"
    assert author_year_label(entries["ferman_2021"]) == "Ferman and Pinto, 2021"
    assert author_year_label(entries["fulop_2002"]) == "Fulop et al., 2002"


@pytest.mark.slow
def test_no_page_shows_a_citation_as_a_garbled_key(site):
    for path in sorted(site.rglob("*.html")):
        text = re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))
        assert not ALPHA_LABEL.search(text), (path.name, ALPHA_LABEL.search(text).group(0))
    front = re.sub(r"<[^>]+>", "", (site / "notebooks" / "00_introduction.html").read_text(encoding="utf-8"))
    assert "(Office for National Statistics, 2025)" in front and "(NHS England, 2026)" in front
    refs = re.sub(r"<[^>]+>", "", (site / "book" / "references.html").read_text(encoding="utf-8"))
    assert "[Office for National Statistics, 2025]" in refs and "[HM Treasury, 2013]" in refs


@pytest.mark.slow
def test_glued_values_are_not_bold_so_no_bullet_is_wholly_bold(site):
    """myst-nb's stylesheet sets glued text in bold: chapter 9's bullet "Of the 7 months since the start …", one
    glued sentence, read wholly bold beside plain bullets. The book's stylesheet, loaded after it, undoes that."""
    css = (site / "_static" / "se-book.css").read_text(encoding="utf-8")
    assert re.search(r"span\.pasted-text\s*\{\s*font-weight:\s*inherit;\s*\}", css)
    html = (site / "notebooks" / "09_evaluation.html").read_text(encoding="utf-8")
    sheets = re.findall(r'<link rel="stylesheet"[^>]*href="([^"?]+)', html)
    mystnb = next(i for i, s in enumerate(sheets) if "mystnb" in s)
    assert sheets.index("../_static/se-book.css") > mystnb
    assert re.search(r"<li><p><span class=\"pasted-text\">Of the \d+ months? since the start", html)


def test_an_area_code_a_reader_meets_carries_the_areas_name():
    """Chapter 4's footprint notes and the assumptions log once gave bare sub-ICB codes ('D9Y0V', '92A')."""
    from se_ambulance.analysis.population import FOOTPRINTS
    from se_ambulance.claims.assumptions import assumptions_log
    from se_ambulance.pipeline.params import load_params

    p = load_params().model_dump()
    log = assumptions_log(p["performance"], p["demand"], p["appraisal"])
    texts = [f.note for f in FOOTPRINTS.values()] + [
        " ".join(map(str, row)) for row in log.drop(columns=log.columns[-1]).itertuples(index=False)
    ]
    code = re.compile(r"\b(?:\d{2}[A-Z]|[A-Z]\d[A-Z]\d[A-Z])\b")  # a sub-ICB code: '92A', 'D9Y0V'
    found = [(m.group(0), t[max(0, m.start() - 50) : m.end() + 1]) for t in texts for m in code.finditer(t)]
    assert found  # the codes are still given, for analysts, beside the names
    for c, around in found:
        assert re.search(rf"[A-Z][a-z]+ sub-ICB location \(code {c}\)|[A-Z][a-z]+ one \(code {c}\)", around), around


@pytest.mark.slow
def test_chapter_9s_tables_use_sentence_case_headers_and_one_unit_for_times(site):
    """Chapter 9's tables once had 'outcome' and 'better when' as headers, '126 s / 84 s' beside '14.0 min', 'pp'
    and 'no (R² ≤ 0)'."""
    import html as _html

    page = (site / "notebooks" / "09_evaluation.html").read_text(encoding="utf-8")
    tables = re.findall(r'<table class="[^"]*se-evaluation.*?</table>', page, re.S)
    assert len(tables) >= 8
    for table in tables:
        for header in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S):
            text = _html.unescape(re.sub(r"<[^>]+>", "", header)).strip()
            assert not text or not text[0].islower(), text
        cells = _html.unescape(re.sub(r"<[^>]+>", " ", table))
        assert not re.search(r"\d s\b|\bpp\b|R² ≤ 0", cells), re.search(r".{40}(\d s\b|\bpp\b|R² ≤ 0).{20}", cells)
