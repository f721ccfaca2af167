"""The in-process runner (tests/support/inprocess.py) shows exactly what a kernel shows.

Many tests read what a chapter shows for other parameters by running its cells in the test process rather than
in a kernel. This test runs one chapter both ways, for a trust other than the canonical book's, and compares
every output cell by cell: text, glued values, HTML (tables and charts) and Markdown. If IPython, papermill or
myst-nb change how a kernel formats a value, this test fails before any test that relies on the in-process path
can pass for the wrong reason.
"""

from __future__ import annotations

import pytest

from se_ambulance.pipeline import build as build_mod
from se_ambulance.pipeline.params import load_params

from .support.builders import ROOT
from .support.inprocess import executed_notebook

CHAPTER = ROOT / "notebooks" / "03_before_arp_and_outcomes.ipynb"  # a few seconds; text, glue, HTML, Markdown


def comparable(nb) -> list[list[dict]]:
    """Each code cell's outputs as the page shows them: what differs only by how they were run (a kernel's
    execution count, a stream split into several messages) is left out."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs: list[dict] = []
        for o in cell.get("outputs", []):
            if o["output_type"] == "stream":
                if outputs and outputs[-1].get("name") == o["name"]:
                    outputs[-1]["text"] += o["text"]
                    continue
                outputs.append({"output_type": "stream", "name": o["name"], "text": o["text"]})
            else:
                outputs.append(
                    {
                        "output_type": o["output_type"],
                        "data": dict(o.get("data", {})),
                        "metadata": dict(o.get("metadata", {})),
                    }
                )
        cells.append(outputs)
    return cells


@pytest.mark.slow  # starts a kernel
def test_a_chapter_in_process_shows_what_it_shows_in_a_kernel(tmp_path):
    params = load_params(overrides={"focus.trust": "RX7"})
    parameters = build_mod.chapter_parameters(CHAPTER, params)
    kernel = build_mod.normalise(
        build_mod.nbformat.read(
            build_mod.execute_chapter(CHAPTER, tmp_path / CHAPTER.name, parameters, cwd=CHAPTER.parent), as_version=4
        )
    )
    in_process = executed_notebook(CHAPTER, parameters)

    expected, got = comparable(kernel), comparable(in_process)
    assert len(got) == len(expected)
    kinds = {k for cell in expected for o in cell for k in o.get("data", {})}
    glued = [o for cell in expected for o in cell if "scrapbook" in o.get("metadata", {})]
    # the chapter exercises every kind of output the in-process path must reproduce
    assert {"text/plain", "text/html", "text/markdown"} <= kinds and len(glued) >= 10
    assert "North West" in str(expected)  # it ran for the trust asked for, not the canonical book's
    for i, (want, have) in enumerate(zip(expected, got)):
        assert have == want, f"code cell {i} of {CHAPTER.name} differs between a kernel and this process"
