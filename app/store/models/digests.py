"""Digests (ダイジェスト): what the officer sends colleagues about a period — notices,
regulation changes, Q&A notes and a few lines of their own — kept, so that the next
digest starts the day after the last one ended.

A digest holds its period, the officer's own lines (``intro``), which sections it took
(``sections``: codes of app.store.vocab.DIGEST_SECTIONS, comma-separated) and the items
it chose (``DigestItem``: a record kind and id, the topic it is filed under, its place,
and a comment). An item whose record was deleted since is shown as gone, not dropped:
the digest is a record of what was sent.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.store.kinds import RecordKind
from app.store.models.base import Record


class Digest(Record):
    __tablename__ = "digests"
    __kind__ = RecordKind(
        "digest",
        "ダイジェスト",
        dated="period_end",
        fields={
            "title": "件名",
            "period_start": "期間の始め",
            "period_end": "期間の終わり",
            "intro": "前書き",
            "sections": "載せるもの",
        },
        title="title",
    )
    __table_args__ = (CheckConstraint("period_end >= period_start", "period"),)

    title: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date, index=True)
    intro: Mapped[str] = mapped_column(Text, default="")
    sections: Mapped[str] = mapped_column(String(200), default="")

    items: Mapped[list[DigestItem]] = relationship(
        back_populates="digest", cascade="all, delete-orphan", order_by="DigestItem.position"
    )


class DigestItem(Record):
    __tablename__ = "digest_items"
    __kind__ = RecordKind(
        "digest_item",
        "ダイジェストの項目",
        fields={
            "digest_id": "ダイジェスト",
            "ref_kind": "種類",
            "ref_id": "記録",
            "topic": "トピック",
            "position": "順番",
            "comment": "ひとこと",
        },
        title="topic",
    )
    __table_args__ = (
        UniqueConstraint("digest_id", "position", name="position"),
        UniqueConstraint("digest_id", "ref_kind", "ref_id", name="once"),
    )

    digest_id: Mapped[int] = mapped_column(ForeignKey("digests.id", ondelete="CASCADE"))
    ref_kind: Mapped[str] = mapped_column(String(30))
    ref_id: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(String(60), default="")
    position: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")

    digest: Mapped[Digest] = relationship(back_populates="items")
