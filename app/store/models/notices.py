"""Notices from ministries (通知・法令) and their deadlines, with the history of each.

Identity (enforced by unique indexes):
- a notice from a feed is identified by ``feed_guid`` — the item's GUID (Atom: id), or
  its link when it has none — whatever its title or date;
- any other notice by issuer, issue date and title, a missing date counting as a value
  of its own (two undated notices of one issuer cannot share a title).

Deadlines: a notice has at most one deadline of each kind (回答期限 / 施行日 / 対応期限).
Every value a deadline has had is a ``NoticeDeadline`` row (when it was set and why); the
*current* one is the row flagged ``is_current`` — at most one per notice and kind, by a
partial unique index. The current date is therefore stored once, as a member of its own
history, and cannot disagree with it. A revision inserts the new row and clears the flag
of the previous one in the same transaction; a withdrawn deadline is a current row with
no date.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.store.kinds import YES_NO, RecordKind
from app.store.models.base import Record, Searchable, one_of, utcnow
from app.store.models.inventory import _link
from app.store.vocab import NOTICE_DEADLINE_KINDS, NOTICE_KINDS, NOTICE_STATUSES

notice_systems = _link("notice_systems", "notice", "business_system")
notice_assets = _link("notice_assets", "notice", "asset")


class Notice(Searchable, Record):
    __tablename__ = "notices"
    __kind__ = RecordKind(
        "notice",
        "通知",
        search_block=9,
        dated="issued_on",
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
            "source": "取得元",
            "feed_guid": "フィードの識別子",
        },
        values={"kind": NOTICE_KINDS, "status": NOTICE_STATUSES},
        title="title",
    )
    # (Migration 0004 also gives PostgreSQL the WHERE of the partial indexes; saying it
    # here would load the PostgreSQL dialect at every start-up.)
    __table_args__ = (
        Index("uq_notices_identity", "issuer", "issued_on", "title", unique=True,
              sqlite_where=text("feed_guid IS NULL")),
        Index("uq_notices_identity_undated", "issuer", "title", unique=True,
              sqlite_where=text("feed_guid IS NULL AND issued_on IS NULL")),
        one_of("kind", NOTICE_KINDS),
        one_of("status", NOTICE_STATUSES),
    )  # fmt: skip

    issuer: Mapped[str] = mapped_column(String(100))
    doc_number: Mapped[str] = mapped_column(String(100), default="")
    issued_on: Mapped[date | None] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20), default="tsuchi")
    status: Mapped[str] = mapped_column(String(20), default="unread", index=True)
    url: Mapped[str] = mapped_column(String(1000), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    interpretation: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    # The feed item's GUID (or link); None for a notice not taken from a feed.
    feed_guid: Mapped[str | None] = mapped_column(String(1000), unique=True)

    # Every deadline row of every kind, oldest first (current ones: ``is_current``).
    deadlines: Mapped[list[NoticeDeadline]] = relationship(
        back_populates="notice",
        cascade="all, delete-orphan",
        order_by="(NoticeDeadline.kind, NoticeDeadline.changed_at, NoticeDeadline.id)",
    )

    def current_deadlines(self) -> dict[str, date | None]:
        """kind → the current date of each deadline the notice has."""
        return {d.kind: d.deadline for d in self.deadlines if d.is_current}

    def search_document(self) -> tuple[str, str, str]:
        return (
            self.title,
            f"{self.issuer} {self.doc_number}".strip(),
            f"{self.summary} {self.interpretation}",
        )


class NoticeDeadline(Record):
    """One value a notice's deadline of one kind has had; ``is_current`` marks the one in
    force (module docstring)."""

    __tablename__ = "notice_deadlines"
    __kind__ = RecordKind(
        "notice_deadline",
        "通知の期限",
        fields={
            "notice_id": "通知",
            "kind": "期限の種類",
            "deadline": "期限",
            "is_current": "現在の期限",
            "changed_at": "変更日時",
            "reason": "変更理由",
        },
        values={"kind": NOTICE_DEADLINE_KINDS, "is_current": YES_NO},
        title="reason",
    )
    __table_args__ = (
        Index("ix_notice_deadlines_notice", "notice_id", "kind"),
        Index("uq_notice_deadlines_current", "notice_id", "kind", unique=True,
              sqlite_where=text("is_current = 1")),
        one_of("kind", NOTICE_DEADLINE_KINDS),
    )  # fmt: skip

    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), default="action")
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")

    notice: Mapped[Notice] = relationship(back_populates="deadlines")
