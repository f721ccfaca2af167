"""What every page and every printed page says about itself: the book's title, its edition, the data's end
and when NHS England's next release is expected, and the book's address. One home, so the site's footer,
the printed header and footer, the citation page and CITATION.cff cannot disagree.

The edition comes from the editions record (`data.editions`): a build is edition N when its data pins and its code
(`data.editions.code_digest`) are edition N's; anything else is a draft and says which edition it follows. The next
release is worked out from the build date: NHS England's usual day, the second Thursday of the month, on or after it
(`data.releases.next_release_date`); an announced date is not read from anywhere.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass

SITE_ADDRESS = "https://se-ambulance.github.io/evidence-book/"
BOOK_TITLE = "The South East ambulance evidence book"
ATLAS_TITLE = "The ambulance evidence book, trust by trust"  # every trust's book in one site
CANONICAL_TRUST = "RYD"  # the trust the canonical book follows (params/default.yaml's focus.trust; a test checks)


@dataclass(frozen=True)
class Stamp:
    title: str
    edition: str  # e.g. "Edition 2, 7 December 2026", or "Draft (not a published edition)"
    data_to: str  # e.g. "AmbSYS data to April 2026"
    next_release: str  # e.g. "NHS England's next AmbSYS release is expected on Thursday 10 December 2026"
    address: str
    code_version: str
    built: str = ""  # the build date, e.g. "7 December 2026"

    def line(self) -> str:
        return f"{self.title} · {self.edition} · {self.data_to} · {self.address}"

    @property
    def is_edition(self) -> bool:
        """A published edition (a draft or a scenario book is not one, and says when it was built)."""
        return self.edition.startswith("Edition ")


def edition_words(editions, pins: dict[str, str], digest: str) -> str:
    """'Edition 2 (2026.12.1), 7 December 2026' when the data pins and the code digest are an edition's (the newest
    such); otherwise a draft, naming the latest edition it follows."""
    from se_ambulance.publish.format import day_label

    for ed in reversed(editions):
        if ed.pins() == pins and ed.code.digest == digest:
            return f"{ed.label}, {day_label(ed.date)}"
    if not editions:
        return "Draft (not a published edition)"
    last = editions[-1]
    return f"Draft (not a published edition; the latest is {last.label}, {day_label(last.date)})"


def next_release_words(built: dt.date, data_to_month: dt.date) -> str:
    """When the next AmbSYS release is expected, how that date was worked out, and (when the timetable says so) that
    releases newer than this book's data may already be out."""
    from se_ambulance.data.releases import latest_data_month_expected, next_release_date
    from se_ambulance.publish.format import day_label
    from se_ambulance.reference.releases import RELEASE_DAY_WORDS

    nxt = next_release_date(built)
    out = (
        f"NHS England's next AmbSYS release is expected on Thursday {day_label(nxt.isoformat())} "
        f"({RELEASE_DAY_WORDS}, counted from this build's date, {day_label(built.isoformat())})."
    )
    newest = latest_data_month_expected(built)
    if newest > data_to_month:
        out += (
            f" By that timetable releases with data up to {newest:%B %Y} may already be out; this book uses data "
            f"to {data_to_month:%B %Y}."
        )
    return out


def git_commit(root=None) -> str | None:
    from se_ambulance.paths import project_root

    try:
        return (
            subprocess.run(
                ["git", "rev-parse", "HEAD"], cwd=root or project_root(), capture_output=True, text=True, check=True
            ).stdout.strip()
            or None
        )
    except (OSError, subprocess.CalledProcessError):
        return None


def data_to_words() -> str:
    """'AmbSYS data to April 2026': the end of the data the book's figures rest on."""
    from se_ambulance.data.manifest import load_manifest

    return f"AmbSYS {load_manifest()['ambsys'].vintage}"


def current_stamp(title: str | None = None, today: dt.date | None = None, scenario: bool = False) -> Stamp:
    """The stamp of the book being built now. `title` overrides the book's title (a book for another trust);
    `scenario`: a book built with other parameters than the canonical book's, which is never itself an edition."""
    from se_ambulance import __version__
    from se_ambulance.data.editions import code_digest, load_editions
    from se_ambulance.data.manifest import load_manifest
    from se_ambulance.publish.format import day_label

    manifest = load_manifest()
    ambsys = manifest["ambsys"]
    built = today or dt.datetime.now(dt.timezone.utc).date()
    last_month = _last_month(ambsys.coverage)
    commit = git_commit()
    edition = edition_words(load_editions(), {k: d.sha256 for k, d in manifest.items()}, code_digest())
    if scenario:
        edition = "A scenario book, not an edition: other parameters, " + (
            f"the data and code of {edition}" if not edition.startswith("Draft") else "draft data and code"
        )
    return Stamp(
        title=title or BOOK_TITLE,
        edition=edition,
        data_to=data_to_words(),
        next_release=next_release_words(built, last_month) if last_month else "",
        address=SITE_ADDRESS,
        code_version=f"{__version__} ({commit[:7] if commit else 'not a git checkout'})",
        built=day_label(built.isoformat()),
    )


def _last_month(coverage: str) -> dt.date | None:
    """The last month of a coverage text such as '2017-08 to 2026-04; England, …'."""
    import re

    m = re.match(r"\d{4}-\d{2} to (\d{4})-(\d{2})\b", coverage)
    return dt.date(int(m[1]), int(m[2]), 1) if m else None


def book_title(trust: str, group) -> str:
    """The title of a book built for a focus trust and a group (`reference.orgs.Group`): the book's own title for
    SECAmb with the case's group; otherwise the trust's name, and the group's when it is not the case's, so a
    book for another trust never carries the South East book's title."""
    from se_ambulance.reference.orgs import PROVIDERS

    if trust not in PROVIDERS:
        raise ValueError(f"'{trust}' is not a trust code; allowed: {', '.join(sorted(PROVIDERS))}")
    if trust == CANONICAL_TRUST and group.is_case:
        return BOOK_TITLE
    title = f"The ambulance evidence book for {PROVIDERS[trust]}"
    return title if group.is_case else f"{title}, with the group {group.name}"
