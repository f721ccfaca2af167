"""A small Sphinx extension for the book's site (loaded from _config.yml).

- Drops sphinx-thebe's scripts: the book offers no live code, and Jupyter Book 1 adds thebe's
  inline config twice on notebook pages, which throws "THEBE_JS_URL has already been declared"
  in the browser and names a CDN the site must not depend on.
- Removes any other exact duplicate script.
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
import re
import types
from pathlib import Path

from jinja2 import BaseLoader, TemplateNotFound
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _clean_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for s in scripts:
        body = getattr(s, "attributes", {}).get("body", "") if hasattr(s, "attributes") else ""
        name = str(s)
        if "thebe" in name.lower() or "THEBE" in body:
            continue
        key = (name, body)
        if key in seen:
            continue
        seen.add(key)
        kept.append(s)
    scripts[:] = kept


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
    stamp = (f'<p class="se-build-stamp"><span class="se-stamp-edition">{html.escape(st.line())}</span> · '
             f'code {html.escape(st.code_version)} · built {html.escape(st.built)}.<br>'
             f'<span class="se-stamp-next-release">{html.escape(st.next_release)}</span></p>')
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = (options.get("extra_footer") or "") + stamp
    config.html_theme_options = options


# Theme component -> [(pattern, replacement, what it fixes)]; every pattern must match, or the build
# warns (and a strict build fails), because a newer theme has changed the markup these edits assume.
_COMPONENT_FIXES = {
    "search-button-field.html": [
        (r'(<button class="[^"]*search-button-field[^"]*"[^>]*?) aria-label="[^"]*"', r"\1",
         "the search field is named by its visible text, not by an aria-label without the shortcut"),
    ],
    "theme-switcher.html": [
        (r'(<i class="theme-switch [^"]*"[^>]*?) title="[^"]*"(\s*)>', r'\1 aria-hidden="true"\2>',
         "the colour-mode icons are decorative; the button's aria-label names it"),
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
                    logger.warning(f"se_ambulance: the theme's {template} no longer matches the "
                                   f"accessibility fix ({why}); update _COMPONENT_FIXES in {__name__}.")
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
        f'<body>\n<p><a href="{url}">{title}</a></p>\n</body>\n</html>\n', encoding="utf-8")


def setup(app):
    app.connect("html-page-context", _clean_scripts, priority=900)
    app.connect("config-inited", _add_stamp)
    app.connect("builder-inited", _fix_theme_components)
    app.connect("builder-inited", _use_listitem_citations)
    # Before sphinx-external-toc's own (priority 500), which then leaves an existing index.html alone.
    app.connect("build-finished", _write_root_redirect, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
