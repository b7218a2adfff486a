"""Stage 3 — attribute: what each claim measures (subject, base, change, reference, period).

Contract: ``attribute_claims(doc, claims, rules) -> list[Claim]`` returns the same claims, in the
same order, with those five fields filled where the text says them.

Cue words are data (``rules/attribution.yaml``, each section with examples and counter-examples
that tests/test_attribute_rules.py runs). The clause around each number is read with those cues;
underthesea (word segmentation, the v2.0 POS tagger) runs only on the few words next to a number —
the counted noun phrase of a count, the noun phrase after an amount or a percentage (what it
names, or its base), a check that a subject candidate holds a noun — each window once per process,
a few ms per article in all (bench/attribution_speed.py).

- subject: the noun phrase before the clause's predicate (`X là 338 tỷ đồng`), or the measure a
  verb names (`đạt doanh thu 5 tỷ`, `với tỷ lệ 6%`); a clause with none of its own (`…, ước thực
  hiện đạt 93,26% kế hoạch năm`) shares the subject of the figure before it in the sentence;
  list items take the list's measure of their name (`tỷ lệ đỗ … của Cao Bằng`), also across a `;`
  that starts a new sentence; a measure held or reported by a name, or another measure of the
  sentence is of, is `<measure> của <name>`; a bare measure repeats the fuller one that ended the
  paragraph's previous figure (`… ước tính trị giá là …. … trị giá đạt …`); `đối với X` after a
  figure joins its subject; a count after `có` joins what has it (`Đồng hồ có 2 mặt`).
- change/reference: the change verb right before the number (`tăng 12%`, `giảm thêm gần 10 tỷ`),
  not a to-level (`tăng lên 5%`, `từ A lên B`); the reference after `so với` / `so`.
- base: the noun phrase after a percentage, a plan after `so với`, a stake's company, the whole a
  share (`chiếm`) is of.
- period: the nearest time expression in the clause, else the sentence, else the one carried
  from earlier in the paragraph, else the article's lead; relative ones (`năm nay`, `cùng kỳ năm
  trước`) get their year from ``doc.published`` (`năm nay (2022)`).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import fields
from operator import attrgetter

import regex

from pipeline.attribute import core
from pipeline.attribute.config import AttributionRules, Compiled, compiled
from pipeline.attribute.period import find_periods, resolve_relative
from pipeline.model import Claim, Document
from pipeline.rulefiles import RuleSet
from pipeline.segment import Span, paragraphs, sentence_at, sentences

__all__ = ["AttributionRules", "attribute_claims", "resolve_relative"]

# The article's lead: periods in the first characters (title and opening sentence) carry to
# every figure that has none of its own.
_LEAD_CHARS = 400
_ENDS_TU = regex.compile(r"(?<!\w)từ\W*$", regex.V1)
_SENTENCE_END = regex.compile(r"[.!?…]\s|\n")
_LIST_GAP = regex.compile(r"[^.!?…\n]*;\s*")


def attribute_claims(doc: Document, claims: list[Claim], rules: RuleSet) -> list[Claim]:
    if not claims:
        return claims
    cp = compiled(rules)
    text = doc.text
    sent_spans: list[Span] | None = None
    paras = paragraphs(text)
    periods = _doc_periods(text, cp)
    starts = [p.start for p in periods]
    lead = _lead_period(periods)
    spelled: dict[str, str] | None = None  # acronym -> its spelled-out name in this article
    out: list[Claim] = []
    prev: Claim | None = None
    owner: Claim | None = None  # the last figure of the sentence whose subject a later one may share
    carried: dict[int, str] = {}  # paragraph start -> the last period stated in it so far
    items: dict[tuple[int, int, int], str] = {}  # (paragraph, sentence) -> its list item's subject
    for c in claims:
        s0, sent = c.sentence_start, c.sentence
        if s0 < 0 or not sent or text[s0 : s0 + len(sent)] != sent:
            sent_spans = sent_spans if sent_spans is not None else sentences(text)
            sp = sentence_at(sent_spans, c.start)
            s0, sent = (sp.start, sp.text) if sp else (c.start, c.text)
        same = prev is not None and prev.sentence_start == s0 and prev.end <= c.start
        # `…; trong đó, Khánh Hòa đạt 2.925 tấn; Phú Yên đạt 3.201 tấn`: a list run on after `;`
        # keeps the measure of the sentence before
        if not same and owner is not None and prev is not None and prev.end <= s0:
            same_list = _LIST_GAP.fullmatch(text, prev.end, s0) is not None
        else:
            same_list = same
        para = sentence_at(paras, c.start)
        lo, hi = bisect_left(starts, s0), bisect_left(starts, s0 + len(sent))
        in_sent = [Span(p.start - s0, p.end - s0, p.text) for p in periods[lo:hi]]
        subject, base, change, reference, period = _attribute_one(
            c, sent, s0, prev if same else None, owner if same_list else None, cp, in_sent
        )
        if not subject and c.kind != "count":
            # the same for every figure of the sentence, and a long paragraph makes it costly
            key = (para.start if para else 0, s0, len(sent))
            item = items.get(key)
            if item is None:
                item = items[key] = core.list_item_subject(text, para.start if para else 0, s0, sent, cp)
            if item:
                subject = item + core.per_unit(text[c.end :], cp)
        if not same and prev is not None and para is not None and prev.start >= para.start and c.kind != "count":
            # `Nhóm hàng điện thoại … ước tính trị giá là 3,9 tỷ USD. Đến hết tháng 5, trị giá đạt
            # 16 tỷ USD`: a bare measure repeats the fuller one the sentence before named
            fuller = core.fuller_subject(subject, prev.subject, cp)
            if fuller:
                subject = fuller + core.per_unit(text[c.end :], cp)
        if subject.isupper() and " " not in subject:
            spelled = spelled if spelled is not None else core.acronyms(text, cp)
            subject = spelled.get(subject, subject)
        pkey = para.start if para else -1
        if period:
            carried[pkey] = period
        else:
            # the last period stated earlier in the paragraph (periods are in text order)
            first = bisect_left(starts, para.start) if para is not None else lo
            period = carried.get(pkey) or (periods[lo - 1].text if lo > first else "") or lead
        if period:
            period = resolve_relative(period, doc.published, cp.relative, cp.cfg.period.relative_years)
        new = _filled(c, subject, base, change, reference, period, sent, s0)
        out.append(new)
        if not same_list:
            owner = None
        if new.kind != "count" and new.subject:
            owner = new
        prev = new
    return out


_CLAIM_FIELDS = tuple(f.name for f in fields(Claim))
_CLAIM_VALUES = attrgetter(*_CLAIM_FIELDS)
_FILLED_AT = tuple(
    _CLAIM_FIELDS.index(n) for n in ("subject", "base", "change", "reference", "period", "sentence", "sentence_start")
)


def _filled(
    c: Claim, subject: str, base: str, change: str, reference: str, period: str, sentence: str, s0: int
) -> Claim:
    """``c`` with its attribution (``dataclasses.replace`` costs ~10 µs a call, this ~2 µs)."""
    values = list(_CLAIM_VALUES(c))
    for i, v in zip(_FILLED_AT, (subject, base, change, reference, period, sentence, s0), strict=True):
        values[i] = v
    return Claim(*values)


def _attribute_one(
    c: Claim, sent: str, s0: int, prev: Claim | None, owner: Claim | None, cp: Compiled, periods: list[Span]
) -> tuple[str, str, str, str, str]:
    """(subject, base, change, reference, period) of ``c`` read from its sentence."""
    a, b = c.start - s0, c.end - s0
    floor = core.skip_per_unit(sent, prev.end - s0) if prev is not None else 0
    cs = core.clause_start(sent, a, max(0, floor))
    left = sent[cs:a]
    after = sent[b:]
    change = c.change
    if not change:
        change = core.change_of(left, cp)
        if change and _ENDS_TU.search(left) and cp.from_level.search(after):
            change = ""  # `tăng từ A lên B`: A is the old level
        if not change and c.kind == "multiplier":
            change = core.change_of(left + " gấp", cp) if left.rstrip().endswith(("tăng", "lên")) else ""
        if not change:
            change = core.change_stated_before(left, cp)
        if not change:
            change = core.change_noun(sent[core.clause_start(sent, a, 0) : a], cp) if c.kind != "count" else ""
        if not change and prev is not None and prev.change and cp.same_change_end.ends(left):
            change = prev.change
        restated = not left.strip() and sent[cs - 1 : cs] == "(" and not sent[max(0, floor) : cs - 1].strip()
        if not change and prev is not None and prev.change and restated:
            change = prev.change  # `giảm 0,137 USD/thùng (0,2%)`: the same change, restated
    timed_ref = ""
    if not change:
        change, timed_ref = core.change_then_time(left, cp)
    reference = ""
    if change or c.kind == "multiplier":
        reference = timed_ref or core.reference_of(left, after, cp)
        if not reference and prev is not None and prev.change == change and prev.reference and not left.strip(" ,"):
            reference = prev.reference
    base = ""
    if c.kind == "percent" and not change:
        base = core.base_of(left, after, cp) or core.ownership_base(sent, left, after, cp)
        if not base and prev is not None and prev.kind == "percent" and prev.base and not left.strip(" ,"):
            base = prev.base  # `Vietcombank (chiếm 27,75% tổng dư nợ), BIDV (13,47%)`: the same whole
        if not base:
            base = core.share_whole(sent, cs, left, cp)
    if c.kind == "count":
        subject = core.counted_noun_phrase(c.text, c.unit, left, after, cp)
    else:
        verbal = core.verb_noun(left, cp) if c.kind == "money" else ""
        # `ghi nhận 44,5 tỷ đồng tổng doanh thu`: a noun right after the amount names it
        named = core.noun_phrase_after(after, cp, 4, joined=True) if c.kind in ("money", "quantity") else ""
        if named:
            if verbal and named.lower() not in verbal.lower():
                # `thu về 6 triệu USD phòng vé` -> `doanh thu phòng vé`: the noun qualifies the verb's
                head, sep, agent = verbal.partition(" của ")
                named = f"{head} {named}{sep}{agent}"
            subject = named
        else:
            subject = verbal or core.subject_before(left, cp, cp.period)
            if not subject and not left.strip():
                subject = core.bracket_owner(sent, cs, max(0, floor), cp)
        if subject and cp.ref_bare.fullmatch(subject):
            subject = ""  # `cùng kỳ năm 2020 giảm 3,41%`: a time, not what is measured
        if named:
            pass
        elif owner is not None and (not subject or cp.same_change_end.ends(left)):
            # `giảm 1,45 điểm tương ứng 0,11%`, `57,2 triệu USD … và 58,1 triệu USD`: the same measure
            subject = owner.subject
        elif owner is not None and core.is_name(subject) and not core.is_name(owner.subject):
            # `tỷ lệ đỗ … như Quảng Ninh 96,7%, Cao Bằng 91,39%`: the list's measure of the name
            subject = f"{core.measure_of(owner.subject)} của {subject}"
        elif owner is not None and core.is_list_item(subject, left, cp) and owner.subject != subject:
            # `thuế nhập khẩu … đối với xăng là 9,31%; dầu diesel 2,57%`: the same measure, another item
            subject = f"{core.measure_of(owner.subject)} {subject}"
        if not subject and prev is not None and prev.kind == "count" and not left.strip(" ,").count(" "):
            # `số doanh nghiệp giải thể là 4.100 doanh nghiệp, tăng 50,8%`: the count's measure
            p0 = prev.start - s0
            clause = sent[core.clause_start(sent, p0, 0) : p0]
            # only when a predicate states the count (`là`, `đạt`, `có`); after another verb
            # (`hỗ trợ 46 địa phương`) the counted noun is what changed
            counted = core.subject_before(clause, cp, cp.period) if cp.predicates.search(clause) else ""
            subject = counted or prev.subject
        if not subject:
            # no noun before the number in its clause: the clause before it (`Năm 2016, X đạt …`)
            wide = sent[core.clause_start(sent, cs - 1, max(0, floor)) : a] if cs - 1 > floor else ""
            subject = core.subject_before(wide, cp, cp.period, borrowed=True) if wide else ""
        if subject and not named:
            subject = core.owner_in_sentence(subject, sent[:cs], cp) or subject
        if subject and change and c.kind == "money" and change in cp.cfg.subject.change_nouns:
            name = core.changed_name(subject)
            subject = f"{cp.cfg.subject.change_nouns[change]} của {name}" if name else subject
        per = core.per_unit(after, cp) if c.kind in ("money", "quantity") else ""
        if subject and per and not subject.endswith(per):
            subject += per
        whom = cp.for_whom.match(sent, core.skip_per_unit(sent, b))
        if subject and whom:
            words = whom.group("np").split()
            if len(words) <= cp.cfg.subject.for_whom_words and whom.group(0).strip() not in subject:
                subject = f"{subject} {core.squash(whom.group('cue'))} {' '.join(words)}"
    period = _period_in_sentence(periods, a, b, cs)
    if subject:
        subject = core.squash(cp.drop_words.sub("", subject)) or subject
    return subject, base, change, reference, period


def _period_in_sentence(periods: list[Span], a: int, b: int, cs: int) -> str:
    """The period nearest before the number in its clause, else in its sentence, else after it."""
    found = [p for p in periods if p.end <= a or p.start >= b]
    before = [p for p in found if p.end <= a]
    in_clause = [p for p in before if p.start >= cs]
    if in_clause:
        return in_clause[-1].text
    if before:
        return before[-1].text
    after = [p for p in found if p.start >= b]
    return after[0].text if after else ""


def _doc_periods(text: str, cp: Compiled) -> list[Span]:
    """Every period of the document, in order, except those naming a comparison (`so với năm 2020`)."""
    refs = []
    for m in cp.ref_inside.finditer(text):
        stop = _SENTENCE_END.search(text, m.end())
        refs.append((m.start(), min(core.clause_end(text, m.end()), stop.start() if stop else len(text))))
    low = text.lower()
    if cp.period_lower is not None and len(low) == len(text):
        found = [Span(p.start, p.end, text[p.start : p.end]) for p in find_periods(low, cp.period_lower)]
    else:
        found = find_periods(text, cp.period)
    return [p for p in found if not any(s <= p.start < e for s, e in refs)]


def _lead_period(periods: list[Span]) -> str:
    """A period of the title or opening sentence, when stated there (`… khuyến công năm 2021`)."""
    for p in periods:
        if p.start >= _LEAD_CHARS:
            break
        if "/" not in p.text and any(ch.isalpha() for ch in p.text):
            return p.text
    return ""
