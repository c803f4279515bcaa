"""Open the database of a data directory: create, check, upgrade, seed.

Every process opens it through here, and so takes part in the data folder's sharing rule
(app.store.access): the folder is held shared while the database is open; creating or
upgrading it, and clearing what interrupted work left behind, are done with the folder
held exclusively. A database known to be damaged (app.store.health) is opened only after
it verifies again. ``read_only=True`` opens without needing write access to the folder.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.errors import UserError
from app.input_file import os_error_reason
from app.paths import DataDir
from app.store import health, migrations, reference_data, workfiles
from app.store.access import FolderAccess
from app.store.engine import make_engine, make_reader_engine, make_session_factory
from app.store.replacement import NotHitoriDatabase, create_or_upgrade, inspect_revision
from app.store.sqlite_files import can_write

log = logging.getLogger("hitori.store")

__all__ = ["DataDirError", "Database", "NotHitoriDatabase", "ensure_data_dir", "open_database"]


class DataDirError(UserError, RuntimeError):
    """The data directory cannot be used; the message is for the user."""


@dataclass
class Database:
    data_dir: DataDir
    engine: Engine
    sessions: sessionmaker[Session]
    upgraded_from_copy: Path | None = None
    access: FolderAccess | None = field(default=None, repr=False)
    read_only: bool = False

    def dispose(self) -> None:
        self.engine.dispose()
        if self.access is not None:
            self.access.close()
            self.access = None


def ensure_data_dir(data_dir: DataDir) -> None:
    try:
        data_dir.root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError(
            f"データフォルダを作成できません: {data_dir.root}（{os_error_reason(exc)}）"
        ) from exc
    try:
        # A unique name: several hitori processes may start at once on one folder.
        with tempfile.NamedTemporaryFile(dir=data_dir.root, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise DataDirError(
            f"データフォルダに書き込めません: {data_dir.root}（{os_error_reason(exc)}）"
        ) from exc


def open_database(
    data_dir: DataDir,
    *,
    url: str | None = None,
    actor: str | None = None,
    read_only: bool = False,
) -> Database:
    """Open (creating or upgrading when needed) the database of ``data_dir``.

    Raises NewerDatabaseError for a database from a newer version (left untouched),
    DataDirError for an unusable folder, DatabaseDamaged for a database that fails
    verification after a damage was noted, FolderInUse / FolderUnavailable when the
    folder's maintenance cannot be done or waited for, and SQLAlchemy or sqlite3 errors for
    a file SQLite cannot read.
    """
    if url is not None:
        return _open_server(data_dir, url, actor)
    if read_only:
        _require_existing(data_dir)
    else:
        ensure_data_dir(data_dir)
    access = FolderAccess(data_dir.root)
    try:
        writable = can_write(data_dir.db_path)
        if writable and workfiles.has_leftovers(data_dir.root) and access.try_exclusive():
            workfiles.clear_leftovers(data_dir.root)
            access.release()
        access.acquire_shared()
        _refuse_if_still_damaged(data_dir)
        changed, copy = _bring_up_to_date(data_dir, access, writable)
        engine = make_reader_engine(data_dir.db_path) if read_only else make_engine(data_dir.db_url)
        try:
            sessions = make_session_factory(engine, actor=actor, health_root=data_dir.root)
            if not read_only:
                _seed_if_needed(engine, sessions, schema_changed=changed)
        except BaseException:
            engine.dispose()
            raise
    except BaseException:
        access.close()
        raise
    return Database(data_dir, engine, sessions, copy, access, read_only)


def _require_existing(data_dir: DataDir) -> None:
    if not data_dir.db_path.is_file():
        raise DataDirError(f"データベースがありません: {data_dir.db_path}（先に hitori init）")


def _refuse_if_still_damaged(data_dir: DataDir) -> None:
    note = health.damaged_note(data_dir.root)
    if note is None:
        return
    from app.store.verify import verify_file

    report = verify_file(data_dir.db_path)
    if report.ok:
        health.clear_damaged(data_dir.root)
        return
    reason = report.summary() or str(note.get("reason", ""))
    raise health.DatabaseDamaged(
        health.damaged_message(reason, index_only=report.index_only),
        index_only=report.index_only,
    )


def _seed_if_needed(
    engine: Engine, sessions: sessionmaker[Session], *, schema_changed: bool
) -> None:
    """Seed the built-in reference data when the database was just created or upgraded,
    or when the built-in data changed since it was seeded: an up-to-date database costs
    one read at start-up, and no write transaction."""
    if not schema_changed:
        with engine.connect() as connection:
            if reference_data.is_current(connection):
                return
    with sessions.begin() as session:
        reference_data.ensure_reference_data(session)


def _bring_up_to_date(
    data_dir: DataDir, access: FolderAccess, writable: bool
) -> tuple[bool, Path | None]:
    """Create or upgrade the database when needed (folder held exclusively meanwhile).
    Returns whether the schema had to be brought up to date, and the copy of the
    database as it was before an upgrade."""
    revision = inspect_revision(data_dir.db_path)
    if revision == migrations.HEAD_REVISION:
        return False, None
    if not writable:
        raise DataDirError(
            f"データベースの作成・更新が必要ですが、データフォルダに書き込めません: {data_dir.root}"
        )
    access.release()
    try:
        purpose = "データベースを作成" if revision is None else "データベースを更新"
        access.acquire_exclusive(purpose=purpose)
        return True, create_or_upgrade(data_dir.root, data_dir.db_path, data_dir.backups, access)
    finally:
        access.release()
        access.acquire_shared()


def _open_server(data_dir: DataDir, url: str, actor: str | None) -> Database:
    """A database server (``url``): migrated in place, where DDL is transactional."""
    engine = make_engine(url)
    try:
        migrations.upgrade(engine)
        sessions = make_session_factory(engine, actor=actor)
        _seed_if_needed(engine, sessions, schema_changed=False)
    except BaseException:
        engine.dispose()
        raise
    return Database(data_dir, engine, sessions)


def note_failure(data_dir: DataDir, exc: BaseException) -> None:
    """Note the damage when ``exc`` says the database file is corrupt."""
    from app.store.errors import classify

    problem = classify(exc)
    if problem is not None and problem.code == "corrupt":
        health.mark_damaged(data_dir.root, str(getattr(exc, "orig", exc) or exc))
