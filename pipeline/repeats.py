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


def _key(c: Claim) -> tuple[str, str, str, str] | None:
    if c.sentence_start < 0 or not c.sentence:
        return None
    # the words before the claim stand for its offset in the sentence, whitespace-insensitively
    before = " ".join(c.sentence[: max(0, c.start - c.sentence_start)].split())
    return (c.doc_id, " ".join(c.sentence.split()), before, c.text)


def dedupe_repeated_sentences(claims: list[Claim]) -> list[Claim]:
    """``claims`` without those repeating an earlier sentence's claim; order otherwise kept."""
    first: dict[tuple[str, str, str, str], int] = {}
    for i, c in sorted(enumerate(claims), key=lambda ic: (ic[1].doc_id, ic[1].start, ic[0])):
        key = _key(c)
        if key is not None and key not in first:
            first[key] = i
    return [c for i, c in enumerate(claims) if (key := _key(c)) is None or first[key] == i]
