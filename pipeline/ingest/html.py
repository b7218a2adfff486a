"""Saved web pages: the article's main text and metadata, without menus, footers or related lists.

trafilatura finds the main content and reads title, author and date from the page's metadata.
When it finds nothing (a page it cannot parse, or nesting deeper than lxml accepts), a plain
streaming parser (``html.parser``, no recursion, so any depth is safe) keeps the text outside
navigation, headers, footers, asides, forms and scripts. HTML fragments in JSON dumps go
straight to that parser: trafilatura discards short fragments as boilerplate.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from pipeline.ingest.dates import parse_date_value

# trafilatura logs every page it finds too short at WARNING on its own logger; the outcome is
# reported by us (E017) instead.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE)
_TAGS = re.compile(r"<(?:!doctype\s+html|html|head|body|p|div|br|article|table|span|h[1-6])\b", re.IGNORECASE)


@dataclass
class HtmlText:
    text: str
    title: str = ""
    published: str = ""
    meta: dict[str, str] = field(default_factory=dict)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KB (``<meta charset>`` or http-equiv)."""
    m = _CHARSET.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def looks_like_html(text: str) -> bool:
    """A page, not prose that mentions a tag: it opens with markup (a doctype, <html>, or a tag
    followed by several more block tags in the first 4 KB)."""
    head = text[:4096]
    stripped = head.lstrip("\ufeff \t\r\n")
    if not stripped.startswith("<"):
        return False
    if stripped[:15].lower().startswith(("<!doctype html", "<html")):
        return True
    return len(_TAGS.findall(head)) >= 3


def extract_html(html: str) -> HtmlText:
    """Main text and metadata of a page; ``text`` is "" when the page has no readable text."""
    try:
        import trafilatura

        doc = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    except (Exception, RecursionError):  # a page trafilatura chokes on falls back to the plain parser
        doc = None
    text = getattr(doc, "text", None) or ""
    if text.strip():
        meta = {"extractor": "trafilatura"}
        for key in ("author", "url", "sitename", "hostname"):
            value = getattr(doc, key, None)
            if value:
                meta[key] = str(value)
        return HtmlText(
            text=text,
            title=str(getattr(doc, "title", "") or ""),
            published=parse_date_value(getattr(doc, "date", None)),
            meta=meta,
        )
    fallback = html_to_text(html)
    return HtmlText(text=fallback.text, title=fallback.title, meta={"extractor": "html.parser"})


_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "svg",
    "iframe",
    "button",
    "select",
    "figure",
    "figcaption",
}
_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "article",
    "section",
    "blockquote",
    "table",
    "ul",
    "ol",
    "dd",
    "dt",
    "pre",
    "main",
}
_CELL = {"td", "th"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed", "source", "track", "wbr"}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_stack: list[str] = []
        self.in_title = False
        self.title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        elif tag in _SKIP and tag not in _VOID:
            self.skip_stack.append(tag)
        elif tag in _BLOCK:
            self.parts.append("\n")
        elif tag in _CELL:
            self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif self.skip_stack and tag == self.skip_stack[-1]:
            self.skip_stack.pop()
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.skip_stack:
            self.parts.append(data)


_SPACES = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\n\s*\n+")


def html_to_text(html: str) -> HtmlText:
    """Text outside boilerplate elements, one line per block; works on fragments and any depth."""
    parser = _TextParser()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; keep whatever was read before a failure
        pass
    raw = "".join(parser.parts)
    lines = [_SPACES.sub(" ", ln).strip() for ln in raw.split("\n")]
    text = "\n".join(ln for ln in lines if ln)
    return HtmlText(text=text, title=_SPACES.sub(" ", "".join(parser.title)).strip())
