"""Notices from ministries (通知・法令) with the history of their deadlines."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.store.kinds import RecordKind
from app.store.models.base import Record, Searchable, utcnow
from app.store.models.inventory import _link
from app.store.vocab import NOTICE_KINDS, NOTICE_STATUSES

notice_systems = _link("notice_systems", "notice", "business_system")
notice_assets = _link("notice_assets", "notice", "asset")


class Notice(Searchable, Record):
    __tablename__ = "notices"
    __kind__ = RecordKind(
        "notice",
        "通知",
        search_block=9,
        fields={
            "issuer": "発出元",
            "doc_number": "文書番号",
            "issued_on": "発出日",
            "title": "件名",
            "kind": "種類",
            "status": "状態",
            "url": "URL",
            "summary": "概要",
            "interpretation": "解釈メモ",
            "deadline": "期限",
            "source": "取得元",
        },
        values={"kind": NOTICE_KINDS, "status": NOTICE_STATUSES},
        title="title",
    )
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
    __kind__ = RecordKind(
        "notice_deadline",
        "通知の期限",
        fields={
            "notice_id": "通知",
            "deadline": "期限",
            "changed_at": "変更日時",
            "reason": "変更理由",
        },
        title="reason",
    )

    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    deadline: Mapped[date | None] = mapped_column(Date)
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")

    notice: Mapped[Notice] = relationship(back_populates="deadline_history")
