"""Messages, not tracebacks: hostile parameter YAML, a closed pipe, a full disk; a clean kernel log; a
retry only when two kernels race for a port."""

from __future__ import annotations

import errno
import logging
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from se_ambulance.errors import BuildError, ParameterError
from se_ambulance.pipeline import build as build_mod
from se_ambulance.pipeline import kernel as kernels
from se_ambulance.pipeline.cli import main
from se_ambulance.pipeline.safe_yaml import load_yaml_mapping, parse_yaml_value

from .support import browser as browser_deps
from .support.builders import ROOT, write_notebook
from . import test_data_update

# --- parameter YAML -----------------------------------------------------------------------------------

BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def write(tmp_path, content: bytes | str, name: str = "p.yaml"):
    f = tmp_path / name
    f.write_bytes(content.encode() if isinstance(content, str) else content)
    return f


def test_a_valid_file_loads(tmp_path):
    f = write(tmp_path, "\ufefffocus:\n  trust: RYE\n  comparators: [RYD, Eng]\nappraisal:\n  discount_rate: 0.035\n")
    assert load_yaml_mapping(f, "parameter file") == {
        "focus": {"trust": "RYE", "comparators": ["RYD", "Eng"]},
        "appraisal": {"discount_rate": 0.035},
    }
    assert load_yaml_mapping(write(tmp_path, "", "empty.yaml")) == {}


@pytest.mark.parametrize(
    "content, message",
    [
        (b"performance:\n  trust: R\xe9D\n", "is not UTF-8 text (byte 0xe9 at position 23); save it as UTF-8"),
        ("focus:\n  trust: RYD\n  trust: RYE\n", "gives the key 'trust' twice (line 2 and line 3)"),
        (
            "demand: {horizon_year: 2040}\ndemand: {base_year: 2020}\n",
            "gives the key 'demand' twice (line 1 and line 2)",
        ),
        ("appraisal:\n  discount_rate: .inf\n", "Parameter 'appraisal.discount_rate' = .inf"),
        ("appraisal:\n  realisation: {low: 0.2, central: .nan, high: 0.9}\n", "'appraisal.realisation.central' = .nan"),
        ("demand:\n  age_rates: {'85+': {low: -.inf, central: 1, high: 2}}\n", "'demand.age_rates.85+.low' = -.inf"),
        ("x: [1, 2, 1.0e+999]\n", "Parameter 'x[2]' = .inf"),
        ("base: &base {trust: RYD}\nperformance: *base\n", "uses a YAML anchor (&base) at line 1"),
        ("performance: [1, 2\n", "is not valid YAML at line 2, column 1"),
        ("- trust\n- RYE\n", "must be a YAML mapping of parameter names to values"),
        ("x: " + "[" * 40 + "]" * 40 + "\n", "nests values more than 32 levels deep"),
        ("x: !!python/object/apply:os.system [echo hi]\n", "is not valid YAML"),
    ],
)
def test_hostile_parameter_files_are_refused_with_one_message(tmp_path, content, message):
    with pytest.raises(ParameterError) as e:
        load_yaml_mapping(write(tmp_path, content), "parameter file")
    assert message in str(e.value)
    assert str(tmp_path / "p.yaml") in str(e.value) or "Parameter '" in str(e.value)


def test_an_alias_bomb_is_refused_at_once(tmp_path):
    f = write(tmp_path, BOMB)
    t0 = time.perf_counter()
    with pytest.raises(ParameterError, match=r"anchors and aliases \(&name, \*name\) .* are not allowed"):
        load_yaml_mapping(f, "parameter file")
    assert time.perf_counter() - t0 < 1
    t0 = time.perf_counter()
    with pytest.raises(ParameterError, match="anchor"):
        parse_yaml_value("[" + BOMB.replace("\n", ", ").rstrip(", ") + "]", "x")
    assert time.perf_counter() - t0 < 1


def test_a_folder_or_a_missing_file_is_named(tmp_path):
    with pytest.raises(ParameterError, match="is a folder; give a YAML file"):
        load_yaml_mapping(tmp_path, "parameter file")
    with pytest.raises(ParameterError, match="does not exist"):
        load_yaml_mapping(tmp_path / "nope.yaml", "parameter file")


