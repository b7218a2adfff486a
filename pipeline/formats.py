"""Output formats beyond CSV: Parquet, Excel and a Frictionless ``datapackage.json``.

Every format is generated from the CSV tables of a finished run and from the row dataclasses of
``pipeline.model``, so column names, order and types have one source. Values stay exact:
integers (offsets) are integers, decimal numbers are written as plain decimal strings (Parquet
``string``, Excel text) because no binary type holds both ``75600000000000000`` and ``0.0001``
without loss. Everything is streamed in batches, never loaded whole.

Excel is a spreadsheet that runs code: article text that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return would become a formula (CSV/DDE injection). Such cells are stored as
text with Excel's quote prefix, so they display as written and are never evaluated.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Iterator
from dataclasses import fields
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipeline.model import CHANGES, KINDS, QUALIFIERS, SEVERITIES, STATUSES, Check, Claim, Flag
from pipeline.output import atomic_open, iter_csv

BATCH = 50_000
EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, header included
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # XML 1.0 forbids them; openpyxl raises

TABLES: dict[str, tuple[type | None, str]] = {
    "claims": (Claim, "One row per numeric claim found in an article."),
    "checks": (Check, "Relations found between figures and whether they hold."),
    "flags": (Flag, "Problems an editor should look at."),
    "errors": (None, "Files or records that could not be read or extracted."),
}
_ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("claims", "kind"): KINDS,
    ("claims", "qualifier"): QUALIFIERS,
    ("claims", "change"): CHANGES,
    ("checks", "status"): STATUSES,
    ("flags", "severity"): SEVERITIES,
}
_KEYS = {"claims": "claim_id", "checks": "check_id", "flags": "flag_id"}


def table_fields(table: str) -> list[tuple[str, str]]:
    """(column, Frictionless type) for each column of an output table, from its dataclass."""
    cls = TABLES[table][0]
    if cls is None:
        return [("doc_id", "string"), ("error", "string")]
    hints = typing.get_type_hints(cls)
    out: list[tuple[str, str]] = []
    for f in fields(cls):
        args = typing.get_args(hints[f.name]) or (hints[f.name],)
        if Decimal in args:
            out.append((f.name, "number"))
        elif int in args:
            out.append((f.name, "integer"))
        else:
            out.append((f.name, "string"))
    return out


def present_tables(out_dir: Path) -> list[str]:
    return [t for t in TABLES if (out_dir / f"{t}.csv").exists()]


# --- Parquet -----------------------------------------------------------------------------------


def write_parquet(out_dir: Path) -> list[str]:
    """``<table>.parquet`` beside every CSV table; integers typed, decimals as exact strings."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    written: list[str] = []
    for table in present_tables(out_dir):
        cols = table_fields(table)
        schema = pa.schema(
            [pa.field(n, pa.int64() if t == "integer" else pa.string(), nullable=t != "string") for n, t in cols]
        )
        path = out_dir / f"{table}.parquet"
        with atomic_open(path, "wb") as f, pq.ParquetWriter(f, schema) as w:
            for batch in _batches(out_dir / f"{table}.csv", BATCH):
                data: dict[str, list[Any]] = {n: [] for n, _ in cols}
                for row in batch:
                    for n, t in cols:
                        v = row.get(n, "")
                        if t == "integer":
                            data[n].append(int(v) if v != "" else None)
                        else:  # "" is a value in a text column, a missing one in a numeric column
                            data[n].append(v if v != "" or t == "string" else None)
                w.write_table(pa.Table.from_pydict(data, schema=schema))
        written.append(path.name)
    return written


def _batches(path: Path, size: int) -> Iterator[list[dict[str, str]]]:
    batch: list[dict[str, str]] = []
    for row in iter_csv(path):
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- Excel -------------------------------------------------------------------------------------


def excel_cell_value(value: str) -> tuple[str, bool]:
    """(text safe to store, whether it must be stored as quoted text rather than a formula)."""
    clean = _ILLEGAL.sub("\ufffd", value)
    return clean, clean.startswith(FORMULA_START)


def write_excel(out_dir: Path, name: str = "vnclaims.xlsx") -> str:
    """One workbook, a sheet per table (continued on ``claims (2)`` … past Excel's row limit)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    for table in present_tables(out_dir):
        cols = table_fields(table)
        part, ws, rows = 1, wb.create_sheet(table), 0
        ws.append([n for n, _ in cols])
        for row in iter_csv(out_dir / f"{table}.csv"):
            if rows >= EXCEL_MAX_ROWS - 1:
                part += 1
                ws, rows = wb.create_sheet(f"{table} ({part})"), 0
                ws.append([n for n, _ in cols])
            cells: list[Any] = []
            for n, t in cols:
                v = row.get(n, "")
                if t == "integer" and v != "":
                    cells.append(int(v))
                    continue
                text, quoted = excel_cell_value(v)
                if quoted:
                    cell = WriteOnlyCell(ws, value=text)
                    cell.data_type = "s"  # never "f": a formula is code
                    cell.quotePrefix = True
                    cells.append(cell)
                else:
                    cells.append(text)
            ws.append(cells)
            rows += 1
    if not wb.worksheets:
        wb.create_sheet("claims")
    path = out_dir / name
    with atomic_open(path, "wb") as f:
        wb.save(f)
    return name


# --- Frictionless Data Package -----------------------------------------------------------------


def datapackage(out_dir: Path, parquet: bool = False) -> dict[str, Any]:
    """The descriptor of the tables in ``out_dir`` (Data Package v1 fields, valid under v2)."""
    resources: list[dict[str, Any]] = []
    for table in present_tables(out_dir):
        schema: dict[str, Any] = {"fields": [], "missingValues": [""]}
        for n, t in table_fields(table):
            fd: dict[str, Any] = {"name": n, "type": t}
            if t == "number":
                fd.update(decimalChar=".", bareNumber=True)
            enum = _ENUMS.get((table, n))
            if enum:
                fd["constraints"] = {"enum": [e for e in enum if e]}
            schema["fields"].append(fd)
        if table in _KEYS:
            schema["primaryKey"] = [_KEYS[table]]
        description = TABLES[table][1]
        resources.append(
            {
                "name": table,
                "path": f"{table}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "header": True, "quoteChar": '"', "lineTerminator": "\n"},
                "description": description,
                "schema": schema,
            }
        )
        if parquet and (out_dir / f"{table}.parquet").exists():
            resources.append(
                {
                    "name": f"{table}-parquet",
                    "path": f"{table}.parquet",
                    "format": "parquet",
                    "mediatype": "application/vnd.apache.parquet",
                    "description": description + " Parquet copy; numbers as exact decimal strings.",
                    "schema": schema,
                }
            )
    return {
        "profile": "tabular-data-package",
        "name": "vnclaims-output",
        "title": "Numeric claims extracted from Vietnamese articles by vnclaims",
        "resources": resources,
    }


def write_datapackage(out_dir: Path, parquet: bool = False) -> Path:
    path = out_dir / "datapackage.json"
    with atomic_open(path) as f:
        json.dump(datapackage(out_dir, parquet), f, ensure_ascii=False, indent=2)
        f.write("\n")
    return path
