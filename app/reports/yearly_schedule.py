"""The 年間スケジュール as a PDF: a 年度 on A4 landscape, six month columns a page.

The year reads as a wall planner does: April to September on the first page, October
to March on the next, each month a column headed by its name, its year and its count
of items per record kind, then its items by date as 「12日 回答期限: 件名」. A month
with more items than its column holds continues in the same column of the next page
(headed 「続き」), so the two halves keep their columns in place however full a month
is; an item is never split between pages.

Text is wrapped by app.reports.asset_labels.fit_text (between Japanese characters with
simple 禁則, at spaces, never inside a model or host name; an item with a word wider
than the column is broken between characters rather than cut), so nothing runs out of
its column and nothing is lost. Every page has its
number; the outline has an entry per half-year with its months under it. The file is
written all or nothing through app.output_file.replacing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from app.errors import UserError
from app.jdate import to_wareki
from app.output_file import replacing
from app.reports.asset_labels import ELLIPSIS, FONT, LEADING, fit_text, register_font
from app.store.kind_index import kind_by_code

__all__ = [
    "PAGE",
    "TEXT_WIDTH",
    "item_lines",
    "item_text",
    "render_yearly_schedule",
    "write_yearly_schedule",
]

PAGE = landscape(A4)
MARGIN = 12 * mm
COLUMNS = 6  # months a page: a half-year
GAP = 3 * mm  # between columns
PAD = 1.6 * mm  # inside a column
HEADER = 11 * mm  # a column's heading: month, year, counts
GRID_TOP = PAGE[1] - MARGIN - 15 * mm  # under the title and subtitle
GRID_BOTTOM = MARGIN
ITEM_SIZE = 7.5
ITEM_GAP = 2.0  # points between two items
INDENT = 4.0  # an item's second and later lines
COLUMN_WIDTH = (PAGE[0] - 2 * MARGIN - (COLUMNS - 1) * GAP) / COLUMNS
TEXT_WIDTH = COLUMN_WIDTH - 2 * PAD - INDENT
HALVES = (("上半期（4月〜9月）", slice(0, 6)), ("下半期（10月〜3月）", slice(6, 12)))
GREY: tuple[float, float, float] = (0.45, 0.45, 0.45)
HEADER_FILL: tuple[float, float, float] = (0.90, 0.92, 0.95)
LOCKED_HINT = "PDFを他のプログラムで開いていれば閉じてから、もう一度お試しください。"

Block = tuple[str, ...]  # one item's lines


# What the document reads of a schedule. Reports sit below the services, so the shapes
# are declared here; app.services.schedule.yearly's YearlySchedule has them.
class ScheduleItem(Protocol):
    @property
    def on(self) -> date: ...
    @property
    def what(self) -> str: ...
    @property
    def title(self) -> str: ...


class ScheduleMonth(Protocol):
    @property
    def year(self) -> int: ...
    @property
    def month(self) -> int: ...
    @property
    def first_day(self) -> date: ...
    @property
    def items(self) -> Sequence[ScheduleItem]: ...
    @property
    def counts(self) -> Sequence[tuple[str, int]]: ...  # (record kind code, number)


class Schedule(Protocol):
    @property
    def fiscal_year(self) -> int: ...
    @property
    def label(self) -> str: ...
    @property
    def total(self) -> int: ...
    @property
    def include_assets(self) -> bool: ...
    @property
    def months(self) -> Sequence[ScheduleMonth]: ...  # twelve, April first


def item_text(day: int, what: str, title: str) -> str:
    """One item as it is printed: 「12日 回答期限: 件名」."""
    return f"{day}日 {what}: {title}"


def item_lines(text: str) -> Block:
    """An item's text in lines that fit its column (the first line, then the indented
    rest). fit_text keeps words whole; a word wider than the column, which it would cut
    with 「…」, is broken between characters instead: a schedule must not lose a title."""
    _, lines = fit_text(text, width=TEXT_WIDTH, size=ITEM_SIZE, min_size=ITEM_SIZE)
    if any(ELLIPSIS in line for line in lines) and ELLIPSIS not in text:
        return tuple(_character_lines(" ".join(text.split())))
    return tuple(lines)


def _character_lines(text: str) -> list[str]:
    """``text`` in lines no wider than the column, broken between any two characters."""
    lines = [""]
    for char in text:
        if lines[-1] and stringWidth(lines[-1] + char, FONT, ITEM_SIZE) > TEXT_WIDTH:
            lines.append("")
        lines[-1] += char
    return [line.strip() for line in lines if line.strip()]


def _block_height(block: Block) -> float:
    return len(block) * ITEM_SIZE * LEADING + ITEM_GAP


def _paginate(blocks: Sequence[Block], height: float) -> list[list[Block]]:
    """``blocks`` in pages of at most ``height`` points (a block taller than a page,
    which only an absurd title makes, gets a page of its own and is cut there)."""
    pages: list[list[Block]] = [[]]
    used = 0.0
    for block in blocks:
        need = _block_height(block)
        if pages[-1] and used + need > height:
            pages.append([])
            used = 0.0
        pages[-1].append(block)
        used += need
    return pages


@dataclass(frozen=True)
class _Column:
    month: ScheduleMonth
    pages: list[list[Block]]


def _columns(months: Sequence[ScheduleMonth]) -> list[_Column]:
    height = GRID_TOP - HEADER - GRID_BOTTOM - PAD
    out = []
    for month in months:
        blocks = [item_lines(item_text(d.on.day, d.what, d.title)) for d in month.items]
        out.append(_Column(month, _paginate(blocks, height)))
    return out


RGB = tuple[float, float, float]


def _text(c: Canvas, x: float, y: float, text: str, size: float, colour: RGB = (0, 0, 0)) -> None:
    c.setFillColorRGB(*colour)
    c.setFont(FONT, size)
    c.drawString(x, y, text)


def _draw_header(c: Canvas, x: float, column: _Column, continued: bool) -> None:
    month = column.month
    top = GRID_TOP
    c.setFillColorRGB(*HEADER_FILL)
    c.rect(x, top - HEADER, COLUMN_WIDTH, HEADER, stroke=0, fill=1)
    name = f"{month.month}月" + ("（続き）" if continued else "")
    _text(c, x + PAD, top - 5.2 * mm, name, 11)
    year = f"{month.year}年（{to_wareki(month.first_day, style='kanji_year')}）"
    _text(c, x + PAD + c.stringWidth(name, FONT, 11) + 1.5 * mm, top - 5.2 * mm, year, 6.5, GREY)
    counts = "・".join(f"{kind_by_code(k).label} {n}" for k, n in month.counts) or "予定なし"
    _, lines = fit_text(counts, width=COLUMN_WIDTH - 2 * PAD, size=6.5, min_size=5.0, max_lines=1)
    _text(c, x + PAD, top - HEADER + 1.8 * mm, lines[0] if lines else "", 6.0, GREY)


def _draw_column(c: Canvas, x: float, column: _Column, page: int) -> None:
    blocks = column.pages[page] if page < len(column.pages) else []
    _draw_header(c, x, column, continued=page > 0)
    c.setStrokeColorRGB(0.6, 0.6, 0.6)
    c.setLineWidth(0.5)
    c.rect(x, GRID_BOTTOM, COLUMN_WIDTH, GRID_TOP - GRID_BOTTOM, stroke=1, fill=0)
    y = GRID_TOP - HEADER - PAD
    for block in blocks:
        for n, line in enumerate(block):
            y -= ITEM_SIZE * LEADING
            if y < GRID_BOTTOM + PAD:  # only a block taller than a page (see _paginate)
                break
            indent = INDENT if n else 0.0
            _text(c, x + PAD + indent, y + ITEM_SIZE * 0.25, line, ITEM_SIZE)
        y -= ITEM_GAP


def _draw_heading(c: Canvas, schedule: Schedule, printed_on: date) -> None:
    _text(c, MARGIN, PAGE[1] - MARGIN - 6 * mm, f"{schedule.label} 年間スケジュール", 16)
    kinds = "通知の期限・契約とライセンスの終了・タスク・チェック項目の期限"
    if schedule.include_assets:
        kinds += "・資産の保守とリースの終了"
    subtitle = (
        f"{schedule.fiscal_year}年4月〜{schedule.fiscal_year + 1}年3月の{kinds}"
        f"（全 {schedule.total:,} 件）　作成日: {to_wareki(printed_on)}"
    )
    _text(c, MARGIN, PAGE[1] - MARGIN - 11.5 * mm, subtitle, 8.5, GREY)


def _draw_footer(c: Canvas, schedule: Schedule, number: int, total: int) -> None:
    footer = f"{schedule.label} 年間スケジュール　{number} / {total} ページ"
    c.setFillColorRGB(*GREY)
    c.setFont(FONT, 7.5)
    c.drawCentredString(PAGE[0] / 2, MARGIN / 2, footer)


def render_yearly_schedule(schedule: Schedule, *, printed_on: date) -> tuple[bytes, int]:
    """The PDF's bytes and its number of pages."""
    register_font()
    halves = [(title, _columns(schedule.months[months])) for title, months in HALVES]
    page_counts = [max(len(col.pages) for col in columns) for _, columns in halves]
    total = sum(page_counts)
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=PAGE, pageCompression=1)
    c.setTitle(f"{schedule.label} 年間スケジュール")
    c.setCreator("Hitori")
    number = 0
    for (title, columns), pages in zip(halves, page_counts, strict=True):
        for page in range(pages):
            number += 1
            if page == 0:
                key = f"half{number}"
                c.bookmarkPage(key)
                c.addOutlineEntry(title, key, level=0)
                for column in columns:
                    month_key = f"{key}-{column.month.month}"
                    c.bookmarkPage(month_key)
                    c.addOutlineEntry(f"{column.month.month}月", month_key, level=1)
            _draw_heading(c, schedule, printed_on)
            for n, column in enumerate(columns):
                _draw_column(c, MARGIN + n * (COLUMN_WIDTH + GAP), column, page)
            _draw_footer(c, schedule, number, total)
            c.showPage()
    c.showOutline()
    c.save()
    return buffer.getvalue(), total


def write_yearly_schedule(schedule: Schedule, path: Path, *, printed_on: date) -> int:
    """Write the schedule's PDF to ``path`` (all or nothing); return its page count.
    Raises UserError for a file that cannot be written or a name not ending in .pdf
    (in that order, so that a folder or a device is called what it is)."""
    with replacing(path, locked_hint=LOCKED_HINT) as tmp:
        if path.suffix.lower() != ".pdf":
            raise UserError(f"出力ファイルの拡張子は .pdf にしてください: {path.name}")
        data, pages = render_yearly_schedule(schedule, printed_on=printed_on)
        tmp.write_bytes(data)
    return pages
