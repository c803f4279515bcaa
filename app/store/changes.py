"""What a write changed: the kinds (and ids) of the records it touched, once committed.

The same flush that writes the change history sees every record a session writes; this
module keeps, per session, the record kinds and ids of what was flushed, and when the
transaction commits hands them to whoever is recording on that thread:

    with changes.recording() as changed:      # the GUI's writer jobs do this
        apply_import(db.sessions, preview)
    changed.kinds   # {"asset", "department"}

A rollback forgets what the session had flushed. Writes made with Core statements (the
bulk import) say what they wrote with :func:`note`. The GUI announces a job's changes
on the main thread, and each view reloads when a kind it shows has changed (the pattern
of Anki's ``OpChanges``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from app.store import flush_deletes
from app.store.kind_index import kind_of, model_by_table

_KEY = "hitori_changes"
_local = threading.local()


@dataclass
class Changes:
    """Record kinds and ids written by one piece of work (committed)."""

    ids: dict[str, set[int]] = field(default_factory=dict)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.ids)

    def add(self, kind: str, record_ids: Iterable[int]) -> None:
        self.ids.setdefault(kind, set()).update(record_ids)

    def merge(self, other: Changes) -> None:
        for kind, ids in other.ids.items():
            self.add(kind, ids)

    def touches(self, kinds: Iterable[str]) -> bool:
        return not self.kinds.isdisjoint(kinds)

    def __bool__(self) -> bool:
        return bool(self.ids)


def _pending(session: Session) -> Changes:
    return session.info.setdefault(_KEY, Changes())


def note(session: Session, kind: str, record_ids: Iterable[int]) -> None:
    """Record a write the flush did not see (Core statements)."""
    _pending(session).add(kind, record_ids)


def note_table(session: Session, table: str, record_ids: Iterable[int]) -> None:
    model = model_by_table(table)
    if model is not None:
        note(session, kind_of(model).code, record_ids)


def _after_flush(session: Session, _ctx: Any) -> None:
    pending = _pending(session)
    for obj in (*session.new, *session.dirty, *flush_deletes.deleted(session)):
        kind = vars(type(obj)).get("__kind__")
        if kind is None:
            continue
        record_id = getattr(obj, "id", None)
        # Records keyed otherwise (a setting by name) change their kind without an id.
        pending.add(kind.code, (record_id,) if isinstance(record_id, int) else ())


def _after_commit(session: Session) -> None:
    pending = session.info.pop(_KEY, None)
    if pending:
        for recorder in getattr(_local, "recorders", ()):
            recorder.merge(pending)


def _after_rollback(session: Session) -> None:
    session.info.pop(_KEY, None)


def install(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "after_commit", _after_commit)
    event.listen(factory, "after_soft_rollback", lambda s, _t: _after_rollback(s))


@contextmanager
def recording() -> Iterator[Changes]:
    """Collect what every session on this thread commits until the block ends."""
    changed = Changes()
    recorders: list[Changes] = getattr(_local, "recorders", [])
    _local.recorders = [*recorders, changed]
    try:
        yield changed
    finally:
        _local.recorders = recorders
