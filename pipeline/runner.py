"""Orchestration of ``vnclaims run``: ingest → extract → attribute → check → write outputs."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from pipeline.api import extract_document
from pipeline.errors import Errors, InputError
from pipeline.ingest import iter_documents, list_files
from pipeline.model import CLAIM_COLUMNS, ERROR_COLUMNS, Claim, Document, ReadError
from pipeline.output import write_csv
from pipeline.rulefiles import cached_rules


@dataclass
class RunSummary:
    documents: int
    errors: int
    claims: int
    checks: int = 0
    flags: int = 0


def run(input_dir: Path, out_dir: Path, rules_dir: Path | None = None, progress: bool = True) -> RunSummary:
    if not input_dir.exists():
        raise InputError(Errors.E020.format(path=input_dir))
    rules = cached_rules(rules_dir)
    files = list_files(input_dir)
    claims: list[Claim] = []
    errors: list[ReadError] = []
    docs = 0
    bar = tqdm(total=len(files), unit="file", disable=not progress or len(files) < 2, file=sys.stderr)
    for item in iter_documents(input_dir):
        if isinstance(item, ReadError):
            errors.append(item)
            print(f"vnclaims: {item.error}", file=sys.stderr)
        elif isinstance(item, Document):
            docs += 1
            try:
                claims.extend(extract_document(item, rules))
            except Exception as e:  # a bug on one article must not lose the others
                errors.append(ReadError(item.doc_id, f"extraction failed: {type(e).__name__}: {e}"))
                print(f"vnclaims: {item.doc_id}: extraction failed: {e}", file=sys.stderr)
        bar.update(1)
    bar.close()
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(out_dir / "claims.csv", CLAIM_COLUMNS, (c.row() for c in claims))
    write_csv(out_dir / "errors.csv", ERROR_COLUMNS, ({"doc_id": e.doc_id, "error": e.error} for e in errors))
    if docs == 0:
        raise InputError(Errors.E021.format(path=input_dir))
    return RunSummary(documents=docs, errors=len(errors), claims=len(claims))
