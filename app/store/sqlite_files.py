"""SQLite database files as files: reading one without needing write access, retiring
a WAL before a file is replaced, and making a rename durable.

Nothing here deletes a ``-wal`` or ``-shm`` file: SQLite removes them itself when the last
connection closes, and only when it can prove (with its own locks) that it is the last.
A reader therefore opens a database in a writable folder as an ordinary connection with
``query_only`` set — SQLite then cleans up after it like after any other connection — and
falls back to ``mode=ro`` only where the folder or file cannot be written, and to
``immutable=1`` only where, in addition, there is no WAL that could hold newer data.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

SIDE_SUFFIXES = ("-wal", "-shm")
SQLITE_MAGIC = b"SQLite format 3\x00"


def side_file(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def can_write(path: Path) -> bool:
    """True when this process may create files in ``path``'s folder and write ``path``."""
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


def _uri(path: Path, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{path.resolve().as_uri()}?{query}"


def connect_reader(path: Path, *, timeout: float = 5.0) -> sqlite3.Connection:
    """A connection that can only read ``path`` and leaves nothing behind that SQLite
    itself would not remove. Raises sqlite3.OperationalError when the file is missing."""
    if not path.is_file():
        raise sqlite3.OperationalError(f"unable to open database file: {path}")
    if can_write(path):
        conn = sqlite3.connect(_uri(path, mode="rw"), uri=True, timeout=timeout)
        conn.execute("PRAGMA query_only=1")
    elif side_file(path, "-wal").exists():
        conn = sqlite3.connect(_uri(path, mode="ro"), uri=True, timeout=timeout)
    else:
        # No WAL and nobody can write here: the file holds all there is and cannot change.
        conn = sqlite3.connect(_uri(path, mode="ro", immutable="1"), uri=True, timeout=timeout)
    conn.isolation_level = None
    return conn


def is_blank(path: Path) -> bool:
    """True when ``path`` holds no database yet: missing, or empty with no WAL content."""
    try:
        if path.stat().st_size > 0:
            return False
    except FileNotFoundError:
        return True
    wal = side_file(path, "-wal")
    return not wal.exists() or wal.stat().st_size == 0


def is_wal_file(path: Path) -> bool:
    """True when the file's header says WAL mode (its content may be partly in -wal)."""
    try:
        with path.open("rb") as fh:
            header = fh.read(20)
    except OSError:
        return False
    return len(header) == 20 and header[18:20] == b"\x02\x02"


def retire_wal(path: Path, *, timeout: float = 5.0) -> None:
    """Bring every change in ``path``'s WAL into the file and leave it in rollback mode,
    so that the file alone is the database and may be replaced or copied as a file.

    SQLite refuses this ("database is locked") while any other connection has the
    database open; its own refusal is the proof that nobody else is using it.
    """
    if is_blank(path):
        return
    conn = sqlite3.connect(_uri(path, mode="rw"), uri=True, timeout=timeout)
    try:
        conn.isolation_level = None
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        if str(mode).lower() != "delete":
            raise sqlite3.OperationalError("database is locked")
    finally:
        conn.close()


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no directory handles)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_file(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())
