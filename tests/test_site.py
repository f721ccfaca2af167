"""The published site in headless Chromium: charts draw, nothing leaves the site, links resolve.

The site is built from the committed notebooks (no execution), exactly as `make book` publishes
it. Screenshots of every page are kept in test-artifacts/screenshots for a person to look at.
"""

from __future__ import annotations

import base64
import functools
import html.parser
import http.server
import os
import shutil
import threading
import urllib.parse
from pathlib import Path

import pytest

from se_ambulance.pipeline.build import BOOK_FILES, build_site

from .conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
# Console messages known to be harmless: sphinx-book-theme logs this when no colour mode is stored.
KNOWN_CONSOLE = ("Got invalid theme mode",)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("site-src")
    for name in BOOK_FILES:
        p = ROOT / name
        (shutil.copytree if p.is_dir() else shutil.copy2)(p, src / name)
    shutil.copytree(ROOT / "notebooks", src / "notebooks")
    return build_site(src, src)


@pytest.fixture(scope="session")
def server(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    if os.environ.get("SE_AMBULANCE_SKIP_BROWSER") == "1":
        pytest.skip("SE_AMBULANCE_SKIP_BROWSER=1")
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: `apt-get install chromium` (Debian) or set "
                    "SE_AMBULANCE_SKIP_BROWSER=1 to skip the browser tests knowingly.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


def pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html")
                  if p.name not in ("genindex.html", "search.html") and "_static" not in p.parts)


def open_page(browser, server, path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    record = {"requests": [], "console": [], "failed": []}
    page.on("request", lambda r: record["requests"].append(r.url))
    page.on("console", lambda m: record["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: record["console"].append(str(e)))
    page.on("response", lambda r: record["failed"].append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{server}/{path}", wait_until="load")
    return page, record


def test_every_page_loads_cleanly_and_stays_on_the_site(site, server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for path in pages(site):
        page, rec = open_page(browser, server, path)
        n = page.locator(".se-chart-vis").count()
        if n:
            page.wait_for_function(
                f"document.querySelectorAll('.se-chart-vis svg').length + "
                f"document.querySelectorAll('[data-render-error]').length >= {n}", timeout=20000)
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / (path.replace("/", "__") + ".png")), full_page=True)
        page.close()
        outside = [u for u in rec["requests"] if not u.startswith(server) and not u.startswith("data:")]
        assert outside == [], f"{path} requested another host: {outside}"
        assert rec["failed"] == [], f"{path}: failed requests {rec['failed']}"
        errors = [m for m in rec["console"] if not m.startswith(KNOWN_CONSOLE)]
        assert errors == [], f"{path}: console errors {errors}"


def test_every_chart_draws_with_alt_text_source_and_csv(site, server, browser):
    chart_pages = [p for p in pages(site) if "se-chart" in (site / p).read_text(encoding="utf-8")]
    assert chart_pages, "no page has a chart"
    for path in chart_pages:
        page, _ = open_page(browser, server, path)
        figs = page.locator("figure.se-chart")
        n = figs.count()
        page.wait_for_function(
            f"document.querySelectorAll('.se-chart-vis svg').length >= {n}", timeout=20000)
        for i in range(n):
            fig = figs.nth(i)
            vis = fig.locator(".se-chart-vis")
            assert fig.locator("[data-render-error]").count() == 0
            assert fig.locator(".se-chart-vis svg").count() == 1
            box = fig.locator(".se-chart-vis svg").bounding_box()
            assert box["width"] > 300 and box["height"] > 150, f"{path} chart {i} is too small: {box}"
            assert len(vis.get_attribute("aria-label") or "") > 40
            assert "Source:" in fig.locator("figcaption").inner_text()
            href = fig.locator("a.se-chart-csv").get_attribute("href")
            assert href.startswith("data:text/csv;charset=utf-8;base64,")
            csv = base64.b64decode(href.split(",", 1)[1]).decode("utf-8")
            lines = csv.strip().splitlines()
            assert len(lines) >= 2 and "," in lines[0]  # a header and at least one row
        page.close()


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
