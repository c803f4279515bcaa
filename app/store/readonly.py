"""Open an SQLite file read-only without leaving files behind.

A read-only connection to a WAL database creates ``-wal`` and ``-shm`` files it
cannot remove on close; checks that must leave a refused or closed database
exactly as it was use this instead of a bare ``sqlite3.connect``.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

SIDE_SUFFIXES = ("-wal", "-shm")


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    sides = [Path(f"{path}{s}") for s in SIDE_SUFFIXES]
    existed = {p: p.exists() for p in sides}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield conn
    finally:
        conn.close()
        for side, was_there in existed.items():
            if not was_there:
                with contextlib.suppress(OSError):
                    if side.name.endswith("-shm") or side.stat().st_size == 0:
                        side.unlink()
