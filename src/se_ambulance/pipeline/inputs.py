"""What a chapter's outputs depend on, found by reading its code: the modules it imports (transitively, within
`se_ambulance`), the datasets it reads, the project files its code names, and the stored claim results it shows.

A chapter's key (`build.chapter_key`) hashes these, so an edit re-executes only the chapters that import the edited
module, and a new data release only the chapters that read that dataset. Everything is read statically (`ast`), and
each rule errs towards including more.

**Code: modules, as imported.** Every import statement anywhere in a module (top level, inside functions, under
`if TYPE_CHECKING`), resolved to `se_ambulance` modules, with the packages above them (their `__init__` runs too),
followed transitively from the chapter's own imports; and the code that runs a chapter and writes its notebook
(`RUNNER_MODULES`). A module loaded by name (`importlib.import_module`) counts as
imported: a literal name is that module; a name built as `f"{__name__}.…"` is every module of that package; any other
name is every module the file names in a string, or the whole package if it names none. Any change to one of these
files re-executes the chapter.

**Data, files and claims: what the chapter's code can reach.** A module imported for one constant does not read the
data its other functions load, so these follow names, not modules: from the chapter's cells, every top-level
function, class or assignment they name (through the imports that bind the name, re-exports and `module.name`
included), then everything those name, and so on; plus whatever each imported module runs when it is imported
(its top-level statements, and the functions its assignments and class bodies call). A module object used other
than as `module.name` counts as naming all of it, and so does a name the module does not define.
- A dataset is read where a dataset id (a key of `data/manifest.yaml`) is written literally as a call argument or a
  subscript in reached code (`ensure("ambsys")`, `source_line("ambco")`, `load_manifest()["ambsys"]`, one entry of a
  literal table of ids). Reached code that reaches the data by an id it computes — `load_manifest()` used other than
  with a literal subscript, or a data accessor (`ACCESSORS`) called with a computed id — reads every dataset. The
  modules that implement access to the id they are given (`ACCESS_MODULES`) are not followed further: their callers'
  literal ids are the reads. A chapter executed in a warm kernel records every pinned file it opens and the build
  stops if one is outside this set (`warm.py`, `build.check_reads`), so a read this analysis misses is found at once.
- A project file is read where reached code holds a string naming a file of the project outside the code, the data
  and the site's assets (`"claims.yaml"` → `book/claims.yaml`), or a folder when no file inside it is also named.
- **Stored claim results.** A chapter that shows claims through `claims.cache` depends on those claims' results, by
  content, not on what computes them: `claims.evaluate` is part of its code, but what `evaluate`'s functions reach
  from `claims.cache` (every loader and model) is the input of the claims register, which the build computes beside
  the first chapters (`STORED_RESULTS`). So a new AmbSYS release re-executes the outcomes chapter only if the outcome
  claim's result moved. Which claims: the literal ids of the chapter's `claim_results([...])` calls (or a name bound
  to a literal list); every claim if it calls `register_for`, passes ids it computes, or if other reached code reads
  stored results.

Why not grimp (which import-linter uses): it finds the package through the import system, so it cannot read a copy
of the package beside the installed one (the tests do), and the data rules need the syntax tree anyway. A test checks
that every import grimp finds is found here too.
"""

from __future__ import annotations

import ast
import hashlib
import json
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from se_ambulance.pipeline.cells import cells as read_cells

