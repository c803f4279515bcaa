"""The 年間スケジュール of a 年度: its deadlines in twelve months, April to March.

What a deadline is, and the order of one day's deadlines, are decided once in
app.services.schedule.deadlines; this module only places that list in the months of
one 年度 and counts each month's items by record kind, so that the yearly view, the
PDF (app.reports.yearly_schedule) and the handover document show the same year.

Assets' maintenance and lease ends are left out unless asked for: a municipality has
thousands, which would bury the year's few dozen items of work. They are read and
dropped rather than not read, because ``deadlines`` has one list for every source
(a few tenths of a second on the large demo data).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.jdate import fiscal_year_label, fiscal_year_range
from app.services.schedule.deadlines import (
    ASSET,
    CHECK,
    CONTRACT,
    LICENSE,
    NOTICE,
    TASK,
    Deadline,
    deadlines,
)

# The record kinds a month counts, in the order they are listed (as in deadlines.LABELS:
# what others set first, then one's own work, then the equipment).
KINDS: tuple[str, ...] = (NOTICE, CONTRACT, LICENSE, TASK, CHECK, ASSET)
# The months of a 年度 in order: April … March.
FISCAL_MONTHS: tuple[int, ...] = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


@dataclass(frozen=True, slots=True)
class MonthSchedule:
    """One month of the year: its items by date (deadlines' order) and how many of
    each record kind there are."""

    year: int
    month: int
    items: tuple[Deadline, ...]
    # (record kind code, number) in KINDS order, none at 0; the kind's label is
    # app.store.kind_index.kind_by_code(code).label.
    counts: tuple[tuple[str, int], ...]

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def count(self, kind: str) -> int:
        """How many items of the record kind ``kind`` fall in this month."""
        return dict(self.counts).get(kind, 0)


@dataclass(frozen=True, slots=True)
class YearlySchedule:
    """The twelve months of the 年度 ``fiscal_year``, April first."""

    fiscal_year: int
    months: tuple[MonthSchedule, ...]
    include_assets: bool

    @property
    def label(self) -> str:
        """「令和8年度」."""
        return fiscal_year_label(self.fiscal_year)

    @property
    def total(self) -> int:
        return sum(len(m.items) for m in self.months)


def _counts(items: Sequence[Deadline]) -> tuple[tuple[str, int], ...]:
    found = Counter(d.ref_kind for d in items)
    return tuple((kind, found[kind]) for kind in KINDS if found[kind])


def arrange(fy: int, items: Sequence[Deadline], *, include_assets: bool = False) -> YearlySchedule:
    """``items`` (in deadlines' order) placed in the months of the 年度 ``fy``; items
    outside the 年度, and assets' unless ``include_assets``, are left out."""
    first, last = fiscal_year_range(fy)
    by_month: dict[tuple[int, int], list[Deadline]] = {}
    for item in items:
        if first <= item.on <= last and (include_assets or item.ref_kind != ASSET):
            by_month.setdefault((item.on.year, item.on.month), []).append(item)
    months = []
    for month in FISCAL_MONTHS:
        year = fy if month >= 4 else fy + 1
        found = tuple(by_month.get((year, month), ()))
        months.append(MonthSchedule(year, month, found, _counts(found)))
    return YearlySchedule(fy, tuple(months), include_assets)


def yearly_schedule(session: Session, fy: int, *, include_assets: bool = False) -> YearlySchedule:
    """The 年間スケジュール of the 年度 ``fy`` (April ``fy`` to March ``fy + 1``)."""
    first, last = fiscal_year_range(fy)
    return arrange(fy, deadlines(session, first, last), include_assets=include_assets)
