"""What a backup holds, for choosing one to restore: its schema revision and how many
records of each kind, beside the same counts of the database in use.

    contents = inspect_backup(path)        # proves a private copy, as a restore would
    now = record_counts_of(data_dir.db_path)

The counts are per record kind (app.store.kinds), labelled as the user knows them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.store.kind_index import declared_models
from app.store.restore import proved_private_copy
from app.store.sqlite_files import connect_reader


@dataclass(frozen=True)
class BackupContents:
    revision: str  # the backup's own schema revision (before any upgrade)
    counts: tuple[tuple[str, int], ...]  # (kind label, records), in declaration order


def record_counts(conn: sqlite3.Connection) -> tuple[tuple[str, int], ...]:
    """(label, records) of every record kind whose table ``conn`` has."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    counts = []
    for model in declared_models():
        table = model.__tablename__
        if table in tables:
            (n,) = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()
            counts.append((model.__kind__.label, int(n)))
    return tuple(counts)


def record_counts_of(db_file: Path) -> tuple[tuple[str, int], ...]:
    """The counts of the database file in use (read-only, beside other processes)."""
    conn = connect_reader(db_file)
    try:
        return record_counts(conn)
    finally:
        conn.close()


def inspect_backup(source: Path) -> BackupContents:
    """Prove the backup ``source`` as a restore would, on a private copy in a temporary
    folder, and count what it holds. Raises BackupError saying what is wrong."""
    with proved_private_copy(source) as proved:
        conn = sqlite3.connect(f"file:{proved.path}?mode=ro", uri=True)
        try:
            counts = record_counts(conn)
        finally:
            conn.close()
    assert proved.revision_before is not None
    return BackupContents(proved.revision_before, counts)