PACKAGE = "se_ambulance"
# Modules that read the dataset whose id they are given; their callers' literal ids are the reads.
ACCESS_MODULES = frozenset({f"{PACKAGE}.data.fetch", f"{PACKAGE}.data.manifest", f"{PACKAGE}.data.vintages"})
# Functions that take a dataset id as their first argument (load_manifest: every dataset unless indexed by a literal).
ACCESSORS = frozenset(
    {
        "ensure",
        "fetch",
        "source_line",
        "load_manifest",
        "previous_vintages",
        "previous_vintage",
        "previous_file",
        "load_previous",
        "record_new_vintage",
        "adopt",
        "check_candidate",
    }
)
# Stored results: code in the key module reads results that the value module computes; a chapter depends on the
# value module's code and on the results it shows (by content), not on what the value module's functions reach.
STORED_RESULTS = {f"{PACKAGE}.claims.cache": f"{PACKAGE}.claims.evaluate"}
# The code that runs a chapter and writes its notebook: part of every chapter's key.
RUNNER_MODULES = (
    f"{PACKAGE}.pipeline.executed",
    f"{PACKAGE}.pipeline.kernel",
    f"{PACKAGE}.pipeline.warm",
    f"{PACKAGE}.pipeline.warm_proxy",
)
CLAIM_READERS = frozenset({"claim_results"})  # called with the ids of the claims shown
ALL_CLAIM_READERS = frozenset({"register_for"})  # every claim of the register
# Folders whose files are never "project files" here: the code and the data have rules of their own, `_static` holds
# the site's assets (one generated by the build; chapters never read them), the rest is output, tooling or tests.
NOT_PROJECT_FILES = frozenset(
    {
        "src",
        "data",
        "notebooks",
        "tests",
        "benchmarks",
        "_build",
        "_static",
        ".git",
        ".venv",
        "node_modules",
        ".ci",
        ".pytest_cache",
        "test-artifacts",
        "scenarios",
    }
)
MANIFEST = Path("data") / "manifest.yaml"
MODULE = "<module>"  # a module's import-time code
WHOLE = "*"  # a reference to everything a module defines

Ref = tuple[str, str]  # (module, top-level name | MODULE | WHOLE)


@dataclass
class Body:
    """What one piece of code (a top-level definition, a module's import-time code, a chapter's cells) names."""

    refs: set[Ref] = field(default_factory=set)
    datasets: set[str] = field(default_factory=set)
    every_dataset: bool = False
    strings: set[str] = field(default_factory=set)


@dataclass
class Module:
    name: str
    imports: set[str] = field(default_factory=set)  # modules named by import statements (code closure)
    loads_by_name: set[str] = field(default_factory=set)  # modules loaded with importlib (code closure)
    bindings: dict[str, set[tuple[str, str | None]]] = field(default_factory=dict)  # name -> (module, attribute)
    symbols: dict[str, Body] = field(default_factory=dict)  # top-level definitions
    import_time: Body = field(default_factory=Body)  # run when the module is imported
    claim_ids: set[str] | None = field(default_factory=set)  # a chapter's literal claim_results ids (None: all)


