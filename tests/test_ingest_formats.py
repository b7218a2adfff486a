"""Formats (HTML, JSON, JSON Lines, DOCX, PDF, text), content sniffing and bad input."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from pipeline.ingest import iter_documents, list_files, read_bytes, read_document
from pipeline.ingest.config import IngestConfig
from pipeline.ingest.pdf import unwrap_lines
from pipeline.model import Document, ReadError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"


def make_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A minimal PDF whose text layer holds ``pages`` (lists of lines), Vietnamese included.

    Characters are drawn with one-byte codes of Helvetica; a ToUnicode CMap maps the codes to
    Unicode, which is all text extraction reads (no glyphs are embedded).
    """
    special = sorted({c for page in pages for line in page for c in line if ord(c) > 126 or c in "()\\"})
    assert len(special) <= 120, "too many distinct characters for one-byte codes"
    code = {c: 128 + i for i, c in enumerate(special)}

    def enc(line: str) -> bytes:
        return b"".join(b"\\%03o" % code[c] if c in code else c.encode("ascii") for c in line)

    pairs = [(i, i) for i in range(32, 127) if chr(i) not in code] + [(v, ord(k)) for k, v in code.items()]
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /T def "
        b"1 begincodespacerange <00> <FF> endcodespacerange\n%d beginbfchar\n"
        % len(pairs)
        + b"".join(b"<%02X> <%04X>\n" % p for p in pairs)
        + b"endbfchar endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    cmap_id = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap))
    font_id = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode %d 0 R >>" % cmap_id)
    contents = []
    for page in pages:
        ops = b"BT /F1 11 Tf 14 TL 50 780 Td " + b" ".join(b"(" + enc(ln) + b") Tj T*" for ln in page) + b" ET"
        contents.append(add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(ops), ops)))
    pages_id = len(objs) + len(pages) + 1
    kids = [
        add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> "
            b"/Contents %d 0 R >>" % (pages_id, font_id, c)
        )
        for c in contents
    ]
    add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
    root = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    info = add(b"<< /Title (%s) >>" % title.encode("latin-1")) if title is not None else 0
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R" % (len(objs) + 1, root)
    out += (b" /Info %d 0 R" % info if info else b"") + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None, title: str = "") -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.title = title
    for p in paragraphs:
        d.add_paragraph(p)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def one(items: list[Document | ReadError]) -> Document:
    assert len(items) == 1, items
    assert isinstance(items[0], Document), items[0]
    return items[0]


def error(items: list[Document | ReadError], code: str) -> ReadError:
    assert len(items) == 1, items
    assert isinstance(items[0], ReadError), items[0]
    assert items[0].error.startswith(f"[{code}] "), items[0].error
    return items[0]


# --- HTML -----------------------------------------------------------------------------------


def test_html_main_text_and_metadata() -> None:
    doc = one(read_document(FIXTURES / "article.html", FIXTURES))
    assert doc.title == "Xuất khẩu thủy sản đạt 8,9 tỷ USD"
    assert doc.published == "2021-12-28"
    assert doc.meta["author"] == "Trần Thị Bích"
    assert doc.meta["format"] == "html"
    assert doc.text.startswith("Xuất khẩu thủy sản đạt 8,9 tỷ USD\n")
    assert "tăng 5,7% so với năm 2020" in doc.text
    assert "9,5 tỷ USD" in doc.text
    for boilerplate in ("Thời sự", "Tin liên quan", "Xuất khẩu gạo đạt 3 tỷ USD", "Giấy phép", "024 3333"):
        assert boilerplate not in doc.text, boilerplate


def test_html_title_is_prepended_when_the_body_lacks_it() -> None:
    html = (
        "<html><head><title>Giá xăng tăng 500 đồng</title></head><body><article>"
        "<p>Từ 15 giờ chiều nay, giá xăng RON 95 tăng 500 đồng/lít, lên mức 23.000 đồng/lít theo liên Bộ.</p>"
        "<p>Giá dầu diesel giữ nguyên ở mức 18.000 đồng/lít trong kỳ điều hành này của liên Bộ.</p>"
        "</article></body></html>"
    )
    doc = one(read_bytes(html.encode(), "a.html", ".html"))
    assert doc.text.startswith("Giá xăng tăng 500 đồng\n\n")
    doc = one(read_bytes(html.encode(), "a.html", ".html", config=IngestConfig(include_title=False)))
    assert doc.text.startswith("Từ 15 giờ")


