"""What a file really is, from its first bytes, whatever its extension says.

Only distinctive signatures are listed; other binary content is caught when decoding (NUL
bytes, control characters).
"""

from __future__ import annotations

from pipeline.ingest.docx import zip_kind

# (magic bytes, kind, description); kinds other than pdf/docx/text are not readable articles.
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "unsupported", "a legacy Office file (.doc/.xls); save it as .docx"),
    (b"{\\rtf", "unsupported", "an RTF document; save it as .docx or .txt"),
    (b"\x89PNG", "binary", "a PNG image"),
    (b"\xff\xd8\xff", "binary", "a JPEG image"),
    (b"GIF8", "binary", "a GIF image"),
    (b"RIFF", "binary", "a RIFF (WebP/WAV/AVI) file"),
    (b"\x1f\x8b", "binary", "a gzip archive"),
    (b"\xfd7zXZ", "binary", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "binary", "a 7-Zip archive"),
    (b"Rar!", "binary", "a RAR archive"),
    (b"\x7fELF", "binary", "an executable"),
    (b"SQLite format 3\x00", "binary", "an SQLite database"),
)


def sniff(data: bytes) -> tuple[str, str]:
    """(kind, description): kind is pdf, docx, zip, damaged, unsupported, binary or text."""
    head = data[:1024]
    pos = head.find(b"%PDF-")
    if (
        pos == 0
        or (pos > 0 and not head[:pos].strip(b" \t\r\n\xef\xbb\xbf"))
        or (pos > 0 and b"endobj" in data[:65536])
    ):
        return "pdf", "a PDF document"
    if data.startswith(b"PK\x03\x04"):
        kind = zip_kind(data)
        if kind == "docx":
            return "docx", "a Word document"
        if kind == "damaged":
            return "damaged", "a truncated or corrupt ZIP archive (a damaged .docx?)"
        return "zip", "a ZIP archive that is not a Word (.docx) document"
    for magic, kind, what in _MAGIC:
        if data.startswith(magic):
            return kind, what
    return "text", "text"
