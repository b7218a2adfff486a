"""Read a run's output folder for the review app and the report: flags, checks, claims, texts.

Everything here is plain data; the HTML is built in the templates, which escape every value.
The folder is re-read when one of its tables changes (a re-run rewrote it), so a running review
app follows the pipeline without a restart.
"""

from __future__ import annotations

import csv
import io
import os
import threading
import weakref
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import Errors, InputError
from pipeline.model import CHECK_COLUMNS, FLAG_COLUMNS, KINDS, Check, Claim, Flag
from pipeline.output import iter_csv, load_text

TABLES = ("flags.csv", "checks.csv", "claims.csv", "errors.csv")
CACHED_DOCS = 256  # documents whose claims are kept parsed: a page shows at most a few hundred
MAX_PARAGRAPH = 1500  # characters of context around a figure when an article has no line breaks


@dataclass(frozen=True, slots=True)
class Mark:
    """One figure inside a passage: offsets relative to the passage's text."""

    start: int
    end: int
    claim: Claim
    involved: bool  # one of the figures the flag is about

    @property
    def css_kind(self) -> str:
        return self.claim.kind if self.claim.kind in KINDS else "other"


@dataclass(frozen=True, slots=True)
class Passage:
    """A paragraph (or, without the article text, a sentence) with its figures marked."""

    doc_id: str
    start: int  # offset in the document (-1 when unknown)
    text: str
    marks: tuple[Mark, ...]
    whole_paragraph: bool

    def pieces(self) -> list[tuple[str, Mark | None]]:
        """The text cut into plain runs and marked runs, in order (for the templates)."""
        out: list[tuple[str, Mark | None]] = []
        pos = 0
        for m in self.marks:
            if m.start < pos:  # overlapping figures: the first one keeps its mark
                continue
            if m.start > pos:
                out.append((self.text[pos : m.start], None))
            out.append((self.text[m.start : m.end], m))
            pos = m.end
        if pos < len(self.text):
            out.append((self.text[pos:], None))
        return out


