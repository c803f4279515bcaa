"""classify() on errors produced by real SQLite, raw and wrapped by SQLAlchemy."""

from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from app.store.errors import classify
from tests.unprivileged import call_unprivileged


def _raises(fn) -> BaseException:
    with pytest.raises(Exception) as info:
        fn()
    return info.value


def _make_db(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)")
        conn.execute("INSERT INTO t (v) VALUES ('a')")
        conn.commit()


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "e.sqlite3"
    _make_db(path)
    return path


def test_locked_database_is_busy(db_file: Path) -> None:
    holder = sqlite3.connect(db_file, isolation_level=None)
    other = sqlite3.connect(db_file, isolation_level=None, timeout=0)
    try:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("INSERT INTO t (v) VALUES ('held')")
        exc = _raises(lambda: other.execute("INSERT INTO t (v) VALUES ('b')"))
        holder.execute("ROLLBACK")
    finally:
        other.close()
        holder.close()
    assert isinstance(exc, sqlite3.OperationalError)
    assert "locked" in str(exc)
    problem = classify(exc)
    assert problem is not None and problem.code == "busy"
    assert "使用中" in problem.message


def test_locked_database_through_sqlalchemy_is_busy(db_file: Path) -> None:
    holder = sqlite3.connect(db_file, isolation_level=None)
    engine = create_engine(f"sqlite:///{db_file}", connect_args={"timeout": 0})
    try:
        holder.execute("BEGIN IMMEDIATE")

        def write() -> None:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO t (v) VALUES ('b')"))

        exc = _raises(write)
        holder.execute("ROLLBACK")
    finally:
        engine.dispose()
        holder.close()
    assert isinstance(exc, DBAPIError)
    problem = classify(exc)
    assert problem is not None and problem.code == "busy"


def test_write_to_read_only_connection(db_file: Path) -> None:
    with closing(sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)) as conn:
        exc = _raises(lambda: conn.execute("INSERT INTO t (v) VALUES ('b')"))
    assert "readonly" in str(exc)
    problem = classify(exc)
    assert problem is not None and problem.code == "read_only"
    assert "読み取り専用" in problem.message


def _insert_row(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("INSERT INTO t (v) VALUES ('b')")


def test_write_to_read_only_file_and_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "e.sqlite3"
    _make_db(path)
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        exc = _raises(lambda: call_unprivileged(_insert_row, path))
    finally:
        folder.chmod(stat.S_IRWXU)
        path.chmod(0o644)
    problem = classify(exc)
    assert problem is not None and problem.code in {"read_only", "cannot_open"}, str(exc)


def test_random_bytes_are_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "random.sqlite3"
    path.write_bytes(os.urandom(8192))
    with closing(sqlite3.connect(path)) as conn:
        exc = _raises(lambda: conn.execute("SELECT * FROM sqlite_master").fetchall())
    assert "not a database" in str(exc)
    problem = classify(exc)
    assert problem is not None and problem.code == "corrupt"
    assert "壊れて" in problem.message and "restore" in problem.message


def test_damaged_pages_are_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "damaged.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE t (v TEXT)")
        conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,) for _ in range(200)])
        conn.commit()
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    data[page_size : 3 * page_size] = b"\xa5" * (2 * page_size)  # root page of t and more
    path.write_bytes(bytes(data))
    with closing(sqlite3.connect(path)) as conn:
        exc = _raises(lambda: conn.execute("SELECT count(*), max(length(v)) FROM t").fetchall())
    assert "malformed" in str(exc), str(exc)
    problem = classify(exc)
    assert problem is not None and problem.code == "corrupt"


def test_disk_full(db_file: Path) -> None:
    with closing(sqlite3.connect(db_file)) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count={pages}")
        exc = _raises(lambda: conn.execute("INSERT INTO t (v) VALUES (?)", ("x" * 200_000,)))
        conn.rollback()
    assert "full" in str(exc)
    problem = classify(exc)
    assert problem is not None and problem.code == "disk_full"
    assert "空き容量" in problem.message


def test_disk_full_os_error() -> None:
    problem = classify(OSError(28, "No space left on device"))
    assert problem is not None and problem.code == "disk_full"


def test_cannot_open(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "x.sqlite3"
    exc = _raises(lambda: sqlite3.connect(missing))
    problem = classify(exc)
    assert problem is not None and problem.code == "cannot_open"


def test_syntax_error_is_a_bug(db_file: Path) -> None:
    with closing(sqlite3.connect(db_file)) as conn:
        exc = _raises(lambda: conn.execute("SELEC * FROM t"))
    assert isinstance(exc, sqlite3.OperationalError)
    assert classify(exc) is None


def test_syntax_error_through_sqlalchemy_is_a_bug(db_file: Path) -> None:
    engine = create_engine(f"sqlite:///{db_file}")
    try:

        def run() -> None:
            with engine.connect() as conn:
                conn.execute(text("SELEC 1"))

        exc = _raises(run)
    finally:
        engine.dispose()
    assert classify(exc) is None


def test_constraint_violation_is_a_bug(db_file: Path) -> None:
    with closing(sqlite3.connect(db_file)) as conn:
        exc = _raises(lambda: conn.execute("INSERT INTO t (v) VALUES ('a')"))
    assert isinstance(exc, sqlite3.IntegrityError)
    assert classify(exc) is None


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM busy_queue",  # no such table: busy_queue
        "SELECT readonly FROM t",  # no such column: readonly
    ],
)
def test_missing_table_or_column_is_a_bug_whatever_its_name(db_file: Path, sql: str) -> None:
    with closing(sqlite3.connect(db_file)) as conn:
        exc = _raises(lambda: conn.execute(sql))
    assert "no such" in str(exc)
    assert classify(exc) is None, (
        f"classify() called a programming error ({exc}) an environment problem: {classify(exc)}"
    )


def test_plain_python_errors_are_bugs() -> None:
    assert classify(ValueError("database is locked")) is None
    assert classify(KeyError("x")) is None
