"""Reading the database with the standard library alone, under the sharing rule.

``hitori search`` answers in a fraction of the time it takes to import SQLAlchemy and the
models: it opens a plain sqlite3 connection that only reads (app.store.sqlite_files),
holding the data folder shared (app.store.access) like any other process. Whenever more
than reading is called for — no database yet, a schema that is not the current one, a
damage note, leftovers of interrupted work to clear — it gives way (``None``) and the
caller opens the database the full way (app.store.database.open_database), which creates,
upgrades, clears or refuses with its message.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from app.paths import DataDir
from app.store import health, workfiles
from app.store.access import FolderAccess
from app.store.schema_version import HEAD_REVISION
from app.store.sqlite_files import connect_reader

__all__ = ["quick_reader"]


@contextmanager
def quick_reader(data_dir: DataDir) -> Iterator[sqlite3.Connection | None]:
    """A connection that only reads the current database, or None (open it fully)."""
    root = data_dir.root
    if (
        not data_dir.db_path.is_file()
        or health.note_path(root).exists()
        or workfiles.has_leftovers(root)
    ):
        yield None
        return
    access = FolderAccess(data_dir.root)
    try:
        access.acquire_shared()
        try:
            conn = connect_reader(data_dir.db_path)
        except sqlite3.Error:
            yield None
            return
        try:
            yield conn if _current(conn) else None
        finally:
            conn.close()
    finally:
        access.close()


def _current(conn: sqlite3.Connection) -> bool:
    try:
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:
        return False
    return rows == [(HEAD_REVISION,)]
