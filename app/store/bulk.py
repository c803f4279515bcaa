"""INSERT thousands of rows at once, at the driver's speed.

``conn.execute(insert(table), rows)`` spends most of its time, for a bulk import of
10,000 rows, building each row's parameters inside SQLAlchemy. :func:`insert_many` does
what that does — the same INSERT statement, compiled for the connection's dialect, and
each column type's own conversion of Python values (dates, datetimes, JSON) — once per
column instead of once per row, then hands all rows to the driver's ``executemany``.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table, bindparam, func, insert, select, text


def last_id(conn: Connection, table: Table) -> int:
    """The highest id in ``table`` (0 when empty): rows written with explicit ids
    continue from here (the caller holds the write transaction)."""
    return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())


def ids_given(conn: Connection, table: Table, last: int) -> None:
    """After rows were inserted with explicit ids up to ``last``: a server database's
    id sequence is moved past them (SQLite needs nothing: it takes max(id) + 1)."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), :last)"),
            {"last": last},
        )


def insert_many(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT ``rows`` into ``table``; every row has the same keys (column keys)."""
    if not rows:
        return
    dialect = conn.dialect
    keys = list(rows[0])
    stmt = insert(table).values({key: bindparam(key) for key in keys})
    compiled = stmt.compile(dialect=dialect)
    order = list(compiled.positiontup or keys) if compiled.positional else keys
    convert = [
        (position, processor)
        for position, key in enumerate(order)
        if (processor := _processor(table, key, dialect))
    ]
    getter = operator.itemgetter(*order)
    values = (
        [list(getter(row)) for row in rows] if len(order) > 1 else [[getter(row)] for row in rows]
    )
    # Column by column: one processor applied down the column, not a lookup per cell.
    for position, processor in convert:
        for row_values in values:
            row_values[position] = processor(row_values[position])
    if compiled.positional:
        params: list[Any] = [tuple(v) for v in values]
    else:
        params = [dict(zip(order, v, strict=True)) for v in values]
    conn.exec_driver_sql(str(compiled), params)


def _processor(table: Table, key: str, dialect: Any) -> Any:
    """The column type's own conversion of Python values, or for dates and datetimes an
    equivalent at C speed (``isoformat``) once it is seen to give the same text for the
    dialect: SQLite's own processors format field by field, which for the 200,000 dated
    rows of the large demo took longer than inserting them."""
    column = table.c[key]
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    if processor is None or not isinstance(column.type, Date | DateTime):
        return processor
    fast: Any = _iso_date
    samples: tuple[Any, ...] = (date(2026, 11, 1), date(1999, 3, 31))
    if isinstance(column.type, DateTime):
        fast = _iso_datetime
        samples = (datetime(2026, 11, 1, 9, 5, 7), datetime(2031, 3, 31, 23, 59, 59, 123456))
    if all(fast(v) == processor(v) for v in samples) and fast(None) == processor(None):
        return fast
    return processor


def _iso_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()[:10]


def _iso_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = value.isoformat(" ")
    return text if value.microsecond else f"{text}.000000"
