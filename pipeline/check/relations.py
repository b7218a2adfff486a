"""Find the relations an article states between its figures, from the cue words around them.

A relation is only proposed when the text says it: a total followed by ``trong đó``/``gồm`` and its
parts, ``tổng cộng`` after parts, ``chiếm P%`` with a whole matched by what it measures (not by
position), ``tăng/giảm P% so với`` with both levels stated, ``từ A lên/xuống B``. Anything less
explicit is left alone: a wrong relation would become a false flag.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import Decimal

import regex

from pipeline.check.config import Compiled, words_pattern
from pipeline.check.figures import (
    Figure,
    bigrams,
    clause_after,
    clause_before,
    description,
    description_pairs,
    syllables,
)

_YEAR = regex.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_QUAL = regex.compile(
    r"(?:\s+(?:khoảng|hơn|gần|trên|dưới|xấp xỉ|ước|ước tính|chừng|tới|đến|lên tới|lên đến|chỉ|mới|có|là|"
    r"được|ở mức|mức|thêm|tới hơn|đến hơn|còn))+\s*$",
    regex.IGNORECASE,
)


@dataclass
class Relation:
    """A stated relation between figures. ``roles`` names each member; ``parts`` for sums."""

    kind: str  # sum, share, change, direction, listed
    rule_id: str
    doc_id: str
    roles: dict[str, Figure] = field(default_factory=dict)
    parts: list[Figure] = field(default_factory=list)
    direction: int = 0  # +1 increase, -1 decrease (change, direction)
    exhaustive: bool = True  # sum: a shortfall of the parts is a failure
    note: str = ""
    # a member matched by subject: other plausible figures for that role; if the relation fails
    # with the best match but holds with one of these, the article is read as consistent
    alt_role: str = ""
    alternatives: list[Figure] = field(default_factory=list)
    # a member found by what it measures elsewhere in the article, not by the sentence's own cues
    matched: bool = False

    @property
    def members(self) -> list[Figure]:
        out = list(self.roles.values()) + list(self.parts)
        return sorted(out, key=lambda f: f.claim.start)

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        return (self.kind, tuple(sorted(f.id for f in self.members)))


@dataclass
class DocView:
    """One document's figures, in text order, grouped by sentence."""

    doc_id: str
    figs: list[Figure]
    sentences: list[list[Figure]]
    _by_id: dict[str, Figure] = field(default_factory=dict)
    _weight: dict[str, float] = field(default_factory=dict)
    _where: dict[str, int] = field(default_factory=dict)

    def desc(self, f: Figure, cr: Compiled) -> frozenset[str]:
        """What f measures, as the article's figure of its id describes it (``description``)."""
        if not self._by_id:
            self._by_id = {g.id: g for g in self.figs}
        g = self._by_id.get(f.id)
        return (description(g, cr) if g is not None else frozenset()) or description(f, cr)

    def weights(self, cr: Compiled) -> dict[str, float]:
        """Each word's weight: words that describe most figures (the company's name) say little
        about which one. Read only where figures are matched by words, so most articles never
        describe all their figures."""
        if not self._weight:
            descs = {g.id: description(g, cr) for g in self.figs}
            df: dict[str, int] = {}
            for d in descs.values():
                for w in d:
                    df[w] = df.get(w, 0) + 1
            n = len(self.figs)
            self._weight = {w: math.log(1 + n / c) for w, c in df.items()}
        return self._weight

    def score(
        self, key: AbstractSet[str], f: Figure, cr: Compiled, pairs: AbstractSet[str] | None = None
    ) -> tuple[float, float]:
        """(weighted share of ``key`` found in f's description, weighted Jaccard); with ``pairs``
        (the key's syllable pairs), the share is the mean of the syllable and the pair coverage."""
        d = self.desc(f, cr)
        weight = self.weights(cr)
        wmax = math.log(1 + len(self.figs))

        def w(s: AbstractSet[str]) -> float:
            return sum(map(weight.get, s, itertools.repeat(wmax, len(s))))

        inter = w(key & d)
        cov = inter / w(key) if key else 0.0
        if pairs:
            cov = (cov + len(pairs & description_pairs(f, cr)) / len(pairs)) / 2
        return (cov, inter / w(key | d) if key | d else 0.0)

    @classmethod
    def build(cls, doc_id: str, figs: list[Figure]) -> DocView:
        figs = sorted(figs, key=lambda f: f.claim.start)
        groups: dict[int, list[Figure]] = {}
        for f in figs:
            groups.setdefault(f.s0 if f.s0 >= 0 else -1 - f.index, []).append(f)
        return cls(doc_id, figs, [groups[k] for k in sorted(groups)])

    def sentence_of(self, fig: Figure) -> int:
        if not self._where:
            self._where = {f.id: i for i, s in enumerate(self.sentences) for f in s}
        return self._where.get(fig.id, -1)


def _between(a: Figure, b: Figure) -> str:
    """Sentence text between two figures of the same sentence (a before b)."""
    if a.s0 != b.s0:
        return ""
    return a.claim.sentence[a.rel_end : b.rel_start]


def _bracketed(f: Figure) -> bool:
    before = f.before()
    return before.count("(") > before.count(")")


