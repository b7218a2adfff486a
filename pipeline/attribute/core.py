"""Per-claim attribution: the clause around a number, and the five fields read from it.

Offsets here are into one sentence. A claim's *clause* runs from the nearest boundary before it
(sentence start, ``;`` ``:`` ``,`` ``(`` or the previous claim's end) to its start; bracketed
asides inside the clause are blanked so `Chỉ số giá nhóm thực phẩm (nhóm hàng …) giảm 0,85%`
keeps `Chỉ số giá nhóm thực phẩm` as its subject.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import regex

from pipeline.attribute import nlp
from pipeline.attribute.config import Compiled

_SPACE = regex.compile(r"\s+")
# what str.isspace calls a space and `\s` does not (the information separators U+001C-U+001F)
_NOT_REGEX_SPACE = frozenset("\x1c\x1d\x1e\x1f")
_NUMBER_HEAD = regex.compile(r"^[\d.,\s\-–]+", regex.V1)
_PUNCT_WORD = regex.compile(r"^\W+$", regex.V1)
_BOUNDARY = regex.compile(r"[;:()\[\]\"“”]|,(?!\d)|(?<!\d),|\s[-–]\s|…|\.(?=\p{Lu})", regex.V1)
_BOUNDARY_BACK = regex.compile(_BOUNDARY.pattern, _BOUNDARY.flags | regex.REVERSE)
_ENDS_LA = regex.compile(r"(?<!\w)là\W*$", regex.V1)
_DIGIT = regex.compile(r"\d")
_NOUN_MAKER_END = regex.compile(r"(?<!\w)(?:số|khoản|mức|tiền|vốn|sự|việc)\s*$", regex.V1 | regex.IGNORECASE)
_CLAUSE_COMMA = regex.compile(r",(?!\d)")
_AFTER_LA = regex.compile(r"(?<!\w)là(?!\w)")
_PER_UNIT_OR_CLOSE = regex.compile(r"\s*/\s*\w+|\s*\)")
_PER_UNIT = regex.compile(r"^\s*/\s*(\w+)")
_CUE_TO_COPULA = 5  # syllables between a change cue and the `là` that gives its size
_AGENT_WORDS = 4  # syllables: a longer phrase before the verb is a clause, not the verb's subject
_ACRONYM_WORDS = 6  # syllables of a spelled-out name kept before its acronym
_MEMO_SIZE = 20000  # clauses remembered per rules version
LONG = 8  # syllables: a subject candidate longer than this may hold two clauses


def squash(text: str) -> str:
    if _NOT_REGEX_SPACE.isdisjoint(text):
        # str.split breaks at the same spaces as `\s` here, and is several times faster
        return " ".join(text.split()).strip(" ,;:-–(")
    return _SPACE.sub(" ", text).strip(" ,;:-–(")


def blank_brackets(text: str) -> str:
    """Replace complete bracketed asides by spaces (offsets kept)."""
    if "(" not in text:
        return text
    out = list(text)
    depth_start: list[int] = []
    for i, ch in enumerate(text):
        if ch == "(":
            depth_start.append(i)
        elif ch == ")" and depth_start:
            s = depth_start.pop()
            if not depth_start:
                out[s : i + 1] = " " * (i + 1 - s)
    return "".join(out)


@lru_cache(maxsize=8192)
def clause_start(sent: str, at: int, floor: int) -> int:
    """Offset where the clause holding ``sent[at]`` starts (never before ``floor``).

    That is after the last boundary ``_BOUNDARY.finditer`` finds, which is the one ending last
    (found from the end) unless that is a dash between spaces overlapping another one before it
    (` - - `), which the forward scan skips; then the boundaries are read forwards."""
    blanked = blank_brackets(sent[floor:at])
    m = _BOUNDARY_BACK.search(blanked)
    if m is None:
        return floor
    i = m.start()
    if m.end() - i == 3 and i >= 2 and blanked[i - 1] in "-–" and blanked[i - 2].isspace():
        last = -1
        for f in _BOUNDARY.finditer(blanked):
            last = f.end()
        return floor + last
    return floor + m.end()


def clause_end(sent: str, at: int) -> int:
    m = _BOUNDARY.search(sent, at)
    return m.start() if m else len(sent)


# ---- change ------------------------------------------------------------------------------------


def change_of(left: str, cp: Compiled) -> str:
    """increase/decrease when the predicate right before the number is a change verb."""
    text = left
    for _ in range(8):
        m = cp.change_end.search(text)
        if m:
            if m.group("up"):
                return "increase"
            if m.group("down"):
                return "decrease"
            return ""
        b = cp.between_end.search(text)
        if not b or b.start() == len(text):
            return ""
        text = text[: b.start()]
    return ""


def change_then_time(left: str, cp: Compiled) -> tuple[str, str]:
    """(`increase`, `năm 2016`) for `cao hơn năm 2016 1,7%`; ("", "") otherwise."""
    m = cp.change_then_time.search(left)
    if not m:
        return "", ""
    return ("increase" if m.group("up") else "decrease"), squash(m.group("ref"))


def change_stated_before(left: str, cp: Compiled) -> str:
    """`thấp hơn giá đề xuất là 150 triệu đồng`: a copula whose clause opens with a change cue."""
    la = _ENDS_LA.search(left)
    if not la:
        return ""
    for m in cp.change_anywhere.finditer(left):
        if len(left[m.end() : la.start()].split()) > _CUE_TO_COPULA:
            continue  # `cao hơn dự kiến khi xây dựng kế hoạch thu là …`: too far to say the amount
        if m.group("up"):
            return "increase"
        if m.group("down"):
            return "decrease"
        return ""
    return ""


def change_noun(left: str, cp: Compiled) -> str:
    if cp.noun_down.search(left):
        return "decrease"
    if cp.noun_up.search(left):
        return "increase"
    return ""


# ---- reference ---------------------------------------------------------------------------------


def _until_stop(text: str, cp: Compiled, max_words: int = 10) -> str:
    m = cp.ref_stop.search(text)
    head = text[: m.start()] if m else text
    return " ".join(head.split()[:max_words]).strip()


def reference_of(left: str, after: str, cp: Compiled) -> str:
    m = cp.ref_after.search(after)
    if m:
        return _until_stop(m.group("ref"), cp)
    m = cp.ref_bare.search(after)
    if m:
        return squash(m.group("ref"))
    inside = list(cp.ref_inside.finditer(left))
    if inside:
        return _until_stop(left[inside[-1].end() :], cp)
    return ""


def drop_reference(left: str, cp: Compiled) -> str:
    """The clause without its `so với …` comparison (which names the reference, not the subject)."""
    inside = list(cp.ref_inside.finditer(left))
    if not inside:
        return left
    m = inside[0]
    rest = left[m.end() :]
    stop = cp.ref_stop.search(rest)
    end = m.end() + (stop.start() if stop else len(rest))
    return left[: m.start()] + " " + left[end:]


# ---- base --------------------------------------------------------------------------------------


def noun_phrase_after(
    after: str, cp: Compiled, max_words: int, stop: regex.Pattern[str] | None = None, joined: bool = False
) -> str:
    """The noun phrase that starts ``after`` (underthesea words), or "" when none starts there.

    ``joined``: a `và` followed by a noun or adjective continues the phrase (`100 tấn vàng và bạch
    kim`, `320 carat kim cương màu đen và trắng`)."""
    window = after[: clause_end(after, 0)]
    window = " ".join(window.split()[: max_words + 4])
    if not window or not window[0].isalpha() or cp.base_not_start.search(window):
        return ""
    if not (cp.base_head.search(window) or nlp.starts_with_noun(window)):
        return ""
    phrase = _words_until_stop(window, cp, max_words, stop)
    if joined and phrase:
        rest = window[len(phrase) :].split()
        if len(rest) >= 2 and rest[0] == "và":
            tagged = nlp.tags(" ".join(rest[1:]))
            if tagged and tagged[0][1][:1] in ("N", "A") and not _DIGIT.search(tagged[0][0]):
                phrase = f"{phrase} và {tagged[0][0]}"
    return phrase


def _words_until_stop(window: str, cp: Compiled, max_words: int, stop: regex.Pattern[str] | None = None) -> str:
    out: list[str] = []
    for w in nlp.words(window):
        if _PUNCT_WORD.match(w) or cp.count_stop.match(w) or (stop and stop.match(w)) or _DIGIT.search(w):
            break
        out.append(w)
        if len(out) >= max_words:
            break
    return " ".join(out)


def ownership_base(sent: str, left: str, after: str, cp: Compiled) -> str:
    """The company a stake is held in: `25% tại Cái Lân`, `nâng sở hữu Vocarimex lên 51%`."""
    if not cp.ownership.search(sent):
        return ""
    m = cp.ownership_at.search(after)
    if m:
        return _until_stop(m.group("np"), cp, 8)
    hits = list(cp.ownership.finditer(left))
    if not hits:
        return ""
    part = left[hits[-1].end() :]
    m = cp.ownership_at.search(part)
    part = m.group("np") if m else part
    preds = list(cp.predicates.finditer(part))
    if preds:
        part = part[: preds[-1].start()]
    part = squash(blank_brackets(part))
    return part if part and (part[0].isupper() or nlp.has_noun(part)) else ""


def share_whole(sent: str, cs: int, left: str, cp: Compiled) -> str:
    """`Dư nợ chứng khoán tập trung ở nhóm A (chiếm 43,47%)`: the noun phrase opening the clause."""
    if not cp.share_end.search(left):
        return ""
    at = cs - 1 if cs > 0 and sent[cs - 1] == "(" else cs
    start = clause_start(sent, at, 0)
    clause = strip_lead_trail(sent[start:at], cp)
    if not clause:
        return ""
    out: list[str] = []
    syl = clause.split()[:10]
    if not syl[0].isupper():
        syl[0] = syl[0][0].lower() + syl[0][1:]  # a sentence-initial capital misleads the tagger
    head = cp.base_head.search(clause)
    skip = len(head.group(0).split()) if head else 0  # `dư nợ` read as adjective + verb: trust the list
    seen = 0
    for w, t in nlp.tags(" ".join(syl)):
        seen += len(w.split())
        if seen > skip and (not (nlp.is_noun(t) or (t in ("A", "E") and out)) or not any(c.isalnum() for c in w)):
            break
        out.append(w)
    if not out:
        return ""
    return strip_lead_trail(clause[: len(" ".join(out))], cp)


def base_of(left: str, after: str, cp: Compiled) -> str:
    if after[:1] in "/":
        return ""
    m = cp.base_plan.search(after)
    if m:
        return _until_stop(m.group("np"), cp, 8)
    np = noun_phrase_after(after, cp, 8, cp.base_stop)
    if np:
        return np
    hits = list(cp.base_before.finditer(left))
    if hits:
        part = left[hits[-1].start() :]
        part = cp.base_strip.sub("", part)
        p = list(cp.predicates.finditer(part))
        if p:
            part = part[: p[-1].start()]
        return squash(part)
    return ""


# ---- subject -----------------------------------------------------------------------------------


def strip_lead_trail(text: str, cp: Compiled) -> str:
    text = squash(text)
    for _ in range(6):
        m = cp.lead.match(text)  # anchored at the start
        if not m or m.end() == 0:
            break
        text = text[m.end() :]
    for _ in range(8):
        m = cp.trail.search(text)
        if not m or m.start() == len(text):
            break
        text = text[: m.start()]
    return squash(text)


def _measure_after_verb(rest: str, cp: Compiled) -> str:
    """What a verb names before the number (`đạt doanh thu …` -> `doanh thu`), or ""."""
    for _ in range(4):  # `tăng trung bình mỗi năm từ 20%`: no measure named after the verb
        b = cp.between_end.search(rest)
        if not b or b.start() == len(rest):
            break
        rest = rest[: b.start()]
    rest = strip_lead_trail(rest, cp)
    if cp.event_noun.search(rest):
        return ""
    return rest if len(rest.split()) >= 2 and nlp.has_noun(rest) else ""


def subject_before(left: str, cp: Compiled, periods: regex.Pattern[str], borrowed: bool = False) -> str:
    """The noun phrase before the clause's last predicate (`X là 338 tỷ đồng` -> X).

    ``borrowed``: the clause is the one before the number's own (`X giảm nhẹ, đạt 98% kế hoạch`);
    its subject is what stands before its first predicate. Remembered per clause text: a third of
    the clauses recur (`Trong đó,`, a repeated lead-in), and each costs a dozen regex scans."""
    memo = cp.memo.setdefault("subject_before", {})
    key = (left, periods, borrowed)
    hit = memo.get(key)
    if hit is None:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        hit = memo[key] = _subject_before(left, cp, periods, borrowed)
    return hit


def _subject_before(left: str, cp: Compiled, periods: regex.Pattern[str], borrowed: bool) -> str:
    text = blank_brackets(left)
    text = drop_reference(text, cp)
    text = periods.sub(" ", text)
    parts = _CLAUSE_COMMA.split(text)
    if not borrowed and len(parts) > 1 and parts[-1].strip():
        text = parts[-1]  # a period removed from `Ước tính đến hết tháng 5/2017, trị giá đạt …`
    if borrowed:
        # `do phần lớn diện tích là cá tra nên sản lượng không giảm`: the clause after the link
        restarts = [m for m in cp.restart.finditer(text) if text[m.end() :].strip()]
        if restarts:
            text = text[restarts[-1].end() :]
    # `giá trị gia tăng`, `mức giảm`, `có thể`: words that hold a predicate without being one
    masked = cp.not_predicate.sub(lambda m: "_" * len(m.group(0)), text)
    # a capitalised word inside the clause is part of a name (`Cao Bằng`), not a predicate
    preds = [m for m in cp.predicates.finditer(masked) if m.group(0).islower() or not text[: m.start()].strip()]
    if borrowed:
        preds = preds[:1]
    if preds:
        last = preds[-1]
        if not borrowed and not last.group("kept"):
            named = _measure_after_verb(text[last.end() :], cp)
            if named:
                # `đạt doanh thu 5 tỷ`, `với tỷ lệ 6%`: the measure is named after the verb; after
                # `với` it measures what the clause before says (`chi trả cổ tức … với tỷ lệ 6%`)
                if is_name(named):
                    # `tỷ lệ đỗ … thấp hơn như Quảng Ninh 96,7%`: the measure before, of the name
                    before = strip_lead_trail(text[: last.start()], cp)
                    return f"{before} của {named}" if before and nlp.has_noun(before) else named
                # `… là Công ty Anh Trí với số nợ hơn 3 tỷ đồng`, `ITA đạt tổng doanh thu 228 tỷ`:
                # the measure of the name that holds it
                before = text[: last.start()]
                before = strip_lead_trail(_AFTER_LA.split(before)[-1], cp)
                if is_name(before) or is_org(before, cp):
                    return f"{named} của {before}"
                # `chi trả cổ tức … với tỷ lệ 6%`; not across a clause (`… nhưng không hoạt động với doanh số`)
                short = len(before.split()) <= cp.cfg.subject.max_syllables and not cp.restart.search(before)
                if last.group("with") and before and short and nlp.has_noun(before):
                    return f"{named} {before}"
                return named
        if not text[: last.start()].strip():
            return ""
        cut = last.end() if last.group("kept") else last.start()
        # `cổ phiếu HPG đã tăng khoảng`, `sẽ tăng với mức`: predicates stacked before the number
        while not last.group("kept"):
            ends = [m for m in preds if m.end() <= cut and not masked[m.end() : cut].strip(" ,")]
            if not ends or not text[: ends[-1].start()].strip():
                break
            last = ends[-1]
            cut = last.start()
        text, masked = text[:cut], masked[:cut]
        earlier = [m for m in preds[:-1] if m.end() <= cut and not m.group("kept")]
        if len(text.split()) > LONG and earlier:
            # a long run: the noun phrase right before the predicate is its subject
            seg = strip_lead_trail(text[earlier[-1].end() :], cp)
            if cp.event_noun.search(seg):
                # `biên lãi gộp của TAC đã có sự cải thiện lên mức`: the event happened to the subject
                text = text[: earlier[-1].start()]
            elif len(seg.split()) >= 2 and nlp.starts_with_noun(seg):
                text = seg
    restarts = [m for m in cp.restart.finditer(text) if text[m.end() :].strip()]
    if restarts:
        text = text[restarts[-1].end() :]
    text = strip_lead_trail(text, cp)
    syl = text.split()
    if len(syl) > LONG and " và " in text:
        # a long run joined by `và` is two clauses: the subject belongs to the last one
        head, tail = text.rsplit(" và ", 1)
        tail = strip_lead_trail(tail, cp)
        if len(tail.split()) >= 3 and nlp.has_verb(head) and nlp.has_noun(tail):
            text, syl = tail, tail.split()
    if len(syl) > cp.cfg.subject.max_syllables:
        text = " ".join(syl[: cp.cfg.subject.max_syllables])
    if text and not cp.base_head.search(text) and not nlp.has_noun(text):
        return ""
    # the lazy `who` is tried at every length: first ask whether a report verb is there at all
    m = cp.reported.match(text) if cp.report_verb.search(text) else None
    if m and (is_name(m.group("who")) or is_org(m.group("who"), cp)) and nlp.has_noun(m.group("what")):
        # `Apple đã công bố doanh thu … đạt`: the measure reported, of who reported it
        return f"{m.group('what')} của {m.group('who')}"
    return text


def _peel_trail(text: str, cp: Compiled) -> str:
    """Drop up to four trailing function words (`đã`, `khoảng`, `lên đến` …) left before the number."""
    for _ in range(4):
        m = cp.trail.search(text)
        if not m or m.start() == len(text):
            break
        text = text[: m.start()]
    return text


def verb_noun(left: str, cp: Compiled) -> str:
    """`người mua có thể đã lỗ đến` -> `khoản lỗ của người mua`: an amount that is a verb's object."""
    text = _peel_trail(left, cp)
    m = cp.verb_noun_end.search(text)
    if not m or _NOUN_MAKER_END.search(text, 0, m.start()):
        return ""  # `với số nợ hơn 3 tỷ đồng`: already a noun
    nouns = {" ".join(k.lower().split()): v for k, v in cp.cfg.subject.verb_nouns.items()}
    noun = nouns.get(" ".join(m.group("verb").lower().split()), "")
    agent = _AFTER_LA.split(text[: m.start()])[-1]  # `một cá nhân là công chức Nhà nước được giải ngân`
    restarts = list(cp.restart.finditer(agent))
    if restarts:
        agent = agent[restarts[-1].end() :]
    agent = strip_lead_trail(agent, cp)
    if agent and len(agent.split()) <= _AGENT_WORDS and (agent[0].isupper() or nlp.has_noun(agent)):
        return f"{noun} của {agent}"
    if agent and len(agent.split()) <= LONG:
        owner = _noun_agent(agent)
        if owner:
            return f"{noun} của {owner}"
    return noun


