"""Notices from ministries (通知・法令) with the history of their deadlines."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.store.models.base import Record, Searchable, utcnow
from app.store.models.inventory import _link

notice_systems = _link("notice_systems", "notice", "business_system")
notice_assets = _link("notice_assets", "notice", "asset")


class Notice(Searchable, Record):
    __tablename__ = "notices"
    __label__ = "通知"
    search_kind = "notice"
    # A notice is identified by issuer, date and title (document numbers are optional).
    __table_args__ = (UniqueConstraint("issuer", "issued_on", "title", name="identity"),)

    issuer: Mapped[str] = mapped_column(String(100))
    doc_number: Mapped[str] = mapped_column(String(100), default="")
    issued_on: Mapped[date | None] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20), default="tsuchi")
    status: Mapped[str] = mapped_column(String(20), default="unread", index=True)
    url: Mapped[str] = mapped_column(String(1000), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    interpretation: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(String(300), default="")

    deadline_history: Mapped[list[NoticeDeadline]] = relationship(
        back_populates="notice", cascade="all, delete-orphan", order_by="NoticeDeadline.id"
    )

    def search_document(self) -> tuple[str, str, str]:
        return (
            self.title,
            f"{self.issuer} {self.doc_number}".strip(),
            f"{self.summary} {self.interpretation}",
        )


class NoticeDeadline(Record):
    """One value a notice's deadline has had (the newest row is the current one)."""

    __tablename__ = "notice_deadlines"
    __label__ = "通知の期限"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    deadline: Mapped[date | None] = mapped_column(Date)
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")

    notice: Mapped[Notice] = relationship(back_populates="deadline_history")
