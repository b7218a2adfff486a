"""PDF reports: the text layer, page by page, via pypdf.

Pages are separated by a blank line. Within a page, a line break that only wraps a sentence
(the next line starts with a lower-case letter or a digit and the line does not end a
sentence) becomes a space — the same length, so nothing shifts — because the segmenter treats
a line break as a paragraph end. A PDF without a text layer (a scan) is reported (E017): it
needs OCR, which vnclaims does not do.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field

import regex

from pipeline.ingest.dates import parse_date_value

# pypdf reports every repaired cross-reference table at WARNING; a damaged file is reported by
# us when nothing can be read.
logging.getLogger("pypdf").setLevel(logging.ERROR)

_WRAP = regex.compile(r"(?<![.!?:;…\"”\n])\n(?=[ \t]*[\p{Ll}\d(])")


class PdfProblem(Exception):
    def __init__(self, code: str, problem: str) -> None:
        super().__init__(problem)
        self.code = code
        self.problem = problem


@dataclass
class PdfText:
    text: str
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)


def unwrap_lines(text: str) -> str:
    """Join lines that only wrap a sentence (``\\n`` → `` ``; same length)."""
    return _WRAP.sub(" ", text)


def read_pdf(data: bytes) -> PdfText:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfProblem("E016", "encrypted with a password")
        pages = list(reader.pages)
    except PdfProblem:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError) as e:
        raise PdfProblem("E016", f"damaged PDF ({type(e).__name__}: {e})") from e
    texts: list[str] = []
    failed = 0
    for page in pages:
        try:
            texts.append(unwrap_lines((page.extract_text() or "").strip()))
        except Exception:  # one bad page (broken font or content stream) must not lose the others
            failed += 1
            texts.append("")
    text = "\n\n".join(t for t in texts if t)
    if not text.strip():
        why = "no text layer (a scanned document? it needs OCR)" if not failed else "no page could be read"
        raise PdfProblem("E017", f"{why}; {len(pages)} page(s)")
    meta = {"pages": str(len(pages))}
    if failed:
        meta["note"] = f"{failed} page(s) could not be read"
    title = created = ""
    try:
        info = reader.metadata
        if info is not None:
            title = str(info.title or "").strip()
            if info.author:
                meta["author"] = str(info.author)
            raw = info.get("/CreationDate")
            created = _pdf_date(str(raw)) if raw else ""
    except Exception:  # broken metadata is not worth losing the text for
        pass
    if created:  # when the file was made, not when the article appeared: kept as a hint only
        meta["created"] = created
    return PdfText(text=text, title=title, meta=meta)


def _pdf_date(raw: str) -> str:
    """``D:20220315…`` → ``2022-03-15``."""
    m = re.match(r"D?:?(\d{4})(\d{2})(\d{2})", raw.strip())
    return parse_date_value(f"{m[1]}-{m[2]}-{m[3]}") if m else ""