def _noun_agent(agent: str) -> str:
    """A longer agent that is still a noun phrase (`một cán bộ công chức Nhà nước`: nouns after an
    optional numeral), or the name it ends with (`màn ra mắt ầm ĩ của The Mummy` -> `The Mummy`)."""
    _, sep, name = agent.rpartition(" của ")
    if sep and is_name(name):
        return name
    syl = agent.split()
    if not (len(syl[0]) > 1 and syl[0].isupper()):
        syl[0] = syl[0][0].lower() + syl[0][1:]  # a sentence-initial capital misleads the tagger
    tagged = nlp.tags(" ".join(syl))
    if not tagged:
        return ""
    head = tagged[1:] if tagged[0][1] in ("M", "L") else tagged
    return agent if head and all(nlp.is_noun(t) for _, t in head) else ""


def counted_noun_phrase(span_text: str, unit: str, left: str, after: str, cp: Compiled) -> str:
    """A count's subject: its counted noun and the words that qualify it (`cơ sở ứng dụng máy móc`)."""
    low = span_text.lower()
    i = low.rfind(unit.lower()) if unit else -1
    head = span_text[i:] if i >= 0 else _NUMBER_HEAD.sub("", span_text)
    head = squash(head)
    end = clause_end(after, 0)
    if after[end : end + 1] == ",":
        # `5 đoàn tham quan, khảo sát học tập …`: a comma inside the phrase, not before another figure
        nxt = clause_end(after, end + 1)
        digit = _DIGIT.search(after, end + 1, nxt)
        nxt = digit.start() if digit else nxt
        part = after[end + 1 : nxt].strip()
        if part[:1].islower() and len(part.split()) >= 2:
            end = nxt
    window = after[:end].replace(",", " ")
    if window and not window[0].isspace():
        window = ""  # `5 cơ sở/năm`, `3.000 người)`: nothing qualifies the noun
    limit = cp.cfg.subject.count_max_words
    window = " ".join(window.split()[: limit * 2])
    extra = _words_until_stop(window, cp, limit) if window else ""
    phrase = strip_lead_trail(f"{head} {extra}", cp) or head
    if len(extra.split()) <= 1:
        action = _beneficiary_action(left, cp)
        if action:
            phrase = f"{phrase} {cp.cfg.subject.passive_word} {action}"
        else:
            phrase = f"{phrase} {_holder(left, cp)}".strip()
    return phrase


