"""Reordering rows whose ``position`` is unique within their parent, in one UPDATE.

Runbook steps (``UNIQUE(runbook_id, position)``) and checklist template items
(``UNIQUE(template_id, position)``) keep their positions unique, and SQLite checks a
UNIQUE constraint row by row *during* an UPDATE: writing a permutation of the current
positions (1, 2, 3 → 2, 1, 3) collides half-way. So a new order is written into a range
that no current position occupies:

- ``first .. first+n-1`` when every current position lies above it, otherwise
- ``max+1 .. max+n``.

Each row moves from an old value to a value no row holds, at every point of the statement.
Positions only order the rows (the number a person sees is the rank), and they stay small:
after a move up, the next reorder comes back down to ``first``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Column, Connection, Table, case, select, update

__all__ = ["reorder"]


def reorder(
    conn: Connection,
    table: Table,
    parent: Column[int],
    parent_id: int,
    ordered_ids: Sequence[int],
    *,
    first: int = 1,
) -> None:
    """Give the rows of ``parent_id`` the order of ``ordered_ids`` (all of its rows'
    ids, each once) with one UPDATE; ValueError if the ids are not exactly its rows."""
    position = table.c.position
    rows = conn.execute(select(table.c.id, position).where(parent == parent_id)).all()
    if sorted(ordered_ids) != sorted(r.id for r in rows):
        raise ValueError("ordered_ids must name every row of the parent exactly once")
    if not rows:
        return
    n = len(rows)
    low, high = min(r.position for r in rows), max(r.position for r in rows)
    start = first if low > first + n - 1 else high + 1
    new_position = case(
        {row_id: start + i for i, row_id in enumerate(ordered_ids)}, value=table.c.id
    )
    conn.execute(update(table).where(parent == parent_id).values(position=new_position))