def test_a_huge_file_is_refused_unread(tmp_path):
    f = tmp_path / "big.yaml"
    with open(f, "wb") as fh:
        fh.truncate(50_000_000)
    with pytest.raises(ParameterError, match="a parameter file is a short YAML mapping"):
        load_yaml_mapping(f)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("RYE", "RYE"),
        ("0.5", 0.5),
        ("2045", 2045),
        ("[RYD, Eng]", ["RYD", "Eng"]),
        ("", None),
        ("{low: 0.2, central: 0.5, high: 0.9}", {"low": 0.2, "central": 0.5, "high": 0.9}),
    ],
)
def test_set_values_parse_as_yaml(text, expected):
    assert parse_yaml_value(text, "k") == expected


@pytest.mark.parametrize(
    "text, message",
    [
        (".inf", "Parameter 'appraisal.discount_rate' = .inf (from --set) is not a finite number"),
        ("-.Inf", "= -.inf (from --set)"),
        (".NaN", "= .nan (from --set)"),
        ("{low: .nan, central: 1, high: 2}", "Parameter 'appraisal.discount_rate.low' = .nan"),
        ("{a: 1, a: 2}", "gives the key 'a' twice"),
        ("[&x 1, *x]", "uses a YAML anchor (&x)"),
        ("[1, 2", "is not valid YAML"),
        ("x" * 30_000, "a parameter value is at most"),
    ],
)
def test_hostile_set_values_are_refused(text, message):
    with pytest.raises(ParameterError) as e:
        parse_yaml_value(text, "appraisal.discount_rate")
    assert message in str(e.value)


# --- a closed pipe, a full disk --------------------------------------------------------------------------


def test_params_into_a_closed_pipe_exits_quietly():
    """`se-ambulance params | head -1`: the reader has gone; no BrokenPipeError traceback."""
    r, w = os.pipe()
    os.close(r)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "se_ambulance.pipeline.cli", "params"],
            stdout=w,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(w)
    assert proc.stderr == "" and proc.returncode == 141


def test_params_into_head_prints_the_first_lines():
    # quoted: the interpreter's path may hold spaces or other letters (a clone in "~/Mes documents/…")
    proc = subprocess.run(
        f"{shlex.quote(sys.executable)} -m se_ambulance.pipeline.cli params | head -n 2",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert len(proc.stdout.splitlines()) == 2 and proc.stderr == ""


@pytest.mark.parametrize(
    "err, message",
    [
        (
            OSError(errno.ENOSPC, "No space left on device", "/x/_build/notebooks/01.ipynb"),
            "se-ambulance: error: the disk is full (/x/_build/notebooks/01.ipynb); free some space and run the command again.",
        ),
        (OSError(errno.EROFS, "Read-only file system", "/x"), "se-ambulance: error: permission denied (/x)"),
    ],
)
def test_a_full_disk_is_one_line(monkeypatch, capsys, err, message):
    def full(**kwargs):
        raise err

    monkeypatch.setattr(build_mod, "build", full)
    assert main(["build"]) == 2
    out = capsys.readouterr().err
    assert out.startswith(message) and len(out.strip().splitlines()) == 1


def test_a_full_disk_inside_a_chapter_is_not_wrapped_or_retried(tmp_path, monkeypatch):
    import papermill

    calls = []

    def full(*args, **kwargs):
        calls.append(1)
        raise OSError(errno.ENOSPC, "No space left on device", args[1])

    monkeypatch.setattr(papermill, "execute_notebook", full)
    src = write_notebook(tmp_path / "ch.ipynb", "x = 1")
    with pytest.raises(OSError) as e:
        build_mod.execute_chapter(src, tmp_path / "out" / "ch.ipynb", {}, cwd=tmp_path)
    assert e.value.errno == errno.ENOSPC and calls == [1]


def test_sigterm_handler_is_restored_after_the_command(monkeypatch):
    before = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(build_mod, "build", lambda **k: None)
    assert main(["build"]) == 0
    assert signal.getsignal(signal.SIGTERM) is before


def test_sigterm_during_a_command_exits_143(monkeypatch, capsys):
    def terminated(**kwargs):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)

    monkeypatch.setattr(build_mod, "build", terminated)
    assert main(["build"]) == 143
    assert "interrupted (SIGTERM)" in capsys.readouterr().err


