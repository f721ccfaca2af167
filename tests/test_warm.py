"""Warm kernels (pipeline/warm.py): a chapter executed in a kernel forked from the build's server gives exactly what a
kernel started from nothing gives; the data it opens is recorded and checked; without a server, kernels start as
before. (nbval, in `make test`, re-executes every committed chapter — built with warm kernels — in fresh kernels.)"""

from __future__ import annotations

import re
import sys

import nbformat
import pytest

from se_ambulance.pipeline import build as build_mod
from se_ambulance.pipeline import kernel as kernels
from se_ambulance.pipeline import warm
from se_ambulance.pipeline.executed import normalise
from se_ambulance.pipeline.params import load_params

from .support.builders import ROOT, write_notebook

pytestmark = pytest.mark.slow  # starts kernels

PROBE = [
    "import os, sys\nimport pandas as pd\nfrom IPython import get_ipython",
    "print(os.getcwd(), sys.argv[0].endswith('ipykernel_launcher.py') or sys.argv[0], sys.path[0] == '')",
    "print(hasattr(get_ipython(), 'kernel'), os.environ.get('PROBE'), pd.get_option('display.max_columns'))",
    "pd.DataFrame({f'a rather long column name {i}': [i * 1000.5] for i in range(24)})",  # pandas' width rules
    "import warnings\nwarnings.warn('shown as a kernel shows it')",
]


def run(nb_path, out, launch, parameters=None, cwd=None):
    import papermill

    said = kernels.KernelStderr()
    papermill.execute_notebook(
        str(nb_path),
        str(out),
        parameters=parameters or {},
        kernel_name="python3",
        cwd=str(cwd or nb_path.parent),
        progress_bar=False,
        log_output=False,
        request_save_on_cell_execute=False,
        kernel_manager_class=kernels.kernel_manager_class(said, launch),
    )
    said.finish()
    text = nbformat.writes(normalise(nbformat.read(out, as_version=4)))
    return re.sub(r"ipykernel_\d+", "ipykernel_PID", text)  # the kernel's own temporary folder


def warm_launch(server, log=None):
    def launch(cmd, env):
        env = {**env, "PROBE": "set by the build"}
        if log is not None:
            env.update({warm.READS_LOG: str(log), warm.RAW_DIR: str(ROOT / "data" / "raw")})
        return server.proxy_command(cmd), env

    return launch


def cold_launch(cmd, env):
    return cmd, {**env, "PROBE": "set by the build"}


def test_a_warm_kernel_gives_what_a_fresh_one_gives(tmp_path):
    """On a probe of what could differ (every chapter is compared by nbval: the committed chapters are built in warm
    kernels, and nbval executes them in fresh ones)."""
    probe = write_notebook(tmp_path / "probe.ipynb", "x = 1", *PROBE)
    with warm.kernels(["se_ambulance.data.common", "se_ambulance.publish.figures"]) as server:
        assert server.wait()
        log = tmp_path / "reads"
        warm_probe = run(probe, tmp_path / "w.ipynb", warm_launch(server, log))
        assert log.is_file()  # the kernel was forked (only a forked kernel records its reads)
    assert server.proc.poll() is not None and not server.folder.exists()  # stopped and cleaned up
    assert warm_probe == run(probe, tmp_path / "c.ipynb", cold_launch)
    assert "True set by the build 20" in warm_probe  # a kernel, its environment, pandas' kernel defaults


def test_a_warm_kernel_records_the_pinned_files_it_opens(tmp_path):
    nb = write_notebook(
        tmp_path / "ch.ipynb",
        "x = 1",
        "from se_ambulance.data.pre_arp import load_arp_dates\nload_arp_dates()\nload_arp_dates()",
    )
    from se_ambulance.pipeline.inputs import Analyser

    log = tmp_path / "reads"
    with warm.kernels(["se_ambulance.data.pre_arp"]) as server:
        assert server.wait()
        run(nb, tmp_path / "out.ipynb", warm_launch(server, log))
    names = log.read_text(encoding="utf-8").splitlines()
    assert [Analyser(ROOT).dataset_of_file(n) for n in names] == ["arp_dates"]  # once, however often read

    def cold(cmd, env):  # a kernel started from nothing records them too
        return warm.cold_command(cmd), {
            **env,
            warm.READS_LOG: str(tmp_path / "cold"),
            warm.RAW_DIR: str(ROOT / "data" / "raw"),
        }

    cold_out = run(nb, tmp_path / "cold.ipynb", cold)
    assert (tmp_path / "cold").read_text(encoding="utf-8").splitlines() == names
    assert cold_out == run(nb, tmp_path / "plain.ipynb", lambda cmd, env: (cmd, env))  # and shows the same


def test_a_chapter_that_opens_data_its_key_does_not_cover_stops_the_build(tmp_path):
    nb = write_notebook(
        tmp_path / "98_sneaky.ipynb",
        "focus = {'trust': 'RYD'}",
        "from se_ambulance.paths import raw_dir\n(raw_dir() / 'AmbCO.csv').read_bytes()",
    )
    with pytest.raises(
        build_mod.BuildError,
        match=r"98_sneaky.ipynb read data/raw/AmbCO.csv \(the pinned file of "
        r"dataset 'ambco'\)",
    ):
        build_mod.run_chapters([nb], load_params(), tmp_path / "out", tmp_path, cache_dir=tmp_path / "out")
    assert not (tmp_path / "out" / "98_sneaky.ipynb").exists()  # nothing promoted


def test_without_a_server_a_kernel_starts_from_nothing(tmp_path):
    nb = write_notebook(tmp_path / "ch.ipynb", "x = 1", "print('ran')")

    def unreachable(cmd, env):  # the proxy finds no server: it becomes an ordinary kernel
        return [cmd[0], "-I", "-S", str(warm.PROXY), str(tmp_path / "no-server"), *cmd[3:]], env

    assert "ran" in run(nb, tmp_path / "a.ipynb", unreachable)
    with warm.kernels([]) as server:
        server.proc.kill()
        server.proc.wait()
        cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "x.json"]
        assert server.proxy_command(cmd) == cmd and not server.wait()


def test_warm_kernels_can_be_turned_off(monkeypatch):
    monkeypatch.setenv(warm.ENV_SWITCH, "0")
    with warm.kernels(["se_ambulance.errors"]) as server:
        assert server is None and warm.active() is None


def test_the_register_runs_in_a_fork_and_its_errors_are_reported(tmp_path):
    with warm.kernels(["se_ambulance.errors"]) as server:
        assert server.call("json:dumps", obj=[1, 2]) == "[1, 2]"
        with pytest.raises(warm.CallFailed, match="AttributeError"):
            server.call("se_ambulance.pipeline.warm:no_such_function")
        with pytest.raises(warm.CallFailed) as e:
            server.call("se_ambulance.pipeline.params:load_params", overrides={"trust": "NOPE"})
        assert e.value.package_error and "NOPE" in str(e.value)