def _holder(left: str, cp: Compiled) -> str:
    """`Trên toàn thế giới cũng chỉ có 8 chiếc quần` -> `Trên toàn thế giới`: what has the counted things."""
    text = left
    for _ in range(4):
        if cp.have_end.search(text):
            break
        m = cp.trail.search(text)
        if not m or m.start() == len(text):
            break
        text = text[: m.start()]
    m = cp.have_end.search(text)
    if not m:
        return ""
    text = text[: m.start()]
    restarts = list(cp.restart.finditer(text))
    if restarts:
        text = text[restarts[-1].end() :]
    holder = strip_lead_trail(blank_brackets(text), cp)
    if not holder or len(holder.split()) > cp.cfg.subject.have_owner_words or _DIGIT.search(holder):
        return ""
    return holder if nlp.has_noun(holder) else ""


def _beneficiary_action(left: str, cp: Compiled) -> str:
    """`hỗ trợ tư vấn cho 12 cơ sở` -> `hỗ trợ tư vấn` (the action the counted things received)."""
    text = _peel_trail(left, cp)
    m = cp.beneficiary_end.search(text)
    if not m:
        return ""
    verb = strip_lead_trail(text[: m.start()], cp)
    if not verb:
        return ""
    return " ".join(list(nlp.words(" ".join(verb.split()[:12])))[: cp.cfg.subject.beneficiary_words])


