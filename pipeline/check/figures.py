"""Figures as the checker sees them: a claim, the interval its written precision allows, its context.

``68,72%`` is exact to half a unit of its last digit (68.715 … 68.725); ``khoảng`` widens that,
``hơn``/``trên`` open one side. Every relation is verified on these intervals, so rounding that
the text itself shows is never reported as an error.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import regex

from pipeline.check.config import Compiled
from pipeline.model import Claim

INF = Decimal("Infinity")
_NUM = regex.compile(r"\d+(?:[.,]\d+)*")
_SYL = regex.compile(r"[\p{L}\p{N}]+")
# numbers that are figures, not years or dates (`năm 2016`, `10/12`)
_FIGURE_NUM = regex.compile(r"(?<![\d/.,])(?!(?:19|20)\d\d(?![\d.,]))\d+(?:[.,]\d+)*(?![\d/])")
_JOINT = regex.compile(r",|\bvà\b|\bcòn\b|\bvới\b|\btrong khi\b|\bcùng\b", regex.IGNORECASE)
_CLAUSE_BREAK = regex.compile(r"[;:()\[\]“”\"]|,\s*(?:trong đó|gồm|bao gồm)\b|\s[-–]\s", regex.IGNORECASE)
# its parts, read from the right by _last_break
_BREAK_CHARS = ';:()[]“”"'
_COMMA_BREAK = regex.compile(r",\s*(?:trong đó|gồm|bao gồm)\b", regex.IGNORECASE)
_LAST_FIGURE_NUM = regex.compile(_FIGURE_NUM.pattern, regex.REVERSE)
_LAST_JOINT = regex.compile(_JOINT.pattern, regex.IGNORECASE | regex.REVERSE)


@dataclass(frozen=True, slots=True)
class Figure:
    """One claim with its tolerance interval and its place in the document."""

    claim: Claim
    lo: Decimal
    hi: Decimal
    half: Decimal  # half a unit of the last written digit, in value units
    number: str  # the digits as written (`166,27`)
    scale_word: str  # `triệu`, `tỷ`, … or ""
    index: int  # position among the document's claims
    # results of pure functions of this figure (its clauses, its words, whether it is a change),
    # computed once: they live and die with the figure, so no document sees another's
    memo: dict[object, object] = field(default_factory=dict, init=False, repr=False, compare=False)
    # read in every pair loop: set once from the (frozen) claim
    id: str = field(init=False, repr=False, compare=False)
    value: Decimal = field(init=False, repr=False, compare=False)
    kind: str = field(init=False, repr=False, compare=False)
    dim: tuple[str, str] = field(init=False, repr=False, compare=False)  # what it adds to or compares with
    s0: int = field(init=False, repr=False, compare=False)
    rel_start: int = field(init=False, repr=False, compare=False)
    rel_end: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        c = self.claim
        unit = c.unit.lower()
        if c.kind == "count":
            # the counted noun's head: `nhóm hàng hóa` and `nhóm` add up; `lượt người` and `người` do not
            unit = unit.split()[0] if unit else ""
        for name, v in (
            ("id", c.claim_id),
            ("value", c.value),
            ("kind", c.kind),
            ("dim", (c.kind, unit)),
            ("s0", c.sentence_start),
            ("rel_start", c.start - c.sentence_start),
            ("rel_end", c.end - c.sentence_start),
        ):
            object.__setattr__(self, name, v)

    def before(self, chars: int = 10_000) -> str:
        """Sentence text before the figure."""
        r = self.rel_start
        if r < 0:
            return ""
        return self.claim.sentence[r - chars if r > chars else 0 : r]

    def reach(self, chars: int) -> int:
        """How many characters ``before(chars)`` holds: windows of one reach are one text."""
        r = self.rel_start
        return chars if chars < r else max(r, 0)

    def after(self, chars: int = 10_000) -> str:
        e = self.rel_end
        return self.claim.sentence[e : e + chars] if e >= 0 else ""

    @property
    def one_sided(self) -> bool:
        return self.lo == -INF or self.hi == INF


_WS = regex.compile(r"\s+")
_SPACED_COMMA = regex.compile(r"(?<=\d),\s+(?=\d)")
_BREAK_OR_DIGIT = regex.compile(r"[,;:.()]|\d")


def parse_number(text: str) -> tuple[str, Decimal | None, int]:
    """The first number written in ``text``: (digits as written, value, decimals written)."""
    m = _NUM.search(text)
    if not m:
        return "", None, 0
    raw = m.group(0)
    s = raw
    decimals = 0
    if "," in s:
        intpart, _, frac = s.rpartition(",")
        decimals = len(frac)
        s = intpart.replace(".", "") + "." + frac
    elif "." in s:
        groups = s.split(".")
        if all(len(g) == 3 for g in groups[1:]):
            s = s.replace(".", "")
        else:  # a decimal point written the English way (52.17)
            intpart, _, frac = s.rpartition(".")
            decimals = len(frac)
            s = intpart.replace(".", "") + "." + frac
    try:
        return raw, Decimal(s), decimals
    except ArithmeticError:
        return raw, None, 0


def scale_word_of(text: str, cr: Compiled) -> str:
    words = cr.cfg.scale.words
    pat = cr.cue("scale_words", [*words, "tỉ", "ngàn", "ngàn tỷ"])
    m = pat.search(text)
    if not m:
        return ""
    w = _WS.sub(" ", m.group(0).lower()).replace("tỉ", "tỷ").replace("ngàn", "nghìn")
    return w


def make_figure(claim: Claim, index: int, cr: Compiled) -> Figure | None:
    if claim.value is None:
        return None
    tol = cr.cfg.tolerance
    # one figure's span may carry a stray space after its decimal comma (`41, 75 tỷ đồng`)
    text = _SPACED_COMMA.sub(",", claim.text)
    raw, number, decimals = parse_number(text)
    scale_word = scale_word_of(text, cr) if raw else ""
    v = claim.value
    mult = v / number if number else Decimal(1)
    if claim.kind == "count" and tol.exact_counts and not scale_word and decimals == 0:
        half = Decimal(0)
    elif raw:
        half = Decimal(5) * Decimal(10) ** (-decimals - 1) * mult
        zeros = len(raw.replace(".", "")) - len(raw.replace(".", "").rstrip("0")) if decimals == 0 else 0
        # `256.000 tỷ` is rounded to its last non-zero digit; `1.300.000 đồng` is a price as written
        if zeros >= tol.rounded_zeros and scale_word:
            half = min(half * Decimal(10) ** zeros, abs(v) * tol.rounded_cap)
    else:  # spelled-out numbers are exact words
        half = Decimal(0)
    lo, hi = v - half, v + half
    q = claim.qualifier
    slack = tol.one_sided_slack
    if q == "range" and claim.value_max is not None:
        lo, hi = v - half, claim.value_max + half
    elif q == "approx":
        w = max(half * 2, abs(v) * tol.approx_relative)
        lo, hi = v - w, v + w
    elif q in ("more_than", "at_least", "less_than", "at_most"):
        # `hơn 2,21 tỷ` is 2,21… (a few units of its last digit); `hơn 3.000 người`, `hơn 70%` are
        # round figures that may hide more
        digits = raw.replace(".", "").replace(",", "")
        if slack == INF:
            width = INF
        elif digits and digits[-1] != "0" and half > 0:
            width = half * 2 * tol.one_sided_units
        else:
            width = abs(v) * slack
        if q in ("more_than", "at_least"):
            hi = INF if width == INF else v + width + half
        else:
            lo = (Decimal(0) if v >= 0 else -INF) if width == INF else max(Decimal(0), v - width - half)
    return Figure(claim, lo, hi, abs(half), raw, scale_word, index)


def _lower_words(text: str) -> list[str]:
    """Each syllable of ``text`` lower-cased. One ``lower`` over the words joined by spaces gives
    the same as lowering each (no word holds a space, and a space ends a final-sigma context)."""
    words = _SYL.findall(text)
    return " ".join(words).lower().split(" ") if words else []


# syllables by text: subjects recur across an article's figures; keyed by the text itself, so an
# entry is right for any document, and cleared when full to bound memory
_SYLLABLES: dict[tuple[str, frozenset[str]], tuple[str, ...]] = {}
_SYLLABLES_MAX = 8192


def syllables(text: str, stop: frozenset[str] = frozenset()) -> list[str]:
    if not text:
        return []
    key = (text, stop)
    hit = _SYLLABLES.get(key)
    if hit is None:
        if len(_SYLLABLES) >= _SYLLABLES_MAX:
            _SYLLABLES.clear()
        hit = _SYLLABLES[key] = tuple(w for w in _lower_words(text) if w not in stop and not w.isdigit())
    return list(hit)


def clause_before(fig: Figure, max_chars: int = 90) -> str:
    """The text of the figure's clause before it: back to a clause break or the previous number."""
    key = ("clause_before", fig.reach(max_chars))
    hit = fig.memo.get(key)
    if hit is None:
        hit = fig.memo[key] = _clause_before(fig, max_chars)
    return hit  # type: ignore[return-value]


