"""Vietnamese words for reading a counted noun: underthesea's word lists plus rules/count.yaml.

Only the word lists are read (as files, without importing underthesea, which is slow to import
and touches the root logger). Tone marks are compared in one placement (``hoá`` = ``hóa``).
"""

from __future__ import annotations

import importlib.util
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