def list_item_subject(text: str, para_start: int, s0: int, sent: str, cp: Compiled) -> str:
    """A numbered list item (`"Wonder Woman," 57,2 triệu USD`) under a heading (`Doanh thu … của
    10 phim: 1.`): the heading's measure of the item's name."""
    m = cp.list_item_name.match(sent)
    if not m:
        return ""
    name = squash(m.group("name"))
    end = s0 + m.end()
    found = cp.list_heading_any.search(text, para_start, end) is not None
    heads = list(cp.list_heading.finditer(text, para_start, end)) if found else []
    if not heads:
        return name
    return f"{squash(heads[-1].group('measure'))} của {name}"


def bracket_owner(sent: str, cs: int, floor: int, cp: Compiled) -> str:
    """`dầu nhờn (900 - 4.000 đồng/lít)`, `BIDV (13,47%)`: the name right before the bracket."""
    if cs < 1 or sent[cs - 1] != "(":
        return ""
    start = clause_start(sent, cs - 1, floor)
    if start <= floor and floor > 0:
        return ""  # `57,2 triệu USD ở Bắc Mỹ (58,1 …)`: the bracket restates the figure before it
    head = strip_lead_trail(sent[start : cs - 1], cp)
    if not head or len(head.split()) > 6 or _DIGIT.search(head):
        return ""
    return head if head[0].isupper() or nlp.starts_with_noun(head) else ""


