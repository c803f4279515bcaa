"""Hostile input files: refused with a clear Japanese message — no traceback, no hang,
memory bounded.

The small hostile workbooks are kept in tests/data/hostile/ (see its README.md); large
inputs are generated in tmp_path. Peak memory is measured in a child process (resident
set size, which counts lxml's C allocations too) under an address-space limit, so that
a regression fails at once instead of eating gigabytes.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.input_file import InputFileError, read_input_file
from app.interchange.table_reader import ReadLimits, TableReadError, read_table, read_table_bytes
from tests.data.hostile.make_corpus import MAIN_NS, cell, ledger_rows, pack, sheet, workbook

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hostile"
REPO_ROOT = Path(__file__).resolve().parents[2]
SHEET = "xl/worksheets/sheet1.xml"

REFUSED = {
    "corrupt-deflate.xlsx": r"sheet1\.xml: 圧縮されたデータが壊れています: error",
    "deflate64-method.xlsx": r"sheet1\.xml: 対応していない圧縮方式です",
    "zip-encrypted-flag.xlsx": r"sheet1\.xml: ZIPの暗号化がかかっています",
    "garbage-workbook-xml.xlsx": r"xl/workbook\.xml: XMLの形式が正しくありません",
    "billion-laughs-sheet.xlsx": r"（xl/worksheets/sheet1\.xml: 文書型宣言（DOCTYPE）があります",
    "billion-laughs-shared-strings.xlsx": r"（xl/sharedStrings\.xml: 文書型宣言（DOCTYPE）",
    "billion-laughs-workbook.xlsx": r"（xl/workbook\.xml: 文書型宣言（DOCTYPE）があります",
    "external-entity-sheet.xlsx": r"（xl/worksheets/sheet1\.xml: 文書型宣言（DOCTYPE）があります",
    "row-99999999999.xlsx": r"シート「台帳」を読めません: 行番号 99,999,999,999 がExcelの上限"
    r"（1,048,576行）を超えています",
    "row-beyond-excel.xlsx": r"シート「台帳」を読めません: 行番号 1,048,577 がExcelの上限",
    "value-in-column-xfd.xlsx": r"シート「台帳」: 列が多すぎます: セルXFD5（16,384列目）に値が"
    r"あります（上限 1,000 列）",
}


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail (instead of blocking the suite) when the body takes more than 10 s."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError("hung for 10 s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(10)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def write_xlsx(path: Path, rows: str, **parts: str) -> Path:
    path.write_bytes(pack(workbook({SHEET: sheet(rows), **parts})))
    return path


# --- the corpus ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_workbooks_are_refused_naming_the_problem(name: str, no_hang: None) -> None:
    with pytest.raises(TableReadError, match=REFUSED[name]) as info:
        read_table(CORPUS / name)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(("Excelブック（.xlsx）として読めません", "シート「台帳」"))


def test_the_corpus_is_what_its_readme_lists() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    files = sorted(p.name for p in CORPUS.glob("*.xlsx"))
    assert files == sorted([*REFUSED, "error-cells.xlsx"])
    for name in files:
        assert f"`{name}`" in readme, name


def test_error_cells_are_problems_of_their_row_and_column_not_values() -> None:
    table = read_table(CORPUS / "error-cells.xlsx")
    assert table.headers == ["資産管理番号", "台数", "単価", "保守期限"]
    assert table.rows == [[f"A-{n}", "", "", ""] for n in (2, 3, 4, 5)]
    problems = {(p.row_number, p.column_header): p.message for p in table.cell_problems}
    assert len(problems) == 12
    assert problems[2, "台数"].startswith("Excelのエラー値「#DIV/0!」です")
    assert "「#NAME?」" in problems[3, "単価"]
    assert "「#GETTING_DATA」" in problems[5, "単価"]
    assert all("「#N/A」" in problems[n, "保守期限"] for n in (2, 3, 4, 5))


# --- files that are not regular files, names the system refuses --------------------------


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/full"])
def test_devices_are_refused_without_being_read(device: str, no_hang: None) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device} here")
    with pytest.raises(TableReadError, match=f"として読めません: {device}（デバイスファイルです）"):
        read_table(device)


def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path, no_hang: None) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    fifo = tmp_path / "ledger.csv"
    os.mkfifo(fifo)
    with pytest.raises(TableReadError, match=r"ledger\.csv（名前付きパイプ（FIFO）です）"):
        read_table(fifo)


def test_a_folder_and_a_socket_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TableReadError, match="（フォルダです）"):
        read_table(tmp_path)
    if sys.platform == "win32" or not hasattr(socket, "AF_UNIX"):
        return
    path = tmp_path / "s.csv"
    with socket.socket(socket.AF_UNIX) as server:
        try:
            server.bind(str(path))
        except OSError:  # the temporary folder's path is too long for a socket
            pytest.skip("cannot make a socket here")
        with pytest.raises(TableReadError, match="（ソケットです）"):
            read_table(path)


def test_missing_and_overlong_names(tmp_path: Path) -> None:
    with pytest.raises(
        TableReadError, match=r"ファイルを開けません: .*nothing\.csv（見つかりません）"
    ):
        read_table(tmp_path / "nothing.csv")
    if sys.platform != "win32":  # Windows says "not found" for some long names
        with pytest.raises(TableReadError, match="（ファイル名が長すぎます）"):
            read_table(tmp_path / ("台帳" * 100 + ".csv"))


def test_an_io_error_while_reading_is_named() -> None:
    # Reading /proc/self/mem at offset 0 fails with EIO (the page is not mapped).
    if not Path("/proc/self/mem").exists():
        pytest.skip("needs Linux /proc")
    with pytest.raises(
        InputFileError, match=r"ファイルを読み込めません: /proc/self/mem（入出力エラー"
    ):
        read_input_file("/proc/self/mem", max_bytes=1 << 20)


def test_size_is_measured_by_reading_not_by_stat() -> None:
    # /proc files are regular files that stat() says are empty.
    status = Path("/proc/self/status")
    if not status.exists():
        pytest.skip("needs Linux /proc")
    assert status.stat().st_size == 0
    assert b"VmRSS" in read_input_file(status, max_bytes=1 << 20)
    with pytest.raises(InputFileError, match=r"ファイルが大きすぎます（上限 100 バイト）"):
        read_input_file(status, max_bytes=100)


# --- XLSX: rows and columns as they are in the file ---------------------------------------


def test_rows_far_apart_are_read_without_walking_the_gap(tmp_path: Path, no_hang: None) -> None:
    last = f'<row r="1048576">{cell("A1048576", "A-LAST")}{cell("B1048576", "最終行")}</row>'
    table = read_table(write_xlsx(tmp_path / "sparse.xlsx", ledger_rows(2) + last))
    assert table.source_rows == [2, 3, 1_048_576]
    assert table.rows[-1] == ["A-LAST", "最終行"]


def test_blank_cells_far_right_are_ignored_and_values_there_refused(tmp_path: Path) -> None:
    styled = '<row r="3"><c r="A3" t="inlineStr"><is><t>A-3</t></is></c><c r="XFD3" s="1"/></row>'
    table = read_table(write_xlsx(tmp_path / "styled.xlsx", ledger_rows(1) + styled))
    assert table.headers == ["資産管理番号", "名称"] and len(table.rows[1]) == 2
    narrow = ReadLimits(max_columns=3)
    far = ledger_rows(1) + f'<row r="3">{cell("A3", "A-3")}{cell("D3", "x")}</row>'
    with pytest.raises(TableReadError, match=r"セルD3（4列目）に値があります（上限 3 列）"):
        read_table(write_xlsx(tmp_path / "far.xlsx", far), limits=narrow)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            f'<row r="5">{cell("A5", "x")}</row><row r="3">{cell("A3", "y")}</row>',
            r"行番号 3 が前の行（5行目）の後にあります",
        ),
        (f'<row r="abc">{cell("A1", "x")}</row>', "行番号「abc」が正しくありません"),
        (f'<row r="1">{cell("A1B", "x")}</row>', "1行目のセル番地「A1B」が正しくありません"),
        (f'<row r="1">{cell("XFE1", "x")}</row>', r"セル番地「XFE1」がExcelの上限（XFD列"),
        ('<row r="1"><c r="A1" t="b"><v>maybe</v></c></row>', "セルA1の値が正しくありません"),
        ('<row r="2">' + "<c/>" * 20_000 + "</row>", "2行目のセルが多すぎます"),
    ],
)
def test_damaged_sheets_are_refused_naming_the_place(
    tmp_path: Path, rows: str, message: str
) -> None:
    with pytest.raises(TableReadError, match=message):
        read_table(write_xlsx(tmp_path / "bad.xlsx", rows))


def test_a_row_larger_than_the_limits_allow_is_refused(tmp_path: Path) -> None:
    limits = ReadLimits(max_columns=10, max_cell_chars=100)  # a row of 1 MB at most
    big = "x" * 700_000
    rows = ledger_rows(1) + f'<row r="3">{cell("A3", big)}{cell("B3", big)}</row>'
    with pytest.raises(TableReadError, match=r"3行目のデータが大きすぎます（上限 1 MB）"):
        read_table(write_xlsx(tmp_path / "wide.xlsx", rows), limits=limits)


def test_parts_that_unpack_too_large_are_refused(tmp_path: Path) -> None:
    strings = "".join(f"<si><t>文字列{i:06d}</t></si>" for i in range(40_000))
    big = write_xlsx(
        tmp_path / "strings.xlsx",
        ledger_rows(1),
        **{"xl/sharedStrings.xml": f'<sst xmlns="{MAIN_NS}">{strings}</sst>'},
    )
    limits = ReadLimits(max_unpacked_bytes=4 * 2**20)  # strings: 1 MB at most
    with pytest.raises(
        TableReadError, match=r"展開すると大きすぎる部分があります（xl/sharedStrings\.xml: "
    ):
        read_table(big, limits=limits)
    with zipfile.ZipFile(big) as archive:
        unpacked = archive.getinfo("xl/sharedStrings.xml").file_size
    assert unpacked > 2**20 and big.stat().st_size < unpacked // 5


# --- CSV: width and line length -------------------------------------------------------------


def test_csv_blank_cells_beyond_max_columns_are_dropped_values_refused() -> None:
    limits = ReadLimits(max_columns=5)
    blank_tail = "資産管理番号,名称\nA-1,PC" + "," * 50 + "\nA-2,PC2\n"
    table = read_table_bytes(blank_tail.encode(), limits=limits)
    assert table.headers == ["資産管理番号", "名称"]
    assert table.rows == [["A-1", "PC"], ["A-2", "PC2"]]
    value_far = "資産管理番号,名称\nA-1,PC\nA-2" + "," * 7 + "メモ\n"
    with pytest.raises(
        TableReadError, match=r"列が多すぎます: 3行目の8列目に値があります（上限 5 列）"
    ):
        read_table_bytes(value_far.encode(), limits=limits)


def test_csv_overlong_line_is_refused() -> None:
    limits = ReadLimits(max_columns=2)  # lines of 2,000 characters at most
    data = ("資産管理番号,名称\nA-1," + "x" * 2_500 + "\n").encode()
    with pytest.raises(TableReadError, match=r"2行目が長すぎます（2,505文字、上限 2,000文字）"):
        read_table_bytes(data, limits=limits)


# --- memory, measured in a child process ---------------------------------------------------

_MEASURE = r"""
import json, resource, sys
import app.interchange.table_header, app.interchange.text_decoding, app.interchange.xlsx_reader
from app.interchange.table_reader import TableReadError, read_table

