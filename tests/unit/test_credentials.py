"""The credential-reference service: the reference is committed before the keyring gets
the value, a refused value takes its new reference with it, deleting empties the keyring
first, and nothing about a secret but its reference reaches the database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import keyring
import pytest
from keyring.errors import KeyringLocked
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.secrets import MAX_SECRET_CHARS, SecretStore, SecretStoreError
from app.services import credentials
from app.services.credentials import (
    CredentialError,
    LabelAllocator,
    PendingSecret,
    RefSpec,
    check_label,
    check_secret,
    delete_secret,
    put_secrets,
    secret_problem,
    set_secret,
)
from app.services.inventory import licenses
from app.store.models import ChangeLogEntry, CredentialRef, License, SearchDoc
from tests.integration.keyring_test_backend import MemoryKeyring

SECRET = "Adm1n-P@ss-東京"


class LockedKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the collection is locked")


class RefusesAfter(MemoryKeyring):
    """Stores ``n`` values, then refuses every other."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def set_password(self, service: str, username: str, password: str) -> None:
        if len(self.secrets) >= self.n:
            raise KeyringLocked("locked")
        super().set_password(service, username, password)


class SeesTheDatabase(MemoryKeyring):
    """Records, when a value arrives, whether its reference is already committed (read
    through a connection of its own, as another process would)."""

    def __init__(self, db_path: str) -> None:
        super().__init__()
        self.db_path = db_path
        self.committed: list[bool] = []

    def set_password(self, service: str, username: str, password: str) -> None:
        with closing(sqlite3.connect(self.db_path)) as conn:
            row = conn.execute(
                "SELECT 1 FROM credential_refs WHERE service = ? AND username = ?",
                (service, username),
            ).fetchone()
        self.committed.append(row is not None)
        super().set_password(service, username, password)


@pytest.fixture
def use_backend() -> Iterator[Any]:
    previous = keyring.get_keyring()

    def install(backend: Any) -> SecretStore:
        keyring.set_keyring(backend)
        return SecretStore.from_keyring()

    yield install
    keyring.set_keyring(previous)


def refs(db: Any) -> list[tuple[str, str, str, str]]:
    with db.sessions() as s:
        rows = s.execute(
            select(
                CredentialRef.label, CredentialRef.kind, CredentialRef.username,
                CredentialRef.where_kept,
            ).order_by(CredentialRef.id)
        )  # fmt: skip
        return [tuple(r) for r in rows]


def test_set_commits_the_reference_before_the_keyring_sees_the_value(
    db: Any, use_backend: Any
) -> None:
    backend = SeesTheDatabase(str(db.data_dir.db_path))
    store = use_backend(backend)
    outcome = set_secret(db.sessions, store, " NAS 管理者 ", SECRET)
    assert outcome.created and outcome.ref.label == "NAS 管理者"
    assert backend.committed == [True]
    assert backend.secrets == {("hitori", "NAS 管理者"): SECRET}
    ((label, kind, username, where),) = refs(db)
    assert (label, kind, username) == ("NAS 管理者", "password", "NAS 管理者")
    assert "OSの資格情報ストア" in where
    again = set_secret(db.sessions, store, "NAS 管理者", "new")
    assert not again.created and again.ref.id == outcome.ref.id
    assert backend.secrets[("hitori", "NAS 管理者")] == "new" and len(refs(db)) == 1


def test_a_refused_value_takes_its_new_reference_with_it(db: Any, use_backend: Any) -> None:
    store = use_backend(LockedKeyring())
    with pytest.raises(SecretStoreError, match="キーリングに保存できませんでした"):
        set_secret(db.sessions, store, "VPN", SECRET)
    assert refs(db) == []
    with db.sessions() as s:  # the insert and its removal are both in the history
        actions = s.scalars(
            select(ChangeLogEntry.action).where(ChangeLogEntry.table_name == "credential_refs")
        ).all()
        assert actions == ["insert", "delete"]
        indexed = select(func.count(SearchDoc.id)).where(SearchDoc.kind == "credential")
        assert s.scalar(indexed) == 0


def test_an_existing_reference_is_left_as_it_was_when_the_keyring_refuses(
    db: Any, use_backend: Any
) -> None:
    memory = MemoryKeyring()
    set_secret(db.sessions, use_backend(memory), "VPN", "old")
    before = refs(db)
    locked = LockedKeyring()
    locked.secrets = memory.secrets  # the same keyring, locked now
    with pytest.raises(SecretStoreError):
        set_secret(db.sessions, use_backend(locked), "VPN", "new")
    assert refs(db) == before
    assert memory.secrets == {("hitori", "VPN"): "old"}


