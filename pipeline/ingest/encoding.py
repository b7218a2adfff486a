"""Turn a file's bytes into Unicode text: BOMs, UTF-8, UTF-16, Windows-1258 and the legacy fonts.

Order of the decisions (first that applies wins):

1. a byte-order mark: UTF-8, UTF-16 LE/BE, UTF-32 LE/BE;
2. NUL bytes: UTF-16 without a BOM if they sit on every other byte, else "binary";
3. valid UTF-8 (a multi-byte character cut off at the very end, as in a truncated download, is
   dropped and noted);
4. an 8-bit file: Windows-1258, TCVN3 (ABC) and VNI Windows are each tried and the one whose
   words are most often well-formed Vietnamese syllables wins; when none reads as Vietnamese the
   file is reported (E015) instead of guessed.

Text that decoded fine can still be a legacy font in disguise: a TCVN3 or VNI document opened
as Windows-1252 and saved as UTF-8 reads ``ViÖt Nam`` / ``Vieät Nam``. ``fix_legacy_text``
recognises that by the same syllable test and converts it. The conversion tables are data
(``data/tcvn3.tsv``, ``data/vni.tsv``) built from the published code charts.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

_MARKS = {
    "grave": "\u0300",
    "acute": "\u0301",
    "tilde": "\u0303",
    "hook": "\u0309",
    "dot": "\u0323",
    "circumflex": "\u0302",
    "breve": "\u0306",
}
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_VOWELS = frozenset("aeiouyơưAEIOUYƠƯ")


class DecodeProblem(Exception):
    """Bytes that cannot be turned into text; ``code`` names the Errors entry (E011 or E015)."""

    def __init__(self, code: str, problem: str) -> None:
        super().__init__(problem)
        self.code = code
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # utf-8, utf-8-sig, utf-16, cp1258, tcvn3, vni, utf-8+tcvn3 …
    note: str = ""


# --- legacy tables -----------------------------------------------------------------------------


def _rows(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [ln.split("\t") for ln in lines if ln.strip() and not ln.startswith("#")]


@cache
def tcvn3_table() -> dict[str, str]:
    """Latin-1 character of each TCVN3 byte -> the Vietnamese letter it stands for."""
    return {chr(int(row[0], 16)): row[1] for row in _rows("tcvn3.tsv")}


@cache
def vni_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(one-byte letters, mark bytes -> combining marks) of VNI Windows, keyed by Latin-1 character."""
    letters: dict[str, str] = {}
    marks: dict[str, str] = {}
    for row in _rows("vni.tsv"):
        ch = chr(int(row[0], 16))
        if row[1] == "letter":
            letters[ch] = row[2]
        else:
            marks[ch] = "".join(_MARKS[m] for m in row[2].split())
    return letters, marks


def from_tcvn3(text: str) -> str:
    """TCVN3 bytes read as Latin-1 (or Windows-1252) -> Unicode (NFC).

    Headings set in the capitals font (.VnTimeH) reuse the lower-case bytes, so "TỔNG KẾT"
    decodes as "TổNG KếT"; a word whose ASCII letters are all capitals is put in capitals.
    """
    table = tcvn3_table()
    out = "".join(table.get(c, c) for c in text)
    return _CAPITAL_WORD.sub(lambda m: m.group().upper(), out) if out != text else out


# A word with upper-case ASCII letters, no lower-case ones, and a lower-case Vietnamese letter.
_CAPITAL_WORD = re.compile(r"\b(?=[^\W\d_]*[A-Z])(?=[^\W\d_]*[^\W\d_a-zA-Z])(?![^\W\d_]*[a-z])[^\W\d_]{2,}\b")


def from_vni(text: str) -> str:
    """VNI Windows bytes read as Latin-1 (or Windows-1252) -> Unicode (NFC)."""
    letters, marks = vni_tables()
    out: list[str] = []
    for c in text:
        mark = marks.get(c)
        # A mark byte only modifies a vowel just before it; elsewhere it is left as it came.
        if mark is not None and out and out[-1][-1] in _VOWELS:
            out.append(mark)
        else:
            out.append(letters.get(c, c))
    return unicodedata.normalize("NFC", "".join(out))


def to_tcvn3(text: str) -> bytes:
    """Encode Vietnamese text as TCVN3 bytes (for tests and fixtures); toned capitals have no code."""
    inverse = {v: k for k, v in tcvn3_table().items()}
    out = bytearray()
    for c in unicodedata.normalize("NFC", text):
        if c in inverse:
            out.append(ord(inverse[c]))
        elif ord(c) < 0x80:
            out.append(ord(c))
        else:
            out += _cp1252_punctuation(c, "TCVN3 (VN3)")
    return bytes(out)


def _cp1252_punctuation(c: str, name: str) -> bytes:
    """Quotes, dashes and the ellipsis keep their Windows-1252 bytes (0x80-0x9F) in the legacy fonts."""
    try:
        b = c.encode("cp1252")
    except UnicodeEncodeError:
        b = b""
    if len(b) == 1 and 0x80 <= b[0] < 0xA0:
        return b
    raise ValueError(f"{c!r} has no {name} code")


