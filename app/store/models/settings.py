"""Application settings shared by the GUI and the command line."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from app.store.kinds import RecordKind
from app.store.models.base import Base, utcnow


class Setting(Base):
    """Application settings shared by the GUI and the command line."""

    __tablename__ = "settings"
    __kind__ = RecordKind(
        "setting",
        "設定",
        fields={
            "key": "キー",
            "value": "値",
        },
        title="key",
    )

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
