"""Command line: a thin layer that parses arguments, calls library functions, maps errors to exits.

Exit status: 0 on success (even when some files could not be read — they are in errors.csv),
1 when nothing could be read, 2 on a usage error (bad arguments, bad rule files).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.errors import InputError, RuleFileError, VnclaimsError


def _run(args: argparse.Namespace) -> int:
    from pipeline.runner import run

    summary = run(Path(args.input), Path(args.out), Path(args.rules) if args.rules else None, progress=not args.quiet)
    print(
        f"vnclaims: {summary.documents} documents, {summary.claims} claims, {summary.checks} checks, "
        f"{summary.flags} flags, {summary.errors} errors -> {args.out}",
        file=sys.stderr,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="vnclaims", description="Extract and cross-check numeric claims in Vietnamese text."
    )
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="extract claims from every article under a folder and check them")
    r.add_argument("input", help="folder (or file) of articles")
    r.add_argument("--out", default="output", help="output folder (default: output/)")
    r.add_argument("--rules", default=None, help="rules folder (default: the project's rules/)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.set_defaults(func=_run)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except RuleFileError as e:
        print("vnclaims: the rule files have problems:\n  " + "\n  ".join(e.problems), file=sys.stderr)
        return 2
    except InputError as e:
        print(f"vnclaims: {e}", file=sys.stderr)
        return 1
    except VnclaimsError as e:
        print(f"vnclaims: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
