"""Build the book: validate parameters, fetch data, execute chapters with papermill, build the site.

The canonical run (default parameters, no --out) executes each chapter notebook in place in
`notebooks/`, and the committed outputs are what nbval checks. Any other run writes a
complete book into its own folder and never touches `notebooks/`. Jupyter Book never
executes anything: it runs with execution off and warnings as errors.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from se_ambulance.data.fetch import fetch
from se_ambulance.data.vintages import previous_vintages_state
from se_ambulance.errors import BuildError, SeAmbulanceError
from se_ambulance.pipeline.params import AREAS, PARTIAL_AREAS, BookParams, load_params
from se_ambulance.paths import package_digest, project_root
from se_ambulance.pipeline import kernel as kernels, outputs, staging
from se_ambulance.pipeline.chapter_store import ChapterStore

KERNEL = "python3"
BOOK_FILES = ("_config.yml", "_toc.yml", "book", "_static")


@dataclass
class BuildResult:
    html: Path
    notebooks: list[Path]
    seconds: float


def log(msg: str) -> None:
    print(f"[se-ambulance] {msg}", file=sys.stderr, flush=True)


def chapter_notebooks(root: Path | None = None) -> list[Path]:
    """The chapter notebooks, in the order `_toc.yml` lists them."""
    root = root or project_root()
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            f = node.get("file")
            if isinstance(f, str) and f.startswith("notebooks/"):
                found.append(f)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    root_doc = toc.get("root", "")
    if isinstance(root_doc, str) and root_doc.startswith("notebooks/"):
        found.append(root_doc)
    walk(toc)
    paths = [root / (f if f.endswith(".ipynb") else f + ".ipynb") for f in found]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise BuildError(f"_toc.yml lists chapter notebooks that do not exist: {missing}")
    return paths


def chapter_parameters(nb_path: Path, params: BookParams) -> dict:
    """The parameter areas this chapter's `parameters` cell declares, each as a plain mapping.

    A chapter declares areas (`performance`, `demand`, `appraisal`), never single values, so every
    value it could depend on reaches it and nothing falls back to a module default. The areas in
    PARTIAL_AREAS hold independent choices, and a chapter receives only the keys it declares of them:
    the demand chapter takes `demand_area` and not `trust`, so a book for another trust does not
    execute it again (its key would differ while its pages could not)."""
    import papermill

    declared = papermill.inspect_notebook(str(nb_path))
    unknown = [k for k in declared if k not in AREAS]
    if unknown:
        raise BuildError(f"{nb_path.name} declares parameters {unknown}; a chapter declares parameter areas: "
                         f"{', '.join(AREAS)}.")
    out = {}
    for name, spec in declared.items():
        value = params.area(name)
        if name in PARTIAL_AREAS:
            keys = declared_keys(nb_path, name, spec.get("default"))
            extra = sorted(keys - value.keys())
            if extra:
                raise BuildError(f"{nb_path.name} declares {name} keys {extra} that the {name} area does not have; "
                                 f"it has: {', '.join(value)}.")
            value = {k: v for k, v in value.items() if k in keys}
        out[name] = value
    return out


def declared_keys(nb_path: Path, area: str, default: str | None) -> set[str]:
    """The keys of a partial area that a chapter's parameters cell lists (its default is a dict literal)."""
    try:
        value = ast.literal_eval(default or "")
    except (ValueError, SyntaxError):
        value = None
    if not isinstance(value, dict) or not value:
        raise BuildError(f"{nb_path.name}: the parameters cell must set {area} to a dict literal of the keys the "
                         f"chapter uses, like {area} = {{'trust': 'RYD'}}; found {default!r}.")
    return set(value)


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
                papermill.execute_notebook(str(nb_in), tmp, parameters=parameters, kernel_name=KERNEL,
                                           resources={"metadata": {"path": str(cwd)}},
                                           progress_bar=False, log_output=False,
                                           request_save_on_cell_execute=False,
                                           kernel_manager_class=kernels.kernel_manager_class(said))
            except papermill.PapermillExecutionError:
                _show_kernel_stderr(nb_in, said.finish())
                raise
            except Exception as e:
                text = said.finish()
                if isinstance(e, (OSError, SeAmbulanceError)) and not kernels.is_port_race(e, text):
                    _show_kernel_stderr(nb_in, text)
                    raise  # a full disk, say: the CLI gives it one line
                if attempt < kernels.PORT_RETRIES and kernels.is_port_race(e, text):
                    log(f"{nb_in.name}: its kernel lost a port to another kernel starting at the same time; "
                        "starting it again")
                    kernels.backoff(attempt)
                    continue
                _show_kernel_stderr(nb_in, text)
                raise BuildError(f"Chapter {nb_in.name} could not be executed: {type(e).__name__}: {e}. "
                                 "The previous output was left untouched.") from e
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
        raise BuildError(f"Chapter {nb_in.name} failed in cell {e.exec_count}: {e.ename}: {e.evalue}. "
                         "The previous output was left untouched.") from e
    finally:
        Path(tmp).unlink(missing_ok=True)
    return nb_out


