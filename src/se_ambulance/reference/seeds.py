"""The source documents whose claims the book tests (`seeds/`), by title, publisher and date.

Readers see a document by its title, never by its file name. The files are plain-text copies taken for this
project; where a copy carries no date, `date` says so and gives the nearest date that can be checked.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SeedDocument:
    file: str  # the copy in seeds/
    title: str
    publisher: str
    date: str  # as the publisher dates it; an undated copy says so
    kind: str  # what sort of document it is, in words
    address: str | None = None  # where it was published, where known

    @property
    def label(self) -> str:
        """How a page names it in running text: 'the group's web page “Case for Change” (2025)'."""
        return f"{self.kind} “{self.title}” ({self.publisher}, {self.short_date})"

    @property
    def short_date(self) -> str:
        """The date without the note an undated copy carries: 'undated, 2025' -> '2025'."""
        return self.date.split(";")[0].removeprefix("undated, ")

    def citation(self) -> str:
        """A reference-list entry: publisher, title, kind, date and address."""
        where = f" {self.address}" if self.address else ""
        return f"{self.publisher}. “{self.title}”. {self.kind[0].upper()}{self.kind[1:]}, {self.date}.{where}"


SEEDS: dict[str, SeedDocument] = {
    d.file: d
    for d in (
        SeedDocument(
            "000_ea0b1bbd34f710f5.txt",
            "Hampshire ambulance service to join forces with neighbouring trust in major NHS partnership",
            "Overton Radio",
            "undated, October 2025; the group was announced on 29 October 2025",
            "news report",
            "https://overtonradio.com/hampshire-ambulance-service-to-join-forces-with-neighbouring-trust-in-major-nhs-partnership/",
        ),
        SeedDocument(
            "001_f2fff757229b43dd.txt",
            "Case for Change",
            "South Central and South East Ambulance Group",
            "undated, 2025; it quotes 2024/25 figures and was published with the group's announcement",
            "web page",
        ),
        SeedDocument(
            "002_59bebb8d1d1af61a.txt",
            "Ambulance services announce new partnership to improve efficiency and share best practice",
            "London Ambulance Service",
            "25 September 2018",
            "news release",
            "https://www.londonambulance.nhs.uk/?p=24439",
        ),
        SeedDocument(
            "003_1e7d3176d4bf6cb7.txt",
            "South East Coast Ambulance Service",
            "Wikipedia",
            "undated, 2025; the copy describes events of October 2025",
            "encyclopaedia article",
            "https://en.wikipedia.org/wiki/South_East_Coast_Ambulance_Service",
        ),
    )
}


def seed_document(file: str) -> SeedDocument:
    """The document a seed file holds; an unknown file is an error naming the known ones."""
    if file not in SEEDS:
        raise KeyError(f"No seed document '{file}' in se_ambulance.reference.seeds; known: {', '.join(SEEDS)}")
    return SEEDS[file]


def seed_by_number(number: str) -> SeedDocument:
    """The document numbered '000' … '003' (the file name's prefix)."""
    hits = [d for f, d in SEEDS.items() if f.split("_")[0] == number]
    if len(hits) != 1:
        raise KeyError(f"No seed document numbered '{number}'; known: {', '.join(f.split('_')[0] for f in SEEDS)}")
    return hits[0]


__all__ = ["SEEDS", "SeedDocument", "seed_by_number", "seed_document"]