class Package:
    """The modules of `se_ambulance` in one folder, parsed on demand."""

    def __init__(self, package_dir: Path, dataset_ids: frozenset[str]):
        self.dir = Path(package_dir)
        self.dataset_ids = dataset_ids
        self.paths: dict[str, Path] = {}
        for f in sorted(self.dir.rglob("*.py")):
            parts = [PACKAGE, *f.relative_to(self.dir).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            self.paths[".".join(parts)] = f
        self._modules: dict[str, Module] = {}
        self._digests: dict[str, str] = {}
        self._layout = frozenset((m, p.name == "__init__.py") for m, p in self.paths.items())

    def is_package(self, name: str) -> bool:
        return name in self.paths and self.paths[name].name == "__init__.py"

    def digest(self, name: str) -> str:
        if name not in self._digests:
            self._digests[name] = hashlib.sha256(self.paths[name].read_bytes()).hexdigest()
        return self._digests[name]

    def module(self, name: str) -> Module:
        if name not in self._modules:
            source = self.paths[name].read_bytes()
            self._digests.setdefault(name, hashlib.sha256(source).hexdigest())
            # The same file in the same package layout reads the same, wherever the package is: scans are kept for
            # this process (a build, or the tests, which analyse copies of the package).
            key = (name, self._digests[name], self.is_package(name), self._layout, self.dataset_ids)
            if key not in _SCANS:
                try:
                    tree = ast.parse(source, filename=str(self.paths[name]))
                except (SyntaxError, ValueError):  # unreadable: it may import and read anything
                    m = Module(name, imports=set(self.paths))
                    m.import_time.every_dataset = True
                    m.import_time.refs = {(p, WHOLE) for p in self.paths}
                    _SCANS[key] = m
                else:
                    _SCANS[key] = Scanner(self, name, self.is_package(name)).scan(tree)
            self._modules[name] = _SCANS[key]
        return self._modules[name]

    def resolve(self, module: str, names: list[str]) -> set[str]:
        """The modules that `from module import names` (or `import module`, names empty) executes."""
        found: set[str] = set()
        if not (module == PACKAGE or module.startswith(PACKAGE + ".")):
            return found
        found |= {f"{module}.{n}" for n in names if f"{module}.{n}" in self.paths}
        if module in self.paths:
            found.add(module)
        elif not found:  # a name the package does not have: its nearest existing parent runs
            parts = module.split(".")
            while parts and ".".join(parts) not in self.paths:
                parts.pop()
            if parts:
                found.add(".".join(parts))
        return found

    def with_parents(self, name: str) -> list[str]:
        parts = name.split(".")
        return [p for p in (".".join(parts[:i]) for i in range(1, len(parts) + 1)) if p in self.paths]

    def subtree(self, name: str) -> set[str]:
        return {m for m in self.paths if m == name or m.startswith(name + ".")}


def _literal_ids(node: ast.AST | None, ids: frozenset[str]) -> set[str] | None:
    """The dataset ids an expression names: a literal id, a literal list/tuple/set/dict of them (dict values), or one
    entry of such a table (then any of them); None if the expression is computed."""
    if node is None:
        return None
    if isinstance(node, ast.Constant):
        return {node.value} & ids if isinstance(node.value, str) else set()
    if isinstance(node, ast.Subscript):
        return _literal_ids(node.value, ids) if isinstance(node.value, (ast.List, ast.Tuple, ast.Dict)) else None
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        elts = node.elts
    elif isinstance(node, ast.Dict):
        elts = node.values
    else:
        return None
    out: set[str] = set()
    for e in elts:
        sub = _literal_ids(e, ids)
        if sub is None:
            return None
        out |= sub
    return out


def _func_name(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _string_list(node: ast.AST | None) -> frozenset[str] | None:
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return frozenset(e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))
    return None


DEFERRED = (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)


def _walk(node: ast.AST, into_deferred: bool):
    """ast.walk, optionally without the bodies of lambdas and nested functions (code kept for later, not run now)."""
    todo = [node]
    while todo:
        n = todo.pop(0)
        yield n
        if into_deferred or not isinstance(n, DEFERRED) or n is node:
            todo.extend(ast.iter_child_nodes(n))


def _chain(node: ast.Attribute) -> tuple[ast.Name, list[str]] | None:
    """`a.b.c` as (Name a, ['b', 'c']); None when the chain does not start at a plain name."""
    attrs: list[str] = []
    cur: ast.AST = node
    while isinstance(cur, ast.Attribute):
        attrs.append(cur.attr)
        cur = cur.value
    return (cur, attrs[::-1]) if isinstance(cur, ast.Name) else None


_SCANS: dict[tuple, Module] = {}  # see Package.module


class Scanner:
    """Reads one module (or a chapter's cells, name '') into a Module."""

    def __init__(self, pkg: Package, name: str, is_package: bool):
        self.pkg, self.name = pkg, name
        self.package = name if is_package else name.rpartition(".")[0]
        self.module = Module(name)
        self.top: set[str] = set()

    # -- imports -------------------------------------------------------------------------------------------------
    def _bind(self, local: str, target: tuple[str, str | None]) -> None:
        self.module.bindings.setdefault(local, set()).add(target)

    def _imports(self, tree: ast.AST) -> None:
        pkg, m = self.pkg, self.module
        computed_name = False
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    m.imports |= pkg.resolve(alias.name, [])
                    if alias.asname:
                        self._bind(alias.asname, (alias.name, None))
                    else:
                        head = alias.name.split(".")[0]
                        self._bind(head, (head, None))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = self.package.split(".") if self.package else []
                    parts = parts[: len(parts) - (node.level - 1)]
                    base = ".".join([*parts, node.module] if node.module else parts)
                else:
                    base = node.module or ""
                m.imports |= pkg.resolve(base, [a.name for a in node.names])
                for alias in node.names:
                    if alias.name == "*":
                        self._bind("*", (base, WHOLE))
                    elif f"{base}.{alias.name}" in pkg.paths:
                        self._bind(alias.asname or alias.name, (f"{base}.{alias.name}", None))
                    else:
                        self._bind(alias.asname or alias.name, (base, alias.name))
            elif isinstance(node, ast.Call) and _func_name(node) in ("import_module", "__import__") and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    target = self.package + arg.value if arg.value.startswith(".") and self.package else arg.value
                    m.loads_by_name |= pkg.resolve(target, [])
                elif (
                    isinstance(arg, ast.JoinedStr)
                    and arg.values
                    and isinstance(arg.values[0], ast.FormattedValue)
                    and isinstance(arg.values[0].value, ast.Name)
                    and arg.values[0].value.id == "__name__"
                ):
                    m.loads_by_name |= pkg.subtree(self.name or self.package)
                else:
                    computed_name = True
        if computed_name:
            strings = {
                n.value.partition(":")[0]
                for n in ast.walk(tree)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            }
            m.loads_by_name |= (strings & set(pkg.paths)) or set(pkg.paths)

    # -- what a piece of code names and reads -------------------------------------------------------------------
    def _resolve_name(self, name: str) -> set[Ref]:
        if name in self.top:
            return {(self.name, name)}
        out: set[Ref] = set()
        for mod, attr in self.module.bindings.get(name, ()):
            if mod == PACKAGE or mod.startswith(PACKAGE + "."):
                out.add((mod, WHOLE if attr is None else attr))
        return out

    def _resolve_chain(self, base: ast.Name, attrs: list[str]) -> set[Ref] | None:
        """A `module.name` chain as references, or None when `base` is not a module."""
        targets = self.module.bindings.get(base.id, set()) if base.id not in self.top else set()
        modules = [mod for mod, attr in targets if attr is None]
        if not modules:
            return None
        out: set[Ref] = set()
        for mod in modules:
            for a in attrs:
                if f"{mod}.{a}" in self.pkg.paths:
                    mod = f"{mod}.{a}"
                    continue
                out.add((mod, a))
                break
            else:
                out.add((mod, WHOLE))
        return {r for r in out if r[0] == PACKAGE or r[0].startswith(PACKAGE + ".")}

    def body(self, nodes: list[ast.AST], calls_only: bool = False) -> Body:
        """What `nodes` name and read. calls_only: import-time code whose values are kept, not run (an assignment, a
        class body): only the functions it calls are run now."""
        b = Body()
        ids = self.pkg.dataset_ids
        access = self.name in ACCESS_MODULES
        subscripted: set[int] = set()
        chained: set[int] = set()
        walked = [n for t in nodes for n in _walk(t, into_deferred=not calls_only)]
        for node in walked:
            if isinstance(node, ast.Subscript):
                got = _literal_ids(node.slice, ids)
                if isinstance(node.slice, ast.Constant) and got:
                    b.datasets |= got
                    if isinstance(node.value, ast.Call):
                        subscripted.add(id(node.value))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                b.strings.add(node.value)
        called = {id(n.func) for n in walked if isinstance(n, ast.Call)}
        for node in walked:
            if isinstance(node, ast.Attribute) and id(node) not in chained:
                chain = _chain(node)
                if chain is not None:
                    chained.update(id(sub) for sub in ast.walk(node))
                    refs = self._resolve_chain(*chain)
                    if refs is not None:
                        if not calls_only or id(node) in called:
                            b.refs |= refs
                        continue
                    chained.discard(id(chain[0]))  # not a module: the base name is an ordinary reference
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and id(node) not in chained:
                if not calls_only or id(node) in called:
                    b.refs |= self._resolve_name(node.id)
            elif isinstance(node, ast.Call):
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    b.datasets |= _literal_ids(arg, ids) or set()
                fname = _func_name(node)
                if fname in ACCESSORS and not access:
                    if fname == "load_manifest":
                        b.every_dataset |= id(node) not in subscripted and not node.args
                    elif not _literal_ids(node.args[0] if node.args else None, ids):
                        b.every_dataset = True
        return b

    def _claims(self, tree: ast.AST) -> None:
        lists: dict[str, frozenset[str]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                if (values := _string_list(node.value)) is not None:
                    lists[node.targets[0].id] = values
        ids: set[str] | None = set()
        found = False
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or ids is None:
                continue
            fname = _func_name(node)
            if fname in ALL_CLAIM_READERS:
                ids = None
            elif fname in CLAIM_READERS:
                found = True
                first = node.args[0] if node.args else None
                listed = _string_list(first)
                if listed is None and isinstance(first, ast.Name):
                    listed = lists.get(first.id)
                ids = None if listed is None else ids | listed
        self.module.claim_ids = ids if found else None  # no call it recognises: it may show any claim

    def scan(self, tree: ast.Module) -> Module:
        self._imports(tree)
        m = self.module
        if not self.name:  # a chapter's cells: all of it runs
            m.import_time = self.body([tree])
            self._claims(tree)
            return m
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.top.add(stmt.name)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                self.top |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        now: list[ast.AST] = []  # import-time code run as it stands
        kept: list[ast.AST] = []  # import-time code whose values are kept: only its calls run now
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                m.symbols[stmt.name] = self.body([stmt])
                kept += [*stmt.decorator_list, *stmt.args.defaults, *(d for d in stmt.args.kw_defaults if d)]
            elif isinstance(stmt, ast.ClassDef):
                m.symbols[stmt.name] = self.body([stmt])
                kept += [
                    *stmt.decorator_list,
                    *stmt.bases,
                    *(s for s in stmt.body if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))),
                ]
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                value = self.body([stmt])
                for t in targets:
                    for n in ast.walk(t):
                        if isinstance(n, ast.Name):
                            m.symbols[n.id] = value
                if stmt.value is not None:
                    kept.append(stmt.value)
            elif not isinstance(stmt, (ast.Import, ast.ImportFrom)):
                now.append(stmt)
        run_now, run_calls = self.body(now), self.body(kept, calls_only=True)
        m.import_time = Body(
            run_now.refs | run_calls.refs,
            run_now.datasets | run_calls.datasets,
            run_now.every_dataset or run_calls.every_dataset,
            run_now.strings | run_calls.strings,
        )
        return m