# --- kernels: a clean log, and a retry for a port race only -------------------------------------------


@pytest.mark.slow  # executes notebooks (starts kernels)
def test_a_clean_chapter_leaves_a_clean_log(tmp_path, capfd):
    src = write_notebook(tmp_path / "ch.ipynb", "x = 1", "print(x)")
    build_mod.execute_chapter(src, tmp_path / "out.ipynb", {"x": 2}, cwd=tmp_path)
    err = capfd.readouterr().err
    assert "without encryption" not in err and "KeyboardInterrupt caught" not in err, err


def test_kernel_stderr_drops_only_the_known_noise():
    capture = kernels.KernelStderr()
    os.write(
        capture.fd,
        b"[IPKernelApp] WARNING | Kernel is running over TCP without encryption. All ...\n"
        b"[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel.\n"
        b"a real problem\n",
    )
    assert capture.finish() == "a real problem"


def test_the_log_filter_drops_only_the_known_noise(caplog):
    logger = logging.getLogger("papermill")
    kernels.install_log_filters()
    with caplog.at_level(logging.WARNING, logger="papermill"):
        logger.warning("Kernel is running over TCP without encryption. All communication ...")
        logger.error("KeyboardInterrupt caught in kernel")
        logger.warning("something else")
    assert [r.getMessage() for r in caplog.records] == ["something else"]


def fake_papermill(monkeypatch, failures: list[tuple[BaseException, bytes]]):
    """papermill.execute_notebook that fails as listed (writing the bytes to the kernel's stderr), then works."""
    import papermill

    calls = []

    def run(nb_in, nb_out, **kwargs):
        calls.append(nb_in)
        capture = kwargs["kernel_manager_class"].stderr_capture
        if len(calls) <= len(failures):
            exc, said = failures[len(calls) - 1]
            os.write(capture.fd, said)
            raise exc
        nbformat.write(nbformat.v4.new_notebook(), nb_out)

    monkeypatch.setattr(papermill, "execute_notebook", run)
    monkeypatch.setattr(kernels, "backoff", lambda attempt: None)  # the retries, not their pauses, are tested
    return calls


PORT_TRACE = (
    b'Traceback (most recent call last):\n  File "ipykernel/kernelapp.py", in _bind_socket\n'
    b"zmq.error.ZMQError: Address already in use (addr='tcp://127.0.0.1:51234')\n"
)


def test_a_port_race_is_retried(tmp_path, monkeypatch, capsys):
    calls = fake_papermill(monkeypatch, [(RuntimeError("Kernel died before replying to kernel_info"), PORT_TRACE)])
    src = write_notebook(tmp_path / "ch.ipynb", "x = 1")
    out = build_mod.execute_chapter(src, tmp_path / "out.ipynb", {}, cwd=tmp_path)
    assert out.is_file() and len(calls) == 2
    err = capsys.readouterr().err
    assert "lost a port to another kernel" in err and "ZMQError" not in err


def test_a_zmq_error_in_this_process_is_retried(tmp_path, monkeypatch):
    import zmq

    calls = fake_papermill(monkeypatch, [(zmq.ZMQError(errno.EADDRINUSE), b"")] * 2)
    src = write_notebook(tmp_path / "ch.ipynb", "x = 1")
    assert build_mod.execute_chapter(src, tmp_path / "out.ipynb", {}, cwd=tmp_path).is_file()
    assert len(calls) == 3


def test_a_port_race_is_retried_a_couple_of_times_only(tmp_path, monkeypatch):
    calls = fake_papermill(monkeypatch, [(RuntimeError("Kernel died"), PORT_TRACE)] * 5)
    src = write_notebook(tmp_path / "ch.ipynb", "x = 1")
    with pytest.raises(BuildError, match="could not be executed: RuntimeError: Kernel died"):
        build_mod.execute_chapter(src, tmp_path / "out.ipynb", {}, cwd=tmp_path)
    assert len(calls) == kernels.PORT_RETRIES + 1


