"""Attachments in backups, restores and ``hitori check``, end to end on real folders:
the backups' shared store, ``backup --out`` with the files inside, restores that bring
the files back, and the check's NG lines and notes."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.paths import DataDir
from app.services import attachments
from app.services.inventory import contracts
from app.store import attachment_copies
from app.store import attachments as store
from app.store.attachments import AttachmentFiles
from app.store.backup import auto_backup, backup_out
from app.store.database import open_database
from app.store.models import Contract
from app.store.restore import restore_database, validate_backup
from tests.integration.test_cli import assert_ok, hitori

pytestmark = pytest.mark.integration

CONTRACT = b"%PDF-1.4 contract " + os.urandom(2 * 2**20)
MANUAL = b"%PDF-1.4 manual " + os.urandom(2048)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def with_db(data_dir: DataDir, work):  # type: ignore[no-untyped-def]
    db = open_database(data_dir, actor="tester")
    store.install(db.sessions)
    try:
        with db.sessions.begin() as s:
            return work(s)
    finally:
        db.dispose()


def seeded(root: Path, tmp_path: Path) -> tuple[DataDir, int, int]:
    """A data folder with a contract holding two attachments; (folder, contract, one id)."""
    data_dir = DataDir(root)
    files = AttachmentFiles(data_dir.root)
    src = tmp_path / "sources"
    src.mkdir(exist_ok=True)
    (src / "契約書.pdf").write_bytes(CONTRACT)
    (src / "操作手順.pdf").write_bytes(MANUAL)

    def work(s):  # type: ignore[no-untyped-def]
        contract = contracts.create_contract(s, {"title": "住民記録システム保守"})
        first = attachments.attach(s, files, "contract", contract.id, src / "契約書.pdf")
        attachments.attach(s, files, "contract", contract.id, src / "操作手順.pdf")
        return contract.id, first.id

    contract_id, attachment_id = with_db(data_dir, work)
    return data_dir, contract_id, attachment_id


def stored(data_dir: DataDir) -> set[str]:
    return AttachmentFiles(data_dir.root).stored_hashes()


def delete_everything(data_dir: DataDir, contract_id: int, attachment_id: int) -> None:
    """Delete one attachment, then its owner; then let maintenance remove the files."""

    def work(s):  # type: ignore[no-untyped-def]
        attachments.delete_attachment(s, attachment_id)
        contracts.delete_contract(s, contract_id)

    with_db(data_dir, work)
    assert_ok(hitori("check", "--reindex", data_dir=data_dir.root))
    assert stored(data_dir) == set()


def names(data_dir: DataDir) -> list[str]:
    def work(s):  # type: ignore[no-untyped-def]
        (contract_id,) = s.scalars(select(Contract.id)).all()
        return [a.filename for a in attachments.list_attachments(s, "contract", contract_id)]

    return with_db(data_dir, work)


def test_a_backup_restores_deleted_attachments_and_their_files(tmp_path: Path) -> None:
    data_dir, contract_id, attachment_id = seeded(tmp_path / "d", tmp_path)
    made = hitori("backup", data_dir=data_dir.root)
    assert_ok(made)
    backup = next(data_dir.backups.glob("manual-*.sqlite3"))
    shared = attachment_copies.shared_store(data_dir.backups)
    assert {p.name for p in shared.rglob("*") if p.is_file()} == {sha(CONTRACT), sha(MANUAL)}

    delete_everything(data_dir, contract_id, attachment_id)
    assert_ok(hitori("restore", backup, data_dir=data_dir.root))

    assert stored(data_dir) == {sha(CONTRACT), sha(MANUAL)}
    files = AttachmentFiles(data_dir.root)
    assert files.path_of(sha(CONTRACT)).read_bytes() == CONTRACT
    assert names(data_dir) == ["契約書.pdf", "操作手順.pdf"]
    check = hitori("check", data_dir=data_dir.root)
    assert_ok(check)
    assert "OK  添付ファイル（2 件）" in check.stdout
    assert not list((data_dir.root / "tmp").glob("*"))


def test_backup_out_carries_the_files_to_a_fresh_folder(tmp_path: Path) -> None:
    data_dir, _contract, _one = seeded(tmp_path / "d", tmp_path)
    out = tmp_path / "usb" / "持ち出し.sqlite3"
    assert_ok(hitori("backup", "--out", out, data_dir=data_dir.root))
    assert sorted(p.name for p in out.parent.iterdir()) == ["持ち出し.sqlite3"], "one file"
    assert validate_backup(out)

    fresh = DataDir(tmp_path / "another-pc")
    assert_ok(hitori("restore", out, data_dir=fresh.root))
    assert stored(fresh) == {sha(CONTRACT), sha(MANUAL)}
    assert AttachmentFiles(fresh.root).path_of(sha(MANUAL)).read_bytes() == MANUAL
    with closing(sqlite3.connect(fresh.db_path)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert attachment_copies.EMBED_TABLE not in tables
    assert names(fresh) == ["契約書.pdf", "操作手順.pdf"]
    assert_ok(hitori("check", data_dir=fresh.root))
    embedded = out.stat().st_size - fresh.db_path.stat().st_size
    assert embedded >= len(CONTRACT), "the restored database holds no embedded bytes"


def test_a_restore_reports_attachments_whose_file_is_nowhere(tmp_path: Path) -> None:
    data_dir, contract_id, attachment_id = seeded(tmp_path / "d", tmp_path)
    out = backup_out(data_dir.db_path, tmp_path / "out.sqlite3", root=data_dir.root)
    with closing(sqlite3.connect(out)) as conn:  # one embedded file is damaged
        conn.execute(
            f"UPDATE {attachment_copies.EMBED_TABLE} SET data = zeroblob(size) WHERE sha256 = ?",
            (sha(CONTRACT),),
        )
        conn.commit()
    delete_everything(data_dir, contract_id, attachment_id)
    result = restore_database(data_dir.root, data_dir.db_path, data_dir.backups, out)
    assert result.missing_attachments == ("契約書.pdf",)
    assert result.attachments_restored == 1
    assert stored(data_dir) == {sha(MANUAL)}
    check = hitori("check", data_dir=data_dir.root)
    assert check.returncode == 1
    assert "NG  添付ファイルの実体がありません: 契約「住民記録システム保守」の「契約書.pdf」" in (
        check.stdout
    )
    assert not (data_dir.root / "hitori.damaged").exists(), "a missing file is not damage"


def test_a_refused_restore_brings_no_files(tmp_path: Path) -> None:
    data_dir, _c, _a = seeded(tmp_path / "d", tmp_path)
    out = backup_out(data_dir.db_path, tmp_path / "out.sqlite3", root=data_dir.root)
    with closing(sqlite3.connect(out)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
    fresh = DataDir(tmp_path / "fresh")
    fresh.root.mkdir()
    refused = hitori("restore", out, data_dir=fresh.root)
    assert refused.returncode == 1 and "復元できない" in refused.stderr
    assert not (fresh.root / "attachments").exists()
    assert not any((fresh.root / "tmp").iterdir()) if (fresh.root / "tmp").exists() else True


def test_daily_backups_share_files_and_rotation_removes_what_none_needs(tmp_path: Path) -> None:
    data_dir, contract_id, attachment_id = seeded(tmp_path / "d", tmp_path)
    backups = data_dir.backups
    shared = attachment_copies.shared_store(backups)
    now = datetime.now() + timedelta(minutes=1)  # the backups' times are the real ones
    first = auto_backup(data_dir.db_path, backups, now=now, root=data_dir.root)
    assert first is not None
    copied = shared / sha(CONTRACT)[:2] / sha(CONTRACT)
    inode = copied.stat().st_ino
    second = auto_backup(data_dir.db_path, backups, now=now + timedelta(days=1), root=data_dir.root)
    assert second is not None
    assert copied.stat().st_ino == inode, "a file already kept is not copied again"

    delete_everything(data_dir, contract_id, attachment_id)
    for day in (2, 3):
        auto_backup(data_dir.db_path, backups, generations=2,
                    now=now + timedelta(days=day), root=data_dir.root)  # fmt: skip
    # Both remaining automatic backups were made after the deletion: nothing refers to
    # the files any more, and the rotation removed them.
    assert len(list(backups.glob("auto-*.sqlite3"))) == 2
    assert not [p for p in shared.rglob("*") if p.is_file()]


def test_rotation_keeps_files_a_backup_it_cannot_read_may_need(tmp_path: Path) -> None:
    data_dir, contract_id, attachment_id = seeded(tmp_path / "d", tmp_path)
    backups = data_dir.backups
    assert auto_backup(data_dir.db_path, backups, root=data_dir.root) is not None
    (backups / "manual-unreadable.sqlite3").write_bytes(b"not a database" * 100)
    delete_everything(data_dir, contract_id, attachment_id)
    for old in backups.glob("auto-*.sqlite3"):
        old.unlink()
    attachment_copies.sweep_shared_store(backups)
    assert len([p for p in attachment_copies.shared_store(backups).rglob("*") if p.is_file()]) == 2


def test_check_reports_missing_files_orphans_and_unreferenced_files(tmp_path: Path) -> None:
    data_dir, _contract, _one = seeded(tmp_path / "d", tmp_path)
    files = AttachmentFiles(data_dir.root)
    files.path_of(sha(MANUAL)).unlink()  # a file lost
    stray = files.path_of(sha(b"stray"))  # a file no row refers to
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"stray")
    with closing(sqlite3.connect(data_dir.db_path)) as conn:  # a row whose owner is gone
        conn.execute(
            "INSERT INTO attachments (owner_kind, owner_id, filename, media_type, size_bytes,"
            " sha256, stored_name, description, created_at, updated_at) VALUES"
            " ('contract', 999, '孤児.pdf', 'application/pdf', ?, ?, '', '', ?, ?)",
            (len(CONTRACT), sha(CONTRACT), "2026-01-01", "2026-01-01"),
        )
        conn.commit()

    check = hitori("check", data_dir=data_dir.root)
    assert check.returncode == 1, check.stdout
    out = check.stdout
    assert (
        "NG  添付ファイルの実体がありません: 契約「住民記録システム保守」の「操作手順.pdf」" in out
    )
    assert "NG  添付先がありません: 契約（ID 999）の「孤児.pdf」" in out
    assert "注意  どの記録からも参照されていない添付ファイルが 1 個あります" in out
    assert "OK  整合性検査" in out
    assert "添付ファイルの問題です" in check.stderr and "バックアップから復元" in check.stderr
    assert not (data_dir.root / "hitori.damaged").exists(), "the database itself is sound"
    assert_ok(hitori("search", "住民記録", data_dir=data_dir.root))  # still usable

    tidied = hitori("check", "--reindex", data_dir=data_dir.root)
    assert "添付先のない添付 1 件、参照されていないファイル 1 個を削除" in tidied.stdout
    assert "孤児.pdf" not in tidied.stdout and "参照されていない" in tidied.stdout
    assert "NG  添付ファイルの実体がありません" in tidied.stdout  # only a restore mends that
    assert not stray.exists() and files.path_of(sha(CONTRACT)).exists()
