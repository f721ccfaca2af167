"""The `se-ambulance` command: fetch data, build the book, list parameters."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from se_ambulance.errors import SeAmbulanceError


def _cmd_fetch(args: argparse.Namespace) -> None:
    from se_ambulance.data.fetch import fetch

    paths = fetch(args.datasets or None, mirror=args.mirror, update=args.update)
    for key, path in paths.items():
        print(f"{key}: {path}")


def _cmd_build(args: argparse.Namespace) -> None:
    from se_ambulance.pipeline.build import build
    from se_ambulance.pipeline.params import parse_set

    build(params_file=args.params, overrides=parse_set(args.set), out=args.out, mirror=args.mirror,
          force=args.force)


def _cmd_run(args: argparse.Namespace) -> None:
    from se_ambulance.pipeline.build import run_one
    from se_ambulance.pipeline.params import parse_set

    run_one(args.chapter, params_file=args.params, overrides=parse_set(args.set), out=args.out, mirror=args.mirror)


def _cmd_params(args: argparse.Namespace) -> None:
    from se_ambulance.pipeline.params import BookParams, allowed_text

    for name, field in BookParams.model_fields.items():
        default = field.get_default(call_default_factory=True)
        default = default.model_dump() if hasattr(default, "model_dump") else default
        print(f"{name}\n  default: {default!r}\n  allowed: {allowed_text(field)}\n  {field.description}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="se-ambulance", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("fetch", help="fetch and verify the raw data files into data/raw")
    p.add_argument("datasets", nargs="*", help="dataset ids (default: all in data/manifest.yaml)")
    p.add_argument("--mirror", help="a folder laid out like ../shared/data (default: $SE_AMBULANCE_DATA_MIRROR)")
    p.add_argument("--update", action="store_true",
                   help="accept a file whose sha256 differs and record it in the manifest as a new vintage")
    p.set_defaults(func=_cmd_fetch)

    p = sub.add_parser("build", help="execute every chapter and build the site")
    p.add_argument("--params", type=Path, help="a YAML parameter file (default: params/default.yaml)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override one parameter (repeatable)")
    p.add_argument("--out", type=Path, help="build a scenario book into this folder")
    p.add_argument("--mirror", help="data mirror folder")
    p.add_argument("--force", action="store_true", help="re-execute every chapter even if nothing changed")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("run", help="re-run one chapter with other parameters into its own folder")
    p.add_argument("chapter", help="chapter notebook name or part of it, e.g. 04_demand or demand")
    p.add_argument("--params", type=Path, help="a YAML parameter file (default: params/default.yaml)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override one parameter (repeatable)")
    p.add_argument("--out", type=Path, help="output folder (default: _build/runs/CHAPTER-HASH)")
    p.add_argument("--mirror", help="data mirror folder")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("params", help="list every parameter with its default and what is allowed")
    p.set_defaults(func=_cmd_params)

    args = parser.parse_args(argv)
    try:
        args.func(args)
    except SeAmbulanceError as e:
        print(f"se-ambulance: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("se-ambulance: interrupted; finished files were kept, unfinished ones discarded.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
