"""The work log (作業ログ) and tasks with due dates and yearly recurrence."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.kinds import RecordKind, coded
from app.store.models.base import Record, Searchable
from app.store.vocab import TASK_PRIORITIES, TASK_STATUSES


class WorkLogEntry(Searchable, Record):
    __tablename__ = "worklog_entries"
    __kind__ = RecordKind(
        "worklog",
        "作業ログ",
        search_block=11,
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
        },
        title="title",
    )
    __table_args__ = (
        CheckConstraint("minutes IS NULL OR minutes >= 0", "minutes"),
        Index("ix_worklog_entries_occurred_on", "occurred_on"),
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

    def search_document(self) -> tuple[str, str, str]:
        return self.title, self.category, self.body


class Task(Searchable, Record):
    __tablename__ = "tasks"
    __kind__ = RecordKind(
        "task",
        "タスク",
        search_block=10,
        fields={
            "title": "件名",
            "body": "内容",
            "status": "状態",
            "priority": "優先度",
            "due_date": "期限",
            "completed_on": "完了日",
            "recur_month": "毎年の期限（月）",
            "recur_day": "毎年の期限（日）",
            "fiscal_year": "年度",
            "asset_id": "資産",
            "system_id": "業務システム",
            "notice_id": "通知",
        },
        values={"status": TASK_STATUSES, "priority": coded(TASK_PRIORITIES)},
        title="title",
    )

    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    priority: Mapped[int] = mapped_column(Integer, default=2)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    completed_on: Mapped[date | None] = mapped_column(Date)
    # Yearly recurring work: month and day it falls due each fiscal year.
    recur_month: Mapped[int | None] = mapped_column(Integer)
    recur_day: Mapped[int | None] = mapped_column(Integer)
    fiscal_year: Mapped[int | None] = mapped_column(Integer)
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id", ondelete="SET NULL"))
    system_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_systems.id", ondelete="SET NULL")
    )
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id", ondelete="SET NULL"))

    def search_document(self) -> tuple[str, str, str]:
        return self.title, "", self.body
