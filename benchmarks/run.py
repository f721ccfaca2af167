"""Benchmarks for the book's build (a script that reports numbers, not a test).

Run with the environment and data already present:  .venv/bin/python benchmarks/run.py
It prints a table and writes benchmarks/results.json. The full build and Jupyter Book's executor
are each run BENCH_REPEATS times (default 3) and their medians compared. Timings are wall-clock seconds on this
machine; peak memory is the largest resident set of any process in the step (kernels included).
BENCH_ONLY=test-fast, BENCH_ONLY=make-test or BENCH_ONLY=edition re-measures that one step (make-test: CI's
`.ci/run` in a clean clone of HEAD; edition: `make edition` in a clean clone of HEAD; so commit first) and keeps the
other results.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGETS = {"full build": 45.0, "nothing-changed rebuild": 5.0, "one-chapter scenario": 10.0,
           "AmbSYS from cache": 0.2, "atlas, all 11 trusts (empty chapter store)": 240.0,
           "make test-fast": 30.0, "make test on a clean clone (pytest)": 240.0,
           "make edition to a built site (clean clone)": 180.0}


def timed(cmd: list[str], **kw) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of the largest child process."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak


def jupyter_book_executor(work: Path) -> float:
    """The same chapters executed by Jupyter Book's own executor (execute_notebooks: force)."""
    src = work / "jb-exec"
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
    seconds, _ = timed([str(BIN / "jupyter-book"), "build", str(src), "--path-output", str(src), "--all"],
                       env=env, cwd=src)
    return seconds


def median_of(runs: list[tuple[float, float]]) -> dict:
    """The median wall time of repeated runs (this shared 2-core machine varies by ±20% run to run)."""
    seconds = sorted(r[0] for r in runs)
    return {"seconds": seconds[len(seconds) // 2], "all_seconds": seconds, "peak_mb": max(r[1] for r in runs)}


def test_fast() -> dict:
    """`make test-fast` as make runs it (on every core)."""
    s, _ = timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "auto",
                  "-m", "not slow and not site", str(ROOT / "tests")], cwd=ROOT)
    return {"seconds": s, "peak_mb": None}


