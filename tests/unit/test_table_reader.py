"""Reading ledger files: encodings, delimiters, XLSX sheets and headers, and bad files.

Every file is made here, byte by byte, in the layouts the tools people use export.
"""

from __future__ import annotations

import codecs
import io
import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from app.interchange.table_reader import (
    PASSWORD_MESSAGE,
    ReadLimits,
    TableReadError,
    detect_delimiter,
    read_table,
    read_table_bytes,
)
from tests.xlsx_files import without_sheets

SYSTEMWALKER_HEADERS = [
    "資産管理番号", "モデル名", "シリアル番号", "メーカ名", "分類", "PC名", "ユーザーID",
    "部門名", "コンピュータ名", "IPアドレス", "MACアドレス", "リース契約No", "リース開始日",
    "リース終了日",
]  # fmt: skip


def _quoted(rows: list[list[str]], sep: str = ",", newline: str = "\r\n") -> str:
    return "".join(sep.join(f'"{c}"' for c in row) + newline for row in rows)


def systemwalker_csv() -> bytes:
    """Systemwalker Desktop Patrol style: CP932, comma, every cell quoted, CRLF."""
    rows = [
        SYSTEMWALKER_HEADERS,
        ["00123", "ESPRIMO D588", "SN①0001", "富士通㈱", "デスクトップPC", "総務①", "takahashi",
         "総務課", "PC-00123", "10.0.0.23", "00-11-22-33-44-55", "L-0001", "R3.4.1", "R8.3.31"],
        ["00124", "LIFEBOOK", "SN0002", "富士通㈱", "ノートPC", "髙橋PC", "髙橋",
         "税務課", "PC-00124", "10.0.0.24", "00:11:22:33:44:56", "L-0002", "H31.4.30",
         "令和8年3月31日"],
    ]  # fmt: skip
    return _quoted(rows).encode("cp932")


def ism_tsv() -> bytes:
    """ISM CloudOne style: UTF-16LE with BOM, TAB, quoted, CRLF; a cell with a line break."""
    rows = [
        ["コンピューター名", "IPアドレス", "MACアドレス", "シリアル番号", "備考"],
        ["PC-001", "10.0.0.1", "00:11:22:33:44:55", "0001234", "1行目\r\n2行目"],
        ["PC-002", "10.0.0.2", "00:11:22:33:44:66", "0001235", ""],
    ]
    return codecs.BOM_UTF16_LE + _quoted(rows, sep="\t").encode("utf-16-le")


