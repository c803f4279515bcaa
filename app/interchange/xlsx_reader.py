"""Read one worksheet of an XLSX workbook as text rows: streamed, within ReadLimits.

Values become text the way Excel shows them: date cells → ``2026-03-31`` (with the time
only when it is not midnight), integral numbers without ``.0``, booleans ``TRUE`` /
``FALSE``. Error cells (``#DIV/0!``, ``#N/A`` …) are never imported as values: each is
listed in ``TableData.cell_problems`` (the import names its row and column) and left
empty in the rows. Formulas are never evaluated: the value Excel cached when it saved the
file is read. Excel date *serial numbers* in cells formatted as numbers stay numbers here;
the import turns them into dates for date fields.

openpyxl reads the workbook's structure (content types, the list of sheets, the styles
that make a number a date); the chosen sheet and the shared-string table are streamed
here with lxml, row by row *as they are in the file*. openpyxl's read-only worksheet is
not used: it fills gaps with empty rows (a sheet claiming row 99,999,999,999 took hours)
and pads every row to the widest one (a value in column XFD took gigabytes). Merged
ranges (for the header rules of :mod:`app.interchange.table_header`) are taken from the
same pass.

Limits, checked while streaming: row numbers within Excel's 1–1,048,576 and increasing;
no value right of ``ReadLimits.max_columns`` (blank cells further right are ignored); at
most 16,384 cells in a row; every part at most ``max_unpacked_bytes`` once unpacked
(parts read whole at most 64 MiB). XML with a document type declaration (entity
expansion, external entities) is refused; lxml is asked never to resolve entities, load
a DTD or use the network.

Every failure of the zip or XML layer (corrupt deflate data, an unsupported compression
method, encrypted members, malformed XML, openpyxl refusing a part …) becomes one
TableReadError "Excelブック（.xlsx）として読めません…" through :func:`_unreadable`.
"""

from __future__ import annotations

import io
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO, Any, Literal

from lxml import etree
from openpyxl.packaging.manifest import Manifest
from openpyxl.reader.excel import _find_workbook_part
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_STYLE, SHARED_STRINGS
from openpyxl.xml.functions import fromstring

from app.input_file import size_text
from app.interchange.table_data import (
    ReadLimits,
    TableData,
    TableReadError,
    too_many_columns,
    too_many_rows,
)
from app.interchange.table_header import MAX_TITLE_ROWS, Merge, RawRow, build_table
from app.progress import Progress

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
WHOLE_PART_LIMIT = 64 * 2**20  # content types, workbook, relationships, styles
# Elements inside one row (cells, values, rich-text runs): far more than any real row.
MAX_ELEMENTS_IN_ROW = EXCEL_MAX_COLUMNS * 4
UNREADABLE = "Excelブック（.xlsx）として読めません"

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE, _INLINE = _NS + "row", _NS + "c", _NS + "v", _NS + "is"
_TEXT, _RUN, _MERGE, _SHARED = _NS + "t", _NS + "r", _NS + "mergeCell", _NS + "si"
# Elements that only occur inside a cell, and those whose children must not be freed
# before their row is read (a cell's value, a string's text and runs).
_IN_CELL = frozenset({_VALUE, _NS + "f", _INLINE, _TEXT, _RUN, _NS + "rPr", _NS + "rPh"})
_HOLDS_VALUES = frozenset({_ROW, _CELL, _INLINE, _RUN, _NS + "rPh", _NS + "rPr"})
_DOCTYPE_MARKERS = tuple("<!DOCTYPE".encode(c) for c in ("utf-8", "utf-16-le", "utf-16-be"))
# What the zip, XML and openpyxl layers raise for a file they cannot read.
# (SyntaxError covers xml.etree's ParseError and lxml's XMLSyntaxError.)
_FILE_ERRORS: tuple[type[BaseException], ...] = (zipfile.BadZipFile, zlib.error, EOFError)
_FILE_ERRORS += (OSError, NotImplementedError, RuntimeError, InvalidFileException)
_FILE_ERRORS += (LookupError, ValueError, TypeError, AttributeError, ArithmeticError)
_FILE_ERRORS += (SyntaxError, etree.LxmlError, MemoryError)


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
    """Read ``sheet`` (default: the first visible worksheet) of the workbook in ``data``."""
    limits = limits or ReadLimits()
    with warnings.catch_warnings():
        # openpyxl warns about features it drops (data validation, slicers...);
        # they do not matter for reading values.
        warnings.simplefilter("ignore")
        with _unreadable(None):
            package = _Package(io.BytesIO(data))
        try:
            with _unreadable(package):
                book = _Workbook.open(package)
            try:
                chosen = book.choose(sheet)
                with _unreadable(package):
                    strings = book.read_shared_strings(limits)
                    reader = _SheetReader(book, chosen, strings, limits, progress)
                    raw, merges = reader.read()
            except TableReadError as exc:
                raise TableReadError(str(exc), sheets=book.titles) from exc
        finally:
            package.close()
    try:
        return build_table(
            raw,
            limits=limits,
            column_name=_column_letter,
            sheet=chosen.title,
            sheets=book.titles,
            merges=merges,
            flagged=reader.errors,
        )
    except TableReadError as exc:
        raise TableReadError(f"シート「{chosen.title}」: {exc}", sheets=book.titles) from exc


