"""The work log (作業ログ) and tasks with due dates and yearly recurrence."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models.base import Record, Searchable


class WorkLogEntry(Searchable, Record):
    __tablename__ = "worklog_entries"
    __label__ = "作業ログ"
    search_kind = "worklog"
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
    __label__ = "タスク"
    search_kind = "task"

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