def to_vni(text: str) -> bytes:
    """Encode Vietnamese text as VNI Windows bytes (for tests and fixtures)."""
    letters, marks = vni_tables()
    inv_letters = {v: k for k, v in letters.items()}
    out = bytearray()
    for c in unicodedata.normalize("NFC", text):
        if ord(c) < 0x80:
            out.append(ord(c))
            continue
        if c in inv_letters:
            out.append(ord(inv_letters[c]))
            continue
        parts = unicodedata.normalize("NFD", c)
        base, rest = parts[0], parts[1:]
        if "\u031b" in rest:  # horn: ơ/ư are one-byte letters, the tone follows as a mark
            base = unicodedata.normalize("NFC", base + "\u031b")
            rest = rest.replace("\u031b", "")
            out.append(ord(inv_letters[base]))
        elif ord(base) < 0x80:
            out.append(ord(base))
        else:
            out += _cp1252_punctuation(c, "VNI")
            continue
        if rest:
            order = sorted(rest, key=lambda m: m not in ("\u0302", "\u0306"))  # shape mark, then tone
            wanted = "".join(order)
            cands = [k for k, v in marks.items() if v == wanted and (k.isupper() == base.isupper())]
            if not cands:
                raise ValueError(f"{c!r} has no VNI code")
            out.append(ord(cands[0]))
    return bytes(out)


def to_cp1258(text: str) -> bytes:
    """Encode Vietnamese as Windows-1258 the way Word does: base letter, then a combining tone mark."""
    out = bytearray()
    for c in unicodedata.normalize("NFC", text):
        try:
            out += c.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", c)
            base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONE_MARKS))
            tones = "".join(p for p in parts if p in _TONE_MARKS)
            out += (base + tones).encode("cp1258")
    return bytes(out)


# --- how Vietnamese does a text look -----------------------------------------------------------

# Onsets and vowel nuclei of Vietnamese syllables (without tone marks); codas are in _SYLLABLE.
_ONSETS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_NUCLEI = (
    "iêu|yêu|oai|oay|oeo|uây|uôi|uya|uyê|uyu|ươi|ươu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|oo|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ưu|ươ|yê|"
    "a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
)  # longest first: regex alternation takes the first that fits
_SYLLABLE = re.compile(f"(?:{_ONSETS})?(?:{_NUCLEI})(?:ch|ng|nh|c|m|n|p|t)?")
_WORD = re.compile(r"[^\W\d_]+")
# Latin-1 characters that are not Vietnamese letters: the fingerprint of a legacy font read as
# Windows-1252 (TCVN3 "ViÖt", "®ång"; VNI "Vieät", "ñoàng").
# No-break space (U+00A0) is left out: it is common in real Unicode text and unused by TCVN3.
_SUSPECT = re.compile(
    "[\u00a1-\u00bf\u00c4-\u00c7\u00cb\u00ce-\u00d1\u00d6-\u00d8\u00db\u00dc\u00de\u00df"
    "\u00e4-\u00e7\u00eb\u00ee-\u00f1\u00f6-\u00f8\u00fb\u00fc\u00fe\u00ff]"
)


_VIET_EXTENDED = re.compile("[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")


def _syllable_ok(word: str) -> bool:
    parts = unicodedata.normalize("NFD", word.lower())
    if sum(c in _TONE_MARKS for c in parts) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(bare) is not None


def vietnamese_score(text: str, limit: int = 4000) -> tuple[int, int]:
    """(well-formed, malformed) counts over words with a non-ASCII letter, in the first ``limit`` words."""
    good = bad = 0
    for i, m in enumerate(_WORD.finditer(text)):
        if i >= limit:
            break
        w = m.group()
        if w.isascii():
            continue
        if _syllable_ok(w):
            good += 1
        else:
            bad += 1
    return good, bad


def _ratio(score: tuple[int, int]) -> float:
    good, bad = score
    return good / (good + bad) if good + bad else 0.0