def _points(f: Figure) -> bool:
    """Percentage points (`tăng 0,5 điểm %`) are differences of rates, not shares or relative changes."""
    return f.claim.kind == "percent" and f.claim.unit not in ("%", "")


# _QUAL matches a text exactly when it matches searched backwards (it is anchored at the end),
# which fails fast on the many texts without a qualifier at their end
_QUAL_AT_END = regex.compile(_QUAL.pattern, regex.IGNORECASE | regex.REVERSE)


def _strip_qual(text: str) -> str:
    return _QUAL.sub("", text) if _QUAL_AT_END.search(text) else text


def _lead_in(f: Figure, chars: int) -> str:
    """``_strip_qual(f.before(chars))``, once per figure and window (the cue words ending there)."""
    reach = f.reach(chars)
    key = ("lead_in", reach)
    hit = f.memo.get(key)
    if hit is None:
        # a shorter window from the 40 characters most figures have stripped already: _QUAL matches
        # a text's end without looking back, so when the wide window's qualifiers start inside the
        # short one they are the short one's too (or when it has none)
        wide = f.memo.get(("lead_in", f.reach(40)))
        offset = f.reach(40) - reach
        if isinstance(wide, str) and 0 <= offset <= len(wide):
            hit = f.memo[key] = wide[offset:]
        else:
            hit = f.memo[key] = _strip_qual(f.before(chars))
    return hit  # type: ignore[return-value]


_FROM = regex.compile(r"(?<![\p{L}])từ(?:\s+mức)?\s*$", regex.IGNORECASE)
_DIGIT = regex.compile(r"\d")
_BIG_NUMBER = regex.compile(r"\d{3,}|\d[.,]\d")
_DIGIT_OR_BREAK = regex.compile(r"\d|[,;)]")
_REF_END = regex.compile(r"[,;()]")
_GAP_UNIT = regex.compile(r"^\s*(?:đồng|usd|vnđ|%)?", regex.IGNORECASE)
_CLOSE = regex.compile(r"\)")
_SEMI = regex.compile(r";")
_INNER_BRACKET = regex.compile(r"\([^()]*\)")
_LIST_JOIN = regex.compile(r"[\s,;]*(?:và|,)?\s*", regex.IGNORECASE)
_LEAD_PUNCT = regex.compile(r"^[\s,;:(]+")
_SPACES = regex.compile(r"\s+")


def _is_change(f: Figure, cr: Compiled) -> int:
    """+1/-1 when the figure is the size of a change (its claim says so, or a cue word precedes it).

    A figure after `từ` or after `lên`/`xuống`/`còn` is a level whatever its claim says."""
    hit = f.memo.get("change")
    if hit is None or hit[0] is not cr:  # type: ignore[index]
        hit = f.memo["change"] = (cr, _change_of(f, cr))
    return hit[1]  # type: ignore[index,no-any-return]


_CHANGE_CUES: dict[int, tuple[Compiled, tuple[regex.Pattern[str], ...]]] = {}


def _change_cues(cr: Compiled) -> tuple[regex.Pattern[str], ...]:
    """The cues _change_of reads for every figure, looked up once per rules."""
    hit = _CHANGE_CUES.get(id(cr))
    if hit is None or hit[0] is not cr:
        ch = cr.cfg.change
        pats = (
            cr.ends("to_any", [*ch.to_up, *ch.to_down]),
            # either list's cue ends the text only if a cue of both lists together does: most texts fail once
            cr.ends("change_end", [*ch.down, *ch.up]),
            cr.ends("down_end", ch.down),
            cr.ends("up_end", ch.up),
        )
        hit = _CHANGE_CUES[id(cr)] = (cr, pats)
    return hit[1]


def _change_of(f: Figure, cr: Compiled) -> int:
    to_any, change_end, down_end, up_end = _change_cues(cr)
    if _FROM.search(f.before(12)) or to_any.search(f.before(20)):
        return 0
    if f.claim.change == "increase":
        return 1
    if f.claim.change == "decrease":
        return -1
    before = _lead_in(f, 40)
    if not change_end.search(before):
        return 0
    if down_end.search(before):
        return -1
    if up_end.search(before):
        return 1
    return 0


def find_relations(view: DocView, cr: Compiled) -> list[Relation]:
    out: list[Relation] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for rel in _all(view, cr):
        if len({f.id for f in rel.members}) < len(rel.members) or rel.key in seen:
            continue
        seen.add(rel.key)
        out.append(rel)
    return out


def _all(view: DocView, cr: Compiled) -> Iterable[Relation]:
    used: set[str] = set()
    sums = list(_sums(view, cr))
    yield from sums
    yield from _partitions(view, cr)
    yield from _listed_shares(view, cr)
    yield from _times(view, cr)
    for rel in _from_to(view, cr):
        used.update(f.id for f in rel.members if f.claim.kind == "percent" or _is_change(f, cr))
        yield rel
    totals = {r.roles["total"].id for r in sums if "total" in r.roles}
    part_of = {p.id: r.roles["total"] for r in sums if "total" in r.roles for p in [*r.parts, *r.roles.values()]}
    yield from _changes(view, cr, used)
    shares = list(_shares(view, cr, totals, part_of))
    yield from shares
    yield from _named_rates(view, cr)
    # a whole stated next to its percentage settles it; a whole matched by name may be the wrong one
    yield from _same_wholes(view, cr, {r.roles["percent"].id for r in shares if not r.matched})


