"""The GUI as a process: --self-test, one instance per data dir, refusing bad databases."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.gui]

REPO = Path(__file__).resolve().parents[2]


def hitori(*args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def test_self_test_visits_every_view_and_prints_json(tmp_path: Path) -> None:
    result = hitori("--self-test", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(payload) == {"startup_ms", "views_ms", "rss_mb"}
    assert set(payload["views_ms"]) == {
        "dashboard", "assets", "worklog", "notices", "runbooks", "checklists",
    }  # fmt: skip
    assert payload["startup_ms"] > 0
    assert 20 < payload["rss_mb"] < 2000
    assert (tmp_path / "hitori.sqlite3").is_file()
    assert (tmp_path / "logs" / "hitori.log").is_file()


def test_second_instance_is_refused(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from app.store.instance import InstanceLock;"
         f"l = InstanceLock(Path({str(tmp_path / 'hitori.lock')!r})); l.acquire();"
         "print('locked', flush=True); sys.stdin.read()"],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        result = hitori("--self-test", "--data-dir", str(tmp_path))
        assert result.returncode == 1
        assert "既にこのデータフォルダで起動しています" in result.stderr
        assert not (tmp_path / "hitori.sqlite3").exists()
    finally:
        holder.communicate("", timeout=30)


def test_newer_database_is_refused_and_untouched(tmp_path: Path) -> None:
    assert hitori("init", "--data-dir", str(tmp_path)).returncode == 0
    db = tmp_path / "hitori.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("UPDATE alembic_version SET version_num='9999_from_the_future'")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    result = hitori("--self-test", "--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert "新しい版" in result.stderr
    assert db.read_bytes() == before
    assert not Path(f"{db}-wal").exists()


def test_corrupt_database_is_reported(tmp_path: Path) -> None:
    db = tmp_path / "hitori.sqlite3"
    db.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    before = db.read_bytes()
    result = hitori("--self-test", "--data-dir", str(tmp_path))
    assert result.returncode == 1
    assert "壊れています" in result.stderr or "読めません" in result.stderr
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == before


def test_the_daily_backup_is_made_once_the_window_is_up(tmp_path: Path) -> None:
    import time

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(tmp_path)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        made: list[Path] = []
        while not made and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            made = list((tmp_path / "backups").glob("*.sqlite3"))
        assert made, "no automatic backup was made"
        with sqlite3.connect(f"file:{made[0]}?mode=ro", uri=True) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        proc.terminate()
        proc.wait(10)
