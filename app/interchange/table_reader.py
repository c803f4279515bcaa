"""Read a ledger file people already have (CSV or XLSX) into rows of plain text.

Everything is read as text: ``00123`` stays ``00123``, numbers never become floats.

CSV: the encoding is found as described in :mod:`app.interchange.text_decoding`
(BOM, strict UTF-8, strict CP932; anything else or a mixture is refused naming the line).
The delimiter is comma or TAB, whichever the header line has more of.

XLSX: see :mod:`app.interchange.xlsx_reader`; the header rules (title rows, group headers,
merged header cells) are in :mod:`app.interchange.table_header`.

Errors the user can fix raise :class:`TableReadError` with a Japanese message; cells that
are too long are kept (cut short) and listed in ``TableData.cell_problems`` so the import
can name the row and column.

Hostile files are refused, never read without bounds (:class:`ReadLimits`): the file is
opened through :mod:`app.input_file` (regular files only, size measured by reading);
rows, columns and line lengths are checked while parsing, so memory stays proportional
to the data actually present, not to the widest row or the highest row number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import UserError
from app.input_file import InputFileError, read_input_file, size_text
from app.progress import Progress

__all__ = [
    "CellProblem",
    "ReadLimits",
    "TableData",
    "TableReadError",
    "read_table",
    "read_table_bytes",
]

XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_ENCRYPTED_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
# C0 control characters that never appear in a text ledger (TAB, LF, CR, FF and the
# old DOS end-of-file mark ^Z excepted).
ENCODING_HELP = "UTF-8 / Shift_JIS(CP932) / UTF-16 に対応"
PASSWORD_MESSAGE = (
    "パスワード付きのファイルは読めません。Excelでパスワードを外して保存してから取り込んでください"
)


class TableReadError(UserError, ValueError):
    """The file cannot be read as a ledger; the message says why (in Japanese).

    ``sheets`` lists the workbook's sheets when the chosen one could not be used, so
    that the user can pick another.
    """

    def __init__(self, message: str, *, sheets: list[str] | None = None) -> None:
        super().__init__(message)
        self.sheets = list(sheets or [])


@dataclass(frozen=True)
class ReadLimits:
    """What a ledger file may hold; beyond it the file is refused (or a cell cut short).

    ``max_bytes``: the file itself. ``max_rows``: rows with data. ``max_columns``:
    the column of the rightmost value (ledgers have 20-200 columns; blank cells further
    right are ignored). ``max_cell_chars``: longer cells are cut and listed in
    ``TableData.cell_problems``. ``max_unpacked_bytes``: an XLSX part once unpacked (a
    small zip can unpack to gigabytes).
    """

    max_bytes: int = 100 * 2**20
    max_rows: int = 200_000
    max_columns: int = 1_000
    max_cell_chars: int = 10_000
    max_unpacked_bytes: int = 2**30


@dataclass(frozen=True)
class CellProblem:
    """A cell the reader kept but the import must not accept (e.g. too long)."""

    row_number: int
    column_header: str
    message: str


@dataclass
class TableData:
    """The rows of a ledger file, every cell as text.

    ``source_rows[i]`` is the 1-based line (CSV) or row (XLSX) number of ``rows[i]`` in
    the file, as the user sees it in a text editor or in Excel. Every row has exactly
    ``len(headers)`` cells.
    """

    headers: list[str]
    rows: list[list[str]]
    source_rows: list[int]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    cell_problems: list[CellProblem] = field(default_factory=list)
    header_row: int = 1

    def samples(self, column: int, limit: int = 3) -> list[str]:
        """The first ``limit`` non-empty values of a column (for the mapping page)."""
        out: list[str] = []
        for row in self.rows:
            value = row[column].strip()
            if value:
                out.append(value)
                if len(out) >= limit:
                    break
        return out

    def describe(self) -> str:
        """How the file was read, in Japanese (for the wizard and the command)."""
        if self.sheet is not None:
            return f"Excelブック、シート「{self.sheet}」、{len(self.rows):,}行"
        delimiter = "タブ区切り" if self.delimiter == "\t" else "カンマ区切り"
        return f"{self.encoding}、{delimiter}、{len(self.rows):,}行"


def read_table(
    path: str | Path,
    *,
    sheet: str | None = None,
    limits: ReadLimits | None = None,
    progress: Progress | None = None,
) -> TableData:
    """Read a CSV or XLSX ledger. Raises TableReadError for a file that cannot be used."""
    limits = limits or ReadLimits()
    path = Path(path)
    try:
        data = read_input_file(path, max_bytes=limits.max_bytes)
    except InputFileError as exc:
        raise TableReadError(str(exc)) from exc
    return read_table_bytes(data, name=path.name, sheet=sheet, limits=limits, progress=progress)


def read_table_bytes(
    data: bytes,
    *,
    name: str = "",
    sheet: str | None = None,
    limits: ReadLimits | None = None,
    progress: Progress | None = None,
) -> TableData:
    """Like :func:`read_table` for bytes already in memory; ``name`` gives the extension."""
    from app.interchange import table_header, xlsx_reader

    limits = limits or ReadLimits()
    if len(data) > limits.max_bytes:
        raise TableReadError(f"ファイルが大きすぎます（上限 {size_text(limits.max_bytes)}）")
    if not data:
        raise TableReadError("ファイルが空です")
    if data.startswith(_OLE_MAGIC):
        if any(marker in data for marker in _ENCRYPTED_MARKERS):
            raise TableReadError(PASSWORD_MESSAGE)
        raise TableReadError(
            "Excel 97-2003形式（.xls）のファイルは読めません。"
            "Excelで「Excelブック（.xlsx）」として保存し直してから取り込んでください"
        )
    if data.startswith(_ZIP_MAGICS):
        return xlsx_reader.read_xlsx(data, sheet=sheet, limits=limits, progress=progress)
    if name.lower().endswith(XLSX_SUFFIXES):
        raise TableReadError(
            "XLSXファイルとして読めません（ZIP形式ではありません）。"
            "ファイルが壊れているか、拡張子が正しくない可能性があります"
        )
    from app.interchange.text_decoding import decode_text

    text, encoding = decode_text(data)
    if not text.strip():
        raise TableReadError("ファイルが空です（文字がありません）")
    delimiter = detect_delimiter(text)
    raw = _parse_csv(text, delimiter, limits, progress)
    return table_header.build_table(
        raw,
        limits=limits,
        encoding=encoding,
        delimiter=delimiter,
        column_name=lambda i: f"{i + 1}列目",
    )


# --- CSV -------------------------------------------------------------------------------


def detect_delimiter(text: str) -> str:
    """TAB when the first non-empty line has more tabs than commas, else comma."""
    start = 0
    while start < len(text):  # line by line: no list of every line of a big file
        end = text.find("\n", start)
        line = text[start : len(text) if end < 0 else end]
        if line.strip():
            return "\t" if line.count("\t") > line.count(",") else ","
        start = len(text) if end < 0 else end + 1
    return ","


def _parse_csv(
    text: str, delimiter: str, limits: ReadLimits, progress: Progress | None
) -> list[tuple[int, list[str]]]:
    """Records as (first line number, cells); blank records dropped, blank cells beyond
    ``limits.max_columns`` dropped (a record with a value further right is refused)."""
    reader = csv.reader(_bounded_lines(text, limits), delimiter=delimiter)
    out: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            if len(cells) > limits.max_columns:
                _drop_blank_tail(cells, start, limits)
            if any(cell.strip() for cell in cells):
                out.append((start, cells))
                if len(out) > limits.max_rows + 1:
                    raise too_many_rows(limits)
                if progress is not None and len(out) % 5000 == 0:
                    progress.check()
            start = reader.line_num + 1
        if out and any("\n" in c or "\r" in c for c in out[-1][1]):
            _check_closed_quotes(text, out[-1][0])
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise TableReadError(
                f"{start}行目から: セルの文字数が多すぎます"
                f"（{csv.field_size_limit():,}文字を超えています）。"
                '引用符（"）が閉じられていない可能性があります'
            ) from exc
        raise TableReadError(
            f"{start}行目からのCSVの形式が正しくありません（{exc}）。"
            '引用符（"）の対応やセルの長さを確認してください'
        ) from exc
    return out


def _max_line_chars(limits: ReadLimits) -> int:
    """The longest line a CSV may have: room for every column with long values.

    It bounds what one record can cost before its cells are counted (a line of a
    million commas would be a million cells)."""
    return limits.max_columns * 1_000


def _bounded_lines(text: str, limits: ReadLimits) -> Iterator[str]:
    """The lines of ``text`` (line ends kept, as the csv module wants them); a line
    longer than :func:`_max_line_chars` is refused."""
    longest = _max_line_chars(limits)
    for line_no, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > longest:
            raise TableReadError(
                f"{line_no}行目が長すぎます（{len(line):,}文字、上限 {longest:,}文字）。"
                '区切り文字や引用符（"）を確認してください'
            )
        yield line


def _drop_blank_tail(cells: list[str], line_no: int, limits: ReadLimits) -> None:
    """Remove the blank cells at the end of a record wider than ``limits.max_columns``;
    refuse it when a value remains beyond that column."""
    width = len(cells)
    while width and not cells[width - 1].strip():
        width -= 1
    if width > limits.max_columns:
        raise too_many_columns(limits, f"{line_no}行目の{width:,}列目")
    del cells[width:]


def too_many_columns(limits: ReadLimits, where: str) -> TableReadError:
    return TableReadError(
        f"列が多すぎます: {where}に値があります（上限 {limits.max_columns:,} 列）。"
        "不要な列を削除してから取り込んでください"
    )


def _check_closed_quotes(text: str, line_no: int) -> None:
    """The last record spans lines: refuse it when its quote is never closed (the
    rest of the file would silently become one cell)."""
    lines = text.splitlines(keepends=True)[line_no - 1 :]
    if sum(line.count('"') for line in lines) % 2:
        raise TableReadError(
            f'{line_no}行目で始まる引用符（"）が閉じられていません。'
            "ファイルの最後までが1つのセルになってしまうため、取り込めません"
        )


def too_many_rows(limits: ReadLimits) -> TableReadError:
    return TableReadError(
        f"行数が多すぎます（上限 {limits.max_rows:,} 行）。ファイルを分けて取り込んでください"
    )
