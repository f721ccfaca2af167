"""Every trust's book in one site: `se-ambulance atlas --out DIR`.

For each trust the chapters that declare the `focus` area (the performance chapters and the demand
chapter) are executed with that trust as the focus and its own footprint as the demand area; every
other chapter (introduction, appraisal, claims, sources, assumptions, evaluation) depends on no trust,
so it is executed once. All chapters run in one pool (one per core), and a chapter executed before with
the same key by any build is copied from the chapter store. One Jupyter Book build then makes one site,
with one copy of the static assets, whose front page lets a reader pick a trust.

Layout of DIR: `atlas/index.md` (the front page), `trusts/<CODE>/<chapter>.ipynb`, `notebooks/<chapter>.ipynb`
(the shared chapters), the book's configuration and prose, and `_build/html`.
"""

from __future__ import annotations

import time
from pathlib import Path

import yaml

from se_ambulance.data.fetch import fetch
from se_ambulance.errors import ParameterError
from se_ambulance.paths import project_root
from se_ambulance.pipeline import outputs
from se_ambulance.pipeline.build import (
    BuildResult,
    ChapterJob,
    build_site,
    chapter_notebooks,
    chapter_parameters,
    log,
    run_jobs,
    set_book_title,
    stage_book_sources,
)
from se_ambulance.publish.stamp import ATLAS_TITLE
from se_ambulance.pipeline.params import BookParams, load_params
from se_ambulance.reference.orgs import PROVIDERS

TRUST_AREA = "focus"


def atlas_params(params: BookParams, trust: str) -> BookParams:
    """The parameters of one trust's book: the run's own, with the trust as the focus and as the demand
    footprint (its comparators stay as given)."""
    focus = params.focus.model_copy(update={"trust": trust, "demand_area": trust})
    return params.model_copy(update={"focus": type(params.focus).model_validate(focus.model_dump())})


def _trusts(codes: list[str] | None) -> list[str]:
    """The trusts of an atlas: every one when none were asked for (None); an empty list is a mistake, not 'all'."""
    from se_ambulance.pipeline.params import coded_list

    if codes is None:
        return sorted(PROVIDERS)
    allowed = f"allowed: {coded_list(sorted(PROVIDERS))}"
    if not codes:
        raise ParameterError(
            f"--trusts names no trust; give trust codes separated by commas (e.g. --trusts RX7,RYD), "
            f"or leave --trusts out for all {len(PROVIDERS)} trusts; {allowed}."
        )
    bad = [c for c in codes if c not in PROVIDERS]
    if bad:
        raise ParameterError(f"--trusts: unknown trust code(s) {bad}; {allowed}.")
    return list(dict.fromkeys(codes))


def index_page(trusts: list[str], per_trust: list[Path], shared: list[Path], titles: dict[str, str]) -> str:
    """The atlas's front page: a table of trusts, each with a link to every one of its pages."""
    head = "| Trust | " + " | ".join(titles[nb.stem] for nb in per_trust) + " |"
    rule = "|---" * (len(per_trust) + 1) + "|"
    rows = [
        f"| {PROVIDERS[t]} | " + " | ".join(f"{{doc}}`{t} <../trusts/{t}/{nb.stem}>`" for nb in per_trust) + " |"
        for t in trusts
    ]
    common = "\n".join(f"- {{doc}}`../notebooks/{nb.stem}`" for nb in shared)
    which = (
        f"each of England's {len(PROVIDERS)} ambulance trusts"
        if len(trusts) == len(PROVIDERS)
        else f"{len(trusts)} of England's {len(PROVIDERS)} ambulance trusts"
    )
    return (
        f"# Every ambulance trust\n\nThe book for {which} in one site. "
        "Pick a trust and a chapter; each trust's pages show that trust, with its own footprint in the demand "
        "chapter. The pages below the table do not depend on the trust, so there is one copy of each.\n\n"
        f"{head}\n{rule}\n" + "\n".join(rows) + f"\n\n## Pages for every trust\n\n{common}\n"
    )


def _shared_chapters(shared: list[Path]) -> list[dict]:
    """The pages every trust shares, then the book's own pages (glossary, references, how to cite). Each trust
    has its own front page (the introduction takes the focus trust), so the shared pages hang under none."""
    return [{"file": f"notebooks/{nb.stem}"} for nb in shared] + [
        {"file": "book/glossary"},
        {"file": "book/references"},
        {"file": "book/cite"},
    ]


def _trust_chapters(trust: str, per_trust: list[Path], front: Path) -> list[dict]:
    """One trust's pages. Its front page (the book's root chapter, when it takes the trust) holds the others as
    sections, so the table of contents on it lists them, as it lists the whole book in the canonical site."""
    files = [{"file": f"trusts/{trust}/{nb.stem}"} for nb in per_trust]
    if per_trust and per_trust[0] == front:
        return [{**files[0], "sections": files[1:]}]
    return files


def _title(nb: Path) -> str:
    """A chapter's title: its first markdown heading."""
    import nbformat

    for cell in nbformat.read(nb, as_version=4).cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return nb.stem


@outputs.releases_locks
def atlas(
    out: Path | str,
    trusts: list[str] | None = None,
    params_file: Path | None = None,
    overrides: dict | None = None,
    mirror: str | None = None,
    force: bool = False,
) -> BuildResult:
    start = time.perf_counter()
    params = load_params(params_file, overrides)  # stops here on any bad parameter
    codes = _trusts(trusts)
    root = project_root()
    out = outputs.prepare_output_folder(out, root, mirror, kind="atlas")
    outputs.hold_lock(out)
    log("checking data against data/manifest.yaml")
    fetch(mirror=mirror, progress=log)
    stage_book_sources(root, out)  # the claims register runs beside the first chapters (run_jobs)
    set_book_title(out, ATLAS_TITLE)

    chapters = chapter_notebooks(root)
    per_trust = [nb for nb in chapters if TRUST_AREA in chapter_parameters(nb, params)]
    shared = [nb for nb in chapters if nb not in per_trust]
    jobs = [ChapterJob(nb, params, out / "notebooks" / nb.name, out / "notebooks", "all trusts") for nb in shared]
    for t in codes:
        folder = out / "trusts" / t
        jobs += [ChapterJob(nb, atlas_params(params, t), folder / nb.name, folder, t) for nb in per_trust]
    log(
        f"atlas of {len(codes)} trusts: {len(per_trust)} chapters each ({', '.join(nb.stem for nb in per_trust)}), "
        f"{len(shared)} shared"
    )
    run_jobs(jobs, root / "notebooks", out, force=force)

    titles = {nb.stem: "Front page" if nb == chapters[0] else _title(nb) for nb in per_trust}
    (out / "atlas").mkdir(exist_ok=True)
    (out / "atlas" / "index.md").write_text(index_page(codes, per_trust, shared, titles), encoding="utf-8")
    toc = {
        "format": "jb-book",
        "root": "atlas/index",
        "parts": [
            *({"caption": PROVIDERS[t], "chapters": _trust_chapters(t, per_trust, chapters[0])} for t in codes),
            {"caption": "For every trust", "chapters": _shared_chapters(shared)},
        ],
    }
    (out / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    log(f"building the atlas site ({len(codes) * len(per_trust) + len(shared)} chapters, Jupyter Book, strict)")
    html = build_site(out, out)
    seconds = time.perf_counter() - start
    log(f"done in {seconds:.1f} s: open {html / 'index.html'}")
    return BuildResult(html=html, notebooks=[j.target for j in jobs], seconds=seconds)


__all__ = ["atlas", "atlas_params", "index_page"]
