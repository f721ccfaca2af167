"""Benchmarks for the book's build (a script that reports numbers, not a test).

Run with the environment and data already present:  .venv/bin/python benchmarks/run.py
It prints a table and writes benchmarks/results.json. Timings are wall-clock seconds on this machine.

- The full build and Jupyter Book's executor on the same chapters run BENCH_REPEATS times (default 3), alternately,
  in this one run, and their medians are compared (this shared machine varies by ±20% from run to run).
- The edit and release steps run in a copy of this checkout (its own package, data folder and chapter store,
  through SE_AMBULANCE_HOME and PYTHONPATH), so nothing here is changed: the nothing-changed rebuild, an edit to a
  module only one chapter imports, an edit to one chapter's text, and a new AmbSYS release (the next real one, from
  the mirror) adopted and built.
- Memory: each step's own processes (the build, its warm kernel server, kernels, Jupyter Book) are sampled every
  0.1 s; `peak MB` is the largest total of their proportional set sizes (PSS: a page shared by forked kernels is
  counted once, split between them), `largest process MB` the largest single process. Each step is measured alone.
- `profile` (also alone: BENCH_ONLY=profile) measures what a build spends its time on: starting a kernel from nothing
  and forked from a warm server, importing what the chapters import, the claims register (stored results and from
  nothing), the strict site build, and each chapter.

BENCH_ONLY=step[,step...] re-measures those steps and keeps the other results (steps: full, scenario, rebuilds,
atlas, profile, test-fast, make-test, edition; make-test runs CI's `.ci/run` in a clean clone of HEAD, and edition
`make edition` in a clean clone of HEAD put back to before the current AmbSYS release, so commit first).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGETS = {
    "full build": 45.0,
    "nothing-changed rebuild": 5.0,
    "one-chapter scenario": 10.0,
    "AmbSYS from cache": 0.2,
    "atlas, all 11 trusts (empty chapter store)": 240.0,
    "make test-fast": 30.0,
    "make test on a clean clone (pytest)": 240.0,
    "make edition to a built site (clean clone)": 180.0,
}
RATIO_TARGET = 1.8
OUT = ROOT / "benchmarks" / "results.json"


# --- measuring one step ---------------------------------------------------------------------------------------


def _tree_memory(proc) -> tuple[float, float]:
    """(total PSS, largest single PSS) in MB of a process and its descendants; RSS where PSS cannot be read."""
    import psutil

    total = largest = 0.0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0.0, 0.0
    for p in procs:
        try:
            try:
                mem = p.memory_full_info().pss
            except (psutil.AccessDenied, AttributeError):
                mem = p.memory_info().rss
        except psutil.Error:
            continue
        total += mem
        largest = max(largest, mem)
    return total / 2**20, largest / 2**20


def timed(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> dict:
    """Run one step; its seconds, its stderr, and its own peak memory (sampled over its process tree)."""
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)
    peak = {"total": 0.0, "largest": 0.0}
    done = threading.Event()

    def sample() -> None:
        ps = psutil.Process(proc.pid)
        while not done.is_set():
            total, largest = _tree_memory(ps)
            peak["total"], peak["largest"] = max(peak["total"], total), max(peak["largest"], largest)
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{out[-2000:]}\n{err[-3000:]}")
    return {
        "seconds": seconds,
        "peak_mb": round(peak["total"]),
        "largest_process_mb": round(peak["largest"]),
        "log": err,
        "stdout": out,
    }


def executed(log: str) -> list[str]:
    return sorted(set(re.findall(r"executing (?:\[[^\]]*\] )?(\S+)\.ipynb", log)))


def clean(result: dict) -> dict:
    return {k: v for k, v in result.items() if k not in ("log", "stdout")}


# --- the steps ----------------------------------------------------------------------------------------------------


def jupyter_book_executor(work: Path) -> dict:
    """The same chapters executed by Jupyter Book's own executor (execute_notebooks: force), parameters cells as
    committed (the canonical values), then its site."""
    src = work / "jb-exec"
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml", "book", "_static"):
        p = ROOT / name
        (shutil.copytree if p.is_dir() else shutil.copy2)(p, src / name)
    (src / "notebooks").mkdir()
    for nb_path in (ROOT / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(nb_path, as_version=4)
        nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
        for c in nb.cells:
            if c.cell_type == "code":
                c.outputs, c.execution_count = [], None
        nbformat.write(nb, src / "notebooks" / nb_path.name)
    config = yaml.safe_load((src / "_config.yml").read_text())
    config["execute"] = {"execute_notebooks": "force", "timeout": 600}
    (src / "_config.yml").write_text(yaml.safe_dump(config))
    from se_ambulance.pipeline.build import SINGLE_THREADED_BLAS

    # The same single-threaded BLAS as our build's kernels, so the comparison is like for like.
    env = {**os.environ, **SINGLE_THREADED_BLAS, "SE_AMBULANCE_HOME": str(ROOT)}
    return timed([str(BIN / "jupyter-book"), "build", str(src), "--path-output", str(src), "--all"], env=env, cwd=src)


def full_build(results: dict, work: Path, repeats: int) -> None:
    """Our full build (every chapter executed, warm kernels, the site) against Jupyter Book's executor, alternately."""
    cli = str(BIN / "se-ambulance")
    ours, jb = [], []
    for _ in range(repeats):
        ours.append(timed([cli, "build", "--force", "--out", str(work / "full")]))
        jb.append(jupyter_book_executor(work))
    for name, runs in (("full build", ours), ("Jupyter Book executor (same chapters)", jb)):
        secs = sorted(r["seconds"] for r in runs)
        results[name] = {
            "seconds": statistics.median(secs),
            "all_seconds": secs,
            "peak_mb": max(r["peak_mb"] for r in runs),
            "largest_process_mb": max(r["largest_process_mb"] for r in runs),
        }
    results["speed-up over Jupyter Book's executor"] = {
        "ratio": results["Jupyter Book executor (same chapters)"]["seconds"] / results["full build"]["seconds"],
        "ratios_by_pair": [j["seconds"] / o["seconds"] for o, j in zip(ours, jb, strict=True)],
    }
    pages = {p.name: p.stat().st_size / 1e6 for p in (work / "full" / "_build" / "html" / "notebooks").glob("*.html")}
    results["largest page MB"] = {"mb": max(pages.values()), "pages": pages}


