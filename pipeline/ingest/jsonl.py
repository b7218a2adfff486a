"""Scraper dumps: ``.json`` (an array of articles, an object holding one, or one article) and
``.jsonl`` (one article per line). Field names come from ``rules/ingest.yaml`` (``json.fields``).

Each record becomes its own article with doc_id ``<file>#<id>`` when every record has a
distinct id of a safe shape, else ``<file>#<n>`` (n counts records from 1; for JSON Lines it is
the line number, so it survives blank or broken lines). A broken record is reported on its own
and never stops the others.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pipeline.ingest.config import JsonSettings
from pipeline.ingest.dates import parse_date_value
from pipeline.ingest.html import html_to_text

_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
_HTML_FRAGMENT = re.compile(r"<(?:p|div|br|span|h[1-6]|li|table|a|strong|em|b|i)\b[^>]*>", re.IGNORECASE)


class JsonProblem(Exception):
    """The whole file cannot be read as JSON articles."""


@dataclass
class Record:
    n: int  # 1-based record number (line number for JSON Lines)
    text: str = ""
    title: str = ""
    published: str = ""
    record_id: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    problem: str = ""  # why this record gives no article


def _first(obj: dict[str, Any], names: list[str]) -> Any:
    for name in names:
        value = obj.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


def _as_text(value: Any) -> str:
    """A field value as text: strings as they are, lists of paragraphs joined by line breaks."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(_as_text(v) for v in value if v not in (None, ""))
    if isinstance(value, dict):  # {"name": "…"} authors, {"rendered": "…"} WordPress fields
        for key in ("rendered", "text", "name", "value", "content"):
            if isinstance(value.get(key), str):
                return str(value[key])
        return ""
    if isinstance(value, bool) or value is None:
        return ""
    return str(value)


def _record(n: int, obj: Any, settings: JsonSettings) -> Record:
    if not isinstance(obj, dict):
        return Record(n, problem=f"expected an object, found {type(obj).__name__}")
    f = settings.fields
    raw_id = _first(obj, f.id)
    record_id = "" if raw_id is None or isinstance(raw_id, dict | list) else str(raw_id)
    body = _first(obj, f.text)
    if body is None:
        return Record(n, record_id=record_id, problem=f"no text field (looked for {', '.join(f.text)})")
    text = _as_text(body)
    meta: dict[str, str] = {}
    if _HTML_FRAGMENT.search(text):
        text = html_to_text(text).text
        meta["extractor"] = "html.parser"
    elif _ENTITY.search(text):  # "Lợi nhuận &amp; doanh thu", "&#7841;": escaped but untagged
        text = html.unescape(text)
    if not text.strip():
        return Record(n, record_id=record_id, problem="text field is empty")
    title = _as_text(_first(obj, f.title) or "").strip()
    if _HTML_FRAGMENT.search(title) or _ENTITY.search(title):
        title = html_to_text(title).text
    for key, names in (("url", f.url), ("author", f.author)):
        value = _as_text(_first(obj, names) or "").strip()
        if value:
            meta[key] = value[:500]
    return Record(
        n,
        text=text,
        title=title,
        published=parse_date_value(_first(obj, f.date)),
        record_id=record_id,
        meta=meta,
    )


def _loads(text: str) -> Any:
    return json.loads(text)


def read_json(text: str, settings: JsonSettings) -> list[Record]:
    """Records of a ``.json`` file; raises JsonProblem when it is not JSON or holds no records."""
    try:
        data = _loads(text)
    except json.JSONDecodeError as e:
        raise JsonProblem(f"{e.msg} at line {e.lineno} column {e.colno}") from e
    except RecursionError as e:
        raise JsonProblem("nested too deeply") from e
    if isinstance(data, dict):
        for key in settings.record_lists:
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            data = [data]
    if not isinstance(data, list):
        raise JsonProblem(f"expected an array or object of articles, found {type(data).__name__}")
    if not data:
        raise JsonProblem("no records")
    return [_record(i, obj, settings) for i, obj in enumerate(data, start=1)]


def read_jsonl(text: str, settings: JsonSettings) -> list[Record]:
    """Records of a JSON Lines file, numbered by line; a bad line is a record with a problem."""
    out: list[Record] = []
    for n, line in _lines(text):
        try:
            obj = _loads(line)
        except json.JSONDecodeError as e:
            out.append(Record(n, problem=f"not valid JSON: {e.msg} at column {e.colno}"))
            continue
        except RecursionError:
            out.append(Record(n, problem="not valid JSON: nested too deeply"))
            continue
        out.append(_record(n, obj, settings))
    if not out:
        raise JsonProblem("no records")
    return out


def _lines(text: str) -> Iterator[tuple[int, str]]:
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield n, line


def assign_ids(records: list[Record], settings: JsonSettings) -> list[str]:
    """The "#…" suffix of each record's doc_id: its id when safe and unique in the file, else its n.

    If an id could be mistaken for another record's number, every record uses its number.
    """
    pattern = re.compile(settings.id_pattern)
    counts: dict[str, int] = {}
    for r in records:
        counts[r.record_id] = counts.get(r.record_id, 0) + 1
    keys = [
        r.record_id if r.record_id and counts[r.record_id] == 1 and pattern.fullmatch(r.record_id) else str(r.n)
        for r in records
    ]
    if len(set(keys)) < len(keys):
        keys = [str(r.n) for r in records]
    return [f"#{k}" for k in keys]
