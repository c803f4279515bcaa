"""Links between records (the many-to-many link tables), one service for every area.

    links.link(session, "contract", contract_id, "asset", asset_id)     # True: added
    links.unlink(session, "contract", contract_id, "asset", asset_id)   # True: removed
    links.linked_ids(session, "contract", contract_id, "asset")

The link table joining two kinds is found from its two foreign keys and the models'
declared kinds (app.store.kinds): a new link table needs no entry here. Linking and
unlinking write a change-history row on *both* records — 「関連付け」/「関連付けを解除」,
the field being the other kind and the value the other record's title — and are
announced as changes of both kinds (app.store.changes), so every view showing either
reloads. A record cannot be linked to itself, nor to a record that does not exist.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.orm import Session

from app.services.errors import FieldError, ValidationError
from app.services.records import get_or_not_found
from app.store import audit, changes
from app.store.kind_index import kind_by_code, model_by_code, title_of
from app.store.models import Base

__all__ = ["LINK", "UNLINK", "link", "link_table", "linked_ids", "unlink"]

LINK = "link"
UNLINK = "unlink"


@functools.cache
def link_table(a: str, b: str) -> tuple[Table, str, str]:
    """The link table joining kinds ``a`` and ``b``, with the columns of each side."""
    tables = {model_by_code(a).__tablename__: a, model_by_code(b).__tablename__: b}
    for table in Base.metadata.tables.values():
        fks = [next(iter(c.foreign_keys)) for c in table.primary_key.columns if c.foreign_keys]
        if len(fks) != 2 or len(table.columns) != 2:
            continue
        sides = {tables.get(fk.column.table.name): fk.parent.name for fk in fks}
        if a != b and set(sides) == {a, b}:
            return table, sides[a], sides[b]
    raise LookupError(f"no link table joins {a} and {b}")


def _record(session: Session, kind: str, record_id: int) -> Any:
    return get_or_not_found(session, model_by_code(kind), record_id)


def _history(session: Session, action: str, one: Any, other: Any, other_kind: str) -> None:
    value = f"{title_of(other)}（ID {other.id}）"
    old, new = (None, value) if action == LINK else (value, None)
    audit.record(session, one.__tablename__, one.id, action, other_kind, old, new)


def _both(session: Session, action: str, a: str, a_rec: Any, b: str, b_rec: Any) -> None:
    _history(session, action, a_rec, b_rec, b)
    _history(session, action, b_rec, a_rec, a)
    changes.note(session, a, (a_rec.id,))
    changes.note(session, b, (b_rec.id,))


def link(session: Session, a: str, a_id: int, b: str, b_id: int) -> bool:
    """Link record ``a_id`` of kind ``a`` to ``b_id`` of kind ``b``; False if linked."""
    if a == b and a_id == b_id:
        error = FieldError(b, kind_by_code(b).label, "自分自身とは関連付けできません")
        raise ValidationError([error])
    table, col_a, col_b = link_table(a, b)
    a_rec, b_rec = _record(session, a, a_id), _record(session, b, b_id)
    where = (table.c[col_a] == a_id, table.c[col_b] == b_id)
    if session.execute(select(func.count()).where(*where)).scalar_one():
        return False
    session.execute(insert(table).values({col_a: a_id, col_b: b_id}))
    _both(session, LINK, a, a_rec, b, b_rec)
    return True


def unlink(session: Session, a: str, a_id: int, b: str, b_id: int) -> bool:
    """Remove the link between the two records; False when there was none."""
    table, col_a, col_b = link_table(a, b)
    result = session.execute(delete(table).where(table.c[col_a] == a_id, table.c[col_b] == b_id))
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    a_rec, b_rec = session.get(model_by_code(a), a_id), session.get(model_by_code(b), b_id)
    if a_rec is not None and b_rec is not None:
        _both(session, UNLINK, a, a_rec, b, b_rec)
    return True


def linked_ids(session: Session, a: str, a_id: int, b: str) -> list[int]:
    """The ids of kind ``b`` linked to record ``a_id`` of kind ``a``."""
    table, col_a, col_b = link_table(a, b)
    return [int(i) for i in session.scalars(select(table.c[col_b]).where(table.c[col_a] == a_id))]
