"""Every foreign key has an index starting with its column(s).

Without one, deleting (or rebuilding) the referenced row makes SQLite scan the whole
referencing table for each row, and joins from the other side scan too. Checked on a
database migrated from empty, so the models and the migrations both count.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from app.store import migrations
from app.store.engine import make_engine


def unindexed_foreign_keys(conn: sqlite3.Connection) -> list[str]:
    """'table(col, …) → parent' for each foreign key with no index whose leading columns
    are its columns (in any order). A partial index does not count: a lookup by the key
    alone cannot use it."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )]  # fmt: skip
    missing = []
    for table in tables:
        keys: dict[int, list[tuple[int, str, str]]] = {}
        for fk_id, seq, parent, column, *_ in conn.execute(f'PRAGMA foreign_key_list("{table}")'):
            keys.setdefault(fk_id, []).append((seq, column, parent))
        leading = []
        for _seq, name, _unique, _origin, partial in conn.execute(f'PRAGMA index_list("{table}")'):
            if not partial:
                leading.append([r[2] for r in conn.execute(f'PRAGMA index_info("{name}")')])
        for parts in keys.values():
            columns = [c for _s, c, _p in sorted(parts)]
            if not any(set(index[: len(columns)]) == set(columns) for index in leading):
                missing.append(f"{table}({', '.join(columns)}) → {parts[0][2]}")
    return sorted(missing)


def _migrated(tmp_path: Path) -> Path:
    path = tmp_path / "fk.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrations.upgrade(engine)
    finally:
        engine.dispose()
    return path


def test_every_foreign_key_has_an_index(tmp_path: Path) -> None:
    with closing(sqlite3.connect(_migrated(tmp_path))) as conn:
        assert conn.execute("PRAGMA foreign_key_list(tasks)").fetchall()  # the check sees keys
        assert unindexed_foreign_keys(conn) == []


def test_the_check_finds_a_missing_index_and_a_partial_one(tmp_path: Path) -> None:
    with closing(sqlite3.connect(tmp_path / "probe.sqlite3")) as conn:
        conn.executescript(
            "CREATE TABLE p (id INTEGER PRIMARY KEY, k INTEGER, UNIQUE (id, k));"
            "CREATE TABLE c (id INTEGER PRIMARY KEY, a INTEGER REFERENCES p(id),"
            " b INTEGER REFERENCES p(id), x INTEGER, y INTEGER, z INTEGER REFERENCES p(id),"
            " FOREIGN KEY (x, y) REFERENCES p(id, k));"
            "CREATE INDEX ix_c_b_z ON c (b, z);"  # serves b only: z is not its leading column
            "CREATE INDEX ix_c_y_x ON c (y, x);"  # serves the composite key (any order)
            "CREATE INDEX ix_c_a ON c (a) WHERE a IS NOT NULL;"  # partial: does not count
        )
        assert unindexed_foreign_keys(conn) == ["c(a) → p", "c(z) → p"]
