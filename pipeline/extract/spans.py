"""Find claim spans with the rules of rules/*.yaml and turn each into a Claim.

Every claim rule is a regex (fragments expanded once per RuleSet) that starts at a number. The
text is scanned once for the places where a number starts (a digit, or a word that begins a
spelled number); at each, the rules that can match a number of that shape followed by that next
word (a partial match, cached per shape) are tried. Each match becomes a candidate: values
parsed, unit resolved from the rule's table, the counted noun read, exclusions applied. Valid
candidates are resolved longest first (a range beats its two ends; a buy–sell pair beats a range
by priority), and the qualifier and a bracketed sign are read from the words around the span.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Context, Decimal
from functools import lru_cache

import regex

from pipeline.errors import RuleFileError
from pipeline.extract.config import ClaimRule, ExtractConfig, load_config
from pipeline.extract.lexicon import canon, dictionary_words, first_word
from pipeline.extract.numbers import SCALES, parse_amount, scale_of
from pipeline.model import Claim, Document
from pipeline.rulefiles import RuleSet, expand_pattern, fragment_source
from pipeline.segment import Span, sentence_at, sentences

FLAGS = regex.IGNORECASE | regex.V0
_SYLLABLE = regex.compile(r"[ \t]+(\p{Ll}[\p{L}]*)(?![\p{N}-])")
_WS = regex.compile(r"\s+")
# the digits of a number, all alike in a shape key ("1.500 đồng" ~ "2.750 đồng"); a digit of
# another script stays itself, which only keeps such shapes apart
_NINES = str.maketrans("012345678", "999999999")
_SCALE_ENDS = frozenset((*SCALES, "rưỡi"))
_NEXT_WORD = re.compile(r"[^\s\d]{1,8}")  # where a probe ends (any end would do: it is in the key)
_GLOBAL_FLAG = regex.compile(r"\(\?[a-zA-Z-]+\)")  # "(?i)": a flag for the whole pattern


@dataclass(slots=True)
class Candidate:
    start: int
    end: int
    kind: str
    value: Decimal
    value_max: Decimal | None
    unit: str
    rule: ClaimRule
    is_range: bool = False
    anchor: int = -1  # where the qualifier is read (a pair's second claim shares the first's)


@dataclass(slots=True)
class _Match:
    """One rule match and its claim's span, not yet checked further (see Extractor._finish)."""

    start: int
    end: int
    priority: int
    rule: ClaimRule
    m: regex.Match[str]
    unit: str
    factor: Decimal
    num_end: int


_Entry = tuple[ClaimRule, regex.Pattern[str], regex.Pattern[str] | None, regex.Pattern[str] | None]


