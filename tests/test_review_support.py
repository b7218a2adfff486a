"""Output folders for the review tests, built from the model dataclasses (no extraction needed).

``make_output(tmp)`` writes claims.csv, checks.csv, flags.csv, errors.csv and the article store
(articles.sqlite) as ``vnclaims run`` would; ``rerun(out, ...)`` rewrites them as a re-run does.
The tests here check that the fixture itself is consistent (offsets point at the figures).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from pipeline.model import CHECK_COLUMNS, CLAIM_COLUMNS, ERROR_COLUMNS, FLAG_COLUMNS, Check, Claim, Flag
from pipeline.output import ArticleStore, DocResult, FileResult, csv_lines, load_text, write_csv

EVIL = "<script>window.__pwned = 1</script>"
TEXTS = {
    "a.txt": (
        "Ngân sách năm 2021\n"
        "Tổng kinh phí là 338 tỷ đồng, trong đó 150 tỷ đồng cho trung ương và 188 tỷ đồng cho địa phương.\n"
        "Kinh phí thực hiện là 166,27 triệu đồng, chiếm 68,72% tổng kinh phí."
    ),
    "b/evil.txt": (
        f'Tiêu đề {EVIL} & "trích dẫn"\nDoanh thu đạt 120 tỷ đồng {EVIL}, tăng 150% so với năm trước <b>đậm</b>.'
    ),
    "c.txt": "Có 46 địa phương và 5 tổ chức nhận hỗ trợ, tổng cộng 52 đơn vị.",
}
# (doc, surface, kind, value, unit)
FIGURES = [
    ("a.txt", "338 tỷ đồng", "money", "338000000000", "VND"),
    ("a.txt", "150 tỷ đồng", "money", "150000000000", "VND"),
    ("a.txt", "188 tỷ đồng", "money", "188000000000", "VND"),
    ("a.txt", "166,27 triệu đồng", "money", "166270000", "VND"),
    ("a.txt", "68,72%", "percent", "68.72", "%"),
    ("b/evil.txt", "120 tỷ đồng", "money", "120000000000", "VND"),
    ("b/evil.txt", "150%", "percent", "150", "%"),
    ("c.txt", "46 địa phương", "count", "46", "địa phương"),
    ("c.txt", "5 tổ chức", "count", "5", "tổ chức"),
    ("c.txt", "52 đơn vị", "count", "52", "đơn vị"),
]


def _sentence(text: str, start: int) -> tuple[str, int]:
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", start)
    b = len(text) if b < 0 else b
    return text[a:b], a


def make_claims() -> list[Claim]:
    out = []
    for doc, surface, kind, value, unit in FIGURES:
        text = TEXTS[doc]
        start = text.index(surface)
        sentence, s0 = _sentence(text, start)
        out.append(
            Claim(
                doc_id=doc,
                claim_id=f"{doc}#{start}",
                start=start,
                end=start + len(surface),
                text=surface,
                kind=kind,
                value=Decimal(value),
                value_max=None,
                unit=unit,
                qualifier="exact",
                subject=f"subject of {surface}",
                sentence=sentence,
                rule_id=f"{kind}.test.v1",
                sentence_start=s0,
            )
        )
    return out


def cid(surface: str) -> str:
    return next(c.claim_id for c in make_claims() if c.text == surface)


def make_checks() -> list[Check]:
    return [
        Check(
            "c-share",
            "a.txt",
            "share",
            f"{cid('338 tỷ đồng')} {cid('166,27 triệu đồng')} {cid('68,72%')}",
            "0.0491923",
            "68.72",
            "fail",
            "share.percent_of_whole",
            "implied 0.049 written 68.72",
        ),
        Check(
            "c-sum",
            "a.txt",
            "sum",
            f"{cid('338 tỷ đồng')} {cid('150 tỷ đồng')} {cid('188 tỷ đồng')}",
            "338000000000",
            "338000000000",
            "pass",
            "sum.parts",
            "",
        ),
        Check("c-evil", "b/evil.txt", "sanity", cid("150%"), "<=100", "150", "fail", "sanity.share", f"detail {EVIL}"),
        Check(
            "c-count",
            "c.txt",
            "sum",
            f"{cid('46 địa phương')} {cid('5 tổ chức')} {cid('52 đơn vị')}",
            "51",
            "52",
            "fail",
            "sum.parts",
            "",
        ),
    ]


def make_flags() -> list[Flag]:
    return [
        Flag(
            "f-scale",
            "a.txt",
            "scale",
            "error",
            f"{cid('338 tỷ đồng')} {cid('166,27 triệu đồng')} {cid('68,72%')}",
            "232273600000",
            "166270000",
            "166,27 triệu đồng chỉ bằng 0,05% của 338 tỷ đồng",
            "166,27 tỷ đồng",
            "c-share",
        ),
        Flag(
            "f-evil",
            "b/evil.txt",
            "share_over_100",
            "warning",
            cid("150%"),
            "<=100",
            "150",
            f"message {EVIL}",
            f"suggest {EVIL}",
            "c-evil",
        ),
        Flag(
            "f-sum",
            "c.txt",
            "sum",
            "info",
            f"{cid('46 địa phương')} {cid('5 tổ chức')} {cid('52 đơn vị')}",
            "51",
            "52",
            "46 + 5 = 51, not 52",
            "",
            "c-count",
        ),
    ]


def write_tables(
    out: Path, claims: list[Claim], checks: list[Check], flags: list[Flag], errors: list[dict[str, str]] | None = None
) -> None:
    write_csv(out / "claims.csv", CLAIM_COLUMNS, (c.row() for c in claims))
    write_csv(out / "checks.csv", CHECK_COLUMNS, (c.row() for c in checks))
    write_csv(out / "flags.csv", FLAG_COLUMNS, (f.row() for f in flags))
    write_csv(out / "errors.csv", ERROR_COLUMNS, errors or [{"doc_id": "bad<i>.pdf", "error": f"[E016] {EVIL}"}])


def write_store(out: Path, texts: dict[str, str], claims: list[Claim]) -> None:
    store = ArticleStore(out)
    try:
        store.put(
            FileResult(
                doc,
                "key",
                [DocResult(doc, text, csv_lines(CLAIM_COLUMNS, [c.row() for c in claims if c.doc_id == doc]), 0)],
            )
            for doc, text in texts.items()
        )
    finally:
        store.close()


def make_output(root: Path, store: bool = True) -> Path:
    out = root / "output"
    out.mkdir(parents=True, exist_ok=True)
    claims = make_claims()
    write_tables(out, claims, make_checks(), make_flags())
    if store:
        write_store(out, TEXTS, claims)
    return out


def rerun(out: Path, drop: tuple[str, ...] = (), add: tuple[Flag, ...] = ()) -> None:
    """Rewrite the tables as a re-run does (new files renamed over the old ones), same flag_ids."""
    flags = [f for f in make_flags() if f.flag_id not in drop] + list(add)
    claims = [replace(c, rule_id=c.rule_id.replace(".v1", ".v2")) for c in make_claims()]  # the run changed
    write_tables(out, claims, make_checks(), flags)


@contextmanager
def running_server(out: Path) -> Iterator[str]:
    from pipeline.review.server import make_server

    server = make_server(out, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_fixture_offsets_point_at_the_figures(tmp_path: Path) -> None:
    out = make_output(tmp_path)
    for c in make_claims():
        text = load_text(out, c.doc_id)
        assert text is not None and text[c.start : c.end] == c.text
        assert c.sentence[c.start - c.sentence_start : c.end - c.sentence_start] == c.text


def test_fixture_flags_name_existing_claims_and_checks() -> None:
    ids = {c.claim_id for c in make_claims()}
    checks = {c.check_id for c in make_checks()}
    for f in make_flags():
        assert set(f.claim_ids.split()) <= ids
        assert f.check_id in checks
