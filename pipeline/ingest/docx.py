"""Word reports (``.docx``): paragraphs and tables in document order, via python-docx.

Each paragraph is one line; each table row is one line with its cells separated by `` | ``
(a merged cell is written once). Content controls (``w:sdt``) are entered, so text in form
fields is not lost. Headers, footers, comments and footnotes are left out: they repeat on every
page or are not the report's statements. Title and author come from the core properties.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# A .docx is a ZIP; refuse archives whose parts would expand to more than this (ZIP bombs).
MAX_UNCOMPRESSED = 200_000_000


class DocxProblem(Exception):
    pass


@dataclass
class DocxText:
    text: str
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)


def zip_kind(data: bytes) -> str:
    """``docx``, ``zip`` (another kind of archive) or ``damaged`` (truncated or corrupt)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "docx" if "word/document.xml" in z.namelist() else "zip"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "damaged"


def read_docx(data: bytes) -> DocxText:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise DocxProblem(f"not a ZIP archive ({e})") from e
    if "word/document.xml" not in names:
        raise DocxProblem("a ZIP archive without word/document.xml (not a Word document)")
    if total > MAX_UNCOMPRESSED:
        raise DocxProblem(f"its parts expand to {total} bytes (limit {MAX_UNCOMPRESSED})")
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:
        raise DocxProblem(f"{type(e).__name__}: {e}") from e
    lines: list[str] = []
    for el in _blocks(document.element.body):
        if el.tag == _W + "p":
            lines.append(Paragraph(el, document).text)
        else:
            lines.extend(_table_lines(Table(el, document)))
    props = document.core_properties
    meta = {"author": props.author or ""} if props.author else {}
    if props.created:
        meta["created"] = props.created.date().isoformat()
    return DocxText(text="\n".join(lines), title=(props.title or "").strip(), meta=meta)


def _blocks(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables in order, looking inside content controls (iteratively: no depth limit)."""
    stack = [iter(parent.iterchildren())]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
            continue
        if el.tag in (_W + "p", _W + "tbl"):
            yield el
        elif el.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            stack.append(iter(el.iterchildren()))


def _table_lines(table: Any) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            key = id(cell._tc)
            if key in seen:  # python-docx repeats a merged cell for every grid column it spans
                continue
            seen.add(key)
            cells.append(" ".join(p.text for p in cell.paragraphs).strip())
        line = " | ".join(cells).strip(" |")
        if line:
            yield line
