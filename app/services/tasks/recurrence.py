"""The dates a recurring rule gives within a 年度, and where they land on business days.

Pure functions on a plain ``Rule`` (no database): the series service turns a stored
``TaskSeries`` into one, tests build them directly. The rules are those of
app.store.models.worklog (its module docstring); in short, within the 年度 ``fy``
(fy-04-01 … (fy+1)-03-31, so January–March belong to the 年度 that began the April
before):

- ``yearly``    month/day once (2/29 falls on 2/28 in a common year);
- ``monthly``   day of every month (29–31: the month's last day when it is shorter);
- ``interval``  every ``interval_days`` days counted from ``starts_on``;
- ``nth_weekday`` the nth (1–5, -1 = last) weekday of every month, or of ``month`` only
  (a month without a 5th such weekday gives nothing).

Only dates from ``starts_on`` to ``ends_on`` count. Each date is then moved by the
``business_day`` rule; when two dates land on the same business day (a daily rule over a
weekend, a rule inside the year-end closure), they make one occurrence, dated by the
first of them, so the same work is never due twice on one day.

``rule_problems`` says, field by field and in Japanese, what makes a rule impossible
(2/30, day 0, interval 0, nth 6 …): the series service refuses such rules with it, and
the functions here refuse them with ValueError. A sound rule that simply does not occur
in a given year gives an empty list.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta

from app import jdate
from app.services.tasks.business_days import DEFAULT_CLOSURES, ClosureRange, adjust
from app.store.vocab import BUSINESS_DAY_RULES, NTH_WEEKS, RECURRENCE_RULES, WEEKDAYS

MAX_INTERVAL_DAYS = 3650
# The rule fields each rule reads (besides business_day and the period), and of those
# the ones it cannot do without. A field a rule does not read must be empty.
RULE_FIELDS: dict[str, tuple[str, ...]] = {
    "yearly": ("month", "day"),
    "monthly": ("day",),
    "interval": ("interval_days",),
    "nth_weekday": ("nth", "weekday", "month"),
}
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "yearly": ("month", "day"),
    "monthly": ("day",),
    "interval": ("interval_days", "starts_on"),
    "nth_weekday": ("nth", "weekday"),
}
VALUE_FIELDS = ("month", "day", "nth", "weekday", "interval_days")
# Days of each month in a leap year: the most a yearly rule's day can be.
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class Rule:
    """A recurrence rule as TaskSeries stores it (field names and codes alike)."""

    rule: str
    month: int | None = None
    day: int | None = None
    nth: int | None = None
    weekday: int | None = None
    interval_days: int | None = None
    business_day: str = "keep"
    starts_on: date | None = None
    ends_on: date | None = None


RULE_ATTRIBUTES = tuple(f.name for f in fields(Rule))


@dataclass(frozen=True, order=True)
class Occurrence:
    """One occurrence: ``on`` the date the rule gives, ``due`` where it landed."""

    on: date
    due: date


def _choices(labels: dict[str, str]) -> str:
    return "・".join(labels.values()) + "のいずれかを選んでください"


def _value_problem(rule: Rule, name: str, value: int) -> str | None:
    if name == "month" and not 1 <= value <= 12:
        return "1〜12で入力してください"
    if name == "day" and not 1 <= value <= 31:
        return "1〜31で入力してください"
    month = rule.month
    if name == "day" and rule.rule == "yearly" and month is not None and 1 <= month <= 12:
        last = _MONTH_DAYS[month - 1]
        if value > last:
            return f"{month}月{value}日はありません（{month}月は{last}日まで）"
    if name == "nth" and value not in NTH_WEEKS:
        return "1〜5、または -1（最終）で入力してください"
    if name == "weekday" and value not in WEEKDAYS:
        return "0（月曜日）〜6（日曜日）で入力してください"
    if name == "interval_days" and not 1 <= value <= MAX_INTERVAL_DAYS:
        return f"1〜{MAX_INTERVAL_DAYS}日で入力してください"
    return None


def rule_problems(rule: Rule) -> dict[str, str]:
    """What makes ``rule`` impossible, field → Japanese message (empty: it is sound)."""
    problems: dict[str, str] = {}
    if rule.business_day not in BUSINESS_DAY_RULES:
        problems["business_day"] = _choices(BUSINESS_DAY_RULES)
    if rule.starts_on and rule.ends_on and rule.ends_on < rule.starts_on:
        problems["ends_on"] = f"開始日（{jdate.format_date(rule.starts_on)}）より前です"
    if rule.rule not in RECURRENCE_RULES:
        problems["rule"] = _choices(RECURRENCE_RULES)
        return problems
    label = RECURRENCE_RULES[rule.rule]
    for name in VALUE_FIELDS:
        value = getattr(rule, name)
        if name not in RULE_FIELDS[rule.rule]:
            if value is not None:
                problems[name] = f"「{label}」では指定しません"
        elif value is not None and (problem := _value_problem(rule, name, value)):
            problems[name] = problem
    for name in REQUIRED_FIELDS[rule.rule]:
        if getattr(rule, name) is None:
            problems[name] = f"「{label}」では必須です"
    return problems


# --- dates ---------------------------------------------------------------------------------


def _months(fy: int) -> list[tuple[int, int]]:
    """(year, month) of the 年度's twelve months, April first."""
    return [(fy, m) for m in range(4, 13)] + [(fy + 1, m) for m in range(1, 4)]