def test_a_failing_commit_never_reaches_the_keyring(db: Any, use_backend: Any) -> None:
    backend = MemoryKeyring()
    store = use_backend(backend)

    def prepare(session: Session, where_kept: str) -> tuple[CredentialRef, bool]:
        # A deferred foreign key: the flush succeeds, the COMMIT itself fails.
        session.execute(text("PRAGMA defer_foreign_keys = ON"))
        ref = credentials.new_reference(session, label="壊れる", where_kept=where_kept)
        session.add(License(product="x", seats=1, key_credential_id=ref.id + 1000))
        session.flush()
        return ref, True

    with pytest.raises(IntegrityError):
        credentials.save_secret(db.sessions, store, SECRET, prepare)
    assert backend.secrets == {} and refs(db) == []


def test_delete_empties_the_keyring_first_and_keeps_references_in_use(
    db: Any, use_backend: Any
) -> None:
    backend = MemoryKeyring()
    store = use_backend(backend)
    set_secret(db.sessions, store, "使われていない", "a")
    lic_id = _licence(db)
    licenses.set_license_key(db.sessions, store, lic_id, "KEY-1")
    with db.sessions() as s:
        key_label = s.get(CredentialRef, s.get(License, lic_id).key_credential_id).label
    gone = delete_secret(db.sessions, store, "使われていない")
    assert gone.had_secret and not gone.kept_reference
    kept = delete_secret(db.sessions, store, key_label)
    assert kept.had_secret and kept.kept_reference
    assert backend.secrets == {}
    assert refs(db) == [(key_label, "license_key", refs(db)[0][2], "")]
    again = delete_secret(db.sessions, store, key_label)
    assert not again.had_secret
    with pytest.raises(CredentialError, match="登録されていません"):
        delete_secret(db.sessions, store, "ない")


def test_delete_refused_by_the_keyring_changes_nothing(db: Any, use_backend: Any) -> None:
    class NoDelete(MemoryKeyring):
        def delete_password(self, service: str, username: str) -> None:
            raise KeyringLocked("locked")

    backend = NoDelete()
    store = use_backend(backend)
    set_secret(db.sessions, store, "VPN", SECRET)
    before = refs(db)
    with pytest.raises(SecretStoreError, match="削除できませんでした"):
        delete_secret(db.sessions, store, "VPN")
    assert refs(db) == before and backend.secrets


def _licence(db: Any) -> int:
    with db.sessions.begin() as s:
        return licenses.create_license(s, {"product": "一太郎 2026", "seats": 10}).id


def test_many_references_then_their_values_stop_at_the_first_refusal(
    db: Any, use_backend: Any
) -> None:
    backend = RefusesAfter(2)
    store = use_backend(backend)
    specs = [RefSpec(f"PC-000{n} パスワード", "password") for n in (1, 2, 3, 4)]
    with db.sessions.begin() as s:
        set_before = LabelAllocator(s)
        assert set_before.take("x") == "x"
        keys = credentials.new_references(s, specs, where_kept=store.where_kept())
    pending = [PendingSecret(k, f"v{n}") for n, k in enumerate(keys)]
    assert "v0" not in repr(pending)
    outcome = put_secrets(db.sessions, store, pending)
    assert outcome.stored == 2
    assert outcome.not_stored == ("PC-0003 パスワード", "PC-0004 パスワード")
    assert not outcome.references_kept
    assert "キーリングに保存できなかった値があります" in outcome.message()
    assert "PC-0003 パスワード、PC-0004 パスワード" in outcome.message()
    assert [r[0] for r in refs(db)] == ["PC-0001 パスワード", "PC-0002 パスワード"]
    assert sorted(backend.secrets.values()) == ["v0", "v1"]


def test_labels_are_made_unique_within_their_length(db: Any) -> None:
    with db.sessions.begin() as s:
        credentials.new_reference(s, label="PC-0001 パスワード")
        credentials.new_reference(s, label="L" * 100)
        labels = LabelAllocator(s)
        assert labels.take("PC-0001 パスワード") == "PC-0001 パスワード (2)"
        assert labels.take("PC-0001 パスワード") == "PC-0001 パスワード (3)"
        long = labels.take("L" * 120)
        assert long == "L" * 96 + " (2)" and len(long) == 100
        assert credentials.free_label(s, "新しい") == "新しい"


def test_input_checks() -> None:
    assert check_label("  VPN ") == "VPN"
    for bad in ("", "   ", "a\tb", "x" * 101):
        with pytest.raises(CredentialError, match="ラベル"):
            check_label(bad)
    assert check_secret("p@ss 東京") == "p@ss 東京"
    assert secret_problem("") == "値が空です"
    for bad in ("a\x00b", "a\tb", "a\nb", "a\x7fb", "a\x85b"):
        assert "制御文字" in (secret_problem(bad) or "")
    assert "長すぎます" in (secret_problem("x" * (MAX_SECRET_CHARS + 1)) or "")
    assert secret_problem("x" * MAX_SECRET_CHARS) is None
    with pytest.raises(CredentialError, match="制御文字"):
        check_secret("a\x00b")