@contextmanager
def _unreadable(package: _Package | None) -> Iterator[None]:
    """The one guard: a failure of the zip/XML/openpyxl layer becomes a TableReadError
    naming the part being read and the kind of damage."""
    try:
        yield
    except TableReadError:
        raise
    except _FILE_ERRORS as exc:
        part = package.part if package is not None else "ZIPの目次"
        raise TableReadError(
            f"{UNREADABLE}。ファイルが壊れている可能性があります（{part}: {_reason(exc)}）"
        ) from exc


def _reason(exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return "展開するにはメモリが足りません"
    if isinstance(exc, zlib.error | zipfile.BadZipFile | EOFError):
        kind = "圧縮されたデータが壊れています"
    elif isinstance(exc, NotImplementedError):
        kind = "対応していない圧縮方式です"
    elif isinstance(exc, RuntimeError) and "encrypted" in str(exc):
        kind = "ZIPの暗号化がかかっています"
    elif isinstance(exc, SyntaxError | etree.LxmlError):
        kind = "XMLの形式が正しくありません"
    else:
        kind = "内容が正しくありません"
    detail = (str(exc).splitlines() or [""])[0][:200]
    return f"{kind}: {type(exc).__name__}" + (f": {detail}" if detail else "")


def _column_letter(index: int) -> str:
    return f"{get_column_letter(index + 1)}列"


class _Package(zipfile.ZipFile):
    """The workbook's zip; ``part`` is the member read last (for messages).

    A part read whole (as openpyxl reads the content types, the workbook, its
    relationships and the styles) may unpack to WHOLE_PART_LIMIT at most and must not
    declare a document type (zipfile never unpacks more than a member's declared size).
    """

    part = "ZIPの目次"

    def open(  # type: ignore[override]
        self,
        name: str | zipfile.ZipInfo,
        mode: Literal["r"] = "r",
        pwd: bytes | None = None,
    ) -> IO[bytes]:
        self.part = name.filename if isinstance(name, zipfile.ZipInfo) else name
        return super().open(name, mode, pwd)

    def read(self, name: str | zipfile.ZipInfo, pwd: bytes | None = None) -> bytes:
        _check_part_size(self, name, WHOLE_PART_LIMIT)
        data = super().read(name, pwd)
        if any(marker in data for marker in _DOCTYPE_MARKERS):
            raise _doctype_refused(self.part)
        return data


def _check_part_size(archive: zipfile.ZipFile, name: str | zipfile.ZipInfo, limit: int) -> None:
    info = name if isinstance(name, zipfile.ZipInfo) else archive.getinfo(name)
    if info.file_size > limit:
        raise TableReadError(
            f"{UNREADABLE}: 展開すると大きすぎる部分があります（{info.filename}: "
            f"{size_text(info.file_size)}、上限 {size_text(limit)}）"
        )


@dataclass(frozen=True)
class _Sheet:
    title: str
    state: str
    path: str


@dataclass
class _Workbook:
    """What openpyxl reads of the workbook: its sheets, styles and string table."""

    package: _Package
    sheets: list[_Sheet]
    shared_strings: str | None
    date_styles: frozenset[int]
    timedelta_styles: frozenset[int]
    epoch: datetime

    @classmethod
    def open(cls, package: _Package) -> _Workbook:
        manifest = Manifest.from_tree(fromstring(package.read(ARC_CONTENT_TYPES)))
        parser = WorkbookParser(
            package, _find_workbook_part(manifest).PartName[1:], keep_links=False
        )
        parser.parse()
        names = set(package.namelist())
        # As openpyxl's own reader: sheets whose part is missing are left out, chart
        # sheets hold no cells.
        sheets = [
            _Sheet(sheet.name, sheet.state, rel.target)
            for sheet, rel in parser.find_sheets()
            if rel.target in names and "chartsheet" not in rel.Type
        ]
        date_styles: frozenset[int] = frozenset()
        timedelta_styles: frozenset[int] = frozenset()
        if ARC_STYLE in names:
            styles = Stylesheet.from_tree(fromstring(package.read(ARC_STYLE)))
            date_styles = frozenset(styles.date_formats)
            timedelta_styles = frozenset(styles.timedelta_formats)
        strings = manifest.find(SHARED_STRINGS)
        strings_path = strings.PartName[1:] if strings is not None else None
        return cls(
            package=package,
            sheets=sheets,
            shared_strings=strings_path if strings_path in names else None,
            date_styles=date_styles,
            timedelta_styles=timedelta_styles,
            epoch=parser.wb.epoch,
        )

    @property
    def titles(self) -> list[str]:
        return [s.title for s in self.sheets]

    def choose(self, name: str | None) -> _Sheet:
        if not self.sheets:
            raise TableReadError("Excelブックにワークシートがありません")
        if name is None:
            visible = [s for s in self.sheets if s.state == "visible"]
            return (visible or self.sheets)[0]
        for sheet in self.sheets:
            if sheet.title == name:
                return sheet
        raise TableReadError(
            f"シート「{name}」がありません（あるシート: {'、'.join(self.titles)}）"
        )

    def read_shared_strings(self, limits: ReadLimits) -> list[str]:
        """The shared-string table (plain text of each entry, as openpyxl reads it)."""
        if self.shared_strings is None:
            return []
        # Held in memory: about three times the XML's size at worst.
        _check_part_size(self.package, self.shared_strings, limits.max_unpacked_bytes // 4)
        strings: list[str] = []
        with self.package.open(self.shared_strings) as src:
            for _event, element in _xml_events(src, self.shared_strings, ("end",), _SHARED):
                strings.append(_text_of(element).replace("x005F_", ""))
                _forget(element)
        return strings


def _xml_events(
    src: IO[bytes] | _CountingReader, part: str, events: tuple[str, ...], tag: str | None = None
) -> Iterator[tuple[str, Any]]:
    """lxml's iterparse without entities, DTDs or network; a DOCTYPE is refused."""
    checked = False
    for event, element in etree.iterparse(
        src,
        events=events,
        tag=tag,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,  # libxml2's own limits: text nodes ≤ 10 MB, depth ≤ 256
        remove_comments=True,
        remove_pis=True,
    ):
        if not checked:
            if element.getroottree().docinfo.doctype:
                raise _doctype_refused(part)
            checked = True
        yield event, element


def _doctype_refused(part: str) -> TableReadError:
    return TableReadError(
        f"{UNREADABLE}（{part}: 文書型宣言（DOCTYPE）があります。"
        "Excelが保存したファイルにはないもので、安全のため読みません）"
    )


def _whole_number(text: str) -> int:
    """``text`` as a whole number ("12.0" → 12); 0 when it is not one."""
    try:
        value = float(text)
    except ValueError:
        return 0
    return int(value) if value.is_integer() else 0


def _forget(element: Any) -> None:
    """Free a processed element and the processed siblings before it."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _text_of(node: Any) -> str:
    """The text of a string item (``<si>`` / ``<is>``): its ``<t>`` then its runs'
    ``<t>``; phonetic guides (``<rPh>``, furigana) left out — as openpyxl reads it."""
    plain = ""
    runs: list[str] = []
    for child in node:
        if child.tag == _TEXT:
            plain = child.text or ""
        elif child.tag == _RUN:
            runs.append(child.findtext(_TEXT) or "")
    return plain + "".join(runs) if runs else plain


def _row_bytes_limit(limits: ReadLimits) -> int:
    """The most XML one row may take (10 MB with the default limits: 1,000 columns of
    10,000 bytes). Never under 1 MB: the parser reads the file in chunks."""
    return max(limits.max_columns * limits.max_cell_chars, 2**20)


class _CountingReader:
    """A file that counts the bytes it has handed to the parser."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.count += len(data)
        return data


class _SheetReader:
    """One pass over a worksheet's XML: the rows that are present, their values as text,
    and the merged ranges near the top (all the header rules need)."""

    def __init__(
        self,
        book: _Workbook,
        sheet: _Sheet,
        strings: list[str],
        limits: ReadLimits,
        progress: Progress | None,
    ) -> None:
        self.book = book
        self.sheet = sheet
        self.strings = strings
        self.limits = limits
        self.progress = progress
        self.columns: dict[str, int] = {}
        self.raw: list[RawRow] = []
        self.merges: list[Merge] = []
        # Error cells (#DIV/0!, #N/A …): (row, column index) → what the import says.
        self.errors: dict[tuple[int, int], str] = {}
        self.header_area_end: int | None = None

    def read(self) -> tuple[list[RawRow], list[Merge]]:
        """One pass over the end of each element; rows are freed once read and so is
        everything outside rows, so memory holds one row at a time."""
        package = self.book.package
        _check_part_size(package, self.sheet.path, self.limits.max_unpacked_bytes)
        cells = inner = rows = previous = kept_from = 0
        budget = _row_bytes_limit(self.limits)
        with package.open(self.sheet.path) as raw_src:
            src = _CountingReader(raw_src)
            for _event, element in _xml_events(src, self.sheet.path, ("end",)):
                if src.count - kept_from > budget:
                    raise self._refuse(
                        f"{self._where(element, previous)}のデータが大きすぎます"
                        f"（上限 {size_text(budget)}）"
                    )
                tag = element.tag
                if tag in _IN_CELL:
                    inner += 1
                    if inner > MAX_ELEMENTS_IN_ROW:
                        raise self._refuse(f"{self._where(element, previous)}の要素が多すぎます")
                elif tag == _CELL:
                    cells += 1
                    if cells > EXCEL_MAX_COLUMNS:
                        raise self._refuse(f"{self._where(element, previous)}のセルが多すぎます")
                elif tag == _ROW:
                    previous = self._row(element, previous)
                    _forget(element)
                    cells = inner = 0
                    kept_from = src.count
                    rows += 1
                    if self.progress is not None and rows % 2000 == 0:
                        self.progress.check()
                        self.progress.report(rows, 0, "ファイルを読み込んでいます")
                elif tag == _MERGE:
                    self._merge(element.get("ref"))
                    _forget(element)
                    kept_from = src.count
                else:
                    parent = element.getparent()
                    if parent is None or parent.tag in _HOLDS_VALUES:
                        inner += 1  # inside a row or a cell: freed with the row
                    else:
                        _forget(element)  # columns, hyperlinks, sheetData ...
                        kept_from = src.count
        return self.raw, self.merges

    def _where(self, element: Any, previous: int) -> str:
        """The row holding ``element``, for a message."""
        while element is not None and element.tag != _ROW:
            element = element.getparent()
        r = element.get("r") if element is not None else None
        return f"{r[:20]}行目" if r else f"{previous + 1:,}行目あたり"

    def _refuse(self, problem: str) -> TableReadError:
        return TableReadError(f"シート「{self.sheet.title}」を読めません: {problem}")

    def _row(self, element: Any, previous: int) -> int:
        """Keep the row's values (if any); returns its row number."""
        number = self._row_number(element.get("r"), previous)
        values: list[str] = []
        column = 0
        for cell in element:
            if cell.tag != _CELL:
                continue
            ref = cell.get("r")
            column = self._column(ref, number) if ref else column + 1
            try:
                text = self._value(cell)
            except (ValueError, LookupError, ArithmeticError) as exc:
                name = f"{get_column_letter(min(column, EXCEL_MAX_COLUMNS))}{number}"
                raise self._refuse(f"セル{name}の値が正しくありません（{exc}）") from exc
            if not text:
                continue
            if column > self.limits.max_columns:
                if not text.strip():
                    continue
                name = f"{get_column_letter(column)}{number}"
                raise TableReadError(
                    f"シート「{self.sheet.title}」: "
                    + str(too_many_columns(self.limits, f"セル{name}（{column:,}列目）"))
                )
            if column > len(values):
                values.extend([""] * (column - len(values)))
            values[column - 1] = text
            if text[0] == "#" and cell.get("t") == "e":
                self.errors[number, column - 1] = (
                    f"Excelのエラー値「{text[:40]}」です（数式の結果がエラーです）。"
                    "Excelで直してから取り込んでください"
                )
        if any(v.strip() for v in values):
            self.raw.append((number, values))
            if len(self.raw) > self.limits.max_rows + 1:
                raise too_many_rows(self.limits)
        return number

    def _row_number(self, r: str | None, previous: int) -> int:
        if r is None:
            number = previous + 1
        else:
            try:
                number = int(r)
            except ValueError:
                number = _whole_number(r)  # openpyxl takes "12.0"
            if number < 1:
                raise self._refuse(f"行番号「{r[:20]}」が正しくありません")
        if number > EXCEL_MAX_ROWS:
            raise self._refuse(
                f"行番号 {number:,} がExcelの上限（{EXCEL_MAX_ROWS:,}行）を超えています。"
                "ファイルが壊れている可能性があります"
            )
        if number <= previous:
            raise self._refuse(
                f"行番号 {number:,} が前の行（{previous:,}行目）の後にあります。"
                "ファイルが壊れている可能性があります"
            )
        return number

    def _column(self, ref: str, row: int) -> int:
        """The column number (1-based) of cell reference ``ref`` ("B12")."""
        letters = ref.rstrip("0123456789")
        column = self.columns.get(letters)
        if column is not None:
            return column
        upper = letters.upper()
        if not (upper.isascii() and upper.isalpha() and len(upper) <= 3):
            raise self._refuse(f"{row:,}行目のセル番地「{ref[:20]}」が正しくありません")
        column = 0
        for letter in upper:
            column = column * 26 + ord(letter) - 64
        if column > EXCEL_MAX_COLUMNS:
            raise self._refuse(
                f"セル番地「{ref[:20]}」がExcelの上限（XFD列、{EXCEL_MAX_COLUMNS:,}列）を"
                "超えています。ファイルが壊れている可能性があります"
            )
        self.columns[letters] = column
        return column

    def _value(self, cell: Any) -> str:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(_INLINE)
            return _text_of(inline) if inline is not None else ""
        value = cell.findtext(_VALUE)
        if not value:
            return ""
        if kind == "n":
            number: int | float = (
                float(value) if "." in value or "E" in value or "e" in value else int(value)
            )
            style = cell.get("s")
            style_id = int(style) if style else 0  # no style: style 0, as openpyxl
            if style_id in self.book.date_styles:
                as_time = style_id in self.book.timedelta_styles
                try:
                    return cell_text(from_excel(number, self.book.epoch, timedelta=as_time))
                except (OverflowError, ValueError):
                    return "#VALUE!"  # a serial outside the dates Python has, as openpyxl
            return cell_text(number)
        if kind == "s":
            return self.strings[int(value)]
        if kind == "b":
            return "TRUE" if int(value) else "FALSE"
        if kind == "d":
            return cell_text(from_ISO8601(value))
        return value  # "e": #DIV/0!, #N/A … as Excel shows them; "str": a formula's text

    def _merge(self, ref: str | None) -> None:
        """Keep a merged range that starts where the header may be (the first
        MAX_TITLE_ROWS + 2 rows with data); the header rules use no other."""
        if self.header_area_end is None:
            head = self.raw[: MAX_TITLE_ROWS + 2]
            self.header_area_end = head[-1][0] if head else 0
        try:
            bounds = range_boundaries(ref or "")
        except (ValueError, TypeError):
            return  # a damaged merge only loses its header hint
        if None not in bounds and bounds[1] <= self.header_area_end:
            self.merges.append(bounds)
