"""Read one worksheet of an XLSX workbook as text rows (openpyxl, read-only mode).

Values become text the way Excel shows them: date cells → ``2026-03-31`` (with the time
only when it is not midnight), integral numbers without ``.0``, booleans ``TRUE`` /
``FALSE``. Formulas are never evaluated: the value Excel cached when it saved the file is
read (``data_only=True``). Excel date *serial numbers* in cells formatted as numbers stay
numbers here; the import turns them into dates for date fields.

Read-only mode streams the sheet but does not expose merged cells, so the merge ranges
are read separately from the sheet's ``<mergeCell ref="…">`` elements (one more pass over
the compressed XML, a few tens of milliseconds for 10,000 rows) and handed to the header
rules of :mod:`app.interchange.table_header`.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from datetime import date, datetime, time, timedelta
from typing import Any
from xml.etree.ElementTree import ParseError

from app.interchange.table_header import Merge, RawRow, build_table
from app.interchange.table_reader import (
    ReadLimits,
    TableData,
    TableReadError,
    too_many_rows,
)
from app.progress import Progress

_MERGE_RE = re.compile(
    rb'<(?:[A-Za-z0-9_]+:)?mergeCell\s[^>]*?ref="([A-Z]{1,3}[0-9]+:[A-Z]{1,3}[0-9]+)"'
)


def cell_text(value: Any) -> str:
    """One cell value as text."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return value
    if kind is int:
        return str(value)
    if kind is float:
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return format(value, ".15g")
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if kind is datetime:
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def read_xlsx(
    data: bytes,
    *,
    sheet: str | None = None,
    limits: ReadLimits | None = None,
    progress: Progress | None = None,
) -> TableData:
    """Read ``sheet`` (default: the first worksheet) of the workbook in ``data``."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    limits = limits or ReadLimits()
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (data validation, slicers...);
            # they do not matter for reading values.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        ValueError,
        TypeError,
        AttributeError,
        IndexError,
        ParseError,
        OSError,
    ) as exc:
        raise TableReadError(
            "Excelブック（.xlsx）として読めません。ファイルが壊れている可能性があります"
            f"（{type(exc).__name__}: {exc}）"
        ) from exc
    names: list[str] = []
    try:
        worksheets = list(workbook.worksheets)
        names = [ws.title for ws in worksheets]
        if not worksheets:
            raise TableReadError("Excelブックにワークシートがありません")
        if sheet is None:
            visible = [ws for ws in worksheets if ws.sheet_state == "visible"]
            ws = (visible or worksheets)[0]
        elif sheet in names:
            ws = worksheets[names.index(sheet)]
        else:
            raise TableReadError(f"シート「{sheet}」がありません（あるシート: {'、'.join(names)}）")
        raw = _rows(ws, limits, progress)
        merges = _merges(data, getattr(ws, "_worksheet_path", None))
    except TableReadError as exc:
        raise TableReadError(str(exc), sheets=names) from exc
    finally:
        workbook.close()
    try:
        return build_table(
            raw,
            limits=limits,
            column_name=_column_letter,
            sheet=ws.title,
            sheets=names,
            merges=merges,
        )
    except TableReadError as exc:
        raise TableReadError(f"シート「{ws.title}」: {exc}", sheets=names) from exc


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(index + 1)}列"


def _rows(ws: Any, limits: ReadLimits, progress: Progress | None) -> list[RawRow]:
    # Some writers store a wrong <dimension> ("A1"); read-only mode would then cut
    # every row to one cell. Forget it and read what is there.
    ws.reset_dimensions()
    out: list[RawRow] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for row_no, values in enumerate(ws.iter_rows(values_only=True), start=1):
                if progress is not None and row_no % 2000 == 0:
                    progress.check()
                    progress.report(row_no, 0, "ファイルを読み込んでいます")
                if not any(v is not None and v != "" for v in values):
                    continue
                cells = [cell_text(v) for v in values]
                if any(c.strip() for c in cells):
                    out.append((row_no, cells))
                    if len(out) > limits.max_rows + 1:
                        raise too_many_rows(limits)
    except (KeyError, ValueError, TypeError, ParseError, zipfile.BadZipFile, OSError) as exc:
        raise TableReadError(
            f"シート「{ws.title}」を読めません。ファイルが壊れている可能性があります"
            f"（{type(exc).__name__}: {exc}）"
        ) from exc
    return out


def _merges(data: bytes, member: str | None) -> list[Merge]:
    """Merged ranges of the sheet stored at ``member`` in the workbook zip."""
    if not member:
        return []
    from openpyxl.utils.cell import range_boundaries

    found: set[bytes] = set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(member) as fh:
            tail = b""
            while chunk := fh.read(1 << 20):
                buffer = tail + chunk
                found.update(m.group(1) for m in _MERGE_RE.finditer(buffer))
                tail = buffer[-200:]
    except (KeyError, zipfile.BadZipFile, OSError):
        return []
    merges: list[Merge] = []
    for ref in sorted(found):
        bounds = range_boundaries(ref.decode("ascii"))
        merges.append(bounds)
    return merges
