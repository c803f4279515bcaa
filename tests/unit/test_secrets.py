"""SecretStore over a real (in-memory) keyring backend, the no-keyring fallback (memory
for this run, never a file), and licence keys that never reach the DB, log or history."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail, null
from keyring.errors import KeyringLocked
from sqlalchemy import func, select

from app.logs import setup_logging
from app.secrets import NO_KEYRING_MESSAGE, SecretStore, SecretStoreError
from app.services.inventory import licenses
from app.store.models import ChangeLogEntry, CredentialRef, License, SearchDoc
from tests.integration.keyring_test_backend import MemoryKeyring

KEY = "XK7Q2-PLM9W-RT4ZB-88HJD-QQ3VN"


class Ref:
    def __init__(self, service: str = "hitori", username: str = "nas-admin") -> None:
        self.service, self.username = service, username


class LockedKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the collection is locked")


@pytest.fixture
def use_backend() -> Iterator:
    previous = keyring.get_keyring()

    def install(backend: object) -> object:
        keyring.set_keyring(backend)
        return backend

    yield install
    keyring.set_keyring(previous)


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_keyring_backend_round_trip(use_backend) -> None:
    backend = use_backend(MemoryKeyring())
    store = SecretStore.from_keyring()
    assert store.is_persistent() and store.available and store.message == ""
    assert "MemoryKeyring" in store.backend_name()
    store.set(Ref(), "s3cret")
    assert backend.secrets == {("hitori", "nas-admin"): "s3cret"}
    assert store.get(Ref()) == "s3cret"
    assert store.get(Ref(username="other")) is None
    assert store.delete(Ref()) is True
    assert store.delete(Ref()) is False
    assert store.get(Ref()) is None
    assert "s3cret" not in repr(store)


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()], ids=["fail", "null"])
def test_no_usable_keyring_keeps_secrets_in_memory_only(use_backend, backend, tmp_path) -> None:
    use_backend(backend)
    home = Path.home()
    before = _files(home) | _files(tmp_path)
    store = SecretStore.from_keyring()
    assert not store.is_persistent() and not store.available
    assert store.message == NO_KEYRING_MESSAGE
    assert "終了すると消えます" in store.message
    store.set(Ref(), "s3cret")
    assert store.get(Ref()) == "s3cret"
    assert _files(home) | _files(tmp_path) == before  # no file fallback
    assert SecretStore.from_keyring().get(Ref()) is None  # another run: gone


def test_get_keyring_failing_means_memory_only(use_backend, monkeypatch) -> None:
    def broken() -> None:
        raise RuntimeError("no dbus")

    monkeypatch.setattr(keyring, "get_keyring", broken)
    store = SecretStore.from_keyring()
    assert not store.is_persistent() and store.message == NO_KEYRING_MESSAGE


def test_in_memory_store_and_bad_input() -> None:
    store = SecretStore.in_memory()
    assert not store.is_persistent() and "メモリ" in store.backend_name()
    with pytest.raises(SecretStoreError, match="空"):
        store.set(Ref(), "")
    with pytest.raises(SecretStoreError, match="サービス名"):
        store.set(Ref(service=""), "x")


def test_a_locked_keyring_refuses_with_a_message(use_backend) -> None:
    use_backend(LockedKeyring())
    store = SecretStore.from_keyring()
    with pytest.raises(SecretStoreError, match="キーリングに保存できませんでした"):
        store.set(Ref(), "s3cret")


@pytest.fixture
def licence_id(db) -> int:
    with db.sessions.begin() as s:
        return licenses.create_license(s, {"product": "一太郎 2026", "seats": 10}).id


def test_licence_key_never_reaches_db_log_or_history(use_backend, db, data_dir, licence_id) -> None:
    backend = use_backend(MemoryKeyring())
    setup_logging(data_dir.logs)
    try:
        store = SecretStore.from_keyring()
        # The service commits the reference, then puts the key into the keyring.
        ref_id = licenses.set_license_key(db.sessions, store, licence_id, KEY).id
        # Saving again reuses the reference.
        assert licenses.set_license_key(db.sessions, store, licence_id, KEY + "-2").id == ref_id
        with db.sessions() as s:
            ref = s.get(CredentialRef, ref_id)
            assert (ref.kind, ref.service) == ("license_key", "hitori")
            assert ref.label == f"ライセンスキー: 一太郎 2026 #{licence_id}"
            assert "OSの資格情報ストア" in ref.where_kept
            assert s.get(License, licence_id).key_credential_id == ref_id
            assert licenses.get_license_key(s, store, licence_id) == KEY + "-2"
            history = " ".join(
                f"{e.old_value} {e.new_value}" for e in s.execute(select(ChangeLogEntry)).scalars()
            )
            search = " ".join(
                f"{d.title} {d.subtitle}" for d in s.execute(select(SearchDoc)).scalars()
            )
        assert backend.secrets[(ref.service, ref.username)] == KEY + "-2"
        assert "ライセンスキー" in history and KEY not in history and KEY not in search
    finally:
        for handler in logging.getLogger("hitori").handlers:
            handler.flush()
        setup_logging(None)
    log_text = (data_dir.logs / "hitori.log").read_text(encoding="utf-8")
    assert "stored in" in log_text and KEY not in log_text
    db.dispose()  # checkpoint the WAL so every byte is in files we can read
    for path in data_dir.root.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def test_a_failing_store_leaves_no_reference(use_backend, db, licence_id) -> None:
    use_backend(LockedKeyring())
    store = SecretStore.from_keyring()
    with pytest.raises(SecretStoreError):
        licenses.set_license_key(db.sessions, store, licence_id, KEY)
    with db.sessions() as s:
        assert s.execute(select(func.count(CredentialRef.id))).scalar_one() == 0
        assert s.get(License, licence_id).key_credential_id is None


def test_deleting_the_licence_deletes_its_key(use_backend, db, licence_id) -> None:
    backend = use_backend(MemoryKeyring())
    store = SecretStore.from_keyring()
    licenses.set_license_key(db.sessions, store, licence_id, KEY)
    with db.sessions.begin() as s:
        licenses.delete_license(s, licence_id, store)
    assert backend.secrets == {}
    with db.sessions() as s:
        assert s.execute(select(func.count(CredentialRef.id))).scalar_one() == 0


def test_an_empty_key_is_a_field_error(db, licence_id) -> None:
    from app.services.errors import ValidationError

    with pytest.raises(ValidationError) as info:
        licenses.set_license_key(db.sessions, SecretStore.in_memory(), licence_id, "  ")
    assert info.value.errors[0].label == "ライセンスキー"
