"""The fields users add to assets (独自項目), per asset type or for all."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.store.kinds import RecordKind
from app.store.models.base import Record, one_of
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