# ---- sums -------------------------------------------------------------------------------------


def _level(f: Figure, cr: Compiled) -> bool:
    """A level, not a change, a range or a bound: something that can be a part or a total."""
    return f.claim.qualifier != "range" and not _is_change(f, cr)


def _sums(view: DocView, cr: Compiled) -> Iterable[Relation]:
    rules = cr.cfg.sum
    intro = cr.cue("parts_intro", rules.parts_intro, "start")
    intro_any = cr.anywhere("parts_intro_any", rules.parts_intro)
    after_cue = cr.anywhere("total_after_parts", rules.total_after_parts)
    cmp = cr.anywhere("unstated_ref_any", cr.cfg.change.unstated_reference)
    for si, sent in enumerate(view.sentences):
        for i, t in enumerate(sent):
            if t.claim.kind == "percent" or not _level(t, cr):
                continue
            # total, then `trong đó` / `gồm` and its parts in the same sentence
            nxt = t.after(30)
            m_intro = intro.search(nxt)
            if not m_intro:
                named = t.after(rules.parts_intro_gap + 30)
                # the named form ends with the cue itself: a text without the cue cannot match it
                m_intro = _named_intro(cr).search(named) if intro_any.search(named) else None
            if m_intro:
                nxt = t.after(m_intro.end())
                # the list ends at `;`, or at the `)` closing a bracket opened before the cue
                rest = t.after()
                stop = len(rest)
                m_end = (_CLOSE if "(" in nxt else _SEMI).search(rest)
                if m_end:
                    stop = m_end.start()
                parts: list[Figure] = []
                for p in sent[i + 1 :]:
                    if p.rel_start >= t.rel_end + stop:
                        break
                    if p.dim != t.dim or not _level(p, cr):
                        continue
                    span = t.claim.sentence[t.rel_end : p.rel_start]
                    if span.count("(") - span.count(")") > (1 if "(" in nxt else 0):
                        continue  # inside a bracket that details a part
                    gap = t.claim.sentence[(parts[-1].rel_end if parts else t.rel_end) : p.rel_start]
                    if parts and intro_any.search(_INNER_BRACKET.sub(" ", gap)):
                        break  # `…, trong đó …` after a part breaks that part down: not the total's list
                    parts.append(p)
                parts = parts[: rules.max_parts]
                if len(parts) >= 2:
                    yield Relation(
                        "sum",
                        "sum.parts_after_total",
                        view.doc_id,
                        {"total": t},
                        parts,
                        exhaustive=_complementary(parts, cr) or _closed(parts, cr) or _enumerated(t, parts, cr),
                    )
                elif len(parts) == 1:
                    yield Relation("part_whole", "sum.single_part", view.doc_id, {"total": t, "part": parts[0]})
                continue
            # `tổng cộng … T` after its parts (earlier in the sentence, or the previous sentence)
            if after_cue.search(clause_before(t, 120)):
                same = [p for p in sent[:i] if p.dim == t.dim and _level(p, cr)]
                opening = t.claim.sentence[:40]
                if len(same) < 2 and si > 0 and cr.cue("total_open", rules.total_after_parts, "start").search(opening):
                    prev = view.sentences[si - 1]
                    same = [p for p in prev if p.dim == t.dim and _level(p, cr)]
                    if any(p.dim == t.dim and not _level(p, cr) for p in prev):
                        same = []
                if any(cmp.search(p.before(25)) for p in same):
                    same = []  # `23 tỷ (cùng kỳ 134 tỷ)`: levels of two periods, not parts
                if 2 <= len(same) <= rules.max_parts:
                    yield Relation("sum", "sum.total_after_parts", view.doc_id, {"total": t}, same, exhaustive=True)


def _named_intro(cr: Compiled) -> regex.Pattern[str]:
    """`48.793 ha cao su trong đó …`, `34 tỷ đồng doanh thu, trong đó, …`: a few words naming the total
    (no figure, no clause break, no change) may stand between it and the cue. Compiled when first needed."""
    rules = cr.cfg.sum
    changes = [*cr.cfg.change.up, *cr.cfg.change.down, *cr.cfg.change.reference]
    return cr.pattern(
        "parts_intro_named",
        lambda: rf"^(?![^,]*{words_pattern(changes)})"
        rf"[^\d;.:()\[\]]{{1,{rules.parts_intro_gap}}}?[\s,]+{words_pattern(rules.parts_intro)}",
    )


def _partitions(view: DocView, cr: Compiled) -> Iterable[Relation]:
    """`Trong 11 nhóm hàng có 3 nhóm giảm giá …; 8 nhóm … tăng`: a count split into parts, the
    first part in the total's sentence, the next the first count of that noun in the next sentences."""
    rules = cr.cfg.sum
    intro = cr.ends("partition_intro", rules.partition_intro)
    has = cr.ends("partition_part", rules.partition_part)
    for si, sent in enumerate(view.sentences):
        for i, t in enumerate(sent):
            if t.claim.kind != "count" or not _level(t, cr) or not intro.search(t.before(25)):
                continue
            first = next((p for p in sent[i + 1 :] if p.dim == t.dim), None)
            if first is None or not _level(first, cr) or not has.search(_between(t, first)):
                continue
            parts = [first]
            for later in view.sentences[si + 1 : si + 1 + rules.partition_window]:
                nxt = next((p for p in later if p.dim == t.dim), None)
                if nxt is not None:
                    if _level(nxt, cr) and not intro.search(nxt.before(25)):
                        parts.append(nxt)
                    break
            if len(parts) >= 2:
                yield Relation(
                    "sum", "sum.partition", view.doc_id, {"total": t}, parts, exhaustive=_complementary(parts, cr)
                )


