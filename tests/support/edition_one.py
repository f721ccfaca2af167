"""Edition 1 read back from git: the book as published on 22 November 2026 (commit f245d5f, AmbSYS to March 2026).

Edition 1 was published before the editions record existed, so its record (`editions/edition-1.yaml`) was written
once, afterwards, from that commit's committed files: the data pins from its `data/manifest.yaml`, the claims'
verdicts from the values its claims page glued (`claim.<id>.verdict` in `notebooks/06_claims.ipynb`), and chapter 9's
verdicts from the verdict table its evaluation chapter shows (`notebooks/09_evaluation.ipynb`). A test re-derives
them here and compares, so the record can always be checked against what readers saw.
"""

from __future__ import annotations

import ast
import html
import json
import re
import subprocess

import yaml

from .builders import ROOT

COMMIT = "f245d5fc2f31f8e215aac6b6c91c1e52a721e09d"


def show(path: str, commit: str = COMMIT) -> str:
    return subprocess.run(
        ["git", "show", f"{commit}:{path}"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def git_has(commit: str = COMMIT) -> bool:
    return (
        subprocess.run(["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=ROOT, capture_output=True).returncode == 0
    )


def glued_in(nb: dict) -> dict[str, str]:
    """The text values a notebook glued (papermill records), by name."""
    out = {}
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            name = o.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                out[name] = ast.literal_eval(o["data"]["application/papermill.record/text/plain"])
    return out


def claim_verdicts_in(nb: dict) -> dict[str, str]:
    """The claims page's verdicts, claim id -> verdict words (its glued `claim.<id>.verdict` values)."""
    return {
        k[len("claim.") : -len(".verdict")]: v
        for k, v in glued_in(nb).items()
        if k.startswith("claim.") and k.endswith(".verdict")
    }


def evaluation_verdicts_in(nb: dict) -> dict[str, str]:
    """Chapter 9's verdict table, outcome name -> verdict words, mapped to outcome keys and verdict codes with
    today's names and words (publish.evaluation_text), which are those of edition 1 for these rows."""
    from se_ambulance.publish.evaluation_text import OUTCOME_NAMES, VERDICT_WORDS

    [cell] = [c for c in nb["cells"] if c["cell_type"] == "code" and "verdict_table" in "".join(c["source"])]
    table = "".join(cell["outputs"][0]["data"]["text/html"])
    # Names the chapter has since changed, as edition 1 showed them.
    keys = {name: key for key, name in OUTCOME_NAMES.items()} | {
        "Gap between the two trusts' Category 2 means": "c2_mean_gap"
    }
    words = sorted(VERDICT_WORDS.items(), key=lambda kv: -len(kv[1]))  # longest first: 'no meaningful change found'
    # The verdict column: the one marked as this vintage's when the table shows two rules' verdicts, else the last.
    heads = [html.unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
    governing = next((i for i, h in enumerate(heads) if "this vintage's verdict" in h), None)
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [html.unescape(x) for x in re.findall(r"<td>(.*?)</td>", row, re.S)]
        if cells:
            cell = cells[governing] if governing is not None and governing < len(cells) else cells[-1]
            out[keys[cells[0]]] = next(code for code, w in words if cell.startswith(w))
    return out


def claim_verdicts(commit: str = COMMIT) -> dict[str, str]:
    return claim_verdicts_in(json.loads(show("notebooks/06_claims.ipynb", commit)))


def evaluation_verdicts(commit: str = COMMIT) -> dict[str, str]:
    return evaluation_verdicts_in(json.loads(show("notebooks/09_evaluation.ipynb", commit)))


def data_pins(commit: str = COMMIT) -> dict[str, dict[str, str]]:
    manifest = yaml.safe_load(show("data/manifest.yaml", commit))["datasets"]
    return {k: {"file": d["file"], "sha256": d["sha256"], "vintage": d["vintage"]} for k, d in manifest.items()}


def package_version(commit: str = COMMIT) -> str:
    return re.search(r'(?m)^version = "([^"]+)"', show("pyproject.toml", commit))[1]
