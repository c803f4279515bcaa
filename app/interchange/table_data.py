"""What reading a ledger file gives (rows of text) and how it fails: shared by the CSV
and XLSX readers (app.interchange.table_reader and the modules it dispatches to)."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.errors import UserError

__all__ = [
    "CellProblem",
    "ReadLimits",
    "TableData",
    "TableReadError",
    "too_many_columns",
    "too_many_rows",
]


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


def too_many_columns(limits: ReadLimits, where: str) -> TableReadError:
    return TableReadError(
        f"列が多すぎます: {where}に値があります（上限 {limits.max_columns:,} 列）。"
        "不要な列を削除してから取り込んでください"
    )


def too_many_rows(limits: ReadLimits) -> TableReadError:
    return TableReadError(
        f"行数が多すぎます（上限 {limits.max_rows:,} 行）。ファイルを分けて取り込んでください"
    )
