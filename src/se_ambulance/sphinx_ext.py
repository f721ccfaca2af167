"""A small Sphinx extension for the book's site (loaded from _config.yml).

- Drops sphinx-thebe's scripts: the book offers no live code, and Jupyter Book 1 adds thebe's
  inline config twice on notebook pages, which throws "THEBE_JS_URL has already been declared"
  in the browser and names a CDN the site must not depend on.
- Removes any other exact duplicate script.
"""

from __future__ import annotations


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


def setup(app):
    app.connect("html-page-context", _clean_scripts, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
