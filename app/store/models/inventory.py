"""The asset ledger: assets, vendors and contacts, business systems, contracts, licences."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.store.kinds import YES_NO, RecordKind, coded
from app.store.models.base import Base, Record, Searchable, one_of
from app.store.models.reference import AssetType, Department, Location
from app.store.vocab import (
    ASSET_STATUSES,
    CIA_FIELDS,
    CIA_LEVELS,
    CONTRACT_KINDS,
    SEGMENTS,
    TOKUTEI_REASONS,
)


def _link(
    name: str, left: str, right: str, *, left_table: str = "", right_table: str = ""
) -> Table:
    """A link table: two columns, ``<left>_id`` and ``<right>_id``, together the primary
    key (which also serves lookups from the left), each deleted with its record; the
    right column has an index of its own for lookups from the other side. Tables are
    ``<left>s`` / ``<right>s`` unless named (app.services.links finds link tables by
    this shape)."""
    return Table(
        name,
        Base.metadata,
        Column(
            f"{left}_id",
            ForeignKey(f"{left_table or left + 's'}.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column(
            f"{right}_id",
            ForeignKey(f"{right_table or right + 's'}.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        ),
    )


asset_systems = _link("asset_systems", "asset", "business_system")
contract_assets = _link("contract_assets", "contract", "asset")
contract_systems = _link("contract_systems", "contract", "business_system")


class Vendor(Searchable, Record):
    __tablename__ = "vendors"
    __kind__ = RecordKind(
        "vendor",
        "ベンダー",
        search_block=4,
        fields={
            "name": "名称",
            "kana": "フリガナ",
            "phone": "代表電話",
            "support_hours": "サポート受付時間",
            "emergency_contact": "緊急連絡先",
            "address": "住所",
            "url": "URL",
            "notes": "備考",
        },
    )

    name: Mapped[str] = mapped_column(String(200), unique=True)
    kana: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(300), default="")
    support_hours: Mapped[str] = mapped_column(String(200), default="")
    emergency_contact: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="vendor", cascade="all, delete-orphan"
    )

    def search_document(self) -> tuple[str, str, str]:
        return (
            self.name,
            self.phone,
            f"{self.kana} {self.address} {self.support_hours} {self.notes}",
        )


class Contact(Searchable, Record):
    __tablename__ = "contacts"
    __kind__ = RecordKind(
        "contact",
        "連絡先",
        search_block=5,
        fields={
            "name": "氏名",
            "kana": "フリガナ",
            "role": "役割・所属",
            "phone": "電話",
            "email": "メール",
            "notes": "備考",
        },
    )

    vendor_id: Mapped[int | None] = mapped_column(
        ForeignKey("vendors.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    kana: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    vendor: Mapped[Vendor | None] = relationship(back_populates="contacts")

    def search_document(self) -> tuple[str, str, str]:
        return self.name, self.role, f"{self.kana} {self.phone} {self.email} {self.notes}"


class BusinessSystem(Searchable, Record):
    """A 業務システム, optionally one of the 20 標準化対象業務."""

    __tablename__ = "business_systems"
    __kind__ = RecordKind(
        "system",
        "業務システム",
        search_block=6,
        fields={
            "name": "システム名",
            "vendor_id": "ベンダー",
            "standard_business_id": "標準化対象業務",
            "department_id": "所管部署",
            "segment": "ネットワーク区分",
            "description": "概要",
            "tokutei_iko": "特定移行支援システム",
            "tokutei_reason": "特定移行支援の事由",
            "tokutei_deadline": "特定移行支援の移行期限",
            "migration_planned_on": "移行予定日",
            "notes": "備考",
        },
        values={
            "segment": SEGMENTS,
            "tokutei_iko": YES_NO,
            "tokutei_reason": coded(TOKUTEI_REASONS),
        },
    )
    __table_args__ = (
        CheckConstraint("tokutei_reason IS NULL OR tokutei_reason BETWEEN 1 AND 4", "reason"),
        one_of("segment", SEGMENTS),
    )

    name: Mapped[str] = mapped_column(String(200), unique=True)
    vendor_id: Mapped[int | None] = mapped_column(
        ForeignKey("vendors.id", ondelete="SET NULL"), index=True
    )
    standard_business_id: Mapped[str | None] = mapped_column(
        ForeignKey("standard_businesses.id"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    segment: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    # 特定移行支援システム: flag, reason (1-4), its own deadline.
    tokutei_iko: Mapped[bool] = mapped_column(Boolean, default=False)
    tokutei_reason: Mapped[int | None] = mapped_column(Integer)
    tokutei_deadline: Mapped[date | None] = mapped_column(Date)
    migration_planned_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    vendor: Mapped[Vendor | None] = relationship()

    def search_document(self) -> tuple[str, str, str]:
        return self.name, "", f"{self.description} {self.notes}"


# The asset fields a person reads and edits, in the order the editor shows them.
ASSET_FIELDS: dict[str, str] = {
    "asset_tag": "資産管理番号",
    "name": "名称",
    "asset_type_id": "種別",
    "status": "状態",
    "segment": "ネットワーク区分",
    "department_id": "部署",
    "location_id": "設置場所",
    "user_name": "利用者",
    "hostname": "ホスト名",
    "ip_address": "IPアドレス",
    "mac_address": "MACアドレス",
    "serial_number": "シリアル番号",
    "manufacturer": "メーカー",
    "model": "型番",
    "os_name": "OS",
    "purchase_date": "購入日",
    "lease_end": "リース終了日",
    "maintenance_end": "保守終了日",
    "eol_date": "サポート終了日（EOL）",
    "last_audited_on": "最終棚卸日",
    "confidentiality": "機密性",
    "integrity": "完全性",
    "availability": "可用性",
    "notes": "備考",
}


def _asset_title(asset: Asset) -> str:
    return f"{asset.asset_tag} {asset.name}".strip()


class Asset(Searchable, Record):
    __tablename__ = "assets"
    __kind__ = RecordKind(
        "asset",
        "資産",
        search_block=1,
        fields=ASSET_FIELDS,
        values={
            "status": ASSET_STATUSES,
            "segment": SEGMENTS,
            **dict.fromkeys(CIA_FIELDS, coded(CIA_LEVELS)),
        },
        title=_asset_title,
    )
    __table_args__ = (
        CheckConstraint("confidentiality IS NULL OR confidentiality BETWEEN 1 AND 3", "conf"),
        CheckConstraint("integrity IS NULL OR integrity BETWEEN 1 AND 3", "integ"),
        CheckConstraint("availability IS NULL OR availability BETWEEN 1 AND 3", "avail"),
        one_of("status", ASSET_STATUSES),
        one_of("segment", SEGMENTS),
        Index("ix_assets_serial", "serial_number"),
        Index("ix_assets_mac", "mac_address"),
        Index("ix_assets_hostname", "hostname"),
        Index("ix_assets_maintenance_end", "maintenance_end"),
        Index("ix_assets_eol", "eol_date"),
        Index("ix_assets_lease_end", "lease_end"),
        Index("ix_assets_last_seen_at", "last_seen_at"),
        Index("ix_assets_last_audited_on", "last_audited_on"),
    )

    asset_tag: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    asset_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("asset_types.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="in_use", index=True)
    segment: Mapped[str | None] = mapped_column(String(20), index=True)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    location_id: Mapped[int | None] = mapped_column(
        ForeignKey("locations.id", ondelete="SET NULL"), index=True
    )
    user_name: Mapped[str] = mapped_column(String(100), default="")
    hostname: Mapped[str] = mapped_column(String(100), default="")
    ip_address: Mapped[str] = mapped_column(String(60), default="")
    mac_address: Mapped[str] = mapped_column(String(40), default="")
    serial_number: Mapped[str] = mapped_column(String(100), default="")
    manufacturer: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(100), default="")
    os_name: Mapped[str] = mapped_column(String(100), default="")
    purchase_date: Mapped[date | None] = mapped_column(Date)
    lease_end: Mapped[date | None] = mapped_column(Date)
    maintenance_end: Mapped[date | None] = mapped_column(Date)
    eol_date: Mapped[date | None] = mapped_column(Date)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_audited_on: Mapped[date | None] = mapped_column(Date)
    confidentiality: Mapped[int | None] = mapped_column(Integer)
    integrity: Mapped[int | None] = mapped_column(Integer)
    availability: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    asset_type: Mapped[AssetType | None] = relationship()
    department: Mapped[Department | None] = relationship()
    location: Mapped[Location | None] = relationship()
    systems: Mapped[list[BusinessSystem]] = relationship(secondary=asset_systems)

    def search_document(self) -> tuple[str, str, str]:
        custom = " ".join(str(v) for v in (self.custom_fields or {}).values())
        body = " ".join(
            (
                self.hostname,
                self.ip_address,
                self.mac_address,
                self.serial_number,
                self.manufacturer,
                self.model,
                self.os_name,
                self.user_name,
                self.notes,
                custom,
            )
        )
        return self.name, self.asset_tag, body


class Contract(Searchable, Record):
    __tablename__ = "contracts"
    __kind__ = RecordKind(
        "contract",
        "契約",
        search_block=7,
        dated="end_date",
        fields={
            "title": "件名",
            "kind": "種別",
            "contract_number": "契約番号",
            "vendor_id": "ベンダー",
            "start_date": "開始日",
            "end_date": "終了日",
            "amount_yen": "金額（円）",
            "auto_renew": "自動更新",
            "notice_days": "解約予告（日前）",
            "notes": "備考",
        },
        values={"kind": CONTRACT_KINDS, "auto_renew": YES_NO},
        title="title",
    )
    __table_args__ = (one_of("kind", CONTRACT_KINDS),)

    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="maintenance")
    contract_number: Mapped[str] = mapped_column(String(60), default="")
    vendor_id: Mapped[int | None] = mapped_column(
        ForeignKey("vendors.id", ondelete="SET NULL"), index=True
    )
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, index=True)
    amount_yen: Mapped[int | None] = mapped_column(BigInteger)
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=False)
    notice_days: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")

    vendor: Mapped[Vendor | None] = relationship()
    assets: Mapped[list[Asset]] = relationship(secondary=contract_assets)
    systems: Mapped[list[BusinessSystem]] = relationship(secondary=contract_systems)

    def search_document(self) -> tuple[str, str, str]:
        return self.title, self.contract_number, self.notes


class License(Searchable, Record):
    """A software licence. The licence key itself lives in the keyring (credential_ref)."""

    __tablename__ = "licenses"
    __kind__ = RecordKind(
        "license",
        "ライセンス",
        search_block=8,
        dated="expiry_date",
        fields={
            "product": "製品名",
            "vendor_id": "ベンダー",
            "seats": "ライセンス数（席）",
            "expiry_date": "有効期限",
            "contract_id": "契約",
            "notes": "備考",
        },
        title="product",
    )

    product: Mapped[str] = mapped_column(String(200))
    vendor_id: Mapped[int | None] = mapped_column(
        ForeignKey("vendors.id", ondelete="SET NULL"), index=True
    )
    seats: Mapped[int] = mapped_column(Integer, default=1)
    expiry_date: Mapped[date | None] = mapped_column(Date, index=True)
    key_credential_id: Mapped[int | None] = mapped_column(
        ForeignKey("credential_refs.id", ondelete="SET NULL"), index=True
    )
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contracts.id", ondelete="SET NULL"), index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")

    assignments: Mapped[list[LicenseAssignment]] = relationship(
        back_populates="license", cascade="all, delete-orphan"
    )

    def search_document(self) -> tuple[str, str, str]:
        return self.product, "", self.notes


class LicenseAssignment(Record):
    __tablename__ = "license_assignments"
    __kind__ = RecordKind(
        "license_assignment",
        "ライセンス割当",
        fields={
            "license_id": "ライセンス",
            "asset_id": "資産",
            "user_name": "利用者",
            "assigned_on": "割当日",
        },
        title="user_name",
    )
    __table_args__ = (
        CheckConstraint("asset_id IS NOT NULL OR user_name <> ''", "target"),
        # One seat per licence and asset, or per licence and user without an asset.
        # (Migration 0003 also gives PostgreSQL the WHERE; saying it here would load the
        # PostgreSQL dialect at every start-up.)
        Index("uq_license_assignments_asset", "license_id", "asset_id", unique=True,
              sqlite_where=text("asset_id IS NOT NULL")),
        Index("uq_license_assignments_user", "license_id", "user_name", unique=True,
              sqlite_where=text("asset_id IS NULL")),
    )  # fmt: skip

    # Plain indexes for the foreign keys: the partial unique indexes above cannot serve
    # a lookup by licence (or asset) alone.
    license_id: Mapped[int] = mapped_column(
        ForeignKey("licenses.id", ondelete="CASCADE"), index=True
    )
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), index=True
    )
    user_name: Mapped[str] = mapped_column(String(100), default="")
    assigned_on: Mapped[date | None] = mapped_column(Date)

    license: Mapped[License] = relationship(back_populates="assignments")