def scenario(results: dict, work: Path) -> None:
    """One chapter for another trust, with its one-page site, executed (a chapter store of its own, empty)."""
    s = timed(
        [str(BIN / "se-ambulance"), "run", "01_performance", "--set", "trust=RYE", "--out", str(work / "one")],
        env={**os.environ, "SE_AMBULANCE_CHAPTER_STORE": str(work / "one-store")},
    )
    results["one-chapter scenario"] = clean(s) | {"executed": executed(s["log"])}
    code = (
        "import time; from se_ambulance.data.ambsys import load_ambsys; load_ambsys(); "
        "t=[];\nfor _ in range(5):\n    t0=time.perf_counter(); load_ambsys(); t.append(time.perf_counter()-t0)\n"
        "print(min(t))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    results["AmbSYS from cache"] = {"seconds": float(proc.stdout.strip().splitlines()[-1])}


def checkout_copy(work: Path) -> tuple[Path, dict]:
    """A copy of this checkout's book, package, data pins and caches, and the environment that builds it."""
    copy = work / "checkout"
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml", "README.md", "requirements.lock"):
        shutil.copy2(ROOT / name, copy / name)
    for name in ("book", "params", "notebooks", "_static", "seeds"):
        shutil.copytree(ROOT / name, copy / name)
    shutil.copytree(ROOT / "src", copy / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    (copy / "data" / "raw").mkdir(parents=True)
    shutil.copy2(ROOT / "data" / "manifest.yaml", copy / "data" / "manifest.yaml")
    for f in (ROOT / "data" / "raw").iterdir():
        os.symlink(f, copy / "data" / "raw" / f.name)  # pinned files are read, never written
    if (ROOT / "data" / "cache").is_dir():  # a developer's warm caches
        shutil.copytree(ROOT / "data" / "cache", copy / "data" / "cache", ignore=shutil.ignore_patterns("staging"))
    env = {
        **os.environ,
        "SE_AMBULANCE_HOME": str(copy),
        "PYTHONPATH": str(copy / "src"),
        "SE_AMBULANCE_CHAPTER_STORE": str(copy / "_build" / "chapter-store"),
    }
    return copy, env


def adopt_next_ambsys(copy: Path, env: dict) -> dict:
    """Pin the next real AmbSYS release (the newest `AmbSYS-to-*.csv` in the mirror's ambsys folder that is not the
    pinned file), checked by its loader, as `fetch --update` does."""
    code = r"""
import os, shutil, sys
from pathlib import Path
from se_ambulance.data.ambsys import check_ambsys_file
from se_ambulance.data.fetch import mirror_dir, sha256_file
from se_ambulance.data.manifest import load_manifest, record_new_vintage
from se_ambulance.paths import raw_dir
pinned = load_manifest()["ambsys"]
folder = mirror_dir() / Path(pinned.mirror_path).parent
new = [p for p in sorted(folder.glob("AmbSYS-to-*.csv")) if p.name != pinned.file]
if not new:
    sys.exit("no other AmbSYS release in the mirror")
path = max(new, key=lambda p: p.stat().st_mtime)
description = check_ambsys_file(path)
shutil.copyfile(path, raw_dir() / path.name)
record_new_vintage("ambsys", sha256_file(path), path.stat().st_size, file=path.name,
                   mirror_path=f"{Path(pinned.mirror_path).parent}/{path.name}", description=description)
print(path.name)
"""
    return timed([sys.executable, "-c", code], env=env)


def rebuilds(results: dict, work: Path) -> None:
    """In a copy of this checkout: a canonical build, then what a user waits for after each kind of change."""
    copy, env = checkout_copy(work)
    cli = [sys.executable, "-m", "se_ambulance.pipeline.cli", "build"]
    first = timed(cli, env=env, cwd=copy)
    results["canonical build in a fresh checkout (chapter store empty)"] = clean(first) | {
        "executed": executed(first["log"])
    }
    s = timed(cli, env=env, cwd=copy)
    results["nothing-changed rebuild"] = clean(s) | {"executed": executed(s["log"])}
    module = copy / "src" / "se_ambulance" / "analysis" / "before_arp.py"  # imported by chapter 3 alone
    module.write_text(module.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    s = timed(cli, env=env, cwd=copy)
    results["one-module edit → book (analysis/before_arp.py)"] = clean(s) | {
        "executed": executed(s["log"]),
        "site rebuilt": "building the site" in s["log"],
    }
    nb_path = copy / "notebooks" / "03_before_arp_and_outcomes.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    first_md = next(c for c in nb.cells if c.cell_type == "markdown")
    first_md.source += "\n\nAn edited sentence."
    nbformat.write(nb, nb_path)
    s = timed(cli, env=env, cwd=copy)
    results["one-chapter text edit → book (chapter 3)"] = clean(s) | {
        "executed": executed(s["log"]),
        "site rebuilt": "building the site" in s["log"],
    }
    adopted = adopt_next_ambsys(copy, env)
    s = timed(cli, env=env, cwd=copy)
    results["new AmbSYS release → book"] = clean(s) | {
        "release": adopted["stdout"].strip(),
        "adopt seconds": adopted["seconds"],
        "executed": executed(s["log"]),
        "site rebuilt": "building the site" in s["log"],
        "register recomputed": "computing the claims register" in s["log"],
    }


def atlas(results: dict, work: Path) -> None:
    # Every trust's book in one site, from nothing: a chapter store of its own, so nothing is copied from earlier
    # builds.
    s = timed(
        [str(BIN / "se-ambulance"), "atlas", "--out", str(work / "atlas")],
        env={**os.environ, "SE_AMBULANCE_CHAPTER_STORE": str(work / "atlas-store")},
    )
    results["atlas, all 11 trusts (empty chapter store)"] = clean(s)


PROFILE_CODE = r"""
import json, os, sys, tempfile, time
from pathlib import Path
os.environ.update({"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
from se_ambulance.pipeline import kernel as kernels, warm
from se_ambulance.pipeline.build import chapter_notebooks, chapter_parameters
from se_ambulance.pipeline.inputs import Analyser
from se_ambulance.pipeline.params import load_params
import nbformat, papermill
root = Path(sys.argv[1]); out = {}
a = Analyser(root)
chapters = chapter_notebooks(root)
modules = sorted(set().union(*(a.chapter(nb).modules for nb in chapters)))
nb = Path(tempfile.mkdtemp()) / "empty.ipynb"
nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")],
               metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}), nb)
def run(path, launch, params=None, cwd=None):
    t = time.perf_counter(); said = kernels.KernelStderr()
    papermill.execute_notebook(str(path), str(path.with_suffix(".out.ipynb")) if path == nb else os.devnull,
        parameters=params or {}, kernel_name="python3", cwd=str(cwd or path.parent), progress_bar=False,
        request_save_on_cell_execute=False, kernel_manager_class=kernels.kernel_manager_class(said, launch))
    said.finish(); return time.perf_counter() - t
cold = lambda cmd, env: (cmd, env)
out["kernel start, from nothing (an empty notebook)"] = min(run(nb, cold) for _ in range(3))
t = time.perf_counter()
import subprocess
IMPORT_ALL = "import importlib, sys\nfor m in sys.argv[1:]: importlib.import_module(m)"
subprocess.run([sys.executable, "-c", IMPORT_ALL, *modules], check=True)
out["imports of the chapters' modules, in a fresh interpreter"] = time.perf_counter() - t
t = time.perf_counter()
with warm.kernels(modules) as server:
    server.wait()
    out["warm server ready (imports, once per build)"] = time.perf_counter() - t
    wl = lambda cmd, env: (server.proxy_command(cmd), env)
    out["kernel start, warm (forked)"] = min(run(nb, wl) for _ in range(3))
    p = load_params(); areas = {k: p.area(k) for k in ("performance", "demand", "appraisal")}
    t = time.perf_counter(); server.call("se_ambulance.pipeline.inputs:claim_digests", **areas)
    out["claims register, results stored"] = time.perf_counter() - t
    cache = tempfile.mkdtemp()
    os.environ["SE_AMBULANCE_HOME"] = str(root)
    code = ("import sys, os, time, json; import se_ambulance.claims.cache as c; from pathlib import Path; "
            "c.cache_dir = lambda: Path(sys.argv[1]); from se_ambulance.pipeline.params import load_params; "
            "p = load_params(); t = time.perf_counter(); "
            "c.register_for(p.area('performance'), p.area('demand'), p.area('appraisal')); "
            "print(time.perf_counter() - t)")
    r = subprocess.run([sys.executable, "-c", code, cache], capture_output=True, text=True, check=True)
    out["claims register, no stored results (modules imported)"] = float(r.stdout.strip().splitlines()[-1])
    for ch in chapters:
        params = chapter_parameters(ch, load_params())
        out[f"chapter {ch.stem}, warm kernel"] = run(ch, wl, params, root / "notebooks")
        out[f"chapter {ch.stem}, kernel from nothing"] = run(ch, cold, params, root / "notebooks")
print(json.dumps(out))
"""


def profile(results: dict, work: Path) -> None:
    """Where a build's time goes (serially, one thing at a time)."""
    proc = subprocess.run([sys.executable, "-c", PROFILE_CODE, str(ROOT)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"profile failed:\n{proc.stderr[-3000:]}")
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    site = work / "site"
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    t0 = time.perf_counter()
    subprocess.run(
        [
            str(BIN / "jupyter-book"),
            "build",
            str(ROOT),
            "--path-output",
            str(site),
            "-W",
            "-n",
            "--keep-going",
            "--builder",
            "html",
            "--all",
        ],
        capture_output=True,
        check=True,
    )
    found["site build, strict (Jupyter Book)"] = time.perf_counter() - t0
    results["profile"] = {k: round(v, 2) for k, v in found.items()}


def test_fast(results: dict, work: Path) -> None:
    """`make test-fast` as make runs it (on every core)."""
    s = timed(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-n",
            "auto",
            "-m",
            "not slow and not site",
            str(ROOT / "tests"),
        ],
        cwd=ROOT,
    )
    results["make test-fast"] = clean(s)


def make_test_on_a_clean_clone(results: dict, work: Path) -> None:
    """CI's run as CI makes it: `.ci/run` (CI=true) in a fresh clone of this checkout's HEAD, so nothing is
    cached and the environment is installed from the lock. The gate is pytest's own time ("N passed in S s");
    the whole run, install included, is reported beside it."""
    mirror = os.environ.get("SE_AMBULANCE_DATA_MIRROR") or str(ROOT.parent / "shared" / "data")
    clone = work / "main"
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    env = {**os.environ, "CI": "true", "SE_AMBULANCE_DATA_MIRROR": mirror}
    env.pop("VIRTUAL_ENV", None)
    t0 = time.perf_counter()
    proc = subprocess.run(["bash", ".ci/run"], cwd=clone, env=env, capture_output=True, text=True)
    total = time.perf_counter() - t0
    summary = re.search(r"=+ (\d+) passed.* in ([\d.]+)s", proc.stdout)
    if proc.returncode != 0 or not summary:
        raise SystemExit(f".ci/run failed in the clean clone:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
    results["make test on a clean clone (pytest)"] = {
        "seconds": float(summary.group(2)),
        "tests": int(summary.group(1)),
        "with_install_seconds": total,
    }


def make_edition_on_a_clean_clone() -> dict:
    """`make edition` as the scheduled workflow runs it (full tests), in a fresh clone of HEAD put back to the moment
    before the current AmbSYS release was adopted: its manifest pins the release before (`previous_pin_text`) and its
    record ends with the edition before the one that adopted the current release. The environment is installed first
    and not timed. Reported: from `make edition` to a built site (the gate), and to the end (tests and PDF)."""
    mirror = os.environ.get("SE_AMBULANCE_DATA_MIRROR") or str(ROOT.parent / "shared" / "data")
    sys.path.insert(0, str(ROOT / "src"))
    from se_ambulance.data import editions as E
    from se_ambulance.data.manifest import load_manifest, previous_pin_text
    from se_ambulance.publish.editions_text import changelog, editions_page

    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "main"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        env = {
            **os.environ,
            "SE_AMBULANCE_HOME": str(clone),
            "GIT_AUTHOR_NAME": "bench",
            "GIT_AUTHOR_EMAIL": "bench@example.invalid",
            "GIT_COMMITTER_NAME": "bench",
            "GIT_COMMITTER_EMAIL": "bench@example.invalid",
        }
        env.pop("VIRTUAL_ENV", None)
        os.environ["SE_AMBULANCE_HOME"] = str(clone)
        try:
            current = load_manifest()["ambsys"].sha256
            for ed in E.load_editions(clone):
                if ed.data["ambsys"].sha256 == current:
                    E.edition_path(ed.edition, clone).unlink()
            manifest = clone / "data" / "manifest.yaml"
            manifest.write_text(previous_pin_text(manifest.read_text(encoding="utf-8"), "ambsys"), encoding="utf-8")
            editions = E.load_editions(clone)
            (clone / E.GENERATED_PAGE).write_text(editions_page(editions), encoding="utf-8")
            (clone / "CHANGELOG.md").write_text(changelog(editions), encoding="utf-8")
        finally:
            os.environ.pop("SE_AMBULANCE_HOME", None)
        # A history of its own (an orphan branch): in HEAD's, the edition the clone takes back out was published,
        # and the record's immutability test would rightly refuse it being made again.
        setup = (
            ["git", "checkout", "-q", "--orphan", "before-the-release"],
            ["git", "add", "-A"],
            ["git", "commit", "-q", "-m", "before the release"],
            ["make", "env", "browser-deps"],
        )
        for cmd in setup:
            subprocess.run(cmd, cwd=clone, env=env, check=True, capture_output=True)
        env.pop("SE_AMBULANCE_HOME")
        t0 = time.perf_counter()
        # The tests step comes after the site, so its tier does not change the time to a built site;
        # BENCH_EDITION_TESTS=fast spares the shared machine a second full suite when only that time is wanted.
        tier = os.environ.get("BENCH_EDITION_TESTS", "full")
        proc = subprocess.run(
            ["make", "edition", f"EDITION_ARGS=--mirror {mirror} --tests {tier}"],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"make edition failed in the clean clone:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        steps = json.loads((clone / "_build" / "edition" / "last.json").read_text())["seconds"]
    return {
        "seconds": wall - (steps["total"] - steps["site"]),
        "total_seconds": wall,
        "steps": steps,
        "tests_tier": tier,
        "peak_mb": None,
    }


STEPS = {
    "full": lambda r, w, n: full_build(r, w, n),
    "scenario": lambda r, w, n: scenario(r, w),
    "rebuilds": lambda r, w, n: rebuilds(r, w),
    "atlas": lambda r, w, n: atlas(r, w),
    "profile": lambda r, w, n: profile(r, w),
    "test-fast": lambda r, w, n: test_fast(r, w),
    "make-test": lambda r, w, n: make_test_on_a_clean_clone(r, w),
    "edition": lambda r, w, n: r.__setitem__(
        "make edition to a built site (clean clone)", make_edition_on_a_clean_clone()
    ),
}


def report(results: dict) -> None:
    print(f"{'step':62} {'seconds':>8} {'target':>7} {'peak MB':>8} {'largest':>8}")
    for k, v in results.items():
        if "seconds" not in v:
            continue
        target = TARGETS.get(k)
        print(
            f"{k:62} {v['seconds']:8.2f} {f'≤ {target:g}' if target else '':>7} "
            f"{v.get('peak_mb') or '':>8} {v.get('largest_process_mb') or '':>8}"
        )
    ratio = results.get("speed-up over Jupyter Book's executor", {}).get("ratio")
    if ratio:
        print(f"speed-up over Jupyter Book's executor: {ratio:.2f}× (target ≥ {RATIO_TARGET}×)")
    for k, v in results.get("profile", {}).items():
        print(f"  profile: {k:70} {v:6.2f} s")


def main() -> None:
    only = [s.strip() for s in os.environ.get("BENCH_ONLY", "").split(",") if s.strip()]
    unknown = [s for s in only if s not in STEPS]
    if unknown:
        raise SystemExit(f"BENCH_ONLY names {unknown}; the steps are: {', '.join(STEPS)}")
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    sys.path.insert(0, str(ROOT / "src"))
    from se_ambulance.publish.charts import write_bundle

    report_json = json.loads(OUT.read_text()) if only and OUT.exists() else {"results": {}}
    results = report_json.setdefault("results", {})
    with tempfile.TemporaryDirectory() as tmp:
        write_bundle(ROOT / "_static")  # JB's executor run needs the chart bundle too
        for name in only or list(STEPS):
            STEPS[name](results, Path(tmp), repeats)
    report_json["machine"] = f"{platform.node()} ({os.cpu_count()} cores, Python {platform.python_version()})"
    report_json["date"] = time.strftime("%Y-%m-%d %H:%M")
    OUT.write_text(json.dumps(report_json, indent=1, ensure_ascii=False))
    report(results)


if __name__ == "__main__":
    main()
