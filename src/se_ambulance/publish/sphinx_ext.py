"""A small Sphinx extension for the book's site (loaded from _config.yml).

- Drops sphinx-thebe's scripts: the book offers no live code, and Jupyter Book 1 adds thebe's
  inline config twice on notebook pages, which throws "THEBE_JS_URL has already been declared"
  in the browser and names a CDN the site must not depend on.
- Removes any other exact duplicate script.
- Adds a build stamp to every page's footer: data vintage, build date and code version.
"""

from __future__ import annotations

import datetime as dt
import html
import subprocess


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
    """'Data: AmbSYS data to March 2026 · built 2026-11-21 · code 0.1.0 (abc1234)'."""
    from se_ambulance import __version__
    from se_ambulance.data.manifest import load_manifest
    from se_ambulance.paths import project_root

    vintage = load_manifest()["ambsys"].vintage
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=project_root(), capture_output=True,
                             text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        sha = "not a git checkout"
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    return f"Data: AmbSYS {vintage} · built {today} · code {__version__} ({sha})"


def _add_stamp(app, config) -> None:
    stamp = f'<p class="se-build-stamp">{html.escape(build_stamp())}</p>'
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = (options.get("extra_footer") or "") + stamp
    config.html_theme_options = options


def setup(app):
    app.connect("html-page-context", _clean_scripts, priority=900)
    app.connect("config-inited", _add_stamp)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
