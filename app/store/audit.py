"""Append-only change history written on every flush (who, when, field before/after).

The history table itself is protected by triggers in the schema (no UPDATE or
DELETE); this module only ever inserts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, event, insert, inspect, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import NO_VALUE

from app.store import bulk, flush_deletes
from app.store.models import Base, ChangeLogEntry, utcnow

# Long texts are kept whole in history, but a bound stops a runaway field from
# bloating the table.
MAX_VALUE_CHARS = 20_000


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def render(value: Any) -> str | None:
    """How a field value is written into the history."""
    if value is None or value is NO_VALUE:
        return None
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    elif isinstance(value, bool):
        text = "1" if value else "0"
    else:
        text = str(_plain(value))
    return text[:MAX_VALUE_CHARS]


def _json_default(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else str(value)


# One encoder for every snapshot; dates become ISO text through ``default``, which the C
# encoder calls only for them (a bulk import snapshots thousands of rows).
_SNAPSHOT_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=_json_default)


def snapshot_values(values: Mapping[str, Any]) -> str:
    """The JSON snapshot of a record written for an insert or a delete (``values``: every
    column attribute of the record by key)."""
    return _SNAPSHOT_JSON.encode(values)[:MAX_VALUE_CHARS]


def _snapshot(obj: Base) -> str:
    mapper = inspect(obj).mapper
    return snapshot_values({c.key: getattr(obj, c.key) for c in mapper.column_attrs})


def _row_id(obj: Base) -> str:
    # New objects have no identity key yet inside after_flush, but their primary key
    # values have been fetched by then.
    state = inspect(obj)
    key = state.identity or state.mapper.primary_key_from_instance(obj)
    return "/".join(str(v) for v in key)


SKIP_FIELDS = frozenset({"created_at", "updated_at"})


def _after_flush(session: Session, _ctx: Any) -> None:
    if session.info.get("skip_audit"):
        return
    actor = session.info.get("actor", "unknown")
    now = utcnow()
    rows: list[dict[str, Any]] = []

    def add(obj: Base, action: str, field: str | None, old: Any, new: Any) -> None:
        rows.append(
            {
                "at": now,
                "actor": actor,
                "table_name": obj.__tablename__,
                "row_id": _row_id(obj),
                "action": action,
                "field": field,
                "old_value": old,
                "new_value": new,
            }
        )

    for obj in session.new:
        if isinstance(obj, Base) and obj.__audited__:
            add(obj, "insert", None, None, _snapshot(obj))
    gone = flush_deletes.deleted(session)
    gone_ids = {id(obj) for obj in gone}  # an orphaned child is also "dirty"
    for obj in session.dirty:
        if not (isinstance(obj, Base) and obj.__audited__) or not session.is_modified(obj):
            continue
        if id(obj) in gone_ids:
            continue
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            if attr.key in SKIP_FIELDS:
                continue
            hist = state.attrs[attr.key].history
            if not hist.has_changes():
                continue
            old = render(hist.deleted[0]) if hist.deleted else None
            new = render(hist.added[0]) if hist.added else None
            if old != new:
                add(obj, "update", attr.key, old, new)
    for obj in gone:
        if isinstance(obj, Base) and obj.__audited__:
            add(obj, "delete", None, _snapshot(obj), None)
    if rows:
        session.connection().execute(insert(ChangeLogEntry), rows)


def record_bulk(
    conn: Connection,
    actor: str,
    table_name: str,
    inserts: Sequence[tuple[int | str, Mapping[str, Any]]],
    updates: Sequence[tuple[int | str, str, Any, Any]],
) -> int:
    """Write the history of records written with Core statements (bulk imports), the same
    rows the flush hook writes for ORM objects: one ``insert`` row per
    ``(row_id, every column value by key)`` with the same JSON snapshot, and one ``update``
    row per ``(row_id, field, old value, new value)`` whose rendered values differ
    (``created_at``/``updated_at`` are skipped, as by the hook). Returns the rows written.
    """
    now = utcnow()

    def row(row_id: Any, action: str, field: str | None, old: Any, new: Any) -> dict[str, Any]:
        return {"at": now, "actor": actor, "table_name": table_name, "row_id": str(row_id),
                "action": action, "field": field, "old_value": old, "new_value": new}  # fmt: skip

    rows = [row(rid, "insert", None, None, snapshot_values(values)) for rid, values in inserts]
    for rid, field, old, new in updates:
        if field in SKIP_FIELDS:
            continue
        before, after = render(old), render(new)
        if before != after:
            rows.append(row(rid, "update", field, before, after))
    bulk.insert_many(conn, cast(Table, ChangeLogEntry.__table__), rows)
    return len(rows)


def record(
    session: Session,
    table_name: str,
    row_id: int | str,
    action: str,
    field: str | None,
    old: str | None,
    new: str | None,
) -> None:
    """One history row for a change the flush does not see (a link row written with a
    Core statement), by the session's actor."""
    if session.info.get("skip_audit"):
        return
    session.execute(
        insert(ChangeLogEntry).values(
            at=utcnow(), actor=session.info.get("actor", "unknown"), table_name=table_name,
            row_id=str(row_id), action=action, field=field, old_value=old, new_value=new,
        )
    )  # fmt: skip


def install(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "after_flush", _after_flush)


def is_installed(factory: sessionmaker[Session]) -> bool:
    """Whether sessions of ``factory`` write change history (see ``install``)."""
    return event.contains(factory, "after_flush", _after_flush)


def history_of(session: Session, table_name: str, row_id: int | str) -> list[ChangeLogEntry]:
    """The change history of one record, newest first."""
    stmt = (
        select(ChangeLogEntry)
        .where(ChangeLogEntry.table_name == table_name, ChangeLogEntry.row_id == str(row_id))
        .order_by(ChangeLogEntry.id.desc())
    )
    return list(session.execute(stmt).scalars())
