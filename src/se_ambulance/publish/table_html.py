"""A pandas table as readers see it: one header row, aligned with its cells.

pandas writes a frame whose index has a name as two header rows: the column names, then a row of its own that
holds only the index's name ("Financial year", then empty cells). Its header row is also right-aligned by an
inline style and by a style block pandas writes before the table, over cells the book's theme aligns left.
`one_header_row` puts the index's name(s) in the corner of the column names' row and drops the extra row and the
inline alignment; `drop_pandas_style` drops the style blocks. The site applies it to every pandas table as
it is written (`publish.sphinx_ext.wrap_tables`), so every chapter's tables read alike, whichever page made them.

A header that really has several rows (columns with more than one level) keeps them: only a last row that names the
index and nothing else is merged into the row above it.
"""

from __future__ import annotations

import re

_THEAD = re.compile(r"(<thead[^>]*>)(.*?)(</thead>)", re.S)
_ROW = re.compile(r"<tr([^>]*)>(.*?)</tr>", re.S)
_CELL = re.compile(r"<(th|td)((?:\s[^>]*)?)>(.*?)</\1>", re.S)
_ALIGN = re.compile(r'\s*style="text-align:\s*right;?"')
# The style block pandas puts before each table in a notebook's output ("scoped", which browsers ignore, so its rules
# reach every pandas table of the page): header cells right-aligned, over cells the theme aligns left.
_PANDAS_STYLE = re.compile(r"<style scoped>\s*(?:\.dataframe[^{}]*\{[^{}]*\}\s*)+</style>\s*", re.S)


def _cells(row: str) -> list[tuple[str, str, str]]:
    return _CELL.findall(row)


def _blank(content: str) -> bool:
    return content.replace("&nbsp;", "").replace("&#160;", "").strip() == ""


def _merged(rows: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """The header rows with a last, index-naming row merged into the row above; None when there is nothing to
    merge (one row, or a last row that names more than the index)."""
    if len(rows) < 2:
        return None
    last, above = _cells(rows[-1][1]), _cells(rows[-2][1])
    names = [c for c in last if not _blank(c[2])]
    k = len(names)
    if (
        not k
        or len(last) != len(above)
        or any(_blank(c[2]) for c in last[:k])
        or any(not _blank(c[2]) for c in last[k:])
    ):
        return None
    corner = "".join(f'<th scope="col"{attrs}>{content}</th>' for _, attrs, content in last[:k])
    rest = "".join(f"<{tag}{attrs}>{content}</{tag}>" for tag, attrs, content in above[k:])
    return rows[:-2] + [(rows[-2][0], corner + rest)]


def one_header_row(table: str) -> str:
    """A pandas table (`class="dataframe"`) with the index's name(s) in the header row of the column names, instead
    of a row of their own, and without pandas' right alignment of the header. Any other table is returned as it
    is."""
    if 'class="dataframe' not in table:
        return table
    m = _THEAD.search(table)
    if not m:
        return table
    rows = [(_ALIGN.sub("", attrs), body) for attrs, body in _ROW.findall(m.group(2))]
    rows = _merged(rows) or rows
    head = "".join(f"<tr{attrs}>{body}</tr>" for attrs, body in rows)
    return table[: m.start()] + m.group(1) + head + m.group(3) + table[m.end() :]


def drop_pandas_style(body: str) -> str:
    """A page's HTML without pandas' style blocks (only those: a block with any rule not for `.dataframe` stays)."""
    return _PANDAS_STYLE.sub("", body)


__all__ = ["drop_pandas_style", "one_header_row"]
