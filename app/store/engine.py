"""Engine and session-factory set-up. Nothing here runs at import time."""

from __future__ import annotations

import getpass
import json
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from app.store import attachments, audit, changes, flush_deletes, search_index
from app.store.health import refuse_writes_if_damaged
from app.store.sqlite_files import connect_reader

# How long a statement waits for another connection's lock (a writer waiting for another
# process's write transaction to end). Commands and the GUI's writer thread may wait this
# long; readers in WAL mode never wait for writers.
BUSY_TIMEOUT_MS = 30_000
# A transaction opened with Session.begin() writes: it takes SQLite's write lock at BEGIN
# (BEGIN IMMEDIATE), waiting up to the busy timeout, so that it never reads a snapshot it
# then cannot write on top of (SQLITE_BUSY_SNAPSHOT, which no busy timeout can wait out).
WRITE_OPTION = "hitori_write"
HEALTH_ROOT = "health_root"


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # getuser raises when no user name can be found
        return "unknown"


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # pysqlite's implicit transactions are switched off for good: journal_mode cannot
    # change inside a transaction, and SQLAlchemy emits BEGIN itself (_begin).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
    if mode != "wal" and not _is_read_only(dbapi_conn):
        cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _is_read_only(dbapi_conn: sqlite3.Connection) -> bool:
    try:
        return bool(dbapi_conn.execute("PRAGMA query_only").fetchone()[0])
    except sqlite3.Error:
        return False


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _begin(conn: Any) -> None:
    # pysqlite's own transaction handling is off (isolation_level=None on connect);
    # emit BEGIN ourselves so SAVEPOINTs and rollbacks behave.
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _reader_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create the engine for ``url`` with Hitori's SQLite safety settings."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            echo=echo,
            # JSON columns keep Japanese readable in the file (no \\u escapes).
            json_serializer=_json_dumps,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, record: Any) -> None:
            _sqlite_pragmas(dbapi_conn, record)

        event.listen(engine, "begin", _begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def make_reader_engine(db_path: Path) -> Engine:
    """An engine that only reads ``db_path``: it needs no write access to the file or its
    folder and never changes the journal mode (see app.store.sqlite_files)."""
    engine = create_engine(
        f"sqlite:///{db_path}",
        json_serializer=_json_dumps,
        creator=lambda: connect_reader(db_path, timeout=BUSY_TIMEOUT_MS / 1000),
    )
    event.listen(engine, "connect", _reader_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


class HitoriSession(Session):
    """A session whose explicit ``begin()`` opens a write transaction (BEGIN IMMEDIATE
    on SQLite); a transaction begun implicitly by a query only reads.

    A write is refused while the data folder's database is noted as damaged
    (app.store.health): the note may have been left by another process since this one
    opened the database."""

    def begin(self, nested: bool = False) -> SessionTransaction:
        root = self.info.get(HEALTH_ROOT)
        if not nested and root is not None:
            refuse_writes_if_damaged(root)
        transaction = super().begin(nested=nested)
        if not nested and self.bind is not None and self.bind.dialect.name == "sqlite":
            self.connection(execution_options={WRITE_OPTION: True})
        return transaction


def make_session_factory(
    engine: Engine, *, actor: str | None = None, health_root: Path | None = None
) -> sessionmaker[Session]:
    """A session factory whose sessions write change history and keep the search index.

    ``health_root``: the data folder whose damage note refuses writes (None: not checked).
    """
    info: dict[str, Any] = {"actor": actor or _user()}
    if health_root is not None:
        info[HEALTH_ROOT] = health_root
    factory: sessionmaker[Session] = sessionmaker(
        engine, class_=HitoriSession, expire_on_commit=False, info=info
    )
    flush_deletes.install(factory)
    audit.install(factory)
    search_index.install(factory)
    changes.install(factory)
    attachments.install(factory)
    return factory
