"""Small presentation helpers the chapters share (notes and labels, no calculations)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd
from IPython.display import Markdown


if TYPE_CHECKING:
    from IPython.display import HTML


def _shown(v) -> str:
    """A parameter's value as the pages write it."""
    if isinstance(v, Mapping) and set(v) == {"low", "central", "high"}:
        return f"{v['low']:g}/{v['central']:g}/{v['high']:g} (low/central/high)"
    if v is None or v == {}:
        return "none"
    if isinstance(v, Mapping):
        return "; ".join(f"{k}: {_shown(x)}" for k, x in v.items())
    return ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)


def parameters_note(**params) -> Markdown:
    """The parameters a page was built with, for analysts: collapsed, so a reader's page opens with its findings."""
    listed = "; ".join(f"`{k}` = {_shown(v)}" for k, v in params.items())
    return Markdown(
        f'<details class="se-method se-parameters">\n<summary>The parameters of this page</summary>\n\n{listed}.\n\n'
        "</details>"
    )


def _leaves(values: Mapping, prefix: str) -> list[tuple[str, Any]]:
    """(dotted name, value) for each parameter of an area; a mapping of ranges (the age bands' use rates) gives
    one row per entry, a range or any other value one row."""
    out = []
    for k, v in values.items():
        name = f"{prefix}.{k}"
        nested = (
            isinstance(v, Mapping)
            and v
            and set(v) != {"low", "central", "high"}
            and all(isinstance(x, Mapping) for x in v.values())
        )
        out += _leaves(v, name) if nested else [(name, v)]
    return out


def parameters_table(used: Mapping[str, Mapping], canonical: Mapping[str, Mapping]) -> pd.DataFrame:
    """Every parameter of the named areas: the value this book used and, where it differs, the canonical book's
    (`params/default.yaml`)."""
    canonical_leaves = dict(kv for area, values in canonical.items() for kv in _leaves(values, area))
    rows = [
        {
            "parameter": name,
            "this book": _shown(v),
            "canonical book": "same" if canonical_leaves.get(name) == v else _shown(canonical_leaves.get(name)),
        }
        for area, values in used.items()
        for name, v in _leaves(values, area)
    ]
    return pd.DataFrame(rows, columns=["parameter", "this book", "canonical book"])


def html_table(df, css_class: str):
    """A DataFrame as a plain HTML table (no index) with a class the book's CSS styles."""
    from IPython.display import HTML

    return HTML(df.to_html(index=False, classes=css_class, border=0, escape=True))


_BADGE = {
    "supported": "supported",
    "partly supported": "partly",
    "not supported": "not",
    "cannot be tested with public data": "untestable",
    "not tested here": "untestable",
}


def claims_html(table) -> "HTML":
    """The claims register as an HTML table with verdict badges and a link to the page that tests each claim,
    named by its title."""
    import html as _h

    from IPython.display import HTML

    from se_ambulance.publish.pages import page_link
    from se_ambulance.reference.seeds import seed_document

    rows = []
    for r in table.itertuples():
        link = ""
        if isinstance(r.chapter, str):  # claims with no testing chapter have NaN here; the page by its title
            link = page_link(r.chapter, "notebooks/06_claims", r.section if isinstance(r.section, str) else None)
        rows.append(
            f'<tr id="claim-{_h.escape(r.id)}"><td><q>{_h.escape(r.quote)}</q><br>'
            f"<small>{_h.escape(seed_document(r.seed).label)}</small></td>"
            f'<td><span class="se-verdict se-verdict-{_BADGE[r.verdict]}">{_h.escape(r.verdict)}</span></td>'
            f"<td>{_h.escape(r.evidence)}</td><td>{link}{_method_note(r.function)}</td></tr>"
        )
    head = "<tr><th>Claim (quoted exactly)</th><th>Verdict</th><th>Evidence</th><th>Tested in</th></tr>"
    return HTML(f'<table class="se-claims"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>')


def _method_note(function) -> str:
    """The function that computes a claim, for analysts: collapsed, so readers see the chapter link only."""
    import html as _h

    if not isinstance(function, str) or not function:
        return ""
    return (
        f'<details class="se-method"><summary>How it is computed</summary><small>'
        f"<code>{_h.escape(function)}</code></small></details>"
    )


def sources_markdown(manifest: dict) -> Markdown:
    """The data manifest as a reader's list: one entry per file with what identifies it; the file names and
    checksums, for analysts, in a collapsed table at the end."""
    import html as _h

    items = []
    for d in manifest.values():
        items.append(
            f"- **{d.title}**. {d.publisher}. *Version:* {d.vintage}. *Coverage:* {d.coverage}. "
            f"*Licence:* [{d.licence.name}]({d.licence.url}). *Landing page:* <{d.landing_page}>.  \n"
            f"  *Cite as:* {d.citation}"
        )
    rows = "".join(
        f"<tr><td>{_h.escape(d.title)}</td><td><code>{_h.escape(d.file)}</code></td>"
        f"<td>{d.bytes:,}</td><td><code>{_h.escape(d.sha256)}</code></td></tr>"
        for d in manifest.values()
    )
    files = (
        '<details class="se-method">\n<summary>File names and checksums</summary>\n'
        '<table class="se-table"><thead><tr><th>Dataset</th><th>File</th><th>Bytes</th><th>SHA-256</th></tr>'
        f"</thead><tbody>{rows}</tbody></table>\n</details>"
    )
    return Markdown("\n".join(items) + "\n\n" + files)


class Prose(str):
    """Whole sentences a chapter glues, as opposed to a number or a phrase: glued as Markdown and pasted with
    `{glue:md}`, so that they read as the text around them (myst-nb sets `{glue:text}` in bold, which suits a number
    but turns a paragraph of glued sentences into a bold block)."""


def glue_values(values: dict[str, str]) -> None:
    """Glue a chapter's text values (the prose refers to them by key); stored in the notebook's outputs,
    where tests read them. A `Prose` value is glued as Markdown (pasted with `{glue:md}`)."""
    from myst_nb import glue

    for key, value in values.items():
        glue(key, Markdown(value) if isinstance(value, Prose) else value, display=False)


def rag_html(df: pd.DataFrame):
    """The log as an HTML table with coloured RAG cells, the ratings beside the assumption (on a phone they are in
    the first screen's width; the evidence, longer, follows)."""
    import html as _h

    from IPython.display import HTML

    def cell(v: str) -> str:
        return f'<td><span class="se-rag se-rag-{v}">{v}</span></td>'

    rows = "".join(
        f"<tr><td>{_h.escape(r.area)}</td><td>{_h.escape(r.assumption)}</td>{cell(r.quality)}{cell(r.impact)}"
        f'<td>{_h.escape(r.source)}</td><td><details class="se-method"><summary>In the code</summary>'
        f"<code>{_h.escape(r.where)}</code></details></td></tr>"
        for r in df.itertuples()
    )
    head = (
        "<tr><th>Area</th><th>Assumption</th><th>Quality</th><th>Impact</th><th>Evidence</th>"
        "<th>Where it is used</th></tr>"
    )
    return HTML(f'<table class="se-assumptions"><thead>{head}</thead><tbody>{rows}</tbody></table>')
