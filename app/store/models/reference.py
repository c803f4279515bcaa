"""Reference data: departments, locations, makers, asset types, the 20 標準化対象業務."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.kinds import RecordKind
from app.store.models.base import Base, Record, Searchable, one_of
from app.store.vocab import ASSET_CATEGORIES


class Department(Searchable, Record):
    __tablename__ = "departments"
    __kind__ = RecordKind(
        "department",
        "部署",
        search_block=2,
        fields={
            "name": "名称",
            "code": "部署コード",
            "phone": "電話",
            "notes": "備考",
            "retired_on": "廃止日",
        },
    )

    name: Mapped[str] = mapped_column(String(100), unique=True)
    code: Mapped[str | None] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str] = mapped_column(Text, default="")
    retired_on: Mapped[date | None] = mapped_column(Date)

    def search_document(self) -> tuple[str, str, str]:
        return self.name, self.code or "", f"{self.phone or ''} {self.notes}"


class Location(Searchable, Record):
    __tablename__ = "locations"
    __kind__ = RecordKind(
        "location",
        "設置場所",
        search_block=3,
        fields={
            "name": "名称",
            "building": "建物",
            "floor": "階",
            "notes": "備考",
            "retired_on": "廃止日",
        },
    )

    name: Mapped[str] = mapped_column(String(100), unique=True)
    building: Mapped[str | None] = mapped_column(String(100))
    floor: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")
    retired_on: Mapped[date | None] = mapped_column(Date)

    def search_document(self) -> tuple[str, str, str]:
        return self.name, self.building or "", self.notes


class Manufacturer(Record):
    """A maker in the list assets choose from. An asset names its maker by text
    (``Asset.manufacturer``); this list holds the makers added in the program (before
    any asset names them) and their 廃止. The list shown is these and the names in use."""

    __tablename__ = "manufacturers"
    __kind__ = RecordKind(
        "manufacturer",
        "メーカー",
        fields={"name": "名称", "notes": "備考", "retired_on": "廃止日"},
    )

    name: Mapped[str] = mapped_column(String(100), unique=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    retired_on: Mapped[date | None] = mapped_column(Date)


class AssetType(Record):
    __tablename__ = "asset_types"
    __kind__ = RecordKind(
        "asset_type",
        "資産種別",
        fields={
            "code": "コード",
            "name": "名称",
            "category": "分類",
            "sort_order": "並び順",
            "retired_on": "廃止日",
        },
        values={"category": ASSET_CATEGORIES},
    )
    __table_args__ = (one_of("category", ASSET_CATEGORIES),)

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    # hardware / software / network / service
    category: Mapped[str] = mapped_column(String(20), default="hardware")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    retired_on: Mapped[date | None] = mapped_column(Date)


class StandardBusiness(Base):
    """One of the 20 標準化対象業務 (stable string id such as ``jumin``)."""

    __tablename__ = "standard_businesses"
    __kind__ = RecordKind(
        "standard_business",
        "標準化対象業務",
        fields={
            "id": "業務ID",
            "name": "業務名",
            "aliases": "別名",
            "lead_ministry": "所管府省",
            "sort_order": "並び順",
            "parent_id": "親業務",
        },
    )

    id: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    aliases: Mapped[str] = mapped_column(String(120), default="")
    lead_ministry: Mapped[str] = mapped_column(String(40), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("standard_businesses.id"), index=True)
