"""spaCy integration: a ``vnclaims`` pipeline component that puts claims on ``doc.spans["claims"]``.

    >>> import spacy
    >>> nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    >>> _ = nlp.add_pipe("vnclaims")
    >>> doc = nlp("Doanh thu đạt 338 tỷ đồng, tăng 12%.")
    >>> [(s.text, s.label_, s._.value, s._.subject, s._.change) for s in doc.spans["claims"]]
    [('338 tỷ đồng', 'MONEY', '338000000000', 'Doanh thu', ''), ('12%', 'PERCENT', '12', 'Doanh thu', 'increase')]

Each span is labelled ``MONEY``, ``PERCENT``, ``CARDINAL`` (counts and multipliers) or ``QUANTITY``
and carries the normalised claim fields as extension attributes (``span._.value`` is a decimal
string, as in claims.csv; ``span._.claim`` is the whole ``Claim``). A token that a claim starts or
ends inside (`đồng,` from a whitespace tokenizer) is split there, so a span's text is the claim's;
with ``split_tokens = false`` character offsets map onto whole tokens (``alignment_mode="expand"``).
The component runs the same extract and attribute stages as the CLI.
"""

from __future__ import annotations

from dataclasses import fields
from itertools import pairwise
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from pipeline.attribute import attribute_claims
from pipeline.extract import find_claims
from pipeline.model import Claim, Document
from pipeline.repeats import dedupe_repeated_sentences
from pipeline.rulefiles import RuleSet, cached_rules

SPANS_KEY = "claims"
LABELS = {"money": "MONEY", "percent": "PERCENT", "count": "CARDINAL", "multiplier": "CARDINAL",
          "quantity": "QUANTITY"}
# Claim fields exposed as span._.<name> (offsets and the sentence are the span's own).
ATTRS = [f.name for f in fields(Claim) if f.name not in ("start", "end", "text", "sentence", "sentence_start")]


def _register_extensions() -> None:
    for name in [*ATTRS, "claim"]:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


class ClaimsComponent:
    """Finds numeric claims in ``doc.text`` and stores them as labelled spans."""

    def __init__(self, nlp: Language, name: str, rules_dir: str, spans_key: str, split_tokens: bool) -> None:
        _register_extensions()
        self.name = name
        self.rules_dir = rules_dir
        self.spans_key = spans_key
        self.split_tokens = split_tokens

    @property
    def rules(self) -> RuleSet:
        return cached_rules(Path(self.rules_dir) if self.rules_dir else None)

    def __call__(self, doc: Doc) -> Doc:
        rules = self.rules
        document = Document(doc_id=doc.user_data.get("doc_id", "spacy"), text=doc.text,
                            published=doc.user_data.get("published", ""))
        claims = dedupe_repeated_sentences(attribute_claims(document, find_claims(document, rules), rules))
        if self.split_tokens:
            _split_at(doc, {o for c in claims for o in (c.start, c.end)})
        spans: list[Span] = []
        for c in claims:
            span = doc.char_span(c.start, c.end, label=LABELS.get(c.kind, "CARDINAL"), alignment_mode="expand")
            if span is None:
                continue
            row = c.row()
            for name in ATTRS:
                span._.set(name, row[name] if name in ("value", "value_max") else getattr(c, name))
            span._.set("claim", c)
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc


def _split_at(doc: Doc, offsets: set[int]) -> None:
    """Split tokens that a claim starts or ends inside (`đồng,` -> `đồng` `,`), so spans are exact."""
    cuts: list[tuple[Token, list[str]]] = []
    for tok in doc:
        inner = sorted(o - tok.idx for o in offsets if tok.idx < o < tok.idx + len(tok.text))
        if inner:
            bounds = [0, *inner, len(tok.text)]
            cuts.append((tok, [tok.text[a:b] for a, b in pairwise(bounds)]))
    if cuts:
        with doc.retokenize() as retok:
            for tok, pieces in cuts:
                retok.split(tok, pieces, heads=[(tok, 0)] * len(pieces))


@Language.factory(
    "vnclaims",
    assigns=["doc.spans"],
    retokenizes=True,
    default_config={"rules_dir": "", "spans_key": SPANS_KEY, "split_tokens": True},
)
def make_claims_component(
    nlp: Language, name: str, rules_dir: str, spans_key: str, split_tokens: bool
) -> ClaimsComponent:
    """The ``vnclaims`` factory: ``nlp.add_pipe("vnclaims", config={"rules_dir": "rules/"})``.

    ``split_tokens`` (default on) splits a token where a claim starts or ends inside it, so each
    span's text is the claim's; off, spans expand to whole tokens and the doc is left as tokenised.
    """
    return ClaimsComponent(nlp, name, rules_dir, spans_key, split_tokens)
