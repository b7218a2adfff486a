"""``--dump-text DIR``: write each Document's text to ``DIR/<doc_id>.txt`` so offsets can be checked.

The file holds exactly ``Document.text`` (UTF-8, no BOM, line endings untouched), so
``open(path, encoding="utf-8", newline="").read()[claim.start:claim.end] == claim.text``.
The texts come from the run's article store (what extraction saw), not from re-reading inputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from pipeline.model import Document


def dump_path(dump_dir: Path, doc_id: str) -> Path:
    """``DIR/<doc_id>.txt``; subfolders of the doc_id become subfolders, nothing escapes DIR."""
    parts = [p for p in PurePosixPath(doc_id.replace("\\", "/")).parts if p not in ("", ".", "..", "/")]
    safe = [p.replace(":", "_") for p in parts] or ["_"]
    return dump_dir.joinpath(*safe[:-1], safe[-1] + ".txt")


def write_text(dump_dir: Path, doc_id: str, text: str) -> Path:
    path = dump_path(dump_dir, doc_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


def dump_documents(docs: Iterable[Document], dump_dir: Path) -> int:
    n = 0
    for doc in docs:
        write_text(dump_dir, doc.doc_id, doc.text)
        n += 1
    return n


def dump_store_texts(out_dir: Path, dump_dir: Path) -> int:
    """Write every stored article text of a finished run in ``out_dir``; returns how many."""
    from pipeline.output import iter_texts

    n = 0
    for doc_id, text in iter_texts(out_dir):
        write_text(dump_dir, doc_id, text)
        n += 1
    return n