@dataclass
class Outputs:
    """One snapshot of an output folder's tables.

    Claims are read per document when a page asks for them (``claims_of``), from byte ranges of
    claims.csv indexed when the snapshot was taken, through a file descriptor opened then: a
    re-run renaming a new claims.csv in does not disturb the snapshot, and memory holds an index
    entry per document, not every claim (a few hundred documents' claims are cached). Checks
    likewise (``checks_of``), but those across documents (doc_id ``*``) are held parsed.
    """

    out_dir: Path
    flags: list[Flag] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    stamp: tuple[tuple[int, int, int], ...] = ()
    claim_counts: dict[str, int] = field(default_factory=dict)  # doc_id -> its claims, in doc_id order
    pinned: dict[str, list[Claim]] = field(default_factory=dict)  # claims given up front (the report's)
    _index: _RowIndex | None = field(default=None, repr=False)
    _check_index: _RowIndex | None = field(default=None, repr=False)
    _star_checks: list[tuple[int, Check]] = field(default_factory=list, repr=False)  # (line, check)
    _claims: dict[str, list[Claim]] = field(default_factory=dict, repr=False)
    _texts: dict[str, str | None] = field(default_factory=dict, repr=False)
    _texts_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def claims_of(self, doc_id: str) -> list[Claim]:
        """The claims of one document, by start."""
        if doc_id in self.pinned or self._index is None:
            return self.pinned.get(doc_id, [])
        with self._texts_lock:
            cached = self._claims.get(doc_id)
        if cached is not None:
            return cached
        claims = []
        for line, row in self._index.rows(doc_id):
            try:
                claims.append(Claim.from_row(row))
            except (ValueError, ArithmeticError) as e:
                raise InputError(f"{self._index.path}: line {line}: not a claims.csv row: {e}") from e
        claims.sort(key=lambda c: c.start)
        with self._texts_lock:
            if len(self._claims) >= CACHED_DOCS:
                self._claims.clear()
            self._claims[doc_id] = claims
        return claims

    def claim(self, claim_id: str) -> Claim | None:
        # claim_id is f"{doc_id}#{start}" (pipeline.model.Claim), which names the document to read
        doc_id = claim_id.rpartition("#")[0]
        return next((c for c in self.claims_of(doc_id) if c.claim_id == claim_id), None)

    def _checks_with_lines(self, doc_id: str) -> list[tuple[int, Check]]:
        if self._check_index is None:
            return []
        return [(line, _check(row)) for line, row in self._check_index.rows(doc_id)]

    def checks_of(self, doc_id: str) -> list[Check]:
        """The checks whose doc_id is ``doc_id``, in checks.csv order."""
        if doc_id == "*":
            return [c for _, c in self._star_checks]
        return [c for _, c in self._checks_with_lines(doc_id)]

    def checks_for(self, flag: Flag) -> list[Check]:
        """The flag's own check first, then every other check over one of its figures (file order).

        A check over a figure is one of the figure's document or one across documents, so only
        those are read (claim_id is f"{doc_id}#{start}").
        """
        docs = {flag.doc_id} | {cid.rpartition("#")[0] for cid in flag.claim_ids.split()}
        pool = sorted(
            [lc for d in sorted(docs - {"*"}) for lc in self._checks_with_lines(d)] + self._star_checks,
            key=lambda lc: lc[0],
        )
        out: list[Check] = []
        seen: set[str] = set()
        own = [c for _, c in pool if c.check_id == flag.check_id]
        if own:
            out.append(own[-1])  # as a table keyed by check_id would keep it: the last row
            seen.add(flag.check_id)
        for cid in flag.claim_ids.split():
            for _, c in pool:
                if c.check_id not in seen and cid in c.claim_ids.split():
                    seen.add(c.check_id)
                    out.append(c)
        return out

    def text(self, doc_id: str) -> str | None:
        with self._texts_lock:
            if doc_id in self._texts:
                return self._texts[doc_id]
        text = load_text(self.out_dir, doc_id)
        with self._texts_lock:
            if len(self._texts) >= 256:  # a page shows at most a few hundred articles
                self._texts.clear()
            self._texts[doc_id] = text
        return text

    def passages(self, claim_ids: Sequence[str], sentences: bool = False) -> list[Passage]:
        """The paragraphs holding the given figures: those marked as involved, the others plainly.

        Only the figures' sentences with ``sentences=True``, or when the article text is not
        stored (or no longer matches the claims' offsets).
        """
        involved = [c for c in (self.claim(i) for i in claim_ids) if c is not None]
        by_doc: dict[str, list[Claim]] = defaultdict(list)
        for c in involved:
            by_doc[c.doc_id].append(c)
        out: list[Passage] = []
        for doc_id, claims in by_doc.items():
            others = self.claims_of(doc_id)
            text = None if sentences else self.text(doc_id)
            if text is not None and all(text[c.start : c.end] == c.text for c in claims):
                out += _paragraphs(doc_id, text, claims, others)
            else:
                out += _sentences(doc_id, claims, others)
        return out

    def document(self, doc_id: str) -> Passage | None:
        """The whole article with every figure marked (None when its text is not stored)."""
        text = self.text(doc_id)
        if text is None:
            return None
        claims = self.claims_of(doc_id)
        marks = tuple(Mark(c.start, c.end, c, False) for c in claims if text[c.start : c.end] == c.text)
        return Passage(doc_id, 0, text, tuple(sorted(marks, key=lambda m: (m.start, -m.end))), True)


