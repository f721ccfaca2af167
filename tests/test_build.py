"""The build pipeline: chapters from the toc, normalisation, and stopping early on bad input."""

from __future__ import annotations

import json

import nbformat
import pytest

from se_ambulance.pipeline import build as build_mod
from se_ambulance.pipeline.cli import main
from se_ambulance.pipeline.params import load_params

from .support.builders import ROOT, write_notebook


def test_chapters_come_from_the_toc():
    names = [p.name for p in build_mod.chapter_notebooks(ROOT)]
    assert names[:2] == ["00_introduction.ipynb", "01_performance.ipynb"]


def test_each_chapter_declares_only_known_parameters():
    params = load_params()
    for nb in build_mod.chapter_notebooks(ROOT):
        assert set(build_mod.chapter_parameters(nb, params)) <= set(params.model_dump())  # areas


def test_a_chapter_receives_only_the_focus_keys_it_declares(tmp_path):
    """The demand chapter takes `demand_area`, not `trust`: a book for another trust leaves its key (and so the
    chapter store's copy) alone, while another footprint changes it."""
    demand = ROOT / "notebooks" / "04_demand.ipynb"
    default, other_trust = load_params(), load_params(overrides={"trust": "RX7"})
    assert build_mod.chapter_parameters(demand, default)["focus"] == {"demand_area": "GROUP"}
    key = build_mod.chapter_key(demand, build_mod.chapter_parameters(demand, default))
    assert build_mod.chapter_key(demand, build_mod.chapter_parameters(demand, other_trust)) == key
    other_area = load_params(overrides={"demand_area": "RX7"})
    assert build_mod.chapter_key(demand, build_mod.chapter_parameters(demand, other_area)) != key
    performance = ROOT / "notebooks" / "01_performance.ipynb"
    assert set(build_mod.chapter_parameters(performance, other_trust)["focus"]) == {"trust", "comparators"}


@pytest.mark.parametrize(
    "cell, message",
    [
        ('focus = {"trust": "RYD", "planet": "Mars"}', "declares focus keys ['planet']"),
        ('focus = "RYD"', "must set focus to a dict literal"),
    ],
)
def test_a_chapter_declaring_focus_keys_badly_is_refused(tmp_path, cell, message):
    nb = write_notebook(tmp_path / "ch.ipynb", cell, "print(focus)")
    with pytest.raises(build_mod.BuildError, match=message.replace("[", r"\[").replace("]", r"\]")):
        build_mod.chapter_parameters(nb, load_params())


def test_normalise_removes_timings_paths_and_random_ids():
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {
        "start_time": "t",
        "duration": 1.0,
        "input_path": "/x/y.ipynb",
        "parameters": {"trust": "RYD"},
    }
    cell = nbformat.v4.new_code_cell(
        "x = 1",
        metadata={
            "tags": ["injected-parameters"],
            "papermill": {"duration": 0.1},
            "execution": {"iopub.status.busy": "t"},
        },
    )
    cell["id"] = "random-uuid"
    nb.cells = [cell]
    out = build_mod.normalise(nb)
    assert out.metadata["papermill"] == {"parameters": {"trust": "RYD"}}
    assert out.cells[0]["id"] == "injected-parameters"
    assert "papermill" not in out.cells[0].metadata and "execution" not in out.cells[0].metadata


def test_committed_notebooks_are_normalised():
    for path in build_mod.chapter_notebooks(ROOT):
        nb = json.loads(path.read_text())
        assert set(nb["metadata"].get("papermill", {})) <= {"parameters", "default_parameters"}
        for cell in nb["cells"]:
            assert "papermill" not in cell["metadata"] and "execution" not in cell["metadata"]


@pytest.mark.parametrize(
    "setting, message",
    [
        ("focus.trust=NOPE", "trust' = 'NOPE'"),
        ("appraisal.mc_draws=10000000", "mc_draws' = 10000000"),
        ("appraisal.realisation.high=1.5", "a probability must be between 0 and 1: high=1.5"),
        (
            "appraisal.benefit_delay_years={low: 1, central: 0.5, high: 2}",
            "low (1) <= central (0.5) <= high (2) must hold",
        ),
        ("appraisal.register_overrides.transition.central=-0.01", "transition: values and costs must not be negative"),
    ],
)
def test_bad_parameter_stops_before_any_chapter_runs(monkeypatch, capsys, setting, message):
    calls = []
    monkeypatch.setattr(build_mod, "execute_chapter", lambda *a, **k: calls.append(a))
    monkeypatch.setattr(build_mod, "fetch", lambda *a, **k: calls.append("fetch"))
    rc = main(["build", "--set", setting, "--out", "unused"])
    assert rc == 2 and calls == []
    assert message in capsys.readouterr().err