def test_a_title_with_the_site_name_is_not_added_twice() -> None:
    body = "Giá xăng tăng 500 đồng\nTừ 15 giờ chiều nay, giá xăng RON 95 tăng 500 đồng/lít."
    data = json.dumps({"title": "Giá xăng tăng 500 đồng | Báo Mẫu", "content": body}).encode()
    doc = one(read_bytes(data, "a.json", ".json"))
    assert doc.text == body
    data = json.dumps({"title": "Giá xăng", "content": "Giá xăng tăng 500 đồng\nTừ 15 giờ chiều nay."}).encode()
    assert one(read_bytes(data, "a.json", ".json")).text == "Giá xăng tăng 500 đồng\nTừ 15 giờ chiều nay."
    data = json.dumps({"title": "Tỷ giá ổn định", "content": "Giá xăng tăng 500 đồng."}).encode()
    assert one(read_bytes(data, "a.json", ".json")).text == "Tỷ giá ổn định\n\nGiá xăng tăng 500 đồng."


def test_html_without_date_metadata_uses_the_dateline() -> None:
    html = (
        "<html><body><article><h1>Doanh thu tăng</h1><p>Thứ Sáu, 10/12/2021, 06:28</p>"
        "<p>Năm 2021, doanh thu của công ty đạt 338 tỷ đồng, tăng 20% so với năm 2020, mức cao nhất.</p>"
        "<p>Lợi nhuận sau thuế đạt 45 tỷ đồng, tương đương 13% doanh thu của cả năm tài chính.</p>"
        "</article></body></html>"
    )
    doc = one(read_bytes(html.encode(), "a.html", ".html"))
    assert doc.published == "2021-12-10"
    assert doc.meta["published_from"] == "dateline.weekday.v1"


@pytest.mark.parametrize("depth", [300, 5000, 50000])
def test_deeply_nested_html_keeps_its_text(depth: int) -> None:
    html = "<html><body>" + "<div>" * depth + "<p>Doanh thu đạt 338 tỷ đồng trong năm 2021.</p>" + "</div>" * depth
    doc = one(read_bytes(html.encode(), "deep.html", ".html"))
    assert "Doanh thu đạt 338 tỷ đồng trong năm 2021." in doc.text


def test_html_page_without_text_is_reported() -> None:
    html = "<html><head><script>var x = 1;</script><style>p {}</style></head><body><div> </div><br></body></html>"
    error(read_bytes(html.encode(), "empty.html", ".html"), "E017")


def test_cp1258_html_page_with_declared_charset() -> None:
    from pipeline.ingest.encoding import to_cp1258

    body = "<p>Năm 2021, doanh thu của công ty đạt 338 tỷ đồng, tăng 20% so với năm 2020 theo báo cáo tài chính.</p>"
    html = f'<html><head><meta charset="windows-1258"><title>Doanh thu</title></head><body>{body * 3}</body></html>'
    doc = one(read_bytes(to_cp1258(html), "old.htm", ".htm"))
    assert "doanh thu của công ty đạt 338 tỷ đồng" in doc.text


# --- JSON and JSON Lines ----------------------------------------------------------------------


def test_jsonl_records_ids_and_errors() -> None:
    items = read_document(FIXTURES / "records.jsonl", FIXTURES)
    by_id = {i.doc_id: i for i in items}
    assert list(by_id) == [
        "records.jsonl#a-101",
        "records.jsonl#a-102",
        "records.jsonl#a-103",
        "records.jsonl#5",
        "records.jsonl#a-105",
    ]
    a = by_id["records.jsonl#a-101"]
    assert isinstance(a, Document)
    assert a.text == "Doanh thu tăng 20%\n\nNăm 2021, doanh thu của công ty đạt 338 tỷ đồng, tăng 20% so với năm 2020."
    assert a.published == "2021-12-10"
    assert a.meta["url"] == "https://example.vn/a-101"
    assert a.meta["author"] == "Lê Văn Nam"
    b = by_id["records.jsonl#a-102"]
    assert isinstance(b, Document)
    assert b.text == "Lợi nhuận giảm\n\nLợi nhuận sau thuế đạt 45 tỷ đồng, giảm 12%.\nCông ty có 1.200 lao động."
    assert b.published == "2021-12-10"  # epoch 1639108080 in Vietnamese time
    missing = by_id["records.jsonl#a-103"]
    assert isinstance(missing, ReadError) and missing.error.startswith("[E019] records.jsonl: line 4: no text field")
    broken = by_id["records.jsonl#5"]
    assert isinstance(broken, ReadError) and "line 5: not valid JSON" in broken.error
    listed = by_id["records.jsonl#a-105"]
    assert isinstance(listed, Document) and "Đoạn một: vốn điều lệ 500 tỷ đồng.\nĐoạn hai: cổ tức 15%." in listed.text


