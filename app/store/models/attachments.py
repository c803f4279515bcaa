"""Files attached to any record; the bytes live under the data folder's attachments/."""

from __future__ import annotations

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.kinds import RecordKind
from app.store.models.base import Record, Searchable


class Attachment(Searchable, Record):
    """A file attached to any record; the bytes live under the data dir's attachments/."""

    __tablename__ = "attachments"
    __kind__ = RecordKind(
        "attachment",
        "添付ファイル",
        search_block=16,
        fields={
            "owner_kind": "添付先の種類",
            "owner_id": "添付先",
            "filename": "ファイル名",
            "media_type": "ファイルの種類",
            "size_bytes": "サイズ（バイト）",
            "sha256": "SHA-256",
            "stored_name": "保存名",
            "description": "説明",
        },
        title="filename",
    )
    __table_args__ = (Index("ix_attachments_owner", "owner_kind", "owner_id"),)

    owner_kind: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")

    def search_document(self) -> tuple[str, str, str]:
        return self.filename, "", self.description
