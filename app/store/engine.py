"""Engine and session-factory set-up. Nothing here runs at import time."""

from __future__ import annotations

import getpass
import json
import sqlite3
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.store import audit, search_index

BUSY_TIMEOUT_MS = 5000


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # getuser raises when no user name can be found
        return "unknown"


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # pysqlite's implicit transactions are switched off for good: journal_mode cannot
    # change inside a transaction, and SQLAlchemy emits BEGIN itself (_begin_deferred).
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


def _begin_deferred(conn: Any) -> None:
    # pysqlite's own transaction handling is off (isolation_level=None on connect);
    # emit BEGIN ourselves so SAVEPOINTs and rollbacks behave.
    conn.exec_driver_sql("BEGIN")


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

        event.listen(engine, "begin", _begin_deferred)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def make_session_factory(engine: Engine, *, actor: str | None = None) -> sessionmaker[Session]:
    """A session factory whose sessions write change history and keep the search index."""
    factory = sessionmaker(engine, expire_on_commit=False, info={"actor": actor or _user()})
    audit.install(factory)
    search_index.install(factory)
    return factory
