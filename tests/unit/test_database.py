"""Opening a data directory: create, seed once (and again only when the built-in data
changed), refuse unusable folders and files; the lock."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, func, select

from app.paths import DataDir
from app.store.database import DataDirError, open_database
from app.store.errors import classify
from app.store.instance import AlreadyRunning, InstanceLock
from app.store.models import AssetType, ChecklistTemplate, ChecklistTemplateItem, StandardBusiness
from app.store.reference_data import DEFAULT_ASSET_TYPES, FINGERPRINT_KEY, fingerprint
from tests.unprivileged import call_unprivileged

REPO_ROOT = Path(__file__).resolve().parents[2]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _counts(data_dir: DataDir) -> dict[str, int]:
    db = open_database(data_dir)
    try:
        with db.sessions() as s:

            def count(model: type) -> int:
                return s.scalar(select(func.count()).select_from(model)) or 0

            template_ids = s.scalars(
                select(ChecklistTemplate.id).where(ChecklistTemplate.code == "standardization-40")
            ).all()
            return {
                "businesses": count(StandardBusiness),
                "templates": len(template_ids),
                "steps": count(ChecklistTemplateItem),
                "asset_types": count(AssetType),
            }
    finally:
        db.dispose()


def test_open_creates_folder_and_database(tmp_path: Path) -> None:
    data_dir = DataDir(tmp_path / "deep" / "new" / "folder")
    assert not data_dir.root.exists()
    db = open_database(data_dir)
    db.dispose()
    assert data_dir.db_path.is_file()
    assert not (data_dir.root / ".write-test").exists()


def test_reference_data_is_seeded_exactly_once(data_dir: DataDir) -> None:
    first = _counts(data_dir)
    assert first["businesses"] == 20
    assert first["templates"] == 1
    assert first["steps"] == 40
    assert first["asset_types"] > 0
    assert _counts(data_dir) == first
    assert _counts(data_dir) == first


def _data_version(watcher: sqlite3.Connection) -> int:
    """Changes when another connection commits to the file (SQLite's PRAGMA data_version)."""
    return int(watcher.execute("PRAGMA data_version").fetchone()[0])


def test_opening_an_up_to_date_database_writes_nothing(data_dir: DataDir) -> None:
    """No write transaction at start-up (one read decides the seeding is done)."""
    open_database(data_dir).dispose()  # created and seeded
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()[:2]).upper())

    watcher = sqlite3.connect(data_dir.db_path)
    event.listen(Engine, "before_cursor_execute", record)
    try:
        before = _data_version(watcher)
        for _ in range(2):
            open_database(data_dir).dispose()
        assert _data_version(watcher) == before, "opening wrote to the database"
    finally:
        event.remove(Engine, "before_cursor_execute", record)
        watcher.close()
    assert statements, "the seeding was not even checked"
    # Neither a write transaction (BEGIN IMMEDIATE) nor a statement that writes.
    assert all(s == "BEGIN" or s.startswith("SELECT ") for s in statements), statements


def test_reference_data_is_seeded_again_when_the_built_in_data_changed(
    data_dir: DataDir,
) -> None:
    open_database(data_dir).dispose()
    with sqlite3.connect(data_dir.db_path) as conn:
        conn.execute("DELETE FROM asset_types WHERE code = 'ups'")
    # What the user deleted stays deleted while the built-in data is the same...
    assert _counts(data_dir)["asset_types"] == len(DEFAULT_ASSET_TYPES) - 1
    # ...and comes back with built-in data that differs from what was seeded.
    with sqlite3.connect(data_dir.db_path) as conn:
        conn.execute("UPDATE settings SET value = '\"older\"' WHERE key = ?", (FINGERPRINT_KEY,))
    assert _counts(data_dir)["asset_types"] == len(DEFAULT_ASSET_TYPES)
    with sqlite3.connect(data_dir.db_path) as conn:
        stored = conn.execute("SELECT value FROM settings WHERE key = ?", (FINGERPRINT_KEY,))
        assert stored.fetchone()[0] == f'"{fingerprint()}"'


