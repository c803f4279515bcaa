"""Restore candidates and upgrades that must be refused before the live database is touched.

Each broken backup below was, before the private-copy restore, put in place first and
failed afterwards (or was accepted). Now each is refused with the live file byte-identical,
nothing new in backups/ and nothing left in tmp/.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select

from app.paths import DataDir
from app.services.inventory import assets
from app.store import backup as bk
from app.store.backup import BackupError
from app.store.database import open_database
from app.store.migrations import HEAD_REVISION
from app.store.models import Asset
from app.store.replacement import CandidateRefused
from app.store.restore import restore_database


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _folder_state(data_dir: DataDir) -> dict[str, object]:
    """What a refused restore must leave exactly as it was."""
    backups = (
        sorted(p.name for p in data_dir.backups.glob("*")) if data_dir.backups.exists() else []
    )
    work = data_dir.root / "tmp"
    return {
        "db": _sha256(data_dir.db_path),
        "sides": sorted(p.name for p in data_dir.root.glob("hitori.sqlite3-*")),
        "backups": backups,
        "tmp": sorted(p.name for p in work.iterdir()) if work.exists() else [],
    }


def _add(data_dir: DataDir, *tags: str) -> None:
    db = open_database(data_dir, actor="tester")
    try:
        with db.sessions.begin() as s:
            for tag in tags:
                assets.create_asset(s, {"asset_tag": tag, "name": f"機器 {tag}"})
    finally:
        db.dispose()


def _tags(data_dir: DataDir) -> set[str]:
    db = open_database(data_dir, read_only=True)
    try:
        with db.sessions() as s:
            return set(s.scalars(select(Asset.asset_tag)))
    finally:
        db.dispose()


@pytest.fixture
def live(data_dir: DataDir) -> DataDir:
    _add(data_dir, "LIVE-1", "LIVE-2")
    return data_dir


@pytest.fixture
def good_backup(live: DataDir, tmp_path: Path) -> Path:
    return bk.backup_to(live.db_path, tmp_path / "made")


def _edit(backup: Path, dest: Path, *statements: str) -> Path:
    shutil.copyfile(backup, dest)
    with closing(sqlite3.connect(dest, isolation_level=None)) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        for sql in statements:
            conn.execute(sql)
    return dest


BROKEN: dict[str, tuple[tuple[str, ...], str]] = {
    # A head database that claims to be 0001: upgrading it from there fails.
    "claims_0001_with_newer_tables": (
        ("UPDATE alembic_version SET version_num='0001'",),
        "更新に失敗",
    ),
    "empty_alembic_version": (
        ("DELETE FROM alembic_version",),
        "Hitoriのデータベースではありません",
    ),
    "two_alembic_rows": (
        ("INSERT INTO alembic_version VALUES ('0002')",),
        "スキーマの版の記録が壊れています",
    ),
    "foreign_key_violation": (
        ("UPDATE assets SET department_id = 987654 WHERE asset_tag = 'LIVE-1'",),
        "外部キー",
    ),
    "missing_table": (("DROP TABLE stocktake_scans",), "stocktake_scans"),
    "extra_trigger": (
        ("CREATE TRIGGER wipe_assets AFTER INSERT ON departments BEGIN DELETE FROM assets; END",),
        "Hitoriのものではないトリガー「wipe_assets」",
    ),
    "dropped_audit_trigger": (("DROP TRIGGER change_log_no_delete",), "change_log_no_delete"),
    "column_of_another_type": (
        (
            "CREATE TABLE vendors_new AS SELECT * FROM vendors",
            "DROP TABLE vendors",
            "ALTER TABLE vendors_new RENAME TO vendors",
        ),
        "vendors",
    ),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_broken_backup_is_refused_before_the_live_database_is_touched(
    live: DataDir, good_backup: Path, tmp_path: Path, kind: str
) -> None:
    statements, expected = BROKEN[kind]
    broken = _edit(good_backup, tmp_path / f"{kind}.sqlite3", *statements)
    before = _folder_state(live)

    with pytest.raises(BackupError) as info:
        restore_database(live.root, live.db_path, live.backups, broken)

    assert expected in str(info.value)
    assert _folder_state(live) == before
    assert _tags(live) == {"LIVE-1", "LIVE-2"}


def test_a_file_with_only_the_two_tables_once_checked_is_refused(
    live: DataDir, tmp_path: Path
) -> None:
    bare = tmp_path / "bare.sqlite3"
    with closing(sqlite3.connect(bare)) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES (?)", (HEAD_REVISION,))
        conn.execute("CREATE TABLE assets (id INTEGER PRIMARY KEY)")
        conn.commit()
    before = _folder_state(live)
    with pytest.raises(BackupError) as info:
        restore_database(live.root, live.db_path, live.backups, bare)
    assert "がありません" in str(info.value)
    assert _folder_state(live) == before


def _wal_backup(
    live: DataDir, tmp_path: Path, extra_sql: Callable[[sqlite3.Connection], None]
) -> Path:
    """A copy of a database whose last changes are only in its -wal (as a live file
    copied while in use, with its WAL beside it)."""
    src = tmp_path / "walsrc.sqlite3"
    bk.copy_database(live.db_path, src)
    keeper = sqlite3.connect(src, isolation_level=None)
    keeper.execute("PRAGMA journal_mode=WAL")
    keeper.execute("PRAGMA wal_autocheckpoint=0")
    extra_sql(keeper)
    dest = tmp_path / "walcopy.sqlite3"
    shutil.copyfile(src, dest)
    shutil.copyfile(Path(f"{src}-wal"), Path(f"{dest}-wal"))
    keeper.close()
    return dest


def test_what_is_proved_is_what_is_restored_wal_included(live: DataDir, tmp_path: Path) -> None:
    def add_in_wal(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO assets (asset_tag, name, status, user_name, hostname, ip_address,"
            " mac_address, serial_number, manufacturer, model, os_name, notes, custom_fields,"
            " created_at, updated_at) VALUES ('WAL-ONLY', 'WALの中だけ', 'in_use', '', '', '',"
            " '', '', '', '', '', '', '{}', '2026-01-01', '2026-01-01')"
        )

    backup = _wal_backup(live, tmp_path, add_in_wal)
    restore_database(live.root, live.db_path, live.backups, backup)
    assert _tags(live) == {"LIVE-1", "LIVE-2", "WAL-ONLY"}


def test_a_wal_that_breaks_the_backup_is_seen_by_the_proof(live: DataDir, tmp_path: Path) -> None:
    def break_in_wal(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TRIGGER sneaky AFTER INSERT ON assets BEGIN SELECT 1; END")

    backup = _wal_backup(live, tmp_path, break_in_wal)
    before = _folder_state(live)
    with pytest.raises(BackupError) as info:
        restore_database(live.root, live.db_path, live.backups, backup)
    assert "sneaky" in str(info.value)
    assert _folder_state(live) == before


def test_an_older_backup_is_upgraded_privately_and_restored(live: DataDir, tmp_path: Path) -> None:
    from alembic import command

    from app.store.engine import make_engine
    from app.store.migrations import HEAD_REVISION, alembic_config

    old = tmp_path / "old.sqlite3"
    engine = make_engine(f"sqlite:///{old}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.exec_driver_sql(
            "INSERT INTO departments (name, notes, created_at, updated_at)"
            " VALUES ('旧総務課', '', '2026-01-01', '2026-01-01')"
        )
    engine.dispose()

    result = restore_database(live.root, live.db_path, live.backups, old)

    assert result.revision_before == "0001"
    assert result.aside is not None and result.aside.is_file()
    with closing(sqlite3.connect(live.db_path)) as conn:
        assert (
            conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD_REVISION
        )
        assert conn.execute("SELECT name FROM departments").fetchall() == [("旧総務課",)]
    assert list((live.root / "tmp").iterdir()) == []


def test_a_failed_upgrade_leaves_no_copy_behind_however_often_it_is_tried(
    data_dir: DataDir,
) -> None:
    """A live database that cannot be upgraded stays as it was; no pre-upgrade copy
    piles up in backups/ per attempt."""
    from app.store.migrations import HEAD_REVISION

    _add(data_dir, "U-1")
    with closing(sqlite3.connect(data_dir.db_path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num='0001'")  # lies: tables are newer
        conn.commit()
    before = _folder_state(data_dir)
    for _ in range(3):
        with pytest.raises(CandidateRefused):
            open_database(data_dir)
        assert _folder_state(data_dir) == before
    assert HEAD_REVISION != "0001"