def _times(view: DocView, cr: Compiled) -> Iterable[Relation]:
    """`A gấp N lần B` with both levels in the sentence: A = N × B."""
    times = cr.ends("times_end", cr.cfg.change.times)
    other = cr.cue("times_other", cr.cfg.change.times_other, "start")
    for sent in view.sentences:
        for i, m in enumerate(sent):
            if m.claim.kind != "multiplier":
                continue
            cue_inside = times.search(m.claim.text.split()[0] if m.claim.text else "")  # span `gấp đôi`
            if not (cue_inside or times.search(_lead_in(m, 20))):
                continue
            a = next((f for f in reversed(sent[:i]) if f.claim.kind not in ("percent", "multiplier")), None)
            if a is None or not _level(a, cr) or len(_between(a, m)) > cr.cfg.change.max_gap_chars:
                continue
            b = next((f for f in sent[i + 1 :] if f.dim == a.dim), None)
            if b is None or not _level(b, cr) or len(_between(m, b)) > cr.cfg.change.max_gap_chars:
                continue
            if not other.search(_between(m, b)) or len(_between(a, m)) > 30:
                continue
            if _DIGIT.search(_YEAR.sub("", _between(m, b))):
                continue
            yield Relation("times", "change.times", view.doc_id, {"new": a, "old": b, "factor": m})


def _closed(parts: list[Figure], cr: Compiled) -> bool:
    """`gồm 55.000 tỷ … và 63.716 tỷ`, `trong đó ngồi 147 khách và đứng là 783 khách`: a list whose
    last part comes after `và` is complete, unless it trails off (`…`, `khác`, `v.v.`)."""
    if len(parts) < 2:
        return False
    rules = cr.cfg.sum
    gap = _between(parts[-2], parts[-1])
    if not cr.anywhere("closed_join", rules.closed_list).search(gap):
        return False
    tail = parts[-1].after(40)
    return not cr.anywhere("open_list", rules.open_list).search(tail.split(".")[0])


def _enumerated(total: Figure, parts: list[Figure], cr: Compiled) -> bool:
    """The parts' names were listed together before the total (`tại Thái Bình và Hà Giang, … 41,75 tỷ
    (trong đó Thái Bình là 25,35 tỷ, Hà Giang là 16,4 tỷ)`): the list covers what the text enumerated."""
    rules = cr.cfg.sum
    lead = cr.cue("parts_intro_lead", rules.parts_intro, "start")
    trim = cr.cue("label_trim", rules.label_trim, "end")
    labels: list[str] = []
    for p in parts:
        label = clause_before(p, 40)
        label = lead.sub("", _LEAD_PUNCT.sub("", label))
        while (m := trim.search(label)) is not None and m.start() < len(label):
            label = label[: m.start()]
        label = _SPACES.sub(" ", label).strip(" ,;:(").lower()
        if not set(syllables(label, cr.stop)):
            return False
        labels.append(label)
    if len(set(labels)) < len(labels):
        return False
    before = _SPACES.sub(" ", total.before()).lower()
    joined = r"\s*(?:,|;|\bvà\b|\bvới\b)\s*".join(regex.escape(x) for x in labels)
    return regex.search(rf"(?<![\p{{L}}]){joined}(?![\p{{L}}])", before) is not None


def _complementary(parts: list[Figure], cr: Compiled) -> bool:
    """Two parts that split a whole by a pair of opposite words (`quốc gia`/`địa phương`,
    `giảm`/`tăng`): the list is exhaustive, so a shortfall is a failure too."""
    if len(parts) != 2:
        return False
    a, b = parts

    def clause(f: Figure) -> str:
        return f"{clause_before(f, 90)} {f.claim.text} {clause_after(f, 45)}".lower()

    # each part's own clause; parts of two sentences may also be told apart by their whole sentences,
    # but a long sentence often holds both words (`8 nhóm tăng giá: … tăng 0,53%`, `3 nhóm giảm giá …`)
    readings = [(clause(a), clause(b))]
    if a.s0 != b.s0:
        readings.append((a.claim.sentence.lower(), b.claim.sentence.lower()))
    for x, y in cr.cfg.sum.complements:
        px, py = cr.anywhere(f"cmp:{x}", [x]), cr.anywhere(f"cmp:{y}", [y])
        for wa, wb in readings:
            if (px.search(wa) and py.search(wb) and not py.search(wa) and not px.search(wb)) or (
                py.search(wa) and px.search(wb) and not px.search(wa) and not py.search(wb)
            ):
                return True
    return False


