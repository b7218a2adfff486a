"""The review app without a browser: decisions database, re-runs, export, report, escaping, path safety."""

from __future__ import annotations

import csv
import http.client
import json
import re
import sqlite3
import threading
from collections import Counter
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from test_review_support import (
    EVIL,
    cid,
    make_checks,
    make_claims,
    make_flags,
    make_output,
    rerun,
    running_server,
    write_tables,
)

from pipeline.cli import main
from pipeline.model import FLAG_COLUMNS, Check, Claim, Flag
from pipeline.review import db
from pipeline.review.app import EXPORT_COLUMNS, ReviewApp, export_csv
from pipeline.review.report import write_report
from pipeline.review.server import safe_path

# --- database ------------------------------------------------------------------------------------


def test_decide_versions_and_history(tmp_path: Path) -> None:
    conn = db.connect(tmp_path)
    first = db.decide(conn, "f1", "confirmed", "real error")
    second = db.decide(conn, "f1", "dismissed", "", base_version=1)
    assert (first.current.version, second.current.version) == (1, 2)
    assert not second.conflict and second.previous == first.current
    assert db.get(conn, "f1").decision == "dismissed"  # type: ignore[union-attr]
    assert [(h.decision, h.note, h.version) for h in db.history(conn, "f1")] == [
        ("confirmed", "real error", 1),
        ("dismissed", "", 2),
    ]
    cleared = db.decide(conn, "f1", "")
    assert cleared.current.decision == "" and cleared.current.version == 3


def test_unknown_decision_is_refused_and_nothing_written(tmp_path: Path) -> None:
    conn = db.connect(tmp_path)
    with pytest.raises(db.DecisionError, match="maybe"):
        db.decide(conn, "f1", "maybe")
    assert db.get(conn, "f1") is None and db.history(conn, "f1") == []


