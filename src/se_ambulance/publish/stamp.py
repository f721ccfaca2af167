"""What every page and every printed page says about itself: the book's title, its edition, the data's end
and when NHS England's next release is expected, and the book's address. One home, so the site's footer,
the printed header and footer, the citation page and CITATION.cff cannot disagree.

The edition fields are filled from the editions record (see the editions work, issue 23); until an edition is
published, a build is a draft and says so.
"""

from __future__ import annotations

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

    def line(self) -> str:
        return f"{self.title} · {self.edition} · {self.data_to} · {self.address}"


def current_stamp(title: str | None = None) -> Stamp:
    """The stamp of the book being built now. `title` overrides the book's title (a book for another trust)."""
    from se_ambulance import __version__
    from se_ambulance.data.manifest import load_manifest

    vintage = load_manifest()["ambsys"].vintage
    return Stamp(title=title or BOOK_TITLE, edition="Draft (not a published edition)",
                 data_to=f"AmbSYS {vintage}", next_release="", address=SITE_ADDRESS, code_version=__version__)


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

