"""Normalise decoded text before any rule sees it: NFC, spaces, invisible characters, tone placement.

Everything here keeps offsets simple: the only steps that change the length of the text are NFC
composition (gold offsets are defined on NFC text anyway) and the removal of invisible
characters (zero-width space/joiners, word joiner, BOM, soft hyphen). Every other change
replaces one character by one character, so a plain UTF-8 article that needs no cleaning comes
out equal to its NFC form, and one that needs only spacing fixes keeps every offset.

Tone placement: Vietnamese writes the tone of ``oa``, ``oe``, ``uy`` at the end of a syllable
either on the first vowel (``hòa``, ``thủy``, "old" style, what most newsrooms and the gold
annotations use) or on the second (``hoà``, ``thuỷ``, "new" style). Rules must match one
spelling, so the text is brought to one convention (``tone_style`` in ``rules/ingest.yaml``).
``qu`` + vowel is not such a pair (``quý``, ``quá``), nor is a pair followed by another
letter (``hoàn``, ``khuỷu``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

ToneStyle = Literal["old", "new", "keep"]

# Space-like characters become a plain space (length-preserving): no-break, thin, figure,
# narrow no-break, ideographic … so "1 500" matches the same rules as "1 500".
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Invisible characters are removed: they split numbers and words without being seen.
_INVISIBLE = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"
# C0/C1 controls other than tab and line breaks: replaced by a space (junk from copy-paste or binary).
_CONTROLS = "".join(chr(c) for c in [*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)])

_TABLE: dict[int, str | None] = {ord(c): " " for c in _SPACES + _CONTROLS}
_TABLE.update({ord(c): None for c in _INVISIBLE})
_TABLE[0x2028] = "\n"  # line separator
_TABLE[0x2029] = "\n"  # paragraph separator
# Full-width ASCII (１５００, ％) occurs in text pasted from East Asian input methods.
_TABLE.update({c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})

_NEEDS_TABLE = re.compile("[" + re.escape("".join(chr(c) for c in _TABLE)) + "]")

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _split_tone(ch: str) -> tuple[str, str]:
    """A precomposed letter as (letter without tone, tone mark or "")."""
    parts = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in parts if c in _TONES)
    base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
    return base, tone


def _build_tone_maps() -> tuple[dict[str, str], dict[str, str]]:
    """Pairs like ``oà`` → ``òa`` (to old) and back (to new), in every case combination."""
    to_old: dict[str, str] = {}
    for first, seconds in (("o", "ae"), ("u", "y")):
        for second in seconds:
            for tone in _TONES:
                for f, s in ((first, second), (first.upper(), second.upper()), (first.upper(), second)):
                    new = f + unicodedata.normalize("NFC", s + tone)
                    old = unicodedata.normalize("NFC", f + tone) + s
                    to_old[new] = old
    to_new = {v: k for k, v in to_old.items()}
    return to_old, to_new


_TO_OLD, _TO_NEW = _build_tone_maps()


def _pair_pattern(pairs: dict[str, str]) -> re.Pattern[str]:
    firsts = "".join(sorted({k[0] for k in pairs}))
    seconds = "".join(sorted({k[1] for k in pairs}))
    # Not before another letter (hoàn, khuỷu); "not after q" is checked in _swap, because a
    # leading look-behind makes the scan 50x slower. stdlib re: far faster than an alternation.
    return re.compile(f"[{firsts}][{seconds}](?!\\w)")


_OLD_RE = _pair_pattern(_TO_OLD)
_NEW_RE = _pair_pattern(_TO_NEW)


def normalize_tones(text: str, style: ToneStyle = "old") -> str:
    """Bring ``oa/oe/uy`` tone placement to one convention; same length as the input."""
    if style == "keep":
        return text
    pattern, table = (_OLD_RE, _TO_OLD) if style == "old" else (_NEW_RE, _TO_NEW)
    if pattern.search(text) is None:
        return text

    def swap(m: re.Match[str]) -> str:
        pair = m.group()
        if m.start() and text[m.start() - 1] in "qQ":  # qu- is a consonant: quý, quá
            return pair
        return table.get(pair, pair)

    return pattern.sub(swap, text)


def clean_characters(text: str) -> str:
    """Spaces to ' ', invisible characters removed, controls to ' ', full-width ASCII to ASCII."""
    if _NEEDS_TABLE.search(text) is None:
        return text
    # re.sub with a lookup costs per match; str.translate would cost per character.
    return _NEEDS_TABLE.sub(lambda m: _TABLE[ord(m.group())] or "", text)


def normalize_text(text: str, tone_style: ToneStyle = "old") -> str:
    """The text every rule and offset works on: NFC, cleaned characters, one tone convention."""
    # Cleaning comes first: removing a zero-width character can bring a combining mark next
    # to its base letter, which only NFC afterwards composes.
    text = clean_characters(text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return normalize_tones(text, tone_style)
