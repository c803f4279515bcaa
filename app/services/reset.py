"""Emptying a database back to how a new one starts (File ▸ データベースを空にする…).

What would go is counted first (:func:`record_counts`, by record kind, for the
confirmation); :func:`empty_database` then deletes every row of every table but the
schema version and the change history in one transaction, seeds the reference data a new
database starts with, empties the search index and writes one history entry saying so.
The history stays: it is append-only (a trigger refuses deletes), and it is the record of
what was there. The GUI makes a proved backup before it runs, so the emptied records can
be restored.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from app.paths import DataDir
from app.progress import Progress
from app.store import changes, search_index
from app.store.kind_index import declared_models, kind_of
from app.store.models import Base, ChangeLogEntry, utcnow
from app.store.reference_data import ensure_reference_data

KEPT_TABLES = frozenset({"alembic_version", ChangeLogEntry.__tablename__})


def record_counts(session: Session) -> list[tuple[str, int]]:
    """Every record kind that holds records, as (label, count), in the kinds' order."""
    counts = []
    for model in declared_models():
        n = int(session.execute(select(func.count()).select_from(model)).scalar_one())
        if n:
            counts.append((kind_of(model).label, n))
    return counts


def empty_database(session: Session, *, backup_name: str = "") -> int:
    """Delete every record (settings and import profiles included; not the history);
    the reference data is seeded again as in a new database. Returns the rows deleted.
    ``backup_name``: the backup made before, named in the history entry. The caller
    commits: nothing is gone until then."""
    deleted = 0
    conn = session.connection()
    for table in reversed(Base.metadata.sorted_tables):  # children before parents
        if table.name not in KEPT_TABLES:
            deleted += conn.execute(table.delete()).rowcount or 0
            changes.note_table(session, table.name, ())  # Core statements: views reload
    session.expire_all()
    ensure_reference_data(session)
    session.flush()
    search_index.rebuild(session)
    conn.execute(
        insert(ChangeLogEntry),
        [{"at": utcnow(), "actor": session.info.get("actor") or "", "table_name": "database",
          "row_id": "reset", "action": "delete", "field": None, "old_value": backup_name or None,
          "new_value": None, "batch": None}],
    )  # fmt: skip
    return deleted


def back_up_and_empty(
    session_factory: sessionmaker[Session], data_dir: DataDir, progress: Progress
) -> Path:
    """A proved backup first (to ``data_dir.backups``), then :func:`empty_database` in
    one transaction; returns the backup. When the backup fails nothing is deleted."""
    from app.store.backup import backup_to

    progress.report(0, 2, "バックアップを作成中")
    backup = backup_to(data_dir.db_path, data_dir.backups, reason="before-reset")
    progress.check()
    progress.report(1, 2, "データベースを空にしています")
    with session_factory.begin() as session:
        empty_database(session, backup_name=backup.name)
    return backup
