"""One-sentence explanations of checks and flags, in Vietnamese (default) or English.

Computed figures are written the way the article would write them: ``232,3 tỷ đồng``, ``0,05%``
in Vietnamese; ``232.3 billion VND``, ``0.05%`` in English. Figures from the text are quoted as
written.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_SCALES_VI = [(Decimal(10) ** 12, "nghìn tỷ"), (Decimal(10) ** 9, "tỷ"), (Decimal(10) ** 6, "triệu")]
_SCALES_EN = [(Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")]
_CURRENCY_VI = {"VND": "đồng"}


def number(d: Decimal, lang: str = "vi", decimals: int | None = None) -> str:
    """``1234567.891`` → ``1.234.567,89`` (vi) / ``1,234,567.89`` (en); decimals chosen by size."""
    if decimals is None:
        a = abs(d)
        decimals = 0 if a >= 1000 else 1 if a >= 100 else 2
        if a and a < Decimal("0.01"):
            decimals = max(2, -a.adjusted() + 1)  # two significant digits for tiny shares
    q = d.quantize(Decimal(10) ** -decimals, rounding=ROUND_HALF_UP) if decimals >= 0 else d
    sign = "-" if q < 0 else ""
    intpart, _, frac = format(abs(q), "f").partition(".")
    frac = frac.rstrip("0")
    groups = []
    while len(intpart) > 3:
        groups.insert(0, intpart[-3:])
        intpart = intpart[:-3]
    groups.insert(0, intpart)
    thousands, point = (".", ",") if lang == "vi" else (",", ".")
    text = thousands.join(groups)
    return sign + text + (point + frac if frac else "")


def amount(d: Decimal, kind: str, unit: str, lang: str = "vi") -> str:
    """A computed value in the unit of a claim: ``232,3 tỷ đồng``, ``49,19%``, ``3.000 người``."""
    if kind == "percent":
        return f"{number(d, lang)}%"
    if kind == "money":
        scales = _SCALES_VI if lang == "vi" else _SCALES_EN
        cur = _CURRENCY_VI.get(unit, unit) if lang == "vi" else unit
        for size, word in scales:
            if abs(d) >= size:
                return f"{number(d / size, lang)} {word} {cur}"
        return f"{number(d, lang, 0 if abs(d) >= 100 else None)} {cur}"
    return f"{number(d, lang)} {unit}".strip()


def factor(d: Decimal, lang: str = "vi") -> str:
    return number(d, lang, 0 if abs(d) >= 10 else 1)


T = {
    "vi": {
        "share": "{part} chỉ bằng khoảng {ratio} của {whole}, không phải {pct} ({pct} của {whole} là khoảng {need})",
        "sum": "{parts} = {sum}, khác {total} được nêu (lệch {diff})",
        "same_whole": (
            "{a} chiếm {pa} và {b} chiếm {pb} của cùng một tổng ({whole}), "
            "nhưng suy ra hai tổng khác nhau: {w1} và {w2}"
        ),
        "listed": "các tỷ lệ {parts} cộng lại là {sum}, vượt quá 100%",
        "complementary": "hai phần bù nhau {parts} phải cộng lại thành 100%, nhưng tổng là {sum}",
        "change_percent": (
            "từ {old} đến {new} là {verb} {actual}, không phải {verb} {pct} "
            "({verb} {pct} từ {old} thì còn khoảng {need})"
        ),
        "change_amount": "{new} so với {old} là {verb} {actual}, không phải {verb} {amt}",
        "direction": "câu văn nói {verb} từ {old} {to} {new}, nhưng {new} {cmp} {old}",
        "from_to_scale": "từ {old} đến {new} là thay đổi khoảng {factor} lần, quá lớn cho một lần tăng giảm",
        "dir_up": "tăng",
        "dir_down": "giảm",
        "part_whole": "phần {part} lớn hơn cả tổng {total}",
        "change_pa": (
            "mức trước thay đổi {amt} để thành {new} là {old}, nên {amt} bằng {actual} của nó, không phải {pct}"
        ),
        "times": "{new} chỉ gấp khoảng {ratio} lần {old}, không phải {n}",
        "scale": "; {fig} lệch khoảng {factor} lần (gần {power}), có lẽ phải là {suggestion}{fixed}",
        "scale_nosugg": "; {fig} lệch khoảng {factor} lần (gần {power}), có lẽ sai đơn vị (nghìn/triệu/tỷ)",
        "fixed_ok": ", khi đó các số khớp nhau",
        "fixed_share": " (khi đó tỷ lệ là {ratio}, vẫn chưa khớp hẳn)",
        "fixed_no": ", nhưng như vậy vẫn chưa khớp hẳn",
        "up": "tăng",
        "down": "giảm",
        "to_up": "lên",
        "to_down": "xuống",
        "bigger": "lớn hơn",
        "smaller": "nhỏ hơn",
        "share_over_100": "{pct} được nêu là phần chiếm của một tổng thể nên không thể vượt quá 100%",
        "fractional_count": "{fig} là số {unit} nhưng lại không phải số nguyên",
        "separator_slip": (
            "{fig} là {value}, gấp khoảng {factor} lần các giá trị cùng loại trong bài (trung vị {median}); "
            "có lẽ dấu chấm là dấu thập phân: {suggestion}"
        ),
        "repeat": "cùng một chỉ tiêu ({subject}) được nêu hai giá trị khác nhau trong bài: {a} và {b}",
        "cross_doc": "cùng một chỉ tiêu ({subject}, {period}) được nêu {a} trong {doc_a} nhưng {b} trong {doc_b}",
        "and": "và",
    },
    "en": {
        "share": "{part} is only about {ratio} of {whole}, not {pct} ({pct} of {whole} is about {need})",
        "sum": "{parts} = {sum}, not the {total} stated (off by {diff})",
        "same_whole": "{a} at {pa} and {b} at {pb} of the same whole ({whole}) imply two wholes: {w1} and {w2}",
        "listed": "the shares {parts} add up to {sum}, more than 100%",
        "complementary": "the two complementary shares {parts} should add up to 100%, but make {sum}",
        "change_percent": (
            "from {old} to {new} is {verb} {actual}, not {verb} {pct} ({verb} {pct} from {old} gives about {need})"
        ),
        "change_amount": "{new} against {old} is {verb} {actual}, not {verb} {amt}",
        "direction": "the text says it {verb} from {old} {to} {new}, but {new} is {cmp} {old}",
        "from_to_scale": "from {old} to {new} is a change by a factor of about {factor}, too large for one step",
        "dir_up": "rose",
        "dir_down": "fell",
        "part_whole": "the part {part} is larger than the whole {total}",
        "change_pa": "the level that changes by {amt} to {new} is {old}, so {amt} is {actual} of it, not {pct}",
        "times": "{new} is about {ratio} times {old}, not {n}",
        "scale": "; {fig} is off by a factor of about {factor} (near {power}), probably meant {suggestion}{fixed}",
        "scale_nosugg": "; {fig} is off by a factor of about {factor} (near {power}), probably a wrong scale word",
        "fixed_ok": ", which makes the figures agree",
        "fixed_share": " (then the share is {ratio}, still not an exact match)",
        "fixed_no": ", though that still does not match exactly",
        "up": "an increase of",
        "down": "a decrease of",
        "to_up": "to",
        "to_down": "to",
        "bigger": "larger than",
        "smaller": "smaller than",
        "share_over_100": "{pct} is stated as a share of a whole, so it cannot exceed 100%",
        "fractional_count": "{fig} counts {unit} but is not a whole number",
        "separator_slip": (
            "{fig} is {value}, about {factor} times the other figures of its kind in the article "
            "(median {median}); the dot was probably a decimal comma: {suggestion}"
        ),
        "repeat": "the same measure ({subject}) is given two different values in the article: {a} and {b}",
        "cross_doc": "the same measure ({subject}, {period}) is {a} in {doc_a} but {b} in {doc_b}",
        "and": "and",
    },
}


def text(key: str, lang: str = "vi", **kw: str) -> str:
    table = T.get(lang, T["vi"])
    return table[key].format(**kw)


def sentence(body: str) -> str:
    """Capitalise and close one sentence."""
    body = body.strip()
    if not body:
        return body
    return body[0].upper() + body[1:] + ("" if body.endswith(".") else ".")


def power_text(power: int, lang: str = "vi") -> str:
    n = Decimal(10) ** abs(power)
    word = number(n, lang, 0)
    if power < 0:
        return f"1/{word}"
    return word
