"""A small Sphinx extension for the book's site (loaded from _config.yml).

- Light pages: a page loads only the scripts and styles its content uses (`_NEEDS`: the chart bundle only
  where there is a chart, deferred; the copy button and code colours only where there is code; the toggle and
  tab scripts only where there are toggles or tabs; never thebe's). The theme's 1.5 MB icon script is not
  loaded: the dozen icons the theme shows are drawn by `_static/se-book.css`. Sphinx's search index and tools
  load on the search page only (the theme's search-as-you-type, which needs them elsewhere, is off).
- Drops sphinx-thebe's scripts: the book offers no live code, and Jupyter Book 1 adds thebe's
  inline config twice on notebook pages, which throws "THEBE_JS_URL has already been declared"
  in the browser and names a CDN the site must not depend on.
- Removes any other exact duplicate script.
- Every table sits in a labelled wrapper that scrolls sideways on a narrow screen (keyboard-focusable, with a
  shadow where more columns are hidden); a pandas table gets one header row, the index named in it; a header cell
  with nothing in it becomes a data cell.
- Print: every printed page carries the book's title, edition, data vintage and address in its margins
  (`publish.stamp.current_stamp`); the stylesheet's print rules hide navigation and fit charts and tables.
- When the build makes the PDF edition (`SE_AMBULANCE_PDF_LINKS=1`, set by `pipeline.pdf`), every page's
  footer links the whole book and the two-page briefing as PDFs.
- The colour mode defaults to the reader's system setting ("auto"), which the theme otherwise logs as an error
  on a first visit.
- Adds the stamp (publish.stamp) to every page's footer: title, edition, data's end, address, code version,
  build date and when NHS England's next release is expected.
- Accessibility (WCAG 2.1 A/AA, checked by axe-core in tests/test_site.py), fixed where the markup is
  made rather than patched in the browser:
  - two of the theme's components are loaded with small edits (`_COMPONENT_FIXES`) so that a
    button's accessible name contains its visible text (WCAG 2.5.3, label in name): the search
    field is named by what it shows ("Search Ctrl+K") instead of an aria-label "Search", and the
    colour-mode button's icons are decorative, so its name is its label "Color mode" instead of the
    icons' hidden titles "Light Dark System Settings";
  - the bibliography is a list of list items: docutils marks each citation
    `role="doc-biblioentry"`, a role deprecated in DPUB-ARIA 1.1, which also leaves the
    `role="list"` around the citations without the list items it requires;
  - the site's root page, which only redirects to the first chapter, is a complete document with a
    language, a title and a link (Jupyter Book writes a bare `<meta http-equiv="Refresh">`).
"""

from __future__ import annotations

import html
import os
import re
import types
from pathlib import Path

from jinja2 import BaseLoader, TemplateNotFound
from sphinx.util import logging

from se_ambulance.publish.table_html import drop_pandas_style, one_header_row

logger = logging.getLogger(__name__)


CHART_BUNDLE = "se-charts.js"
PDF_FOLDER = "pdf"
BOOK_PDF, BRIEFING_PDF = "se-ambulance-book.pdf", "se-ambulance-briefing.pdf"
PDF_LINKS_ENV = "SE_AMBULANCE_PDF_LINKS"


def _has_code(body: str) -> bool:
    return 'class="highlight' in body


_TOGGLE_CLASSES = {"toggle", "tag_toggle", "tag_hide-input", "tag_hide-output", "tag_hide-cell"}


def _has_toggle(body: str) -> bool:
    """sphinx-togglebutton's script works on toggles, hidden cells and admonitions with the class `dropdown`; a
    sphinx-design dropdown (`sd-dropdown`) is a plain <details> and needs no script."""
    for classes in re.findall(r'class="([^"]*)"', body):
        tokens = set(classes.split())
        if tokens & _TOGGLE_CLASSES or {"admonition", "dropdown"} <= tokens:
            return True
    return False


# A script or stylesheet (by file name) -> does this page's body use it? Anything not listed is kept.
_NEEDS = {
    CHART_BUNDLE: lambda body: 'class="se-chart"' in body,
    "copybutton.js": _has_code,
    "clipboard.min.js": _has_code,
    "copybutton.css": _has_code,
    "pygments.css": _has_code,
    "togglebutton.js": _has_toggle,
    "togglebutton.css": _has_toggle,
    "design-tabs.js": lambda body: "sd-tab-set" in body,
    "sphinx-design.min.css": lambda body: re.search(r'class="[^"]*\bsd-', body) is not None,
    "sphinx-thebe.css": lambda body: False,
}


