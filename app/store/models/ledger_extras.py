"""Ledger extras: custom fields per asset type, saved import mappings, stock-takes (棚卸)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
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

from app.store.kinds import YES_NO, RecordKind
from app.store.models.base import Record, one_of, utcnow
from app.store.vocab import CUSTOM_FIELD_KINDS


class CustomFieldDef(Record):
    """A field the user added to assets (of one type, or of every type when type is NULL).

    Values live in ``Asset.custom_fields`` under ``key``.
    """

    __tablename__ = "custom_field_defs"
    __kind__ = RecordKind(
        "custom_field",
        "独自項目",
        fields={
            "asset_type_id": "種別",
            "key": "キー",
            "label": "表示名",
            "kind": "値の型",
            "choices": "選択肢",
            "position": "順番",
        },
        values={"kind": CUSTOM_FIELD_KINDS},
        title="label",
    )
    __table_args__ = (
        UniqueConstraint("asset_type_id", "key", name="key"),
        one_of("kind", CUSTOM_FIELD_KINDS),
    )

    asset_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("asset_types.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(100))
    # text / number / date / choice
    kind: Mapped[str] = mapped_column(String(10), default="text")
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ImportProfile(Record):
    """A saved column mapping for a ledger file layout (e.g. 'Systemwalker 台帳')."""

    __tablename__ = "import_profiles"
    __kind__ = RecordKind(
        "import_profile",
        "取込設定",
        fields={
            "name": "名称",
            "mapping": "列の対応",
            "options": "設定",
        },
    )

    name: Mapped[str] = mapped_column(String(100), unique=True)
    # source column header → asset field name (or "custom:<key>", or "" to ignore)
    mapping: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


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
