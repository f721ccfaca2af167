"""The README's own commands, as the README shows them: the first ```bash block under "## The two commands".

`.ci/run` runs exactly this text in a fresh clone (`python3 tests/support/readme.py` prints it), so CI is the
test that the README's commands work as written; `tests/test_fresh_machine.py` checks that what is extracted is
what a reader sees. Standard library only: CI runs it before any environment exists.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SECTION = "## The two commands"
_BLOCK = re.compile(r"^```bash\n(.*?)^```", re.MULTILINE | re.DOTALL)


def two_commands_block(readme: str) -> str:
    """The text of the first bash code block in the README's "The two commands" section."""
    start = readme.find(f"\n{SECTION}\n")
    if start < 0:
        raise ValueError(f"README.md has no section '{SECTION}'")
    end = readme.find("\n## ", start + 1)
    block = _BLOCK.search(readme[start : end if end > 0 else None])
    if block is None:
        raise ValueError(f"README.md's section '{SECTION}' has no ```bash code block")
    return block.group(1)


def commands(block: str) -> list[str]:
    """The commands a reader types: each line without its comment."""
    out = []
    for line in block.splitlines():
        code = re.sub(r"\s+#.*$", "", line).strip()
        if code and not code.startswith("#"):
            out.append(code)
    return out


if __name__ == "__main__":
    readme = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "README.md")
    sys.stdout.write(two_commands_block(readme.read_text(encoding="utf-8")))
