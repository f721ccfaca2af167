"""Build the book: validate parameters, fetch data, execute chapters with papermill, build the site.

The canonical run (default parameters, no --out) executes each chapter notebook in place in
`notebooks/`, and the committed outputs are what nbval checks. Any other run writes a
complete book into its own folder and never touches `notebooks/`. Jupyter Book never
executes anything: it runs with execution off and warnings as errors.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from se_ambulance.data.fetch import fetch
from se_ambulance.data.vintages import previous_vintages_state
from se_ambulance.errors import BuildError, SeAmbulanceError
from se_ambulance.pipeline.params import BookParams, load_params
from se_ambulance.paths import project_root
from se_ambulance.pipeline import kernel as kernels, outputs, staging, warm
from se_ambulance.pipeline.chapter_store import ChapterStore
from se_ambulance.pipeline.executed import KERNEL, normalise
from se_ambulance.pipeline.inputs import CLAIM_AREAS, Analyser, Inputs, claim_digests, environment_digest
from se_ambulance.pipeline.cells import cells, parameters_source
from se_ambulance.pipeline.parameters_cell import cell_source, declaration, with_written_cell
from se_ambulance.pipeline.toc import chapter_notebooks

BOOK_FILES = ("_config.yml", "_toc.yml", "book", "_static")


@dataclass
class BuildResult:
    html: Path
    notebooks: list[Path]
    seconds: float


def log(msg: str) -> None:
    print(f"[se-ambulance] {msg}", file=sys.stderr, flush=True)


def chapter_parameters(nb_path: Path, params: BookParams) -> dict:
    """The parameter areas this chapter's `parameters` cell declares, each as a plain mapping.

    A chapter declares areas (`performance`, `demand`, `appraisal`), never single values, so every
    value it could depend on reaches it and nothing falls back to a module default. The areas in
    PARTIAL_AREAS hold independent choices, and a chapter receives only the keys it declares of them:
    the demand chapter takes `demand_area` and not `trust`, so a book for another trust does not
    execute it again (its key would differ while its pages could not)."""
    source = parameters_source(nb_path)
    declared = declaration(source, f"{nb_path.name}'s parameters cell") if source is not None else []
    out = {}
    for name, keys in declared:
        value = params.area(name)
        if keys is not None:
            extra = sorted(set(keys) - value.keys())
            if extra:
                raise BuildError(
                    f"{nb_path.name} declares {name} keys {extra} that the {name} area does not have; "
                    f"it has: {', '.join(value)}."
                )
            value = {k: v for k, v in value.items() if k in keys}
        out[name] = value
    return out


def reads_log(staged: Path) -> Path:
    """Where a chapter that run_jobs executes into `staged` records the pinned data files it opened (check_reads)."""
    return staged.with_name(staged.name + ".reads")


_recording = threading.local()  # the reads log of the chapter this thread is executing (set by run_jobs)


def kernel_launch() -> kernels.Launch:
    """How a chapter's kernel starts: warm (forked from the build's server) or, with no server, from nothing; for
    run_jobs, either way recording the pinned data it opens (see check_reads). While the server is still importing,
    one kernel starts from nothing on the core the server leaves idle; the others wait for it."""
    server = warm.active()
    log_path = getattr(_recording, "path", None)

    def launch(cmd: list[str], env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
        if log_path is not None:
            env = {**env, warm.READS_LOG: str(log_path), warm.RAW_DIR: str(project_root() / "data" / "raw")}
        if server is not None and server.wait_or_go_cold():
            return server.proxy_command(cmd), env
        return (warm.cold_command(cmd) if log_path is not None else cmd), env

    return launch


def execute_chapter(nb_in: Path, nb_out: Path, parameters: dict, cwd: Path) -> Path:
    """Execute one chapter with papermill into nb_out, atomically; a failure leaves nb_out as it was.

    The temporary file is made beside nb_out: builds pass a staging folder as nb_out's folder (see
    staging.py), never `notebooks/`, so a killed build leaves no temporary file there. A kernel that
    died because another kernel took its port is started again (kernel.py); nothing else is retried.
    """
    import papermill

    nb_out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=nb_out.parent, prefix=f".{nb_out.stem}.", suffix=".ipynb")
    os.close(fd)
    try:
        for attempt in range(kernels.PORT_RETRIES + 1):
            said = kernels.KernelStderr()
            try:
                # No save after every cell (papermill's default): it re-serialises the whole notebook, chart
                # specs included, twice per cell; the result is written once, below, and a failure keeps nb_out.
                # The kernel starts in `cwd` (nbclient's resources path), never papermill's cwd=, which changes
                # this whole process's folder while a chapter runs: chapters run in threads, and the folder each
                # restored was another's, so relative paths (a mirror given as ../shared/data) went wrong after.
                papermill.execute_notebook(
                    str(nb_in),
                    tmp,
                    parameters=parameters,
                    kernel_name=KERNEL,
                    resources={"metadata": {"path": str(cwd)}},
                    progress_bar=False,
                    log_output=False,
                    request_save_on_cell_execute=False,
                    kernel_manager_class=kernels.kernel_manager_class(said, kernel_launch()),
                )
            except papermill.PapermillExecutionError:
                _show_kernel_stderr(nb_in, said.finish())
                raise
            except Exception as e:
                text = said.finish()
                if isinstance(e, (OSError, SeAmbulanceError)) and not kernels.is_port_race(e, text):
                    _show_kernel_stderr(nb_in, text)
                    raise  # a full disk, say: the CLI gives it one line
                if attempt < kernels.PORT_RETRIES and kernels.is_port_race(e, text):
                    log(
                        f"{nb_in.name}: its kernel lost a port to another kernel starting at the same time; "
                        "starting it again"
                    )
                    kernels.backoff(attempt)
                    continue
                _show_kernel_stderr(nb_in, text)
                raise BuildError(
                    f"Chapter {nb_in.name} could not be executed: {type(e).__name__}: {e}. "
                    "The previous output was left untouched."
                ) from e
            except BaseException:
                said.finish(timeout=0.5)
                raise
            _show_kernel_stderr(nb_in, said.finish())
            break
        nb = normalise(nbformat.read(tmp, as_version=4))
        nbformat.write(nb, tmp)
        outputs.apply_default_mode(tmp)  # mkstemp makes 0600; a written notebook gets the user's umask
        os.replace(tmp, nb_out)
    except papermill.PapermillExecutionError as e:
        raise BuildError(
            f"Chapter {nb_in.name} failed in cell {e.exec_count}: {e.ename}: {e.evalue}. "
            "The previous output was left untouched."
        ) from e
    finally:
        Path(tmp).unlink(missing_ok=True)
    return nb_out


def _show_kernel_stderr(nb_in: Path, text: str) -> None:
    """What a kernel printed to stderr apart from known noise (usually nothing)."""
    for line in text.splitlines():
        log(f"{nb_in.name} kernel: {line}")


def source_notebook(nb_path: Path) -> nbformat.NotebookNode:
    """The chapter as the build executes it: its parameters cell written from params/default.yaml
    (parameters_cell.py)."""
    return with_written_cell(nbformat.read(nb_path, as_version=4), where=f"{nb_path.name}'s parameters cell")


def chapter_key(
    nb_path: Path,
    parameters: dict,
    claims: dict[str, str] | None = None,
    analyser: Analyser | None = None,
    inputs: Inputs | None = None,
) -> str:
    """What a chapter's outputs depend on: its cells' sources, its parameters, the modules it imports, the datasets
    it reads, the project files its code names, the locked environment and the results of the claims it shows
    (inputs.py says how each is found). Equal keys mean re-executing would reproduce the same notebook.

    `claims`: the digests of every claim's result for this run (`inputs.claim_digests`), when the caller has them
    (the build computes the register beside the first chapters); otherwise the ones this chapter shows are computed
    here."""
    analyser = analyser or Analyser(project_root())
    inputs = inputs or analyser.chapter(nb_path)
    h = hashlib.sha256()
    for cell in cells(nb_path):  # as executed: the parameters cell written from the defaults
        source = cell.source
        if cell.cell_type == "code" and "parameters" in cell.tags:
            source = cell_source(declaration(source, f"{nb_path.name}'s parameters cell"))
        if "injected-parameters" not in cell.tags:
            h.update(cell.cell_type.encode() + b"\0" + source.encode() + b"\0")
    h.update(json.dumps(parameters, sort_keys=True).encode())
    h.update(inputs.digest(analyser.manifest).encode())
    h.update(environment_digest(analyser.root).encode())
    h.update(analyser.runner_digest().encode())
    if inputs.reads_claims:
        if claims is None:
            areas = {a: parameters.get(a) for a in CLAIM_AREAS}
            claims = claim_digests(**areas, ids=None if inputs.claim_ids is None else sorted(inputs.claim_ids))
        shown = claims if inputs.claim_ids is None else {c: claims.get(c, "absent") for c in sorted(inputs.claim_ids)}
        h.update(json.dumps(shown, sort_keys=True).encode())
    h.update(previous_vintages_state().encode())  # whether an earlier release can be read (empty if none is recorded)
    if EDITION_DIGEST in inputs.reached:
        # A page that names its edition (the front page's briefing) says "Edition N" only while the whole book is
        # edition N's: its words follow every file the edition's digest covers, not just the modules it imports.
        from se_ambulance.data.editions import code_digest

        h.update(code_digest(analyser.root).encode())
    return h.hexdigest()


class ChapterCache:
    """Keys of the chapters last executed into a folder (`.chapter-keys.json` beside the outputs)."""

    def __init__(self, folder: Path):
        self.path = folder / ".chapter-keys.json"
        try:
            keys = json.loads(self.path.read_text())
        except (OSError, ValueError):
            keys = {}
        # Anything not in the current layout (e.g. an older version's file) counts as stale.
        self.keys = {k: v for k, v in keys.items() if isinstance(v, dict)} if isinstance(keys, dict) else {}

    def fresh(self, target: Path, key: str) -> bool:
        """The inputs are unchanged and the output is exactly the file this cache recorded."""
        entry = self.keys.get(target.name)
        return (
            isinstance(entry, dict)
            and target.is_file()
            and entry.get("key") == key
            and entry.get("output") == hashlib.sha256(target.read_bytes()).hexdigest()
        )

    def site_fresh(self, key: str, html: Path) -> bool:
        return self.keys.get("_site", {}).get("key") == key and (html / "index.html").is_file()

    def record(self, target: Path, key: str) -> None:
        output = hashlib.sha256(target.read_bytes()).hexdigest() if target.is_file() else None
        self.keys[target.name] = {"key": key, "output": output}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.keys, indent=1, sort_keys=True))
        os.replace(tmp, self.path)


# The modules the Sphinx extension runs at site-build time (the extension and what it registers): a change to any
# of them rebuilds the site.
SITE_MODULES = ("sphinx_ext", "glossary_links", "citation", "stamp")


# Code that names the edition a page belongs to (publish.stamp reads it).
EDITION_DIGEST = ("se_ambulance.data.editions", "code_digest")


def site_key(book_root: Path) -> str:
    """What the site depends on: configuration, prose, styles, executed notebooks, the extension, and the stamp every
    page's footer and printed margins carry (edition, data, build date, next release): a site built on another day
    or from other code says so."""
    from se_ambulance.publish.stamp import current_stamp

    h = hashlib.sha256()
    st = current_stamp()
    h.update(f"{st.line()}|{st.code_version}|{st.built}|{st.next_release}".encode())
    publish = Path(__file__).parents[1] / "publish"
    files = [book_root / "_config.yml", book_root / "_toc.yml"] + [publish / f"{m}.py" for m in SITE_MODULES]
    for folder in ("book", "notebooks", "_static"):
        files += sorted(p for p in (book_root / folder).rglob("*") if p.is_file() and p.name != "se-charts.js")
    for f in files:
        if f.is_file():
            h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()


def stage_book_sources(root: Path, dest: Path) -> None:
    """Copy the book's sources (config, toc, prose, the book's own styles) into another folder, so that a
    scenario site looks like the canonical one. The chart bundle is generated there by `build_site`."""
    from se_ambulance.publish.charts import BUNDLE_NAME  # here: altair takes a second to import, and a build
    # that only checks parameters or data, or executes chapters in kernels, never needs it in this process

    for name in BOOK_FILES:
        src = root / name
        target = dest / name
        if src.is_dir():
            shutil.copytree(src, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(BUNDLE_NAME))
        else:
            shutil.copy2(src, target)


def set_book_title(book_root: Path, title: str) -> None:
    """Give a staged book its own title (the site's header, every page's <title>, the citation page): a book
    built for another trust or group must never carry the South East book's title."""
    import re

    config = book_root / "_config.yml"
    text, n = re.subn(
        r"^title: .*$",
        lambda _: f"title: {json.dumps(title)}",
        config.read_text(encoding="utf-8"),
        count=1,
        flags=re.MULTILINE,
    )
    if n != 1:
        raise BuildError(f"{config} has no top-level 'title:' line to set the book's title in.")
    config.write_text(text, encoding="utf-8")