def _paragraphs(doc_id: str, text: str, claims: list[Claim], others: list[Claim]) -> list[Passage]:
    spans: list[tuple[int, int, bool]] = []  # (start, end, whole paragraph)
    for c in sorted(claims, key=lambda c: c.start):
        a = text.rfind("\n", 0, c.start) + 1
        b = text.find("\n", c.end)
        b = len(text) if b < 0 else b
        whole = b - a <= MAX_PARAGRAPH
        if not whole:  # an article without line breaks: the figure's sentence, or a window around it
            s0, s1 = c.sentence_start, c.sentence_start + len(c.sentence)
            if c.sentence and s0 <= c.start and c.end <= s1 and text[s0:s1] == c.sentence:
                a, b = s0, s1
            else:
                a, b = max(a, c.start - MAX_PARAGRAPH // 4), min(b, c.end + MAX_PARAGRAPH // 4)
        if spans and a <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(b, spans[-1][1]), spans[-1][2] and whole)
        else:
            spans.append((a, b, whole))
    ids = {c.claim_id for c in claims}
    pool = {**{o.claim_id: o for o in others}, **{c.claim_id: c for c in claims}}.values()
    out = []
    for a, b, whole in spans:
        marks = [
            Mark(c.start - a, c.end - a, c, c.claim_id in ids)
            for c in pool
            if a <= c.start and c.end <= b and text[c.start : c.end] == c.text
        ]
        marks.sort(key=lambda m: (m.start, -m.end, not m.involved))
        out.append(Passage(doc_id, a, text[a:b], tuple(marks), whole))
    return out


def _sentences(doc_id: str, claims: list[Claim], others: list[Claim]) -> list[Passage]:
    groups: dict[tuple[int, str], list[Claim]] = defaultdict(list)
    for c in sorted(claims, key=lambda c: c.start):
        groups[(c.sentence_start, c.sentence)].append(c)
    ids = {c.claim_id for c in claims}
    out = []
    for (s0, sentence), members in groups.items():
        pool = {o.claim_id: o for o in others if o.sentence_start == s0 and o.sentence == sentence}
        pool.update({c.claim_id: c for c in members})
        marks = []
        for c in pool.values():
            a, b = c.start - s0, c.end - s0
            if s0 >= 0 and 0 <= a <= b <= len(sentence) and sentence[a:b] == c.text:
                marks.append(Mark(a, b, c, c.claim_id in ids))
        marks.sort(key=lambda m: (m.start, -m.end, not m.involved))
        out.append(Passage(doc_id, s0, sentence or " ".join(c.text for c in members), tuple(marks), False))
    return out


def _check(row: dict[str, str | None]) -> Check:
    return Check(**{k: row.get(k) or "" for k in CHECK_COLUMNS})


class _RowIndex:
    """Where the rows of each key (a doc_id) lie in a CSV table, to parse them on demand.

    Built in one streaming pass: the csv module is fed one line at a time, so the bytes read
    when it returns a record are exactly that record's (a quoted field may span lines). A
    document's rows are contiguous in claims.csv as ``vnclaims run`` writes it; elsewhere they
    may be scattered, hence a list of ranges per key. Rows whose key ``hold`` picks are kept
    parsed in ``held`` instead (few, and wanted on every page).
    """

    def __init__(self, path: Path, fh: BinaryIO, header: list[str]) -> None:
        self.path = path
        self.fh = fh  # kept open: the snapshot's file, even after a re-run renames a new one in
        self.header = header
        self.ranges: dict[str, list[tuple[int, int, int]]] = {}  # key -> (offset, length, first line)
        self.counts: dict[str, int] = {}
        self.held: list[tuple[int, dict[str, str | None]]] = []  # (line, row)

    @classmethod
    def build(cls, path: Path, key: str, hold: Callable[[str], bool] = lambda k: False) -> _RowIndex:
        fh = path.open("rb")
        lines = _Lines(fh)
        reader = csv.reader(lines)
        index = cls(path, fh, next(reader, []))
        weakref.finalize(index, fh.close)  # closed with the snapshot that uses it
        if index.header and key not in index.header:
            raise InputError(f"{path}: no column {key}")
        i_key = index.header.index(key) if index.header else 0
        prev: str | None = None
        start = lines.pos
        line = reader.line_num + 1
        for row in reader:
            k = row[i_key] if len(row) > i_key else ""
            if not row:  # a blank line, as csv.DictReader skips it
                pass
            elif hold(k):
                index.held.append((line, dict(zip(index.header, row, strict=False))))
            else:
                index.counts[k] = index.counts.get(k, 0) + 1
                spans = index.ranges.setdefault(k, [])
                if k == prev and spans:
                    off, _, first = spans[-1]
                    spans[-1] = (off, lines.pos - off, first)
                else:
                    spans.append((start, lines.pos - start, line))
            prev = k
            start = lines.pos
            line = reader.line_num + 1
        index.counts = dict(sorted(index.counts.items()))
        return index

    def rows(self, key: str) -> list[tuple[int, dict[str, str | None]]]:
        """(line, row) of every row of ``key``, in file order."""
        out: list[tuple[int, dict[str, str | None]]] = []
        for offset, length, first in self.ranges.get(key, []):
            text = os.pread(self.fh.fileno(), length, offset).decode("utf-8")
            reader = csv.DictReader(io.StringIO(text, newline=""), fieldnames=self.header)
            line = first
            for row in reader:
                out.append((line, row))
                line = first + reader.line_num
        return out