def test_other_kernel_failures_are_not_retried(tmp_path, monkeypatch, capsys):
    import papermill

    calls = fake_papermill(
        monkeypatch,
        [
            (
                RuntimeError("Kernel died before replying to kernel_info"),
                b"ModuleNotFoundError: No module named 'ipykernel'\n",
            )
        ],
    )
    src = write_notebook(tmp_path / "ch.ipynb", "x = 1")
    with pytest.raises(BuildError, match="Kernel died before replying"):
        build_mod.execute_chapter(src, tmp_path / "out.ipynb", {}, cwd=tmp_path)
    assert len(calls) == 1
    assert "ch.ipynb kernel: ModuleNotFoundError: No module named 'ipykernel'" in capsys.readouterr().err

    # a chapter's own code failing with the same words is the chapter's error, not a port race
    err = papermill.PapermillExecutionError(3, 3, "open_server()", "OSError", "[Errno 98] Address already in use", [])
    calls = fake_papermill(monkeypatch, [(err, b"")])
    with pytest.raises(BuildError, match="failed in cell 3: OSError"):
        build_mod.execute_chapter(src, tmp_path / "out.ipynb", {}, cwd=tmp_path)
    assert len(calls) == 1


# --- messages say what is allowed in words, not as a regular expression -------------------------------


def test_a_bad_month_is_explained_as_yyyy_mm(capsys):
    assert main(["build", "--set", "demand.backtest_start=2023-13", "--out", "unused"]) == 2
    err = capsys.readouterr().err
    assert "YYYY-MM" in err and "\\d" not in err and "^" not in err


def test_pipeline_messages_print_no_regular_expressions():
    """No message in the modules of this layer (other than params.py) shows a pattern like \\d{4}."""
    import re

    folder = ROOT / "src" / "se_ambulance" / "pipeline"
    for f in folder.glob("*.py"):
        if f.name == "params.py":
            continue
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"(Error|raise|log)\(.*f?[\"'].*(\\\\d|\[0-9\]|\(0\[1-9\]\|)", line):
                pytest.fail(f"{f.name}:{n} prints a regular expression: {line.strip()}")


# --- the browser tests' prerequisites: a message that says what to install, never a launcher's error --------


def fake_chromium(folder, script: str | None, mode: int = 0o755):
    folder.mkdir(exist_ok=True)
    exe = folder / "chromium"
    exe.write_text(script or "")
    exe.chmod(mode)
    return exe


@pytest.fixture
def only_on_path(monkeypatch, tmp_path):
    """PATH holds only an empty folder (plus what a test puts there); no Chromium given by name."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.delenv(browser_deps.CHROMIUM_ENV, raising=False)
    monkeypatch.delenv(browser_deps.SKIP_ENV, raising=False)
    return folder


def test_a_missing_chromium_is_named_with_what_to_install(only_on_path, capsys):
    assert browser_deps.chromium_problem() == (
        "Chromium is not installed: apt-get install chromium (Debian's package), or set SE_AMBULANCE_SKIP_BROWSER=1 "
        "to skip the browser tests knowingly."
    )
    assert browser_deps.main([]) == 1  # without --install it only reports
    err = capsys.readouterr().err
    assert err.startswith("make test: Chromium is not installed") and len(err.strip().splitlines()) == 1


def test_a_chromium_that_cannot_be_executed_is_named_not_spawned(only_on_path):
    exe = fake_chromium(only_on_path, "#!/bin/sh\necho 1\n", mode=0o644)
    problem = browser_deps.chromium_problem()
    assert problem.startswith(f"Chromium at {exe} cannot be executed (no execute permission): reinstall it")
    assert "EACCES" not in problem


def test_a_chromium_that_does_not_start_is_named_with_its_own_words(only_on_path):
    fake_chromium(only_on_path, "#!/bin/sh\necho 'error while loading shared libraries: libnss3.so' >&2\nexit 127\n")
    problem = browser_deps.chromium_problem()
    assert "does not start (exit 127: error while loading shared libraries: libnss3.so)" in problem
    assert "apt-get install --reinstall chromium" in problem


def test_a_chromium_that_starts_is_no_problem_and_skipping_is_a_choice(only_on_path, monkeypatch):
    fake_chromium(only_on_path, "#!/bin/sh\necho 'Chromium 140.0'\n")
    assert browser_deps.chromium_problem() is None
    monkeypatch.setenv(browser_deps.CHROMIUM_ENV, str(only_on_path / "nowhere"))
    assert "which is not a file" in browser_deps.chromium_problem()
    monkeypatch.setenv(browser_deps.SKIP_ENV, "1")
    assert browser_deps.ensure(install=False) is None


def test_a_launch_failure_is_one_line_with_what_to_do(only_on_path):
    fake_chromium(only_on_path, "#!/bin/sh\nexit 0\n")
    problem = browser_deps.launch_problem(RuntimeError("BrowserType.launch: spawn EACCES\nCall log: ..."))
    assert problem.startswith(
        f"Chromium at {only_on_path / 'chromium'} did not start under Playwright "
        "(BrowserType.launch: spawn EACCES): reinstall it"
    )
    assert len(problem.splitlines()) == 1


def test_axe_core_must_be_the_pinned_version(tmp_path, monkeypatch):
    axe = tmp_path / "node_modules" / "axe-core" / "axe.min.js"
    monkeypatch.setattr(browser_deps, "AXE", axe)
    assert "axe-core is not installed (node_modules/axe-core is missing): run `npm ci`" in browser_deps.axe_problem()
    axe.parent.mkdir(parents=True)
    axe.write_text("/* axe */")
    (axe.parent / "package.json").write_text('{"version": "0.0.1"}')
    assert browser_deps.axe_problem().startswith("axe-core 0.0.1 is installed but package-lock.json pins ")


# --- the remaining hostile cases of issue 25 --------------------------------------------------------------

amb_project = test_data_update.amb_root  # a project with a small pinned AmbSYS (test_data_update's fixture)


@pytest.mark.parametrize("given", ["", " ", ",", " , "])
def test_an_atlas_of_no_trusts_is_refused_not_read_as_all_eleven(tmp_path, capsys, given):
    """`--trusts "$TRUSTS"` with the variable unset used to build all eleven trusts' books."""
    assert main(["atlas", "--out", str(tmp_path / "atlas"), "--trusts", given]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "se-ambulance: error: --trusts names no trust; give trust codes separated by commas "
        "(e.g. --trusts RX7,RYD), or leave --trusts out for all 11 trusts; allowed: R1F = Isle of Wight"
    )
    assert not (tmp_path / "atlas").exists()


