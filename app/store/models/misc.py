"""Attachments, credential references, SSH hosts and their known keys, settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models.base import Base, Record, Searchable, utcnow


class Attachment(Searchable, Record):
    """A file attached to any record; the bytes live under the data dir's attachments/."""

    __tablename__ = "attachments"
    __label__ = "添付ファイル"
    search_kind = "attachment"
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


class CredentialRef(Searchable, Record):
    """Where a secret is kept: the keyring service and username. Never the secret itself."""

    __tablename__ = "credential_refs"
    __label__ = "認証情報の参照"
    search_kind = "credential"

    label: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="password")
    service: Mapped[str] = mapped_column(String(200))
    username: Mapped[str] = mapped_column(String(200), default="")
    where_kept: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    def search_document(self) -> tuple[str, str, str]:
        return self.label, self.username, f"{self.where_kept} {self.notes}"


class SshHost(Record):
    __tablename__ = "ssh_hosts"
    __label__ = "SSH接続先"
    __table_args__ = (UniqueConstraint("hostname", "port", "username", name="target"),)

    hostname: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer, default=22)
    username: Mapped[str] = mapped_column(String(100))
    key_path: Mapped[str] = mapped_column(String(1000), default="")
    credential_id: Mapped[int | None] = mapped_column(
        ForeignKey("credential_refs.id", ondelete="SET NULL")
    )
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")


class KnownHostKey(Record):
    """A host key the user has seen and accepted (trust on first use, then verified)."""

    __tablename__ = "known_host_keys"
    __label__ = "SSHホスト鍵"
    __table_args__ = (UniqueConstraint("hostname", "port", "key_type", name="key"),)

    hostname: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer, default=22)
    key_type: Mapped[str] = mapped_column(String(40))
    public_key_b64: Mapped[str] = mapped_column(Text)
    fingerprint_sha256: Mapped[str] = mapped_column(String(100))
    accepted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    accepted_by: Mapped[str] = mapped_column(String(100), default="")


class Setting(Base):
    """Application settings shared by the GUI and the command line."""

    __tablename__ = "settings"
    __label__ = "設定"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