def test_database_is_wal_with_a_busy_timeout(tmp_path: Path) -> None:
    conn = db.connect(tmp_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_two_tabs_interleaved_lose_nothing(tmp_path: Path) -> None:
    tab_a, tab_b = db.connect(tmp_path), db.connect(tmp_path)
    seen_by_a = db.get(tab_a, "f1")  # both tabs loaded the page before anyone decided
    assert seen_by_a is None
    b = db.decide(tab_b, "f1", "confirmed", "from B", base_version=0)
    a = db.decide(tab_a, "f1", "dismissed", "from A", base_version=0)
    assert not b.conflict and a.conflict  # A is told that B wrote in between
    assert a.previous is not None and a.previous.note == "from B"
    assert db.get(tab_b, "f1").decision == "dismissed"  # type: ignore[union-attr]  # the last write wins
    assert [h.note for h in db.history(tab_b, "f1")] == ["from B", "from A"]


def test_concurrent_writers_in_threads_serialise(tmp_path: Path) -> None:
    db.connect(tmp_path).close()
    n, errors = 40, []
    start = threading.Barrier(2)

    def writer(name: str) -> None:
        conn = db.connect(tmp_path)
        start.wait()
        try:
            for i in range(n):
                db.decide(conn, "f1", "unsure", f"{name}{i}", client=name)
        except Exception as e:  # pragma: no cover - what the test is looking for
            errors.append(e)
        finally:
            conn.close()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    conn = db.connect(tmp_path)
    hist = db.history(conn, "f1")
    assert len(hist) == 2 * n
    assert sorted(h.version for h in hist) == list(range(1, 2 * n + 1))  # no version was handed out twice
    assert {h.note for h in hist} == {f"{w}{i}" for w in "ab" for i in range(n)}
    final = db.get(conn, "f1")
    assert final is not None and final.version == 2 * n and final.note == hist[-1].note


def test_flags_that_disappear_become_stale_and_come_back(tmp_path: Path) -> None:
    conn = db.connect(tmp_path)
    flags = make_flags()
    assert db.sync_flags(conn, flags) == (3, 0)
    db.decide(conn, "f-sum", "confirmed", "keep me")
    assert db.sync_flags(conn, flags[:1]) == (1, 2)
    assert {f.flag_id for f in db.stale_flags(conn)} == {"f-evil", "f-sum"}
    assert [f for f in db.stale_flags(conn) if f.flag_id == "f-sum"] == [flags[2]]  # the whole row is kept
    assert db.sync_flags(conn, flags) == (3, 0)
    assert db.get(conn, "f-sum").note == "keep me"  # type: ignore[union-attr]


# --- the app over an output folder ------------------------------------------------------------------


def test_rerun_keeps_decisions_and_shows_vanished_flags_as_stale(tmp_path: Path) -> None:
    out = make_output(tmp_path)
    app = ReviewApp(out)
    app.decide("f-sum", "confirmed", "checked by hand", None)
    app.decide("f-scale", "dismissed", "", None)
    new = Flag("f-new", "a.txt", "scale", "error", cid("338 tỷ đồng"), "1", "2", "new finding")
    rerun(out, drop=("f-sum",), add=(new,))
    rows = {r.flag.flag_id: r for r in ReviewApp(out).rows()}
    assert set(rows) == {"f-scale", "f-evil", "f-sum", "f-new"}
    assert rows["f-sum"].stale and rows["f-sum"].state == "confirmed"
    assert rows["f-sum"].decision.note == "checked by hand"  # type: ignore[union-attr]
    assert not rows["f-scale"].stale and rows["f-scale"].state == "dismissed"
    assert rows["f-new"].state == "undecided"
    html = app.flags_page({"state": ["stale"]})  # the running app notices the rewritten tables
    assert 'data-flag-id="f-sum"' in html and 'data-flag-id="f-scale"' not in html


def test_filters(tmp_path: Path) -> None:
    app = ReviewApp(make_output(tmp_path))
    app.decide("f-evil", "unsure", "", None)

    def shown(**q: str) -> set[str]:
        html = app.flags_page({k: [v] for k, v in q.items()})
        return set(re.findall(r'data-flag-id="([^"]+)"', html))

    assert shown() == {"f-scale", "f-evil", "f-sum"}
    assert shown(severity="error") == {"f-scale"}
    assert shown(rule="sum") == {"f-sum"}
    assert shown(doc="b/evil.txt") == {"f-evil"}
    assert shown(decision="unsure") == {"f-evil"}
    assert shown(decision="undecided") == {"f-scale", "f-sum"}
    assert shown(severity="error", decision="unsure") == set()


def test_flag_shows_its_paragraph_with_the_figures_marked_and_its_checks(tmp_path: Path) -> None:
    app = ReviewApp(make_output(tmp_path))
    html = app.flag_page("f-scale")
    assert html is not None
    involved = re.findall(r'<mark class="fig kind-\w+ involved" data-claim="([^"]+)"', html)
    assert involved == [cid("338 tỷ đồng"), cid("166,27 triệu đồng"), cid("68,72%")]
    # the other figures of the paragraphs are marked too, but not as involved
    assert re.search(rf'<mark class="fig kind-money" data-claim="{re.escape(cid("150 tỷ đồng"))}"', html)
    assert "Tổng kinh phí là" in html  # the paragraph, not only the figures
    assert "c-share" in html and "c-sum" in html  # its own check, and the other check over its figures
    assert "c-count" not in html
    assert app.flag_page("no-such-flag") is None


def test_without_the_article_store_the_sentences_are_shown(tmp_path: Path) -> None:
    app = ReviewApp(make_output(tmp_path, store=False))
    p = app.outputs().passages(make_flags()[0].claim_ids.split())
    assert [x.whole_paragraph for x in p] == [False, False]
    assert p[0].text.startswith("Tổng kinh phí là") and p[1].text.startswith("Kinh phí thực hiện")
    marked = [(x.text[m.start : m.end], m.involved) for x in p for m in x.marks]
    assert ("338 tỷ đồng", True) in marked and ("150 tỷ đồng", False) in marked


def test_document_page_lists_its_claims(tmp_path: Path) -> None:
    app = ReviewApp(make_output(tmp_path))
    html = app.doc_page("c.txt")
    assert html is not None
    assert [m for m in ("46 địa phương", "5 tổ chức", "52 đơn vị") if f"{m}</mark></td>" not in html] == []
    assert "338 tỷ đồng" not in html
    assert app.doc_page("missing.txt") is None


def test_app_parses_only_the_claims_of_the_document_shown(tmp_path: Path, built: list[str]) -> None:
    out = make_output(tmp_path)
    app = ReviewApp(out)
    html = app.docs_page()
    assert built == []  # the list of documents counts claims without parsing them
    for doc, n in Counter(c.doc_id for c in make_claims()).items():
        assert f'{doc}</a></td><td class="num">{n}</td>' in html
    assert app.doc_page("c.txt") is not None
    assert sorted(built) == sorted(c.claim_id for c in make_claims() if c.doc_id == "c.txt")


def test_a_snapshot_reads_its_own_claims_after_a_rerun(tmp_path: Path) -> None:
    out = make_output(tmp_path)
    app = ReviewApp(out)
    before = app.outputs()
    rerun(out)  # same offsets and lengths, another rule_id: a snapshot must not read the new file
    assert {c.rule_id.rsplit(".", 1)[1] for c in before.claims_of("a.txt")} == {"v1"}
    assert {c.rule_id.rsplit(".", 1)[1] for c in app.outputs().claims_of("a.txt")} == {"v2"}


def test_document_page_is_the_same_whatever_the_order_of_claims_csv(tmp_path: Path) -> None:
    out = make_output(tmp_path / "sorted")
    mixed = make_output(tmp_path / "mixed")
    claims = make_claims()
    write_tables(mixed, claims[::2][::-1] + claims[1::2], make_checks(), make_flags())
    for doc in {c.doc_id for c in claims}:
        a = ReviewApp(out).doc_page(doc)
        b = ReviewApp(mixed).doc_page(doc)
        assert a is not None and b is not None
        assert a.replace(str(out.resolve()), "OUT") == b.replace(str(mixed.resolve()), "OUT")
        assert a.count('<tr id="claim-') == sum(c.doc_id == doc for c in claims)


def test_checks_across_documents_are_behind_the_flags_of_each_document(tmp_path: Path) -> None:
    out = make_output(tmp_path)
    cross = Check("c-cross", "*", "cross_doc", f"{cid('338 tỷ đồng')} {cid('52 đơn vị')}", "1", "2", "fail", "x.v1")
    write_tables(out, make_claims(), [*make_checks()[:2], cross, *make_checks()[2:]], make_flags())
    o = ReviewApp(out).outputs()
    by_flag = {f.flag_id: [c.check_id for c in o.checks_for(f)] for f in make_flags()}
    assert by_flag == {
        "f-scale": ["c-share", "c-sum", "c-cross"],
        "f-evil": ["c-evil"],
        "f-sum": ["c-count", "c-cross"],
    }
    assert [c.check_id for c in o.checks_of("a.txt")] == ["c-share", "c-sum"]
    assert [c.check_id for c in o.checks_of("*")] == ["c-cross"]


# --- escaping ------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _assert_escaped(html: str) -> None:
    p = _Tags()
    p.feed(html)
    scripts = [a for t, a in p.tags if t == "script"]
    assert all(a.get("src") == "/static/review.js" for a in scripts), scripts  # none from the article
    assert not any(t == "b" for t, _ in p.tags)  # the article's <b> is text too
    assert EVIL in "".join(p.text)  # shown as text


def test_article_text_is_escaped_in_every_page(tmp_path: Path) -> None:
    app = ReviewApp(make_output(tmp_path))
    for html in (app.flags_page({}), app.flag_page("f-evil"), app.doc_page("b/evil.txt"), app.docs_page()):
        assert html is not None
        _assert_escaped(html)


def test_report_escapes_article_text(tmp_path: Path) -> None:
    out = make_output(tmp_path)
    html = write_report(out).read_text(encoding="utf-8")
    p = _Tags()
    p.feed(html)
    assert not any(t in ("script", "i") for t, _ in p.tags)
    assert all((a.get("id") or "").startswith("n-") for t, a in p.tags if t == "b")  # only the report's own
    assert EVIL in "".join(p.text) and "<b>đậm</b>" in "".join(p.text)


# --- export --------------------------------------------------------------------------------------


def test_export_writes_flags_with_decisions_including_stale(tmp_path: Path) -> None:
    out = make_output(tmp_path)
    app = ReviewApp(out)
    app.decide("f-evil", "confirmed", 'note, with "quotes"\nand a line', None)
    rerun(out, drop=("f-evil",))
    dest = tmp_path / "reviewed.csv"
    assert main(["review", str(out), "--export", str(dest)]) == 0
    with dest.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == EXPORT_COLUMNS
        rows = {r["flag_id"]: r for r in reader}
    assert set(rows) == {f.flag_id for f in make_flags()}
    evil = rows["f-evil"]
    assert (evil["decision"], evil["stale"], evil["version"]) == ("confirmed", "1", "1")
    assert evil["note"] == 'note, with "quotes"\nand a line'
    assert {k: evil[k] for k in FLAG_COLUMNS} == make_flags()[1].row()
    assert (rows["f-sum"]["decision"], rows["f-sum"]["stale"], rows["f-sum"]["version"]) == ("", "0", "0")
    assert export_csv(out, tmp_path / "again.csv") == 3


def test_review_of_a_folder_without_a_run_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", str(tmp_path), "--export", str(tmp_path / "x.csv")]) == 1
    assert str(tmp_path) in capsys.readouterr().err


# --- report --------------------------------------------------------------------------------------


def test_report_summarises_the_run(tmp_path: Path) -> None:
    out = make_output(tmp_path)
    html = write_report(out).read_text(encoding="utf-8")
    kinds = Counter(c.kind for c in make_claims())
    table = re.search(r'<table class="kinds">(.*?)</table>', html, re.S)
    assert table is not None
    assert dict(re.findall(r"<tr><td>(\w+)</td><td class=\"num\">(\d+)</td></tr>", table.group(1))) == {
        k: str(n) for k, n in kinds.items()
    }
    assert re.search(r'<b id="n-claims">(\d+)</b>', html).group(1) == str(len(make_claims()))  # type: ignore[union-attr]
    assert html.count("<svg") == 2 and "<rect" in html
    # every flag is listed with an anchor, and the rule table links to the flags' sections
    for f in make_flags():
        assert f'id="flag-{f.flag_id}"' in html
    for target in re.findall(r'href="#([^"]+)"', html):
        assert f'id="{target}"' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # self-contained: nothing fetched


def test_report_shows_decisions_taken(tmp_path: Path) -> None:
    out = make_output(tmp_path)
    ReviewApp(out).decide("f-sum", "dismissed", "a note for the report", None)
    html = write_report(out).read_text(encoding="utf-8")
    section = html[html.index('id="flag-f-sum"') :]
    assert "dismissed" in section[:2000] and "a note for the report" in section[:2000]


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The claim_id of every Claim made from a table row from now on."""
    out: list[str] = []
    real = Claim.from_row.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Claim], row: dict[str, str]) -> Claim:
        out.append(row["claim_id"])
        return real(cls, row)  # type: ignore[no-any-return]

    monkeypatch.setattr(Claim, "from_row", classmethod(counting))
    return out


def test_report_builds_claims_only_for_the_flagged_sentences(tmp_path: Path, built: list[str]) -> None:
    out = make_output(tmp_path)
    c0 = make_claims()[0]
    unflagged = [  # another document, and another sentence of a flagged document
        replace(c0, doc_id="d.txt", claim_id=f"d.txt#{c0.start}"),
        replace(c0, claim_id=f"{c0.doc_id}#9000", start=9000, end=9000 + len(c0.text), sentence_start=8990),
    ]
    claims = sorted(make_claims() + unflagged, key=lambda c: (c.doc_id, c.start))
    write_tables(out, claims, make_checks(), make_flags())
    flagged = {i for f in make_flags() for i in f.claim_ids.split()}
    keys = {(c.doc_id, c.sentence_start, c.sentence) for c in claims if c.claim_id in flagged}
    shown = {c.claim_id for c in claims if (c.doc_id, c.sentence_start, c.sentence) in keys}
    assert shown != {c.claim_id for c in claims}  # else the test could not tell a full load apart
    html = write_report(out).read_text(encoding="utf-8")
    assert sorted(built) == sorted(shown)
    assert re.search(r'<b id="n-claims">(\d+)</b>', html).group(1) == str(len(claims))  # type: ignore[union-attr]


def test_report_is_the_same_whatever_the_order_of_claims_csv(tmp_path: Path) -> None:
    out = make_output(tmp_path / "sorted")
    shuffled = make_output(tmp_path / "shuffled")
    claims = make_claims()
    # interleaved documents: a hand-made table, not grouped by doc_id as `vnclaims run` writes it
    mixed = claims[::2][::-1] + claims[1::2]
    assert [c.doc_id for c in mixed] != sorted(c.doc_id for c in mixed)
    write_tables(shuffled, mixed, make_checks(), make_flags())
    a = write_report(out).read_text(encoding="utf-8").replace(str(out), "OUT")
    b = write_report(shuffled).read_text(encoding="utf-8").replace(str(shuffled), "OUT")
    assert a == b
    assert re.search(r'<b id="n-docs">(\d+)</b>', b).group(1) == str(len({c.doc_id for c in claims}))  # type: ignore[union-attr]


def test_report_shows_the_most_severe_flags_and_counts_them_all(tmp_path: Path, built: list[str]) -> None:
    """A run with more flags than a page can hold: every flag is counted in the cards and the rule
    table, only the most severe are shown with their sentences (and only their claims are built)."""
    out = make_output(tmp_path)
    flags = make_flags()
    by_severity = {f.severity: f for f in flags}
    html = write_report(out, flag_limit=2).read_text(encoding="utf-8")
    assert re.search(r'<b id="n-flags">(\d+)</b>', html).group(1) == str(len(flags))  # type: ignore[union-attr]
    shown = set(re.findall(r'<article id="flag-([^"]+)"', html))
    assert shown == {by_severity["error"].flag_id, by_severity["warning"].flag_id}
    assert f"The 2 most severe of {len(flags)} flags" in html
    table = re.search(r'<table class="rules">(.*?)</table>', html, re.S).group(1)  # type: ignore[union-attr]
    totals = re.findall(r'<td class="num">(\d+)</td></tr>', table)
    assert sum(map(int, totals)) == len(flags)
    wanted = {i for f in flags if f.flag_id in shown for i in f.claim_ids.split()}
    assert wanted <= set(built) and by_severity["info"].claim_ids.split()[0] not in wanted
    assert "most severe" not in write_report(out).read_text(encoding="utf-8")


def test_report_does_not_create_the_review_database(tmp_path: Path) -> None:
    out = make_output(tmp_path)
    write_report(out)
    assert not (out / db.DB_NAME).exists()


# --- HTTP: paths, origins ---------------------------------------------------------------------------


def _get(url: str, path: str, host: str | None = None) -> tuple[int, bytes]:
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.putrequest("GET", path, skip_host=host is not None)  # the path is sent as is, never normalised
    if host is not None:
        conn.putheader("Host", host)
    conn.endheaders()
    res = conn.getresponse()
    return res.status, res.read()


def _post(url: str, body: object, ctype: str = "application/json", origin: str | None = None) -> tuple[int, dict]:
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    headers = {"Content-Type": ctype}
    if origin:
        headers["Origin"] = origin
    conn.request("POST", "/api/decide", body=json.dumps(body), headers=headers)
    res = conn.getresponse()
    return res.status, json.loads(res.read() or b"{}")


def test_no_path_outside_the_output_folder_is_served(tmp_path: Path) -> None:
    out = make_output(tmp_path)
    (tmp_path / "secret.txt").write_text("SECRET", encoding="utf-8")
    (out / "link.txt").symlink_to(tmp_path / "secret.txt")
    with running_server(out) as url:
        assert _get(url, "/files/claims.csv")[0] == 200  # the route works at all
        assert _get(url, "/static/review.css")[0] == 200
        for path in (
            "/files/../secret.txt",
            "/files/%2e%2e/secret.txt",
            "/files/..%2fsecret.txt",
            "/files/%2E%2E%2Fsecret.txt",
            "/files//etc/passwd",
            "/files/%2fetc%2fpasswd",
            "/files/link.txt",
            "/files/",
            "/files/..",
            "/static/../app.py",
            "/static/%2e%2e/server.py",
            "/static/../../../../etc/passwd",
            "/../secret.txt",
        ):
            status, body = _get(url, path)
            assert status == 404, path
            assert b"SECRET" not in body and b"root:" not in body and b"import" not in body


def test_safe_path(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("a")
    (tmp_path / "out.txt").write_text("b")
    assert safe_path(tmp_path / "in", "a.txt") == (tmp_path / "in" / "a.txt").resolve()
    assert safe_path(tmp_path / "in", "../out.txt") is None
    assert safe_path(tmp_path / "in", str(tmp_path / "out.txt")) is None
    assert safe_path(tmp_path / "in", "a.txt\x00") is None


def test_decisions_over_http(tmp_path: Path) -> None:
    out = make_output(tmp_path)
    with running_server(out) as url:
        origin = url.rstrip("/")
        status, data = _post(url, {"flag_id": "f-sum", "decision": "confirmed", "note": "ok"}, origin=origin)
        assert status == 200 and (data["decision"], data["version"], data["conflict"]) == ("confirmed", 1, False)
        status, data = _post(url, {"flag_id": "f-sum", "decision": "unsure", "base_version": 0})
        assert status == 200 and data["conflict"] and data["previous"]["decision"] == "confirmed"
        assert _post(url, {"flag_id": "f-sum", "decision": "maybe"})[0] == 400
        assert _post(url, {"flag_id": "nope", "decision": "confirmed"})[0] == 404
        assert _post(url, {"decision": "confirmed"})[0] == 400
        # a page on another site cannot decide for the editor
        assert _post(url, {"flag_id": "f-sum", "decision": "dismissed"}, ctype="text/plain")[0] == 415
        assert _post(url, {"flag_id": "f-sum", "decision": "dismissed"}, origin="http://evil.example")[0] == 403
        status, _ = _get(url, "/", host="evil.example:80")  # DNS rebinding
        assert status == 421
        assert _get(url, "/", host=urlsplit(url).netloc)[0] == 200
    conn = sqlite3.connect(out / db.DB_NAME)
    assert conn.execute("SELECT decision, version FROM decisions WHERE flag_id='f-sum'").fetchone() == ("unsure", 2)


def test_export_over_http_matches_the_cli_export(tmp_path: Path) -> None:
    out = make_output(tmp_path)
    ReviewApp(out).decide("f-scale", "confirmed", "", None)
    export_csv(out, tmp_path / "cli.csv")
    with running_server(out) as url:
        status, body = _get(url, "/export.csv")
    assert status == 200 and body == (tmp_path / "cli.csv").read_bytes()


def test_an_article_without_line_breaks_shows_the_figures_sentence(tmp_path: Path) -> None:
    from dataclasses import replace
    from decimal import Decimal

    from test_review_support import write_store, write_tables

    from pipeline.model import Claim

    filler = "Câu mở đầu không có số. " * 80  # one line far longer than a paragraph on screen
    target = "Doanh thu đạt 120 tỷ đồng trong quý."
    text = filler + target + " " + filler
    start = text.index("120 tỷ đồng")
    claim = Claim(
        "long.txt",
        f"long.txt#{start}",
        start,
        start + 11,
        "120 tỷ đồng",
        "money",
        Decimal("120000000000"),
        None,
        "VND",
        "exact",
        sentence=target,
        sentence_start=text.index(target),
    )
    flag = replace(make_flags()[0], flag_id="f-long", doc_id="long.txt", claim_ids=claim.claim_id)
    out = tmp_path / "out"
    write_tables(out, [claim], [], [flag])
    write_store(out, {"long.txt": text}, [claim])
    (passage,) = ReviewApp(out).outputs().passages([claim.claim_id])
    assert passage.text == target and not passage.whole_paragraph
    assert [(passage.text[m.start : m.end], m.involved) for m in passage.marks] == [("120 tỷ đồng", True)]


def test_pages_keep_the_filters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.review.app as app_module

    monkeypatch.setattr(app_module, "PAGE_SIZE", 1)
    app = ReviewApp(make_output(tmp_path))
    seen = []
    for page in (1, 2, 3):
        html = app.flags_page({"state": ["current"], "page": [str(page)]})
        seen += re.findall(r'data-flag-id="([^"]+)"', html)
        assert "state=current&amp;page=" in html  # the page links carry the filters
    assert sorted(seen) == sorted(f.flag_id for f in make_flags())
    assert 'rel="next"' not in app.flags_page({"page": ["3"]}) and 'rel="prev"' in app.flags_page({"page": ["9"]})