def vm_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmSize:"):
            return int(line.split()[1])

limit = (vm_kb() + 768 * 1024) * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for path in sys.argv[1:]:
    try:
        table = read_table(path)
        outcome = ["read", len(table.rows), len(table.headers)]
    except TableReadError as exc:
        outcome = ["refused", str(exc)]
    peak_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
    print(json.dumps([path, outcome, peak_mb]), flush=True)
"""


def _xfd_rows(count: int, far_cell: str) -> str:
    rows = [f'<row r="1">{cell("A1", "0", "s")}{cell("B1", "1", "s")}</row>']
    for n in range(2, count + 2):
        far = far_cell.format(n=n)
        rows.append(f'<row r="{n}">{cell(f"A{n}", f"A-{n}")}{cell(f"B{n}", "2", "s")}{far}</row>')
    return "".join(rows)


@pytest.fixture(scope="module")
def large_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The large hostile inputs of issue 7, made here (each is cheap to make)."""
    root = tmp_path_factory.mktemp("large")
    files = {
        # Excel-like: rows formatted out to the last column, values in A-B only.
        "xfd-formatted.xlsx": _xfd_rows(20_000, '<c r="XFD{n}" s="1"/>'),
        # A value in XFD on every row (the 224 KB workbook that took 2.75 GB).
        "xfd-values.xlsx": _xfd_rows(20_000, cell("XFD{n}", "メモ")),
    }
    out = {}
    for name, rows in files.items():
        out[name] = root / name
        out[name].write_bytes(pack(workbook({SHEET: sheet(rows)})))
    body = "".join(f"A-{i},PC{i}\n" for i in range(2, 2000))
    wide = {
        "wide-blank.csv": "資産管理番号,名称\nA-1,PC" + "," * 800_000 + "\n" + body,
        "wide-value.csv": "資産管理番号,名称\nA-1,PC" + "," * 800_000 + "x\n" + body,
        "long-line.csv": "資産管理番号,名称\nA-1,PC" + "," * 1_500_000 + "\n" + body,
    }
    for name, text in wide.items():
        out[name] = root / name
        out[name].write_text(text, encoding="utf-8")
    return out