def test_unwritable_output_folder_stops_before_any_chapter_runs(monkeypatch, tmp_path, capsys):
    calls = []
    monkeypatch.setattr(build_mod, "execute_chapter", lambda *a, **k: calls.append(a))
    locked = tmp_path / "locked"
    locked.write_text("a file, not a folder")
    rc = main(["build", "--set", "trust=RYE", "--out", str(locked / "book")])
    assert rc == 2 and calls == []
    assert "cannot be written" in capsys.readouterr().err


def test_params_command_lists_every_parameter(capsys):
    assert main(["params"]) == 0
    out = capsys.readouterr().out
    for name in ("trust", "comparators", "claim_year"):
        assert f"{name}\n  default:" in out


@pytest.mark.slow  # executes notebooks (starts kernels)
def test_failed_chapter_leaves_the_previous_output(tmp_path):
    src = write_notebook(tmp_path / "ch.ipynb", "x = 1", "raise ValueError('boom')")
    out = tmp_path / "out.ipynb"
    out.write_text("previous")
    with pytest.raises(build_mod.BuildError, match="ValueError: boom"):
        build_mod.execute_chapter(src, out, {"x": 2}, cwd=tmp_path)
    assert out.read_text() == "previous"
    assert {p.name for p in tmp_path.iterdir()} == {"ch.ipynb", "out.ipynb"}  # no temp file left


def test_committed_notebooks_ran_with_the_default_parameters():
    """What a canonical build would inject into each chapter is what the committed notebook ran with.

    Together with nbval, which executes every committed chapter and compares every output's data (text, HTML,
    chart specs, the text of glued values; not output metadata, where a glued value's name lives: a renamed
    name breaks the strict site build instead), this says the committed book is what `make book` would write
    today: nbval alone would pass a book whose default.yaml had changed since its last build, as it re-runs
    the old injected cell."""
    from papermill.translators import translate_parameters

    params = load_params()
    for path in build_mod.chapter_notebooks(ROOT):
        nb = json.loads(path.read_text(encoding="utf-8"))
        expected = build_mod.chapter_parameters(path, params)
        assert nb["metadata"].get("papermill", {}).get("parameters", {}) == expected, (
            f"{path.name} ran with other parameters than params/default.yaml's; run `make book` and commit notebooks/"
        )
        injected = ["".join(c["source"]) for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
        assert injected == (
            [translate_parameters(build_mod.KERNEL, "python", expected, "Parameters")] if expected else []
        ), path.name


@pytest.mark.slow
def test_nbval_fails_when_a_shown_number_changes(tmp_path):
    """Changing one number the chapter shows (as a different aggregation would) fails nbval."""
    import subprocess
    import sys

    nb = json.loads((ROOT / "notebooks" / "01_performance.ipynb").read_text())
    changed = False
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/plain")
            if text and "Financial year" in "".join(text):
                out["data"]["text/plain"] = ["".join(text).replace("30:11", "30:04", 1)]
                changed = True
    assert changed
    copy = tmp_path / "01_performance.ipynb"
    copy.write_text(json.dumps(nb))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env", str(copy)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**__import__("os").environ, "SE_AMBULANCE_HOME": str(ROOT)},
    )
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "30:04" in proc.stdout or "mismatch" in proc.stdout.lower()


def test_committed_chapters_have_no_errors_or_warnings_in_their_outputs():
    for path in build_mod.chapter_notebooks(ROOT):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                assert out["output_type"] != "error", f"{path.name}: {out.get('ename')}"
                assert not (out["output_type"] == "stream" and out["name"] == "stderr"), (
                    f"{path.name} prints to stderr: {''.join(out['text'])[:300]}"
                )


@pytest.mark.slow  # executes notebooks (starts kernels)
def test_the_chart_bundle_is_generated_once_and_again_when_stale(tmp_path):
    from se_ambulance.publish.charts import BUNDLE_NAME, write_bundle

    dest = write_bundle(tmp_path)
    first = dest.read_text(encoding="utf-8")
    assert first.startswith("/* se-charts: vl-convert ") and "vega only" in first
    mtime = dest.stat().st_mtime_ns
    assert write_bundle(tmp_path) == dest and dest.stat().st_mtime_ns == mtime  # reused, not rewritten
    dest.write_text("/* se-charts: an older bundle */\n", encoding="utf-8")
    assert write_bundle(tmp_path).read_text(encoding="utf-8") == first
    assert [p.name for p in tmp_path.iterdir()] == [BUNDLE_NAME]