def _needed(name: str, body: str) -> bool:
    need = _NEEDS.get(Path(name.split("?")[0]).name)
    if need is None and Path(name).name.startswith("mystnb.") and name.endswith(".css"):
        need = lambda b: 'class="cell' in b or "pasted-" in b or "output" in b  # noqa: E731
    return need is None or need(body)


def _clean_scripts(app, pagename, templatename, context, doctree) -> None:
    from sphinx.builders.html._assets import _JavaScript

    page = context.get("body", "")
    styles = context.get("css_files")
    if styles:
        styles[:] = [c for c in styles if _needed(str(getattr(c, "filename", c)), page)]
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for s in scripts:
        body = getattr(s, "attributes", {}).get("body", "") if hasattr(s, "attributes") else ""
        name = str(getattr(s, "filename", s))
        if "thebe" in name.lower() or "THEBE" in body or not _needed(name, page):
            continue
        key = (name, body)
        if key in seen:
            continue
        seen.add(key)
        if Path(name).name == CHART_BUNDLE:  # after the page is parsed: each chart's figure has queued itself
            s = _JavaScript(s.filename, priority=s.priority, **{**s.attributes, "defer": "defer"})
        kept.append(s)
    scripts[:] = kept


# --- tables ---------------------------------------------------------------------------------------------------

_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.S)
_CAPTION = re.compile(r"<caption[^>]*>(.*?)</caption>", re.S)
_EMPTY_TH = re.compile(r"<th((?:\s[^>]*)?)>\s*(?:&nbsp;|&#160;)?\s*</th>")


def _text(fragment: str) -> str:
    text = re.sub(r"<[^>]+>", "", fragment)
    return " ".join(html.unescape(text).replace("#", "").split())


def wrap_tables(body: str) -> str:
    """Each table in a wrapper that scrolls sideways when the table is wider than the screen: a region named by
    the table's caption or the heading above it (numbered when a heading has several), reachable by keyboard.
    A pandas table gets one header row with the index named in it (`publish.table_html.one_header_row`); an empty
    header cell left (pandas' corner above an unnamed index) becomes a data cell: a header must name something."""
    body = drop_pandas_style(body)  # its rule right-aligns every pandas header
    out: list[str] = []
    pos, used = 0, dict[str, int]()
    for m in _TABLE.finditer(body):
        table = _EMPTY_TH.sub(r"<td\1></td>", one_header_row(m.group(0)))  # pandas' index name in the header row
        caption = _CAPTION.search(table)
        headings = _HEADING.findall(body, 0, m.start())
        name = _text(caption.group(1)) if caption else (_text(headings[-1]) if headings else "")
        name = f"Table: {name}" if name else "Table"
        used[name] = used.get(name, 0) + 1
        if used[name] > 1:
            name = f"{name} ({used[name]})"
        out += [
            body[pos : m.start()],
            f'<div class="se-table-scroll" role="region" tabindex="0" aria-label="{html.escape(name)}">',
            table,
            "</div>",
        ]
        pos = m.end()
    out.append(body[pos:])
    return "".join(out)


_CHART = re.compile(r'<figure class="se-chart" id="(?P<id>[^"]+)">(?P<inner>.*?)</figure>', re.S)
_CHART_TITLE = re.compile(r'<span class="se-chart-title">(.*?)</span>', re.S)
_CHART_SOURCE = re.compile(r'<span class="se-chart-source">(.*?)</span>', re.S)
_CHART_FOOT_END = re.compile(r'(<p class="se-chart-foot">.*?</p>)', re.S)


def cite_charts(body: str, stamp, page_url: str) -> str:
    """Beside each chart's data download, the chart's suggested citation (`publish.citation.chart_citation`): the site
    knows the page's address and the edition, which a chapter does not when it runs."""
    from se_ambulance.publish.citation import chart_citation

    def one(m: re.Match) -> str:
        inner = m.group("inner")
        title, source = _CHART_TITLE.search(inner), _CHART_SOURCE.search(inner)
        if not (title and source):
            return m.group(0)
        cite = chart_citation(stamp, _text(title.group(1)), _text(source.group(1)), f"{page_url}#{m.group('id')}")
        inner = _CHART_FOOT_END.sub(
            lambda f: f.group(1) + f'\n<p class="se-chart-cite">{html.escape(cite)}</p>', inner, count=1
        )
        return f'<figure class="se-chart" id="{m.group("id")}">{inner}</figure>'

    return _CHART.sub(one, body)