def test_a_renamed_kind_reaches_the_search_kinds_table_on_the_next_start(
    data_dir: DataDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``hitori search`` reads kind labels from the database: a kind whose declaration
    changed in a new version is written there when that version first opens it."""
    import dataclasses

    from app.store.models import Asset

    open_database(data_dir).dispose()
    monkeypatch.setattr(Asset, "__kind__", dataclasses.replace(Asset.__kind__, label="機器"))
    open_database(data_dir).dispose()
    with sqlite3.connect(data_dir.db_path) as conn:
        row = conn.execute("SELECT label FROM search_kinds WHERE code = 'asset'").fetchone()
    assert row == ("機器",)


def test_standard_businesses_include_the_well_known_ones(session) -> None:
    names = set(session.scalars(select(StandardBusiness.name)))
    assert {"住民基本台帳", "固定資産税", "戸籍", "介護保険"} <= names


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    with pytest.raises(DataDirError) as info:
        open_database(DataDir(blocker))
    assert "データフォルダ" in str(info.value)
    assert blocker.read_text(encoding="utf-8") == "a file, not a folder"


def _open(data_dir: DataDir) -> None:
    open_database(data_dir).dispose()


@pytest.fixture
def read_only_parent(tmp_path: Path) -> Iterator[Path]:
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        yield parent
    finally:
        parent.chmod(stat.S_IRWXU)


def test_data_dir_under_read_only_parent(read_only_parent: Path) -> None:
    with pytest.raises(DataDirError) as info:
        call_unprivileged(_open, DataDir(read_only_parent / "data"))
    assert "データフォルダを作成できません" in str(info.value)


def test_existing_read_only_data_dir(tmp_path: Path) -> None:
    data_dir = DataDir(tmp_path / "data")
    open_database(data_dir).dispose()
    data_dir.root.chmod(0o555)
    try:
        with pytest.raises(DataDirError) as info:
            call_unprivileged(_open, data_dir)
        assert "書き込めません" in str(info.value)
    finally:
        data_dir.root.chmod(stat.S_IRWXU)


def test_data_dir_where_even_root_cannot_write() -> None:
    """/sys refuses new folders to every user, so this runs as root too."""
    target = Path("/sys/hitori-test-data")
    if sys.platform != "linux" or not Path("/sys").is_dir():
        pytest.skip("needs Linux sysfs")
    with pytest.raises(DataDirError) as info:
        open_database(DataDir(target))
    assert "データフォルダを作成できません" in str(info.value)
    assert not target.exists()


def test_corrupt_database_file(data_dir: DataDir) -> None:
    data_dir.root.mkdir(parents=True)
    data_dir.db_path.write_bytes(os.urandom(16384))
    before = _sha256(data_dir.db_path)
    with pytest.raises(Exception) as info:
        open_database(data_dir)
    problem = classify(info.value)
    assert problem is not None and problem.code == "corrupt", repr(info.value)
    assert _sha256(data_dir.db_path) == before
    assert not Path(f"{data_dir.db_path}-wal").exists()


def test_truncated_database_file(data_dir: DataDir) -> None:
    open_database(data_dir).dispose()
    data = data_dir.db_path.read_bytes()
    data_dir.db_path.write_bytes(data[:100])  # header only
    before = _sha256(data_dir.db_path)
    with pytest.raises(Exception) as info:
        open_database(data_dir)
    problem = classify(info.value)
    assert problem is not None and problem.code == "corrupt", repr(info.value)
    assert _sha256(data_dir.db_path) == before


def test_empty_database_file_is_initialised(data_dir: DataDir) -> None:
    data_dir.root.mkdir(parents=True)
    data_dir.db_path.write_bytes(b"")
    assert _counts(data_dir)["businesses"] == 20


# --- the instance lock -------------------------------------------------------------------

_HOLDER = """
import sys
from pathlib import Path
from app.store.instance import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
lock.acquire()
print("locked", flush=True)
sys.stdin.readline()
lock.release()
"""


@pytest.fixture
def lock_holder(data_dir: DataDir) -> Iterator[subprocess.Popen[str]]:
    data_dir.root.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(data_dir.lock_path)],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if line != "locked":
            proc.kill()
            _, err = proc.communicate(timeout=10)
            pytest.fail(f"lock holder did not start: {line!r} {err}")
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)


def test_instance_lock_held_by_another_process(data_dir: DataDir, lock_holder) -> None:
    lock = InstanceLock(data_dir.lock_path)
    assert lock.held_elsewhere() is True
    with pytest.raises(AlreadyRunning) as info:
        lock.acquire()
    assert "起動" in str(info.value)

    assert lock_holder.stdin is not None
    lock_holder.stdin.write("\n")
    lock_holder.stdin.flush()
    assert lock_holder.wait(timeout=10) == 0

    assert lock.held_elsewhere() is False
    lock.acquire()
    try:
        assert lock.held_elsewhere() is False  # our own lock is not "elsewhere"
    finally:
        lock.release()


def test_instance_lock_dies_with_the_process(data_dir: DataDir, lock_holder) -> None:
    lock = InstanceLock(data_dir.lock_path)
    assert lock.held_elsewhere() is True
    lock_holder.kill()
    lock_holder.wait(timeout=10)
    with lock:
        pass


def test_held_elsewhere_does_not_keep_the_lock(data_dir: DataDir) -> None:
    data_dir.root.mkdir(parents=True)
    first = InstanceLock(data_dir.lock_path)
    assert first.held_elsewhere() is False
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from app.store.instance import InstanceLock;"
            "sys.exit(1 if InstanceLock(Path(sys.argv[1])).held_elsewhere() else 0)",
            str(data_dir.lock_path),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert probe.returncode == 0, probe.stderr
