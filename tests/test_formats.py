"""Parquet, Excel and datapackage.json agree with the CSV tables and with pipeline.model."""

from __future__ import annotations

import csv
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import test_runner_fake as fake

from pipeline.formats import datapackage, excel_cell_value, write_datapackage, write_excel, write_parquet
from pipeline.model import CHECK_COLUMNS, CLAIM_COLUMNS, FLAG_COLUMNS, Claim
from pipeline.output import write_csv
from pipeline.runner import run

NASTY = ['=HYPERLINK("http://x","bấm")', "+1+2", "-5", "@SUM(A1:A2)", "\t=1", "\r=1", "Tăng 6,5% — ổn"]


def claim(i: int, text: str, value: str = "1", value_max: str | None = None) -> Claim:
    return Claim(
        doc_id=f"bài {i}.txt", claim_id=f"bài {i}.txt#{i}", start=i, end=i + len(text), text=text, kind="count",
        value=Decimal(value), value_max=Decimal(value_max) if value_max else None, unit="người", qualifier="exact",
        subject=text, sentence=f"Câu có {text}",
    )  # fmt: skip


@pytest.fixture
def out(tmp_path) -> Path:
    claims = [claim(i, t) for i, t in enumerate(NASTY)]
    claims.append(claim(99, "75,6 tỷ", "75600000000.000001", "0.0000001"))
    write_csv(tmp_path / "claims.csv", CLAIM_COLUMNS, (c.row() for c in claims))
    write_csv(tmp_path / "errors.csv", ["doc_id", "error"], [{"doc_id": "x.txt", "error": "=cmd|' /C calc'!A0"}])
    return tmp_path


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_excel_keeps_vietnamese_and_never_writes_a_formula(out):
    import openpyxl

    write_excel(out)
    wb = openpyxl.load_workbook(out / "vnclaims.xlsx")
    ws = wb["claims"]
    header = [c.value for c in ws[1]]
    assert header == CLAIM_COLUMNS
    col = header.index("text")
    got = [row[col].value for row in ws.iter_rows(min_row=2)]
    assert got == [*NASTY, "75,6 tỷ"]
    for row in ws.iter_rows(min_row=2):
        assert row[col].data_type == "s"
        assert row[header.index("start")].data_type == "n"
    assert wb["errors"]["B2"].value == "=cmd|' /C calc'!A0" and wb["errors"]["B2"].data_type == "s"
    assert ws.cell(row=2, column=col + 1).quotePrefix
    with zipfile.ZipFile(out / "vnclaims.xlsx") as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml
    value = [row[header.index("value")].value for row in ws.iter_rows(min_row=2)]
    assert value[-1] == "75600000000.000001"  # exact, not a float


def test_excel_cell_value_escapes_every_formula_start_and_illegal_characters():
    for s in NASTY[:-1]:
        assert excel_cell_value(s) == (s, True)
    assert excel_cell_value("Tăng 6,5%") == ("Tăng 6,5%", False)
    assert excel_cell_value("a\x0bb") == ("a\ufffdb", False)


def test_parquet_matches_the_csv_with_typed_columns(out):
    import pyarrow.parquet as pq

    assert write_parquet(out) == ["claims.parquet", "errors.parquet"]
    table = pq.read_table(out / "claims.parquet")
    assert table.column_names == CLAIM_COLUMNS
    assert str(table.schema.field("start").type) == "int64"
    assert str(table.schema.field("value").type) == "string"
    for pr, cr in zip(table.to_pylist(), csv_rows(out / "claims.csv"), strict=True):
        for k, v in cr.items():
            if k in ("start", "end", "sentence_start"):
                assert pr[k] == int(v)
            elif k in ("value", "value_max") and v == "":
                assert pr[k] is None
            else:
                assert pr[k] == v


def test_datapackage_describes_every_column_with_a_type_its_values_parse_as(out):
    write_csv(out / "checks.csv", CHECK_COLUMNS, [])
    write_csv(out / "flags.csv", FLAG_COLUMNS, [])
    pkg = json.loads(write_datapackage(out).read_text(encoding="utf-8"))
    by_name = {r["name"]: r for r in pkg["resources"]}
    assert set(by_name) == {"claims", "checks", "flags", "errors"}
    for name, res in by_name.items():
        with (out / res["path"]).open(encoding="utf-8", newline="") as f:
            header = next(csv.reader(f))
        assert [fd["name"] for fd in res["schema"]["fields"]] == header, name
    parse = {"integer": int, "number": Decimal, "string": str}
    fields = by_name["claims"]["schema"]["fields"]
    for row in csv_rows(out / "claims.csv"):
        for fd in fields:
            v = row[fd["name"]]
            if v not in by_name["claims"]["schema"]["missingValues"]:
                parse[fd["type"]](v)
                assert v in fd.get("constraints", {}).get("enum", [v])
    types = {fd["name"]: fd["type"] for fd in fields}
    assert (types["start"], types["value"], types["value_max"], types["text"]) == (
        "integer",
        "number",
        "number",
        "string",
    )
    assert by_name["claims"]["schema"]["primaryKey"] == ["claim_id"]


def test_run_writes_all_formats_from_the_same_rows(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    import pipeline.api

    monkeypatch.setattr(pipeline.api, "find_claims", fake.fake_find_claims)
    monkeypatch.setattr(pipeline.api, "attribute_claims", fake.fake_attribute_claims)
    corpus = tmp_path / "corpus"
    fake.make_corpus(corpus, 6)
    rules = fake.minimal_rules(tmp_path / "rules")
    s = run(
        corpus, tmp_path / "out", rules, progress=False, workers=1, checks=False, formats=("csv", "parquet"), excel=True
    )
    o = tmp_path / "out"
    assert pq.read_table(o / "claims.parquet").num_rows == s.claims == len(csv_rows(o / "claims.csv")) > 0
    pkg = datapackage(o, parquet=True)
    assert {r["path"] for r in pkg["resources"]} >= {"claims.csv", "claims.parquet", "errors.csv"}
    import openpyxl

    assert (
        sum(1 for _ in openpyxl.load_workbook(o / "vnclaims.xlsx", read_only=True)["claims"].iter_rows())
        == s.claims + 1
    )


def test_excel_continues_a_table_on_a_new_sheet_past_the_row_limit(out, monkeypatch):
    import openpyxl

    import pipeline.formats

    monkeypatch.setattr(pipeline.formats, "EXCEL_MAX_ROWS", 4)  # header + 3 rows per sheet
    write_excel(out)
    wb = openpyxl.load_workbook(out / "vnclaims.xlsx")
    parts = [n for n in wb.sheetnames if n.startswith("claims")]
    assert parts == ["claims", "claims (2)", "claims (3)"]
    texts = [r[4].value for n in parts for r in wb[n].iter_rows(min_row=2)]
    assert texts == [*NASTY, "75,6 tỷ"]
    assert all(wb[n]["A1"].value == "doc_id" for n in parts)