class Extractor:
    """The compiled extraction rules of one RuleSet."""

    def __init__(self, rules: RuleSet) -> None:
        self.config: ExtractConfig = load_config(rules)
        cfg = self.config
        self.currency: dict[str, tuple[str, Decimal]] = {}
        for code, words in cfg.money.currencies.items():
            for w in words:
                self.currency[_key(w)] = (code, Decimal(1))
        for w, (code, scale) in cfg.money.scaled.items():
            self.currency[_key(w)] = (code, scale_of(scale))
        for w, (code, factor) in cfg.money.subunits.items():
            self.currency[_key(w)] = (code, Decimal(factor))
        qualifier_words = [p for q in cfg.qualifiers.qualifier_rules for p in q.before]
        fragments = dict(rules.fragments)
        fragments.update(
            CURRENCY=fragment_source(list(self.currency_forms())),
            UNIT=_unit_source(cfg.quantity.units),
            CLASSIFIER=fragment_source(cfg.count.classifiers),
            TRIGGER=fragment_source(cfg.multiplier.triggers),
            QUALIFIER_WORD=fragment_source(qualifier_words),
            TIME_WORD=fragment_source(cfg.exclusions.time_words),
        )
        self.fragments = fragments
        where = str(rules.directory)
        self.patterns: list[tuple[ClaimRule, regex.Pattern[str], regex.Pattern[str] | None, bool, bool]] = []
        self.before_rule: dict[str, regex.Pattern[str]] = {}
        # per rule, a pattern whose partial match on the number and its next word is needed for a
        # match (see _may_match): the rule itself, or what follows its opening look-behind
        self._probes: list[regex.Pattern[str] | None] = []
        self._groups: dict[str, tuple[tuple[str, ...], bool]] = {}
        self._gates: dict[regex.Pattern[str], int] = {}  # what an opening (?<=…) needs, searched once per text
        self._gated: dict[str, int] = {}  # rule id -> its gate
        self._units: dict[tuple[str, str | None], tuple[str | None, Decimal]] = {}  # _unit, cached
        for rule in cfg.claim_rules():
            pat = self._compile(rule.pattern, f"{where}: {rule.id}")
            ctx = self._compile(rule.context, f"{where}: {rule.id}") if rule.context else None
            if rule.before:
                self.before_rule[rule.id] = self._compile(rule.before, f"{where}: {rule.id}")
            digits_only = not any(tok in rule.pattern for tok in ("{NUMBER}", "{SPELLED", "đôi", "rưỡi"))
            plain_start = rule.pattern.startswith(("(?P<n>{NUMBER}", "(?P<n>{DIGITS}"))
            self.patterns.append((rule, pat, ctx, digits_only, plain_start))
            self._probes.append(pat if plain_start else _probe_pattern(pat.pattern))
            gate = _opening_look_behind(pat.pattern)
            if gate is not None:
                self._gated[rule.id] = self._gates.setdefault(gate, len(self._gates))
            # the groups of the number's parts in this rule ("n" first; none without "n"), and "u"?
            names = pat.groupindex
            parts = ("n", *(g for g in ("s", "n2", "s2", "n_of") if g in names)) if "n" in names else ()
            self._groups[rule.id] = (parts, "u" in names)
        # what is tried at a start: (rule, pattern, context, before) of the rules that may match
        self._entries = [(rule, pat, ctx, self.before_rule.get(rule.id)) for rule, pat, ctx, _, _ in self.patterns]
        # at a number with no shape to probe (a spelled word such as "đôi", or a number followed by
        # punctuation), the rules that do not start with a plain number: by spelled?
        self._unprobed = {
            spelled: tuple(
                self._entries[i]
                for i, (_, _, _, digits_only, plain) in enumerate(self.patterns)
                if not plain and not (spelled and digits_only)
            )
            for spelled in (False, True)
        }
        # the number and its scale words: a claim needs something right after it (a unit, "%", a
        # range dash, a noun), so a number followed by punctuation, a digit or nothing is skipped
        self.head = self._compile("(?:{DIGITS_SPACED}|{NUMBER})(?:{SCALES})?[ \t]*", where)
        self._shapes: dict[str, tuple[_Entry, ...]] = {}
        self.dead_end = frozenset(",.;:!?)]}\"”’'\n\r0123456789")
        # where a claim can start: the first digit of a number, or a word that begins a spelled one
        # (the stdlib `re`, case-sensitive with each word in lower and title case, scans this fastest)
        starts = [w for w in rules.word_lists.get("NUMBER_START", []) if w]
        words = sorted({v for w in starts for v in (w, w[0].upper() + w[1:])}, key=lambda w: (-len(w), w))
        # Two scans, digits and words, each opening with a character rather than a look-behind
        # (which `re` then skips to quickly): one branch per first letter of the words, each
        # checking that no letter comes before it.
        by_first: dict[str, list[str]] = {}
        for w in words:
            by_first.setdefault(w[0], []).append(w[1:])
        letter_free = r"(?![^\W\d_])"  # no letter next to it (a digit may be: "gấp đôi0")
        self._digit_start = re.compile(r"\d(?<![\d.,]\d)")
        self._word_start = (
            re.compile(
                "|".join(
                    f"{re.escape(c)}(?<![^\\W\\d_]{re.escape(c)})(?:{'|'.join(map(re.escape, rest))}){letter_free}"
                    for c, rest in by_first.items()
                )
            )
            if by_first
            else None
        )
        self._exclusion_checks: dict[tuple[str, bool], tuple[tuple[regex.Pattern[str], ...], ...]] = {}
        self.exclusions = [
            (
                r,
                self._compile(r.before, r.id) if r.before else None,
                self._compile(r.after, r.id) if r.after else None,
                self._compile(r.text, r.id) if r.text else None,
            )
            for r in cfg.exclusions.exclusion_rules
        ]
        # one alternation per side; the leftmost match of an end-anchored search is the longest phrase
        before_alts, after_alts = [], []
        for i, q in enumerate(cfg.qualifiers.qualifier_rules):
            if q.if_after is not None:
                continue  # conditional words are tried first, on their own (below)
            if q.before:
                before_alts.append(f"(?P<q{i}>{fragment_source(q.before)})")
            if q.after:
                after_alts.append(f"(?P<q{i}>{fragment_source(q.after)})")
        self.qualifier_names = {f"q{i}": q.qualifier for i, q in enumerate(cfg.qualifiers.qualifier_rules)}
        self.before_q = regex.compile(r"(?<![\p{L}])(?:" + "|".join(before_alts) + r")[\s(:]*$", FLAGS)
        self.after_q = regex.compile(r"^(?:/[\p{L}]+)?\s*(?:" + "|".join(after_alts) + r")(?![\p{L}])", FLAGS)
        self.conditional = [
            (
                q.qualifier,
                frozenset(q.kinds),
                _ending_phrase(q.before),
                self._compile(q.if_after, q.id),
            )
            for q in cfg.qualifiers.qualifier_rules
            if q.if_after is not None and q.before
        ]
        transparent = cfg.qualifiers.transparent
        self.transparent = self._compile(transparent, "qualifiers.yaml: transparent") if transparent else None
        self.from_to = self._compile(cfg.qualifiers.from_to, "qualifiers.yaml: from_to")
        self.next_claim = [
            (q.qualifier, self._compile(q.next_claim, q.id)) for q in cfg.qualifiers.qualifier_rules if q.next_claim
        ]
        self.tu = _reverse(regex.compile(r"(?<![\p{L}])từ[\s(]*$", FLAGS))
        self.sign_inc = _reverse(self._compile(cfg.qualifiers.change_signs.increase, "qualifiers.yaml: change_signs"))
        self.sign_dec = _reverse(self._compile(cfg.qualifiers.change_signs.decrease, "qualifiers.yaml: change_signs"))
        # whether an end-anchored pattern matches is found fastest from the end; where the match
        # starts is not, so those patterns are searched forwards only when they match at all
        # Where a qualifier phrase ends the text before a claim: whether there is one is found
        # fastest from the end, and where the leftmost starts by a forward search; both with the
        # phrases as a tree of shared letters (the same phrases, no groups), and only then is
        # the phrase read with its group at that place.
        phrases = [w for q in cfg.qualifiers.qualifier_rules if q.if_after is None for w in q.before]
        tail = r"[\s(:]*$"
        any_src, first_src = _tree_source(phrases, reverse=True), _tree_source(phrases, reverse=False)
        self._before_q_any = _reverse(self.before_q)
        self._before_q_first: regex.Pattern[str] | None = None
        if any_src is not None and first_src is not None:
            self._before_q_any = regex.compile(r"(?<![\p{L}])" + any_src + tail, FLAGS | regex.REVERSE)
            self._before_q_first = regex.compile(r"(?<![\p{L}])" + first_src + tail, FLAGS)
        self._transparent_any = _reverse(self.transparent) if self.transparent is not None else None
        self.classifiers = {canon(w) for w in cfg.count.classifiers}
        self.nouns = {canon(w) for w in cfg.count.nouns}
        self.nouns_or_classifiers = self.nouns | self.classifiers
        self.not_nouns = {canon(w) for w in cfg.count.not_nouns} | {canon(w) for w in cfg.exclusions.time_words}
        # a counted noun never starts with a currency or a unit ("150 tỉ đồng tiền" is money)
        # (only one-word forms: "479 mã" is no "mã lực", "11 nhân sự" no "nhân dân tệ"; a longer
        # form such as "5 mã lực" is matched whole by its own rule, which then wins by length)
        first_syllables = {canon(w) for w in [*self.currency_forms(), *cfg.quantity.units] if len(w.split()) == 1}
        self.stop_heads = self.not_nouns | first_syllables
        self.noun_heads = {w.split()[0] for w in self.nouns if w.split()}
        self.max_syllables = cfg.count.max_syllables
        self.whole_nouns = {canon(w) for w in cfg.count.whole_nouns}
        self.words = dictionary_words() | self.nouns

    def currency_forms(self) -> list[str]:
        out = []
        for words in self.config.money.currencies.values():
            out.extend(words)
        out.extend(self.config.money.scaled)
        out.extend(self.config.money.subunits)
        return out

    def _compile(self, pattern: str, where: str) -> regex.Pattern[str]:
        try:
            return regex.compile(expand_pattern(pattern, self.fragments, where), FLAGS)
        except regex.error as e:
            raise RuleFileError([f"{where}: bad regex {pattern!r}: {e}"]) from e

    # ------------------------------------------------------------------ candidates

    def find(self, doc: Document, exhaustive: bool = False) -> list[Claim]:
        """The claims of ``doc``; ``exhaustive`` tries every rule at every character (slow: tests
        use it to show that the shortcuts below lose nothing)."""
        text = doc.text
        sents = sentences(text)
        found: list[_Match] = []
        # Every rule's match starts at a number, so each rule is tried only where a number starts:
        # one cheap scan for those places instead of one full scan per rule.
        starts = ((p, self._entries) for p in range(len(text))) if exhaustive else self._starts(text)
        # a rule that opens with "(?<=gấp\s+)" needs "gấp" somewhere in the text: one search per
        # document instead of the look-behind at every number
        closed = () if exhaustive else {i for gate, i in self._gates.items() if gate.search(text) is None}
        skip = {rule_id for rule_id, i in self._gated.items() if i in closed} if closed else ()
        for pos, entries in starts:
            for rule, pat, ctx, before in entries:
                if skip and rule.id in skip:
                    continue
                m = pat.match(text, pos)
                if m is None:
                    continue
                if ctx is not None and not self._context_ok(ctx, text, sents, pos):
                    continue
                if before is not None and not before.search(text, max(0, pos - 40), pos):
                    continue
                g = self._span(rule, m, text)
                if g is not None:
                    found.append(g)
        chosen = sorted(self._resolve(found, text), key=lambda c: c.start)
        claims: list[Claim] = []
        previous_end = 0
        for c in chosen:
            sent = sentence_at(sents, c.start)
            claims.append(self._claim(doc, c, sent, previous_end))
            previous_end = c.end
        return claims

    def _starts(self, text: str) -> Iterator[tuple[int, tuple[_Entry, ...]]]:
        """Where a number starts, with the rules that may match there.

        The number's digits are all alike to the rules, so the answer for "1.500 đồng" holds for
        "2.750 đồng": a partial match on the number and the next word decides, once per shape
        (see _may_match); the shape is the key of the cache.
        """
        shapes = self._shapes
        head = self.head
        for pos, spelled in self._number_starts(text):
            h = head.match(text, pos)
            if h is None:
                yield pos, self._unprobed[spelled]
                continue
            end = h.end()
            word = _NEXT_WORD.match(text, end)
            stop = word.end() + 1 if word else end + 1
            # Only the number's own digits are alike; digits in the next word are part of it
            # ("m2" is a unit, "m4" is not), so they stay in the key as written.
            key = text[pos:end].translate(_NINES) + text[end:stop]
            hit = shapes.get(key)
            if hit is None:
                hit = self._may_match(text[pos:stop], end - pos)
                if len(shapes) < 200_000:
                    shapes[key] = hit
            yield pos, hit

    def _number_starts(self, text: str) -> list[tuple[int, bool]]:
        """Where a digit or a word that begins a spelled number starts: (offset, spelled?), in order."""
        starts = [(m.start(), False) for m in self._digit_start.finditer(text)]
        if self._word_start is not None:
            words = [(m.start(), True) for m in self._word_start.finditer(text)]
            if words:
                starts = sorted(starts + words) if starts else words
        return starts

    def _may_match(self, probe: str, end: int) -> tuple[_Entry, ...]:
        """The rules that can match at the start of ``probe``: a number (``probe[:end]``, with its
        scale words and spaces) and the start of the next word."""
        spelled = not probe[0].isdigit()
        # a plain number followed by punctuation, a digit or nothing starts no claim, but
        # "54 tỷ." is a bare amount, "41 tỷ 951 triệu đồng" one amount, "gấp ba." a ratio
        last = probe[:end].rstrip().rsplit(None, 1)[-1].lstrip("0123456789.,").lower()
        dead = (end >= len(probe) or probe[end] in self.dead_end) and last not in _SCALE_ENDS
        rules = zip(self._entries, self._probes, self.patterns, strict=True)
        return tuple(
            entry
            for entry, probe_pat, (_, _, _, digits_only, plain) in rules
            if not (spelled and digits_only)
            and not (dead and plain)
            and (probe_pat is None or probe_pat.match(probe, partial=True))
        )

    def _context_ok(self, ctx: regex.Pattern[str], text: str, sents: list[Span], pos: int) -> bool:
        i = _sentence_index(sents, pos)
        if i is None:
            return bool(ctx.search(text[max(0, pos - 300) : pos + 100]))
        lo = sents[max(0, i - 2)].start
        return bool(ctx.search(text[lo : sents[i].end]))

    def _span(self, rule: ClaimRule, m: regex.Match[str], text: str) -> _Match | None:
        """A rule match with its claim's span (the counted noun read); None if it cannot be one.

        The rest of the checks wait for _finish, which only the matches that win their place need.
        """
        number_groups, has_u = self._groups[rule.id]
        if not number_groups or m.start("n") < 0:
            return None  # no number
        u = m.group("u") if has_u else None
        hit = self._units.get((rule.id, u))
        if hit is None:
            hit = self._unit(rule, u)
            if len(self._units) < 100_000:
                self._units[(rule.id, u)] = hit
        unit, factor = hit
        if unit is None:
            return None
        # the number's end: the last of its parts that took part (an absent one ends at -1)
        num_end = max(m.end(*number_groups)) if len(number_groups) > 1 else m.end("n")
        start, end = m.span()
        if rule.noun:  # first, as most numbers before a word count nothing ("338 tỷ đồng")
            noun = self._noun(text, num_end)
            if noun is None:
                return None
            unit, end = noun
        return _Match(start, end, rule.priority, rule, m, unit, factor, num_end)

    def _finish(self, g: _Match, text: str) -> list[Candidate] | None:
        """The claims of a match that won its place; None if the match is no claim after all."""
        rule, m, unit, factor, num_end = g.rule, g.m, g.unit, g.factor, g.num_end
        gd = m.groupdict()
        n, s, n2, s2 = gd["n"], gd.get("s") or "", gd.get("n2"), gd.get("s2") or ""
        if not n[0].isdigit() and (sum(ch.isupper() for ch in n) > 1 or (n.lower() == "một" and not s.strip())):
            return None  # "HAI" is a ticker; "một" alone is "a" (GUIDE.md)
        if n.lower() == "một" and rule.kind != "money" and not s.strip():
            return None
        low_scale = s if s.strip() else s2
        value: Decimal | None
        if rule.value is not None:
            value = _clean(Decimal(rule.value) * factor)
        elif gd.get("d"):
            den = Decimal(gd["d"])
            value = _clean((Decimal(n) / den * 100).quantize(Decimal("0.01")).normalize() * factor) if den else None
        else:
            value = _amount(n, low_scale, factor)
        if value is None:
            return None
        high = None
        if n2 is not None:
            high = _amount(n2, s2, factor)
            if high is None:
                return None
            if not s.strip() and value > high and rule.value is None:
                # "700.000 đồng đến 1 triệu đồng": the low end has its own size
                unscaled = _amount(n, "", factor)
                if unscaled is not None:
                    value = unscaled
        if rule.kind == "multiplier" and value <= 0:
            return None  # "gấp 0" is no ratio
        if gd.get("n_of") and value > Decimal(gd["n_of"]):
            return None  # "6/2" is no part of a whole
        start, end = g.start, g.end
        if "\n" in text[start:end]:
            return None  # a claim never runs over a line break
        listed = canon(unit) in self.nouns or canon(unit.split(" ", 1)[0]) in self.classifiers
        if not self._allowed(rule, text, start, num_end, listed):
            return None
        if rule.emit == "pair" and high is not None:
            if rule.max_ratio is not None and (value <= 0 or high / value > Decimal(rule.max_ratio)):
                return None
            first_end = m.end("u1") if gd.get("u1") else m.end("s") if s.strip() else m.end("n")
            return [
                Candidate(m.start("n"), first_end, rule.kind, value, None, unit, rule),
                Candidate(m.start("n2"), end, rule.kind, high, None, unit, rule, anchor=m.start("n")),
            ]
        if high is not None:
            if high <= value:
                return None  # "2021 - 2015", scores: not a range
            if rule.max_ratio is not None and value > 0 and high / value > Decimal(rule.max_ratio):
                return None
            return [Candidate(start, end, rule.kind, value, high, unit, rule, is_range=True)]
        return [Candidate(start, end, rule.kind, value, None, unit, rule)]

    def _resolve(self, found: list[_Match], text: str) -> list[Candidate]:
        """Keep the longest non-overlapping claims (ties: higher priority, then earlier).

        A match is finished only when no longer one has taken its place: one that turns out to be
        no claim leaves the place to the next, as if it had never matched.
        """
        found.sort(key=lambda g: (g.start - g.end, -g.priority, g.start))
        taken = bytearray(len(text) + 1)
        out: list[Candidate] = []
        for g in found:
            if taken.find(1, g.start, g.end) >= 0:
                continue
            claims = self._finish(g, text)
            if claims is None:
                continue
            taken[g.start : g.end] = b"\x01" * (g.end - g.start)
            out.extend(claims)
        return out

    def _unit(self, rule: ClaimRule, u: str | None) -> tuple[str | None, Decimal]:
        if rule.kind == "money":
            if u is None or not u.strip():
                return rule.unit, Decimal(1)
            hit = self.currency.get(_key(u))
            return (hit[0], hit[1]) if hit else (None, Decimal(1))
        if rule.kind == "percent":
            if u is not None and "điểm" in u.lower():
                return "điểm %", Decimal(1)
            return rule.unit or "%", Decimal(1)
        if rule.kind == "quantity":
            return (_WS.sub(" ", u.strip()).lower() if u else rule.unit), Decimal(1)
        if rule.kind == "multiplier":
            return rule.unit or "lần", Decimal(1)
        if u:  # a count whose noun the rule captured ("3 NXB")
            return u.strip().lower(), Decimal(1)
        return rule.unit or "", Decimal(1)

    def _noun(self, text: str, pos: int) -> tuple[str, int] | None:
        """The counted noun after ``pos``: [classifier] + the longest known word; None if none.

        A listed noun (count.yaml) is taken as it is ("bị can", "chi tiết"); a word from the
        dictionary only when its first syllable is not in ``not_nouns`` and is no currency or unit.
        """
        head = _SYLLABLE.match(text, pos)
        if head is None:
            return None
        w0 = canon(head.group(1))
        if w0 in self.stop_heads and w0 not in self.noun_heads:
            return None
        syl: list[tuple[str, int]] = [(head.group(1), head.end())]
        p = head.end()
        while len(syl) < self.max_syllables + 2:
            m = _SYLLABLE.match(text, p)
            if m is None:
                break
            syl.append((m.group(1), m.end()))
            p = m.end()
        first = 1 if canon(syl[0][0]) in self.classifiers else 0
        best = self._longest(syl, first)
        if best is None and first == 1:
            first, best = 0, self._longest(syl, 0)
            if best is None and canon(syl[0][0]) not in self.stop_heads:
                best = 1  # a classifier alone: "3 nhóm và …"
        if best is None:
            return None
        if best == 1 and len(syl) > 1 and canon(syl[0][0]) not in self.nouns_or_classifiers:
            best = self._segmented(syl)
        return " ".join(w for w, _ in syl[:best]).lower(), syl[best - 1][1]

    def _segmented(self, syl: list[tuple[str, int]]) -> int:
        """Syllables of the counted noun when the word lists know only its first one: the first
        word as the segmenter reads the next few ("2 cấu phần chính" -> "cấu phần")."""
        n = min(len(syl), self.max_syllables + 2)
        word = first_word(" ".join(w.lower() for w, _ in syl[:n])).split()
        k = len(word)
        if 1 < k <= self.max_syllables + 1 and [canon(w) for w in word] == [canon(w) for w, _ in syl[:k]]:
            return k
        return 1

    def _longest(self, syl: list[tuple[str, int]], first: int) -> int | None:
        words = [canon(w) for w, _ in syl]
        longest = self.max_syllables + (1 if first == 0 else 0)  # "vận động viên", "nhà khoa học"
        for k in range(min(len(words), first + self.max_syllables + 1), first, -1):
            phrase = " ".join(words[first:k])
            if phrase in self.nouns:
                return k + 1 if self._extends(words, first, k, longest) else k
        if first >= len(words) or words[first] in self.stop_heads:
            return None
        top = min(len(words), first + longest)
        if any(" ".join(words[first:k]) in self.not_nouns for k in range(first + 2, top + 1)):
            return None  # "2 phiên liên tiếp": no noun after the classifier
        for k in range(top, first, -1):
            if " ".join(words[first:k]) in self.words:
                return k
        return None

    def _extends(self, words: list[str], first: int, k: int, longest: int) -> bool:
        """Whether the listed noun words[first:k] begins a word one syllable longer ("3 ca sĩ" is no
        "ca"), which is not itself cut short ("lượt khách du lịch" keeps "khách")."""
        phrase = " ".join(words[first:k])
        if phrase in self.whole_nouns or k >= min(len(words), first + longest):
            return False
        if f"{phrase} {words[k]}" not in self.words:
            return False
        return k + 1 >= len(words) or " ".join(words[first : k + 2]) not in self.words

    def _allowed(self, rule: ClaimRule, text: str, start: int, num_end: int, listed: bool = False) -> bool:
        checks = self._exclusion_checks.get((rule.id, listed))
        if checks is None:
            checks = self._exclusion_checks[(rule.id, listed)] = self._checks_for(rule, listed)
        before, after, own = checks
        if before:
            left = text[max(0, start - 40) : start]
            if any(p.search(left) for p in before):
                return False
        # sliced, so that "^" in a rule means "right after the number"
        if after:
            right = text[num_end : num_end + 40]
            if any(p.match(right) for p in after):
                return False
        return not own or not any(p.match(text[start:num_end]) for p in own)

    def _checks_for(self, rule: ClaimRule, listed: bool) -> tuple[tuple[regex.Pattern[str], ...], ...]:
        """The exclusion rules that apply to ``rule``'s claims, each side (before, after, the
        number) joined in one alternation where it can be: any match excludes the claim."""
        sides: tuple[list[regex.Pattern[str]], ...] = ([], [], [])
        for r, *patterns in self.exclusions:
            if (r.kinds and rule.kind not in r.kinds) or (r.keep_listed and listed):
                continue
            if r.rules and rule.id not in r.rules:
                continue
            for side, pat in zip(sides, patterns, strict=True):
                if pat is not None:
                    side.append(pat)
        before, after, own = (_any_of(side) for side in sides)
        return tuple(_reverse(p) for p in before), after, own

    # ------------------------------------------------------------------ claims

    def _claim(self, doc: Document, c: Candidate, sent: Span | None, previous_end: int) -> Claim:
        text = doc.text
        lo = sent.start if sent else max(0, c.start - 80)
        hi = sent.end if sent else min(len(text), c.end + 80)
        at = c.anchor if c.anchor >= 0 else c.start
        left = text[max(lo, at - 40) : at]
        right = text[c.end : hi]
        qualifier = "range" if c.is_range else self._qualifier(left, right, c)
        if qualifier == "exact":
            # a word such as "ước" earlier in the sentence, with no claim in between
            since = max(previous_end, sent.start if sent else 0)
            for q, pat in self.next_claim:
                if pat.search(text, since, c.start):
                    qualifier = q
                    break
        change = ""
        if self.sign_inc.search(left):
            change = "increase"
        elif self.sign_dec.search(left):
            change = "decrease"
        return Claim(
            doc_id=doc.doc_id,
            claim_id=f"{doc.doc_id}#{c.start}",
            start=c.start,
            end=c.end,
            text=text[c.start : c.end],
            kind=c.kind,
            value=c.value,
            value_max=c.value_max,
            unit=c.unit,
            qualifier=qualifier,
            change=change,
            sentence=sent.text if sent else "",
            rule_id=c.rule.id,
            published=doc.published,
            sentence_start=sent.start if sent else -1,
        )

    def _before_phrase(self, left: str) -> regex.Match[str] | None:
        """``before_q.search(left)``, found faster (see __init__)."""
        if self._before_q_any.search(left) is None:
            return None
        if self._before_q_first is not None:
            first = self._before_q_first.search(left)
            m = self.before_q.match(left, first.start()) if first is not None else None
            if m is not None:
                return m
        return self.before_q.search(left)

    def _qualifier(self, left: str, right: str, c: Candidate) -> str:
        if self._transparent_any is not None and self._transparent_any.search(left):
            t = self.transparent.search(left) if self.transparent is not None else None
            if t is not None:
                left = left[: t.start()]
        for qualifier, kinds, before, after in self.conditional:
            if (not kinds or c.kind in kinds) and before.search(left) and after.match(right):
                return qualifier
        q = "exact"
        m = self._before_phrase(left)
        lone_tu = False
        if m is not None:
            name = next(k for k, v in m.groupdict().items() if v is not None)
            q = self.qualifier_names[name]
            lone_tu = q == "at_least" and self.tu.search(left) is not None
            from_to = c.rule.emit == "pair" or bool(self.from_to.match(right))
            if lone_tu and from_to:
                q = "exact"  # "giảm từ 20 tỷ … còn 10 tỷ": a from-to change; a buy–sell pair
        if q == "exact" or lone_tu:  # "từ 5 triệu đồng trở xuống": the phrase after decides
            a = self.after_q.match(right)
            if a is not None:
                name = next(k for k, v in a.groupdict().items() if v is not None)
                q = self.qualifier_names[name]
        return q


