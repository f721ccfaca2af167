"""Page weights of the built site (a script that reports numbers, not a test).

Run after `make book`:  .venv/bin/python benchmarks/page_weights.py [SITE_FOLDER]
Each page is opened once in a fresh headless Chromium context (an empty cache: a reader's first visit),
served from a local HTTP server. It prints, per page, the requests made, the bytes received (uncompressed:
the server sends files as they are), the console errors, and whether the page scrolls sideways at 390 px;
and writes benchmarks/page_weights.json.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def site_pages(site: Path) -> list[str]:
    return sorted(
        str(p.relative_to(site))
        for p in site.rglob("*.html")
        if p.name not in ("genindex.html", "search.html", "index.html") and "_static" not in p.parts
    )


def measure(site: Path) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    out: dict[str, dict] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for path in site_pages(site):
                for width, height in ((1366, 900), (390, 844)):
                    context = browser.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()
                    sizes: dict[str, int] = {}
                    errors: list[str] = []

                    def on_finished(request, sizes=sizes):
                        response = request.response()
                        if response is not None:
                            try:
                                sizes[request.url] = len(response.body())
                            except Exception:  # a redirect or an aborted request has no body
                                sizes[request.url] = 0

                    page.on("requestfinished", on_finished)
                    page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
                    page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                    page.goto(f"{base}/{path}", wait_until="load")
                    page.wait_for_load_state("networkidle")
                    page.wait_for_timeout(500)
                    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                    row = out.setdefault(path, {})
                    if width == 1366:
                        row.update(
                            {
                                "requests": len(sizes),
                                "bytes": sum(sizes.values()),
                                "largest": sorted(((s, u.replace(base, "")) for u, s in sizes.items()), reverse=True)[
                                    :3
                                ],
                                "console_errors": errors,
                            }
                        )
                    else:
                        row["overflow_390_px"] = overflow
                    context.close()
            browser.close()
    finally:
        httpd.shutdown()
    return out


def main() -> None:
    site = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "html"
    results = measure(site)
    print(f"{'page':45} {'requests':>8} {'MB':>6} {'errors':>6} {'390px overflow':>14}")
    for path, r in results.items():
        print(
            f"{path:45} {r['requests']:>8} {r['bytes'] / 1e6:>6.2f} {len(r['console_errors']):>6} "
            f"{r['overflow_390_px']:>14}"
        )
    (ROOT / "benchmarks" / "page_weights.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
