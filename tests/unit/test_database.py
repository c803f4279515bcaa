"""Opening a data directory: create, seed once, refuse unusable folders and files; the lock."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.paths import DataDir
from app.store.database import DataDirError, open_database
from app.store.errors import classify
from app.store.instance import AlreadyRunning, InstanceLock
from app.store.models import AssetType, ChecklistTemplate, ChecklistTemplateItem, StandardBusiness
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
