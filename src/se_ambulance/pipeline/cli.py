"""The `se-ambulance` command: fetch data, build the book, list parameters."""

from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
import threading
from pathlib import Path

from se_ambulance.errors import SeAmbulanceError


def _cmd_fetch(args: argparse.Namespace) -> None:
    from se_ambulance.data.fetch import fetch, update

    one_release = {
        "--file": args.file,
        "--provenance": args.provenance,
        "--accept-organisation-change": args.accept_organisation_change,
    }
    given = [k for k, v in one_release.items() if v]
    if given and not (args.update and len(args.datasets) == 1):
        raise SeAmbulanceError(
            f"{', '.join(given)} apply to one release: use them with --update and one dataset, "
            "e.g. se-ambulance fetch --update ambsys --file AmbSYS-to-Apr-2026-QWZX3.csv"
        )
    if args.update and len(args.datasets) == 1:
        adoption = update(
            args.datasets[0],
            mirror=args.mirror,
            file=args.file,
            provenance=args.provenance,
            accept_organisation_change=args.accept_organisation_change,
        )
        print(f"{adoption.dataset}: {adoption.path}")
        return
    paths = fetch(args.datasets or None, mirror=args.mirror, update=args.update)
    for key, path in paths.items():
        print(f"{key}: {path}")


def _cmd_build(args: argparse.Namespace) -> None:
    from se_ambulance.pipeline.build import build
    from se_ambulance.pipeline.params import parse_set

    build(
        params_file=args.params,
        overrides=parse_set(args.set),
        out=args.out,
        mirror=args.mirror,
        force=args.force,
        site=not args.no_site,
        pdf=args.pdf,
    )


def _cmd_run(args: argparse.Namespace) -> None:
    from se_ambulance.pipeline.build import run_one
    from se_ambulance.pipeline.params import parse_set

    run_one(args.chapter, params_file=args.params, overrides=parse_set(args.set), out=args.out, mirror=args.mirror)


def _cmd_atlas(args: argparse.Namespace) -> None:
    from se_ambulance.pipeline.atlas import atlas
    from se_ambulance.pipeline.params import parse_set

    # `--trusts ''` (say, an unset shell variable) names no trust: the atlas refuses it rather than building all
    trusts = [c.strip() for c in args.trusts.split(",") if c.strip()] if args.trusts is not None else None
    atlas(
        args.out,
        trusts=trusts,
        params_file=args.params,
        overrides=parse_set(args.set),
        mirror=args.mirror,
        force=args.force,
    )


def _cmd_edition(args: argparse.Namespace) -> None:
    from se_ambulance.pipeline.edition import make_edition

    result = make_edition(
        mirror=args.mirror, file=args.file, provenance=args.provenance, correction=args.correction, tests=args.tests
    )
    print(result.message)


def _cmd_params(args: argparse.Namespace) -> None:
    from se_ambulance.pipeline.params import allowed_text, leaf_fields

    for name, (_, field) in leaf_fields().items():  # by area: 'focus.trust', ...
        default = field.get_default(call_default_factory=True)
        default = default.model_dump() if hasattr(default, "model_dump") else default
        print(f"{name}\n  default: {default!r}\n  allowed: {allowed_text(field)}\n  {field.description}\n")