def params_title(params: BookParams) -> str:
    """The title of the book these parameters build (see `publish.stamp.book_title`)."""
    from se_ambulance.publish.stamp import book_title
    from se_ambulance.reference.orgs import Group

    return book_title(params.focus.trust, Group.from_params(params.area("group")))


def build_site(book_root: Path, path_output: Path, pdf_links: bool = False) -> Path:
    """Jupyter Book 1, execution off (in _config.yml), warnings as errors. `pdf_links`: every page's footer links
    the PDF edition (which `pipeline.pdf` prints into the site after this build).

    The site is built into a staging folder and replaces `_build/html` whole only when the build succeeded: the
    site holds exactly this build's pages (Sphinx never deletes a page an earlier build left, such as an atlas's
    pages in a folder now holding a scenario book), and a failed build leaves the previous site as it was."""
    from se_ambulance.publish.charts import write_bundle  # here: see stage_book_sources
    from se_ambulance.publish.sphinx_ext import PDF_LINKS_ENV

    write_bundle(book_root / "_static")
    exe = Path(sys.executable).with_name("jupyter-book")
    if not exe.is_file():
        raise BuildError(f"jupyter-book is not installed beside {sys.executable}; run `make book`.")
    html = path_output / "_build" / "html"
    html.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".site-", dir=html.parent))
    try:
        cmd = [
            str(exe),
            "build",
            str(book_root),
            "--path-output",
            str(stage),
            "-W",
            "-n",
            "--keep-going",
            "--builder",
            "html",
            "--all",
        ]  # incremental builds keep stale static files and skip warnings on unchanged pages
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env=os.environ | {PDF_LINKS_ENV: "1" if pdf_links else "0"}
        )
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
            raise BuildError(f"The site build failed (jupyter-book exit {proc.returncode}):\n{tail}")
        old = html.with_name(f"{stage.name}-previous")
        if html.exists():
            os.replace(html, old)
        os.replace(stage / "_build" / "html", html)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return html


