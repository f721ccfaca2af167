"""A table of a parliamentary written answer (an HTML page) as CSV."""

from __future__ import annotations

import html.parser
import re
from pathlib import Path


class _Text(html.parser.HTMLParser):
    """The page as lines of text; a table row becomes one line, its cells separated by spaces."""

    _BREAKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag in self._BREAKS:
            self.lines.append("")
        elif tag in ("td", "th"):
            self.lines[-1] += " "

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        if tag in self._BREAKS:
            self.lines.append("")
        elif tag in ("td", "th"):
            self.lines[-1] += " "

    def handle_data(self, data):
        if not self._skip:
            self.lines[-1] += data


def text_lines(page: str) -> list[str]:
    """The lines of text of an HTML page (or of plain text), whitespace collapsed."""
    parser = _Text()
    parser.feed(page)
    parser.close()
    out = []
    for chunk in parser.lines:
        out.extend(" ".join(line.split()) for line in chunk.splitlines())
    return [line for line in out if line]


def table_csv(sources: dict[str, Path], out: Path, header: str, first_column: str) -> None:
    """The table whose header line is `header` followed by financial years (e.g. '2002-03 2003-04'):
    each following line 'name v1 v2 ...' with as many numbers becomes a CSV row (thousands
    separators removed, numbers otherwise as printed), until the first line that is not one."""
    lines = text_lines(sources["page"].read_text(encoding="utf-8"))
    head = re.compile(rf"{re.escape(header)}((?: \d{{4}}-\d{{2}})+)")
    for i, line in enumerate(lines):
        m = head.fullmatch(line)
        if m:
            break
    else:
        raise ValueError(f"the page has no table headed {header!r} followed by years")
    years = m.group(1).split()
    row = re.compile(rf"(\D+?)((?: -?[\d,]+(?:\.\d+)?){{{len(years)}}})")
    rows = [",".join([first_column, *years])]
    for line in lines[i + 1:]:
        r = row.fullmatch(line)
        if not r:
            break
        rows.append(",".join([r.group(1).strip(), *(v.replace(",", "") for v in r.group(2).split())]))
    if len(rows) == 1:
        raise ValueError(f"the table headed {header!r} has no rows")
    out.write_bytes(("\n".join(rows) + "\n").encode("utf-8"))