class _Lines:
    """A binary file's lines, decoded, counting the bytes handed out (a UTF-8 BOM is skipped)."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.pos = 0
        head = fh.read(3)
        if head == b"\xef\xbb\xbf":
            self.pos = 3
        else:
            fh.seek(0)

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.fh.readline()
        if not line:
            raise StopIteration
        self.pos += len(line)
        return line.decode("utf-8")


def _stamp(out_dir: Path) -> tuple[tuple[int, int, int], ...]:
    out = []
    for name in TABLES:
        try:
            st = (out_dir / name).stat()
            out.append((st.st_mtime_ns, st.st_size, st.st_ino))  # inode: atomic writes rename a new file in
        except FileNotFoundError:
            out.append((0, -1, 0))
    return tuple(out)


def read_outputs(out_dir: Path | str) -> Outputs:
    """Read an output folder's tables; an InputError names the folder when it holds no run."""
    out_dir = Path(out_dir)
    if not (out_dir / "claims.csv").is_file():
        raise InputError(Errors.E030.format(path=out_dir))
    o = Outputs(out_dir, stamp=_stamp(out_dir))
    o._index = _RowIndex.build(out_dir / "claims.csv", "doc_id")
    o.claim_counts = o._index.counts
    if (out_dir / "checks.csv").is_file():
        o._check_index = _RowIndex.build(out_dir / "checks.csv", "doc_id", hold=lambda d: d == "*")
        o._star_checks = [(line, _check(row)) for line, row in o._check_index.held]
        o._check_index.held = []
    if (out_dir / "flags.csv").is_file():
        o.flags = [Flag(**{k: row.get(k) or "" for k in FLAG_COLUMNS}) for row in iter_csv(out_dir / "flags.csv")]
    if (out_dir / "errors.csv").is_file():
        o.errors = list(iter_csv(out_dir / "errors.csv"))
    return o


class OutputCache:
    """The latest snapshot of an output folder, re-read when a table changes (thread-safe)."""

    def __init__(self, out_dir: Path, on_reload: Callable[[Outputs], None] | None = None) -> None:
        self.out_dir = out_dir
        self.on_reload = on_reload
        self._lock = threading.Lock()
        self._outputs: Outputs | None = None

    def get(self) -> Outputs:
        with self._lock:
            if self._outputs is None or self._outputs.stamp != _stamp(self.out_dir):
                outputs = read_outputs(self.out_dir)
                if self.on_reload is not None:  # inside the lock: one reload syncs once
                    self.on_reload(outputs)
                self._outputs = outputs
            return self._outputs