def scenario_folder(params: BookParams, label: str) -> Path:
    digest = hashlib.sha256(json.dumps(params.model_dump(), sort_keys=True).encode()).hexdigest()[:8]
    return project_root() / "_build" / "scenarios" / f"{label}-{digest}"


# One BLAS thread per kernel: chapters already run one per core, and multi-threaded BLAS on small
# statsmodels fits oversubscribes the cores (measured: the demand chapter took 10.6 s instead of 4.8 s).
# Set for every run, serial or parallel, so that results never depend on the number of workers.
SINGLE_THREADED_BLAS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def single_threaded_blas() -> None:
    """Kernels inherit this process's environment; a reader's own settings win."""
    for k, v in SINGLE_THREADED_BLAS.items():
        os.environ.setdefault(k, v)


def claim_areas(params: BookParams) -> dict[str, dict]:
    """The parameter areas the claims register depends on."""
    return {a: params.area(a) for a in CLAIM_AREAS}


@dataclass(frozen=True)
class ChapterJob:
    """One chapter to bring up to date: executed with `params` into `target`; `cache_dir` holds the keys of
    the chapters last written to target's folder; `label` names the job in progress messages (a trust)."""

    notebook: Path
    params: BookParams
    target: Path
    cache_dir: Path
    label: str = ""

    @property
    def name(self) -> str:
        return f"[{self.label}] {self.notebook.name}" if self.label else self.notebook.name


