"""Vietnamese words for reading a counted noun: underthesea's word lists plus rules/count.yaml.

The word lists are read as files, without importing underthesea, which is slow to import and
touches the root logger. Only where a counted noun would be one syllable of an unlisted word
followed by more words (``2 cấu phần``: ``cấu`` is a word, ``cấu phần`` is not in the lists) is
underthesea's word segmenter asked, on those few words (under one call per article).
Tone marks are compared in one placement (``hoá`` = ``hóa``).
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

_OLD_TONES = {
    "oá": "óa", "oà": "òa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oé": "óe", "oè": "òe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uý": "úy", "uỳ": "ùy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}  # fmt: skip
_LISTS = ("Viet74K.txt", "Viet22K.txt", "Viet11K.txt")


@lru_cache(maxsize=65536)
def canon(word: str) -> str:
    """Lower case with the tone mark on the main vowel of ``oa/oe/uy`` (``hoá`` -> ``hóa``)."""
    w = word.lower()
    for old, new in _OLD_TONES.items():
        if old in w:
            w = w.replace(old, new)
    return w


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """Every word of underthesea's Vietnamese word lists, canonical; empty if they are absent."""
    spec = importlib.util.find_spec("underthesea")
    words: set[str] = set()
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    base = Path(next(iter(spec.submodule_search_locations))) / "corpus" / "data"
    for name in _LISTS:
        path = base / name
        if path.is_file():
            with path.open(encoding="utf-8") as f:
                words.update(canon(line.strip()) for line in f if line.strip())
    return frozenset(words)


_SEGMENTER: list[Callable[[str], list[str]] | None] = []


def _segmenter() -> Callable[[str], list[str]] | None:
    """underthesea's ``word_tokenize``, imported once (about 1 s); None if it is absent."""
    if not _SEGMENTER:
        root = logging.getLogger()
        handlers, level = list(root.handlers), root.level
        try:
            from underthesea import word_tokenize
        except ImportError:
            word_tokenize = None
        for h in list(root.handlers):  # importing it attaches a handler to the root logger
            if h not in handlers:
                root.removeHandler(h)
        root.setLevel(level)
        _SEGMENTER.append(word_tokenize)
    return _SEGMENTER[0]


@lru_cache(maxsize=20000)
def first_word(syllables: str) -> str:
    """The first word of ``syllables`` read as counted after a number ("cấu phần" -> "cấu phần").

    A number goes in front because the segmenter reads a noun better in that place: "cấu phần"
    alone comes out as two words, "2 cấu phần" as one.
    """
    seg = _segmenter()
    if seg is None or not syllables.strip():
        return ""
    out = seg("2 " + syllables)
    return out[1] if len(out) > 1 and out[0] == "2" else ""
