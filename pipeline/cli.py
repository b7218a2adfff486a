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

    summary = run(
        Path(args.input),
        Path(args.out),
        Path(args.rules) if args.rules else None,
        progress=not args.quiet,
        workers=args.workers,
        engine=args.engine,
        scheduler=args.scheduler,
        formats=("csv", args.format) if args.format != "csv" else ("csv",),
        excel=args.excel,
        fresh=args.fresh,
        checks=not args.no_checks,
        lang=args.lang,
    )
    for note in summary.notes:
        print(f"vnclaims: {note}", file=sys.stderr)
    print(
        f"vnclaims: {summary.documents} documents, {summary.claims} claims, {summary.checks} checks, "
        f"{summary.flags} flags, {summary.errors} errors -> {args.out} "
        f"(files: {summary.extracted} extracted, {summary.reused} reused, {summary.removed} removed)",
        file=sys.stderr,
    )
    if args.dump_text:
        from pipeline.ingest.dump import dump_store_texts

        n = dump_store_texts(Path(args.out), Path(args.dump_text))
        print(f"vnclaims: wrote the text of {n} documents -> {args.dump_text}", file=sys.stderr)
    return 0


def _check(args: argparse.Namespace) -> int:
    from pipeline.check import check_output
    from pipeline.rulefiles import cached_rules

    rules = cached_rules(Path(args.rules) if args.rules else None)
    n_checks, n_flags = check_output(Path(args.output), rules, args.lang)
    print(f"vnclaims: {n_checks} checks, {n_flags} flags -> {args.output}", file=sys.stderr)
    return 0


def _review(args: argparse.Namespace) -> int:
    from pipeline.review.app import export_csv

    if args.export:
        n = export_csv(Path(args.output), Path(args.export))
        print(f"vnclaims: {n} flags with their decisions -> {args.export}", file=sys.stderr)
        return 0
    from pipeline.review.server import serve

    try:
        serve(Path(args.output), args.host, args.port)
    except OSError as e:  # port in use, address not available
        print(f"vnclaims: cannot serve on {args.host}:{args.port}: {e.strerror or e}", file=sys.stderr)
        return 2
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
    r.add_argument("--workers", type=int, default=None, help="worker processes (default: the usable cores)")
    r.add_argument("--engine", choices=("local", "dask"), default="local", help="local processes or a Dask cluster")
    r.add_argument("--scheduler", default=None, help="Dask scheduler address tcp://HOST:PORT (--engine dask)")
    r.add_argument("--format", choices=("csv", "parquet"), default="csv", help="parquet: also write <table>.parquet")
    r.add_argument("--excel", action="store_true", help="also write vnclaims.xlsx (one sheet per table)")
    r.add_argument("--fresh", action="store_true", help="re-extract every article, ignoring stored results")
    r.add_argument("--no-checks", action="store_true", help="only extract: skip the cross-checks and the report")
    r.add_argument("--dump-text", metavar="DIR", default=None, help="write each document's text to DIR/<doc_id>.txt")
    r.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of flag messages (default: vi)")
    r.set_defaults(func=_run)
    c = sub.add_parser("check", help="check the claims of an existing output folder: checks.csv, flags.csv")
    c.add_argument("output", help="output folder holding claims.csv")
    c.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of flag messages (default: vi)")
    c.add_argument("--rules", default=None, help="rules folder (default: the project's rules/)")
    c.set_defaults(func=_check)
    v = sub.add_parser("review", help="review the flags of an output folder in the browser (decisions kept there)")
    v.add_argument("output", help="output folder of a run")
    v.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    v.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0 picks a free one)")
    v.add_argument("--export", metavar="FILE", default=None, help="write the flags with their decisions to FILE (CSV)")
    v.set_defaults(func=_review)
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