def run_chapters(
    chapters: list[Path], params: BookParams, out_dir: Path, cwd: Path, cache_dir: Path, force: bool = False
) -> list[Path]:
    """Bring each chapter in out_dir up to date for params (see run_jobs)."""
    run_jobs([ChapterJob(nb, params, out_dir / nb.name, cache_dir) for nb in chapters], cwd, cache_dir, force)
    return [out_dir / nb.name for nb in chapters]


@dataclass(eq=False)
class Register:
    """The claims register for one set of claim parameter areas: its result digests, once known."""

    areas: dict
    memo_key: str
    inputs: Inputs
    digests: dict[str, str] | None = None


@dataclass(eq=False)
class Plan:
    """What a build does with one chapter job."""

    job: ChapterJob
    parameters: dict
    inputs: Inputs
    register: Register | None  # the register whose results it shows, if it shows claims
    key: str | None = None
    action: str = "pending"  # pending (waits for the register) | fresh | stored | execute | done


def register_memo_key(analyser: Analyser, register_inputs: Inputs, areas: dict) -> str:
    """What the register's results depend on: the code and data `register_for` reaches, and the claim areas."""
    h = hashlib.sha256(register_inputs.digest(analyser.manifest).encode())
    h.update(environment_digest(analyser.root).encode())
    h.update(json.dumps(areas, sort_keys=True, default=str).encode())
    return "register-" + h.hexdigest()