_WIDE = Context(prec=200)


def _clean(d: Decimal) -> Decimal:
    """No trailing zeros and no exponent (``75600000000.0`` -> ``75600000000``)."""
    # Stacked scale words can exceed the default 28 significant digits ("10 tỷ tỷ tỷ"); an
    # amount is data, so it is kept exact instead of raising InvalidOperation.
    return d.quantize(Decimal(1), context=_WIDE) if d == d.to_integral_value() else d.normalize(_WIDE)


def _any_of(patterns: list[regex.Pattern[str]]) -> tuple[regex.Pattern[str], ...]:
    """Patterns that together match where any of ``patterns`` does: one alternation, unless a
    pattern has groups (which a reference might need) or flags of its own to keep apart."""
    if len(patterns) < 2:
        return tuple(patterns)
    flags = {p.flags for p in patterns}
    if len(flags) > 1 or any(p.groups or _GLOBAL_FLAG.search(p.pattern) for p in patterns):
        return tuple(patterns)
    return (regex.compile("|".join(f"(?:{p.pattern})" for p in patterns), flags.pop()),)


def _ending_phrase(words: list[str]) -> regex.Pattern[str]:
    """A pattern that finds whether one of ``words`` ends the text (before spaces, "(" or ":"),
    with no letter before it. Searched forwards when the words share their first letter (the
    search then skips to that letter), else from the end."""
    source = r"(?<![\p{L}])(?:" + fragment_source(words) + r")[\s(:]*$"
    if len({str(w)[:1] for w in words}) == 1:
        return regex.compile(source, FLAGS)
    tree = _tree_source(words, reverse=True)
    if tree is not None:
        source = r"(?<![\p{L}])" + tree + r"[\s(:]*$"
    return regex.compile(source, FLAGS | regex.REVERSE)


