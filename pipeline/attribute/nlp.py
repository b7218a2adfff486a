"""underthesea word segmentation and POS tags for the short windows around a claim, cached.

The taggers cost ~0.2 ms (segmentation) and ~0.3 ms (POS) for a ten-word window, ~1.5 ms for
a sentence, so they only ever see the few words next to a number, and each window once per process.
Importing underthesea attaches a handler to the root logger; that handler is removed again so
other libraries' INFO logs stay quiet.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

_FUNCS: dict[str, Callable[..., Any]] = {}
_HEAD = 4  # syllables tagged to find a phrase's head
_POS_MODEL = "pos_crf_vlsp2013_20230303"


def load() -> dict[str, Callable[..., Any]]:
    """Import underthesea and load its models once (~1 s); the first tagging call does it anyway."""
    if not _FUNCS:
        root = logging.getLogger()
        before = list(root.handlers)
        level = root.level
        import underthesea.pipeline.pos_tag as pos_pkg
        from underthesea import word_tokenize
        from underthesea.models.fast_crf_sequence_tagger import FastCRFSequenceTagger

        for h in list(root.handlers):
            if h not in before:
                root.removeHandler(h)
        root.setLevel(level)
        # The v2.0 POS model through its tagger class: `pos_tag(model="v2.0")` fails after its first
        # call, while the tagger itself works, featurises in Rust (2-3x faster than the default
        # model's Python features) and tags numbers M and `%` CH consistently.
        tagger = FastCRFSequenceTagger()
        tagger.load(str(Path(pos_pkg.__file__).parent / "models" / _POS_MODEL))
        _FUNCS["word_tokenize"] = word_tokenize
        _FUNCS["pos_v2"] = tagger.predict
        _FUNCS["segment"] = _segmenter(word_tokenize)
    return _FUNCS


def _segmenter(word_tokenize: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
    """``word_tokenize`` with its own parts, called more cheaply, giving the same words.

    underthesea tokenizes with one regex (each alternative a named group spanning the whole
    match, so the match is the token it reads from ``groupdict``), normalises each token (cached
    here: a token is normalised the same way every time) and joins the tokens its CRF tags
    ``I-W``; a lone token is a word whatever its tag. Falls back to ``word_tokenize`` itself when
    underthesea's internals are not where this expects them."""
    import underthesea.pipeline.word_tokenize as wt_pkg
    from underthesea.pipeline.text_normalize import token_normalize
    from underthesea.pipeline.text_normalize.character_normalize import normalize_characters_in_text
    from underthesea.pipeline.word_tokenize import regex_tokenize

    word_tokenize("khởi động")  # loads the segmentation model
    model = getattr(wt_pkg, "word_tokenize_model", None)
    if model is None or not hasattr(regex_tokenize, "patterns"):
        return word_tokenize
    normalize_token = lru_cache(maxsize=50000)(token_normalize)

    def segment(text: str) -> list[str]:
        text = normalize_characters_in_text(text)
        tokens = [normalize_token(m.group(0)) for m in regex_tokenize.patterns.finditer(text)]
        if len(tokens) == 1:
            return tokens
        out: list[str] = []
        for tag, token in zip(model.predict([[t] for t in tokens]), tokens, strict=False):
            if tag == "I-W" and out:
                out[-1] = out[-1] + " " + token
            else:
                out.append(token)
        return out

    return segment


@lru_cache(maxsize=20000)
def words(text: str) -> tuple[str, ...]:
    """Words of ``text`` (syllables of a compound joined by a space), as underthesea segments them."""
    if not text.strip():
        return ()
    return tuple(load()["segment"](text))


@lru_cache(maxsize=20000)
def tags(text: str) -> tuple[tuple[str, str], ...]:
    """(word, POS) pairs of ``text``; N, Np, Nc, Nu, Ny are nouns."""
    if not text.strip():
        return ()
    ws = words(text)
    out = load()["pos_v2"]([[w] for w in ws])
    return tuple((w, t[2:] if t[:2] in ("B-", "I-") else t) for w, t in zip(ws, out, strict=True))


def is_noun(tag: str) -> bool:
    return tag.startswith("N")


def has_noun(text: str) -> bool:
    """Whether the window holds a noun (a subject can be built from it).

    A capital at the start of a fragment misleads the tagger (`Doanh thu` alone is tagged M,
    `doanh thu` N), so the first letter is lowered unless the word is an acronym (`CPI`).
    """
    syl = text.split()
    if not syl:
        return False
    if any(w.isupper() and len(w) > 1 and w.isalpha() for w in syl):
        return True  # an acronym names a thing (`CPI`, `GDP`); the tagger calls some of them M
    if len(syl) > _HEAD or syl[0][:1].isupper():
        # only short clauses are verbs alone (`ước thực hiện`, `dự kiến`); a longer one has its noun,
        # and one that opens its sentence is what the sentence is about (the tagger, seeing
        # `Lạm phát` without context, calls it a verb)
        return True
    if not (len(syl[0]) > 1 and syl[0].isupper()):
        syl[0] = syl[0][0].lower() + syl[0][1:]
    return any(is_noun(t) and any(ch.isalpha() for ch in w) for w, t in tags(" ".join(syl)))


def has_verb(text: str) -> bool:
    """Whether the window holds a verb (`… ngự trị rạp phim`: a clause, not a list of nouns)."""
    return any(t == "V" for _, t in tags(text))


def starts_with_noun(text: str) -> bool:
    """Whether the first word of ``text`` is a noun (tagged with a few words of context)."""
    tagged = tags(" ".join(text.split()[:_HEAD]))
    return bool(tagged) and is_noun(tagged[0][1]) and any(ch.isalpha() for ch in tagged[0][0])
