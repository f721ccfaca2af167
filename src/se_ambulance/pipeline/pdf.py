"""The print editions: the whole book and a two-page briefing for board papers, as PDF.

Debian's Chromium prints the built site offline (Playwright drives it), with the site's own print stylesheet:
each printed page carries the title, edition, data vintage and address in its margins (`publish/sphinx_ext.py`).
The book is one document: the front page with every other page's article appended in the order of the table of
contents (each from a new sheet, its charts drawn again), so pages are numbered through and the PDF's bookmarks
follow the headings. The briefing is the front page's summary (`BRIEFING_SELECTORS`) printed alone. Both go to
`<site>/pdf/`, where every page's footer links them; pypdf counts their pages.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from se_ambulance.errors import BuildError
from se_ambulance.publish.sphinx_ext import BOOK_PDF, BRIEFING_PDF, PDF_FOLDER

# The front page's summary for board papers, printed as the briefing: the first of these the page has. The
# `reader` work writes the summary inside `.se-briefing`; until it does, the headline findings are printed.
BRIEFING_SELECTORS = (".se-briefing", "#headline-findings", "main article")
BRIEFING_MAX_PAGES = 2
# The width of an A4 page inside its margins (210 mm less 2 × 14 mm) in CSS pixels: charts are drawn at it.
PRINT_WIDTH_PX = 688
CHART_TIMEOUT_MS = 30_000


def chromium() -> Path | None:
    """Debian's Chromium, or None."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    path = Path(found) if found else Path("/usr/bin/chromium")
    return path if path.is_file() and os.access(path, os.X_OK) else None


def unavailable() -> str | None:
    """Why this machine cannot print the PDFs (None if it can)."""
    if chromium() is None:
        return "Chromium is not installed (on Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
        import pypdf  # noqa: F401
    except ImportError as e:
        return f"{e.name} is not installed (run `make`)"
    return None


def toc_pages(book_root: Path) -> list[tuple[str, str]]:
    """(page path in the site, e.g. 'notebooks/01_performance.html'; its source) in the order of `_toc.yml`."""
    toc = yaml.safe_load((book_root / "_toc.yml").read_text(encoding="utf-8"))
    found = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("file"), str):
                found.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                walk(node.get(key))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return [(f"{Path(f).with_suffix('')}.html", f) for f in dict.fromkeys(found)]