def _clause_before(fig: Figure, max_chars: int) -> str:
    return clause_of(fig.before(max_chars))


def clause_of(text: str) -> str:
    """The clause that ends ``text``: after its last clause break, or after the joint that follows
    its last number."""
    cut = _last_break(text)
    # The last number after the break: no number runs across the end of a break (breaks end in
    # punctuation, a space or a letter), and none starts inside another (its start follows no digit,
    # point or comma), so the number that ends last, searched backwards from the text's end down
    # to ``cut``, is the last one read left to right. Joints cannot overlap either.
    last_num = _LAST_FIGURE_NUM.search(text, cut)
    if last_num is not None:
        # words right after the previous number describe it (`44,5 tỷ đồng tổng doanh thu và …`):
        # this figure's clause starts after the next conjunction or comma
        tail = text[last_num.end() :]
        joint = _LAST_JOINT.search(tail)
        cut = last_num.end() + (joint.end() if joint else len(tail))
    return text[cut:]


def _last_break(text: str) -> int:
    """Where the last ``_CLAUSE_BREAK`` match of ``finditer(text)`` ends (0 without one).

    Its single characters and its `, trong đó`-like cues share no character, and neither can
    overlap another match, so the match that ends last is found from the right: the last break
    character, or a later comma that opens a cue. Only `` - `` breaks can overlap one another
    (`` - - ``); a text with a dash is read with the whole pattern."""
    if "-" in text or "–" in text:
        cut = 0
        for m in _CLAUSE_BREAK.finditer(text):
            cut = m.end()
        return cut
    cut = max(map(text.rfind, _BREAK_CHARS)) + 1
    i = len(text)
    while (i := text.rfind(",", cut, i)) >= 0:
        m = _COMMA_BREAK.match(text, i)
        if m:
            return m.end()
    return cut