DESCRIPTION = (
    "An open book that tests the public case for the South Central and South East Ambulance Group "
    "against NHS England and ONS data: response times, demand, the £10m and £80m, and whether the group "
    "is working."
)


def description_tag(title: str | None) -> str:
    """The page's description for link previews: its title, then what the book is."""
    stop = "" if not title or title[-1] in ".?!" else "."
    text = f"{title}{stop} {DESCRIPTION}" if title else DESCRIPTION
    return f'<meta name="description" content="{html.escape(text, quote=True)}">'


def _page_body(app, pagename, templatename, context, doctree) -> None:
    title = re.sub(r"<[^>]+>", "", context.get("title") or "") or None
    context["metatags"] = context.get("metatags", "") + "\n" + description_tag(html.unescape(title) if title else None)
    if "body" in context:
        body = wrap_tables(context["body"])
        stamp = getattr(app, "se_stamp", None)
        if stamp is not None and 'class="se-chart"' in body:
            body = cite_charts(body, stamp, f"{stamp.address.rstrip('/')}/{pagename}.html")
        context["body"] = body


# --- print and PDF --------------------------------------------------------------------------------------------


def _css_string(text: str) -> str:
    """Text as a CSS string inside a <style> element (quotes, backslashes and `<` escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ").replace("\n", " ")
    return f'"{escaped}"'


def print_style(stamp) -> str:
    """The page margins of every printed page: 'title · edition' at the top (one margin box, so that a long edition
    cannot run into the title), data vintage and address at the bottom, 'Page N of M' at the bottom right, after
    the build date when the book is not a published edition (a draft's pages must say which day's draft they are)
    (CSS paged media, which Chromium prints)."""
    page = '"Page " counter(page) " of " counter(pages)'
    if not stamp.is_edition and stamp.built:
        page = f"{_css_string(f'Built {stamp.built} · ')} {page}"
    return (
        '<style media="print">@page { '
        f"@top-left {{ content: {_css_string(stamp.title + ' · ' + stamp.edition)}; }} "
        f"@bottom-left {{ content: {_css_string(stamp.data_to + ' · ' + stamp.address)}; }} "
        f"@bottom-right {{ content: {page}; }} }}</style>"
    )


# Printing opens every collapsed section (MyST dropdowns, <details>) and closes them again afterwards: a printed page
# cannot be clicked open. The chart's numbers table is left alone (print shows the chart; the table is on the site).
PRINT_SCRIPT = (
    "<script>(function () { var opened = [];"
    " addEventListener('beforeprint', function () {"
    " document.querySelectorAll('details:not([open]):not(.se-chart-numbers)').forEach(function (d) {"
    " d.open = true; opened.push(d); }); });"
    " addEventListener('afterprint', function () {"
    " opened.forEach(function (d) { d.open = false; }); opened = []; }); })();</script>"
)


def stamp_meta(stamp) -> str:
    """The stamp as <meta> elements, which the PDF maker reads for the book's title page (`pipeline.pdf`)."""
    values = {
        "title": stamp.title,
        "edition": stamp.edition,
        "data-to": stamp.data_to,
        "address": stamp.address,
        "built": stamp.built,
    }
    return "".join(f'<meta name="se-{k}" content="{html.escape(v)}">' for k, v in values.items())


def _stamp_pages(app) -> None:
    from se_ambulance.publish.stamp import current_stamp

    app.se_stamp = current_stamp(app.config.html_title or None) if app.builder.format == "html" else None


def _print_and_pdf(app, pagename, templatename, context, doctree) -> None:
    stamp = getattr(app, "se_stamp", None)
    if stamp is None:
        return
    context["metatags"] = context.get("metatags", "") + print_style(stamp) + stamp_meta(stamp) + PRINT_SCRIPT
    if os.environ.get(PDF_LINKS_ENV) == "1" and "pathto" in context:
        book = context["pathto"](f"{PDF_FOLDER}/{BOOK_PDF}", 1)
        brief = context["pathto"](f"{PDF_FOLDER}/{BRIEFING_PDF}", 1)
        links = (
            f'<p class="se-pdf-links">Print editions: <a href="{html.escape(book)}">the whole book (PDF)</a> · '
            f'<a href="{html.escape(brief)}">the two-page briefing (PDF)</a></p>'
        )
        context["theme_extra_footer"] = (context.get("theme_extra_footer") or "") + links


