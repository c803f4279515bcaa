"""Ledger columns holding secrets (finding 8): never stored in clear. Skipped by default;
sent to the keyring as one credential reference per value, the references written in the
import's transaction and the values only after it committed; refused values named."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.errors import KeyringLocked
from sqlalchemy import func, select

from app.interchange.asset_mapping import IGNORE, KEYRING, suggest_mapping
from app.interchange.table_reader import TableData, read_table_bytes
from app.logs import setup_logging
from app.secrets import SecretStore
from app.services.inventory.asset_import import (
    ImportPreview,
    ImportRejected,
    NoSecretStore,
    apply_import,
    match_profile,
    preview_import,
    save_profile,
    secret_columns,
)
from app.services.inventory.import_values import ValueChoices
from app.store.models import Asset, ChangeLogEntry, CredentialRef, SearchDoc
from tests.integration.keyring_test_backend import MemoryKeyring

PW1, PW2, KEY = "Zq8!tokyo-PW-0001", "Zq8!tokyo-PW-0002", "XK7Q2-PLM9W-RT4ZB-88HJD"
LEDGER = (
    "資産管理番号,名称,管理者パスワード,プロダクトキー,キーボード,キー番号\n"
    f"PC-0001,総務PC,{PW1},{KEY},JIS,K-12\n"
    f"PC-0002,税務PC,{PW2},,US,K-13\n"
    "PC-0003,会議室PC,-,,JIS,\n"
)


class LockedKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the collection is locked")


class SeesTheDatabase(MemoryKeyring):
    """Notes, when a value arrives, whether its reference is already committed."""

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path
        self.committed: list[bool] = []

    def set_password(self, service: str, username: str, password: str) -> None:
        with closing(sqlite3.connect(self.db_path)) as conn:
            row = conn.execute(
                "SELECT 1 FROM credential_refs WHERE username = ?", (username,)
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


def table(body: str = LEDGER) -> TableData:
    return read_table_bytes(body.encode(), name="ledger.csv")


def preview(db: Any, data: TableData, mapping: dict[str, str] | None = None) -> ImportPreview:
    with db.sessions() as session:
        return preview_import(
            session, data, mapping or suggest_mapping(data.headers),
            values=ValueChoices(create_missing=True),
        )  # fmt: skip


def keyring_mapping(data: TableData) -> dict[str, str]:
    return {**suggest_mapping(data.headers), "管理者パスワード": KEYRING, "プロダクトキー": KEYRING}


def references(db: Any) -> list[tuple[str, str, str]]:
    with db.sessions() as s:
        rows = s.execute(
            select(CredentialRef.label, CredentialRef.kind, CredentialRef.notes).order_by(
                CredentialRef.id
            )
        )
        return [tuple(r) for r in rows]


def everything_in_the_database(db: Any) -> str:
    with db.sessions() as s:
        parts = [repr(a.custom_fields) for a in s.scalars(select(Asset))]
        parts += [f"{e.old_value} {e.new_value}" for e in s.scalars(select(ChangeLogEntry))]
        parts += [f"{d.title} {d.subtitle}" for d in s.scalars(select(SearchDoc))]
    return " ".join(parts)


def test_the_preview_names_each_secret_column_and_skips_it_by_default(db: Any) -> None:
    data = table()
    pv = preview(db, data)
    assert [(c.header, c.kind, c.to_keyring, c.values) for c in pv.secret_columns] == [
        ("管理者パスワード", "password", False, 2),  # 「-」 is empty
        ("プロダクトキー", "license_key", False, 1),
    ]
    assert pv.secret_columns[0].describe() == (
        "「管理者パスワード」（値 2 件）: 秘密の値のため取り込みません"
        "（データベースにも履歴にも残しません）"
    )
    assert pv.mapping["キーボード"] == "custom:キーボード"
    assert pv.new_custom_fields == ["キーボード", "キー番号"]
    assert all(PW1 not in repr(r) and KEY not in repr(r) for r in pv.rows)
    result = apply_import(db.sessions, pv)
    assert result.created == 3 and result.secrets.stored == 0
    text = everything_in_the_database(db)
    assert PW1 not in text and KEY not in text and "JIS" in text
    assert references(db) == []


def test_a_secret_column_left_out_of_a_mapping_is_not_imported(db: Any) -> None:
    data = table()
    pv = preview(db, data, {"資産管理番号": "asset_tag", "名称": "name"})
    assert pv.mapping["管理者パスワード"] == IGNORE and pv.mapping["キー番号"] == "custom:キー番号"
    assert not pv.file_problems


def test_a_secret_column_mapped_to_a_field_or_custom_field_is_refused(db: Any) -> None:
    data = table()
    mapping = {**suggest_mapping(data.headers), "管理者パスワード": "custom:管理者パスワード",
               "プロダクトキー": "notes"}  # fmt: skip
    pv = preview(db, data, mapping)
    messages = [str(p) for p in pv.file_problems]
    assert len(messages) == 2
    assert messages[0].startswith("「管理者パスワード」: 秘密の値（パスワード・キーなど）の列は")
    assert "「キーリングに保存」か「取り込まない」を選んでください" in messages[1]
    with pytest.raises(ImportRejected):
        apply_import(db.sessions, pv)
    with db.sessions() as s:
        assert s.scalar(select(func.count(Asset.id))) == 0


def test_keyring_values_are_nowhere_in_the_database_files_nor_the_log(
    db: Any, data_dir: Any, use_backend: Any
) -> None:
    backend = SeesTheDatabase(data_dir.db_path)
    store = use_backend(backend)
    setup_logging(data_dir.logs)
    try:
        data = table()
        pv = preview(db, data, keyring_mapping(data))
        assert pv.secret_columns[0].describe().endswith("（認証情報の参照を 2 件作成）")
        result = apply_import(db.sessions, pv, secrets=store)
    finally:
        for handler in logging.getLogger("hitori").handlers:
            handler.flush()
        setup_logging(None)
    assert (result.created, result.secrets.stored, result.secrets.not_stored) == (3, 3, ())
    assert "SeesTheDatabase" in result.secrets_kept_in
    assert backend.committed == [True, True, True]  # each reference committed first
    assert sorted(backend.secrets.values()) == sorted([PW1, PW2, KEY])
    with db.sessions() as s:
        ids = {tag: asset_id for tag, asset_id in s.execute(select(Asset.asset_tag, Asset.id))}
    assert [(label, kind) for label, kind, _n in references(db)] == [
        ("PC-0001 管理者パスワード", "password"),
        ("PC-0001 プロダクトキー", "license_key"),
        ("PC-0002 管理者パスワード", "password"),
    ]
    assert f"資産「PC-0001」（ID {ids['PC-0001']}）" in references(db)[0][2]
    text = everything_in_the_database(db)
    assert "PC-0001 管理者パスワード" in text  # the reference is searchable and in history
    for value in (PW1, PW2, KEY):
        assert value not in text
    log_text = (data_dir.logs / "hitori.log").read_text(encoding="utf-8")
    assert "stored in" in log_text
    files = [data_dir.db_path, data_dir.db_path.with_name("hitori.sqlite3-wal")]
    assert files[1].exists()  # the import's pages are in the WAL still: searched as well
    raw = b"".join(p.read_bytes() for p in files)
    for value in (PW1, PW2, KEY):
        assert value not in log_text
        assert value.encode() not in raw and value.encode("utf-16-le") not in raw
    db.dispose()  # checkpointed: every file of the data folder, the database's included
    for path in data_dir.root.rglob("*"):
        if path.is_file():
            assert all(v.encode() not in path.read_bytes() for v in (PW1, PW2, KEY)), path


def test_importing_again_makes_labels_unique(db: Any, use_backend: Any) -> None:
    store = use_backend(MemoryKeyring())
    data = table()
    apply_import(db.sessions, preview(db, data, keyring_mapping(data)), secrets=store)
    again = apply_import(db.sessions, preview(db, data, keyring_mapping(data)), secrets=store)
    assert again.unchanged == 3 and again.secrets.stored == 3  # the values are new to us
    labels = [label for label, _k, _n in references(db)]
    assert labels[3:] == [
        "PC-0001 管理者パスワード (2)",
        "PC-0001 プロダクトキー (2)",
        "PC-0002 管理者パスワード (2)",
    ]


def test_a_refusing_keyring_keeps_the_assets_and_names_the_values_not_stored(
    db: Any, use_backend: Any
) -> None:
    store = use_backend(LockedKeyring())
    data = table()
    result = apply_import(db.sessions, preview(db, data, keyring_mapping(data)), secrets=store)
    assert result.created == 3
    assert result.secrets.stored == 0
    assert result.secrets.not_stored == (
        "PC-0001 管理者パスワード",
        "PC-0001 プロダクトキー",
        "PC-0002 管理者パスワード",
    )
    message = result.secrets.message()
    assert message.startswith("キーリングに保存できなかった値があります。認証情報の参照 3 件")
    assert "を取り消しました: キーリングに保存できませんでした（KeyringLocked）" in message
    assert references(db) == []  # removed again, in a transaction of their own


def test_rows_left_out_get_no_reference_and_bad_values_are_problems(
    db: Any, use_backend: Any
) -> None:
    store = use_backend(MemoryKeyring())
    body = (
        "資産管理番号,名称,パスワード,IPアドレス\n"
        f"PC-0001,総務PC,{PW1},10.0.0.1\n"
        f"PC-0002,税務PC,{PW2},10.0.0.999\n"
        'PC-0003,会議室PC,"bad\tvalue",10.0.0.3\n'
    )
    data = table(body)
    pv = preview(db, data, {**suggest_mapping(data.headers), "パスワード": KEYRING})
    problems = [str(p) for p in pv.problems()]
    assert "4行目「パスワード」: キーリングに保存できない値です: 制御文字" in problems[-1]
    assert all("bad" not in p for p in problems)
    result = apply_import(db.sessions, pv, secrets=store, skip_bad_rows=True)
    assert (result.created, result.skipped, result.secrets.stored) == (1, 2, 1)
    assert [label for label, _k, _n in references(db)] == ["PC-0001 パスワード"]


def test_a_keyring_column_needs_a_store(db: Any) -> None:
    data = table()
    pv = preview(db, data, keyring_mapping(data))
    with pytest.raises(NoSecretStore, match="何も書き込んでいません"):
        apply_import(db.sessions, pv)
    with db.sessions() as s:
        assert s.scalar(select(func.count(Asset.id))) == 0


def test_memory_only_store_keeps_the_values_for_this_run(db: Any) -> None:
    store = SecretStore.in_memory()
    data = table()
    result = apply_import(db.sessions, preview(db, data, keyring_mapping(data)), secrets=store)
    assert result.secrets.stored == 3 and "メモリのみ" in result.secrets_kept_in
    with db.sessions() as s:
        ref = s.scalars(select(CredentialRef).order_by(CredentialRef.id)).first()
        assert ref is not None and "メモリのみ" in ref.where_kept
        assert store.get(ref) == PW1


def test_any_column_can_be_sent_to_the_keyring(db: Any) -> None:
    data = table("資産管理番号,名称,管理者\nPC-0001,総務PC,hunter2\n")
    mapping = {**suggest_mapping(data.headers), "管理者": KEYRING}
    (column,) = secret_columns(data, mapping)
    assert (column.header, column.kind, column.looks_secret, column.values) == (
        "管理者", "password", False, 1,
    )  # fmt: skip
    store = SecretStore.in_memory()
    result = apply_import(db.sessions, preview(db, data, mapping), secrets=store)
    assert result.secrets.stored == 1 and references(db)[0][0] == "PC-0001 管理者"


def test_a_row_updating_an_asset_names_it_by_its_tag_in_the_database(db: Any) -> None:
    store = SecretStore.in_memory()
    apply_import(db.sessions, preview(db, table("資産管理番号,名称,ホスト名\nPC-0007,PC,pc7\n")))
    data = table(f"資産管理番号,ホスト名,パスワード\n,PC7,{PW1}\n")  # matched by host name
    pv = preview(db, data, {**suggest_mapping(data.headers), "パスワード": KEYRING})
    assert [r.action for r in pv.rows] == ["update"]  # the host name as written now
    result = apply_import(db.sessions, pv, secrets=store)
    assert result.secrets.stored == 1
    assert references(db)[0][0] == "PC-0007 パスワード"


def test_profiles_remember_the_choice_never_a_value(session: Any) -> None:
    saved = save_profile(
        session, "台帳",
        {"資産管理番号": "asset_tag", "パスワード": KEYRING, "PIN": "custom:PIN", "メモ": "notes"},
    )  # fmt: skip
    assert saved.mapping == {
        "資産管理番号": "asset_tag", "パスワード": KEYRING, "PIN": IGNORE, "メモ": "notes",
    }  # fmt: skip
    assert match_profile(session, ["資産管理番号", "パスワード", "PIN", "メモ"]) == saved
