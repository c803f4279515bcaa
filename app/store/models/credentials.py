"""Credential references (where a secret is kept, never the secret), SSH hosts, and the
host keys accepted for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.store.kinds import RecordKind
from app.store.models.base import Record, Searchable, one_of, utcnow
from app.store.vocab import CREDENTIAL_KINDS


class CredentialRef(Searchable, Record):
    """Where a secret is kept: the keyring service and username. Never the secret itself."""

    __tablename__ = "credential_refs"
    __kind__ = RecordKind(
        "credential",
        "認証情報の参照",
        search_block=15,
        fields={
            "label": "ラベル",
            "kind": "種類",
            "service": "サービス",
            "username": "ユーザー名",
            "where_kept": "保管場所",
            "notes": "備考",
        },
        values={"kind": CREDENTIAL_KINDS},
        title="label",
    )
    __table_args__ = (one_of("kind", CREDENTIAL_KINDS),)

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
    __kind__ = RecordKind(
        "ssh_host",
        "SSH接続先",
        fields={
            "hostname": "ホスト名",
            "port": "ポート",
            "username": "ユーザー名",
            "key_path": "鍵ファイル",
            "credential_id": "認証情報",
            "asset_id": "資産",
            "notes": "備考",
        },
        title="hostname",
    )
    __table_args__ = (UniqueConstraint("hostname", "port", "username", name="target"),)

    hostname: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer, default=22)
    username: Mapped[str] = mapped_column(String(100))
    key_path: Mapped[str] = mapped_column(String(1000), default="")
    credential_id: Mapped[int | None] = mapped_column(
        ForeignKey("credential_refs.id", ondelete="SET NULL"), index=True
    )
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("assets.id", ondelete="SET NULL"), index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")


class KnownHostKey(Record):
    """A host key the user has seen and accepted (trust on first use, then verified)."""

    __tablename__ = "known_host_keys"
    __kind__ = RecordKind(
        "known_host_key",
        "SSHホスト鍵",
        fields={
            "hostname": "ホスト名",
            "port": "ポート",
            "key_type": "鍵の種類",
            "public_key_b64": "公開鍵",
            "fingerprint_sha256": "フィンガープリント",
            "accepted_at": "承認日時",
            "accepted_by": "承認者",
        },
        title="fingerprint_sha256",
    )
    __table_args__ = (UniqueConstraint("hostname", "port", "key_type", name="key"),)

    hostname: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer, default=22)
    key_type: Mapped[str] = mapped_column(String(40))
    public_key_b64: Mapped[str] = mapped_column(Text)
    fingerprint_sha256: Mapped[str] = mapped_column(String(100))
    accepted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    accepted_by: Mapped[str] = mapped_column(String(100), default="")