def check_reads(plan: Plan, staged: Path, analyser: Analyser) -> None:
    """A chapter run in a warm kernel recorded the pinned data files it opened; each must belong to a dataset its key
    covers (its own, or the register's when it shows claims, whose results its key covers). Otherwise the book could
    go stale when that dataset changes, so the build stops and says how to make the read visible."""
    log_path = reads_log(staged)
    if not log_path.is_file():
        return  # a kernel that is not ipykernel records nothing
    allowed = plan.inputs.datasets
    if allowed is not None and plan.register is not None:
        allowed = None if plan.register.inputs.datasets is None else allowed | plan.register.inputs.datasets
    for name in dict.fromkeys(log_path.read_text(encoding="utf-8").splitlines()):
        dataset = analyser.dataset_of_file(name)
        if dataset is None or (allowed is not None and dataset not in allowed):
            what = (
                f"the pinned file of dataset '{dataset}'"
                if dataset
                else "a file that no dataset of data/manifest.yaml pins"
            )
            raise BuildError(
                f"{plan.job.notebook.name} read data/raw/{name} ({what}), but the analysis of its code "
                "(se_ambulance/pipeline/inputs.py) did not find that read, so its key would not change when that file "
                f"does and the book could go stale. Read the data through its loader (a function that calls "
                f"ensure('{dataset or 'ID'}') with the literal id), called by name from the chapter or from code it "
                "calls, so that the analysis sees it."
            )


class Scheduler:
    """Runs the register(s) and the chapters on `workers` threads: a register first (the chapters that show claims
    wait for it), then the chapters, longest first (by their last execution time), so that no long chapter starts
    last while the other core is idle. The first failure (or an interrupt) stops everything: `stop` ends the
    chapters still running, and run() raises it once every thread has finished."""

    def __init__(self, workers: int, stop: Callable[[], None]):
        self.workers, self.stop = workers, stop
        self.ready: list[tuple[float, int, Callable[[], None]]] = []
        self.running = 0
        self.cond = threading.Condition()
        self.error: BaseException | None = None
        self.counter = 0

    def add(self, priority: float, task: Callable[[], None]) -> None:
        with self.cond:
            self.counter += 1
            self.ready.append((priority, self.counter, task))
            self.ready.sort(key=lambda t: (-t[0], t[1]))
            self.cond.notify_all()

    def fail(self, error: BaseException) -> None:
        with self.cond:
            first = self.error is None
            if first:
                self.error = error
            self.ready.clear()
            self.cond.notify_all()
        if first:
            self.stop()

    def _worker(self) -> None:
        while True:
            with self.cond:
                while not self.ready and self.running and self.error is None:  # a running task may add more
                    self.cond.wait()
                if self.error is not None or not self.ready:
                    self.cond.notify_all()
                    return
                _, _, task = self.ready.pop(0)
                self.running += 1
            try:
                task()
            except BaseException as e:  # noqa: BLE001 - handed to the caller of run()
                self.fail(e)
            finally:
                with self.cond:
                    self.running -= 1
                    self.cond.notify_all()

    def run(self) -> None:
        threads = [threading.Thread(target=self._worker, name=f"chapter-{i}", daemon=True) for i in range(self.workers)]
        for t in threads:
            t.start()
        try:
            for t in threads:
                while t.is_alive():
                    t.join(0.2)  # in slices, so that Ctrl-C and SIGTERM reach this thread
        except BaseException as e:
            self.fail(e)
            for t in threads:
                t.join(30)
            raise
        if self.error is not None:
            raise self.error


