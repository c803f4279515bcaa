"""Saved column mappings of ledger files (取込設定)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.store.kinds import RecordKind
from app.store.models.base import Record


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
