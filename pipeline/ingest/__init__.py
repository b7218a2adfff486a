"""Stage 1 — ingest: turn files under a folder into Documents (or ReadErrors), never raising.

``iter_documents(root)`` walks the folder in a stable order and yields one ``Document`` per
article, or a ``ReadError`` naming the file and the problem, so one bad file never stops a batch.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import Errors
from pipeline.model import Document, ReadError

TEXT_SUFFIXES = {".txt", ".md"}
SUFFIXES = TEXT_SUFFIXES


def list_files(root: Path) -> list[Path]:
    """Every article file under ``root`` (or ``root`` itself), sorted by its doc_id."""
    if root.is_file():
        return [root]
    return sorted(
        (p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")),
        key=lambda p: p.relative_to(root).as_posix(),
    )


def doc_id_for(path: Path, root: Path) -> str:
    return path.name if root.is_file() else path.relative_to(root).as_posix()


def normalize_text(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def read_document(path: Path, root: Path) -> list[Document | ReadError]:
    doc_id = doc_id_for(path, root)
    try:
        data = path.read_bytes()
    except OSError as e:
        return [ReadError(doc_id, Errors.E010.format(path=doc_id, problem=e.strerror or str(e)))]
    if not data.strip():
        return [ReadError(doc_id, Errors.E012.format(path=doc_id))]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return [ReadError(doc_id, Errors.E011.format(path=doc_id, problem=f"not UTF-8 ({e.reason} at byte {e.start})"))]
    if "\x00" in text:
        return [ReadError(doc_id, Errors.E011.format(path=doc_id, problem="contains NUL bytes (binary?)"))]
    return [Document(doc_id=doc_id, text=normalize_text(text), source=str(path))]


def iter_documents(root: Path) -> Iterator[Document | ReadError]:
    for path in list_files(root):
        yield from read_document(path, root)