def run_jobs(chapter_jobs: list[ChapterJob], cwd: Path, workspace: Path, force: bool = False) -> None:
    """Bring each job's chapter up to date: skip a chapter whose output is current, copy one that an earlier build
    executed with the same key (chapter_store.py), execute the rest, in parallel (one per core).

    The claims register is computed beside the first chapters: the chapters that show claims are keyed on its
    results and wait for it; the others start at once. Kernels are forked from a warm server (warm.py). Chapters
    execute into a staging folder under `workspace`; the targets are replaced only when every chapter succeeded
    (staging.py), so a failed or interrupted build changes none of them.
    """
    single_threaded_blas()
    kernels.begin_run()
    analyser = Analyser(project_root())
    caches = {j.cache_dir: ChapterCache(j.cache_dir) for j in chapter_jobs}
    store = ChapterStore()
    times = store.seconds()
    for folder in {j.target.parent for j in chapter_jobs}:
        staging.clean_stale_temps(folder)  # left in notebooks/ by older versions when killed

    registers: dict[str, Register] = {}
    plans: list[Plan] = []
    register_inputs: Inputs | None = None
    for job in chapter_jobs:
        parameters = chapter_parameters(job.notebook, job.params)
        inputs = analyser.chapter(job.notebook)
        register = None
        if inputs.reads_claims:
            if register_inputs is None:
                register_inputs = analyser.calling("se_ambulance.claims.cache", "register_for")
            areas = claim_areas(job.params)
            memo_key = register_memo_key(analyser, register_inputs, areas)
            if memo_key not in registers:
                registers[memo_key] = Register(areas, memo_key, register_inputs, store.memo(memo_key))
            register = registers[memo_key]
        plans.append(Plan(job, parameters, inputs, register))

    lock = threading.Lock()

    def decide(plan: Plan) -> None:
        """Key the chapter (its register's results known) and choose: fresh, stored or execute."""
        plan.key = chapter_key(
            plan.job.notebook,
            plan.parameters,
            claims=plan.register.digests if plan.register else None,
            analyser=analyser,
            inputs=plan.inputs,
        )
        if not force and caches[plan.job.cache_dir].fresh(plan.job.target, plan.key):
            plan.action = "fresh"
            log(
                f"{plan.job.name}: unchanged (notebook, parameters, the code it imports, the data it reads), "
                "not re-executed"
            )
        elif not force and store.get(plan.key) is not None:
            plan.action = "stored"
        else:
            plan.action = "execute"

    for plan in plans:
        if plan.register is None or plan.register.digests is not None:
            decide(plan)
    # A register runs when its results are not known yet, or when two or more chapters that show claims execute (it
    # computes each claim once, and they read its stored results instead of computing the same claims at once). A
    # chapter that shows claims and executes alone computes the few it shows itself, if they are not stored.
    readers: dict[int, int] = {}
    for p in plans:
        if p.register is not None and p.action in ("pending", "execute"):
            readers[id(p.register)] = readers.get(id(p.register), 0) + 1
    needed = [r for r in registers.values() if r.digests is None or readers.get(id(r), 0) >= 2]
    if not needed and not any(p.action in ("stored", "execute") for p in plans):
        return

    stage = staging.new_staging(workspace)
    done: list[tuple[Path, Plan]] = []

    def stop() -> None:
        """After a failure or an interrupt: end the running chapters and the register now, not when they finish."""
        kernels.stop_kernels()
        server = warm.active()
        if server is not None:
            server.close()  # its forks (kernels, the register) end with it

    scheduler = Scheduler(max(1, os.cpu_count() or 1), stop=stop)

    def expected_seconds(plan: Plan) -> float:
        return times.get(plan.job.notebook.name, 10.0)

    def execute(plan: Plan, i: int) -> Callable[[], None]:
        def task() -> None:
            t0 = time.perf_counter()
            log(f"executing {plan.job.name} ...")
            source = stage / f"in{i}" / plan.job.notebook.name  # with its parameters cell written
            source.parent.mkdir()
            nbformat.write(source_notebook(plan.job.notebook), source)
            target = stage / f"x{i}-{plan.job.notebook.name}"
            _recording.path = reads_log(target)
            try:
                staged = execute_chapter(source, target, plan.parameters, cwd=cwd)
            finally:
                _recording.path = None
            check_reads(plan, staged, analyser)
            seconds = time.perf_counter() - t0
            log(f"  {plan.job.name} done in {seconds:.1f} s")
            assert plan.key is not None  # keyed before it was queued
            store.put(plan.key, staged)
            store.record_seconds(plan.job.notebook.name, seconds)
            with lock:
                done.append((staged, plan))

        return task

    def start(plan: Plan, i: int) -> None:
        """Copy a stored chapter now, or queue its execution."""
        if plan.action == "stored":
            assert plan.key is not None  # keyed before it was started
            hit = store.get(plan.key)
            if hit is not None:
                staged = stage / f"s{i}-{plan.job.notebook.name}"
                shutil.copyfile(hit, staged)
                with lock:
                    done.append((staged, plan))
                plan.action = "copied"
                log(f"{plan.job.name}: executed before with the same key (chapter store), copied")
                return
            plan.action = "execute"  # removed from the store since it was seen
        if plan.action == "execute":
            scheduler.add(expected_seconds(plan), execute(plan, i))

    def compute(register: Register, server: warm.WarmKernels | None) -> Callable[[], None]:
        def task() -> None:
            t0 = time.perf_counter()
            log("computing the claims register beside the first chapters ...")
            register.digests = compute_register(register.areas, server)
            store.put_memo(register.memo_key, register.digests)
            log(f"  claims register ready in {time.perf_counter() - t0:.1f} s")
            for i, plan in enumerate(plans):  # the chapters that waited for it
                if plan.register is register and plan.action in ("pending", "execute", "stored"):
                    if plan.action == "pending":
                        decide(plan)
                    start(plan, i)

        return task

    try:
        executing = [p for p in plans if p.action in ("pending", "execute")]
        preload = sorted(set().union(*(p.inputs.modules for p in executing), *(r.inputs.modules for r in needed)))
        # A warm server pays for itself from two kernels (or a kernel and the register) on: it imports once what
        # each would import; for one chapter alone it would only take the other core.
        with warm.kernels(preload) if len(executing) + len(needed) >= 2 else contextlib.nullcontext() as server:
            for register in needed:
                scheduler.add(float("inf"), compute(register, server))
            for i, plan in enumerate(plans):
                if plan.register is None or plan.register not in needed:
                    start(plan, i)
            scheduler.run()
        done.sort(key=lambda d: plans.index(d[1]))  # in the order of the jobs, whatever finished first
        staging.promote([(staged, plan.job.target) for staged, plan in done])
    finally:
        staging.discard(stage)
    for _, plan in done:
        assert plan.key is not None
        caches[plan.job.cache_dir].record(plan.job.target, plan.key)
        log(f"  {plan.job.name} -> {plan.job.target}")