_ACRONYM_DEF = regex.compile(r"(?P<long>[^\W\d][\w ]{3,80}?)\s*\((?P<acr>\p{Lu}[\p{Lu}&]{1,7})\)", regex.V1)
_ACRONYM_BRACKET = regex.compile(r"\(\p{Lu}[\p{Lu}&]{1,7}\)", regex.V1)
_ACRONYM_REACH = 81  # characters of `long` at most


def _acronym_defs(text: str) -> Iterator[regex.Match[str]]:
    """The matches of ``_ACRONYM_DEF.finditer(text)``, found from the bracketed acronyms.

    The name before an acronym is searched for only within reach of its bracket: a name (at most
    81 characters) and spaces stand between the match's start and the bracket, which is the first
    one after that start; the pattern tried at every position of the article costs ~5 ms.
    """
    pos = 0
    for b in _ACRONYM_BRACKET.finditer(text):
        ws = b.start()
        while ws > pos and text[ws - 1].isspace():  # `\s` is a subset of str.isspace
            ws -= 1
        m = _ACRONYM_DEF.search(text, max(pos, ws - _ACRONYM_REACH), b.end())
        if m is not None:
            yield m
            pos = m.end()


def acronyms(text: str, cp: Compiled) -> dict[str, str]:
    """`chỉ số giá tiêu dùng (CPI)` -> {"CPI": "chỉ số giá tiêu dùng (CPI)"}: the article's own
    spelled-out names, so a bare acronym subject can be given its full name."""
    out: dict[str, str] = {}
    for m in _acronym_defs(text):
        acr = m.group("acr")
        words = strip_lead_trail(m.group("long"), cp).split()[-_ACRONYM_WORDS:]
        if acr not in out and len(words) >= 2 and all(w.islower() or w[:1].isupper() for w in words):
            out[acr] = f"{' '.join(words)} ({acr})"
    return out