def test_a_full_disk_while_copying_names_the_file_being_written(tmp_path, monkeypatch, capsys):
    """shutil's copy names the file it read first; the disk is full for the file it was writing."""
    import shutil

    src, dest = tmp_path / "stored.ipynb", tmp_path / "staging" / "x0-01_performance.ipynb"
    src.write_text("{}")
    dest.parent.mkdir()

    def no_space(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "sendfile", no_space)
    monkeypatch.setattr(build_mod, "build", lambda **kwargs: shutil.copyfile(src, dest))
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert (
        err == f"se-ambulance: error: the disk is full (writing {dest}); free some space and run the command again.\n"
    )


def test_a_failed_move_names_both_files(monkeypatch, capsys):
    def move(**kwargs):
        raise OSError(errno.EXDEV, "Invalid cross-device link", "/a/x.ipynb", None, "/b/x.ipynb")

    monkeypatch.setattr(build_mod, "build", move)
    assert main(["build"]) == 2
    assert capsys.readouterr().err == "se-ambulance: error: Invalid cross-device link (/a/x.ipynb -> /b/x.ipynb).\n"


def test_a_site_holds_only_this_builds_pages(tmp_path, monkeypatch):
    """A scenario book built into a folder that held an atlas: the atlas's pages used to stay in the site."""
    out = tmp_path / "out"
    stale = out / "_build" / "html" / "atlas" / "index.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("the old atlas")
    monkeypatch.setattr(build_mod.sys, "executable", str(ROOT / ".venv" / "bin" / "python"))

    def jupyter_book(cmd, **kwargs):
        site = Path(cmd[cmd.index("--path-output") + 1]) / "_build" / "html"
        (site / "notebooks").mkdir(parents=True)
        (site / "index.html").write_text("this build")
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(build_mod.subprocess, "run", jupyter_book)
    monkeypatch.setattr("se_ambulance.publish.charts.write_bundle", lambda folder: None)
    html = build_mod.build_site(tmp_path, out)
    assert html == out / "_build" / "html"
    assert sorted(p.relative_to(html).as_posix() for p in html.rglob("*")) == ["index.html", "notebooks"]
    assert sorted(p.name for p in html.parent.iterdir()) == ["html"]  # no staging folder left

    def failing(cmd, **kwargs):
        return subprocess.CompletedProcess(cmd, 2, "", "WARNING: a broken reference")

    monkeypatch.setattr(build_mod.subprocess, "run", failing)
    with pytest.raises(BuildError, match="The site build failed"):
        build_mod.build_site(tmp_path, out)
    assert (html / "index.html").read_text() == "this build"  # a failed build leaves the site as it was
    assert sorted(p.name for p in html.parent.iterdir()) == ["html"]