def test_json_object_holding_records() -> None:
    docs = read_document(FIXTURES / "records.json", FIXTURES)
    assert [d.doc_id for d in docs] == ["records.json#1", "records.json#2"]
    assert all(isinstance(d, Document) for d in docs)
    assert [d.published for d in docs if isinstance(d, Document)] == ["2021-12-10", "2021-12-11"]


def test_json_ids_fall_back_to_numbers_when_not_unique() -> None:
    recs = [{"id": "x", "text": "Doanh thu đạt 5 tỷ đồng."}, {"id": "x", "text": "Lợi nhuận đạt 1 tỷ đồng."}]
    ids = [d.doc_id for d in read_bytes(json.dumps(recs).encode(), "d.json", ".json")]
    assert ids == ["d.json#1", "d.json#2"]
    recs = [{"id": "../../etc", "text": "Doanh thu đạt 5 tỷ đồng."}, {"id": 7, "text": "Lợi nhuận 1 tỷ đồng."}]
    ids = [d.doc_id for d in read_bytes(json.dumps(recs).encode(), "d.json", ".json")]
    assert ids == ["d.json#1", "d.json#7"]


def test_wordpress_style_fields_and_entities() -> None:
    rec = {
        "id": 42,
        "date": "2021-12-10T06:28:00",
        "title": {"rendered": "Doanh thu &amp; lợi nhuận"},
        "content": {"rendered": "<p>Doanh thu đạt 338 tỷ đồng.</p>\n<p>Lợi nhuận &#273;ạt 45 tỷ đồng.</p>"},
    }
    doc = one(read_bytes(json.dumps([rec]).encode(), "wp.json", ".json"))
    assert doc.doc_id == "wp.json#42"
    assert doc.title == "Doanh thu & lợi nhuận"
    assert doc.text == "Doanh thu & lợi nhuận\n\nDoanh thu đạt 338 tỷ đồng.\nLợi nhuận đạt 45 tỷ đồng."
    rec = {"text": "Vốn 5 tỷ &amp; nợ 2 tỷ đồng."}
    assert one(read_bytes(json.dumps(rec).encode(), "e.json", ".json")).text == "Vốn 5 tỷ & nợ 2 tỷ đồng."


def test_json_field_names_are_configurable() -> None:
    from pipeline.ingest.config import JsonFields, JsonSettings

    cfg = IngestConfig(json=JsonSettings(fields=JsonFields(text=["noi_dung_bai"], date=["ngay_dang"])))
    data = json.dumps({"noi_dung_bai": "Doanh thu đạt 5 tỷ đồng.", "ngay_dang": "ngày 5 tháng 3 năm 2022"}).encode()
    doc = one(read_bytes(data, "x.json", ".json", config=cfg))
    assert doc.text == "Doanh thu đạt 5 tỷ đồng."
    assert doc.published == "2022-03-05"
    error(read_bytes(data, "x.json", ".json"), "E019")


def test_json_file_that_is_really_json_lines() -> None:
    lines = [json.dumps({"text": f"Doanh thu quý {i} đạt {i} tỷ đồng."}) for i in (1, 2, 3)]
    docs = read_bytes("\n".join(lines).encode(), "dump.json", ".json")
    assert [d.doc_id for d in docs] == ["dump.json#1", "dump.json#2", "dump.json#3"]


@pytest.mark.parametrize("data", [b"{not json", b"42", b"[]", b"[" * 100000 + b"]" * 100000])
def test_bad_json_is_reported(data: bytes) -> None:
    error(read_bytes(data, "bad.json", ".json"), "E018")


