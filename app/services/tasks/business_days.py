"""Business days (開庁日) of the town hall, and moving a date onto one.

A day is a business day unless it is a Saturday or Sunday, a Japanese public holiday
(jpholiday: 国民の祝日, 振替休日 and 国民の休日 included) or a closure day of the
office. A municipality's own holidays are fixed by its 休日条例 (地方自治法第4条の2);
beyond weekends and public holidays they are usually the year-end days 12/29–1/3, which
are the default here. The closure days are a setting (``tasks.closures``) shared by the
GUI and the command line: month/day ranges written as people write them
(「12/29〜1/3」, 「8月15日」), a range may run across the year end.

Everything here but the setting is pure: recurrence rules and tests call
``is_business_day`` and ``adjust`` with the closures they were given.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from app.services.errors import FieldError, ValidationError
from app.store.models import Setting

SETTING_KEY = "tasks.closures"
FIELD = "closures"
LABEL = "休業日（年末年始など）"
# A town hall closes for days, not months: more than this is a typo (「1/1〜12/31」), and
# the bound guarantees that a business day is always found near any date.
MAX_CLOSED_DAYS = 60
# Longer than any run of closed days MAX_CLOSED_DAYS allows, with weekends and holidays.
_SEARCH_DAYS = 366

_MONTH_DAY = r"(\d{1,2})\s*[/月]\s*(\d{1,2})\s*日?"
_RANGE_RE = re.compile(rf"^{_MONTH_DAY}(?:\s*(?:〜|~|-|から)\s*{_MONTH_DAY}\s*(?:まで)?)?$")
# Days of each month in a leap year: 2/29 is a real closure day in some years.
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True, order=True)
class MonthDay:
    month: int
    day: int

    def __str__(self) -> str:
        return f"{self.month}/{self.day}"


@dataclass(frozen=True)
class ClosureRange:
    """Closure days from ``start`` to ``end`` inclusive, in every year; an ``end`` before
    ``start`` means the range runs across the year end (12/29〜1/3)."""

    start: MonthDay
    end: MonthDay

    def contains(self, d: date) -> bool:
        day = MonthDay(d.month, d.day)
        if self.start <= self.end:
            return self.start <= day <= self.end
        return day >= self.start or day <= self.end

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}〜{self.end}"


YEAR_END = ClosureRange(MonthDay(12, 29), MonthDay(1, 3))
DEFAULT_CLOSURES: tuple[ClosureRange, ...] = (YEAR_END,)


# --- the calendar ------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    # jpholiday computes a year's holidays in about 30 ms; a fiscal year asks ~365 times.
    # Imported here: opening the window does not need it.
    import jpholiday

    return frozenset(d for d, _name in jpholiday.year_holidays(year))


def is_holiday(d: date) -> bool:
    """A Japanese public holiday (振替休日 and 国民の休日 included)."""
    return d in _holidays(d.year)


def is_business_day(d: date, closures: Sequence[ClosureRange] = DEFAULT_CLOSURES) -> bool:
    """Neither a weekend, a public holiday nor a closure day."""
    return d.weekday() < 5 and not is_holiday(d) and not any(r.contains(d) for r in closures)


def adjust(d: date, rule: str, closures: Sequence[ClosureRange] = DEFAULT_CLOSURES) -> date:
    """``d`` moved by the business-day rule: ``keep`` leaves it where it is, ``previous``
    takes the last business day on or before it, ``next`` the first on or after it."""
    if rule == "keep":
        return d
    if rule not in ("previous", "next"):
        raise ValueError(f"unknown business-day rule: {rule!r}")
    step = timedelta(days=-1 if rule == "previous" else 1)
    for _ in range(_SEARCH_DAYS):
        if is_business_day(d, closures):
            return d
        d += step
    raise ValueError(f"no business day within {_SEARCH_DAYS} days: closures {closures}")


# --- the closure-days setting ------------------------------------------------------------


def _month_day(month: str, day: str) -> MonthDay:
    m, d = int(month), int(day)
    if not 1 <= m <= 12:
        raise ValueError(f"{m}月はありません")
    if not 1 <= d <= _MONTH_DAYS[m - 1]:
        raise ValueError(f"{m}月{d}日はありません（{m}月は{_MONTH_DAYS[m - 1]}日まで）")
    return MonthDay(m, d)


def parse_closure(text: str) -> ClosureRange:
    """「12/29〜1/3」, 「12月29日から1月3日まで」, 「8/15」 (one day) → a range.

    Raises ValueError with a Japanese message.
    """
    normal = unicodedata.normalize("NFKC", text).strip()
    match = _RANGE_RE.match(normal)
    if match is None:
        raise ValueError("「12/29〜1/3」のように 月/日〜月/日 で入力してください")
    start = _month_day(match[1], match[2])
    end = start if match[3] is None else _month_day(match[3], match[4])
    return ClosureRange(start, end)


def closed_days(closures: Iterable[ClosureRange]) -> int:
    """How many days of a leap year the ranges close together (overlaps counted once)."""
    ranges = tuple(closures)
    first = date(2000, 1, 1)
    return sum(any(r.contains(first + timedelta(days=n)) for r in ranges) for n in range(366))


def clean_closures(items: Iterable[str | ClosureRange]) -> tuple[ClosureRange, ...]:
    """Validate closure ranges typed by the user (one per line; blank lines skipped,
    repeats dropped). Raises ValidationError naming every bad line."""
    errors: list[FieldError] = []
    out: list[ClosureRange] = []
    for n, item in enumerate(items, start=1):
        if isinstance(item, ClosureRange):
            item = str(item)
        if not isinstance(item, str):
            errors.append(FieldError(FIELD, LABEL, f"{n}行目: 月/日〜月/日 の文字列ではありません"))
            continue
        if not item.strip():
            continue
        try:
            closure = parse_closure(item)
        except ValueError as exc:
            errors.append(FieldError(FIELD, LABEL, f"{n}行目「{item.strip()}」: {exc}"))
            continue
        if closure not in out:
            out.append(closure)
    if not errors and (total := closed_days(out)) > MAX_CLOSED_DAYS:
        message = f"休業日が合計{total}日あります。{MAX_CLOSED_DAYS}日以内にしてください"
        errors.append(FieldError(FIELD, LABEL, message))
    if errors:
        raise ValidationError(errors)
    return tuple(out)


def load_closures(session: Session) -> tuple[ClosureRange, ...]:
    """The saved closure days; the year-end default when none are saved or the saved
    value cannot be read (no closures at all is a saved empty list)."""
    stored = session.get(Setting, SETTING_KEY)
    if stored is None or not isinstance(stored.value, dict):
        return DEFAULT_CLOSURES
    ranges = stored.value.get("ranges")
    if not isinstance(ranges, list):
        return DEFAULT_CLOSURES
    try:
        return clean_closures(ranges)
    except ValidationError:
        return DEFAULT_CLOSURES


def save_closures(
    session: Session, items: Iterable[str | ClosureRange]
) -> tuple[ClosureRange, ...]:
    """Validate and store the closure days; raises ValidationError (nothing written)."""
    clean = clean_closures(items)
    value = {"ranges": [str(r) for r in clean]}
    stored = session.get(Setting, SETTING_KEY)
    if stored is None:
        session.add(Setting(key=SETTING_KEY, value=value))
    else:
        stored.value = value
    session.flush()
    return clean