def _listed_shares(view: DocView, cr: Compiled) -> Iterable[Relation]:
    """`lần lượt chiếm 40%, 35% và 25%`: shares of one whole cannot add to more than 100%."""
    cue = cr.anywhere("listed", cr.cfg.share.listed_cues)
    chiem = cr.anywhere("sanity_share_any", cr.cfg.sanity.share_cue)
    for sent in view.sentences:
        i = 0
        while i < len(sent):
            f = sent[i]
            if f.claim.kind != "percent" or _is_change(f, cr):
                i += 1
                continue
            lead = clause_before(f, 60)
            if not (cue.search(lead) and chiem.search(lead)):
                i += 1
                continue
            run = [f]
            j = i + 1
            while j < len(sent) and sent[j].claim.kind == "percent" and not _is_change(sent[j], cr):
                gap = _between(run[-1], sent[j])
                if not _LIST_JOIN.fullmatch(gap):
                    break
                run.append(sent[j])
                j += 1
            if len(run) >= 2:
                yield Relation("sum", "sum.listed_shares", view.doc_id, {}, run, exhaustive=False, note="100")
            i = j
    # `nam chiếm 48%, nữ chiếm 52%`: two shares told apart by opposite words split their whole
    chiem_end = cr.ends("sanity_share", cr.cfg.sanity.share_cue)
    for sent in view.sentences:
        shares = [
            f
            for f in sent
            if f.claim.kind == "percent"
            and not _is_change(f, cr)
            and not _points(f)
            and f.claim.qualifier != "range"
            and chiem_end.search(_lead_in(f, 40))
        ]
        if len(shares) == 2 and _complementary(shares, cr):
            yield Relation("sum", "sum.complementary_shares", view.doc_id, {}, shares, exhaustive=True, note="=100")


# ---- changes ----------------------------------------------------------------------------------


def _from_to(view: DocView, cr: Compiled) -> Iterable[Relation]:
    ch = cr.cfg.change
    to_up = cr.ends("to_up", ch.to_up)
    to_down = cr.ends("to_down", ch.to_down)
    for si, sent in enumerate(view.sentences):
        for i in range(len(sent) - 1):
            a, b = sent[i], sent[i + 1]
            if a.dim != b.dim or a.claim.qualifier == "range" or not _FROM.search(a.before(12)):
                continue
            gap = _between(a, b)
            if _DIGIT.search(_YEAR.sub("", gap)) or len(gap) > 45:  # `từ 100 tỷ năm 2020 lên 120 tỷ`
                continue
            gap_words = _GAP_UNIT.sub("", gap)
            direction = -1 if to_down.search(gap_words) else 1 if to_up.search(gap_words) else 0
            if direction == 0:
                continue
            rel = Relation("direction", "change.from_to", view.doc_id, {"old": a, "new": b}, direction=direction)
            # the size of the change: in this sentence, else a lone matching one in the previous
            sizes = [c for c in sent if c not in (a, b) and _is_change(c, cr) == direction]
            sizes = [c for c in sizes if c.claim.kind == "percent" or c.dim == a.dim]
            if a.claim.kind == "percent":
                sizes = []  # between two rates a percentage may be points or relative: not checkable
            if not sizes and si > 0 and a.claim.kind != "percent":
                # a lone amount of the previous sentence told as a change (`mức giảm … lên tới 200 triệu`)
                cue = cr.anywhere("down_any" if direction < 0 else "up_any", ch.down if direction < 0 else ch.up)
                prev = [c for c in view.sentences[si - 1] if c.dim == a.dim]
                if (
                    len(prev) == 1
                    and prev[0].claim.qualifier != "range"
                    and (_is_change(prev[0], cr) == direction or cue.search(clause_before(prev[0], 90)))
                ):
                    sizes = prev
            if len(sizes) == 1:
                c = sizes[0]
                role = "percent" if c.claim.kind == "percent" else "amount"
                rel = Relation(
                    "change", f"change.from_to_{role}", view.doc_id, {"old": a, "new": b, role: c}, direction=direction
                )
            yield rel