# --- DOCX -----------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_order() -> None:
    data = make_docx(
        ["Báo cáo kết quả năm 2021", "Hà Nội, ngày 15 tháng 3 năm 2022", "Doanh thu đạt 338 tỷ đồng."],
        table=[["Chỉ tiêu", "Năm 2020", "Năm 2021"], ["Doanh thu", "280 tỷ", "338 tỷ"]],
        title="Mẫu báo cáo",
    )
    doc = one(read_bytes(data, "bao-cao.docx", ".docx"))
    assert doc.text == (
        "Báo cáo kết quả năm 2021\nHà Nội, ngày 15 tháng 3 năm 2022\nDoanh thu đạt 338 tỷ đồng.\n"
        "Chỉ tiêu | Năm 2020 | Năm 2021\nDoanh thu | 280 tỷ | 338 tỷ"
    )
    assert doc.title == "Mẫu báo cáo"  # a file property: kept out of the text
    assert doc.published == "2022-03-15"
    assert doc.meta["format"] == "docx"


def test_docx_merged_cells_are_written_once() -> None:
    import docx

    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    t.cell(0, 0).merge(t.cell(0, 2)).text = "Kết quả kinh doanh"
    for c, v in enumerate(["Doanh thu", "338 tỷ", "tăng 20%"]):
        t.cell(1, c).text = v
    buf = io.BytesIO()
    d.save(buf)
    doc = one(read_bytes(buf.getvalue(), "t.docx", ".docx"))
    assert doc.text == "Kết quả kinh doanh\nDoanh thu | 338 tỷ | tăng 20%"


def test_docx_damaged_or_not_word() -> None:
    data = make_docx(["Doanh thu đạt 338 tỷ đồng."])
    err = error(read_bytes(data[: len(data) // 2], "cut.docx", ".docx"), "E016")
    assert "truncated or corrupt" in err.error
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "xin chào")
    err = error(read_bytes(buf.getvalue(), "a.docx", ".docx"), "E011")
    assert "not a Word" in err.error


# --- PDF ------------------------------------------------------------------------------------


def test_pdf_text_layer_pages_and_wrapped_lines() -> None:
    data = make_pdf(
        [
            ["Báo cáo tổng kết năm 2021", "Doanh thu đạt 338 tỷ đồng, tăng 20% so với", "năm 2020 (theo báo cáo)."],
            ["Trang hai: lợi nhuận 1.500 triệu đồng."],
        ],
        title="Microsoft Word - baocao.doc",
    )
    doc = one(read_bytes(data, "r.pdf", ".pdf"))
    assert doc.text == (
        "Báo cáo tổng kết năm 2021\nDoanh thu đạt 338 tỷ đồng, tăng 20% so với năm 2020 (theo báo cáo).\n\n"
        "Trang hai: lợi nhuận 1.500 triệu đồng."
    )
    assert doc.title == "Microsoft Word - baocao.doc"
    assert doc.meta["pages"] == "2"


def test_unwrap_lines_keeps_length_and_paragraph_ends() -> None:
    text = "Doanh thu tăng 20% so với\nnăm 2020.\nLợi nhuận giảm\n5%.\nTiêu đề\nĐoạn mới"
    out = unwrap_lines(text)
    assert out == "Doanh thu tăng 20% so với năm 2020.\nLợi nhuận giảm 5%.\nTiêu đề\nĐoạn mới"
    assert len(out) == len(text)


def test_pdf_without_text_layer_is_reported() -> None:
    err = error(read_bytes(make_pdf([[]]), "scan.pdf", ".pdf"), "E017")
    assert "OCR" in err.error


def test_truncated_pdf_is_reported_not_raised() -> None:
    data = make_pdf([["Doanh thu đạt 338 tỷ đồng."]])
    for cut in (20, len(data) // 3, len(data) - 40):
        items = read_bytes(data[:cut], "cut.pdf", ".pdf")
        assert len(items) == 1
        if isinstance(items[0], ReadError):
            assert items[0].error.startswith(("[E016] cut.pdf", "[E017] cut.pdf"))


# --- sniffing: the content decides -----------------------------------------------------------


def test_wrong_extensions() -> None:
    html = (FIXTURES / "article.html").read_bytes()
    doc = one(read_bytes(html, "page.txt", ".txt"))
    assert doc.meta["format"] == "html" and "holds HTML" in doc.meta["note"]
    assert "Tin liên quan" not in doc.text
    pdf = make_pdf([["Doanh thu đạt 338 tỷ đồng."]])
    doc = one(read_bytes(pdf, "report.txt", ".txt"))
    assert doc.text == "Doanh thu đạt 338 tỷ đồng." and doc.meta["format"] == "pdf"
    doc = one(read_bytes("Doanh thu đạt 338 tỷ đồng.".encode(), "x.pdf", ".pdf"))
    assert doc.text == "Doanh thu đạt 338 tỷ đồng." and "holds text" in doc.meta["note"]
    doc = one(read_bytes(make_docx(["Lợi nhuận 45 tỷ đồng."]), "x.pdf", ".pdf"))
    assert doc.text == "Lợi nhuận 45 tỷ đồng." and doc.meta["format"] == "docx"


# --- bad input never stops a batch -----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "suffix", "code"),
    [
        (b"", ".txt", "E012"),
        (b"   \n\t\r\n", ".md", "E012"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), ".txt", "E011"),
        (b"\xff\xd8\xff\xe0" + bytes(200), ".html", "E011"),
        (b"\x1f\x8b\x08\x00" + bytes(100), ".json", "E011"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), ".doc", "E013"),
        (b"{\\rtf1\\ansi Doanh thu}", ".rtf", "E013"),
        (bytes(range(256)) * 20, ".txt", "E011"),
    ],
    ids=["empty", "blank", "png", "jpeg-as-html", "gzip-as-json", "doc", "rtf", "binary"],
)
def test_bad_input_gives_a_coded_error_naming_the_file(data: bytes, suffix: str, code: str) -> None:
    err = error(read_bytes(data, f"dir/bad{suffix}", suffix), code)
    assert err.doc_id == f"dir/bad{suffix}"
    assert f"dir/bad{suffix}" in err.error