def fix_legacy_text(text: str) -> tuple[str, str]:
    """Convert TCVN3/VNI text that was decoded as Windows-1252; returns (text, "tcvn3"|"vni"|"")."""
    if _SUSPECT.search(text) is None:  # fast path: ordinary Unicode text
        return text, ""
    suspects = len(_SUSPECT.findall(text, 0, 200_000))
    if suspects < 3:
        return text, ""
    # A legacy font read as Windows-1252 yields Latin-1 characters only; real Unicode Vietnamese
    # has ă, đ, ơ, ư, ạ … outside Latin-1, and then the odd "«", "½" or "°" is just a symbol.
    if len(_VIET_EXTENDED.findall(text, 0, 200_000)) >= suspects:
        return text, ""
    here = vietnamese_score(text)
    best, best_name, best_score = text, "", here
    for name, conv in (("tcvn3", from_tcvn3), ("vni", from_vni)):
        cand = conv(text)
        sc = vietnamese_score(cand)
        if sc[0] - sc[1] > best_score[0] - best_score[1]:
            best, best_name, best_score = cand, name, sc
    # Convert only on a clear win: most words become syllables, and clearly more of them.
    gain = (best_score[0] - best_score[1]) - (here[0] - here[1])
    if best_name and _ratio(best_score) >= 0.8 and gain >= max(3, (here[0] + here[1]) // 10):
        return best, best_name
    return text, ""


# --- bytes -> text -----------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _latin1_cp1252(data: bytes) -> str:
    """Bytes as Windows-1252 where it defines them, Latin-1 elsewhere (legacy fonts keep 1252 punctuation)."""
    return data.decode("cp1252", errors="surrogateescape").translate(_SURROGATE_TO_LATIN1)


_SURROGATE_TO_LATIN1 = {0xDC00 + b: chr(b) for b in range(0x80, 0x100)}


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM: NULs on one side of the byte pairs, and the result reads as text."""
    sample = data[:4096]
    if len(sample) < 16:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    # ASCII puts its NUL in the high byte; the low byte can be NUL too (U+0300 combining grave).
    for zeros, other, enc in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros > 0.3 * half and zeros > 2 * other:
            try:
                text = data[: len(data) - (len(data) % 2)].decode(enc)
            except UnicodeDecodeError:
                return None
            return text if _reads_as_text(text[:2048]) else None
    return None


def _reads_as_text(head: str) -> bool:
    """Few controls, unassigned or private characters, and combining marks only after letters."""
    odd = 0
    after_letter = False
    for c in head:
        cat = unicodedata.category(c)
        if (cat in ("Cc", "Cn", "Co", "Cs") and c not in "\t\n\r") or (cat == "Mn" and not after_letter):
            odd += 1
        after_letter = c.isalpha() or (cat == "Mn" and after_letter)
    return odd <= len(head) // 100


_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])


def _is_binary(data: bytes) -> bool:
    sample = data[:8192]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > max(2, len(sample) // 100)


def decode_bytes(data: bytes) -> Decoded:
    """Decode a text file's bytes; raises DecodeProblem (E011 binary, E015 unknown encoding)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(enc), enc)
            except UnicodeDecodeError as e:
                body = data[: e.start]
                if e.reason in ("truncated data", "unexpected end of data") and e.end >= len(data) - 3:
                    return Decoded(body.decode(enc), enc, "truncated character at the end dropped")
                raise DecodeProblem("E011", f"starts with a {enc} byte-order mark but is not {enc} ({e.reason})") from e
    if b"\x00" in data[:8192]:
        text16 = _utf16_without_bom(data)
        if text16 is not None:
            return Decoded(text16, "utf-16")
        raise DecodeProblem("E011", "contains NUL bytes (binary?)")
    if _is_binary(data):
        raise DecodeProblem("E011", "mostly control characters (binary?)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data" and e.start >= len(data) - 3:
            text = data[: e.start].decode("utf-8", errors="replace")
            fixed, legacy = fix_legacy_text(text)
            return Decoded(fixed, "utf-8" + (f"+{legacy}" if legacy else ""), "truncated character at the end dropped")
        return _decode_8bit(data, e)
    fixed, legacy = fix_legacy_text(text)
    return Decoded(fixed, "utf-8+" + legacy if legacy else "utf-8")


def _decode_8bit(data: bytes, err: UnicodeDecodeError) -> Decoded:
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd")
    multibyte = sum(1 for c in replaced if ord(c) > 0x7F) - bad
    if multibyte >= 20 * bad:  # UTF-8 with a few stray bytes: keep it, mark the damage
        return Decoded(replaced, "utf-8", f"{bad} invalid UTF-8 byte(s) replaced by U+FFFD")
    latin = _latin1_cp1252(data)
    candidates = [
        ("cp1258", unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))),
        ("tcvn3", from_tcvn3(latin)),
        ("vni", from_vni(latin)),
    ]
    scored = [(vietnamese_score(t), name, t) for name, t in candidates]
    scored.sort(key=lambda s: (s[0][0] - s[0][1], s[1] == "cp1258"), reverse=True)
    (good, badw), name, text = scored[0]
    if good + badw == 0:  # only ASCII letters besides the odd bytes: Windows-1258 loses nothing
        return Decoded(candidates[0][1], "cp1258", "no Vietnamese letters; read as Windows-1258")
    words = sum(1 for _ in _WORD.finditer(candidates[0][1]))
    # Vietnamese marks most words; a text where few words have a non-ASCII letter is another
    # language (English, French), which Windows-1258 reads as well as anything.
    if good + badw < 0.25 * words:
        return Decoded(candidates[0][1], "cp1258", "few non-ASCII words; read as Windows-1258")
    if _ratio((good, badw)) < 0.6:
        raise DecodeProblem(
            "E015",
            f"not UTF-8 (byte 0x{data[err.start]:02x} at {err.start}) and not readable as Windows-1258, "
            f"TCVN3 or VNI ({good} of {good + badw} words look Vietnamese at best); save it as UTF-8",
        )
    return Decoded(text, name)