def notebook_source(nb_path: Path) -> str:
    """A chapter's code as one Python file: its code cells (not the injected parameters), IPython magics and shell
    lines dropped."""
    cells = []
    for cell in read_cells(nb_path):
        if cell.cell_type != "code" or "injected-parameters" in cell.tags:
            continue
        if cell.source.lstrip().startswith("%%"):
            continue
        cells.append("\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))))
    return "\n\n".join(cells)


@dataclass
class Inputs:
    """The inputs of one chapter (or of the claims register)."""

    modules: dict[str, str]  # module name -> sha256 of its file (the code closure)
    datasets: frozenset[str] | None  # None: every dataset
    files: dict[str, str]  # project file (relative path) -> sha256
    reads_claims: bool = False
    claim_ids: frozenset[str] | None = frozenset()  # when reads_claims; None: every claim
    reached: frozenset[Ref] = frozenset()  # the definitions its code can reach (for explanations and tests)

    def digest(self, manifest: dict) -> str:
        """Modules, datasets (their manifest entries) and files, as one sha256."""
        h = hashlib.sha256()
        h.update(json.dumps(sorted(self.modules.items())).encode())
        h.update(json.dumps(dataset_entries(manifest, self.datasets), sort_keys=True, default=str).encode())
        h.update(json.dumps(sorted(self.files.items())).encode())
        return h.hexdigest()


def dataset_entries(manifest: dict, datasets: frozenset[str] | None) -> dict:
    """The manifest entries of these datasets, aliases resolved (an absent one as None); for every dataset, the whole
    manifest (its comments aside)."""
    if datasets is None:
        return manifest
    entries = manifest.get("datasets") or {}
    return {d: entries.get(d) for d in sorted(datasets)}


class Analyser:
    """Reads the package and the project once; answers for any number of chapters."""

    def __init__(self, root: Path, package_dir: Path | None = None):
        self.root = Path(root)
        self.package_dir = Path(package_dir) if package_dir else Path(__file__).resolve().parents[1]
        self.manifest = read_manifest(self.root)
        self.package = Package(self.package_dir, frozenset((self.manifest.get("datasets") or {}).keys()))

    @cached_property
    def project_files(self) -> dict[str, list[Path]]:
        """Files and folders of the project that code might name, by base name and by relative path."""
        out: dict[str, list[Path]] = {}
        for p in sorted(self.root.iterdir()):
            if p.name in NOT_PROJECT_FILES or p.name.startswith("."):
                continue
            items = [p] + (sorted(q for q in p.rglob("*") if "__pycache__" not in q.parts) if p.is_dir() else [])
            for q in items:
                out.setdefault(q.name, []).append(q)
                rel = q.relative_to(self.root).as_posix()
                if rel != q.name:
                    out.setdefault(rel, []).append(q)
        return out

    def _files(self, strings: set[str]) -> dict[str, str]:
        named: set[Path] = set()
        for s in strings:
            named.update(self.project_files.get(s, ()))
        files = {p for p in named if p.is_file()}
        for folder in [p for p in named if p.is_dir()]:
            inside = [f for f in folder.rglob("*") if f.is_file() and "__pycache__" not in f.parts]
            if not any(f in files for f in inside):  # a component of a named file's path is not a read of the folder
                files.update(inside)
        return {f.relative_to(self.root).as_posix(): hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(files)}

    def code_closure(self, roots: set[str]) -> set[str]:
        """Every module that importing `roots` can run: import statements and loads by name, transitively."""
        pkg = self.package
        seen: set[str] = set()
        queue = [m for r in roots for m in pkg.with_parents(r)]
        while queue:
            name = queue.pop()
            if name in seen:
                continue
            seen.add(name)
            mod = pkg.module(name)
            for target in mod.imports | mod.loads_by_name:
                queue += [p for p in pkg.with_parents(target) if p not in seen]
        return seen

    def reach(self, start: Module, modules: set[str], cut: bool) -> tuple[set[Ref], Body]:
        """The definitions reachable from `start`'s code and from the import-time code of `modules`, and what they
        read together. With `cut`, references from a STORED_RESULTS key module into its value module stop there."""
        pkg = self.package
        total = Body()
        seen: set[Ref] = set()
        queue: list[tuple[Ref, Body]] = [(("", MODULE), start.import_time)]
        queue += [((m, MODULE), pkg.module(m).import_time) for m in modules]
        while queue:
            ref, body = queue.pop()
            if ref in seen:
                continue
            seen.add(ref)
            total.datasets |= body.datasets
            total.every_dataset |= body.every_dataset
            total.strings |= body.strings
            if ref[0] in ACCESS_MODULES:
                continue  # reads the id it is given: its callers' literals count
            for target in body.refs:
                if cut and STORED_RESULTS.get(ref[0]) == target[0]:
                    continue
                queue += [(r, b) for r, b in self._bodies(target) if r not in seen]
        return seen, total

    def _bodies(self, ref: Ref, depth: int = 0) -> list[tuple[Ref, Body]]:
        """The code a reference stands for: one definition, or all of a module."""
        mod_name, name = ref
        if mod_name not in self.package.paths or depth > 20:
            return []
        mod = self.package.module(mod_name)
        if name == WHOLE:
            return [((mod_name, MODULE), mod.import_time)] + [((mod_name, n), b) for n, b in mod.symbols.items()]
        if name in mod.symbols:
            return [((mod_name, name), mod.symbols[name])]
        if name in mod.bindings:  # a name the module imports (a re-export)
            out = []
            for target_mod, attr in mod.bindings[name]:
                out += self._bodies((target_mod, WHOLE if attr is None else attr), depth + 1)
            return out
        return self._bodies((mod_name, WHOLE), depth + 1)  # a name it does not define: all of it

    def inputs(self, start: Module, cut: bool = True) -> Inputs:
        """The inputs of code whose own scan is `start` (a chapter's cells, or the code that imports one module)."""
        pkg = self.package
        code = self.code_closure(start.imports | start.loads_by_name)
        reached, read = self.reach(start, code, cut)
        reads_claims = cut and any(r[0] in STORED_RESULTS and r[1] != MODULE for r in reached)
        claim_ids: frozenset[str] | None = frozenset()
        if reads_claims:  # which claims: the chapter's own literal ids, unless other reached code reads some too
            others = any(
                t[0] in STORED_RESULTS for r in reached if r[0] and r[0] not in STORED_RESULTS for t in self._refs_of(r)
            )
            claim_ids = None if others or start.claim_ids is None else frozenset(start.claim_ids)
        datasets = None if read.every_dataset else frozenset(read.datasets)
        modules = {m: pkg.digest(m) for m in sorted(code)}
        return Inputs(modules, datasets, self._files(read.strings), reads_claims, claim_ids, frozenset(reached))

    def _refs_of(self, ref: Ref) -> set[Ref]:
        mod = self.package.module(ref[0])
        body = mod.import_time if ref[1] == MODULE else mod.symbols.get(ref[1])
        return body.refs if body else set()

    def chapter(self, nb_path: Path) -> Inputs:
        source = notebook_source(nb_path)
        try:
            tree = ast.parse(source)
        except SyntaxError:  # cells that are not plain Python: assume they use everything
            start = Module("", imports=set(self.package.paths), claim_ids=None)
            start.import_time.refs = {(p, WHOLE) for p in self.package.paths}
            start.import_time.every_dataset = True
            return self.inputs(start)
        return self.inputs(Scanner(self.package, "", False).scan(tree))

    def calling(self, module: str, function: str) -> Inputs:
        """The inputs of importing `module` and calling its `function` (the claims register), nothing cut."""
        start = Module("", imports={module})
        start.import_time.refs = {(module, function)}
        return self.inputs(start, cut=False)

    def runner_digest(self) -> str:
        """The code that runs a chapter and writes its notebook (RUNNER_MODULES)."""
        return hashlib.sha256(
            json.dumps([(m, self.package.digest(m)) for m in RUNNER_MODULES if m in self.package.paths]).encode()
        ).hexdigest()

    def dataset_of_file(self, file_name: str) -> str | None:
        """The dataset whose pinned raw file (or a previous vintage's, `previous-<sha12>-<file>`) has this name."""
        for ds_id, entry in (self.manifest.get("datasets") or {}).items():
            if not isinstance(entry, dict):
                continue
            if entry.get("file") == file_name:
                return ds_id
            for v in entry.get("previous") or []:
                if isinstance(v, dict) and file_name == f"previous-{str(v.get('sha256', ''))[:12]}-{v.get('file')}":
                    return ds_id
        return None


CLAIM_AREAS = ("performance", "demand", "appraisal")  # the parameter areas a claim may depend on


def claim_digests(
    performance: dict | None = None,
    demand: dict | None = None,
    appraisal: dict | None = None,
    ids: list[str] | None = None,
) -> dict[str, str]:
    """The sha256 of each claim's result for these parameter areas (every claim of the register, or `ids`): what a
    chapter that shows claims depends on. Computes (and stores, `claims.cache`) any result not stored yet."""
    from se_ambulance.claims.cache import claim_results, register_for

    if ids is None:
        results = register_for(performance, demand, appraisal)
    else:
        results = claim_results(sorted(ids), performance=performance, demand=demand, appraisal=appraisal)
    return {
        cid: hashlib.sha256(json.dumps(r.to_json(), sort_keys=True, default=str).encode()).hexdigest()
        for cid, r in results.items()
    }


def read_manifest(root: Path) -> dict:
    path = Path(root) / MANIFEST
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def environment_digest(root: Path) -> str:
    """What every chapter depends on besides its own inputs: the Python version and the locked packages."""
    h = hashlib.sha256(sys.version.encode())
    lock = Path(root) / "requirements.lock"
    if lock.is_file():
        h.update(lock.read_bytes())
    return h.hexdigest()


__all__ = [
    "ACCESSORS",
    "ACCESS_MODULES",
    "Analyser",
    "CLAIM_AREAS",
    "Inputs",
    "STORED_RESULTS",
    "claim_digests",
    "environment_digest",
    "notebook_source",
    "read_manifest",
]
