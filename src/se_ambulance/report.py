"""Small presentation helpers the chapters share (notes and labels, no calculations)."""

from __future__ import annotations

from IPython.display import Markdown


def parameters_note(**params) -> Markdown:
    """A one-line note of the parameters a page was built with."""
    parts = []
    for k, v in params.items():
        shown = ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)
        parts.append(f"`{k}` = {shown}")
    return Markdown("*Parameters of this page:* " + "; ".join(parts) + ".")


def percent(value: float, digits: int = 1) -> str:
    return f"{100 * value:.{digits}f}%"


def as_percent_table(df, columns, digits: int = 1):
    """A copy of `df` with the named share columns written as percentages."""
    out = df.copy()
    for c in columns:
        out[c] = out[c].map(lambda v: "–" if v != v else percent(v, digits))
    return out


_BADGE = {"supported": "supported", "partly supported": "partly", "not supported": "not",
          "cannot be tested with public data": "untestable"}


def claims_html(table) -> "HTML":
    """The claims register as an HTML table with verdict badges and links to the testing chapter."""
    import html as _h

    from IPython.display import HTML

    rows = []
    for r in table.itertuples():
        link = ""
        if isinstance(r.chapter, str):  # claims with no testing chapter have NaN here
            page = r.chapter.split("/")[-1] + ".html" + (f"#{r.section}" if isinstance(r.section, str) else "")
            link = f'<a href="{page}">{_h.escape(r.chapter.split("/")[-1].replace("_", " "))}</a>'
        rows.append(
            f'<tr id="claim-{_h.escape(r.id)}"><td><q>{_h.escape(r.quote)}</q><br><small>{_h.escape(r.seed)}</small></td>'
            f'<td><span class="se-verdict se-verdict-{_BADGE[r.verdict]}">{_h.escape(r.verdict)}</span></td>'
            f"<td>{_h.escape(r.evidence)}</td><td>{link}<br><small><code>{_h.escape(r.function if isinstance(r.function, str) else '')}</code></small></td></tr>")
    head = "<tr><th>Claim (quoted exactly)</th><th>Verdict</th><th>Evidence</th><th>Tested in</th></tr>"
    return HTML(f'<table class="se-claims"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>')


def sources_markdown(manifest: dict) -> Markdown:
    """The data manifest as a reader's list: one entry per file with every field that identifies it."""
    items = []
    for d in manifest.values():
        items.append(
            f"- **{d.title}**. {d.publisher}. *Version:* {d.vintage}. *Coverage:* {d.coverage}. "
            f"*Licence:* [{d.licence.name}]({d.licence.url}). *Landing page:* <{d.landing_page}>.  \n"
            f"  *File:* `{d.file}` ({d.bytes:,} bytes), *SHA-256:* `{d.sha256}`.  \n"
            f"  *Cite as:* {d.citation}")
    return Markdown("\n".join(items))
