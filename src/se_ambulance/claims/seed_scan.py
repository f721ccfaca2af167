"""Every number in the seed documents, so that the claims register can account for each one.

A number is any run of digits (`32`, `3,600`, `4.46`, `17.30`; `2024/25` is two), a number word (`one` to
`twenty`, the tens, `hundred`, `thousand`, `million`, `billion`, `dozen`, and their plurals; `first` to `tenth`;
`twice`, `double`, `treble`, `triple`, `half`, `quarter`), glued to a unit or not (`fiveseconds`, `45minutes`), and
a scale word after a number belongs to that number (`£10 million`, `4.5million`). Nothing is left out for looking
like a date or a name: a number that is not a claim is listed, with its reason, in `book/seed_numbers.yaml`
(dates, section numbers, telephone numbers, ...). `scan` returns every number that list does not explain, each with
its kind and sentence; the register (`book/claims.yaml`, claims and `out_of_scope`) must cover every one of them
(tests/test_claims.py), and tests/test_seed_scan.py checks the list itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from se_ambulance.errors import DataError
from se_ambulance.paths import project_root

_UNITS = "seconds?|minutes?|hours?|days?|weeks?|months?|years?|million|billion|thousand|per|percent|sq|mi|m\\b"
_CARDINALS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
)
_SCALES = "hundreds?|thousands?|millions?|billions?|dozens?"
_OTHERS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|twice|double|treble|triple|half|quarter"
DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
WORDS = re.compile(rf"\b(?:{_CARDINALS}|{_SCALES}|{_OTHERS})(?=\b|{_UNITS})", re.IGNORECASE)
SCALE_AFTER = re.compile(r"\s?(?:million|billion|thousand|bn|m\b|M\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    seed: str
    kind: str
    text: str
    start: int
    sentence: str


@dataclass(frozen=True)
class NotAClaim:
    """A passage of a seed whose numbers are not claims, and why."""

    seed: str
    quote: str
    reason: str


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    return text[left:right].strip()


def _kind(text: str, start: int, end: int, token: str) -> str:
    """What a number is, from its surroundings: for reading a report only (which numbers must be accounted for does
    not depend on it)."""
    if not token[0].isdigit():
        return "number_word"
    before, after = text[max(0, start - 8) : start], text[end : end + 25]
    if re.match(r"\s*(?:%|per\s*cent)", after):
        return "percent"
    if re.search(r"£\s?$", before):
        return "money"
    if re.match(r"\s*-?\s*(?:minutes?|seconds?|hours?)\b", after):
        return "duration"
    if re.match(r"\s*sq\s?mi", after):
        return "area"
    if (
        re.match(r"/(?:\d{4}|\d{2})\b", after)
        or re.search(r"\b(?:\d{4}|\d{2})/$", before)
        or re.match(r"[–-]\d{2}\b", after)
        or re.search(r"\b\d{4}[–-]$", before)
    ):
        return "financial_year"
    if len(token) == 4 and re.search(r"\b(?:By|by|in|from)\s+$", before):
        return "target_year"
    if re.match(r"\s*(?:million|billion|thousand)|\s+(?:more\s+)?[a-z]+", after) or "," in token:
        return "count"
    return "number"


def numbers(text: str, seed: str = "") -> list[Finding]:
    """Every number in a text (see the module's docstring), in order."""
    found: list[tuple[int, int]] = []
    for m in DIGITS.finditer(text):
        end = m.end()
        scale = SCALE_AFTER.match(text, end)
        found.append((m.start(), scale.end() if scale else end))
    taken = [range(a, b) for a, b in found]
    for m in WORDS.finditer(text):
        if not any(m.start() in r for r in taken):
            found.append((m.start(), m.end()))
    out = []
    for a, b in sorted(found):
        token = text[a:b]
        digits = DIGITS.match(text, a) if token[0].isdigit() else None
        digits_end = digits.end() if digits else b
        out.append(Finding(seed, _kind(text, a, digits_end, token), token, a, _sentence(text, a, b)))
    return out


def ignore_path() -> Path:
    return project_root() / "book" / "seed_numbers.yaml"


@lru_cache(maxsize=4)
def _load_ignored(path: Path, mtime: float) -> tuple[NotAClaim, ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = []
    for i, e in enumerate(raw.get("not_claims") or []):
        if not (
            isinstance(e, dict)
            and set(e) == {"seed", "quote", "reason"}
            and all(isinstance(e[k], str) and e[k].strip() for k in e)
        ):
            raise DataError(
                f"{path}: entry {i + 1} of not_claims must have exactly seed, quote and reason, each "
                f"a non-empty string; found {e!r}."
            )
        entries.append(NotAClaim(e["seed"], e["quote"], e["reason"]))
    return tuple(entries)


def not_claims(path: Path | None = None) -> tuple[NotAClaim, ...]:
    """The passages of the seeds whose numbers are not claims (`book/seed_numbers.yaml`), each with its reason."""
    path = path or ignore_path()
    if not path.is_file():
        return ()
    return _load_ignored(path, path.stat().st_mtime)


def spans(text: str, quote: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(quote), text)]


def scan(seeds_dir: Path, ignored: tuple[NotAClaim, ...] | None = None) -> list[Finding]:
    """Every number in the seeds that `book/seed_numbers.yaml` does not explain: each must be a claim of the
    register (or out of its scope, with a reason)."""
    ignored = not_claims() if ignored is None else ignored
    out = []
    for path in sorted(Path(seeds_dir).glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        skip = [s for e in ignored if e.seed == path.name for s in spans(text, e.quote)]
        out += [f for f in numbers(text, path.name) if not any(a <= f.start < b for a, b in skip)]
    return out


__all__ = ["Finding", "NotAClaim", "not_claims", "numbers", "scan", "spans"]