def _show_kernel_stderr(nb_in: Path, text: str) -> None:
    """What a kernel printed to stderr apart from known noise (usually nothing)."""
    for line in text.splitlines():
        log(f"{nb_in.name} kernel: {line}")


def chapter_key(nb_path: Path, parameters: dict) -> str:
    """What a chapter's outputs depend on: its cells' sources, its parameters, the package's code and
    the pinned data. Equal keys mean re-executing would reproduce the same notebook."""
    nb = nbformat.read(nb_path, as_version=4)
    h = hashlib.sha256()
    for cell in nb.cells:
        if "injected-parameters" not in cell.metadata.get("tags", []):
            h.update(cell.cell_type.encode() + b"\0" + cell.source.encode() + b"\0")
    h.update(json.dumps(parameters, sort_keys=True).encode())
    h.update(package_digest().encode())
    h.update((project_root() / "data" / "manifest.yaml").read_bytes())
    h.update((project_root() / "book" / "claims.yaml").read_bytes())
    h.update(previous_vintages_state().encode())  # whether an earlier release can be read (empty if none is recorded)
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
        return (isinstance(entry, dict) and target.is_file() and entry.get("key") == key
                and entry.get("output") == hashlib.sha256(target.read_bytes()).hexdigest())

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


def site_key(book_root: Path) -> str:
    """What the site depends on: configuration, prose, styles, executed notebooks and the extension."""
    h = hashlib.sha256()
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
    text, n = re.subn(r"^title: .*$", lambda _: f"title: {json.dumps(title)}", config.read_text(encoding="utf-8"),
                      count=1, flags=re.MULTILINE)
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
        cmd = [str(exe), "build", str(book_root),
               "--path-output", str(stage), "-W", "-n", "--keep-going", "--builder", "html",
               "--all"]  # incremental builds keep stale static files and skip warnings on unchanged pages
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              env=os.environ | {PDF_LINKS_ENV: "1" if pdf_links else "0"})
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


def compute_claims(params: BookParams) -> None:
    """Every claim's result for this run, computed once before any chapter runs: the introduction, the
    claims page and each claim's chapter then read the same stored results (`claims.cache`)."""
    from se_ambulance.claims.cache import register_for

    t0 = time.perf_counter()
    register_for(params.area("performance"), params.area("demand"), params.area("appraisal"))
    log(f"claims register ready in {time.perf_counter() - t0:.1f} s")


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


def run_chapters(chapters: list[Path], params: BookParams, out_dir: Path, cwd: Path, cache_dir: Path,
                 force: bool = False) -> list[Path]:
    """Bring each chapter in out_dir up to date for params (see run_jobs)."""
    run_jobs([ChapterJob(nb, params, out_dir / nb.name, cache_dir) for nb in chapters], cwd, cache_dir, force)
    return [out_dir / nb.name for nb in chapters]


