"""The data folder's sharing rule in one process: the access lock, write transactions that
take SQLite's write lock at BEGIN, the damage note, and names for unfinished files."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.paths import DataDir
from app.store import health
from app.store.access import FolderAccess, FolderInUse
from app.store.database import open_database
from app.store.models import Department
from app.store.workfiles import partial_name


def test_shared_holders_coexist_and_keep_maintenance_out(data_dir: DataDir) -> None:
    data_dir.root.mkdir(parents=True)
    a, b, maintenance = (FolderAccess(data_dir.root) for _ in range(3))
    try:
        assert a.acquire_shared(timeout=1) and b.acquire_shared(timeout=1)
        with pytest.raises(FolderInUse) as info:
            maintenance.acquire_exclusive(timeout=0.2, purpose="復元")
        assert "復元できません" in str(info.value) and "使用中" in str(info.value)
        a.close()
        assert not maintenance.try_exclusive()  # b still holds it
        b.close()
        assert maintenance.try_exclusive()
    finally:
        for holder in (a, b, maintenance):
            holder.close()


def test_an_open_database_holds_the_folder_until_disposed(db) -> None:
    maintenance = FolderAccess(db.data_dir.root)
    try:
        assert not maintenance.try_exclusive()
        db.dispose()
        assert maintenance.try_exclusive()
    finally:
        maintenance.close()


def test_a_write_transaction_takes_the_write_lock_at_begin(db, data_dir: DataDir) -> None:
    other = sqlite3.connect(data_dir.db_path, isolation_level=None, timeout=0)
    try:
        with db.sessions() as reader:  # a read: others may still write meanwhile
            reader.execute(text("SELECT count(*) FROM assets")).scalar()
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        # A write holds the lock before its first statement.
        with db.sessions.begin(), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


def test_a_damage_note_left_meanwhile_refuses_writes_not_reads(db, data_dir: DataDir) -> None:
    health.mark_damaged(data_dir.root, "整合性: テストで記録", index_only=False)
    with pytest.raises(health.DatabaseDamaged) as info, db.sessions.begin() as s:
        s.add(Department(name="書けない"))
    assert "壊れています" in str(info.value) and "整合性: テストで記録" in str(info.value)
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Department)) == 0
    health.clear_damaged(data_dir.root)
    with db.sessions.begin() as s:
        s.add(Department(name="書ける"))


def test_a_noted_damage_that_verifies_again_is_forgotten(data_dir: DataDir) -> None:
    open_database(data_dir).dispose()
    health.mark_damaged(data_dir.root, "一時的な読み取りエラー")
    db = open_database(data_dir)  # verifies again, passes, removes the note
    db.dispose()
    assert health.damaged_note(data_dir.root) is None


def test_a_read_only_open_leaves_no_file_behind(data_dir: DataDir) -> None:
    open_database(data_dir).dispose()
    before = sorted(p.name for p in data_dir.root.iterdir())
    db = open_database(data_dir, read_only=True)
    try:
        with db.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Department)) == 0
    finally:
        db.dispose()
    assert sorted(p.name for p in data_dir.root.iterdir()) == before


@pytest.mark.parametrize("name", ["a.sqlite3", "長" * 80 + ".sqlite3", "x" * 255])
def test_unfinished_file_names_stay_within_the_limit(tmp_path: Path, name: str) -> None:
    target = tmp_path / name[:255]
    partial = partial_name(target)
    assert len(partial.name.encode()) <= 255
    assert partial.parent == tmp_path and partial.name.startswith(".")
    with closing(sqlite3.connect(partial)) as conn:  # usable, its journal's name too
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
