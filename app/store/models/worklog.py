"""The work log (作業ログ), tasks, and the rules of recurring tasks.

A recurring task is a ``TaskSeries`` (the rule) and its occurrences are ordinary tasks
carrying ``series_id`` and ``occurrence_on`` — the date the rule gives, before any move to
a business day (``due_date`` is where it landed, and the person may move it further).
``UNIQUE(series_id, occurrence_on)`` makes generating a fiscal year's occurrences
idempotent: generating again finds them, whatever became of their due dates.

The rules, all fiscal-year aware (年度 = April–March: an occurrence in January–March
belongs to the 年度 that began the previous April, which ``Task.fiscal_year`` records):
- ``yearly``: on ``month``/``day`` (a date that exists: 2/30 is refused; 2/29 falls on
  2/28 in common years);
- ``monthly``: on ``day`` of every month (29–31: the month's last day when it is shorter);
- ``interval``: every ``interval_days`` days from ``starts_on``;
- ``nth_weekday``: the ``nth`` (1–5, -1 = last) ``weekday`` (0 = Monday) of every month,
  or only of ``month`` when it is set (a 5th weekday is skipped in months without one).
``business_day`` says what happens to an occurrence on a weekend, public holiday or
closure day: ``keep``, ``previous`` business day, ``next`` business day. Occurrences
start at ``starts_on`` and stop after ``ends_on`` when those are set.

Tasks and rules link to assets, business systems, notices (tasks only) and runbooks
through link tables; an occurrence is given its rule's links when it is generated. A
work-log entry names one asset, system and task in columns of its own, and links to
notices and runbooks through link tables.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.store.kinds import YES_NO, RecordKind, coded
from app.store.models.base import Record, Searchable, one_of
from app.store.models.inventory import _link
from app.store.vocab import (
    BUSINESS_DAY_RULES,
    NTH_WEEKS,
    RECURRENCE_RULES,
    TASK_PRIORITIES,
    TASK_STATUSES,
    WEEKDAYS,
)

task_assets = _link("task_assets", "task", "asset")
task_systems = _link("task_systems", "task", "business_system")
task_notices = _link("task_notices", "task", "notice")
task_runbooks = _link("task_runbooks", "task", "runbook")
task_series_assets = _link("task_series_assets", "series", "asset", left_table="task_series")
task_series_systems = _link(
    "task_series_systems", "series", "business_system", left_table="task_series"
)
task_series_runbooks = _link("task_series_runbooks", "series", "runbook", left_table="task_series")
worklog_notices = _link("worklog_notices", "worklog", "notice", left_table="worklog_entries")
worklog_runbooks = _link("worklog_runbooks", "worklog", "runbook", left_table="worklog_entries")


class WorkLogEntry(Searchable, Record):
    __tablename__ = "worklog_entries"
    __kind__ = RecordKind(
        "worklog",
        "作業ログ",
        search_block=11,
        dated="occurred_on",
        fields={
            "occurred_on": "作業日",
            "started_at": "開始時刻",
            "minutes": "作業時間（分）",
            "category": "分類",
            "title": "件名",
            "body": "内容",
            "asset_id": "資産",
            "system_id": "業務システム",
            "task_id": "タスク",
            "actor": "作業者",
        },
        title="title",
    )
    __table_args__ = (
        CheckConstraint("minutes IS NULL OR minutes >= 0", "minutes"),
        Index("ix_worklog_entries_occurred_on", "occurred_on"),
        Index("ix_worklog_entries_category", "category", "occurred_on"),
    )

    occurred_on: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    minutes: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("assets.id", ondelete="SET NULL"), index=True
    )
    system_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_systems.id", ondelete="SET NULL"), index=True
    )
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="SET NULL"), index=True
    )
    # Who did the work (a name as people write it; '' when not known).
    actor: Mapped[str] = mapped_column(String(100), default="", server_default="")

    def search_document(self) -> tuple[str, str, str]:
        return self.title, self.category, self.body


class TaskSeries(Record):
    """The rule of a recurring task (module docstring); its occurrences are tasks."""

    __tablename__ = "task_series"
    __kind__ = RecordKind(
        "task_series",
        "繰り返しタスク",
        fields={
            "title": "件名",
            "body": "内容",
            "priority": "優先度",
            "rule": "繰り返し",
            "month": "月",
            "day": "日",
            "nth": "第n週",
            "weekday": "曜日",
            "interval_days": "間隔（日）",
            "business_day": "休日の場合",
            "starts_on": "開始日",
            "ends_on": "終了日",
            "active": "有効",
            "notes": "備考",
        },
        values={
            "priority": coded(TASK_PRIORITIES),
            "rule": RECURRENCE_RULES,
            "nth": coded(NTH_WEEKS),
            "weekday": coded(WEEKDAYS),
            "business_day": BUSINESS_DAY_RULES,
            "active": YES_NO,
        },
        title="title",
    )
    __table_args__ = (
        one_of("rule", RECURRENCE_RULES),
        one_of("business_day", BUSINESS_DAY_RULES),
        one_of("priority", TASK_PRIORITIES),
        one_of("nth", NTH_WEEKS),
        one_of("weekday", WEEKDAYS),
        CheckConstraint("month IS NULL OR month BETWEEN 1 AND 12", "month"),
        CheckConstraint("day IS NULL OR day BETWEEN 1 AND 31", "day"),
        CheckConstraint("interval_days IS NULL OR interval_days >= 1", "interval_days"),
        # A month and day that exist in some year (2/29 does; 2/30 and 4/31 never).
        CheckConstraint(
            "month IS NULL OR day IS NULL OR day <= CASE WHEN month = 2 THEN 29 "
            "WHEN month IN (4, 6, 9, 11) THEN 30 ELSE 31 END",
            "real_date",
        ),
        # Each rule has what it needs, and nothing another rule would read.
        CheckConstraint(
            "(rule = 'yearly' AND month IS NOT NULL AND day IS NOT NULL AND nth IS NULL "
            "AND weekday IS NULL AND interval_days IS NULL) "
            "OR (rule = 'monthly' AND month IS NULL AND day IS NOT NULL AND nth IS NULL "
            "AND weekday IS NULL AND interval_days IS NULL) "
            "OR (rule = 'interval' AND interval_days IS NOT NULL AND starts_on IS NOT NULL "
            "AND month IS NULL AND day IS NULL AND nth IS NULL AND weekday IS NULL) "
            "OR (rule = 'nth_weekday' AND nth IS NOT NULL AND weekday IS NOT NULL "
            "AND day IS NULL AND interval_days IS NULL)",
            "rule_fields",
        ),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", "period"),
    )

    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[int] = mapped_column(Integer, default=2)
    rule: Mapped[str] = mapped_column(String(20))
    month: Mapped[int | None] = mapped_column(Integer)
    day: Mapped[int | None] = mapped_column(Integer)
    nth: Mapped[int | None] = mapped_column(Integer)
    weekday: Mapped[int | None] = mapped_column(Integer)
    interval_days: Mapped[int | None] = mapped_column(Integer)
    business_day: Mapped[str] = mapped_column(String(10), default="previous")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")


class Task(Searchable, Record):
    __tablename__ = "tasks"
    __kind__ = RecordKind(
        "task",
        "タスク",
        search_block=10,
        dated="due_date",
        fields={
            "title": "件名",
            "body": "内容",
            "status": "状態",
            "priority": "優先度",
            "due_date": "期限",
            "completed_on": "完了日",
            "fiscal_year": "年度",
            "series_id": "繰り返し",
            "occurrence_on": "規則上の日付",
        },
        values={"status": TASK_STATUSES, "priority": coded(TASK_PRIORITIES)},
        title="title",
    )
    __table_args__ = (
        # One occurrence of a rule per date the rule gives: generation is idempotent.
        UniqueConstraint("series_id", "occurrence_on", name="occurrence"),
        one_of("status", TASK_STATUSES),
        one_of("priority", TASK_PRIORITIES),
    )

    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    priority: Mapped[int] = mapped_column(Integer, default=2)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    completed_on: Mapped[date | None] = mapped_column(Date)
    # The 年度 the task belongs to (an occurrence: the 年度 its rule generated it for).
    fiscal_year: Mapped[int | None] = mapped_column(Integer)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("task_series.id", ondelete="SET NULL"))
    occurrence_on: Mapped[date | None] = mapped_column(Date)

    series: Mapped[TaskSeries | None] = relationship()

    def search_document(self) -> tuple[str, str, str]:
        return self.title, "", self.body
