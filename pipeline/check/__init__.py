"""Stage 6 — check: find the relations an article states between its figures and verify them.

``check_claims`` works on claims alone (each carries its sentence and offset, so cue words between
figures are visible): per document it finds sums, shares, changes and from–to pairs
(``relations``), verifies them on the intervals written precision allows (``verify``), adds
checks on single figures (``sanity``) and on repeated measures (``crossdoc``), then compares the
same measure across documents. Every relation found becomes a row of checks.csv; every problem a
row of flags.csv with a one-sentence explanation (``messages``). Thresholds and cue words live in
``rules/checks.yaml``.
"""

from __future__ import annotations

import csv
import math
import statistics
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from pipeline.check.config import Compiled, compiled
from pipeline.check.crossdoc import across, cross_candidate, lead_repeats, repeats
from pipeline.check.figures import Figure, make_figure
from pipeline.check.findings import make_check, make_flag, scale_check
from pipeline.check.relations import DocView, Relation, find_relations
from pipeline.check.sanity import sanity
from pipeline.check.verify import Outcome, verify
from pipeline.errors import Errors, InputError
from pipeline.model import CHECK_COLUMNS, FLAG_COLUMNS, Check, Claim, Flag
from pipeline.output import _RowWriter, atomic_open
from pipeline.rulefiles import RuleSet

__all__ = ["check_claims", "check_output"]

T = TypeVar("T", Check, Flag)


def check_document(figs: list[Figure], cr: Compiled, lang: str = "vi") -> tuple[list[Check], list[Flag]]:
    view = DocView.build(figs[0].claim.doc_id if figs else "", figs)
    rels = find_relations(view, cr)
    checks: list[Check] = []
    flags: list[Flag] = []
    # first pass without blame, to learn which figures are confirmed by a relation that holds
    confirmed: set[str] = set()
    for rel in rels:
        if verify(rel, cr, set()).status == "pass":
            confirmed.update(f.id for f in rel.members)
    blamed: set[tuple[str, int]] = set()
    peers = _peer_distance(view.figs)
    results: list[tuple[Relation, Outcome]] = []
    for rel in rels:
        out = verify(rel, cr, confirmed, peers)
        if out.status == "fail" and rel.alternatives:
            # holds with another plausible member: consistent; fails with all: report the nearest miss
            tried = [(rel, out)]
            for alt in rel.alternatives:
                other = replace(rel, roles={**rel.roles, rel.alt_role: alt}, alternatives=[])
                if len({f.id for f in other.members}) == len(other.members):
                    tried.append((other, verify(other, cr, confirmed, peers)))
            passing = [t for t in tried if t[1].status == "pass"]
            failing = [t for t in tried if t[1].status == "fail"]
            repaired = [t for t in failing if t[1].scale is not None and t[1].scale.repairs]
            if passing:
                rel, out = passing[0]
            elif out.scale is not None and out.scale.repairs:
                pass  # the best match, with a scale word that makes it hold
            elif repaired:
                rel, out = repaired[0]  # a scale word that makes another reading hold explains the failure
            else:  # the best match stays unless another misses only narrowly (a slip in that one)
                near = min(failing, key=lambda t: _miss(t[1]))
                if _miss(near[1]) < min(_miss(out), _NEAR_MISS):
                    rel, out = near
        results.append((rel, out))
    for rel, out in results:
        check = make_check(rel, out)
        checks.append(check)
        if out.status != "fail":
            continue
        if out.scale is not None:
            key = (out.scale.fig.id, out.scale.power)
            if key in blamed:  # one flag per slip, even when several relations show it
                continue
            blamed.add(key)
            checks.append(scale_check(rel, out.scale, check))
        flags.append(make_flag(rel, out, check, cr, lang))
    related = {frozenset((a.id, b.id)) for rel in rels for a in rel.members for b in rel.members}
    for check2, flag in _chain(sanity(view, cr, lang), repeats(view, cr, lang, related), lead_repeats(view, cr, lang)):
        checks.append(check2)
        if flag is not None:
            flags.append(flag)
    return checks, flags


_NEAR_MISS = math.log10(2)


def _miss(out: Outcome) -> float:
    """How far (in powers of ten) the implied value is from the written one."""
    if out.expected is None:
        return math.inf
    try:
        a = (out.expected[0] + out.expected[1]) / 2
        b = (out.observed[0] + out.observed[1]) / 2
        return abs(math.log10(float(a / b))) if a > 0 and b > 0 else math.inf
    except (ArithmeticError, ValueError):
        return math.inf


def _peer_distance(figs: list[Figure]) -> dict[str, float]:
    """How far (in powers of ten) each figure sits from the median of the article's figures of its unit."""
    by_dim: dict[tuple[str, str], list[Figure]] = {}
    for f in figs:
        if f.value > 0 and f.claim.kind != "percent":
            by_dim.setdefault(f.dim, []).append(f)
    out: dict[str, float] = {}
    for group in by_dim.values():
        if len(group) < 3:
            continue
        med = statistics.median(float(f.value) for f in group)
        for f in group:
            out[f.id] = abs(math.log10(float(f.value) / med))
    return out


