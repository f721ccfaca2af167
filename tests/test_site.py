"""The published site in headless Chromium: charts draw, nothing leaves the site, links resolve,
and axe-core finds no WCAG 2.1 A/AA violation on any page.

The site is built from the committed notebooks (no execution), exactly as `make book` publishes
it. Screenshots of every page are kept in test-artifacts/screenshots for a person to look at.
axe-core is the npm package pinned in package.json/package-lock.json (`npm ci`), injected from
node_modules into each page, so the test needs no network.
"""

from __future__ import annotations

import base64
import functools
import html.parser
import http.server
import re
import shutil
import threading
import urllib.parse
from pathlib import Path

import pytest

from se_ambulance.pipeline.build import build_site, stage_book_sources

from .support.browser import AXE, axe_problem, chromium_path, chromium_problem, launch_problem, skipped
from .support.builders import ROOT

pytestmark = pytest.mark.site  # `make test-fast` leaves these out

ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
# Console messages known to be harmless: sphinx-book-theme logs this when no colour mode is stored.
KNOWN_CONSOLE = ("Got invalid theme mode",)
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
REFRESH = re.compile(r'<meta\s+http-equiv="refresh"\s+content="\d+;\s*url=([^"]+)"', re.IGNORECASE)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("site-src")
    stage_book_sources(ROOT, src)  # as a scenario build stages them, the book's styles included
    shutil.copytree(ROOT / "notebooks", src / "notebooks")
    return build_site(src, src)


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
            b = p.chromium.launch(executable_path=str(chromium_path()), args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
        except Error as e:
            pytest.fail(launch_problem(e), pytrace=False)
        yield b
        b.close()


def pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html")
                  if p.name not in ("genindex.html", "search.html") and "_static" not in p.parts)


def open_page(browser, server, path, goto: bool = True, **options):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, **options)
    record = {"requests": [], "console": [], "failed": []}
    page.on("request", lambda r: record["requests"].append(r.url))
    page.on("console", lambda m: record["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: record["console"].append(str(e)))
    page.on("response", lambda r: record["failed"].append(f"{r.status} {r.url}") if r.status >= 400 else None)
    if goto:
        page.goto(f"{server}/{path}", wait_until="load")
    return page, record


def wait_for_charts(page) -> None:
    """Until every chart has drawn (or failed to) and the page has settled."""
    n = page.locator(".se-chart-vis").count()
    if n:
        page.wait_for_function(
            f"document.querySelectorAll('.se-chart-vis svg').length + "
            f"document.querySelectorAll('[data-render-error]').length >= {n}", timeout=20000)
    settle(page)


def settle(page) -> None:
    """Until the web fonts have loaded and no CSS transition or animation is running: axe-core must not read a
    colour caught halfway through the theme's fade from light to dark. (getAnimations applies pending style
    changes first, so a transition that a new colour mode starts is already listed.)"""
    page.wait_for_function("document.fonts.status === 'loaded' && "
                           "document.getAnimations().every(a => a.playState !== 'running')", timeout=10000)


def chart_facts(page) -> list[dict]:
    """What each chart on a drawn page offers a reader: its SVG, size, name, source line and CSV."""
    facts = []
    figs = page.locator("figure.se-chart")
    for i in range(figs.count()):
        fig = figs.nth(i)
        svg = fig.locator(".se-chart-vis svg")
        href = fig.locator("a.se-chart-csv").get_attribute("href") or ""
        csv = (base64.b64decode(href.split(",", 1)[1]).decode("utf-8")
               if href.startswith("data:text/csv;charset=utf-8;base64,") else None)
        facts.append({"errors": fig.locator("[data-render-error]").count(), "svgs": svg.count(),
                      "box": svg.first.bounding_box() if svg.count() else None,
                      "label": fig.locator(".se-chart-vis").get_attribute("aria-label") or "",
                      "caption": fig.locator("figcaption").inner_text(), "csv": csv})
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
            page.screenshot(path=str(ARTIFACTS / (path.replace("/", "__") + ".jpg")), full_page=True, type="jpeg",
                            quality=85)
            rec["charts"] = chart_facts(page)
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
        errors = [m for m in rec["console"] if not m.startswith(KNOWN_CONSOLE)]
        assert errors == [], f"{path}: console errors {errors}"


def test_every_chart_draws_with_alt_text_source_and_csv(site, visits):
    chart_pages = [p for p in pages(site) if '<figure class="se-chart"' in (site / p).read_text(encoding="utf-8")]
    assert chart_pages, "no page has a chart"
    for path in chart_pages:
        charts = visits[path]["charts"]
        assert charts, f"{path}: no chart was found in the browser"
        for i, c in enumerate(charts):
            assert c["errors"] == 0 and c["svgs"] == 1, f"{path} chart {i} did not draw"
            assert c["box"]["width"] > 300 and c["box"]["height"] > 150, f"{path} chart {i} is too small: {c['box']}"
            assert len(c["label"]) > 40, f"{path} chart {i} has no real alt text"
            assert "Source:" in c["caption"]
            lines = (c["csv"] or "").strip().splitlines()
            assert len(lines) >= 2 and "," in lines[0], f"{path} chart {i}: no CSV of what is drawn"


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
    for path in pages(site):
        text = (site / path).read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in text.lower():
            continue  # the root redirect page
        assert "se-build-stamp" in text and "data to March 2026" in text and "built 20" in text, path


def test_each_page_is_at_most_1_5_mb_apart_from_the_shared_chart_bundle(site):
    sizes = {p: (site / p).stat().st_size for p in pages(site)}
    assert max(sizes.values()) <= 1.5e6, {p: s for p, s in sizes.items() if s > 1.5e6}


@pytest.fixture(scope="session")
def axe_source() -> str:
    problem = axe_problem()
    if problem:
        pytest.fail(problem, pytrace=False)
    return AXE.read_text(encoding="utf-8")


_RUN_AXE = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return {passes: r.passes.length, violations: r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))}))};
}"""


def axe_violations(page, axe_source: str) -> list[dict]:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source)
    result = page.evaluate(_RUN_AXE, WCAG_21_AA)
    assert result["passes"] > 0, "axe-core ran no rule at all"
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


def test_every_page_has_no_wcag_21_aa_violations(visits):
    """axe-core, WCAG 2.1 A and AA, on every page after its charts have drawn, in light and dark mode."""
    found = {f"{path} ({scheme} mode)": v for path, rec in visits.items() for scheme, v in rec["axe"].items() if v}
    nodes = sum(len(v["nodes"]) for vs in found.values() for v in vs)
    assert not found, f"axe-core: {nodes} nodes violate WCAG 2.1 A/AA\n{describe(found)}"
