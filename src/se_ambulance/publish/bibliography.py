"""The references page's labels in author–year form, as the pages cite them.

sphinxcontrib-bibtex's default labels are pybtex's 'alpha' keys, which read as garble for an organisation
('[OfficefNStatistics25]' for the Office for National Statistics). The pages cite author–year
(`bibtex_reference_style: author_year` in `_config.yml`); this style labels each entry of the references page the
same way ('Office for National Statistics, 2025'; 'Fulop et al., 2002'), so a reader finds the entry a citation
names. pybtex has no author–year label style of its own, hence this small plugin.
"""

from __future__ import annotations

import dataclasses

import sphinxcontrib.bibtex.plugin
from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

STYLE = "se_author_year"  # the name `_config.yml` gives both `bibtex_default_style` and `bibtex_reference_style`
_ROUND = BracketStyle(left="(", right=")")


def _surname(person) -> str:
    """A person's surname, or an organisation's whole name (its braces, which keep it one name, removed)."""
    return " ".join(person.prelast_names + person.last_names).replace("{", "").replace("}", "")


def author_year_label(entry) -> str:
    """'Office for National Statistics, 2025'; 'Gaynor and Propper, 2012'; 'Fulop et al., 2002' (three or more)."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_surname(p) for p in people]
    who = (
        names[0]
        if len(names) == 1
        else f"{names[0]} and {names[1]}"
        if len(names) == 2
        else f"{names[0]} et al."
        if names
        else entry.fields.get("title", entry.key)
    )
    year = entry.fields.get("year")
    return f"{who}, {year}" if year else who


class AuthorYearLabels(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        labels = [author_year_label(e) for e in sorted_entries]
        seen: dict[str, int] = {}
        for label in labels:  # two of one author's works in one year: 2022a, 2022b
            seen[label] = seen.get(label, 0) + 1
        counter: dict[str, int] = {}
        for label in labels:
            if seen[label] > 1:
                counter[label] = counter.get(label, 0) + 1
                yield label + "abcdefghijklmnopqrstuvwxyz"[counter[label] - 1]
            else:
                yield label


class AuthorYearStyle(PlainStyle):
    default_label_style = STYLE
    default_sorting_style = "author_year_title"


@dataclasses.dataclass
class RoundAuthorYear(AuthorYearReferenceStyle):
    """Citations in round brackets, as English prose writes them: '(Office for National Statistics, 2025)';
    sphinxcontrib-bibtex's author–year style uses square ones."""

    bracket_parenthetical: BracketStyle = dataclasses.field(default_factory=lambda: _ROUND)
    bracket_textual: BracketStyle = dataclasses.field(default_factory=lambda: _ROUND)
    bracket_author: BracketStyle = dataclasses.field(default_factory=lambda: _ROUND)
    bracket_label: BracketStyle = dataclasses.field(default_factory=lambda: _ROUND)
    bracket_year: BracketStyle = dataclasses.field(default_factory=lambda: _ROUND)


register_plugin("pybtex.style.labels", STYLE, AuthorYearLabels)
register_plugin("pybtex.style.formatting", STYLE, AuthorYearStyle)
sphinxcontrib.bibtex.plugin.register_plugin("sphinxcontrib.bibtex.style.referencing", STYLE, RoundAuthorYear)


def setup(app):
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
