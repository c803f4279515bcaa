"""Find the header of a ledger sheet and turn raw rows into a :class:`TableData`.

The rules (the same for CSV and XLSX; XLSX adds exact merged-cell ranges):

1. Blank rows are ignored everywhere. The header is the first non-blank row, except that
   up to three *title rows* above it are skipped: a row with a single filled cell
   followed by a row with two or more (「資産台帳 令和8年4月1日現在」 in A1).
2. A **two-row header** (a group header above the real headers) is recognised when
   - XLSX: a merged cell of the first header row reaches down into the next row
     (「資産管理番号」 merged A1:A2 beside 「基本情報」 over B1:C1), or a cell merged
     across columns has two or more different labels under it in the next row;
   - without merge information (CSV, or a sheet without merges): at most half the cells
     of the first row are filled, one of its empty cells is right of a filled one (what
     a merged group cell looks like once exported), and the next row is filled in every
     column with values that are all different and none like data (numbers, dates, IP
     or MAC addresses).
   In both cases the labels under a merged cell must look like headers, not data.
   Each column is then named by its lower label, or by the upper one where the lower is
   empty. When a lower label occurs under two groups (開始日 under リース and 保守),
   the group is put in front: 「リース 開始日」, 「保守 開始日」.
3. Otherwise the first row is the header. A header cell merged across columns
   (XLSX) names its first column; a continuation column that holds data is called
   「名前 (2)」 so its values are not lost, an empty one is dropped.
4. A column without a header that holds data is called 「N列目」 (CSV) or 「C列」
   (XLSX); one without header and data is dropped. Repeated names get 「 (2)」, 「 (3)」.
   Line breaks in header cells become spaces.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from app.interchange.table_data import (
    CellProblem,
    ReadLimits,
    TableData,
    TableReadError,
    too_many_rows,
)

# (min_col, min_row, max_col, max_row), 1-based, as openpyxl's range_boundaries gives them.
Merge = tuple[int, int, int, int]
RawRow = tuple[int, list[str]]

MAX_TITLE_ROWS = 3
_DATA_LIKE = re.compile(
    r"[\d\s.,:/\-+()]+"
    r"|[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}"
    r"|(?:[MTSHR明大昭平令]|明治|大正|昭和|平成|令和)\s*\d.*",
    re.IGNORECASE,
)


def _filled(cells: Sequence[str]) -> int:
    return sum(1 for c in cells if c.strip())


def _width(cells: Sequence[str]) -> int:
    """Index after the last filled cell."""
    for i in range(len(cells) - 1, -1, -1):
        if cells[i].strip():
            return i + 1
    return 0


def _cell(cells: Sequence[str], i: int) -> str:
    return " ".join(cells[i].split()) if i < len(cells) else ""


def _skip_title_rows(raw: list[RawRow]) -> int:
    start = 0
    while (
        start < MAX_TITLE_ROWS
        and start + 1 < len(raw)
        and _filled(raw[start][1]) == 1
        and _filled(raw[start + 1][1]) >= 2
    ):
        start += 1
    return start


def _looks_like_headers(values: list[str]) -> bool:
    """All filled, all different, none like data (numbers, dates, addresses)."""
    return (
        all(values)
        and len({v.casefold() for v in values}) == len(values)
        and not any(_DATA_LIKE.fullmatch(v) for v in values)
    )


def _is_two_row_header(first: RawRow, second: RawRow | None, merges: list[Merge] | None) -> bool:
    if second is None:
        return False
    (first_no, top), (second_no, below) = first, second
    width = max(_width(top), _width(below))
    in_first = [m for m in merges or () if m[1] == first_no]
    if in_first:
        if second_no != first_no + 1:
            return False
        below_spans = {(m[0], m[2]) for m in merges or () if m[1] == second_no}
        for min_col, _row, max_col, max_row in in_first:
            if max_row >= second_no:
                return True  # a label merged down into the second header row
            labels = [_cell(below, c) for c in range(min_col - 1, max_col)]
            if (
                max_col > min_col
                and (min_col, max_col) not in below_spans
                and _looks_like_headers(labels)
                and _looks_like_headers([v for v in (_cell(below, i) for i in range(width)) if v])
            ):
                return True
        return False
    gap = any(not _cell(top, i) and any(_cell(top, j) for j in range(i)) for i in range(width))
    # A group row is sparse: at most half its cells are labels.
    return (
        gap
        and _filled(top) * 2 <= width
        and _looks_like_headers([_cell(below, i) for i in range(width)])
    )


def _group_labels(
    top: Sequence[str], top_no: int, merges: list[Merge] | None, width: int
) -> list[str]:
    """The upper label over each column (a merged cell's text covers its whole span)."""
    if merges:
        labels = [_cell(top, i) for i in range(width)]
        for min_col, min_row, max_col, _max_row in merges:
            if min_row == top_no:
                for c in range(min_col, min(max_col, width)):
                    labels[c] = labels[min_col - 1]
        return labels
    labels, current = [], ""
    for i in range(width):
        current = _cell(top, i) or current
        labels.append(current)
    return labels


def _two_row_names(
    top: RawRow, below: RawRow, merges: list[Merge] | None, width: int
) -> list[str | None]:
    groups = _group_labels(top[1], top[0], merges, width)
    names: list[str | None] = []
    for i in range(width):
        names.append(_cell(below[1], i) or _cell(top[1], i) or groups[i] or None)
    counts: dict[str, int] = {}
    for name in names:
        if name:
            counts[name] = counts.get(name, 0) + 1
    return [
        f"{groups[i]} {name}" if name and counts[name] > 1 and groups[i] not in ("", name) else name
        for i, name in enumerate(names)
    ]


def _one_row_names(
    top: RawRow, merges: list[Merge] | None, width: int, has_data: list[bool]
) -> list[str | None]:
    names: list[str | None] = [_cell(top[1], i) or None for i in range(width)]
    for min_col, min_row, max_col, _max_row in merges or ():
        anchor = names[min_col - 1] if min_col - 1 < width else None
        if min_row == top[0] and anchor:
            for k, c in enumerate(range(min_col, min(max_col, width)), start=2):
                names[c] = f"{anchor} ({k})" if has_data[c] else None
    return names


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        candidate, n = name, 1
        while candidate in seen:
            n += 1
            candidate = f"{name} ({n})"
        seen.add(candidate)
        out.append(candidate)
    return out


def build_table(
    raw: list[RawRow],
    *,
    limits: ReadLimits,
    column_name: Callable[[int], str],
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    sheets: list[str] | None = None,
    merges: list[Merge] | None = None,
    flagged: Mapping[tuple[int, int], str] | None = None,
) -> TableData:
    """Apply the header rules above to non-blank ``raw`` rows (line number, cells).

    ``flagged`` lists cells the import must not accept, by (line number, column index):
    below the header each becomes a CellProblem with that message and an empty cell.
    """
    if not raw:
        where = f"シート「{sheet}」に" if sheet is not None else ""
        raise TableReadError(f"{where}データがありません（空のファイルです）")
    start = _skip_title_rows(raw)
    first = raw[start]
    second = raw[start + 1] if start + 1 < len(raw) else None
    two_rows = _is_two_row_header(first, second, merges)
    header_rows = 2 if two_rows else 1
    body = raw[start + header_rows :]
    header_no = raw[start + header_rows - 1][0]
    if not body:
        raise TableReadError(
            f"見出しの行（{header_no}行目）しかありません。取り込むデータの行がありません"
        )
    if len(body) > limits.max_rows:
        raise too_many_rows(limits)
    width = max(_width(first[1]), _width(second[1]) if two_rows and second else 0)
    width = max([width, *(len(cells) for _, cells in body)])
    has_data = [False] * width
    for _, cells in body:
        for i, value in enumerate(cells):
            if not has_data[i] and value.strip():
                has_data[i] = True
    if two_rows and second is not None:
        names = _two_row_names(first, second, merges, width)
    else:
        names = _one_row_names(first, merges, width, has_data)
    keep = [i for i in range(width) if names[i] is not None or has_data[i]]
    headers = _unique([names[i] or column_name(i) for i in keep])
    rows, source_rows, problems = _body(body, keep, headers, width, limits.max_cell_chars)
    if flagged:
        problems.extend(_flag(rows, source_rows, keep, headers, flagged))
        problems.sort(key=lambda p: p.row_number)
    return TableData(
        headers=headers,
        rows=rows,
        source_rows=source_rows,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        sheets=list(sheets or []),
        cell_problems=problems,
        header_row=header_no,
    )


def _flag(
    rows: list[list[str]],
    source_rows: list[int],
    keep: list[int],
    headers: list[str],
    flagged: Mapping[tuple[int, int], str],
) -> list[CellProblem]:
    """Empty the flagged cells of ``rows``; one CellProblem for each."""
    index_of_row = {line_no: i for i, line_no in enumerate(source_rows)}
    position = {column: j for j, column in enumerate(keep)}
    problems: list[CellProblem] = []
    for (line_no, column), message in flagged.items():
        i, j = index_of_row.get(line_no), position.get(column)
        if i is not None and j is not None:
            rows[i][j] = ""
            problems.append(CellProblem(line_no, headers[j], message))
    return problems


def _body(
    body: list[RawRow], keep: list[int], headers: list[str], width: int, max_chars: int
) -> tuple[list[list[str]], list[int], list[CellProblem]]:
    rows: list[list[str]] = []
    source_rows: list[int] = []
    problems: list[CellProblem] = []
    all_kept = keep == list(range(width))
    for line_no, cells in body:
        if all_kept:
            row = cells + [""] * (width - len(cells)) if len(cells) < width else cells
        else:
            row = [cells[i] if i < len(cells) else "" for i in keep]
        for j, value in enumerate(row):
            if len(value) > max_chars:
                problems.append(
                    CellProblem(
                        line_no,
                        headers[j],
                        f"セルの文字数が多すぎます（{len(value):,}文字、上限 {max_chars:,}文字）",
                    )
                )
                row[j] = value[:max_chars]
        rows.append(row)
        source_rows.append(line_no)
    return rows, source_rows, problems
