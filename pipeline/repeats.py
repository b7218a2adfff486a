"""Claims of a sentence an article repeats verbatim are kept once.

News pages repeat sentences: an image caption that restates the lead, a pull quote, a summary
box. The figures in them are one statement, not two, and counting them twice would distort
the checks (a "repeat" relation with itself, sums counted twice). A claim is dropped when an
earlier claim of the same document has the same sentence text (whitespace-insensitive), the
same offset within that sentence and the same surface text; the first occurrence is kept.
Claims without a sentence (``sentence_start < 0``) are never dropped.
"""

from __future__ import annotations

from pipeline.model import Claim


def _keys(claims: list[Claim]) -> list[tuple[str, str, str, str] | None]:
    out: list[tuple[str, str, str, str] | None] = []
    squashed: dict[str, str] = {}  # a sentence's figures share its whitespace-free form
    for c in claims:
        if c.sentence_start < 0 or not c.sentence:
            out.append(None)
            continue
        sent = squashed.get(c.sentence)
        if sent is None:
            sent = squashed[c.sentence] = " ".join(c.sentence.split())
        # the words before the claim stand for its offset in the sentence, whitespace-insensitively
        before = " ".join(c.sentence[: max(0, c.start - c.sentence_start)].split())
        out.append((c.doc_id, sent, before, c.text))
    return out


def dedupe_repeated_sentences(claims: list[Claim]) -> list[Claim]:
    """``claims`` without those repeating an earlier sentence's claim; order otherwise kept."""
    keys = _keys(claims)
    first: dict[tuple[str, str, str, str], int] = {}
    for i in sorted(range(len(claims)), key=lambda i: (claims[i].doc_id, claims[i].start, i)):
        key = keys[i]
        if key is not None and key not in first:
            first[key] = i
    return [c for i, (c, key) in enumerate(zip(claims, keys, strict=True)) if key is None or first[key] == i]
