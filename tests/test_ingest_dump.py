"""--dump-text writes exactly the text every offset points into, one file per document."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.cli import main
from pipeline.ingest import iter_documents
from pipeline.ingest.dump import dump_documents, dump_path
from pipeline.model import Document

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"


def test_dump_path_stays_inside_the_folder(tmp_path: Path) -> None:
    assert dump_path(tmp_path, "a/b.txt") == tmp_path / "a" / "b.txt.txt"
    assert dump_path(tmp_path, "dump.jsonl#a-101") == tmp_path / "dump.jsonl#a-101.txt"
    assert dump_path(tmp_path, "../../etc/passwd") == tmp_path / "etc" / "passwd.txt"
    assert dump_path(tmp_path, "/abs/x") == tmp_path / "abs" / "x.txt"


def test_dump_documents_keeps_line_endings(tmp_path: Path) -> None:
    doc = Document("sub/a.txt", "Dòng một\r\nDòng hai: 338 tỷ đồng\n")
    assert dump_documents([doc], tmp_path) == 1
    with (tmp_path / "sub" / "a.txt.txt").open(encoding="utf-8", newline="") as f:
        assert f.read() == doc.text


def test_cli_run_dump_text_matches_the_documents(tmp_path: Path) -> None:
    src = tmp_path / "in"
    shutil.copytree(FIXTURES, src)
    (src / "crlf.txt").write_bytes("Tiêu đề\r\nDoanh thu\u00a0đạt 1\u2009500 tỷ đồng, hoà vốn.\r\n".encode())
    out, dump = tmp_path / "out", tmp_path / "dump"
    rc = main(["run", str(src), "--out", str(out), "--dump-text", str(dump), "--quiet", "--workers", "1", "--no-checks"])
    assert rc == 0
    docs = [d for d in iter_documents(src) if isinstance(d, Document)]
    assert len(docs) == 8
    written = sorted(p.relative_to(dump).as_posix() for p in dump.rglob("*.txt"))
    assert written == sorted(f"{d.doc_id}.txt" for d in docs)
    for d in docs:
        with dump_path(dump, d.doc_id).open(encoding="utf-8", newline="") as f:
            assert f.read() == d.text, d.doc_id
    with (dump / "crlf.txt.txt").open(encoding="utf-8", newline="") as f:
        assert f.read() == "Tiêu đề\r\nDoanh thu đạt 1 500 tỷ đồng, hòa vốn.\r\n"
