"""The chapters, in the order `_toc.yml` lists them: the one list that the build, the README's table of chapters and
the tests' per-chapter lists all follow."""

from __future__ import annotations

from pathlib import Path

import yaml

from se_ambulance.errors import BuildError
from se_ambulance.paths import project_root


def chapter_notebooks(root: Path | None = None) -> list[Path]:
    """The chapter notebooks, in the order `_toc.yml` lists them."""
    root = root or project_root()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    toc = yaml.load((root / "_toc.yml").read_text(encoding="utf-8"), Loader=loader)
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            f = node.get("file")
            if isinstance(f, str) and f.startswith("notebooks/"):
                found.append(f)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    root_doc = toc.get("root", "")
    if isinstance(root_doc, str) and root_doc.startswith("notebooks/"):
        found.append(root_doc)
    walk(toc)
    paths = [root / (f if f.endswith(".ipynb") else f + ".ipynb") for f in found]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise BuildError(f"_toc.yml lists chapter notebooks that do not exist: {missing}")
    return paths


__all__ = ["chapter_notebooks"]
