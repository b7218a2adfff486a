"""Vietnamese numbers as written: digits with ``.`` thousands and ``,`` decimals, scale words, spelled words.

``parse_digits("1.500") == 1500``, ``parse_digits("52.17") == Decimal("52.17")`` (a dot followed by
exactly three digits groups thousands, otherwise it is a decimal point written the English way),
``parse_spelled("một trăm linh năm") == 105``, ``parse_amount("2,5 nghìn tỷ") == 2500000000000``.
Every function returns ``None`` for text it cannot read rather than guessing.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import regex

SCALES: dict[str, Decimal] = {
    "nghìn": Decimal(1000),
    "ngàn": Decimal(1000),
    "ngan": Decimal(1000),
    "k": Decimal(1000),
    "vạn": Decimal(10000),
    "triệu": Decimal(10) ** 6,
    "tr": Decimal(10) ** 6,
    "tỷ": Decimal(10) ** 9,
    "tỉ": Decimal(10) ** 9,
}

DIGIT_WORDS: dict[str, int] = {
    "không": 0,
    "một": 1,
    "mốt": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "tư": 4,
    "năm": 5,
    "lăm": 5,
    "nhăm": 5,
    "sáu": 6,
    "bảy": 7,
    "bẩy": 7,
    "tám": 8,
    "chín": 9,
}

_GROUPED = regex.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_DECIMAL_COMMA = regex.compile(r"\d+(?:,\s?\d+)?")
_DECIMAL_DOT = regex.compile(r"\d+\.\d+")
_WORD = regex.compile(r"\S+")
_LETTERS = regex.compile(r"\p{L}+")


def parse_digits(text: str) -> Decimal | None:
    """A number written in digits, Vietnamese style (see module docstring)."""
    t = text.strip()
    try:
        if _GROUPED.fullmatch(t):
            return Decimal(t.replace(".", "").replace(",", "."))
        if _DECIMAL_COMMA.fullmatch(t):
            return Decimal(t.replace(" ", "").replace(",", "."))
        if _DECIMAL_DOT.fullmatch(t):
            return Decimal(t)
    except InvalidOperation:
        return None
    return None


def parse_spelled(text: str) -> Decimal | None:
    """A spelled-out number: ``hai mươi lăm`` 25, ``một trăm linh năm`` 105, ``ba tỷ rưỡi`` 3.5e9, ``nửa tỷ``."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return None
    total = Decimal(0)  # completed groups above the current scale
    group = Decimal(0)  # the part below 1000 being built
    current: Decimal | None = None  # the last digit word, not yet placed
    last_scale = Decimal(1)
    seen = False
    for i, w in enumerate(words):
        if w in ("mươi", "chục"):
            group += (current if current is not None else Decimal(1)) * 10
            current = None
        elif w == "mười":
            group += 10
            current = None
        elif w == "trăm":
            group += (current if current is not None else Decimal(1)) * 100
            current = None
        elif w in ("linh", "lẻ"):
            continue
        elif w == "nửa":
            current = Decimal("0.5")
        elif w == "rưỡi":
            # "ba tỷ rưỡi": half of the last scale; "hai trăm rưỡi": 250
            if seen and last_scale > 1:
                total += last_scale / 2
            else:
                group += Decimal(50) if words[i - 1] == "trăm" else Decimal("0.5")
        elif w in SCALES:
            amount = group + (current if current is not None else Decimal(0))
            if amount == 0:
                amount = Decimal(1)
            scale = SCALES[w]
            if scale > last_scale and total and last_scale > 1 and not group and current is None:
                total *= scale  # "nghìn tỷ" stacked
            else:
                total += amount * scale
            last_scale = scale
            group, current = Decimal(0), None
        elif w in DIGIT_WORDS:
            d = Decimal(DIGIT_WORDS[w])
            if current is not None:
                return None  # two digit words in a row ("hai ba") are not one number
            current = d
        else:
            return None
        seen = True
    if not seen:
        return None
    return total + group + (current if current is not None else Decimal(0))


def parse_number(text: str) -> Decimal | None:
    """Digits or a spelled number (no scale words)."""
    t = text.strip()
    if t and t[0].isdigit():
        return parse_digits(t)
    return parse_spelled(t)


def scale_of(words: str) -> Decimal:
    """The product of the scale words in ``words`` (``nghìn tỷ`` 10^12; ``tr`` of ``tr.đ``)."""
    factor = Decimal(1)
    if not words or words.isspace():
        return factor
    for w in _LETTERS.findall(words.lower()):
        if w in SCALES:
            factor *= SCALES[w]
    return factor


_PART = regex.compile(r"(\d[\d.,]*)\s*([\p{L}]*)")


def parse_compound(text: str) -> Decimal | None:
    """An amount written in parts with falling scales: ``41 tỷ 951 triệu`` 41951000000."""
    total = Decimal(0)
    last = None
    for m in _PART.finditer(text):
        v = parse_digits(m.group(1))
        if v is None:
            return None
        scale = SCALES.get(m.group(2).lower(), Decimal(1)) if m.group(2) else Decimal(1)
        if m.group(2) and m.group(2).lower() not in SCALES:
            return None
        if last is not None and scale >= last:
            return None
        total += v * scale
        last = scale
    return total if last is not None else None


def parse_amount(number: str, scale: str = "") -> Decimal | None:
    """A number followed by its scale words: ``parse_amount("2,5", "nghìn tỷ") == 2500000000000``."""
    n = number.strip()
    if n and n[0].isdigit() and _LETTERS.search(n):
        return parse_compound(n)
    if n and n[0].isdigit():
        v = parse_digits(n)
        if v is None:
            return None
        if "rưỡi" in scale.lower():
            # "3 tỷ rưỡi" = 3.5 tỷ
            v += Decimal("0.5")
        return v * scale_of(scale)
    return parse_spelled(f"{n} {scale}".strip())