def test_a_page_that_could_not_read_the_previous_release_is_not_served_once_it_can(amb_project, monkeypatch):
    amb_root = amb_project
    """The chapter key includes whether the earlier release can be read, so the chapter store cannot serve the
    'could not be read' page after the release becomes readable (only --force used to clear it)."""
    from se_ambulance.data.fetch import ensure
    from se_ambulance.data.vintages import previous_ambsys_release, previous_vintages_state

    from .support.builders import ambsys_csv, sha
    from .test_data_update import GOOD, JULY, MONTHS, NAME, _rows

    assert previous_vintages_state() == ""  # nothing recorded: chapter keys are as before
    newer = ambsys_csv(_rows(MONTHS + [(2024, 7)])).encode()
    (amb_root["mirror"] / "ambsys" / JULY).write_bytes(newer)
    ensure("ambsys", mirror=amb_root["mirror"], update=True, progress=lambda m: None)
    # the earlier release is nowhere now: the mirror no longer holds it, nor the local cache, and its address is
    # offline
    import shutil

    from se_ambulance.paths import cache_dir, raw_dir

    (amb_root["mirror"] / "ambsys" / NAME).unlink()
    for kept in raw_dir().glob(f"previous-*{NAME}"):
        kept.unlink()
    shutil.rmtree(cache_dir(), ignore_errors=True)  # the tables read while adopting the release
    monkeypatch.setenv("SE_AMBULANCE_DATA_MIRROR", str(amb_root["mirror"]))
    assert previous_ambsys_release().unavailable
    unreadable = previous_vintages_state()
    assert unreadable == f"ambsys:{sha(GOOD)}:unreadable"
    # the release becomes readable (a mirror that keeps it): the state, and so every chapter key, changes
    keeps = amb_root["mirror"].parent / "keeps"
    (keeps / "ambsys").mkdir(parents=True)
    (keeps / "ambsys" / NAME).write_bytes(GOOD)
    monkeypatch.setenv("SE_AMBULANCE_DATA_MIRROR", str(keeps))
    assert previous_vintages_state() == f"ambsys:{sha(GOOD)}:readable"
    assert previous_ambsys_release().unavailable is None


def test_the_chapter_key_includes_what_the_pages_can_read(tmp_path, monkeypatch):
    nb = write_notebook(tmp_path / "ch.ipynb", "performance = {}", "print(performance)")
    monkeypatch.setattr(build_mod, "previous_vintages_state", lambda: "ambsys:abc:unreadable")
    before = build_mod.chapter_key(nb, {})
    monkeypatch.setattr(build_mod, "previous_vintages_state", lambda: "ambsys:abc:readable")
    assert build_mod.chapter_key(nb, {}) != before


@pytest.mark.slow  # starts a kernel
def test_a_chapter_runs_in_its_folder_without_moving_this_process(tmp_path):
    """Chapters run in threads; papermill's cwd= changed the whole process's folder while one ran, and with two
    at once the folder restored last was another chapter's, so relative paths (a mirror given as ../shared/data)
    were read from notebooks/ afterwards."""
    import threading

    folder = tmp_path / "chapter folder"
    folder.mkdir()
    src = write_notebook(tmp_path / "ch.ipynb", "x = 1", "import os, time; print(os.getcwd()); time.sleep(2)")
    before, seen = os.getcwd(), set()
    done = threading.Event()
    worker = threading.Thread(
        target=lambda: (build_mod.execute_chapter(src, tmp_path / "out.ipynb", {}, cwd=folder), done.set())
    )
    worker.start()
    while not done.is_set() and worker.is_alive():
        seen.add(os.getcwd())
        time.sleep(0.05)
    worker.join()
    assert done.is_set() and seen == {before} and os.getcwd() == before
    out = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert out.cells[1].outputs[0]["text"].strip() == str(folder)