def is_name(text: str) -> bool:
    """A proper name (`Quảng Ninh`, `BIDV`, `Công ty TNHH Anh Trí`): capitalised first and last,
    most words capitalised, at most 8 words."""
    words = text.split()
    if not words or len(words) > 8 or not words[0][:1].isupper() or not words[-1][:1].isupper():
        return False
    return sum(w[:1].isupper() or w[:1].isdigit() for w in words) * 2 > len(words)


def is_org(text: str, cp: Compiled) -> bool:
    """An organisation's name (`Công ty TNHH xây dựng công trình Hoàng Hà`): a name head, then
    words at least half of them capitalised (`… Dịch vụ Hàng hải`), within ``org_max_words``."""
    m = cp.org_head.match(text)
    if not m or len(text.split()) > cp.cfg.subject.org_max_words:
        return False
    rest = text[m.end() - 1 :].split()
    return rest[-1][:1].isupper() or sum(w[:1].isupper() or w[:1].isdigit() for w in rest) * 2 >= len(rest)


def owner_in_sentence(subject: str, before: str, cp: Compiled) -> str:
    """`lợi nhuận của Công viên Thống Nhất không đổi, trong khi doanh thu giảm 29%`: a bare measure
    (`doanh thu`) is of the name another measure of the same sentence was said to be of."""
    if " của " in f" {subject} " or len(subject.split()) > _AGENT_WORDS or not cp.base_head.search(subject):
        return ""
    found = list(cp.of_name.finditer(before))
    if not found:
        return ""
    m = found[-1]
    name = m.group("name")
    head = cp.org_head_word.match(before, m.start("name"))
    if head and head.end() >= m.end("name"):
        return ""  # `của Ngân hàng`: a bare head (or its first syllable), not a name
    if not (is_name(name) or is_org(name, cp)) or name in subject:
        return ""
    return f"{subject} của {name}"


