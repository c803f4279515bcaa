"""Open the database of a data directory: create, check, upgrade, seed."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.errors import UserError
from app.paths import DataDir
from app.store import migrations
from app.store.engine import make_engine, make_session_factory
from app.store.readonly import read_only

log = logging.getLogger("hitori.store")


class DataDirError(UserError, RuntimeError):
    """The data directory cannot be used; the message is for the user."""


@dataclass
class Database:
    data_dir: DataDir
    engine: Engine
    sessions: sessionmaker[Session]
    upgraded_from_copy: Path | None = None

    def dispose(self) -> None:
        self.engine.dispose()


def ensure_data_dir(data_dir: DataDir) -> None:
    try:
        data_dir.root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError(f"データフォルダを作成できません: {data_dir.root}（{exc}）") from exc
    try:
        # A unique name: several hitori processes may start at once on one folder.
        with tempfile.NamedTemporaryFile(dir=data_dir.root, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise DataDirError(
            f"データフォルダに書き込めません: {data_dir.root}（{exc.strerror or exc}）"
        ) from exc


def precheck_file(db_path: Path) -> None:
    """Refuse a corrupt or newer database before anything writes to it.

    Opening through the engine switches the file to WAL, so this check reads the
    file read-only first.
    """
    if not db_path.exists() or db_path.stat().st_size == 0:
        return
    with read_only(db_path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        elif tables:
            raise DataDirError(
                f"Hitoriのデータベースではないファイルがあります: {db_path}。"
                "別の場所に移してから起動してください。ファイルは変更していません。"
            )
    migrations.check_revision(revision)


def open_database(
    data_dir: DataDir, *, url: str | None = None, upgrade: bool = True, actor: str | None = None
) -> Database:
    """Open (and by default create or upgrade) the database of ``data_dir``.

    Raises NewerDatabaseError for a database from a newer version (left untouched),
    DataDirError for an unusable folder, and SQLAlchemy errors for a corrupt file.
    """
    if url is None:
        ensure_data_dir(data_dir)
        url = data_dir.db_url
        precheck_file(data_dir.db_path)
    engine = make_engine(url)
    try:
        copy = None
        if upgrade:
            copy = migrations.upgrade(engine, backup_dir=data_dir.backups)
        else:
            migrations.check_revision(migrations.current_revision(engine))
        sessions = make_session_factory(engine, actor=actor)
        if upgrade:
            from app.services.reference_data import ensure_reference_data

            with sessions.begin() as session:
                ensure_reference_data(session)
    except BaseException:
        engine.dispose()
        raise
    return Database(data_dir, engine, sessions, copy)