def xlsx_bytes(build) -> bytes:
    wb = openpyxl.Workbook()
    build(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def grouped_ledger(wb: openpyxl.Workbook) -> None:
    """A group header row (merged) above the real headers; dates as cells and serials."""
    ws = wb.active
    ws.title = "台帳"
    ws["A1"] = "資産管理番号"
    ws.merge_cells("A1:A2")
    ws["B1"] = "基本情報"
    ws.merge_cells("B1:C1")
    ws["D1"] = "リース"
    ws.merge_cells("D1:E1")
    ws["F1"] = "保守"
    ws.merge_cells("F1:G1")
    labels = ["名称", "型番", "開始日", "終了日", "開始日", "終了日"]
    for col, label in zip("BCDEFG", labels, strict=True):
        ws[f"{col}2"] = label
    ws.append(
        ["00123", "総務課PC", "D588", date(2021, 4, 1), 46112, 45000.0, datetime(2027, 3, 31)]
    )
    ws["A3"].number_format = "@"
    ws.append(["00124", "税務課PC", 588.0, date(2021, 4, 1), 46112.0, None, None])
    other = wb.create_sheet("メモ")
    other.append(["資産管理番号", "メモ"])
    other.append(["00123", "=1+1"])
    other["B2"].data_type = "s"


# --- CSV -------------------------------------------------------------------------------


def test_systemwalker_cp932_keeps_machine_dependent_characters_and_leading_zeros() -> None:
    table = read_table_bytes(systemwalker_csv(), name="sw.csv")
    assert table.encoding == "Shift_JIS（CP932）"
    assert table.delimiter == ","
    assert table.headers == SYSTEMWALKER_HEADERS
    assert table.rows[0][0] == "00123"
    assert table.rows[0][2] == "SN①0001" and table.rows[0][3] == "富士通㈱"
    assert table.rows[1][5] == "髙橋PC"
    assert table.source_rows == [2, 3]
    assert table.sheet is None and table.sheets == []


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_utf8_with_and_without_bom(bom: bytes) -> None:
    text = "資産管理番号,名称,IPアドレス\n00001,総務課PC,10.0.0.1\n00002,税務課PC,\n"
    table = read_table_bytes(bom + text.encode("utf-8"), name="a.csv")
    assert table.encoding == ("UTF-8（BOM付き）" if bom else "UTF-8")
    assert table.headers == ["資産管理番号", "名称", "IPアドレス"]  # no BOM in the header
    assert table.rows == [["00001", "総務課PC", "10.0.0.1"], ["00002", "税務課PC", ""]]


def test_ism_utf16_tab_crlf_quoted_with_a_line_break_in_a_cell() -> None:
    table = read_table_bytes(ism_tsv(), name="ism.csv")
    assert table.encoding == "UTF-16LE（BOM付き）"
    assert table.delimiter == "\t"
    assert table.rows[0] == ["PC-001", "10.0.0.1", "00:11:22:33:44:55", "0001234", "1行目\r\n2行目"]
    # The second record starts on line 4: the first one spans lines 2-3.
    assert table.source_rows == [2, 4]


def test_utf16_big_endian_and_without_bom() -> None:
    text = "資産管理番号\t名称\r\nA-1\t総務\r\n"
    assert read_table_bytes(codecs.BOM_UTF16_BE + text.encode("utf-16-be")).rows == [
        ["A-1", "総務"]
    ]
    table = read_table_bytes(text.encode("utf-16-le"), name="x.txt")
    assert table.encoding == "UTF-16-LE（BOMなし）"
    assert table.rows == [["A-1", "総務"]]


def test_blank_lines_title_rows_and_headerless_or_repeated_columns() -> None:
    text = (
        "資産台帳 令和8年4月1日現在\n\n"
        "資産管理番号,名称,,備考,備考,\n"
        "A-1,PC,x,メモ1,メモ2,\n\n"
        "A-2,PC2,,,,\n"
    )
    table = read_table_bytes(text.encode(), name="a.csv")
    assert table.header_row == 3
    # The empty header with data is named by position; the empty one without is dropped.
    assert table.headers == ["資産管理番号", "名称", "3列目", "備考", "備考 (2)"]
    assert table.rows == [["A-1", "PC", "x", "メモ1", "メモ2"], ["A-2", "PC2", "", "", ""]]
    assert table.source_rows == [4, 6]


def test_csv_group_header_row_without_merge_information() -> None:
    text = "基本情報,,ネットワーク,\n資産管理番号,名称,IPアドレス,MACアドレス\nA-1,PC,10.0.0.1,\n"
    table = read_table_bytes(text.encode(), name="a.csv")
    assert table.headers == ["資産管理番号", "名称", "IPアドレス", "MACアドレス"]
    assert table.header_row == 2 and table.source_rows == [3]


def test_a_data_row_under_a_header_with_an_empty_cell_is_not_taken_for_headers() -> None:
    text = "資産管理番号,,名称\nA-1,10.0.0.1,PC\n"
    table = read_table_bytes(text.encode(), name="a.csv")
    assert table.headers == ["資産管理番号", "2列目", "名称"]
    assert table.rows == [["A-1", "10.0.0.1", "PC"]]


def test_formula_looking_cells_are_plain_text() -> None:
    text = '資産管理番号,備考\nA-1,=1+1\nA-2,"=HYPERLINK(""http://x"",""y"")"\nA-3,@SUM(A1)\n'
    table = read_table_bytes(text.encode(), name="a.csv")
    assert [r[1] for r in table.rows] == ["=1+1", '=HYPERLINK("http://x","y")', "@SUM(A1)"]


def test_read_table_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "sw.csv"
    path.write_bytes(systemwalker_csv())
    assert read_table(path).rows[1][0] == "00124"


# --- XLSX ------------------------------------------------------------------------------


def test_xlsx_group_header_merged_cells_dates_and_numbers() -> None:
    table = read_table_bytes(xlsx_bytes(grouped_ledger), name="l.xlsx")
    assert table.sheet == "台帳" and table.sheets == ["台帳", "メモ"]
    assert table.headers[:3] == ["資産管理番号", "名称", "型番"]
    assert table.headers[3:] == ["リース 開始日", "リース 終了日", "保守 開始日", "保守 終了日"]
    assert table.header_row == 2 and table.source_rows == [3, 4]
    # Text cells keep leading zeros, date cells become ISO dates, serials stay numbers
    # (the import turns them into dates for date fields), 588.0 loses its ".0".
    assert table.rows[0] == [
        "00123",
        "総務課PC",
        "D588",
        "2021-04-01",
        "46112",
        "45000",
        "2027-03-31",
    ]
    assert table.rows[1][2] == "588" and table.rows[1][4] == "46112"


def test_xlsx_chosen_sheet_and_formula_text() -> None:
    table = read_table_bytes(xlsx_bytes(grouped_ledger), name="l.xlsx", sheet="メモ")
    assert table.sheet == "メモ"
    assert table.rows == [["00123", "=1+1"]]


def test_xlsx_header_cell_merged_across_two_columns() -> None:
    def build(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        ws.append(["資産管理番号", "IPアドレス", None, "備考", None])
        ws.merge_cells("B1:C1")
        ws.merge_cells("D1:E1")
        ws.append(["A-1", "10.0.0.1", "10.0.1.1", "メモ", None])
        ws.append(["A-2", "10.0.0.2", None, "メモ2", None])

    table = read_table_bytes(xlsx_bytes(build), name="m.xlsx")
    # The continuation column with data keeps its values under "IPアドレス (2)"; the
    # empty continuation of 備考 is dropped.
    assert table.headers == ["資産管理番号", "IPアドレス", "IPアドレス (2)", "備考"]
    assert table.rows[0] == ["A-1", "10.0.0.1", "10.0.1.1", "メモ"]


def test_xlsx_first_visible_sheet_is_the_default() -> None:
    def build(wb: openpyxl.Workbook) -> None:
        wb.active.title = "説明"
        wb.active.sheet_state = "hidden"
        ws = wb.create_sheet("一覧")
        ws.append(["資産管理番号", "名称"])
        ws.append(["A-1", "PC"])

    table = read_table_bytes(xlsx_bytes(build), name="h.xlsx")
    assert table.sheet == "一覧" and table.sheets == ["説明", "一覧"]


def test_xlsx_unknown_sheet_names_the_sheets() -> None:
    with pytest.raises(TableReadError, match=r"シート「無い」がありません.*台帳、メモ"):
        read_table_bytes(xlsx_bytes(grouped_ledger), name="l.xlsx", sheet="無い")


# --- bad files -------------------------------------------------------------------------


def encrypted_xlsx() -> bytes:
    """What Excel writes for a password-protected workbook: an OLE compound file."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    directory = "EncryptionInfo".encode("utf-16-le") + bytes(50)
    directory += "EncryptedPackage".encode("utf-16-le") + bytes(50)
    return header + directory + bytes(1024)


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)) * 4

BAD_FILES = {
    "empty": (b"", "a.csv", "ファイルが空です"),
    "only spaces and a BOM": (codecs.BOM_UTF8 + b"  \r\n\r\n", "a.csv", "ファイルが空です"),
    "header only": ("資産管理番号,名称\r\n".encode("cp932"), "a.csv", "見出しの行（1行目）しか"),
    "binary renamed .csv": (PNG, "photo.csv", "テキスト形式のCSVではありません（9バイト目"),
    "xlsx that is not a zip": (b"asset,name\n1,2\n", "a.xlsx", "ZIP形式ではありません"),
    "zip that is not a workbook": (
        b"PK\x03\x04" + bytes(100), "a.xlsx", "Excelブック（.xlsx）として読めません"
    ),
    "xlsx without sheets": (
        without_sheets(xlsx_bytes(grouped_ledger)), "a.xlsx", "ワークシートがありません"
    ),
    "password protected": (encrypted_xlsx(), "a.xlsx", re.escape(PASSWORD_MESSAGE)),
    "old xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), "a.xls", r"97-2003形式"),
    "unclosed quote": (b'id,name\r\nA-1,PC\r\n"A-2,PC\r\nA-3\r\n', "a.csv", "3行目で始まる引用符"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_refused_with_a_clear_message(case: str) -> None:
    data, name, message = BAD_FILES[case]
    with pytest.raises(TableReadError, match=message):
        read_table_bytes(data, name=name)


def test_wrong_encoding_names_the_line_and_the_likely_encoding() -> None:
    lines = ["資産管理番号,名称,設置場所"] + [
        f"A-{i},総務課の事務用パソコン,本庁舎２階" for i in range(30)
    ]
    data = "\n".join(lines).encode("euc_jp")
    with pytest.raises(TableReadError) as info:
        read_table_bytes(data, name="euc.csv")
    message = str(info.value)
    assert "文字コードを判別できません（UTF-8 / Shift_JIS(CP932) / UTF-16 に対応）" in message
    assert re.search(r"\d+行目（[\d,]+バイト目）", message)
    assert "推定される文字コード: EUC-JP" in message


def test_iso2022jp_is_named() -> None:
    data = "資産管理番号,名称\nA-1,総務\n".encode("iso2022_jp")
    with pytest.raises(TableReadError, match="1行目からISO-2022-JP"):
        read_table_bytes(data, name="jis.csv")


def test_utf8_file_with_a_cp932_line_names_the_line_and_column() -> None:
    data = (
        "資産管理番号,名称,設置場所\nA-1,総務課PC,本庁舎\n".encode()
        + "A-2,税務課PC,①号館\n".encode("cp932")
    )
    with pytest.raises(TableReadError) as info:
        read_table_bytes(data, name="mixed.csv")
    assert "文字コードが混在しています: 3行目「名称」" in str(info.value)
    assert "Shift_JIS(CP932)のようです" in str(info.value)


def test_cp932_file_with_a_utf8_line_names_both_lines() -> None:
    data = "資産管理番号,名称\r\nA-1,総務課PC\r\n".encode("cp932") + "A-2,税務課PC\r\n".encode()
    with pytest.raises(TableReadError) as info:
        read_table_bytes(data, name="mixed.csv")
    assert "1行目はShift_JIS(CP932)、3行目「名称」はUTF-8" in str(info.value)


def test_size_row_and_cell_limits() -> None:
    data = ("資産管理番号,備考\n" + "".join(f"A-{i},x\n" for i in range(20))).encode()
    with pytest.raises(TableReadError, match="ファイルが大きすぎます"):
        read_table_bytes(data, limits=ReadLimits(max_bytes=50))
    with pytest.raises(TableReadError, match="行数が多すぎます（上限 10 行）"):
        read_table_bytes(data, limits=ReadLimits(max_rows=10))
    huge = f"資産管理番号,備考\nA-1,{'あ' * 10_001}\nA-2,ok\n".encode()
    table = read_table_bytes(huge)
    (problem,) = table.cell_problems
    assert (problem.row_number, problem.column_header) == (2, "備考")
    assert problem.message == "セルの文字数が多すぎます（10,001文字、上限 10,000文字）"
    assert len(table.rows[0][1]) == 10_000


def test_a_cell_beyond_the_csv_module_limit_names_the_line() -> None:
    data = f'資産管理番号,備考\nA-1,ok\nA-2,"{"x" * 200_000}"\n'.encode()
    with pytest.raises(TableReadError, match="3行目から: セルの文字数が多すぎます"):
        read_table_bytes(data)


def test_file_size_limit_and_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" * 100)
    with pytest.raises(TableReadError, match="ファイルが大きすぎます"):
        read_table(path, limits=ReadLimits(max_bytes=100))
    with pytest.raises(TableReadError, match="ファイルを開けません"):
        read_table(tmp_path / "missing.csv")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a\tb\tc\r\n1\t2\t3\r\n", "\t"),
        ("\r\n  \n\t\na\tb,c\td\n", "\t"),  # blank lines first; more tabs than commas
        ("a,b\tc", ","),  # no newline at all
        ("\n\n", ","),
        ("", ","),
    ],
)
def test_delimiter_from_the_first_non_blank_line(text: str, expected: str) -> None:
    assert detect_delimiter(text) == expected
