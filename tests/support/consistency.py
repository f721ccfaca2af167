"""Read what a built book's pages say about each claim, to check that no two pages disagree."""

from __future__ import annotations

import ast
import json
from collections import defaultdict
from pathlib import Path


def glued_values(notebook: Path) -> dict[str, str]:
    """Every value a chapter glued (myst-nb stores them as outputs with a scrapbook name)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    out = {}
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            name = o.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                markdown = o["data"].get("application/papermill.record/text/markdown")
                raw = o["data"].get("application/papermill.record/text/plain")
                if markdown is not None:  # a glued Markdown block (the front page's briefing): its text
                    out[name] = markdown
                else:
                    out[name] = ast.literal_eval(raw) if raw is not None else None
    return out


def claim_values_by_page(notebooks: Path) -> dict[str, dict[str, str]]:
    """'claim.<id>.<key>' -> {page: value} over every executed chapter in a folder."""
    seen: dict[str, dict[str, str]] = defaultdict(dict)
    for nb in sorted(notebooks.glob("*.ipynb")):
        for key, value in glued_values(nb).items():
            if key.startswith("claim."):
                seen[key][nb.stem] = value
    return seen


def contradictions(notebooks: Path) -> list[str]:
    """Each claim value that two pages show differently."""
    return [
        f"{key}: " + "; ".join(f"{page} says {v!r}" for page, v in pages.items())
        for key, pages in claim_values_by_page(notebooks).items()
        if len(set(pages.values())) > 1
    ]


def outputs_of(notebook: Path) -> list[dict]:
    """Every output of an executed chapter, in order."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return [o for cell in nb["cells"] for o in cell.get("outputs", [])]


def focus_problems(outputs: list[dict], key: str, code: str, name: str) -> list[str]:
    """What a chapter run for one trust or area fails to show: the area's name, the parameter's statement
    (`key` = code), and a page with nothing printed to stderr (a warning would show on it)."""
    shown = json.dumps(outputs, ensure_ascii=False)
    problems = [f"does not name {name}"] if name not in shown else []
    if f"`{key}` = {code}" not in shown:
        problems.append(f"does not state `{key}` = {code}")
    problems += [f"printed to stderr: {o['text'][:300]}" for o in outputs if o.get("name") == "stderr"]
    return problems