@contextmanager
def _serve(site: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        thread.join()


def _open(browser, url: str):
    """A page laid out as it prints (print media, A4 width), its charts drawn."""
    page = browser.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.emulate_media(media="print")
    page.goto(url, wait_until="load")
    _wait_for_charts(page)
    page.evaluate("document.fonts.ready")
    if errors:
        raise BuildError(f"{url}: the page failed while printing: {errors[0]}")
    return page


def _wait_for_charts(page) -> None:
    n = page.locator(".se-chart-vis").count()
    if n:
        page.wait_for_function(
            f"document.querySelectorAll('.se-chart-vis[data-rendered]').length + "
            f"document.querySelectorAll('[data-render-error]').length >= {n}",
            timeout=CHART_TIMEOUT_MS,
        )
    failed = page.locator("[data-render-error]").count()
    if failed:
        raise BuildError(f"{failed} chart(s) failed to draw while printing {page.url}.")


def _print(page) -> bytes:
    return page.pdf(format="A4", print_background=True, prefer_css_page_size=True, outline=True, tagged=True)


# Appends each page's article to the front page, each from a new sheet: links made absolute (they were relative
# to their own page), and each chart's queueing script run again so the chart draws in its new place.
_APPEND = """async (urls) => {
  const into = document.querySelector("article.bd-article");
  for (const url of urls) {
    const text = await (await fetch(url)).text();
    const doc = new DOMParser().parseFromString(text, "text/html");
    const article = doc.querySelector("article.bd-article");
    if (!article) throw new Error("no article in " + url);
    for (const el of article.querySelectorAll("[href], [src]")) {
      const key = el.hasAttribute("href") ? "href" : "src";
      const value = el.getAttribute(key);
      if (value && !value.startsWith("#") && !value.startsWith("data:")) el.setAttribute(key, new URL(value, url).href);
    }
    const section = document.createElement("section");
    section.className = "se-print-chapter";
    section.append(...document.adoptNode(article).childNodes);
    into.appendChild(section);
    for (const old of section.querySelectorAll("script")) {
      const script = document.createElement("script");
      script.textContent = old.textContent;
      old.replaceWith(script);
    }
    // The front page may have no chart, and so not the chart script: load the one this page uses.
    const bundle = doc.querySelector('script[src*="se-charts.js"]');
    if (bundle && !window.seCharts) {
      const script = document.createElement("script");
      script.src = new URL(bundle.getAttribute("src"), url).href;
      await new Promise((ok, fail) => { script.onload = ok; script.onerror = fail; document.head.appendChild(script); });
    }
  }
  if (window.seCharts) window.seCharts.drain();
}"""


# Every collapsed section open (a printed page cannot be clicked), as the page's own `beforeprint` handler does for a
# reader who prints a page (publish/sphinx_ext.PRINT_SCRIPT); the chart's numbers table stays shut (print hides it).
_OPEN_DETAILS = (
    """() => document.querySelectorAll("details:not(.se-chart-numbers)").forEach((d) => { d.open = true; })"""
)

# The book's title page, before the front page: title, edition, dates, data, address, licences and the chapters
# (each printed chapter's heading, in order), from the stamp each page carries (publish/sphinx_ext.stamp_meta). The
# document's title becomes the PDF's title.
_TITLE_PAGE = """(licences) => {
  const meta = (name) => (document.querySelector(`meta[name="se-${name}"]`) || {}).content || "";
  const article = document.querySelector("article.bd-article");
  const heading = (h) => { const c = h.cloneNode(true); c.querySelectorAll(".headerlink").forEach((a) => a.remove());
                           return c.textContent.trim(); };
  const chapters = [article.querySelector("h1"), ...article.querySelectorAll(".se-print-chapter h1")]
    .filter(Boolean).map(heading);
  const page = document.createElement("section");
  page.className = "se-title-page";
  const add = (parent, tag, text, cls) => { const el = document.createElement(tag); el.textContent = text;
                                            if (cls) el.className = cls; parent.appendChild(el); return el; };
  add(page, "h1", meta("title"));
  add(page, "p", meta("edition"), "se-title-edition");
  const facts = add(page, "dl", "");
  for (const [term, value] of [["Printed from the build of", meta("built")], ["Data", meta("data-to")],
                               ["Online at", meta("address")], ["Licences", licences]]) {
    if (!value) continue;
    add(facts, "dt", term);
    add(facts, "dd", value);
  }
  add(page, "h2", "Contents");
  const list = add(page, "ol", "");
  chapters.forEach((c) => add(list, "li", c));
  article.prepend(page);
  // The theme prints a page's title in a header of its own and hides the article's first heading; in the book the
  // title page comes first and every chapter shows its own heading.
  document.querySelectorAll(".onlyprint").forEach((el) => el.remove());
  document.body.classList.add("se-print-book");
  document.title = meta("title");
}"""


def licence_words() -> str:
    from se_ambulance.publish.citation import CODE_LICENCE, DATA_LICENCE, TEXT_LICENCE

    return (
        f"Text: {TEXT_LICENCE.name}. Code: {CODE_LICENCE.name}. Data: {DATA_LICENCE.name} "
        "(each source's own licence is in the chapter on data sources)."
    )


def page_count(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def _briefing(page) -> str:
    """Keep only the front page's summary in the page; return the selector that matched."""
    for selector in BRIEFING_SELECTORS:
        if page.locator(selector).count():
            page.evaluate(
                """(selector) => {
                const summary = document.querySelector(selector).cloneNode(true);
                const main = document.createElement("main");
                main.className = "se-briefing-print";
                const article = document.createElement("article");
                article.className = "bd-article";
                const title = document.querySelector("main h1");
                if (title && !summary.querySelector("h1")) article.appendChild(title.cloneNode(true));
                article.appendChild(summary);
                main.appendChild(article);
                document.body.replaceChildren(main);
            }""",
                selector,
            )
            return selector
    raise BuildError(f"The front page has none of {', '.join(BRIEFING_SELECTORS)}: nothing to print as the briefing.")


def pdfs_present(site: Path) -> bool:
    return all((site / PDF_FOLDER / name).is_file() for name in (BOOK_PDF, BRIEFING_PDF))


def _write(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as f:
        write(f)
    tmp.replace(path)  # atomic: a reader never finds half a PDF


def make_pdfs(site: Path, book_root: Path, log=print) -> dict[str, Path]:
    """Print the book and the briefing from the built `site` (`book_root` holds its `_toc.yml`) into
    `site/pdf/`. Returns {'book': path, 'briefing': path}."""
    from playwright.sync_api import sync_playwright

    reason = unavailable()
    if reason:
        raise BuildError(f"Cannot print the PDF edition: {reason}.")
    pages = [(p, src) for p, src in toc_pages(book_root) if (site / p).is_file()]
    if not pages:
        raise BuildError(f"No page of the book was found in {site}: build the site first.")
    out = site / PDF_FOLDER
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with _serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium()),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        try:
            page = _open(browser, f"{base}/{pages[0][0]}")
            page.evaluate(_APPEND, [f"{base}/{path}" for path, _ in pages[1:]])
            _wait_for_charts(page)
            page.evaluate(_TITLE_PAGE, licence_words())
            page.evaluate(_OPEN_DETAILS)
            book = _print(page)
            page.close()
            page = _open(browser, f"{base}/{pages[0][0]}")
            selector = _briefing(page)
            page.evaluate(_OPEN_DETAILS)
            page.evaluate("""() => { const t = document.querySelector('meta[name="se-title"]');
                                     if (t) document.title = t.content + ': briefing'; }""")
            briefing = _print(page)
            page.close()
        finally:
            browser.close()
    book_path, briefing_path = out / BOOK_PDF, out / BRIEFING_PDF
    _write(book_path, lambda f: f.write(book))
    _write(briefing_path, lambda f: f.write(briefing))
    n = page_count(briefing_path)
    note = "" if n <= BRIEFING_MAX_PAGES else f" (more than {BRIEFING_MAX_PAGES}: shorten the front page's summary)"
    log(
        f"PDF edition: {book_path.name} ({page_count(book_path)} pages), {briefing_path.name} ({n} pages{note}, "
        f"from {selector}) in {time.perf_counter() - t0:.1f} s"
    )
    return {"book": book_path, "briefing": briefing_path}