def changed_name(subject: str) -> str:
    """`Honda CR-V tiếp tục được điều chỉnh` -> `Honda CR-V`: a name of two words or more followed
    by nothing but verbs and adverbs (what changed is the name itself, not a measure of it)."""
    words = subject.split()
    k = 0
    while k < len(words) and (words[k][:1].isupper() or words[k][:1].isdigit()):
        k += 1
    if k < 2 or not words[0][:1].isupper():
        return ""
    tail = " ".join(words[k:])
    if tail and any(nlp.is_noun(t) for _, t in nlp.tags(tail)):
        return ""
    return " ".join(words[:k])


_PER_EACH_END = regex.compile(r"\s+mỗi\s+\w+$")


@lru_cache(maxsize=4096)
def _ends_with(words: str) -> regex.Pattern[str]:
    return regex.compile(rf"(?<!\w){regex.escape(words)}$", regex.IGNORECASE)


def fuller_subject(subject: str, earlier: str, cp: Compiled) -> str:
    """`trị giá nhóm hàng điện thoại …` when ``subject`` is a bare measure of at most two syllables
    that ends the ``earlier`` subject (`nhóm hàng điện thoại … ước tính trị giá`), else ""
    (`số nợ của Công ty A` is another holder's, not a fuller name of the same measure)."""
    words = subject.split()
    earlier = _PER_EACH_END.sub("", earlier)
    if not words or len(words) > 2 or len(earlier.split()) <= len(words):
        return ""
    m = _ends_with(" ".join(words)).search(earlier)
    rest = strip_lead_trail(earlier[: m.start()], cp) if m else ""
    return f"{subject} {rest}" if rest else ""


