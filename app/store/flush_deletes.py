"""Every record a flush deletes, including those deleted by a cascade.

The flush hooks (history: app.store.audit, search index: app.store.search_index, change
notices: app.store.changes) run after the flush and read what it did. ``session.deleted``
lists only what was deleted explicitly (``session.delete(obj)``): a child removed from
its parent's list under ``delete-orphan`` (an answer taken out of a Q&A note, a step out
of a runbook) is deleted by the flush itself and is not in it — its history row would
be missing and the search index would keep finding it. A mapper-level ``after_delete``
sees every row the flush deletes; it is collected in ``session.info`` and read here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Mapper, Session, object_session, sessionmaker

from app.store.models import Base

_KEY = "hitori.flush_deleted"


def _after_delete(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    session = object_session(target)
    if session is not None:
        session.info.setdefault(_KEY, []).append(target)


def _after_flush_postexec(session: Session, _ctx: Any) -> None:
    session.info.pop(_KEY, None)


def deleted(session: Session) -> list[Any]:
    """What the flush being finished deleted: explicitly, then by cascade (once each)."""
    out = list(session.deleted)
    seen = {id(obj) for obj in out}
    for obj in session.info.get(_KEY, ()):
        if id(obj) not in seen:
            seen.add(id(obj))
            out.append(obj)
    return out


def install(factory: sessionmaker[Session]) -> None:
    if not event.contains(Base, "after_delete", _after_delete):
        event.listen(Base, "after_delete", _after_delete, propagate=True)
    event.listen(factory, "after_flush_postexec", _after_flush_postexec)
