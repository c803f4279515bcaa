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

from pathlib import Path

from app.input_file import InputFileError, read_input_file, size_text
from app.interchange.csv_reader import detect_delimiter, parse_csv
from app.interchange.table_data import (
    CellProblem,
    ReadLimits,
    TableData,
    TableReadError,
    too_many_columns,
    too_many_rows,
)
from app.progress import Progress

# The reader's types live in app.interchange.table_data; they are named here too, where
# the callers of read_table look for them.
__all__ = [
    "CellProblem",
    "ReadLimits",
    "TableData",
    "TableReadError",
    "detect_delimiter",
    "read_table",
    "read_table_bytes",
    "too_many_columns",
    "too_many_rows",
]

XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_ENCRYPTED_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
PASSWORD_MESSAGE = (
    "パスワード付きのファイルは読めません。Excelでパスワードを外して保存してから取り込んでください"
)


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
    raw = parse_csv(text, delimiter, limits, progress)
    return table_header.build_table(
        raw,
        limits=limits,
        encoding=encoding,
        delimiter=delimiter,
        column_name=lambda i: f"{i + 1}列目",
    )
