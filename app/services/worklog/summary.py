"""Work-log summaries for the 業務報告: a fiscal year (年度, April → March) month by
month, by category (分類) and by business system — how many entries and how many hours —
and the same as an XLSX file.

One GROUP BY per grouping over the 作業日 index: a year of 200,000 entries is summed in
SQLite, not in Python.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.jdate import fiscal_year_range
from app.store.models import BusinessSystem, WorkLogEntry

MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)  # a 年度, in its order
NONE_LABEL = "（なし）"
GROUPINGS = {"category": "分類", "system": "業務システム"}


@dataclass(frozen=True)
class SummaryRow:
    label: str
    counts: tuple[int, ...]  # per month of MONTHS
    minutes: tuple[int, ...]

    @property
    def total_count(self) -> int:
        return sum(self.counts)

    @property
    def total_minutes(self) -> int:
        return sum(self.minutes)


@dataclass(frozen=True)
class YearSummary:
    fiscal_year: int  # the 年度 starting in April of this year
    by: str  # category / system
    rows: list[SummaryRow]  # most minutes first

    def totals(self) -> SummaryRow:
        return SummaryRow(
            "合計",
            tuple(sum(r.counts[i] for r in self.rows) for i in range(12)),
            tuple(sum(r.minutes[i] for r in self.rows) for i in range(12)),
        )


def year_summary(session: Session, fiscal_year: int, by: str) -> YearSummary:
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping: {by}")
    e = WorkLogEntry
    month = func.cast(func.strftime("%m", e.occurred_on), type_=e.minutes.type)
    key = e.category if by == "category" else func.coalesce(BusinessSystem.name, "")
    stmt = (
        select(key, month, func.count(), func.coalesce(func.sum(e.minutes), 0))
        .where(e.occurred_on.between(*fiscal_year_range(fiscal_year)))
        .group_by(key, month)
    )
    if by == "system":
        stmt = stmt.outerjoin(BusinessSystem, BusinessSystem.id == e.system_id)
    cells: dict[str, tuple[list[int], list[int]]] = {}
    for label, m, n, minutes in session.execute(stmt):
        counts, mins = cells.setdefault(label or NONE_LABEL, ([0] * 12, [0] * 12))
        i = MONTHS.index(int(m))
        counts[i] += int(n)
        mins[i] += int(minutes)
    rows = [SummaryRow(label, tuple(c), tuple(m)) for label, (c, m) in cells.items()]
    rows.sort(key=lambda r: (-r.total_minutes, -r.total_count, r.label))
    return YearSummary(fiscal_year, by, rows)


def hours(minutes: int) -> float:
    return round(minutes / 60, 1)


def export_rows(summaries: list[YearSummary]) -> Iterator[list[str | int | float]]:
    """The rows of the XLSX: per grouping, 件数 then 時間 (h), each with its 合計 row."""
    for summary in summaries:
        label = GROUPINGS[summary.by]
        for what, pick in (("件数", "counts"), ("時間（h）", "minutes")):
            for row in [*summary.rows, summary.totals()]:
                if pick == "counts":
                    values: list[int | float] = [*row.counts, row.total_count]
                else:
                    values = [hours(v) for v in (*row.minutes, row.total_minutes)]
                yield [f"{label}・{what}", row.label, *values]


def export_headers() -> list[str]:
    return ["集計", "項目", *(f"{m}月" for m in MONTHS), "合計"]


def write_summary_xlsx(session: Session, fiscal_year: int, path: Path) -> int:
    """The 年度's summaries by category and by system as one XLSX sheet (all or nothing:
    written beside ``path`` and moved into place); returns the rows written."""
    from app.interchange.xlsx_writer import write_xlsx
    from app.output_file import replacing

    summaries = [year_summary(session, fiscal_year, by) for by in GROUPINGS]
    title = f"{fiscal_year}年度 作業集計"
    with replacing(path) as tmp:
        return write_xlsx(tmp, title, export_headers(), export_rows(summaries))
