"""Runbooks (手順書) with ordered steps, review dates and their links.

- ``version`` is text: municipalities write 第2版, 1.3 or R8.4改訂, and it is only shown.
- A review is due ``review_interval_months`` after ``last_reviewed_on`` (months: reviews
  follow the year, 年1回 or 半年ごと); no interval, no reminder.
- Systems are links (``runbook_systems``): a runbook may serve several.
- Step positions are unique within a runbook and only order the steps (the number shown
  is the rank); a new order is written with one UPDATE (app.store.models.ordering).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.store.kinds import RecordKind
from app.store.models.base import Record, Searchable
from app.store.models.inventory import _link

runbook_assets = _link("runbook_assets", "runbook", "asset")
runbook_contacts = _link("runbook_contacts", "runbook", "contact")
runbook_credentials = _link("runbook_credentials", "runbook", "credential_ref")
runbook_systems = _link("runbook_systems", "runbook", "business_system")


class Runbook(Searchable, Record):
    __tablename__ = "runbooks"
    __kind__ = RecordKind(
        "runbook",
        "手順書",
        search_block=12,
        fields={
            "title": "件名",
            "purpose": "目的",
            "frequency": "実施時期",
            "version": "版",
            "last_reviewed_on": "最終見直し日",
            "review_interval_months": "見直しの間隔（月）",
            "notes": "備考",
        },
        title="title",
    )
    __table_args__ = (
        CheckConstraint(
            "review_interval_months IS NULL OR review_interval_months >= 1", "review_interval"
        ),
    )

    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    frequency: Mapped[str] = mapped_column(String(60), default="")
    version: Mapped[str] = mapped_column(String(40), default="", server_default="")
    last_reviewed_on: Mapped[date | None] = mapped_column(Date)
    review_interval_months: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")

    steps: Mapped[list[RunbookStep]] = relationship(
        back_populates="runbook", cascade="all, delete-orphan", order_by="RunbookStep.position"
    )

    def search_document(self) -> tuple[str, str, str]:
        return self.title, self.frequency, f"{self.purpose} {self.notes}"


class RunbookStep(Searchable, Record):
    __tablename__ = "runbook_steps"
    __kind__ = RecordKind(
        "runbook_step",
        "手順書の手順",
        search_block=13,
        fields={
            "runbook_id": "手順書",
            "position": "順番",
            "title": "件名",
            "body": "内容",
            "expected": "期待される結果",
        },
        title="title",
    )
    __table_args__ = (UniqueConstraint("runbook_id", "position", name="position"),)

    runbook_id: Mapped[int] = mapped_column(ForeignKey("runbooks.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    expected: Mapped[str] = mapped_column(Text, default="")

    runbook: Mapped[Runbook] = relationship(back_populates="steps")

    def search_document(self) -> tuple[str, str, str]:
        return self.title, "", f"{self.body} {self.expected}"
