"""CSV ledgers: the delimiter (comma or TAB), and records within ReadLimits.

Every record becomes (line number, cells); blank records are dropped; a line longer than
the limit, a value beyond ``ReadLimits.max_columns`` or a quote never closed is refused
with a TableReadError naming the line. Decoding the bytes is app.interchange.text_decoding.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from app.interchange.table_data import ReadLimits, TableReadError, too_many_columns, too_many_rows
from app.progress import Progress

__all__ = ["detect_delimiter", "parse_csv"]


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


def parse_csv(
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


def _check_closed_quotes(text: str, line_no: int) -> None:
    """The last record spans lines: refuse it when its quote is never closed (the
    rest of the file would silently become one cell)."""
    lines = text.splitlines(keepends=True)[line_no - 1 :]
    if sum(line.count('"') for line in lines) % 2:
        raise TableReadError(
            f'{line_no}行目で始まる引用符（"）が閉じられていません。'
            "ファイルの最後までが1つのセルになってしまうため、取り込めません"
        )