def _inline_favicon(app, pagename, templatename, context, doctree) -> None:
    """The favicon as a data URI in the page: a first visit saves one request (a page's budget is 15)."""
    icon = getattr(app, "se_favicon", None)
    if icon is None:
        import base64

        path = Path(app.confdir, app.config.html_favicon or "")
        app.se_favicon = icon = (
            "data:image/svg+xml;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
            if path.suffix == ".svg" and path.is_file()
            else ""
        )
    if icon:
        context["favicon_url"] = icon


def _default_mode(app, config) -> None:
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")  # pydata-sphinx-theme reads it from html_context
    config.html_context = context


def build_stamp() -> str:
    """The footer's stamp (publish.stamp): 'The South East ambulance evidence book · Edition 2 (2026.12.1), 7 December
    2026 · AmbSYS data to April 2026 · <address>', then when the next release is expected, the code version and the
    build date."""
    from se_ambulance.publish.stamp import current_stamp

    st = current_stamp()
    return f"{st.line()} · code {st.code_version} · built {st.built}. {st.next_release}"


# The file se_ambulance.pipeline.outputs.STAMP that marks a folder a scenario, one-chapter or atlas build wrote.
_OUTPUT_MARK = ".se-ambulance-output"


def is_scenario(srcdir: Path) -> bool:
    """A book built into an output folder of the tool (--out, `run`, the atlas): other parameters than the canonical
    book's, so never itself an edition."""
    return (srcdir / _OUTPUT_MARK).is_file()


def _add_stamp(app, config) -> None:
    from se_ambulance.publish.stamp import current_stamp

    st = current_stamp(scenario=is_scenario(Path(app.srcdir)))
    stamp = (
        f'<p class="se-build-stamp"><span class="se-stamp-edition">{html.escape(st.line())}</span> · '
        f"code {html.escape(st.code_version)} · built {html.escape(st.built)}.<br>"
        f'<span class="se-stamp-next-release">{html.escape(st.next_release)}</span></p>'
    )
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = (options.get("extra_footer") or "") + stamp
    config.html_theme_options = options


# Theme component -> [(pattern, replacement, what it fixes)]; every pattern must match, or the build
# warns (and a strict build fails), because a newer theme has changed the markup these edits assume.
_COMPONENT_FIXES = {
    "static/webpack-macros.html": [
        (
            r'\s*<script defer src="[^"]*fontawesome\.js[^"]*"></script>',
            "",
            "the 1.5 MB icon script is not loaded; se-book.css draws the icons the theme uses",
        ),
    ],
    "pydata_sphinx_theme/layout.html": [
        (
            r"\s*<script src=\"\{\{ pathto\('_static/searchtools\.js', 1\) \| e \}\}\"></script>"
            r"\s*<script src=\"\{\{ pathto\('_static/language_data\.js', 1\) \| e \}\}\"></script>"
            r"\s*<script src=\"\{\{ pathto\('searchindex\.js', 1\) \| e \}\}\"></script>",
            "",
            "the search index and tools load on the search page only (search-as-you-type is off)",
        ),
    ],
    "navbar-logo.html": [
        (
            r'(<a class="navbar-brand logo")',
            r'<nav class="se-brand" aria-label="The book">\1',
            "the book's title link sits in a landmark, like all the page's content",
        ),
        (r"(</a>)\s*$", r"\1</nav>", "closing the landmark around the title link"),
    ],
    "search-button-field.html": [
        (
            r'(<button class="[^"]*search-button-field[^"]*"[^>]*?) aria-label="[^"]*"',
            r"\1",
            "the search field is named by its visible text, not by an aria-label without the shortcut",
        ),
    ],
    "theme-switcher.html": [
        (
            r'(<i class="theme-switch [^"]*"[^>]*?) title="[^"]*"(\s*)>',
            r'\1 aria-hidden="true"\2>',
            "the colour-mode icons are decorative; the button's aria-label names it",
        ),
    ],
}