def _cmd_new_chapter(args: argparse.Namespace) -> None:
    from se_ambulance.pipeline.scaffold import new_chapter, sync_readme

    if args.sync or not args.name:
        print(f"{sync_readme()}: table of chapters written from _toc.yml")
        return
    made = new_chapter(args.name, args.areas or [], title=args.title, summary=args.summary, part=args.part)
    print(
        f"created {made.notebook}\ncreated {made.test}\nlisted in {made.toc}; README table written ({made.readme})\n"
        "next: write the chapter (CONTRIBUTING.md, Adding a chapter), then `make book`"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="se-ambulance", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("fetch", help="fetch and verify the raw data files into data/raw")
    p.add_argument("datasets", nargs="*", help="dataset ids (default: all in data/manifest.yaml)")
    p.add_argument("--mirror", help="a folder laid out like ../shared/data (default: $SE_AMBULANCE_DATA_MIRROR)")
    p.add_argument(
        "--update",
        action="store_true",
        help="adopt the newest release (the mirror's, --file, or the newest on the official page) after "
        "checking it, and pin it in the manifest as a new vintage (the old pin goes under previous:)",
    )
    p.add_argument(
        "--file",
        help="with --update and one dataset: adopt this downloaded release (under the name "
        "NHS England gave it, e.g. AmbSYS-to-Apr-2026-QWZX3.csv)",
    )
    p.add_argument(
        "--provenance",
        help="with --update: how this copy was obtained, when it is not NHS England's own "
        "download (added to the citation the sources page shows)",
    )
    p.add_argument(
        "--accept-organisation-change",
        action="store_true",
        help="with --update: adopt a release whose organisations differ from the pinned one's (a "
        "deliberate step, after se_ambulance.reference.orgs has been updated)",
    )
    p.set_defaults(func=_cmd_fetch)

    p = sub.add_parser("build", help="execute every chapter and build the site")
    p.add_argument("--params", type=Path, help="a YAML parameter file (default: params/default.yaml)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override one parameter (repeatable)")
    p.add_argument("--out", help="build a scenario book into this folder (new, empty, or an earlier output)")
    p.add_argument("--mirror", help="data mirror folder")
    p.add_argument("--force", action="store_true", help="re-execute every chapter even if nothing changed")
    p.add_argument(
        "--no-site", action="store_true", help="execute the chapters only (notebooks with their outputs); build no HTML"
    )
    p.add_argument(
        "--pdf",
        choices=("no", "auto", "yes"),
        default="no",
        help="also print the PDF edition (the book and a two-page briefing, linked from every page) with "
        "Chromium: yes, auto (when Chromium is installed), no (default)",
    )
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("atlas", help="the book for every trust in one site (trust-independent chapters once)")
    p.add_argument("--out", required=True, help="output folder (new, empty, or an earlier atlas)")
    p.add_argument("--trusts", help="comma-separated trust codes (default: all eleven)")
    p.add_argument("--params", type=Path, help="a YAML parameter file (default: params/default.yaml)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override one parameter (repeatable)")
    p.add_argument("--mirror", help="data mirror folder")
    p.add_argument("--force", action="store_true", help="re-execute every chapter even if nothing changed")
    p.set_defaults(func=_cmd_atlas)

    p = sub.add_parser("run", help="re-run one chapter with other parameters into its own folder")
    p.add_argument("chapter", help="chapter notebook name or part of it, e.g. 04_demand or demand")
    p.add_argument("--params", type=Path, help="a YAML parameter file (default: params/default.yaml)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override one parameter (repeatable)")
    p.add_argument("--out", help="output folder (default: _build/runs/CHAPTER-HASH)")
    p.add_argument("--mirror", help="data mirror folder")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser(
        "edition",
        help="make a new edition: update, canonical build, tests, PDF, release note "
        "(stops, changing nothing, if a step fails)",
    )
    p.add_argument(
        "--mirror",
        help="a folder laid out like ../shared/data (default: $SE_AMBULANCE_DATA_MIRROR; "
        "without one, the newest release on NHS England's page)",
    )
    p.add_argument("--file", help="adopt this downloaded AmbSYS release (under the name NHS England gave it)")
    p.add_argument(
        "--provenance",
        help="how the release's copy was obtained, when it is not NHS England's own download (added to its citation)",
    )
    p.add_argument(
        "--correction",
        metavar="TEXT",
        help="publish a correction: an edition with the same data and changed code, saying what it corrects",
    )
    p.add_argument(
        "--tests",
        default="full",
        choices=["full", "fast", "smoke"],
        help="the tests step: full = make test (the default, and what the scheduled workflow runs); "
        "fast = make test-fast; smoke = the editions record's own tests only (for testing this "
        "command in a temporary copy)",
    )
    p.set_defaults(func=_cmd_edition)

    p = sub.add_parser("params", help="list every parameter with its default and what is allowed")
    p.set_defaults(func=_cmd_params)

    p = sub.add_parser("new-chapter", help="scaffold a chapter: notebook, test file, _toc.yml entry, README table")
    p.add_argument("name", nargs="?", help="the chapter's name, e.g. staffing (the notebook is notebooks/NN_name)")
    p.add_argument(
        "--areas",
        action="append",
        metavar="AREA[,AREA.KEY...]",
        help="the parameter areas it reads, e.g. performance,group,focus.trust (see `se-ambulance params`)",
    )
    p.add_argument("--title", help="the page's title, a question it answers (default: from NAME)")
    p.add_argument("--summary", help="what it computes, for the README's table of chapters")
    p.add_argument("--part", default="More analyses", help="the _toc.yml part (caption) to add it to")
    p.add_argument("--sync", action="store_true", help="only write the README's table of chapters from _toc.yml")
    p.set_defaults(func=_cmd_new_chapter)

    args = parser.parse_args(argv)
    from se_ambulance.data.fetch import pin_mirror_env

    pin_mirror_env()  # a relative mirror means the folder this command was typed in, for kernels too
    with _sigterm_as_interrupt():
        try:
            args.func(args)
            sys.stdout.flush()
        except SeAmbulanceError as e:
            print(f"se-ambulance: error: {e}", file=sys.stderr)
            return 2
        except Terminated:
            print(
                "se-ambulance: interrupted (SIGTERM); finished files were kept, unfinished ones discarded.",
                file=sys.stderr,
            )
            return 143
        except KeyboardInterrupt:
            print("se-ambulance: interrupted; finished files were kept, unfinished ones discarded.", file=sys.stderr)
            return 130
        except BrokenPipeError:
            _quiet_stdout()  # the reader went away (`se-ambulance params | head`): not an error of ours
            return 141
        except OSError as e:
            print(f"se-ambulance: error: {_os_message(e)}", file=sys.stderr)
            return 2
    return 0


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so that a build stops and cleans up as on Ctrl-C."""


class _sigterm_as_interrupt:
    """While the command runs, SIGTERM raises Terminated (only the main thread can install handlers)."""

    def __enter__(self):
        self.installed = threading.current_thread() is threading.main_thread()
        if self.installed:

            def handler(signum, frame):
                raise Terminated()

            self.previous = signal.signal(signal.SIGTERM, handler)
        return self

    def __exit__(self, *exc):
        if self.installed:
            signal.signal(signal.SIGTERM, self.previous if self.previous is not None else signal.SIG_DFL)
        return False


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout is not a real file (e.g. captured in tests)
        pass


def _os_message(e: OSError) -> str:
    where = f" ({e.filename})" if e.filename else ""
    if e.errno in (errno.ENOSPC, errno.EDQUOT) and e.filename2:
        # a copy (shutil names the file it read first) or a move: the file that could not be written is the second
        where = f" (writing {e.filename2})"
    elif e.filename2:
        where = f" ({e.filename} -> {e.filename2})"
    if e.errno == errno.ENOSPC:
        return f"the disk is full{where}; free some space and run the command again."
    if e.errno == errno.EDQUOT:
        return f"the disk quota is exhausted{where}; free some space and run the command again."
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"permission denied{where}: {e.strerror}; write somewhere else (e.g. --out) or fix the permissions."
    return f"{e.strerror or e}{where}."


if __name__ == "__main__":
    sys.exit(main())