def compute_register(areas: dict, server: warm.WarmKernels | None) -> dict[str, str]:
    """The claims register's result digests for these areas, computed in a fork of the warm server (its modules
    are imported already) or, without one, in this process."""
    if server is not None and server.wait():
        try:
            return server.call("se_ambulance.pipeline.inputs:claim_digests", **areas)
        except warm.CallFailed as e:
            if e.package_error:
                raise BuildError(f"The claims register could not be computed: {e}") from None
            tail = "\n".join(e.trace.strip().splitlines()[-15:])
            raise BuildError(f"The claims register could not be computed: {e}\n{tail}") from None
    return claim_digests(**areas)


PDF_CHOICES = ("no", "auto", "yes")


def _pdf_wanted(pdf: str, site: bool) -> bool:
    """Whether this build prints the PDF edition: 'yes' (stops at once if it cannot), 'auto' (when Chromium is
    there: `make book`), 'no'."""
    from se_ambulance.pipeline.pdf import unavailable

    if pdf not in PDF_CHOICES:
        raise BuildError(f"--pdf must be one of {', '.join(PDF_CHOICES)}; got {pdf!r}.")
    if pdf == "no" or not site:
        return False
    reason = unavailable()
    if reason and pdf == "yes":
        raise BuildError(f"Cannot print the PDF edition: {reason}.")
    if reason:
        log(f"no PDF edition: {reason}")
    return reason is None


