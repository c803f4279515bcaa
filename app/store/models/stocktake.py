"""Stock-takes (棚卸): the sessions and the asset tags scanned in them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.store.kinds import YES_NO, RecordKind
from app.store.models.base import Record, utcnow


class StocktakeSession(Record):
    """One 棚卸 (stock-take): asset tags scanned or typed, compared with the ledger."""

    __tablename__ = "stocktake_sessions"
    __kind__ = RecordKind(
        "stocktake",
        "棚卸",
        fields={
            "name": "名称",
            "started_on": "開始日",
            "finished_on": "終了日",
            "location_id": "設置場所",
            "include_disposed": "廃棄済を含む",
            "notes": "備考",
        },
        values={"include_disposed": YES_NO},
    )

    name: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date] = mapped_column(Date)
    finished_on: Mapped[date | None] = mapped_column(Date)
    # Limit the expected assets to one location (None = the whole ledger).
    location_id: Mapped[int | None] = mapped_column(
        ForeignKey("locations.id", ondelete="SET NULL"), index=True
    )
    include_disposed: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")

    scans: Mapped[list[StocktakeScan]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="StocktakeScan.id"
    )


class StocktakeScan(Record):
    __tablename__ = "stocktake_scans"
    __kind__ = RecordKind(
        "stocktake_scan",
        "棚卸の読取",
        fields={
            "session_id": "棚卸",
            "scanned_tag": "読み取った番号",
            "asset_id": "資産",
            "seen_location_id": "読み取った場所",
            "scanned_at": "読取日時",
        },
        title="scanned_tag",
    )
    __audited__ = False
    __table_args__ = (
        UniqueConstraint("session_id", "scanned_tag", name="tag"),
        Index("ix_stocktake_scans_session_asset", "session_id", "asset_id"),  # reports
    )

    session_id: Mapped[int] = mapped_column(ForeignKey("stocktake_sessions.id", ondelete="CASCADE"))
    scanned_tag: Mapped[str] = mapped_column(String(60))
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("assets.id", ondelete="SET NULL"), index=True
    )
    seen_location_id: Mapped[int | None] = mapped_column(
        ForeignKey("locations.id", ondelete="SET NULL"), index=True
    )
    scanned_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    session: Mapped[StocktakeSession] = relationship(back_populates="scans")
