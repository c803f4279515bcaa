"""Backups on real SQLite files: consistency while in use, rotation, validation, restore."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.paths import DataDir
from app.services.inventory import assets
from app.store import backup as bk
from app.store.backup import BackupError
from app.store.database import open_database
from app.store.models import Asset
from app.store.restore import restore_database, validate_backup


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _table_counts(path: Path) -> dict[str, int]:
    with closing(_ro(path)) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def _asset_tags(path: Path) -> set[str]:
    with closing(_ro(path)) as conn:
        return {r[0] for r in conn.execute("SELECT asset_tag FROM assets")}


def _add_assets(data_dir: DataDir, *tags: str) -> None:
    db = open_database(data_dir, actor="tester")
    try:
        with db.sessions.begin() as s:
            for tag in tags:
                assets.create_asset(s, {"asset_tag": tag, "name": f"機器 {tag}"})
    finally:
        db.dispose()


def _delete_assets(data_dir: DataDir, *tags: str) -> None:
    db = open_database(data_dir, actor="tester")
    try:
        with db.sessions.begin() as s:
            for tag in tags:
                asset_id = s.scalar(select(Asset.id).where(Asset.asset_tag == tag))
                assets.delete_asset(s, asset_id)
    finally:
        db.dispose()


def _restore(data_dir: DataDir, source: Path) -> Path | None:
    return restore_database(data_dir.root, data_dir.db_path, data_dir.backups, source).aside


@pytest.fixture
def hitori_backup(data_dir: DataDir, tmp_path: Path) -> Path:
    """A real backup of a Hitori database with two assets."""
    _add_assets(data_dir, "B-1", "B-2")
    return bk.backup_to(data_dir.db_path, tmp_path / "made")


# --- making backups ----------------------------------------------------------------------


def test_backup_while_a_write_transaction_is_open(db, data_dir: DataDir, tmp_path: Path) -> None:
    with db.sessions.begin() as s:
        for i in range(5):
            assets.create_asset(s, {"asset_tag": f"C-{i}", "name": f"確定済み {i}"})
    committed = _table_counts(data_dir.db_path)

    writer = sqlite3.connect(data_dir.db_path, isolation_level=None, timeout=5)
    try:
        writer.execute("PRAGMA cache_size=5")  # make the open transaction spill into the WAL
        writer.execute("BEGIN IMMEDIATE")
        now = datetime(2026, 1, 1).isoformat(" ")
        writer.executemany(
            "INSERT INTO departments (name, notes, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [(f"未確定の部署{i}", "x" * 4000, now, now) for i in range(300)],
        )
        with db.sessions() as s:  # other readers keep working meanwhile
            assert s.scalar(select(Asset.id).where(Asset.asset_tag == "C-0")) is not None

        made = bk.backup_to(data_dir.db_path, tmp_path / "backups")

        writer.execute("COMMIT")
    finally:
        writer.close()

    with closing(_ro(made)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert _table_counts(made) == committed
    assert _table_counts(data_dir.db_path)["departments"] == committed["departments"] + 300


def test_backup_is_one_self_contained_file(hitori_backup: Path) -> None:
    assert not Path(f"{hitori_backup}-wal").exists()
    assert not Path(f"{hitori_backup}-shm").exists()
    assert not hitori_backup.with_name(hitori_backup.name + ".partial").exists()
    header = hitori_backup.read_bytes()[:20]
    assert header[18:20] == b"\x01\x01", "backup is still in WAL mode"
    with closing(_ro(hitori_backup)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert _asset_tags(hitori_backup) == {"B-1", "B-2"}
    assert validate_backup(hitori_backup) is not None


def test_backup_of_a_missing_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BackupError) as info:
        bk.backup_to(tmp_path / "nope.sqlite3", tmp_path / "b")
    assert "ありません" in str(info.value)


# --- automatic backups -------------------------------------------------------------------


def _age(path: Path, when: datetime) -> None:
    ts = when.timestamp()
    os.utime(path, (ts, ts))


def test_auto_backup_first_time_then_not_again_within_interval(
    data_dir: DataDir, hitori_backup: Path, tmp_path: Path
) -> None:
    backups = tmp_path / "auto"
    first = bk.auto_backup(data_dir.db_path, backups)
    assert first is not None and first.is_file()
    assert first.name.startswith("auto-")
    _age(first, datetime.now() - timedelta(hours=2))

    assert bk.auto_backup(data_dir.db_path, backups, now=datetime.now()) is None
    assert len(list(backups.glob("auto-*.sqlite3"))) == 1

    later = bk.auto_backup(data_dir.db_path, backups, now=datetime.now() + timedelta(days=1))
    assert later is not None and later != first
    assert len(list(backups.glob("auto-*.sqlite3"))) == 2


def test_auto_backup_keeps_only_n_generations(
    data_dir: DataDir, hitori_backup: Path, tmp_path: Path
) -> None:
    backups = tmp_path / "auto"
    backups.mkdir()
    now = datetime.now()
    olds = []
    for days in range(2, 8):  # six old automatic backups, 2..7 days old
        p = backups / f"auto-old{days}.sqlite3"
        shutil.copyfile(hitori_backup, p)
        _age(p, now - timedelta(days=days))
        olds.append(p)
    manual = backups / "manual-keep.sqlite3"
    shutil.copyfile(hitori_backup, manual)
    _age(manual, now - timedelta(days=30))

    made = bk.auto_backup(data_dir.db_path, backups, generations=3, now=now)

    assert made is not None
    left = {p.name for p in backups.glob("auto-*.sqlite3")}
    assert left == {made.name, "auto-old2.sqlite3", "auto-old3.sqlite3"}
    assert manual.exists(), "rotation must not touch manual backups"


def test_auto_backup_prunes_even_when_none_is_due(
    data_dir: DataDir, hitori_backup: Path, tmp_path: Path
) -> None:
    backups = tmp_path / "auto"
    backups.mkdir()
    now = datetime.now()
    for hours in (1, 30, 60, 90):
        p = backups / f"auto-h{hours}.sqlite3"
        shutil.copyfile(hitori_backup, p)
        _age(p, now - timedelta(hours=hours))

    assert bk.auto_backup(data_dir.db_path, backups, generations=2, now=now) is None
    assert {p.name for p in backups.glob("auto-*.sqlite3")} == {
        "auto-h1.sqlite3",
        "auto-h30.sqlite3",
    }


def test_list_backups_newest_first(hitori_backup: Path, tmp_path: Path) -> None:
    d = tmp_path / "list"
    d.mkdir()
    now = datetime.now()
    for name, days in (("a", 3), ("b", 1), ("c", 2)):
        p = d / f"manual-{name}.sqlite3"
        shutil.copyfile(hitori_backup, p)
        _age(p, now - timedelta(days=days))
    (d / "notes.txt").write_text("x", encoding="utf-8")
    assert [b.path.name for b in bk.list_backups(d)] == [
        "manual-b.sqlite3",
        "manual-c.sqlite3",
        "manual-a.sqlite3",
    ]
    assert bk.list_backups(tmp_path / "missing") == []


# --- validation --------------------------------------------------------------------------


def test_validate_accepts_a_real_backup(hitori_backup: Path) -> None:
    from app.store.migrations import head_revision

    assert validate_backup(hitori_backup) == head_revision()


def test_validate_rejects_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BackupError) as info:
        validate_backup(tmp_path / "gone.sqlite3")
    assert "見つかりません" in str(info.value)


def test_validate_rejects_a_text_file(tmp_path: Path) -> None:
    p = tmp_path / "memo.sqlite3"
    p.write_text("これはメモです。データベースではありません。\n", encoding="utf-8")
    with pytest.raises(BackupError) as info:
        validate_backup(p)
    assert "SQLite" in str(info.value) and "ではありません" in str(info.value)


def test_validate_rejects_an_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.sqlite3"
    p.write_bytes(b"")
    with pytest.raises(BackupError):
        validate_backup(p)


def test_validate_rejects_a_foreign_sqlite_file(tmp_path: Path) -> None:
    p = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(p)) as conn:
        conn.execute("CREATE TABLE foo (x)")
        conn.commit()
    with pytest.raises(BackupError) as info:
        validate_backup(p)
    assert "Hitoriのデータベースではありません" in str(info.value)


def test_validate_rejects_a_corrupted_copy(hitori_backup: Path, tmp_path: Path) -> None:
    bad = tmp_path / "corrupt.sqlite3"
    data = bytearray(hitori_backup.read_bytes())
    page = 4096
    middle = (len(data) // page // 2) * page
    data[middle : middle + 4 * page] = bytes((i * 37 + 11) % 256 for i in range(4 * page))
    bad.write_bytes(bytes(data))
    with pytest.raises(BackupError) as info:
        validate_backup(bad)
    message = str(info.value)
    assert "壊れています" in message or "読めません" in message


def test_validate_rejects_a_truncated_copy(hitori_backup: Path, tmp_path: Path) -> None:
    bad = tmp_path / "truncated.sqlite3"
    data = hitori_backup.read_bytes()
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(BackupError) as info:
        validate_backup(bad)
    message = str(info.value)
    assert "壊れています" in message or "読めません" in message


def test_validate_rejects_a_future_revision(hitori_backup: Path, tmp_path: Path) -> None:
    future = tmp_path / "future.sqlite3"
    shutil.copyfile(hitori_backup, future)
    with closing(sqlite3.connect(future)) as conn:
        conn.execute("UPDATE alembic_version SET version_num='9999_future'")
        conn.commit()
    with pytest.raises(BackupError) as info:
        validate_backup(future)
    assert "新しい版" in str(info.value)


# --- restore -----------------------------------------------------------------------------


def test_restore_keeps_the_current_database_aside(data_dir: DataDir, tmp_path: Path) -> None:
    _add_assets(data_dir, "R-1", "R-2")
    saved = bk.backup_to(data_dir.db_path, tmp_path / "made")
    _delete_assets(data_dir, "R-1")
    _add_assets(data_dir, "R-3")

    aside = _restore(data_dir, saved)

    assert aside is not None and aside.is_file()
    assert aside.parent == data_dir.backups
    assert _asset_tags(aside) == {"R-2", "R-3"}
    assert _asset_tags(data_dir.db_path) == {"R-1", "R-2"}
    db = open_database(data_dir)
    try:
        with db.sessions() as s:
            assert set(s.scalars(select(Asset.asset_tag))) == {"R-1", "R-2"}
    finally:
        db.dispose()


def test_restore_after_a_crash_with_changes_only_in_the_wal(
    data_dir: DataDir, tmp_path: Path
) -> None:
    _add_assets(data_dir, "W-1")
    saved = bk.backup_to(data_dir.db_path, tmp_path / "made")
    wal = Path(f"{data_dir.db_path}-wal")
    crash = tmp_path / "crash"
    crash.mkdir()
    # Another connection keeps the WAL from being checkpointed away, as in a crash.
    with closing(sqlite3.connect(data_dir.db_path)) as holder:
        holder.execute("SELECT count(*) FROM assets").fetchall()
        _add_assets(data_dir, "W-2")
        assert wal.stat().st_size > 0
        shutil.copyfile(data_dir.db_path, crash / "db")
        shutil.copyfile(wal, crash / "wal")
    for suffix in ("-wal", "-shm"):
        Path(f"{data_dir.db_path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(crash / "db", data_dir.db_path)
    shutil.copyfile(crash / "wal", wal)

    aside = _restore(data_dir, saved)

    assert aside is not None
    assert _asset_tags(aside) == {"W-1", "W-2"}, "changes still in the WAL were not kept aside"
    assert not wal.exists() or wal.stat().st_size == 0
    assert _asset_tags(data_dir.db_path) == {"W-1"}
    with closing(_ro(data_dir.db_path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("kind", ["text", "foreign", "missing"])
def test_restore_of_a_bad_file_leaves_the_database_untouched(
    data_dir: DataDir, tmp_path: Path, kind: str
) -> None:
    _add_assets(data_dir, "K-1")
    before = _sha256(data_dir.db_path)
    bad = tmp_path / "bad.sqlite3"
    if kind == "text":
        bad.write_text("not a database", encoding="utf-8")
    elif kind == "foreign":
        with closing(sqlite3.connect(bad)) as conn:
            conn.execute("CREATE TABLE foo (x)")
            conn.commit()

    with pytest.raises(BackupError):
        _restore(data_dir, bad)

    assert _sha256(data_dir.db_path) == before
    assert not data_dir.backups.exists() or not list(data_dir.backups.glob("before-restore-*"))