@outputs.releases_locks
def build(
    params_file: Path | None = None,
    overrides: dict | None = None,
    out: Path | None = None,
    mirror: str | None = None,
    force: bool = False,
    site: bool = True,
    pdf: str = "no",
) -> BuildResult:
    start = time.perf_counter()
    params = load_params(params_file, overrides)  # stops here on any bad parameter
    with_pdf = _pdf_wanted(pdf, site)
    root = project_root()
    canonical = out is None and params == load_params()
    if out is None and not canonical:
        label = Path(params_file).stem if params_file else "custom"
        out = scenario_folder(params, label)
        log(f"parameters differ from params/default.yaml: building a scenario book in {out}")
    if out is not None:  # refuses the project's folders, the mirror and folders holding a user's files
        out = outputs.prepare_output_folder(out, root, mirror, kind="scenario book")
    outputs.hold_lock(out or root / "_build", None if out else f"the canonical book ({root / 'notebooks'})")
    log("checking data against data/manifest.yaml")
    fetch(mirror=mirror, progress=log)

    chapters = chapter_notebooks(root)
    book_root = out if out is not None else root  # out is set for every book but the canonical one
    if not canonical:
        stage_book_sources(root, book_root)
        set_book_title(book_root, params_title(params))
    executed = run_chapters(
        chapters,
        params,
        book_root / "notebooks",
        root / "notebooks",
        cache_dir=(root / "_build") if canonical else book_root,
        force=force,
    )
    html = book_root / "_build" / "html"
    cache = ChapterCache((root / "_build") if canonical else book_root)
    key = site_key(book_root) + ("+pdf" if with_pdf else "")  # the PDF edition's links are part of every page
    rebuilt = False
    if not site:
        log(f"chapters executed into {book_root / 'notebooks'}; no site built (--no-site)")
    elif not force and cache.site_fresh(key, html):
        log("site unchanged, not rebuilt")
    else:
        log("building the site (Jupyter Book, strict)")
        html = build_site(book_root, book_root, pdf_links=with_pdf)
        cache.record(Path("_site"), key)
        rebuilt = True
    if with_pdf:
        from se_ambulance.pipeline.pdf import make_pdfs, pdfs_present

        if rebuilt or not pdfs_present(html):
            log("printing the PDF edition (Chromium)")
            make_pdfs(html, book_root, log=log)
        else:
            log("PDF edition unchanged, not printed again")
    seconds = time.perf_counter() - start
    log(f"done in {seconds:.1f} s: open {html / 'index.html'}")
    return BuildResult(html=html, notebooks=executed, seconds=seconds)


def find_chapter(name: str, root: Path | None = None) -> Path:
    """A chapter notebook by file name or part of it ('01_performance', 'demand')."""
    chapters = chapter_notebooks(root)
    hits = [c for c in chapters if name == c.stem or name in c.stem]
    if len(hits) != 1:
        raise BuildError(
            f"Chapter {name!r} matches {len(hits)} notebooks; chapters are: {', '.join(c.stem for c in chapters)}."
        )
    return hits[0]


def one_chapter_toc(nb: Path, root: Path) -> dict:
    """The table of contents of a one-chapter site: the chapter, and the pages its text needs — the
    references page (where {cite} roles resolve: without it every citation is an error in the strict
    build) and the glossary (every page links its technical terms there: `publish.glossary_links`)."""
    pages = []
    if (root / "book" / "glossary.md").is_file():
        pages.append("book/glossary")
    if (root / "book" / "references.md").is_file():
        pages.append("book/references")
    toc: dict = {"format": "jb-book", "root": f"notebooks/{nb.stem}"}
    if pages:
        toc["chapters"] = [{"file": p} for p in pages]
    return toc


@outputs.releases_locks
def run_one(
    chapter: str,
    params_file: Path | None = None,
    overrides: dict | None = None,
    out: Path | None = None,
    mirror: str | None = None,
) -> BuildResult:
    """Re-run one chapter with the given parameters into its own folder and build a one-page site."""
    start = time.perf_counter()
    params = load_params(params_file, overrides)
    root = project_root()
    nb = find_chapter(chapter, root)
    if out is None:
        digest = hashlib.sha256(json.dumps(params.model_dump(), sort_keys=True).encode()).hexdigest()[:8]
        out = root / "_build" / "runs" / f"{nb.stem}-{digest}"
    out = outputs.prepare_output_folder(out, root, mirror, kind="one chapter")
    outputs.hold_lock(out)
    fetch(mirror=mirror, progress=log)
    stage_book_sources(root, out)
    set_book_title(out, params_title(params))
    (out / "_toc.yml").write_text(yaml.safe_dump(one_chapter_toc(nb, root), sort_keys=False), encoding="utf-8")
    run_chapters([nb], params, out / "notebooks", root / "notebooks", cache_dir=out)
    key = site_key(out)
    cache = ChapterCache(out)
    html = out / "_build" / "html"
    if not cache.site_fresh(key, html):
        log("building the one-chapter site (Jupyter Book, strict)")
        html = build_site(out, out)
        cache.record(Path("_site"), key)
    seconds = time.perf_counter() - start
    log(f"done in {seconds:.1f} s: open {html / 'index.html'}")
    return BuildResult(html=html, notebooks=[out / "notebooks" / nb.name], seconds=seconds)


__all__ = [
    "BuildResult",
    "SeAmbulanceError",
    "build",
    "build_site",
    "chapter_notebooks",
    "execute_chapter",
    "normalise",
]