def test_prose_mentioning_tags_is_text_and_tagless_html_is_text() -> None:
    prose = "Thẻ <p> và <div> cùng <span> là HTML; doanh thu đạt 338 tỷ đồng."
    doc = one(read_bytes(prose.encode(), "a.txt", ".txt"))
    assert doc.text == prose and doc.meta["format"] == "text"
    doc = one(read_bytes("Doanh thu đạt 338 tỷ đồng.".encode(), "a.html", ".html"))
    assert doc.text == "Doanh thu đạt 338 tỷ đồng." and doc.meta["format"] == "text"


def test_a_50_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: costs no disk and no time
    err = error(read_document(big, tmp_path), "E014")
    assert err.error.startswith("[E014] huge.txt: too large to read (52428800 bytes")


def test_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"Doanh thu dat 338 ty dong. " * 4000)  # ~108 KB
    cfg = IngestConfig(max_bytes=100_000)
    err = error(read_document(big, tmp_path, config=cfg), "E014")
    assert "big.txt" in err.error and "100000" in err.error
    assert isinstance(read_document(big, tmp_path)[0], Document)


def test_a_batch_with_bad_files_reads_the_good_ones(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Doanh thu đạt 338 tỷ đồng.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.4 truncated")
    (tmp_path / "d.docx").write_bytes(b"PK\x03\x04 nope")
    (tmp_path / "e.json").write_bytes(b"[{")
    (tmp_path / "f.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "g.md").write_text("Lợi nhuận 45 tỷ đồng.", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "h.txt").write_text("không đọc", encoding="utf-8")
    (tmp_path / "notes.xlsx").write_bytes(b"PK")
    items = list(iter_documents(tmp_path))
    assert [i.doc_id for i in items] == ["a.txt", "b.txt", "c.pdf", "d.docx", "e.json", "f.doc", "sub/g.md"]
    docs = [i for i in items if isinstance(i, Document)]
    assert [d.doc_id for d in docs] == ["a.txt", "sub/g.md"]
    assert all(i.error.startswith("[E01") and i.doc_id in i.error for i in items if isinstance(i, ReadError))
    assert [p.name for p in list_files(tmp_path)][-1] == "g.md"


def test_unreadable_file(tmp_path: Path) -> None:
    missing = tmp_path / "gone.txt"
    error(read_document(missing, tmp_path), "E010")