def _tree_source(words: list[str], reverse: bool) -> str | None:
    """The phrases of ``fragment_source(words)`` (a space is any run of spaces) as one regex
    sharing their first (``reverse``: last) letters, which is tried much faster than a list;
    None where a word has a backslash (kept as written)."""
    seqs = set()
    for w in map(str, words):
        if not w or "\\" in w:
            return None
        seqs.add(tuple(r"\s+" if ch == " " else regex.escape(ch) for ch in w))
    return _tree(seqs, reverse) if seqs else None


def _tree(seqs: set[tuple[str, ...]], reverse: bool) -> str:
    by: dict[str, set[tuple[str, ...]]] = {}
    for seq in seqs:
        if reverse:
            by.setdefault(seq[-1], set()).add(seq[:-1])
        else:
            by.setdefault(seq[0], set()).add(seq[1:])
    alts = []
    for token in sorted(by):
        rest = {r for r in by[token] if r}
        if not rest:
            alts.append(token)
            continue
        inner = "(?:" + _tree(rest, reverse) + ")" + ("?" if () in by[token] else "")
        alts.append(inner + token if reverse else token + inner)
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def _reverse(pattern: regex.Pattern[str]) -> regex.Pattern[str]:
    """The pattern searching from the end of the text: the same matches exist, found sooner when
    the pattern ends with "$" (a word right before the number)."""
    return regex.compile(pattern.pattern, pattern.flags | regex.REVERSE)