def _changes(view: DocView, cr: Compiled, used: set[str]) -> Iterable[Relation]:
    """`(level N), tăng/giảm X so với (O)`: N = O × (1 ± P/100) or N − O = ±A."""
    ch = cr.cfg.change
    ref = cr.cue("reference", ch.reference)
    new_after = cr.ends("new_after", ch.new_after)
    same = cr.cue("same_change", ch.same_change, "start")
    for sent in view.sentences:
        last_ref = ""  # `giảm 24% so với năm 2016 …, lợi nhuận …, giảm hơn 70%`: the reference carries over
        for i, x in enumerate(sent):
            direction = _is_change(x, cr)
            if not direction or x.id in used or x.claim.qualifier == "range" or _points(x):
                continue
            levels = [f for f in sent if f is not x and _level(f, cr) and f.claim.kind != "percent"]
            if x.claim.kind != "percent":
                levels = [f for f in levels if f.dim == x.dim]
            new: Figure | None = None
            old: Figure | None = None
            # the new level after the change: `giảm 24% so với … còn 34 tỷ`
            for f in sent[i + 1 :]:
                if f not in levels:
                    continue
                gap = _between(x, f)
                if new_after.search(gap) and not _BIG_NUMBER.search(_YEAR.sub("", gap)):
                    new = f
                break
            # or before it: `đạt 400 triệu đồng, giảm hơn 70%`
            if new is None:
                for f in reversed(sent[:i]):
                    if f not in levels:
                        continue
                    gap = _between(f, x)
                    # a bracketed level (`… so với cuối quý III (2.175 tỷ), nhưng giảm …`) is an old one
                    if len(gap) <= ch.max_gap_chars and not _DIGIT.search(gap) and not _bracketed(f):
                        new = f
                    break
            if new is None:
                continue
            # `tăng 17,6% (tương ứng tăng hơn 10,42 tỷ USD)`: the same change as a share and an amount
            if x.claim.kind == "percent":
                amt = next((f for f in sent[i + 1 :] if f.dim == new.dim), None)
                if amt is not None and _is_change(amt, cr) == direction and same.search(_between(x, amt)):
                    yield Relation(
                        "change",
                        "change.percent_and_amount",
                        view.doc_id,
                        {"new": new, "percent": x, "amount": amt},
                        direction=direction,
                    )
            # the old level after `so với` in the same sentence (before the next figure)
            nxt_fig = next((f for f in sent[i + 1 :]), None)
            tail = x.after(nxt_fig.rel_start - x.rel_end + 1 if nxt_fig is not None and nxt_fig.s0 == x.s0 else 200)
            m = ref.search(tail)
            if m:
                for f in sent[i + 1 :]:
                    if f in levels and f is not new and f.dim == new.dim and f.rel_start >= x.rel_end + m.end():
                        gap = f.claim.sentence[x.rel_end + m.end() : f.rel_start]
                        if len(gap) <= 40 and not _DIGIT_OR_BREAK.search(_YEAR.sub("", gap)):
                            old = f
                        break
            reference = x.claim.reference or (_REF_END.split(tail[m.end() : m.end() + 60])[0] if m else "")
            if reference.strip():
                last_ref = reference
            elif not m:
                reference = last_ref
            alts: list[Figure] = []
            matched = old is None
            if old is None:
                old = _match_old(view, cr, new, x, reference, alts)
            if old is None:
                continue
            role = "percent" if x.claim.kind == "percent" else "amount"
            yield Relation(
                "change",
                f"change.{role}_so_voi",
                view.doc_id,
                {"old": old, "new": new, role: x},
                direction=direction,
                alt_role="old",
                alternatives=alts,
                matched=matched,
            )


def _years(text: str) -> set[str]:
    return set(_YEAR.findall(text))


_SO_VOI = regex.compile(r"so\s+(?:với\s+)?(?:cùng\s+kỳ\s+)?[^,;.()]*", regex.IGNORECASE)


def _own_years(f: Figure) -> set[str]:
    """Years that date the figure itself: its sentence up to its clause end, without `so với …` phrases."""
    text = f.claim.sentence[: max(0, f.rel_end)] + clause_after(f, 60)
    return _years(_SO_VOI.sub(" ", text))


def _match_old(
    view: DocView, cr: Compiled, new: Figure, x: Figure, reference: str, alts: list[Figure]
) -> Figure | None:
    """The earlier level of a change stated elsewhere: same measure (by subject), the reference period."""
    if cr.cue("unstated_ref", cr.cfg.change.unstated_reference, "start").search(reference):
        return None
    ref_years = _years(reference)
    if reference.strip() and not ref_years:
        return None  # `so với năm trước`, `so với kế hoạch`: which figure that is, the text does not say
    if not ref_years:
        return None  # without a year in the reference, which earlier figure is meant is a guess
    key = set(syllables(new.claim.subject or x.claim.subject, cr.stop | _cue_words(cr)))
    if not key:
        key = set(syllables(clause_before(x if x.claim.start < new.claim.start else new, 90), cr.stop | _cue_words(cr)))
    if len(key) < 2:
        return None
    scored: list[tuple[float, float, Figure]] = []
    for f in view.figs:
        if f is new or f is x or f.dim != new.dim or not _level(f, cr):
            continue
        if f.value == new.value and f.claim.text == new.claim.text:
            continue  # the new level stated again (title, lead), not the old one
        years = _own_years(f)  # the text's own year next to the figure, not a carried-over period
        if ref_years:
            if not (years & ref_years):
                continue
        else:
            continue
        cov, jac = view.score(key, f, cr)
        scored.append((cov, jac, f))
    best = _best(scored, cr.cfg.change.min_coverage, cr.cfg.share.min_margin)
    alts.extend(_plausible(scored, best, cr.cfg.share.alt_coverage, cr.cfg.share.alt_max_width))
    return best


def _plausible(
    scored: list[tuple[float, float, Figure]], best: Figure | None, min_cov: Decimal, max_width: Decimal
) -> list[Figure]:
    return [
        f
        for cov, _, f in scored
        if f is not best and cov >= float(min_cov) and f.value and (f.hi - f.lo) <= abs(f.value) * max_width
    ]


def _best(scored: list[tuple[float, float, Figure]], min_cov: Decimal, margin: Decimal) -> Figure | None:
    """The clear best candidate, or None when it is weak or tied with one of another value."""
    if not scored:
        return None
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    cov, jac, best = scored[0]
    if cov < float(min_cov):
        return None
    for cov2, jac2, other in scored[1:]:
        if other.value == best.value:
            continue
        if cov2 >= cov and jac2 >= jac * float(margin):
            return None
        if cov2 >= cov * float(margin) and jac2 >= jac:
            return None
        break
    return best


_CUE_CACHE: dict[int, frozenset[str]] = {}