def is_list_item(subject: str, left: str, cp: Compiled) -> bool:
    """`; dầu diesel 2,57%`, `, dầu diesel là 1,18%`: a short noun phrase, no verb but a bare `là`,
    right before the number — one item of a list whose measure was named with its first item (not
    a measure itself, like `lợi nhuận`)."""
    left = _ENDS_LA.sub("", left)
    return (
        0 < len(subject.split()) <= 3
        and not cp.predicates.search(left)
        and not cp.base_head.search(subject)
        and squash(left).lower() == subject.lower()
    )


_FOR_ITEM = regex.compile(r"^(?P<measure>.+?\s(?:đối\s+với|với))\s+(?P<item>\S+(?:\s+\S+){0,2})$", regex.V1)


def measure_of(subject: str) -> str:
    """A list's measure from its first item's subject: without its per-unit, `của <name>` or
    item (`thuế nhập khẩu … với xăng` -> `thuế nhập khẩu … với`, which the next item completes)."""
    subject = _PER_EACH_END.sub("", subject)
    head, sep, name = subject.rpartition(" của ")
    if sep and head and is_name(name):
        return head
    m = _FOR_ITEM.match(subject)
    return m.group("measure") if m else subject


def skip_per_unit(sent: str, at: int) -> int:
    """Past the per-unit (`/lít`) and closing bracket that follow a figure."""
    m = _PER_UNIT_OR_CLOSE.match(sent, at)
    return m.end() if m else at


def per_unit(after: str, cp: Compiled) -> str:
    """`đồng/lít` -> ` mỗi lít` (the price's per-unit goes into the subject)."""
    m = _PER_UNIT.match(after)
    return f" {cp.cfg.subject.per_unit_word} {m.group(1)}" if m else ""