def make_test_on_a_clean_clone() -> dict:
    """CI's run as CI makes it: `.ci/run` (CI=true) in a fresh clone of this checkout's HEAD, so nothing is
    cached and the environment is installed from the lock. The gate is pytest's own time ("N passed in S s");
    the whole run, install included, is reported beside it."""
    import re

    mirror = os.environ.get("SE_AMBULANCE_DATA_MIRROR") or str(ROOT.parent / "shared" / "data")
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "main"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        env = {**os.environ, "CI": "true", "SE_AMBULANCE_DATA_MIRROR": mirror}
        env.pop("VIRTUAL_ENV", None)
        t0 = time.perf_counter()
        proc = subprocess.run(["bash", ".ci/run"], cwd=clone, env=env, capture_output=True, text=True)
        total = time.perf_counter() - t0
    summary = re.search(r"=+ (\d+) passed.* in ([\d.]+)s", proc.stdout)
    if proc.returncode != 0 or not summary:
        raise SystemExit(f".ci/run failed in the clean clone:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
    return {"seconds": float(summary.group(2)), "tests": int(summary.group(1)), "with_install_seconds": total,
            "peak_mb": None}


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
        env = {**os.environ, "SE_AMBULANCE_HOME": str(clone), "GIT_AUTHOR_NAME": "bench",
               "GIT_AUTHOR_EMAIL": "bench@example.invalid", "GIT_COMMITTER_NAME": "bench",
               "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
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
        setup = (["git", "checkout", "-q", "--orphan", "before-the-release"], ["git", "add", "-A"],
                 ["git", "commit", "-q", "-m", "before the release"], ["make", "env", "node_modules/axe-core"])
        for cmd in setup:
            subprocess.run(cmd, cwd=clone, env=env, check=True, capture_output=True)
        env.pop("SE_AMBULANCE_HOME")
        t0 = time.perf_counter()
        # The tests step comes after the site, so its tier does not change the time to a built site;
        # BENCH_EDITION_TESTS=fast spares the shared machine a second full suite when only that time is wanted.
        tier = os.environ.get("BENCH_EDITION_TESTS", "full")
        proc = subprocess.run(["make", "edition", f"EDITION_ARGS=--mirror {mirror} --tests {tier}"], cwd=clone,
                              env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"make edition failed in the clean clone:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        steps = json.loads((clone / "_build" / "edition" / "last.json").read_text())["seconds"]
    return {"seconds": wall - (steps["total"] - steps["site"]), "total_seconds": wall, "steps": steps,
            "tests_tier": tier, "peak_mb": None}


# Steps that can be re-measured alone (BENCH_ONLY=<name>); the other results in results.json are kept.
ALONE = {"test-fast": ("make test-fast", test_fast),
         "make-test": ("make test on a clean clone (pytest)", make_test_on_a_clean_clone),
         "edition": ("make edition to a built site (clean clone)", make_edition_on_a_clean_clone)}


def main() -> None:
    only = os.environ.get("BENCH_ONLY")
    if only:
        if only not in ALONE:
            raise SystemExit(f"BENCH_ONLY={only!r} is not a step that runs alone; allowed: {', '.join(ALONE)}")
        name, step = ALONE[only]
        path = ROOT / "benchmarks" / "results.json"
        report = json.loads(path.read_text()) if path.exists() else {"results": {}}
        report["results"][name] = step()
        path.write_text(json.dumps(report, indent=1))
        r = report["results"][name]
        extra = f" ({r['tests']} tests; {r['with_install_seconds']:.0f} s with the install)" if "tests" in r else ""
        if "total_seconds" in r:
            extra = (f" (to the end, {r['tests_tier']} tests and PDF included: {r['total_seconds']:.0f} s; "
                     f"steps {r['steps']})")
        print(f"{name}: {r['seconds']:.2f} s (target ≤ {TARGETS[name]:g}){extra}")
        return
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    sys.path.insert(0, str(ROOT / "src"))
    from se_ambulance.publish.charts import write_bundle

    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cli = str(BIN / "se-ambulance")
        write_bundle(ROOT / "_static")  # JB's executor run needs the chart bundle too
        out = work / "full"
        # Our full build and Jupyter Book's executor alternate, so a slow spell on this shared machine
        # falls on both rather than on one.
        ours, jb = [], []
        for i in range(repeats):
            ours.append(timed([cli, "build", "--force", "--out", str(out)]))
            jb.append((jupyter_book_executor(work / f"jb{i}"), 0.0))
        results["full build"] = median_of(ours)
        s, m = timed([cli, "build", "--out", str(out)])
        results["nothing-changed rebuild"] = {"seconds": s, "peak_mb": m}
        s, m = timed([cli, "run", "01_performance", "--set", "trust=RYE", "--out", str(work / "one")])
        results["one-chapter scenario"] = {"seconds": s, "peak_mb": m}
        code = ("import time; from se_ambulance.data.ambsys import load_ambsys; load_ambsys(); "
                "t=[];\nfor _ in range(5):\n    t0=time.perf_counter(); load_ambsys(); t.append(time.perf_counter()-t0)\n"
                "print(min(t))")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        results["AmbSYS from cache"] = {"seconds": float(proc.stdout.strip().splitlines()[-1]), "peak_mb": None}
        results["Jupyter Book executor (same chapters)"] = median_of(jb) | {"peak_mb": None}
        # Every trust's book in one site, from nothing: a chapter store of its own, so nothing is copied from
        # earlier builds (only the claims register, computed before any chapter, is shared).
        s, m = timed([cli, "atlas", "--out", str(work / "atlas")],
                     env={**os.environ, "SE_AMBULANCE_CHAPTER_STORE": str(work / "atlas-store")})
        results["atlas, all 11 trusts (empty chapter store)"] = {"seconds": s, "peak_mb": m}
        results["make test-fast"] = test_fast()
        results["make test on a clean clone (pytest)"] = make_test_on_a_clean_clone()
        results["make edition to a built site (clean clone)"] = make_edition_on_a_clean_clone()
        pages = {p.name: p.stat().st_size / 1e6 for p in (out / "_build" / "html" / "notebooks").glob("*.html")}
    speedup = results["Jupyter Book executor (same chapters)"]["seconds"] / results["full build"]["seconds"]
    report = {"machine": f"{platform.node()} ({os.cpu_count()} cores, Python {platform.python_version()})",
              "results": results, "speedup_vs_jupyter_book": speedup, "page_mb": pages}
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(report, indent=1))
    print(f"{'step':40} {'seconds':>8} {'target':>8} {'peak MB':>8}")
    for k, v in results.items():
        target = TARGETS.get(k)
        print(f"{k:40} {v['seconds']:8.2f} {('≤ %g' % target) if target else '':>8} "
              f"{(v['peak_mb'] or 0):8.0f}")
    print(f"speed-up over Jupyter Book's executor: {speedup:.2f}× (target ≥ 1.5×)")
    print("largest chapter page: %.2f MB (target ≤ 1.5 MB, shared chart bundle excluded)" % max(pages.values()))


if __name__ == "__main__":
    main()
