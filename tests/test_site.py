"""The published site in headless Chromium: charts draw, nothing leaves the site, links resolve,
axe-core finds no WCAG 2.1 A/AA violation on any page, a first visit is light, nothing is wider than a
390 px phone, and the PDF edition prints.

The site is built from the committed notebooks (no execution), exactly as `make book` publishes
it, with its PDF edition. Screenshots of every page at 1366 and 390 px are kept in
test-artifacts/screenshots for a person to look at. axe-core is the npm package pinned in
package.json/package-lock.json (`npm ci`), injected from node_modules into each page, so the test
needs no network.
"""

from __future__ import annotations

import csv
import functools
import html.parser
import http.server
import re
import shutil
import threading
import unicodedata
import urllib.parse
from pathlib import Path

import pytest

from se_ambulance.pipeline.build import build_site, stage_book_sources

from .support.browser import AXE, axe_problem, chromium_path, chromium_problem, launch_problem, skipped
from .support.builders import ROOT

pytestmark = pytest.mark.site  # `make test-fast` leaves these out

ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Best-practice rules the site also passes: all content in landmarks; no header cell without a name.
BEST_PRACTICE = ["region", "empty-table-header"]
WIDE, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}
# A reader's first visit to a page (nothing cached), uncompressed.
MAX_FIRST_VISIT_BYTES, MAX_FIRST_VISIT_REQUESTS = 1_500_000, 15
REFRESH = re.compile(r'<meta\s+http-equiv="refresh"\s+content="\d+;\s*url=([^"]+)"', re.IGNORECASE)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    from se_ambulance.pipeline.pdf import make_pdfs

    src = tmp_path_factory.mktemp("site-src")
    stage_book_sources(ROOT, src)  # as a scenario build stages them, the book's styles included
    shutil.copytree(ROOT / "notebooks", src / "notebooks")
    html = build_site(src, src, pdf_links=True)
    if not skipped() and chromium_problem() is None:
        make_pdfs(html, src, log=lambda msg: None)  # the PDF edition every page links
    return html


