"""Settings of the ingest stage, read from ``rules/ingest.yaml`` (every key optional).

The file is validated strictly (unknown keys are errors) like every other rule file. A rules
folder without ``ingest.yaml`` gets the defaults below.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.rulefiles import RuleSet, default_rules_dir, load_yaml_strict, validate_file


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class JsonFields(_Strict):
    """Field names tried in order for each part of an article record (first non-empty wins)."""

    id: list[str] = ["id", "_id", "doc_id", "article_id", "guid", "uuid"]
    title: list[str] = ["title", "headline", "name", "tieu_de"]
    text: list[str] = ["content", "body", "text", "article", "articleBody", "article_body", "noi_dung", "fulltext"]
    date: list[str] = ["date", "published", "published_at", "publish_date", "pubDate", "datePublished", "time"]
    url: list[str] = ["url", "link", "source_url", "canonical_url", "href"]
    author: list[str] = ["author", "authors", "byline", "tac_gia"]


class JsonSettings(_Strict):
    # A top-level object holding the records under one of these keys: {"articles": [...]}.
    record_lists: list[str] = ["articles", "items", "data", "results", "docs", "documents", "posts", "records"]
    fields: JsonFields = JsonFields()
    # An id field is used in the doc_id (path#id) only when it looks like this; else path#n.
    id_pattern: str = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$"


class DateExample(_Strict):
    text: str
    date: str  # YYYY-MM-DD, or "" when the rule must not give a date


class DatelineRule(_Strict):
    id: str
    pattern: str  # named groups d, m and (optionally) y; d0 for the first day of "9-10/4"
    year: Literal["explicit", "infer"] = "explicit"
    multiline: bool = False
    shift_days: int = 0  # the article appeared this many days after the date found ("hôm qua")
    examples: list[DateExample] = Field(min_length=1)
    negative: list[str] = []


class DatelineSettings(_Strict):
    search_chars: int = 1500  # datelines are looked for only at the top of an article
    min_year: int = 1990
    max_year: int = 2100
    rules: list[DatelineRule] = []


class IngestConfig(_Strict):
    max_bytes: int = 20_000_000
    tone_style: Literal["old", "new", "keep"] = "old"
    include_title: bool = True
    json_: JsonSettings = Field(default=JsonSettings(), alias="json")
    dateline: DatelineSettings = DatelineSettings()


_CACHE: dict[tuple[str, int], IngestConfig] = {}


@cache
def _default_path(env: str | None) -> Path:
    """The default rules folder's ingest.yaml (resolving it costs more than reading a small article)."""
    return default_rules_dir() / "ingest.yaml"


def load_ingest_config(rules: RuleSet | Path | str | None = None) -> IngestConfig:
    """The ingest settings of a rules folder (or RuleSet); defaults when it has no ingest.yaml."""
    if isinstance(rules, RuleSet):
        data = rules.get("ingest")
        path = Path(rules.directory) / "ingest.yaml"
        return IngestConfig() if data is None else validate_file(path, data, IngestConfig)
    path = Path(rules) / "ingest.yaml" if rules is not None else _default_path(os.environ.get("VNCLAIMS_RULES"))
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return IngestConfig()
    key = (str(path), stamp)
    if key not in _CACHE:
        _CACHE[key] = validate_file(path, load_yaml_strict(path), IngestConfig)
    return _CACHE[key]