def _chain(*its: Iterable[tuple[Check, Flag | None]]) -> Iterable[tuple[Check, Flag | None]]:
    for it in its:
        yield from it


def check_claims(claims: list[Claim], rules: RuleSet, lang: str = "vi") -> tuple[list[Check], list[Flag]]:
    """Checks and flags for claims of any number of documents (per document, then across them)."""
    ordered = sorted(claims, key=lambda c: c.doc_id)  # stable: each document's claims keep their order
    return _check_groups(_by_doc(ordered), rules, lang)


class _Unsorted(Exception):
    """claims.csv does not keep each document's claims together."""


def _by_doc(claims: Iterable[Claim]) -> Iterator[list[Claim]]:
    """Consecutive claims of one document at a time (raises _Unsorted if a document comes back)."""
    done: set[str] = set()
    group: list[Claim] = []
    for c in claims:
        if group and c.doc_id != group[0].doc_id:
            done.add(group[0].doc_id)
            yield group
            group = []
        if c.doc_id in done:
            raise _Unsorted(c.doc_id)
        group.append(c)
    if group:
        yield group


def _check_groups(groups: Iterable[list[Claim]], rules: RuleSet, lang: str) -> tuple[list[Check], list[Flag]]:
    """All checks and flags in a list (for callers that want them in memory)."""
    checks: list[Check] = []
    flags: list[Flag] = []
    for check, flag in _stream_groups(groups, rules, lang):
        if check is not None:
            checks.append(check)
        if flag is not None:
            flags.append(flag)
    return _unique(checks), _unique(flags)


def _stream_groups(
    groups: Iterable[list[Claim]], rules: RuleSet, lang: str
) -> Iterator[tuple[Check | None, Flag | None]]:
    """One document at a time, so memory holds one article's figures plus what cross-doc needs.

    Per-document rows come first, cross-document rows last; duplicates are left to the caller.
    """
    cr = compiled(rules)
    keep: list[Figure] = []
    for group in groups:
        figs = [f for f in (make_figure(c, i, cr) for i, c in enumerate(group)) if f is not None]
        if not figs:
            continue
        try:
            c, f = check_document(figs, cr, lang)
        except Exception as e:  # a bug on one article must not lose the checks of the others
            print(f"vnclaims: {group[0].doc_id}: checks failed: {type(e).__name__}: {e}", file=sys.stderr)
            continue
        for check in c:
            yield check, None
        for flag in f:
            yield None, flag
        keep.extend(x for x in figs if cross_candidate(x, cr))
    yield from across(keep, cr, lang)


def _unique(rows: list[T]) -> list[T]:
    seen: set[str] = set()
    out: list[T] = []
    for r in rows:
        key = r.check_id if isinstance(r, Check) else r.flag_id
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def check_output(out_dir: Path, rules: RuleSet, lang: str = "vi") -> tuple[int, int]:
    """Read ``out_dir/claims.csv``, write ``checks.csv`` and ``flags.csv`` there; (n_checks, n_flags).

    claims.csv is streamed one document at a time when it keeps each document's claims together
    (as ``vnclaims run`` writes it); otherwise it is read whole.
    """
    path = Path(out_dir) / "claims.csv"
    if not path.is_file():
        raise InputError(Errors.E030.format(path=out_dir))
    try:
        return _write_stream(Path(out_dir), _stream_groups(_by_doc(_read_claims(path)), rules, lang))
    except _Unsorted:
        ordered = sorted(_read_claims(path), key=lambda c: c.doc_id)
        return _write_stream(Path(out_dir), _stream_groups(_by_doc(ordered), rules, lang))


def _write_stream(out_dir: Path, rows: Iterable[tuple[Check | None, Flag | None]]) -> tuple[int, int]:
    """Write rows as they come; both files appear (by rename) only once every row is written."""
    seen_c: set[str] = set()  # only ids are kept, so memory grows with the count, not the rows
    seen_f: set[str] = set()
    with atomic_open(out_dir / "checks.csv") as fc, atomic_open(out_dir / "flags.csv") as ff:
        wc, wf = _RowWriter(fc, CHECK_COLUMNS), _RowWriter(ff, FLAG_COLUMNS)
        wc.writeheader()
        wf.writeheader()
        for check, flag in rows:
            if check is not None and check.check_id not in seen_c:
                seen_c.add(check.check_id)
                wc.writerow(check.row())
            if flag is not None and flag.flag_id not in seen_f:
                seen_f.add(flag.flag_id)
                wf.writerow(flag.row())
    return len(seen_c), len(seen_f)


def _read_claims(path: Path) -> Iterator[Claim]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            try:
                yield Claim.from_row(row)
            except (ValueError, ArithmeticError) as e:
                raise InputError(f"{path}: line {n}: not a claims.csv row: {e}") from e
