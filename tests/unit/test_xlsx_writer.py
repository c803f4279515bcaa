"""app.interchange.xlsx_writer: the sheet states its used range, read back with openpyxl."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from app.interchange import xlsx_writer
from app.interchange.xlsx_writer import write_xlsx

HEADERS = ["管理番号", "名称", "購入日"]


def _rows(n: int) -> list[list[xlsx_writer.Value]]:
    return [[f"HT-{i:04d}", f"事務用PC {i}", date(2024, 4, 1)] for i in range(1, n + 1)]


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.parametrize(("rows", "expected"), [(0, "A1:C1"), (1, "A1:C2"), (1234, "A1:C1235")])
def test_the_dimension_is_the_sheets_real_range(tmp_path: Path, rows: int, expected: str) -> None:
    path = tmp_path / "out.xlsx"
    assert write_xlsx(path, "資産台帳", HEADERS, iter(_rows(rows)), batch=100) == rows

    xml = _sheet_xml(path)
    assert re.findall(r'<dimension ref="([^"]+)"/>', xml) == [expected]
    # Where the schema wants it: after sheetPr, before sheetViews.
    assert xml.index("</sheetPr>") < xml.index("<dimension ") < xml.index("<sheetViews>")

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        ws = wb.active
        assert ws.calculate_dimension() == expected  # read from the element, not by scanning
        assert (ws.max_row, ws.max_column) == (rows + 1, len(HEADERS))
        values = list(ws.iter_rows(values_only=True))
    finally:
        wb.close()
    assert values[0] == tuple(HEADERS)
    assert len(values) == rows + 1
    if rows:
        assert values[-1][:2] == (f"HT-{rows:04d}", f"事務用PC {rows}")

    full = openpyxl.load_workbook(path)
    assert full.active.dimensions == expected


def test_rows_beyond_the_memory_spool_go_through_a_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_writer, "SPOOL_BYTES", 1024)  # a few rows, then on disk
    path = tmp_path / "big.xlsx"
    assert write_xlsx(path, "資産台帳", HEADERS, _rows(500), batch=7) == 500

    assert re.findall(r'<dimension ref="([^"]+)"/>', _sheet_xml(path)) == ["A1:C501"]
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(wb.active.iter_rows(min_row=2, values_only=True))
    finally:
        wb.close()
    assert [r[0] for r in rows] == [f"HT-{i:04d}" for i in range(1, 501)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.xlsx"]  # nothing left beside it
