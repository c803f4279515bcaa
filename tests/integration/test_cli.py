"""The ``hitori`` command end to end: real processes, real files, the documented exit codes."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select

from app.paths import DataDir
from app.services.inventory import assets
from app.store.database import open_database
from app.store.models import Asset
from tests.unprivileged import unprivileged_prefix

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("PYTHONWARNINGS", None)
    env.update(extra or {})
    return env


def _cmd(args: Sequence[str | Path], data_dir: Path | None) -> list[str]:
    cmd = [sys.executable, "-m", "app", *map(str, args)]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    return cmd


def hitori(
    *args: str | Path, data_dir: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _cmd(args, data_dir),
        cwd=REPO_ROOT,
        env=_env(env),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )


def hitori_many(
    runs: Sequence[Sequence[str | Path]], data_dir: Path, env: dict[str, str] | None = None
) -> list[subprocess.CompletedProcess[str]]:
    """Run several read-only invocations at once (they are independent)."""
    procs = [
        subprocess.Popen(
            _cmd(args, data_dir),
            cwd=REPO_ROOT,
            env=_env(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        for args in runs
    ]
    results = []
    for args, proc in zip(runs, procs, strict=True):
        out, err = proc.communicate(timeout=TIMEOUT)
        results.append(subprocess.CompletedProcess(_cmd(args, data_dir), proc.returncode, out, err))
    return results


def assert_no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr


def assert_refused(proc: subprocess.CompletedProcess[str], *words: str) -> str:
    """Exit 1 with exactly one line 'hitori: …' on stderr; returns that line."""
    assert_no_traceback(proc)
    assert proc.returncode == 1, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got: {lines}"
    assert lines[0].startswith("hitori: "), lines[0]
    for word in words:
        assert word in lines[0], f"{word!r} not in {lines[0]!r}"
    return lines[0]


def assert_ok(proc: subprocess.CompletedProcess[str]) -> None:
    assert_no_traceback(proc)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_db(root: Path, *tags: str) -> DataDir:
    """A Hitori database created in this process (faster than `hitori init`)."""
    data_dir = DataDir(root)
    db = open_database(data_dir, actor="tester")
    try:
        with db.sessions.begin() as s:
            for tag in tags:
                assets.create_asset(s, {"asset_tag": tag, "name": f"機器 {tag}"})
    finally:
        db.dispose()
    return data_dir


def asset_tags(data_dir: DataDir) -> set[str]:
    db = open_database(data_dir)
    try:
        with db.sessions() as s:
            return set(s.scalars(select(Asset.asset_tag)))
    finally:
        db.dispose()


def table_count(db_path: Path, table: str) -> int:
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# --- init, check -------------------------------------------------------------------------


def test_init_creates_the_database(tmp_path: Path) -> None:
    from app.store.migrations import head_revision

    root = tmp_path / "new" / "data"
    proc = hitori("init", data_dir=root)
    assert_ok(proc)
    # --data-dir wins over HITORI_DATA_DIR (set for every test by tests/conftest.py).
    assert not Path(os.environ["HITORI_DATA_DIR"]).exists()
    db_path = root / "hitori.sqlite3"
    assert db_path.is_file()
    assert head_revision() in proc.stdout
    assert str(db_path) in proc.stdout
    assert table_count(db_path, "standard_businesses") == 20

    again = hitori("init", data_dir=root)
    assert_ok(again)
    assert table_count(db_path, "standard_businesses") == 20
    assert table_count(db_path, "checklist_template_items") == 40
    assert "更新前" not in again.stdout
    assert not (root / "backups").exists() or not any((root / "backups").iterdir())


def test_data_dir_from_environment(tmp_path: Path) -> None:
    root = tmp_path / "from-env"
    proc = hitori("init", env={"HITORI_DATA_DIR": str(root)})
    assert_ok(proc)
    assert (root / "hitori.sqlite3").is_file()


def test_check_reports_ok(tmp_path: Path) -> None:
    data_dir = make_db(tmp_path / "d", "CHK-1")
    proc = hitori("check", data_dir=data_dir.root)
    assert_ok(proc)
    lines = proc.stdout.strip().splitlines()
    assert len(lines) >= 3
    assert all(line.startswith("OK") for line in lines), lines
    assert any("integrity_check" in line for line in lines)


def test_a_damaged_search_index_is_found_and_rebuilt(tmp_path: Path) -> None:
    data_dir = make_db(tmp_path / "d", *(f"IDX-{i:03d}" for i in range(300)))
    with sqlite3.connect(data_dir.db_path) as conn:  # lose some of the index's pages
        conn.execute("DELETE FROM search_fts_data WHERE id > 10 AND id % 2 = 0")
    broken = hitori("check", data_dir=data_dir.root)
    assert_no_traceback(broken)
    assert broken.returncode == 1
    assert "NG  検索索引が壊れています" in broken.stdout
    assert "hitori check --reindex で作り直せます" in broken.stderr
    fixed = hitori("check", "--reindex", data_dir=data_dir.root)
    assert_ok(fixed)
    assert "検索索引を作り直しました（300 件）" in fixed.stdout
    assert "OK  検索索引（300 件）" in fixed.stdout
    found = hitori("search", "IDX-123", "--json", data_dir=data_dir.root)
    assert_ok(found)
    assert "IDX-123" in found.stdout
    assert asset_tags(data_dir) == {f"IDX-{i:03d}" for i in range(300)}


def test_damage_beyond_the_index_points_to_a_backup(tmp_path: Path) -> None:
    data_dir = make_db(tmp_path / "d", "FK-1")
    with sqlite3.connect(data_dir.db_path) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("UPDATE assets SET department_id = 999")
    proc = hitori("check", data_dir=data_dir.root)
    assert proc.returncode == 1
    assert "外部キー" in proc.stdout
    assert "バックアップから復元してください" in proc.stderr
    assert "--reindex" not in proc.stderr


def test_unknown_subcommand_is_a_usage_error(tmp_path: Path) -> None:
    proc = hitori("frobnicate", data_dir=tmp_path / "d")
    assert_no_traceback(proc)
    assert proc.returncode == 2
    assert not (tmp_path / "d").exists()


def test_missing_argument_is_a_usage_error(tmp_path: Path) -> None:
    proc = hitori("restore", data_dir=tmp_path / "d")
    assert_no_traceback(proc)
    assert proc.returncode == 2


# --- search ------------------------------------------------------------------------------

AWKWARD_QUERIES = ['"', "*", "AND", "NEAR(", "）", '" * AND NEAR( ）', "%_"]
NO_LETTERS = {'"', "*", "）", "%_"}


@pytest.fixture(scope="module")
def search_results(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, subprocess.CompletedProcess[str]]]:
    root = tmp_path_factory.mktemp("search") / "data"
    data_dir = make_db(root, "SRV-01")
    runs: dict[str, list[str]] = {f"q:{q}": ["search", q] for q in AWKWARD_QUERIES}
    runs["json"] = ["search", "標準", "--json"]
    runs["empty"] = ["search", ""]
    runs["long"] = ["search", "あ" * 1000]
    runs["hit"] = ["search", "SRV", "--json"]
    home = tmp_path_factory.mktemp("home")
    env = {"HOME": str(home), "HITORI_DATA_DIR": str(home / "unused")}
    done = hitori_many(list(runs.values()), data_dir.root, env=env)
    yield dict(zip(runs, done, strict=True))


def test_search_json_is_valid(search_results) -> None:
    proc = search_results["json"]
    assert_ok(proc)
    payload = json.loads(proc.stdout)
    assert payload["query"] == "標準"
    assert isinstance(payload["groups"], list)


def test_search_json_finds_an_asset(search_results) -> None:
    proc = search_results["hit"]
    assert_ok(proc)
    payload = json.loads(proc.stdout)
    kinds = {g["kind"] for g in payload["groups"]}
    assert "asset" in kinds
    titles = [h["title"] for g in payload["groups"] for h in g["hits"]]
    assert any("SRV-01" in t for t in titles), titles


@pytest.mark.parametrize("query", AWKWARD_QUERIES)
def test_search_with_query_syntax_characters(search_results, query: str) -> None:
    proc = search_results[f"q:{query}"]
    assert_no_traceback(proc)
    if query in NO_LETTERS:
        assert_refused(proc, "検索語")
    else:
        assert_ok(proc)


def test_search_empty_query(search_results) -> None:
    assert_refused(search_results["empty"], "検索語")


def test_search_too_long_query(search_results) -> None:
    assert_refused(search_results["long"], "長すぎ")


# --- backup ------------------------------------------------------------------------------


def test_backup_default_location(tmp_path: Path) -> None:
    from app.store.restore import validate_backup

    data_dir = make_db(tmp_path / "d", "BK-1")
    proc = hitori("backup", data_dir=data_dir.root)
    assert_ok(proc)
    made = list(data_dir.backups.glob("*.sqlite3"))
    assert len(made) == 1
    assert str(made[0]) in proc.stdout
    assert validate_backup(made[0])


def test_backup_refuses_to_overwrite(tmp_path: Path) -> None:
    data_dir = make_db(tmp_path / "d")
    existing = tmp_path / "existing.sqlite3"
    existing.write_text("大事なファイル", encoding="utf-8")
    assert_refused(hitori("backup", "--out", existing, data_dir=data_dir.root), "既に")
    assert existing.read_text(encoding="utf-8") == "大事なファイル"


def test_backup_without_a_database(tmp_path: Path) -> None:
    assert_refused(hitori("backup", data_dir=tmp_path / "nothing"), "データベースがありません")


# --- restore -----------------------------------------------------------------------------


def test_restore_brings_back_deleted_data(tmp_path: Path) -> None:
    data_dir = make_db(tmp_path / "d", "KEEP-1", "GONE-1")
    saved = tmp_path / "usb" / "saved.sqlite3"  # --out into a folder that does not exist yet
    assert_ok(hitori("backup", "--out", saved, data_dir=data_dir.root))
    assert saved.is_file()
    assert not Path(f"{saved}-wal").exists()

    db = open_database(data_dir, actor="tester")
    try:
        with db.sessions.begin() as s:
            gone = s.scalar(select(Asset.id).where(Asset.asset_tag == "GONE-1"))
            assets.delete_asset(s, gone)
            assets.create_asset(s, {"asset_tag": "NEW-1", "name": "後から追加"})
    finally:
        db.dispose()
    assert asset_tags(data_dir) == {"KEEP-1", "NEW-1"}

    proc = hitori("restore", saved, data_dir=data_dir.root)
    assert_ok(proc)
    assert asset_tags(data_dir) == {"KEEP-1", "GONE-1"}
    aside = list(data_dir.backups.glob("before-restore-*.sqlite3"))
    assert len(aside) == 1
    assert str(aside[0]) in proc.stdout
    with closing(sqlite3.connect(f"file:{aside[0]}?mode=ro", uri=True)) as conn:
        assert {r[0] for r in conn.execute("SELECT asset_tag FROM assets")} == {"KEEP-1", "NEW-1"}


def test_restore_of_a_text_file_is_refused(tmp_path: Path) -> None:
    data_dir = make_db(tmp_path / "d", "R-1")
    before = sha256(data_dir.db_path)
    bad = tmp_path / "not_a_db.txt"
    bad.write_text("これはデータベースではありません", encoding="utf-8")
    assert_refused(hitori("restore", bad, data_dir=data_dir.root), "SQLite")
    assert sha256(data_dir.db_path) == before
    assert asset_tags(data_dir) == {"R-1"}


# Holds the database open as the GUI does (it opens it the same way), until told to stop.
_HOLDER = """
import sys
from pathlib import Path
from app.paths import DataDir
from app.store.database import open_database
db = open_database(DataDir(Path(sys.argv[1])))
print("locked", flush=True)
sys.stdin.readline()
"""


def test_restore_while_hitori_is_running_is_refused(tmp_path: Path) -> None:
    from app.store.backup import backup_to

    data_dir = make_db(tmp_path / "d", "R-1")
    saved = backup_to(data_dir.db_path, tmp_path / "saved")
    before = sha256(data_dir.db_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(data_dir.root)],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        assert_refused(hitori("restore", saved, data_dir=data_dir.root), "使用中")
    finally:
        holder.kill()
        holder.communicate(timeout=10)
    assert sha256(data_dir.db_path) == before
    assert not data_dir.backups.exists() or not list(data_dir.backups.glob("before-restore-*"))


# --- refused databases and folders -------------------------------------------------------


def test_newer_database_is_refused_by_init(tmp_path: Path) -> None:
    data_dir = make_db(tmp_path / "d")
    with closing(sqlite3.connect(data_dir.db_path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num='9999_future'")
        conn.commit()
    before = sha256(data_dir.db_path)
    assert_refused(hitori("init", data_dir=data_dir.root), "新しい版")
    assert sha256(data_dir.db_path) == before


def test_corrupt_database_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "d"
    root.mkdir()
    db_path = root / "hitori.sqlite3"
    db_path.write_bytes(os.urandom(32768))
    before = sha256(db_path)

    check = hitori("check", data_dir=root)
    assert_refused(check)
    assert "NG" in check.stdout

    init = hitori("init", data_dir=root)
    assert_refused(init, "壊れて")
    assert sha256(db_path) == before


def hitori_unprivileged(
    *args: str | Path, data_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``hitori`` run where file permissions are enforced, even when the tests run as root."""
    return subprocess.run(
        [*unprivileged_prefix(), *_cmd(args, data_dir)],
        cwd=REPO_ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )


def test_data_dir_under_read_only_folder(tmp_path: Path) -> None:
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        assert_refused(hitori_unprivileged("init", data_dir=parent / "data"), "データフォルダ")
    finally:
        parent.chmod(stat.S_IRWXU)


def test_data_dir_where_even_root_cannot_write() -> None:
    if sys.platform != "linux" or not Path("/sys").is_dir():
        pytest.skip("needs Linux sysfs")
    target = Path("/sys/hitori-cli-test")
    assert_refused(hitori("init", data_dir=target), "データフォルダ")
    assert not target.exists()
