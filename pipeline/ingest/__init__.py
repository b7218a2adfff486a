"""Stage 1 — ingest: turn files under a folder into Documents (or ReadErrors), never raising.

``iter_documents(root)`` walks the folder in a stable order and yields one ``Document`` per
article, or a ``ReadError`` naming the file and the problem, so one bad file never stops a batch.

Formats: ``.txt``/``.md``, ``.html``/``.htm`` (main text and metadata via trafilatura),
``.json``/``.jsonl`` (one article per record, doc_id ``file#id`` or ``file#n``), ``.docx``
(paragraphs and tables) and ``.pdf`` (text layer). The content decides, not the extension: a
``.txt`` that holds HTML is read as HTML, a ``.docx`` that is really a PDF as a PDF.

Every Document's ``text`` is what all offsets point into and what ``--dump-text`` writes: the
decoded text (UTF-8/16, Windows-1258, TCVN3 and VNI converted, see ``encoding``), normalised by
``normalize_text`` (NFC, one tone placement, plain spaces, no invisible characters). For a UTF-8
``.txt`` that needs none of that it is exactly the NFC of the file. ``published`` comes from
metadata or the dateline (``dates``).

``Document.meta`` says how a text was obtained: ``format`` (text, html, json, docx, pdf),
``encoding`` (utf-8, utf-16, cp1258, tcvn3, vni, utf-8+vni …), ``published_from`` (metadata, or
the dateline rule id, ``+inferred-year`` when the year was guessed from the text), ``note``
(wrong extension, truncated character, replaced bytes), and where known ``author``, ``url``,
``extractor``, ``pages``, ``record`` (n of a dump) and ``created`` (a file property, not the
publication date).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import Errors
from pipeline.ingest.config import IngestConfig, load_ingest_config
from pipeline.ingest.dates import find_dateline
from pipeline.ingest.encoding import DecodeProblem, decode_bytes, fix_legacy_text
from pipeline.ingest.text import ToneStyle
from pipeline.ingest.text import normalize_text as _normalize
from pipeline.model import Document, ReadError
from pipeline.rulefiles import RuleSet

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
DOCX_SUFFIXES = {".docx"}
PDF_SUFFIXES = {".pdf"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES | DOCX_SUFFIXES | PDF_SUFFIXES
# Article formats people will drop in that vnclaims cannot read: listed so they get an error row
# saying what to do, instead of being skipped in silence.
UNSUPPORTED = {
    ".doc": "legacy Word 97-2003 document; save it as .docx",
    ".rtf": "RTF document; save it as .docx or .txt",
    ".odt": "OpenDocument text; save it as .docx",
}

__all__ = [
    "SUFFIXES",
    "doc_id_for",
    "iter_documents",
    "list_files",
    "normalize_text",
    "read_bytes",
    "read_document",
]


def list_files(root: Path) -> list[Path]:
    """Every article file under ``root`` (or ``root`` itself), sorted by its doc_id.

    Hidden files and folders (``.git``, ``.DS_Store``) are left out.
    """
    if root.is_file():
        return [root]
    wanted = SUFFIXES | UNSUPPORTED.keys()
    return sorted(
        (
            p
            for p in root.rglob("*")
            if p.suffix.lower() in wanted
            and not any(part.startswith(".") for part in p.relative_to(root).parts)
            and p.is_file()
        ),
        key=lambda p: p.relative_to(root).as_posix(),
    )


def doc_id_for(path: Path, root: Path) -> str:
    return path.name if root.is_file() else path.relative_to(root).as_posix()


def normalize_text(text: str, tone_style: ToneStyle = "old") -> str:
    """NFC, one tone placement (``hoà`` → ``hòa``), plain spaces, no zero-width characters."""
    return _normalize(text, tone_style)


def read_document(
    path: Path, root: Path, config: IngestConfig | None = None, rules: RuleSet | None = None
) -> list[Document | ReadError]:
    """The article(s) of one file; problems come back as ReadErrors, never as exceptions."""
    cfg = config or _config(rules)
    doc_id = doc_id_for(path, root)
    try:
        size = path.stat().st_size
        if size > cfg.max_bytes:
            return [ReadError(doc_id, Errors.E014.format(path=doc_id, size=size, limit=cfg.max_bytes))]
        data = path.read_bytes()
    except OSError as e:
        return [ReadError(doc_id, Errors.E010.format(path=doc_id, problem=e.strerror or str(e)))]
    return read_bytes(data, doc_id, path.suffix, source=str(path), config=cfg)


def iter_documents(
    root: Path, config: IngestConfig | None = None, rules: RuleSet | None = None
) -> Iterator[Document | ReadError]:
    cfg = config or _config(rules)
    for path in list_files(root):
        yield from read_document(path, root, cfg)


def read_bytes(
    data: bytes, doc_id: str, suffix: str = ".txt", source: str = "", config: IngestConfig | None = None
) -> list[Document | ReadError]:
    """The article(s) in a file's bytes; ``suffix`` is the file's extension (a hint, not trusted)."""
    cfg = config or _config(None)
    try:
        return _read(data, doc_id, suffix.lower(), source, cfg)
    except Exception as e:  # a reader bug must cost one file, not the batch
        problem = f"unexpected {type(e).__name__}: {e}"
        return [ReadError(doc_id, Errors.E016.format(path=doc_id, kind="file", problem=problem[:300]))]


def _config(rules: RuleSet | None) -> IngestConfig:
    return load_ingest_config(rules)


# --- dispatch ----------------------------------------------------------------------------------


@dataclass
class _Raw:
    """What a format reader found, before normalisation."""

    text: str
    title: str = ""
    published: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    # Headlines of web pages and dumps belong to the article; PDF/DOCX titles are file
    # properties ("Microsoft Word - baocao.doc", a template's name) and are not put in the text.
    title_in_text: bool = True


def _error(doc_id: str, code: str, **kw: object) -> list[Document | ReadError]:
    return [ReadError(doc_id, getattr(Errors, code).format(path=doc_id, **kw))]


def _read(data: bytes, doc_id: str, suffix: str, source: str, cfg: IngestConfig) -> list[Document | ReadError]:
    if len(data) > cfg.max_bytes:
        return _error(doc_id, "E014", size=len(data), limit=cfg.max_bytes)
    if suffix in UNSUPPORTED and not data.startswith((b"%PDF", b"PK\x03\x04")):
        return _error(doc_id, "E013", suffix=f"{suffix} ({UNSUPPORTED[suffix]})")
    if not data.strip():
        return _error(doc_id, "E012")
    from pipeline.ingest.sniff import sniff

    kind, what = sniff(data)
    meta: dict[str, str] = {}
    if kind == "pdf":
        return _read_pdf(data, doc_id, source, cfg, _wrong(suffix, PDF_SUFFIXES, what))
    if kind == "docx":
        return _read_docx(data, doc_id, source, cfg, _wrong(suffix, DOCX_SUFFIXES, what))
    if kind == "unsupported":
        return _error(doc_id, "E013", suffix=f"{suffix or '(none)'}: {what}")
    if kind == "damaged":
        return _error(doc_id, "E016", kind="file", problem=what)
    if kind in ("binary", "zip"):
        return _error(doc_id, "E011", problem=what)
    if suffix in DOCX_SUFFIXES | PDF_SUFFIXES:
        meta["note"] = f"named {suffix} but holds text"
    try:
        decoded = decode_bytes(data)
    except DecodeProblem as e:
        return _error(doc_id, e.code, problem=e.problem)
    text = decoded.text
    meta["encoding"] = decoded.encoding
    if decoded.note:
        meta["note"] = "; ".join(filter(None, [meta.get("note", ""), decoded.note]))
    if suffix in JSON_SUFFIXES | JSONL_SUFFIXES:
        return _read_json(text, doc_id, suffix, source, cfg, meta)
    from pipeline.ingest.html import looks_like_html

    if (suffix in HTML_SUFFIXES and "<" in text) or looks_like_html(text):
        if suffix not in HTML_SUFFIXES:
            meta["note"] = "; ".join(filter(None, [meta.get("note", ""), f"named {suffix or '(none)'} but holds HTML"]))
        return _read_html(data, text, doc_id, source, cfg, meta)
    meta["format"] = "text"
    return [_finish(doc_id, _Raw(text, meta=meta), source, cfg)]


def _wrong(suffix: str, expected: set[str], what: str) -> dict[str, str]:
    return {} if suffix in expected else {"note": f"named {suffix or '(none)'} but holds {what}"}


def _read_pdf(
    data: bytes, doc_id: str, source: str, cfg: IngestConfig, meta: dict[str, str]
) -> list[Document | ReadError]:
    from pipeline.ingest.pdf import PdfProblem, read_pdf

    try:
        got = read_pdf(data)
    except PdfProblem as e:
        if e.code == "E017":
            return _error(doc_id, "E017", problem=e.problem)
        return _error(doc_id, "E016", kind="PDF", problem=e.problem)
    text, legacy = fix_legacy_text(got.text)
    meta = {"format": "pdf", **got.meta, **meta, **({"encoding": legacy} if legacy else {})}
    return [_finish(doc_id, _Raw(text, got.title, "", meta, title_in_text=False), source, cfg)]


def _read_docx(
    data: bytes, doc_id: str, source: str, cfg: IngestConfig, meta: dict[str, str]
) -> list[Document | ReadError]:
    from pipeline.ingest.docx import DocxProblem, read_docx

    try:
        got = read_docx(data)
    except DocxProblem as e:
        return _error(doc_id, "E016", kind="Word document", problem=str(e))
    text, legacy = fix_legacy_text(got.text)
    meta = {"format": "docx", **got.meta, **meta, **({"encoding": legacy} if legacy else {})}
    return [_finish(doc_id, _Raw(text, got.title, "", meta, title_in_text=False), source, cfg)]


def _read_html(
    data: bytes, text: str, doc_id: str, source: str, cfg: IngestConfig, meta: dict[str, str]
) -> list[Document | ReadError]:
    from pipeline.ingest.html import declared_charset, extract_html

    charset = declared_charset(data)
    if charset in ("windows-1258", "cp1258") and _is_8bit(meta):
        # The page says Windows-1258; pages in legacy fonts declare Latin-1/1252 instead, and
        # for those the syllable test's guess (TCVN3, VNI) is the better one.
        text = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
        meta["encoding"] = "cp1258"
    got = extract_html(text)
    body, legacy = fix_legacy_text(got.text)
    if legacy:
        meta["encoding"] = f"{meta.get('encoding', '')}+{legacy}"
    meta = {"format": "html", **got.meta, **meta}
    return [_finish(doc_id, _Raw(body, fix_legacy_text(got.title)[0], got.published, meta), source, cfg)]


def _is_8bit(meta: dict[str, str]) -> bool:
    return meta.get("encoding", "") in ("cp1258", "tcvn3", "vni")


def _read_json(
    text: str, doc_id: str, suffix: str, source: str, cfg: IngestConfig, meta: dict[str, str]
) -> list[Document | ReadError]:
    from pipeline.ingest.jsonl import JsonProblem, assign_ids, read_json, read_jsonl

    settings = cfg.json_
    by_line = suffix in JSONL_SUFFIXES
    try:
        if by_line:
            records = read_jsonl(text, settings)
        else:
            try:
                records = read_json(text, settings)
            except JsonProblem:
                # A .json file that is really JSON Lines (one object per line) is common in dumps.
                lines = [ln for ln in text.splitlines() if ln.strip()]
                if len(lines) < 2 or not all(ln.lstrip().startswith("{") for ln in lines[:5]):
                    raise
                records = read_jsonl(text, settings)
                by_line = True
    except JsonProblem as e:
        return _error(doc_id, "E018", problem=str(e))
    out: list[Document | ReadError] = []
    for rec, sub in zip(records, assign_ids(records, settings), strict=True):
        rid = doc_id + sub
        if rec.problem:
            where = f"line {rec.n}" if by_line else f"record {rec.n}"
            out.append(ReadError(rid, Errors.E019.format(path=doc_id, where=where, problem=rec.problem)))
            continue
        body, legacy = fix_legacy_text(rec.text)
        rmeta = {"format": "json", **meta, **rec.meta, "record": str(rec.n)}
        if legacy:
            rmeta["encoding"] = f"{rmeta.get('encoding', '')}+{legacy}"
        out.append(_finish(rid, _Raw(body, rec.title, rec.published, rmeta), source, cfg))
    return out


# --- the common end: normalise, title, date ---------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _finish(doc_id: str, raw: _Raw, source: str, cfg: IngestConfig) -> Document | ReadError:
    text = normalize_text(raw.text, cfg.tone_style)
    title = _one_line(normalize_text(raw.title, cfg.tone_style)) if raw.title else ""
    if cfg.include_title and raw.title_in_text and title and not _starts_with(text, title):
        text = f"{title}\n\n{text}"
    if not text.strip():
        return ReadError(
            doc_id, Errors.E017.format(path=doc_id, problem="nothing but whitespace or invisible characters")
        )
    if not title:
        title = _first_line(text)
    meta = raw.meta
    published = raw.published
    if published:
        meta["published_from"] = "metadata"
    else:
        found = find_dateline(text, cfg.dateline)
        if found is not None:
            published = found.date
            meta["published_from"] = found.how
    return Document(doc_id=doc_id, text=text, source=source, title=title, published=published, meta=meta)


def _starts_with(text: str, title: str) -> bool:
    """The body already opens with its headline: the title and the first line contain one another.

    Page titles often carry the site's name ("… | Báo X") while the body's first line is the
    bare headline; either way the headline must not be there twice.
    """
    t = title.casefold()
    first = _one_line(_first_line(text[: len(title) * 3 + 300]) or "").casefold()
    if not first:
        return False
    return first in t or t in first


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= 300 else ""
    return ""