def run_jobs(chapter_jobs: list[ChapterJob], cwd: Path, workspace: Path, force: bool = False) -> None:
    """Execute chapters in parallel (one per core), skipping any whose output is up to date and copying any
    that an earlier build executed with the same key (chapter_store.py).

    Chapters execute into a staging folder under `workspace`; the targets are replaced only when every
    chapter succeeded (staging.py), so a failed or interrupted build changes none of them.
    """
    single_threaded_blas()
    kernels.begin_run()
    caches = {j.cache_dir: ChapterCache(j.cache_dir) for j in chapter_jobs}
    store = ChapterStore()
    for folder in {j.target.parent for j in chapter_jobs}:
        staging.clean_stale_temps(folder)  # left in notebooks/ by older versions when killed
    jobs, stored = [], []
    for job in chapter_jobs:
        parameters = chapter_parameters(job.notebook, job.params)
        key = chapter_key(job.notebook, parameters)
        if not force and caches[job.cache_dir].fresh(job.target, key):
            log(f"{job.name}: unchanged (notebook, parameters, code and data), not re-executed")
        elif not force and (hit := store.get(key)) is not None:
            stored.append((job, hit, key))
        else:
            jobs.append((job, parameters, key))
    if not jobs and not stored:
        return

    stage = staging.new_staging(workspace)
    done = []
    for i, (job, hit, key) in enumerate(stored):  # executed before with this key, by this or another build
        staged = stage / f"s{i}-{job.notebook.name}"
        shutil.copyfile(hit, staged)
        done.append((staged, job, key))
        log(f"{job.name}: executed before with the same key (chapter store), copied")

    def work(item):
        i, (job, parameters, key) = item
        t0 = time.perf_counter()
        log(f"executing {job.name} ...")
        staged = execute_chapter(job.notebook, stage / f"x{i}-{job.notebook.name}", parameters, cwd=cwd)
        log(f"  {job.name} done in {time.perf_counter() - t0:.1f} s")
        store.put(key, staged)
        return staged, job, key

    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    pool = ThreadPoolExecutor(max_workers=workers)
    futures: list = []
    try:
        futures = [pool.submit(work, item) for item in enumerate(jobs)]
        wait(futures, return_when=FIRST_EXCEPTION)  # the first failure stops the rest
        for f in futures:
            done.append(f.result())
        staging.promote([(staged, job.target) for staged, job, _ in done])
    except BaseException:
        for f in futures:
            f.cancel()
        kernels.stop_kernels()  # chapters still running would be discarded anyway
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        staging.discard(stage)
    for _, job, key in done:
        caches[job.cache_dir].record(job.target, key)
        log(f"  {job.name} -> {job.target}")


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
def build(params_file: Path | None = None, overrides: dict | None = None, out: Path | None = None,
          mirror: str | None = None, force: bool = False, site: bool = True, pdf: str = "no") -> BuildResult:
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
    compute_claims(params)

    chapters = chapter_notebooks(root)
    book_root = root if canonical else out
    if not canonical:
        stage_book_sources(root, book_root)
        set_book_title(book_root, params_title(params))
    executed = run_chapters(chapters, params, book_root / "notebooks", root / "notebooks",
                            cache_dir=(root / "_build") if canonical else book_root, force=force)
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
        raise BuildError(f"Chapter {name!r} matches {len(hits)} notebooks; chapters are: "
                         f"{', '.join(c.stem for c in chapters)}.")
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
def run_one(chapter: str, params_file: Path | None = None, overrides: dict | None = None,
            out: Path | None = None, mirror: str | None = None) -> BuildResult:
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
    compute_claims(params)
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


__all__ = ["BuildResult", "SeAmbulanceError", "build", "build_site", "chapter_notebooks",
           "execute_chapter", "normalise"]
