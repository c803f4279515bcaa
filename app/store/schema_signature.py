"""What a database's schema is made of, to compare it with the schema Hitori builds.

A restore candidate, an upgraded file and ``hitori check`` are held against the schema
that Hitori's own migrations give a new database: the same tables with the same columns
and foreign keys, the same indexes, the same triggers and views, and nothing else. A file
with a table missing, one of its own triggers, or a column of another type is not ours.

The reference is made once per process by migrating an empty database in a temporary
folder (about 0.5 s), unless the process has just made a new database the same way.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

_SPACE = re.compile(r"\s+")


def _normal_sql(sql: str | None) -> str:
    return _SPACE.sub(" ", (sql or "").strip()).replace('"', "").lower()


@dataclass(frozen=True)
class SchemaSignature:
    tables: dict[str, tuple[object, ...]] = field(default_factory=dict)
    indexes: dict[str, tuple[object, ...]] = field(default_factory=dict)
    triggers: dict[str, str] = field(default_factory=dict)
    views: dict[str, str] = field(default_factory=dict)

    def differences(self, expected: SchemaSignature) -> list[str]:
        """What in this schema differs from ``expected``, in Japanese (empty: the same)."""
        out: list[str] = []
        for label, mine, theirs in (
            ("テーブル", self.tables, expected.tables),
            ("索引", self.indexes, expected.indexes),
            ("トリガー", self.triggers, expected.triggers),
            ("ビュー", self.views, expected.views),
        ):
            for name in sorted(theirs.keys() - mine.keys()):
                out.append(f"{label}「{name}」がありません")
            for name in sorted(mine.keys() - theirs.keys()):
                out.append(f"Hitoriのものではない{label}「{name}」があります")
            for name in sorted(mine.keys() & theirs.keys()):
                if mine[name] != theirs[name]:
                    out.append(f"{label}「{name}」の定義が違います")
        return out


def read_signature(conn: sqlite3.Connection) -> SchemaSignature:
    """The signature of the schema ``conn`` sees (main database)."""
    master = conn.execute(
        "SELECT type, name, tbl_name, sql FROM main.sqlite_master "
        "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ).fetchall()
    sig = SchemaSignature()
    for kind, name, table, sql in master:
        if kind == "table":
            sig.tables[name] = _table_shape(conn, name, sql)
        elif kind == "index":
            columns = tuple(r[2] for r in conn.execute(f'PRAGMA main.index_info("{name}")'))
            sig.indexes[name] = (table, columns, _normal_sql(sql))
        elif kind == "trigger":
            sig.triggers[name] = _normal_sql(sql)
        elif kind == "view":
            sig.views[name] = _normal_sql(sql)
    return sig


def _table_shape(conn: sqlite3.Connection, name: str, sql: str | None) -> tuple[object, ...]:
    if sql and sql.upper().startswith("CREATE VIRTUAL TABLE"):
        return ("virtual", _normal_sql(sql))
    columns = tuple(
        (r[1], str(r[2]).upper(), r[3], r[4], r[5], r[6])
        for r in conn.execute(f'PRAGMA main.table_xinfo("{name}")')
    )
    fks = tuple(
        sorted(
            (r[2], r[3], r[4], r[5], r[6])
            for r in conn.execute(f'PRAGMA main.foreign_key_list("{name}")')
        )
    )
    return ("table", columns, fks)


_reference: SchemaSignature | None = None


def reference_signature() -> SchemaSignature:
    """The schema a new database gets from Hitori's migrations (made once per process,
    or taken from the new database this process has just made: ``remember_new``)."""
    global _reference
    if _reference is None:
        from app.store import migrations
        from app.store.engine import make_engine

        with tempfile.TemporaryDirectory(prefix="hitori-schema-") as tmp:
            path = Path(tmp) / "reference.sqlite3"
            engine = make_engine(f"sqlite:///{path}")
            try:
                migrations.upgrade(engine)
            finally:
                engine.dispose()
            _reference = _signature_of(path)
    return _reference


def remember_new(path: Path) -> None:
    """``path`` was just made by migrating an empty database — the very thing the
    reference is made of: it is the reference for this process (an ``init`` then migrates
    once, not twice: 0.5 s less for every new data folder)."""
    global _reference
    if _reference is None:
        _reference = _signature_of(path)


def _signature_of(path: Path) -> SchemaSignature:
    conn = sqlite3.connect(path)
    try:
        return read_signature(conn)
    finally:
        conn.close()
