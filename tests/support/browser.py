"""What the browser tests need, checked in one place: Chromium that starts, and axe-core as package-lock.json
pins it.

`make test` runs `python -m tests.support.browser --install` before pytest: it installs what is missing when it
can (Debian's `chromium` and `npm` with apt-get when run as root, axe-core with `npm ci`) and otherwise stops at
once with one line that says what to install. `tests/test_site.py` asks the same questions, so a browser test
never fails halfway with a launcher's error (such as "spawn EACCES" for a Chromium that cannot be executed).
`SE_AMBULANCE_SKIP_BROWSER=1` skips the browser tests knowingly.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .builders import ROOT

SKIP_ENV = "SE_AMBULANCE_SKIP_BROWSER"
CHROMIUM_ENV = "SE_AMBULANCE_CHROMIUM"  # a Chromium other than the one on PATH
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
_NAMES = ("chromium", "chromium-browser")
_INSTALL_CHROMIUM = "apt-get install chromium (Debian's package)"
_SKIP_HINT = f"or set {SKIP_ENV}=1 to skip the browser tests knowingly"


def skipped() -> bool:
    return os.environ.get(SKIP_ENV) == "1"


def chromium_path() -> Path | None:
    """The Chromium the tests drive: $SE_AMBULANCE_CHROMIUM, else `chromium` on PATH (found even when it has
    lost its execute bit, so that the problem can be named)."""
    given = os.environ.get(CHROMIUM_ENV)
    if given:
        return Path(given)
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        for name in _NAMES:
            if folder and (Path(folder) / name).is_file():
                return Path(folder) / name
    return None


def chromium_problem() -> str | None:
    """Why the browser tests cannot drive Chromium here, in one line with what to do; None if they can."""
    path = chromium_path()
    if path is None:
        return f"Chromium is not installed: {_INSTALL_CHROMIUM}, {_SKIP_HINT}."
    if not path.is_file():
        return f"Chromium was expected at {path} ({CHROMIUM_ENV}), which is not a file: {_INSTALL_CHROMIUM}."
    if not os.access(path, os.X_OK):
        return (
            f"Chromium at {path} cannot be executed (no execute permission): reinstall it "
            f"(apt-get install --reinstall chromium) or chmod +x it, {_SKIP_HINT}."
        )
    try:
        proc = subprocess.run(
            [str(path), "--headless", "--no-sandbox", "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"Chromium at {path} does not start ({e}): reinstall it (apt-get install --reinstall chromium)."
    if proc.returncode != 0:
        said = (proc.stderr or proc.stdout).strip().splitlines()
        return (
            f"Chromium at {path} does not start (exit {proc.returncode}{': ' + said[-1] if said else ''}): "
            "reinstall it (apt-get install --reinstall chromium)."
        )
    return None


def launch_problem(error: Exception) -> str:
    """Playwright could not launch a Chromium that passed chromium_problem(): its first line, and what to do."""
    first = next((line for line in str(error).splitlines() if line.strip()), type(error).__name__)
    return (
        f"Chromium at {chromium_path()} did not start under Playwright ({first.strip()}): reinstall it "
        f"(apt-get install --reinstall chromium), {_SKIP_HINT}."
    )


def _pinned_axe_version() -> str | None:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"].get("node_modules/axe-core", {}).get("version")


def axe_problem() -> str | None:
    """Why axe-core cannot be injected into the pages (missing, or another version than the lock's); None if
    it can."""
    pinned = _pinned_axe_version()
    if not AXE.is_file():
        return f"axe-core is not installed (node_modules/axe-core is missing): run `npm ci` in {ROOT}."
    installed = json.loads((AXE.parent / "package.json").read_text(encoding="utf-8")).get("version")
    if installed != pinned:
        return f"axe-core {installed} is installed but package-lock.json pins {pinned}: run `npm ci` in {ROOT}."
    return None


def _apt_install(packages: list[str]) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"make test: installing {' '.join(packages)} with apt-get (needed by the browser tests)", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", *packages], env=env, check=False, stdout=subprocess.DEVNULL)


def ensure(install: bool) -> str | None:
    """Install what is missing if `install` and we can (root with apt-get; npm for axe-core); then the first
    problem left, or None."""
    if skipped():
        return None
    can_apt = install and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get")
    need_npm = axe_problem() is not None and shutil.which("npm") is None
    missing = [pkg for pkg, needed in (("chromium", chromium_path() is None), ("npm", need_npm)) if needed]
    if missing and can_apt:
        _apt_install(missing)
    if install and axe_problem() is not None and shutil.which("npm"):
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=ROOT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    axe = axe_problem()
    if axe and shutil.which("npm") is None:
        axe = "axe-core is not installed and npm, which installs it, is missing: apt-get install npm, then npm ci."
    problems = [p for p in (chromium_problem(), axe) if p]
    return " Also: ".join(problems) or None


def main(argv: list[str]) -> int:
    problem = ensure(install="--install" in argv)
    if problem:
        print(f"make test: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