def _opening_look_behind(source: str) -> regex.Pattern[str] | None:
    """The text a pattern's opening positive look-behind needs before the number, as a pattern to
    search for: where it is found nowhere in a text, the rule matches nowhere in it."""
    if not source.startswith("(?<="):
        return None
    close = _group_end(source)
    if close < 0:
        return None
    try:
        return regex.compile(source[4 : close - 1], FLAGS)
    except regex.error:
        return None


def _probe_pattern(source: str) -> regex.Pattern[str] | None:
    """What a rule needs from its number on: the pattern without its opening look-behinds.

    A look-behind reads the text before the number, which a probe (see Extractor._may_match) does
    not have. None (no shortcut) if a positive look-behind is left, which might look back there.
    """
    rest = source
    while rest.startswith(("(?<=", "(?<!")):
        close = _group_end(rest)
        if close < 0:
            return None
        rest = rest[close:]
    if "(?<=" in rest:
        return None
    try:
        return regex.compile(rest, FLAGS)
    except regex.error:
        return None


def _group_end(source: str) -> int:
    """The offset just past the group that opens ``source``; -1 if it is not closed."""
    depth = 0
    i = 0
    in_set = False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_set:
            if ch == "]":
                in_set = False
        elif ch == "[":
            in_set = True
            if source.startswith(("[^]", "[]"), i):
                i += 3 if source[i + 1] == "^" else 2  # a "]" first in a set is literal
                continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


