"""Execute a chapter's cells in the test process: papermill's own parameter injection, IPython's own shell.

For tests that vary a chapter's parameters many times (every trust, the scenario books, the chapter-only
parameters) and read what the page shows. A kernel costs about 2 s of CPU to start and import pandas, altair
and statsmodels before a chapter's first line; in one process those imports are paid once. What the kernel
path adds (papermill's execution, staging, the chapter store, the site) is tested by the real builds elsewhere
(nbval, the SCAS scenario's book, `se-ambulance run`, the atlas for London and North West), so these tests
check only what a chapter computes and shows for its parameters.
"""

from __future__ import annotations

import os
import warnings
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def _fresh_pandas_options():
    """pandas' display options as a new kernel has them, and restored afterwards: a chapter that widens a
    column must not change what the next chapter (or test) in this process shows."""
    import pandas as pd

    def reset():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # resetting deprecated options warns about them
            pd.reset_option("all")
        # pandas chose its default when first imported, here outside any IPython: 0 columns, "fit the terminal",
        # which truncates a wide table's text with '...'. In a kernel the default is 20 (tests/test_inprocess.py).
        pd.set_option("display.max_columns", 20)

    reset()
    try:
        yield
    finally:
        reset()


@contextmanager
def _cwd(path: Path):
    before = Path.cwd()
    os.chdir(path)  # papermill runs each chapter in notebooks/
    try:
        yield
    finally:
        os.chdir(before)


def _result_collector(shell, sink: list):
    """The shell's display hook for a cell's last value, keeping its rich formats (as a kernel sends them)
    instead of printing text."""
    from IPython.core.displayhook import DisplayHook

    class Collect(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            # execution_count is required of an execute_result (nbformat's schema); a kernel numbers it, this does not
            sink.append(
                {
                    "output_type": "execute_result",
                    "data": format_dict,
                    "metadata": md_dict or {},
                    "execution_count": None,
                }
            )

        def finish_displayhook(self):
            pass

    return Collect(shell=shell)


def execute_in_process(nb_path: Path, parameters: dict) -> list[dict]:
    """Every output the chapter's code cells produce with `parameters` injected, as nbformat output dicts
    (display data with its metadata, glued values included, and printed text). A cell that raises fails."""
    return [o for cell in executed_notebook(nb_path, parameters).cells for o in cell.get("outputs", [])]


def executed_notebook(nb_path: Path, parameters: dict):
    """The chapter as papermill would write it (parameters cell injected), each code cell carrying the outputs
    this process gave it. A cell that raises, or prints a traceback, fails."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    from nbformat import from_dict
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(nb_path))  # as papermill reads it (its metadata and cell tags filled in)
    if parameters:  # as papermill.execute_notebook does
        nb = parameterize_notebook(nb, parameters, kernel_name="python3", language="python")
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"  # as papermill's kernels: nothing written to ~/.ipython
    shell = InteractiveShell.instance(config=config)
    shell.reset(new_session=False)  # a fresh namespace per chapter, as a new kernel would give
    shell.display_formatter.formatters["text/html"].enabled = True  # tables as a kernel shows them
    last_value: list[dict] = []  # a cell's last value comes after what it displayed, as from a kernel
    hook = _result_collector(shell, last_value)
    shell.displayhook, shell.display_trap.hook = hook, hook
    with _cwd(nb_path.parent), _fresh_pandas_options():
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            # A warning would print on the page from a kernel; here pytest would swallow it, so record it.
            with capture_output() as cap, warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = shell.run_cell(cell.source, store_history=False, silent=False)
            if not result.success:
                raise AssertionError(
                    f"{nb_path.name}: a cell failed: {result.error_in_exec or result.error_before_exec!r}"
                    f"\n{cell.source[:500]}"
                )
            if "Traceback (most recent call last)" in cap.stdout:  # e.g. a value that failed to display
                raise AssertionError(f"{nb_path.name}: a cell printed a traceback:\n{cap.stdout[-1500:]}")
            outputs = [{"output_type": "display_data", "data": o.data, "metadata": o.metadata} for o in cap.outputs]
            if cap.stdout:
                outputs.append({"output_type": "stream", "name": "stdout", "text": cap.stdout})
            stderr = cap.stderr + "".join(
                warnings.formatwarning(w.message, w.category, w.filename, w.lineno) for w in caught
            )
            if stderr:
                outputs.append({"output_type": "stream", "name": "stderr", "text": stderr})
            cell.outputs = [from_dict(o) for o in outputs + last_value]
            last_value.clear()
    return nb


def book_in_process(params, out: Path, chapters: list[Path], committed_are_current: bool) -> Path:
    """A book's executed chapters for `params` in `out`, as a build would leave them, without kernels: a chapter
    whose key (parameters, notebook, code, data) is the canonical book's is the committed notebook, when
    `committed_are_current` (nbval re-executes and compares every committed chapter in this run); any other
    chapter runs in this process. For the scenario checks, which read what each page shows."""
    import shutil

    import nbformat

    from se_ambulance.pipeline.build import chapter_key, chapter_parameters
    from se_ambulance.pipeline.params import load_params

    canonical = load_params()
    out.mkdir(parents=True, exist_ok=True)
    for nb in chapters:
        parameters = chapter_parameters(nb, params)
        if committed_are_current and chapter_key(nb, parameters) == chapter_key(nb, chapter_parameters(nb, canonical)):
            shutil.copyfile(nb, out / nb.name)
        else:
            nbformat.write(executed_notebook(nb, parameters), out / nb.name)
    return out