def test_large_hostile_inputs_are_read_or_refused_in_little_memory(
    large_inputs: dict[str, Path],
) -> None:
    if not Path("/proc/self/status").exists():
        pytest.skip("measures memory through Linux /proc")
    assert large_inputs["xfd-values.xlsx"].stat().st_size < 400_000
    assert 800_000 < large_inputs["wide-value.csv"].stat().st_size < 900_000
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *map(str, large_inputs.values())],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    results = {
        Path(p).name: (outcome, peak)
        for p, outcome, peak in map(json.loads, done.stdout.splitlines())
    }
    assert results["xfd-formatted.xlsx"][0] == ["read", 20_000, 2]
    assert results["wide-blank.csv"][0] == ["read", 1_999, 2]
    refused = {
        "xfd-values.xlsx": "シート「台帳」: 列が多すぎます: セルXFD2（16,384列目）に値があります",
        "wide-value.csv": "列が多すぎます: 2行目の800,002列目に値があります（上限 1,000 列）",
        "long-line.csv": "2行目が長すぎます（1,500,007文字、上限 1,000,000文字）",
    }
    for name, message in refused.items():
        outcome = results[name][0]
        assert outcome[0] == "refused" and message in outcome[1], (name, outcome)
    for name, (_outcome, peak_mb) in results.items():
        assert peak_mb < 80, f"{name}: peak {peak_mb:.0f} MB above the start"
