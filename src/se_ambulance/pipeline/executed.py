"""How an executed chapter is written: the kernel it names and what is dropped so that two runs with the same inputs
give the same bytes. Kept apart from the build so that a chapter's key can cover exactly the code that shapes its
notebook (see `inputs.RUNNER_MODULES`)."""

from __future__ import annotations

import nbformat

KERNEL = "python3"


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what differs between two runs with the same inputs (timings, paths, random ids)."""
    pm = nb.metadata.get("papermill", {})
    nb.metadata["papermill"] = {k: pm[k] for k in ("parameters", "default_parameters") if k in pm}
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": KERNEL}
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"
            if "remove-cell" not in tags:  # the page shows its parameters in prose instead
                cell.metadata["tags"] = [*tags, "remove-cell"]
        elif not cell.get("id"):
            cell["id"] = f"cell-{i}"
    return nb


__all__ = ["KERNEL", "normalise"]