@lru_cache(maxsize=65536)
def _amount(number: str, scale: str, factor: Decimal) -> Decimal | None:
    """``parse_amount`` times the unit's factor, cleaned (cached: the same figures recur)."""
    v = parse_amount(number, scale)
    return None if v is None else _clean(v * factor)


def _unit_source(units: list[str]) -> str:
    """Units as an alternation; a one-letter unit keeps its case ("5 g" is grams, "5G" a network)."""
    short = [u for u in units if len(u) == 1]
    rest = [u for u in units if len(u) > 1]
    parts = [fragment_source(rest)] if rest else []
    if short:
        parts.append("(?-i:" + fragment_source(short) + ")")
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


def _key(word: str) -> str:
    return _WS.sub(" ", word.strip()).lower()


def _sentence_index(sents: list[Span], pos: int) -> int | None:
    lo, hi = 0, len(sents)
    while lo < hi:
        mid = (lo + hi) // 2
        if sents[mid].end <= pos:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < len(sents) and sents[lo].start <= pos else None


_CACHE: dict[tuple[str, str], Extractor] = {}


def extractor_for(rules: RuleSet) -> Extractor:
    key = (str(rules.directory), rules.version)
    ex = _CACHE.get(key)
    if ex is None:
        ex = _CACHE[key] = Extractor(rules)
    return ex