def _cue_words(cr: Compiled) -> frozenset[str]:
    hit = _CUE_CACHE.get(id(cr))
    if hit is None:
        ch = cr.cfg.change
        words = [*ch.up, *ch.down, *ch.reference, *ch.new_after, "dự", "kiến", "so", "với", "giá", "trị"]
        hit = frozenset(w for phrase in words for w in phrase.lower().split())
        _CUE_CACHE[id(cr)] = hit
    return hit


# ---- shares -----------------------------------------------------------------------------------


def _shares(view: DocView, cr: Compiled, totals: set[str], part_of: dict[str, Figure]) -> Iterable[Relation]:
    sh = cr.cfg.share
    cue_end = cr.ends("share_end", sh.cues)
    whole_after = cr.cue("whole_after", sh.whole_after, "start")
    total_words = cr.anywhere("total_words", cr.cfg.sum.total_words)
    chiem = cr.ends("sanity_share", cr.cfg.sanity.share_cue)
    whole_before = cr.ends("whole_before", sh.whole_before)
    for sent in view.sentences:
        for i, p in enumerate(sent):
            if p.claim.kind != "percent" or _is_change(p, cr) or p.claim.qualifier == "range" or _points(p):
                continue
            # a share is announced (`chiếm`, `bằng`, `đạt` …); `là 5% giá trị tài sản` is a rate
            nxt_fig = sent[i + 1] if i + 1 < len(sent) else None
            after_whole = nxt_fig is not None and bool(whole_after.search(_between(p, nxt_fig)))
            if not (cue_end.search(_lead_in(p, 40)) or after_whole):
                continue
            # the part: the nearest level before, not one inside a bracket that details it
            # (`937 tỷ đồng (vay … 787 tỷ đồng, vay … 150 tỷ đồng) bằng 62,4% …`)
            part = next(
                (
                    f
                    for f in reversed(sent[:i])
                    if f.claim.kind != "percent" and _level(f, cr) and not _closed_bracket(_between(f, p))
                ),
                None,
            )
            whole: Figure | None = None
            nxt = sent[i + 1] if i + 1 < len(sent) else None
            if nxt is not None and nxt.claim.kind != "percent" and _whole_next(_between(p, nxt), whole_after):
                whole = nxt
                if part is not None and part.dim != whole.dim:
                    part = None
            if part is None:
                continue
            base = p.claim.base or clause_after(p, 60)
            if whole is None and not syllables(base, cr.stop):
                # `Trong tổng số 300 hộ có 45 hộ nghèo, chiếm 15%`; `300 doanh nghiệp, trong đó 45 …, chiếm 15%`
                earlier = next(
                    (
                        f
                        for f in reversed(sent[:i])
                        if f is not part and _same_measure(f, part) and whole_before.search(f.before(30))
                    ),
                    None,
                )
                total = part_of.get(part.id)
                whole = earlier or (total if total is not None and total is not part and total.s0 == part.s0 else None)
                if whole is None:
                    continue
            if whole is None:
                key = set(syllables(base, cr.stop))
                # `chiếm 68,72% tổng kinh phí` names its whole; `đạt 90% kế hoạch` often a plan never stated
                strong_cue = bool(chiem.search(_lead_in(p, 40)))
                if len(key) < (2 if strong_cue else 3):
                    continue
                wants_total = bool(total_words.search(base))
                base_years = _years(base)  # `kế hoạch vốn năm 2016`: not the 2017 plan
                pairs = bigrams(base, cr.stop)
                scored: list[tuple[float, float, Figure]] = []
                for f in view.figs:
                    if f is part or f.dim != part.dim or not _level(f, cr):
                        continue
                    if base_years and not (base_years & _own_years(f)):
                        continue
                    cov, jac = view.score(key, f, cr, pairs)
                    if wants_total and (f.id in totals or total_words.search(clause_before(f, 90))):
                        jac += 1.0  # a stated total answers `tổng …` before any other match
                    scored.append((cov, jac, f))
                whole = _best(scored, sh.min_coverage, sh.min_margin)
                alts = _plausible(scored, whole, sh.alt_coverage, sh.alt_max_width)
                matched = True
            else:
                alts = []
                matched = False
            if whole is None or whole is part:
                continue
            yield Relation(
                "share",
                "share.percent_of_whole",
                view.doc_id,
                {"part": part, "whole": whole, "percent": p},
                alt_role="whole",
                alternatives=alts,
                matched=matched,
            )


def _closed_bracket(gap: str) -> bool:
    """The text after a figure closes a bracket it did not open: the figure was inside it."""
    return gap.count(")") > gap.count("(")


_BRACKETED_WHOLE = regex.compile(r"^[^\d;.()\[\]]{2,60}\(\s*$")


def _whole_next(gap: str, whole_after: regex.Pattern[str]) -> bool:
    """The figure after the percentage is its whole: `P% trong tổng số W`, or the named whole
    with its figure in brackets (`62,4% tổng chi đầu tư phát triển (1,5 nghìn tỷ đồng)`)."""
    return bool(whole_after.search(gap) or _BRACKETED_WHOLE.search(gap))