def _day_in_month(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def nth_weekday(year: int, month: int, nth: int, weekday: int) -> date | None:
    """The ``nth`` (1–5, -1 = last) ``weekday`` of the month; None when it has none."""
    days = calendar.monthrange(year, month)[1]
    if nth == -1:
        last = date(year, month, days)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    day = 1 + (weekday - date(year, month, 1).weekday()) % 7 + 7 * (nth - 1)
    return date(year, month, day) if day <= days else None


def _candidates(rule: Rule, fy: int, first: date, last: date) -> list[date]:
    """The rule's dates in the 年度 ``fy`` (for ``interval``, from ``first`` to ``last``)."""
    if rule.rule == "yearly":
        assert rule.month is not None and rule.day is not None
        year = fy if rule.month >= 4 else fy + 1
        return [_day_in_month(year, rule.month, rule.day)]
    if rule.rule == "monthly":
        assert rule.day is not None
        return [_day_in_month(y, m, rule.day) for y, m in _months(fy)]
    if rule.rule == "interval":
        assert rule.interval_days is not None and rule.starts_on is not None
        step, start = rule.interval_days, rule.starts_on
        skip = max(0, -(-(first - start).days // step))  # steps before ``first``
        begin = start + timedelta(days=skip * step)
        if begin > last:
            return []
        count = (last - begin).days // step + 1
        return [begin + timedelta(days=n * step) for n in range(count)]
    assert rule.nth is not None and rule.weekday is not None
    months = [(y, m) for y, m in _months(fy) if rule.month in (None, m)]
    found = (nth_weekday(y, m, rule.nth, rule.weekday) for y, m in months)
    return [d for d in found if d is not None]


def rule_dates(rule: Rule, fy: int) -> list[date]:
    """The dates ``rule`` gives in the 年度 ``fy``, before any business-day move, in
    order. Raises ValueError for an impossible rule (``rule_problems``)."""
    problems = rule_problems(rule)
    if problems:
        raise ValueError(f"impossible recurrence rule {rule}: {problems}")
    first, last = jdate.fiscal_year_range(fy)
    if rule.starts_on is not None:
        first = max(first, rule.starts_on)
    if rule.ends_on is not None:
        last = min(last, rule.ends_on)
    if first > last:
        return []
    return [d for d in _candidates(rule, fy, first, last) if first <= d <= last]


def occurrences(
    rule: Rule, fy: int, closures: Sequence[ClosureRange] = DEFAULT_CLOSURES
) -> list[Occurrence]:
    """The occurrences of ``rule`` in the 年度 ``fy``: each rule date and where the
    business-day rule moves it, due dates strictly increasing (module docstring)."""
    out: list[Occurrence] = []
    for on in rule_dates(rule, fy):
        due = adjust(on, rule.business_day, closures)
        if out and out[-1].due == due:
            continue
        out.append(Occurrence(on, due))
    return out