class _FixedComponents(BaseLoader):
    """Serves the theme's own source of each component in `_COMPONENT_FIXES`, edited."""

    def __init__(self, loaders):
        self.loaders = list(loaders)

    def get_source(self, environment, template):
        fixes = _COMPONENT_FIXES.get(template)
        if fixes is None:
            raise TemplateNotFound(template)
        for loader in self.loaders:
            try:
                source, filename, uptodate = loader.get_source(environment, template)
            except TemplateNotFound:
                continue
            for pattern, replacement, why in fixes:
                source, n = re.subn(pattern, replacement, source)
                if n == 0:
                    logger.warning(
                        f"se_ambulance: the theme's {template} no longer matches the "
                        f"accessibility fix ({why}); update _COMPONENT_FIXES in {__name__}."
                    )
            return source, filename, uptodate
        raise TemplateNotFound(template)


def _fix_theme_components(app) -> None:
    templates = getattr(app.builder, "templates", None)
    loaders = getattr(templates, "loaders", None)
    if app.builder.format != "html" or loaders is None:
        return
    # First: it edits whichever source would have been used (the themes put their component folders
    # on templates_path). "!name" lookups skip templates_path, and this loader with it.
    loaders.insert(0, _FixedComponents(loaders))
    templates.templatepathlen += 1


class _CitationListItems:
    """Citations as list items of docutils' `<div role="list" class="citation-list">`."""

    def visit_citation(self, node):
        super().visit_citation(node)
        self.body[-1] = self.body[-1].replace(' role="doc-biblioentry"', ' role="listitem"')


def _use_listitem_citations(app) -> None:
    if app.builder.format != "html":
        return
    translators = dict(app.registry.translators) or {app.builder.name: app.builder.default_translator_class}
    for name, klass in translators.items():
        if not issubclass(klass, _CitationListItems):
            mixed = types.new_class(klass.__name__, (_CitationListItems, klass), {})
            app.set_translator(name, mixed, override=True)


def _write_root_redirect(app, exception) -> None:
    """The root index.html of a book whose first page is not `index`: a complete, accessible page that
    redirects (Jupyter Book and sphinx-external-toc write a bare meta tag only if none exists)."""
    if exception is not None or app.builder.name != "html" or "index" in app.env.all_docs:
        return
    target = f"{app.config.root_doc}.html"
    title = html.escape(app.config.html_title or app.config.project)
    url = html.escape(target)
    Path(app.outdir, "index.html").write_text(
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(app.config.language or "en")}">\n'
        f'<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        f'<meta http-equiv="refresh" content="0; url={url}">\n</head>\n'
        f'<body>\n<p><a href="{url}">{title}</a></p>\n</body>\n</html>\n',
        encoding="utf-8",
    )


def _page_outside_this_book(app, env, node, contnode):
    """A link to one of the book's pages that this build does not hold (a one-chapter site, an atlas, the editions
    record's small site) is shown as the page's title without a link, not refused. A link to any other unknown
    page still fails the strict build, so a mistyped target is caught."""
    import posixpath
    from pathlib import PurePosixPath

    from se_ambulance.publish.pages import PAGE_TITLES

    if node.get("refdomain") != "std" or node.get("reftype") != "doc":
        return None
    target = node["reftarget"]
    target = target.lstrip("/") if target.startswith("/") else posixpath.join(posixpath.dirname(node["refdoc"]), target)
    pages = {PurePosixPath(doc).name for doc in PAGE_TITLES}
    return contnode if PurePosixPath(posixpath.normpath(target)).name in pages else None


def setup(app):
    app.connect("missing-reference", _page_outside_this_book)
    app.connect("html-page-context", _clean_scripts, priority=900)
    app.connect("html-page-context", _page_body)
    app.connect("html-page-context", _print_and_pdf)
    app.connect("html-page-context", _inline_favicon)
    app.connect("builder-inited", _stamp_pages)
    app.connect("config-inited", _default_mode)
    app.connect("config-inited", _add_stamp)
    app.connect("builder-inited", _fix_theme_components)
    app.connect("builder-inited", _use_listitem_citations)
    # Before sphinx-external-toc's own (priority 500), which then leaves an existing index.html alone.
    app.connect("build-finished", _write_root_redirect, priority=400)
    app.setup_extension("se_ambulance.publish.glossary_links")  # each page links its terms to the glossary
    app.setup_extension("se_ambulance.publish.citation")  # the 'How to cite' page's values, from the stamp
    app.setup_extension("se_ambulance.publish.bibliography")  # the references page's author–year labels
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