def _same_wholes(view: DocView, cr: Compiled, done: set[str]) -> Iterable[Relation]:
    """`A … chiếm P% <whole>` and `B … chiếm Q% <whole>` with one named whole never stated:
    A ÷ P and B ÷ Q are that whole twice, so they must agree. Percentages already checked
    against a stated whole (``done``) are left out."""
    sh = cr.cfg.share
    chiem = cr.ends("sanity_share", cr.cfg.sanity.share_cue)
    anaphora = cr.anywhere("same_whole_anaphora", sh.same_whole_anaphora)
    base_end = cr.cue("same_whole_base_end", sh.same_whole_base_end)
    groups: dict[tuple[object, ...], list[tuple[Figure, Figure]]] = {}
    for sent in view.sentences:
        for i, p in enumerate(sent):
            if (
                p.claim.kind != "percent"
                or p.id in done
                or _is_change(p, cr)
                or _points(p)
                or p.claim.qualifier == "range"
                or not chiem.search(_lead_in(p, 40))
            ):
                continue
            base = p.claim.base or clause_after(p, 60)
            cut = base_end.search(base)
            base = base[: cut.start()] if cut else base
            words = tuple(syllables(base, cr.stop))
            if len(set(words)) < sh.same_whole_min_syllables or anaphora.search(base):
                continue
            part = next((f for f in reversed(sent[:i]) if f.claim.kind not in ("percent", "multiplier")), None)
            if part is None or not _level(part, cr) or p.rel_start - part.rel_end > sh.same_whole_max_gap:
                continue
            # the years the sentence names up to the part: `Năm 2015, … chiếm 12,3% tổng số thu` is another whole
            years = frozenset(_years(part.claim.period) | _years(part.claim.sentence[: max(0, part.rel_start)]))
            groups.setdefault((words, part.dim, years), []).append((part, p))
    for members in groups.values():
        for (a, pa), (b, pb) in itertools.pairwise(members):
            if a is b:
                continue
            yield Relation(
                "same_whole",
                "share.same_whole",
                view.doc_id,
                {"part": a, "percent": pa, "part2": b, "percent2": pb},
                matched=True,
            )


def _same_measure(whole: Figure, part: Figure) -> bool:
    """A whole announced by `trong số` may count its members by another noun
    (`Trong số 203 người ứng cử … có 11 nhân sự …`): counts go with counts."""
    return whole.dim == part.dim or (whole.claim.kind == part.claim.kind == "count")


def _named_rate(cr: Compiled) -> regex.Pattern[str]:
    """`tỷ lệ <part> trên <whole>`, compiled when first needed."""
    sh = cr.cfg.share
    return cr.pattern(
        "named_rate",
        lambda: rf"{words_pattern(sh.rate_cues)}\s+(?P<part>[^,;:()\d]{{2,60}}?)\s+{words_pattern(sh.rate_of)}"
        rf"\s+(?P<whole>[^,;:()\d]{{2,80}}?)(?=\s+{words_pattern(sh.rate_phrase_end)}|\s*$)",
    )


def _named_rates(view: DocView, cr: Compiled) -> Iterable[Relation]:
    """`tỷ lệ <part> trên <whole> (là) P%`: the rate names both figures, found by those words
    anywhere in the article; ranges are kept (`50-90%` of `22 đến 40 tỷ`), as intervals."""
    sh = cr.cfg.share
    # the phrase opens with a rate cue followed by a space: a text without such a cue holds none
    rate_cue = cr.anywhere("rate_cues", sh.rate_cues)
    for sent in view.sentences:
        for i, p in enumerate(sent):
            if p.claim.kind != "percent" or _is_change(p, cr) or _points(p):
                continue
            before = p.before(sh.rate_max_chars)
            if i > 0 and sent[i - 1].rel_end > p.rel_start - len(before):
                before = p.claim.sentence[sent[i - 1].rel_end : p.rel_start]  # no figure in between
            if not rate_cue.search(before):
                continue
            matches = list(_named_rate(cr).finditer(before))
            if not matches:
                continue
            m = matches[-1]
            part_key = set(syllables(m.group("part"), cr.stop))
            whole_key = set(syllables(m.group("whole"), cr.stop))
            if len(part_key) < 2 or len(whole_key) < 2 or part_key <= whole_key or whole_key <= part_key:
                continue
            found: dict[str, Figure] = {}
            for role, key, pairs in (
                ("whole", whole_key, bigrams(m.group("whole"), cr.stop)),
                ("part", part_key, bigrams(m.group("part"), cr.stop)),
            ):
                other = found.get("whole")
                scored = [
                    (*view.score(key, f, cr, pairs), f)
                    for f in view.figs
                    if f.claim.kind not in ("percent", "multiplier")
                    and not _is_change(f, cr)
                    and (other is None or (f is not other and f.dim == other.dim))
                ]
                best = _best(scored, sh.min_coverage, sh.min_margin)
                if best is None:
                    break
                # one figure restated (`giải ngân 20 tỷ` three times): the statement nearest the rate
                same = [f for cov, _, f in scored if f.value == best.value and cov >= float(sh.min_coverage)]
                found[role] = min(same, key=lambda f: abs(f.claim.start - p.claim.start))
            if len(found) == 2:
                yield Relation(
                    "share",
                    "share.named_rate",
                    view.doc_id,
                    {"part": found["part"], "whole": found["whole"], "percent": p},
                    matched=True,
                )