def clause_after(fig: Figure, max_chars: int = 45) -> str:
    key = ("clause_after", max_chars)
    hit = fig.memo.get(key)
    if hit is None:
        text = fig.after(max_chars)
        m = _BREAK_OR_DIGIT.search(text)
        hit = fig.memo[key] = text[: m.start()] if m else text
    return hit  # type: ignore[return-value]


def description(fig: Figure, cr: Compiled) -> frozenset[str]:
    """Content syllables that say what the figure measures: its subject and its clause."""
    key = ("description", cr.stop)
    hit = fig.memo.get(key)
    if hit is None:
        hit = fig.memo[key] = frozenset(_description(fig, cr))
    return hit  # type: ignore[return-value]


def _description(fig: Figure, cr: Compiled) -> set[str]:
    words = syllables(fig.claim.subject, cr.stop)
    words += syllables(clause_before(fig), cr.stop)
    words += syllables(clause_after(fig), cr.stop)
    return set(words)


def bigrams(text: str, stop: frozenset[str]) -> set[str]:
    """Adjacent syllable pairs with at least one content word (`dự toán`, `đầu năm`): they keep
    `dự toán đầu năm` apart from `chủ đầu tư … dự toán` where single syllables would not."""
    words = [w for w in _lower_words(text) if not w.isdigit()]
    return {f"{a} {b}" for a, b in itertools.pairwise(words) if a not in stop or b not in stop}


def description_pairs(fig: Figure, cr: Compiled) -> frozenset[str]:
    key = ("description_pairs", cr.stop)
    hit = fig.memo.get(key)
    if hit is None:
        hit = fig.memo[key] = frozenset(
            bigrams(fig.claim.subject, cr.stop)
            | bigrams(clause_before(fig), cr.stop)
            | bigrams(clause_after(fig), cr.stop)
        )
    return hit  # type: ignore[return-value]