@pytest.fixture(scope="session")
def server(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    if skipped():
        pytest.skip("SE_AMBULANCE_SKIP_BROWSER=1")
    problem = chromium_problem()  # the same check as `make test` makes first (tests/support/browser.py)
    if problem:
        pytest.fail(problem, pytrace=False)
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as p:
        try:
            b = p.chromium.launch(
                executable_path=str(chromium_path()),
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
        except Error as e:
            pytest.fail(launch_problem(e), pytrace=False)
        yield b
        b.close()


def pages(site: Path) -> list[str]:
    return sorted(
        str(p.relative_to(site))
        for p in site.rglob("*.html")
        if p.name not in ("genindex.html", "search.html") and "_static" not in p.parts
    )


def open_page(browser, server, path, goto: bool = True, viewport=WIDE, **options):
    page = browser.new_page(viewport=viewport, **options)  # a new context: nothing cached, a first visit
    record = {"requests": [], "console": [], "failed": [], "bytes": {}}
    page.on("request", lambda r: record["requests"].append(r.url))
    page.on("requestfinished", lambda r: record["bytes"].__setitem__(r.url, _body_size(r)))
    page.on("console", lambda m: record["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: record["console"].append(str(e)))
    page.on("response", lambda r: record["failed"].append(f"{r.status} {r.url}") if r.status >= 400 else None)
    if goto:
        page.goto(f"{server}/{path}", wait_until="load")
    return page, record


def _body_size(request) -> int:
    response = request.response()
    try:
        return len(response.body()) if response else 0
    except Exception:  # a redirect or an aborted request has no body
        return 0


def wait_for_charts(page) -> None:
    """Until every chart has drawn (or failed to) and the page has settled."""
    n = page.locator(".se-chart-vis").count()
    if n:
        page.wait_for_function(
            f"document.querySelectorAll('.se-chart-vis svg').length + "
            f"document.querySelectorAll('[data-render-error]').length >= {n}",
            timeout=20000,
        )
    settle(page)


def settle(page) -> None:
    """Until the web fonts have loaded and no CSS transition or animation is running: axe-core must not read a
    colour caught halfway through the theme's fade from light to dark. (getAnimations applies pending style
    changes first, so a transition that a new colour mode starts is already listed.)"""
    page.wait_for_function(
        "document.fonts.status === 'loaded' && document.getAnimations().every(a => a.playState !== 'running')",
        timeout=10000,
    )


def chart_facts(page) -> list[dict]:
    """What each chart on a drawn page offers a reader: its SVG, size, name, source line and CSV."""
    facts = []
    figs = page.locator("figure.se-chart")
    for i in range(figs.count()):
        fig = figs.nth(i)
        svg = fig.locator(".se-chart-vis svg")
        href = fig.locator("a.se-chart-csv").get_attribute("href") or ""
        csv = urllib.parse.unquote(href.split(",", 1)[1]) if href.startswith("data:text/csv;charset=utf-8,") else None
        facts.append(
            {
                "errors": fig.locator("[data-render-error]").count(),
                "svgs": svg.count(),
                "file": fig.locator("a.se-chart-csv").get_attribute("download") or "",
                "box": svg.first.bounding_box() if svg.count() else None,
                "label": fig.locator(".se-chart-vis").get_attribute("aria-label") or "",
                "title": fig.locator(".se-chart-title").inner_text(),
                "caption": fig.locator(".se-chart-foot").inner_text(),
                "csv": csv,
                "units": fig.locator(".se-chart-units").inner_text(),
            }
        )
    return facts


@pytest.fixture(scope="session")
def visits(site, server, browser, axe_source) -> dict[str, dict]:
    """Each page opened once, after its charts have drawn: what it requested and logged, its charts, a
    screenshot (test-artifacts/screenshots), and axe-core's WCAG 2.1 A/AA violations in the theme's light
    mode and again in its dark mode (the theme follows the reader's system setting)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = {}
    for path in pages(site):
        text = (site / path).read_text(encoding="utf-8")
        redirect = REFRESH.search(text)
        page, rec = open_page(browser, server, path, color_scheme="light", goto=not redirect)
        if redirect:
            # A page that only redirects: answer the redirect with 204 No Content, so the browser stays
            # on this page and axe checks it (the target is checked as a page of its own).
            target = urllib.parse.urljoin(f"{server}/{path}", redirect.group(1))
            assert (site / urllib.parse.urlparse(target).path.lstrip("/")).is_file(), f"{path} -> {target}"
            followed = []
            page.route(target, lambda route: (followed.append(route.request.url), route.fulfill(status=204)))
            page.goto(f"{server}/{path}", wait_until="load")
            page.wait_for_timeout(300)
            assert followed, f"{path} did not redirect to {target}"
            schemes = ["light"]  # no theme, no colour modes
        else:
            wait_for_charts(page)
            # JPEG: a whole page encodes in half the time PNG takes, and reads as well to a person checking it.
            page.screenshot(
                path=str(ARTIFACTS / (path.replace("/", "__") + "__1366.jpg")), full_page=True, type="jpeg", quality=85
            )
            rec["charts"] = chart_facts(page)
            rec["cut"] = cut_text(page)
            rec["best_practice"] = axe_violations(page, axe_source, {"type": "rule", "values": BEST_PRACTICE})
            schemes = ["light", "dark"]
        rec["axe"] = {}
        for scheme in schemes:
            if scheme != "light":
                page.emulate_media(color_scheme=scheme)
                page.wait_for_function(f"document.documentElement.dataset.theme === '{scheme}'", timeout=5000)
                settle(page)
            else:
                assert page.evaluate("document.documentElement.dataset.theme || 'light'") == "light", path
            rec["axe"][scheme] = axe_violations(page, axe_source)
        page.close()
        out[path] = rec
    return out


def test_every_page_loads_cleanly_and_stays_on_the_site(visits, server):
    for path, rec in visits.items():
        outside = [u for u in rec["requests"] if not u.startswith(server) and not u.startswith("data:")]
        assert outside == [], f"{path} requested another host: {outside}"
        assert rec["failed"] == [], f"{path}: failed requests {rec['failed']}"
        assert rec["console"] == [], f"{path}: console errors {rec['console']}"


def test_a_first_visit_is_light_and_loads_only_what_the_page_uses(site, visits):
    for path, rec in visits.items():
        if "bytes" not in rec or REFRESH.search((site / path).read_text(encoding="utf-8")):
            continue
        sizes = rec["bytes"]
        assert len(sizes) <= MAX_FIRST_VISIT_REQUESTS, f"{path}: {len(sizes)} requests: {sorted(sizes)}"
        assert sum(sizes.values()) <= MAX_FIRST_VISIT_BYTES, (
            f"{path}: {sum(sizes.values()):,} bytes: {sorted(sizes.items(), key=lambda kv: -kv[1])[:5]}"
        )
        names = [urllib.parse.urlparse(u).path.rsplit("/", 1)[-1] for u in sizes]
        has_chart = '<figure class="se-chart"' in (site / path).read_text(encoding="utf-8")
        assert ("se-charts.js" in names) == has_chart, f"{path}: chart bundle loaded: {'se-charts.js' in names}"
        for never in ("fontawesome.js", "searchindex.js", "searchtools.js", "sphinx-thebe.css", "copybutton.js"):
            assert never not in names, f"{path} loads {never}, which it does not use"


def test_every_chart_draws_with_alt_text_source_and_csv(site, visits):
    chart_pages = [p for p in pages(site) if '<figure class="se-chart"' in (site / p).read_text(encoding="utf-8")]
    assert chart_pages, "no page has a chart"
    times = 0
    for path in chart_pages:
        charts = visits[path]["charts"]
        assert charts, f"{path}: no chart was found in the browser"
        for i, c in enumerate(charts):
            assert c["errors"] == 0 and c["svgs"] == 1, f"{path} chart {i} did not draw"
            assert c["box"]["width"] > 300 and c["box"]["height"] > 150, f"{path} chart {i} is too small: {c['box']}"
            assert len(c["label"]) > 40, f"{path} chart {i} has no real alt text"
            assert c["title"] and "Source:" in c["caption"]
            lines = (c["csv"] or "").strip().splitlines()
            assert len(lines) >= 2 and "," in lines[0], f"{path} chart {i}: no CSV of what is drawn"
            # Headings in words with their units (times in decimal minutes, said so), never raw column names; the file
            # named by the chart's title, not by a trust's code.
            head = next(csv.reader([lines[0]]))
            assert not [h for h in head if "_" in h or h != h.strip() or not h], f"{path} chart {i}: headings {head}"
            values = next(csv.reader([lines[1]]))
            assert c["file"].endswith(".csv") and not re.search(r"\b(ryd|rye)\b", c["file"]), c["file"]
            if c["units"].startswith("Minutes") and any(re.fullmatch(r"\d+\.\d+", v) for v in values):
                times += 1
                assert any("(minutes, decimal)" in h for h in head), f"{path} chart {i}: times without a unit: {head}"
    assert times >= 5, "too few charts of times were checked for their unit"


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for key in ("href", "src"):
            if a.get(key) and tag in ("a", "link", "script", "img"):
                self.links.append((tag, a[key]))


def test_internal_links_and_anchors_resolve(site):
    parsed = {}
    for f in site.rglob("*.html"):
        if "_static" in f.relative_to(site).parts:
            continue  # theme templates, not pages
        p = _Links()
        p.feed(f.read_text(encoding="utf-8"))
        parsed[f.resolve()] = p
    broken = []
    for f, p in parsed.items():
        for tag, link in p.links:
            u = urllib.parse.urlparse(link)
            if u.scheme in ("http", "https"):
                if tag != "a":  # a page may link out, but never load a resource from another host
                    broken.append(f"{f.name}: <{tag}> loads {link}")
                continue
            if u.scheme in ("data", "mailto", "javascript"):
                continue
            target = (f.parent / urllib.parse.unquote(u.path)).resolve() if u.path else f
            if not target.exists():
                broken.append(f"{f.name}: {link} (missing file)")
            elif u.fragment and target.suffix == ".html":
                ids = parsed.get(target).ids if target in parsed else set()
                if u.fragment not in ids:
                    broken.append(f"{f.name}: {link} (missing anchor)")
    assert broken == []


def test_every_page_carries_the_build_stamp(site):
    """Every page names its edition (or that it is a draft), the data's end and when the next release is due."""
    import html as _html

    from se_ambulance.publish.stamp import current_stamp

    st = current_stamp()
    for path in pages(site):
        text = (site / path).read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in text.lower():
            continue  # the root redirect page
        assert "se-build-stamp" in text and _html.escape(st.line()) in text and "built " in text, path
        assert "next AmbSYS release is expected on Thursday" in text, path


def test_each_page_is_at_most_1_5_mb_apart_from_the_shared_chart_bundle(site):
    sizes = {p: (site / p).stat().st_size for p in pages(site)}
    assert max(sizes.values()) <= 1.5e6, {p: s for p, s in sizes.items() if s > 1.5e6}


@pytest.fixture(scope="session")
def axe_source() -> str:
    problem = axe_problem()
    if problem:
        pytest.fail(problem, pytrace=False)
    return AXE.read_text(encoding="utf-8")


_RUN_AXE = """async (runOnly) => {
  const r = await axe.run(document, {runOnly: runOnly, resultTypes: ["violations"]});
  return {passes: r.passes.length, violations: r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))}))};
}"""


def axe_violations(page, axe_source: str, run_only: dict | None = None) -> list[dict]:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source)
    result = page.evaluate(_RUN_AXE, run_only or {"type": "tag", "values": WCAG_21_AA})
    assert result["passes"] + len(result["violations"]) > 0, "axe-core ran no rule at all"
    return result["violations"]


def describe(found: dict[str, list[dict]]) -> str:
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"{where}: {v['id']} ({v['impact']}): {v['help']} <{v['url']}>")
            for node in v["nodes"]:
                summary = " ".join(node["summary"].split())
                lines.append(f"    {node['target']}\n        {summary}")
    return "\n".join(lines)


def test_every_page_keeps_its_content_in_landmarks_and_names_every_header_cell(visits):
    """axe-core's best-practice `region` and `empty-table-header` rules, after the charts have drawn."""
    found = {path: rec["best_practice"] for path, rec in visits.items() if rec.get("best_practice")}
    assert not found, f"axe-core best practice:\n{describe(found)}"


def test_every_page_has_no_wcag_21_aa_violations(visits):
    """axe-core, WCAG 2.1 A and AA, on every page after its charts have drawn, in light and dark mode."""
    found = {f"{path} ({scheme} mode)": v for path, rec in visits.items() for scheme, v in rec["axe"].items() if v}
    nodes = sum(len(v["nodes"]) for vs in found.values() for v in vs)
    assert not found, f"axe-core: {nodes} nodes violate WCAG 2.1 A/AA\n{describe(found)}"


# --- chart text that is cut: at both widths ------------------------------------------------------------------------

# Every word a chart draws (axis labels and titles, legend labels, notes) must be whole and inside the chart's box:
# Vega cuts a label that exceeds its limit with an ellipsis, and text past the box's edge is hidden (the box clips).
_CUT_TEXT = """() => [...document.querySelectorAll("figure.se-chart")].flatMap((f) => {
  const box = f.querySelector(".se-chart-vis").getBoundingClientRect();
  return [...f.querySelectorAll(".se-chart-vis svg text")].flatMap((t) => {
    const r = t.getBoundingClientRect(), text = t.textContent;
    if (!r.width) return [];
    const out = Math.round(Math.max(box.left - r.left, r.right - box.right, box.top - r.top, r.bottom - box.bottom));
    return text.includes("\u2026") || out > 1 ? [`${f.id}: "${text}" (${text.includes("\u2026") ? "cut short" : out + " px outside"})`] : [];
  });
})"""


def cut_text(page) -> list[str]:
    return page.evaluate(_CUT_TEXT)


def test_no_chart_cuts_a_word_on_a_wide_screen(visits):
    cut = {p: r["cut"] for p, r in visits.items() if r.get("cut")}
    assert cut == {}, f"chart text cut short or clipped at 1366 px: {cut}"


def test_no_chart_cuts_a_word_on_a_phone(phone):
    cut = {p: r["cut"] for p, r in phone.items() if r.get("cut")}
    assert cut == {}, f"chart text cut short or clipped at 390 px: {cut}"
    drawn = sum(len(r["facts"]["charts"]) for r in phone.values())
    assert drawn > 15, f"only {drawn} charts were checked"


# --- a 390 px phone ----------------------------------------------------------------------------------------------

_PHONE_FACTS = """() => {
  const vw = window.innerWidth, r = (el) => el.getBoundingClientRect();
  const box = (el) => { const b = r(el); return {left: Math.round(b.left), right: Math.round(b.right), width: Math.round(b.width)}; };
  return {
    viewport: vw, scroll: document.documentElement.scrollWidth,
    charts: [...document.querySelectorAll("figure.se-chart")].map((f) => {
      const svg = f.querySelector(".se-chart-vis svg"), vis = f.querySelector(".se-chart-vis");
      return {id: f.id, svg: svg ? box(svg) : null, vis: box(vis),
              legends: svg ? [...svg.querySelectorAll("g.role-legend")].map(box) : []};
    }),
    tables: [...document.querySelectorAll("main table")].map((t) => {
      const wrap = t.closest(".se-table-scroll");
      return {label: wrap ? wrap.getAttribute("aria-label") : null, box: box(wrap || t)};
    }),
  };
}"""


@pytest.fixture(scope="session")
def phone(site, server, browser) -> dict[str, dict]:
    """Each page on a 390 × 844 phone after its charts have drawn: the page's and each chart's and table's width,
    each chart's legends, and a screenshot."""
    out = {}
    for path in pages(site):
        if REFRESH.search((site / path).read_text(encoding="utf-8")):
            continue
        page, rec = open_page(browser, server, path, viewport=PHONE, color_scheme="light")
        wait_for_charts(page)
        page.screenshot(
            path=str(ARTIFACTS / (path.replace("/", "__") + "__390.jpg")), full_page=True, type="jpeg", quality=85
        )
        rec["facts"] = page.evaluate(_PHONE_FACTS)
        rec["cut"] = cut_text(page)
        page.close()
        out[path] = rec
    return out


def test_no_page_scrolls_sideways_on_a_phone(phone):
    wide = {p: r["facts"]["scroll"] for p, r in phone.items() if r["facts"]["scroll"] > r["facts"]["viewport"]}
    assert wide == {}, f"pages wider than 390 px: {wide}"
    assert [m for r in phone.values() for m in r["console"]] == []


def test_no_chart_or_table_is_wider_than_a_phone_and_every_legend_is_seen(phone):
    bad = []
    for path, rec in phone.items():
        vw = rec["facts"]["viewport"]
        for c in rec["facts"]["charts"]:
            if c["svg"] is None:
                bad.append(f"{path} {c['id']}: not drawn")
                continue
            if c["svg"]["left"] < 0 or c["svg"]["right"] > vw or c["svg"]["width"] > c["vis"]["width"]:
                bad.append(f"{path} {c['id']}: chart {c['svg']} in a box {c['vis']} on a {vw} px screen")
            for legend in c["legends"]:
                if legend["width"] == 0 or legend["left"] < c["vis"]["left"] or legend["right"] > c["vis"]["right"]:
                    bad.append(f"{path} {c['id']}: legend {legend} outside its chart {c['vis']}")
        for t in rec["facts"]["tables"]:
            if t["label"] is None:
                bad.append(f"{path}: a table without its labelled scrolling wrapper")
            if t["box"]["left"] < 0 or t["box"]["right"] > vw:
                bad.append(f"{path}: table {t['label']} spans {t['box']} on a {vw} px screen")
    assert bad == [], "\n".join(bad)
    legends = sum(len(c["legends"]) for rec in phone.values() for c in rec["facts"]["charts"])
    assert legends > 10, "the charts drew almost no legend"


def _chart_page(site) -> str:
    return next(
        p
        for p in pages(site)
        if "c2-" in (site / p).read_text(encoding="utf-8") and "-monthly" in (site / p).read_text(encoding="utf-8")
    )


def test_tooltips_fire_near_a_line_and_speak_plain_words(site, server, browser):
    page, rec = open_page(browser, server, _chart_page(site))
    wait_for_charts(page)
    fig = page.locator("figure.se-chart").filter(has=page.locator("[id^=chart-c2-]")).first
    fig.scroll_into_view_if_needed()
    box = fig.locator(".se-chart-vis svg").bounding_box()
    shown = []
    for fx, fy in ((0.3, 0.35), (0.6, 0.2), (0.8, 0.6)):  # anywhere in the plot, not on a line
        page.mouse.move(box["x"] + fx * box["width"] * 0.45, box["y"] + fy * box["height"] * 0.6)
        page.wait_for_timeout(150)
        tip = fig.locator(".se-tooltip")
        if tip.is_visible():
            shown.append(tip.inner_text())
    page.close()
    assert len(shown) == 3, f"tooltips shown at {len(shown)} of 3 points near the lines: {shown}"
    for text in shown:
        assert re.search(
            r"Month: (January|February|March|April|May|June|July|August|September|October|November|"
            r"December) \d{4}",
            text,
        ), text
        assert re.search(r"SECAmb: (\d+:\d\d|no data)", text) and "_" not in text, text


def test_the_pages_write_times_as_the_text_does(site, server, browser):
    """A tooltip or numbers table writes a time as `publish.format.mmss` does: '28:50' under an hour, '5 h 07 min'
    from an hour (the Category 3 and 4 charts), never '5:07:00'."""
    from se_ambulance.publish.format import mmss

    page, _ = open_page(browser, server, _chart_page(site))
    page.wait_for_function("window.seCharts !== undefined")
    cases = [1730, 3599, 3600, 18397, 25210]
    shown = page.evaluate(f"{cases}.map(s => window.seCharts.format(s / 60, 'mmss:1'))")
    page.close()
    assert shown == [mmss(s) for s in cases], shown


def test_the_numbers_of_a_chart_open_by_keyboard_in_plain_words(site, server, browser):
    page, _ = open_page(browser, server, _chart_page(site))
    wait_for_charts(page)
    figure = page.locator("figure.se-chart").filter(has=page.locator("[id^=chart-c2-]")).first
    summary = figure.locator("details.se-chart-numbers summary")
    summary.focus()
    page.keyboard.press("Enter")
    table = figure.locator("table.se-numbers")
    table.wait_for(timeout=5000)
    head = table.locator("thead th").all_inner_texts()
    first = table.locator("tbody tr").first.inner_text()
    assert len(head) > 1 and not any("_" in h for h in head), head
    assert table.locator("tbody tr").count() > 5 and re.search(r"[A-Z][a-z]+ \d{4}|\d+:\d\d", first), first
    assert page.evaluate("window.seCharts.format(28.8333, 'mmss:1')") == "28:50"
    assert page.evaluate("window.seCharts.format(125.5, 'mmss:1')") == "2 h 06 min"  # as format.mmss
    assert page.evaluate("window.seCharts.format('2024-03', 'month:1')") == "March 2024"
    page.close()


def test_charts_are_drawn_again_at_a_new_width(site, server, browser):
    page, _ = open_page(browser, server, _chart_page(site))
    wait_for_charts(page)
    wide = page.locator(".se-chart-vis svg").first.bounding_box()["width"]
    page.set_viewport_size(PHONE)
    page.wait_for_function(
        "[...document.querySelectorAll('.se-chart-vis svg')].every("
        "s => s.getBoundingClientRect().right <= window.innerWidth)",
        timeout=10000,
    )
    narrow = page.locator(".se-chart-vis svg").first.bounding_box()["width"]
    page.close()
    assert narrow < wide and narrow <= PHONE["width"]


# --- print and the PDF edition ----------------------------------------------------------------------------------


def test_printed_tables_keep_every_column_on_the_page(site, server, browser):
    """The whole book as the PDF edition prints it (the front page with every other page appended, print media,
    A4 width): no table or chart is wider than the page."""
    from se_ambulance.pipeline.pdf import _APPEND, PRINT_WIDTH_PX, toc_pages

    book_pages = [p for p, _ in toc_pages(site.parents[1]) if (site / p).is_file()]
    page, _ = open_page(browser, server, book_pages[0], goto=False, viewport={"width": PRINT_WIDTH_PX, "height": 1000})
    page.emulate_media(media="print")
    page.goto(f"{server}/{book_pages[0]}", wait_until="load")
    page.evaluate(_APPEND, [f"{server}/{p}" for p in book_pages[1:]])
    wait_for_charts(page)
    cut = page.evaluate(
        "[...document.querySelectorAll('main table, .se-chart-vis svg')].map(t => [t.tagName, "
        "(t.closest('section, .se-print-chapter') || {}).id, Math.round(t.getBoundingClientRect().right)])"
        ".filter(([, , r]) => r > window.innerWidth + 1)"
    )
    tables = page.locator("main table").count()
    broken = page.evaluate(_BROKEN_HEADINGS)
    coloured = page.evaluate(_COLOURED_LINKS)
    page.close()
    assert tables > 20 and cut == [], f"printed tables or charts wider than the page: {cut}"
    assert broken["words"] > 200 and broken["split"] == [], f"table headings broken inside a word: {broken['split']}"
    assert coloured["links"] > 100 and coloured["coloured"] == [], f"links printed in colour: {coloured['coloured']}"


# A word of a table's heading (a line may break after a hyphen) that the printed layout splits over two lines has
# two boxes.
_BROKEN_HEADINGS = """() => {
  let words = 0;
  const split = [];
  for (const th of document.querySelectorAll("main table th")) {
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.textContent.matchAll(/[^\\s\u2010-\u2014-]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        words += 1;
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (tops.size > 1) split.push(m[0]);
      }
    }
  }
  return {words: words, split: split.slice(0, 20)};
}"""

# A printed link is the colour of the text around it.
_COLOURED_LINKS = """() => {
  const links = [...document.querySelectorAll("main a[href]")].filter((a) => a.textContent.trim() && a.offsetParent);
  const coloured = links.filter((a) => getComputedStyle(a).color !== getComputedStyle(a.parentElement).color)
    .map((a) => a.textContent.trim().slice(0, 40) + " " + getComputedStyle(a).color);
  return {links: links.length, coloured: coloured.slice(0, 10)};
}"""


def test_printing_opens_every_collapsed_section_and_closes_it_after(site, server, browser):
    """A reader who prints a page gets the dropdowns' text on paper: the page's own `beforeprint` handler opens every
    <details> (not the charts' numbers tables, which print hides) and `afterprint` closes them again."""
    path = next(p for p in pages(site) if (site / p).read_text(encoding="utf-8").count("sd-dropdown") >= 3)
    page, _ = open_page(browser, server, path)
    closed = "[...document.querySelectorAll('details:not(.se-chart-numbers)')].filter(d => !d.open).length"
    before = page.evaluate(closed)
    page.evaluate("dispatchEvent(new Event('beforeprint'))")
    during = page.evaluate(closed)
    numbers = page.evaluate("[...document.querySelectorAll('details.se-chart-numbers')].filter(d => d.open).length")
    page.evaluate("dispatchEvent(new Event('afterprint'))")
    after = page.evaluate(closed)
    page.close()
    assert before >= 3 and during == 0 and numbers == 0 and after == before, (path, before, during, numbers, after)


def test_the_pdf_edition_is_linked_from_every_page_and_every_printed_page_is_stamped(site):
    from pypdf import PdfReader

    from se_ambulance.pipeline.pdf import BRIEFING_MAX_PAGES
    from se_ambulance.publish.sphinx_ext import BOOK_PDF, BRIEFING_PDF, PDF_FOLDER
    from se_ambulance.publish.stamp import current_stamp

    for path in pages(site):
        text = (site / path).read_text(encoding="utf-8")
        if REFRESH.search(text):
            continue
        assert f"{PDF_FOLDER}/{BOOK_PDF}" in text and f"{PDF_FOLDER}/{BRIEFING_PDF}" in text, path
    book, briefing = PdfReader(site / PDF_FOLDER / BOOK_PDF), PdfReader(site / PDF_FOLDER / BRIEFING_PDF)
    assert 1 <= len(briefing.pages) <= BRIEFING_MAX_PAGES
    assert len(book.pages) > 20
    # The margins come from one @page rule for every printed page; reading the text of every page of the book
    # takes a minute, so the first, a middle and the last page stand for the book, and every briefing page is read.
    stamp = current_stamp()
    n = len(book.pages)
    sample = [("book", i, book.pages[i]) for i in sorted({0, n // 2, n - 1})]
    sample += [("briefing", i, pdf_page) for i, pdf_page in enumerate(briefing.pages)]
    for which, i, pdf_page in sample:
        words = " ".join(pdf_page.extract_text().split())
        # Title and edition with a separator between them, which two margin boxes did not give ("book  Draft").
        for part in (f"{stamp.title} · {stamp.edition}", stamp.data_to, stamp.address):
            assert part in words, f"printed page {i + 1} of the {which} lacks {part!r}"
        total = len(book.pages) if which == "book" else len(briefing.pages)
        assert f"Page {i + 1} of {total}" in words, (
            f"printed page {i + 1} of the {which} is not 'Page {i + 1} of {total}'"
        )
        if not stamp.is_edition:  # a draft's printed pages say which day's draft they are
            assert f"Built {stamp.built}" in words, f"printed page {i + 1} of the {which} lacks the build date"


def test_the_book_pdf_opens_on_a_title_page_and_prints_every_collapsed_section(site):
    """The PDF's first page names the book, its edition, dates, data, address and licences and lists the chapters;
    the PDF's title is the book's; the text inside the site's dropdowns is printed."""
    from pypdf import PdfReader

    from se_ambulance.pipeline.pdf import toc_pages
    from se_ambulance.publish.sphinx_ext import BOOK_PDF, PDF_FOLDER
    from se_ambulance.publish.stamp import current_stamp

    stamp = current_stamp()
    book = PdfReader(site / PDF_FOLDER / BOOK_PDF)
    assert book.metadata.title == stamp.title
    first = " ".join(book.pages[0].extract_text().split())
    for part in (stamp.title, stamp.edition, stamp.data_to, stamp.address, "Contents", "Creative Commons Attribution"):
        assert part in first, f"the title page lacks {part!r}"
    chapters = []
    for path, _ in toc_pages(site.parents[1]):
        m = re.search(r"<h1>(.*?)<a class=\"headerlink\"", (site / path).read_text(encoding="utf-8"), re.S)
        if m:
            chapters.append(" ".join(re.sub(r"<[^>]+>", "", m.group(1)).split()))
    assert len(chapters) >= 10 and all(c.split()[0] in first for c in chapters), chapters
    # A dropdown's text from the appraisal chapter (collapsed on the site) is in the PDF.
    appraisal = (site / "notebooks/05_appraisal.html").read_text(encoding="utf-8")
    inside = re.search(
        r'<details class="[^"]*sd-dropdown[^"]*"[^>]*>.*?<summary.*?</summary>(.*?)</details>', appraisal, re.S
    )
    assert inside, "the appraisal chapter has no dropdown to check"
    words = " ".join(re.sub(r"<[^>]+>", " ", inside.group(1)).split())[:60].rsplit(" ", 1)[0]
    # NFKC undoes the typeface's ligatures in the extracted text ("ﬁnancial" is "financial").
    text = unicodedata.normalize("NFKC", " ".join(" ".join(pg.extract_text().split()) for pg in book.pages))
    assert words and words in text, f"a collapsed section's text is not printed: {words!r}"
    # Paper cannot be clicked: no disclosure triangles, and the analysts' boxes (the code behind each assumption,
    # the parameters of a page), which the site keeps, are not printed for boards.
    assert "How this book was made" in text and "Where the log comes from" in text  # the dropdowns, as headings
    for web_only in ("▼", "▾", "▸", "►", "In the code", "The parameters of this page", "Where it is used"):
        assert web_only not in text, f"the PDF prints the web-only {web_only!r}"
