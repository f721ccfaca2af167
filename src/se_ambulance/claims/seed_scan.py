"""Find the numeric statements in the seed documents: percentages, money, durations, large counts,
populations, areas and financial years. The claims register must account for every one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

PATTERNS = {
    "percent": r"\d+(?:\.\d+)?\s*(?:%|per\s*cent)",
    "money": r"£\s?\d[\d,.]*\s*(?:million|bn|billion|m\b|M\b)?",
    "duration": r"\d+(?:\.\d+)?\s*-?\s*(?:minutes?|seconds?|hours?)\b|\d+minutes",
    "count": r"\b\d{1,3}(?:,\d{3})+\b|\d+(?:\.\d+)?\s*million\b|\d+(?:\.\d+)?million\b"
             r"|\b\d+\s+(?:more\s+)?(?:paramedics|staff|people|calls|patients|ambulances)\b",
    "area": r"\d[\d,]*\s*sq\s?mi",
    "financial_year": r"\b(?:\d{4}|\d{2})/(?:\d{4}|\d{2})\b|\b\d{4}[–-]\d{2}\b",
    "target_year": r"\b(?:By|by|in|from)\s+20[2-4]\d\b",
}


@dataclass(frozen=True)
class Finding:
    seed: str
    kind: str
    text: str
    start: int
    sentence: str


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    return text[left:right].strip()


def scan(seeds_dir: Path) -> list[Finding]:
    out = []
    for path in sorted(Path(seeds_dir).glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for kind, pattern in PATTERNS.items():
            for m in re.finditer(pattern, text):
                out.append(Finding(path.name, kind, m.group(0).strip(), m.start(),
                                   _sentence(text, m.start(), m.end())))
    return out
