"""app.store.bulk.insert_many stores exactly what SQLAlchemy's own INSERT stores."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
)

from app.store.bulk import insert_many

META = MetaData()
THINGS = Table(
    "things", META,
    Column("id", Integer, primary_key=True),
    Column("name", String(50)),
    Column("day", Date),
    Column("at", DateTime),
    Column("flag", Boolean),
    Column("extra", JSON),
)  # fmt: skip
ONE_COLUMN = Table("one_column", META, Column("name", String(50)))

ROWS: list[dict[str, Any]] = [
    {"id": 1, "name": "髙橋", "day": date(2026, 3, 31), "at": datetime(2026, 11, 22, 9, 5, 1, 7),
     "flag": True, "extra": {"リース契約No": "L-0001", "n": [1, 2]}},
    {"id": 2, "name": "", "day": None, "at": None, "flag": False, "extra": None},
    {"id": 3, "name": "=1+1", "day": date(1900, 1, 1), "at": datetime(2000, 1, 1),
     "flag": None, "extra": {}},
]  # fmt: skip


def stored(path: Path, table: str) -> list[tuple[Any, ...]]:
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        rows = list(conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY rowid"))
    engine.dispose()
    return [tuple(r) for r in rows]


@pytest.mark.parametrize(("table", "rows"), [(THINGS, ROWS), (ONE_COLUMN, [{"name": "a"}])])
def test_same_stored_values_as_sqlalchemy_insert(
    tmp_path: Path, table: Table, rows: list[dict[str, Any]]
) -> None:
    for name, write in (
        ("bulk", lambda conn: insert_many(conn, table, rows)),
        ("orm", lambda conn: conn.execute(insert(table), rows)),
    ):
        engine = create_engine(f"sqlite:///{tmp_path / name}.db")
        META.create_all(engine)
        with engine.begin() as conn:
            write(conn)
        engine.dispose()
    assert stored(tmp_path / "bulk.db", table.name) == stored(tmp_path / "orm.db", table.name)
    assert len(stored(tmp_path / "bulk.db", table.name)) == len(rows)


def test_nothing_to_insert(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    META.create_all(engine)
    with engine.begin() as conn:
        insert_many(conn, THINGS, [])
    assert stored(tmp_path / "x.db", "things") == []
