"""Backups: consistent copies while the database is in use, rotation, validation, restore."""

from __future__ import annotations

import contextlib
import logging
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app.errors import UserError
from app.store.readonly import read_only

log = logging.getLogger("hitori.store.backup")

BACKUP_SUFFIX = ".sqlite3"
AUTO_PREFIX = "auto-"
DEFAULT_GENERATIONS = 7


class BackupError(UserError, RuntimeError):
    """A backup or restore could not be made; the message is for the user."""


def _timestamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S-%f")


def copy_database(src: Path, dest: Path) -> None:
    """Copy ``src`` to ``dest`` with the SQLite online backup API (safe while in use)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partial")
    tmp.unlink(missing_ok=True)
    with read_only(src) as source:
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
            # A backup is one self-contained file: no WAL beside it.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    tmp.replace(dest)


def backup_to(db_path: Path, backup_dir: Path, *, reason: str = "manual") -> Path:
    if not db_path.exists():
        raise BackupError(f"データベースファイルがありません: {db_path}")
    dest = backup_dir / f"{reason}-{_timestamp()}{BACKUP_SUFFIX}"
    try:
        copy_database(db_path, dest)
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(f"バックアップを作成できませんでした: {exc}") from exc
    return dest


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    size_bytes: int


def list_backups(backup_dir: Path, prefix: str = "") -> list[BackupInfo]:
    """Backups in ``backup_dir``, newest first."""
    if not backup_dir.is_dir():
        return []
    found = [
        BackupInfo(p, datetime.fromtimestamp(p.stat().st_mtime), p.stat().st_size)
        for p in backup_dir.glob(f"{prefix}*{BACKUP_SUFFIX}")
        if p.is_file()
    ]
    return sorted(found, key=lambda b: (b.created, b.path.name), reverse=True)


def auto_backup(
    db_path: Path,
    backup_dir: Path,
    *,
    generations: int = DEFAULT_GENERATIONS,
    interval: timedelta = timedelta(days=1),
    now: datetime | None = None,
) -> Path | None:
    """Make the daily backup if the newest automatic one is older than ``interval``.

    Keeps the newest ``generations`` automatic backups and deletes older ones.
    Returns the new backup's path, or None when none was due.
    """
    now = now or datetime.now()
    existing = list_backups(backup_dir, AUTO_PREFIX)
    made: Path | None = None
    if not existing or now - existing[0].created >= interval:
        made = backup_to(db_path, backup_dir, reason="auto")
        existing = list_backups(backup_dir, AUTO_PREFIX)
    for old in existing[max(generations, 1) :]:
        with contextlib.suppress(OSError):
            old.path.unlink()
            log.info("removed old automatic backup %s", old.path.name)
    return made


def validate_backup(path: Path) -> str | None:
    """Check that ``path`` is a sound Hitori database. Returns its schema revision.

    Raises BackupError with a Japanese message otherwise.
    """
    from app.store.migrations import NewerDatabaseError, check_revision

    if not path.is_file():
        raise BackupError(f"ファイルが見つかりません: {path}")
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"SQLiteのデータベースファイルではありません: {path.name}")
    try:
        with read_only(path) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise BackupError(f"ファイルが壊れています（integrity_check: {result}）")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if "alembic_version" not in tables or "assets" not in tables:
                raise BackupError(f"Hitoriのデータベースではありません: {path.name}")
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"データベースとして読めません（{exc}）: {path.name}") from exc
    revision = row[0] if row else None
    try:
        check_revision(revision)
    except NewerDatabaseError as exc:
        raise BackupError(str(exc)) from exc
    return revision


def restore(backup: Path, db_path: Path, backup_dir: Path) -> Path | None:
    """Replace the database with ``backup`` after validating it.

    The current database is first copied aside; its path is returned.
    """
    validate_backup(backup)
    aside: Path | None = None
    if db_path.exists():
        aside = backup_to(db_path, backup_dir, reason="before-restore")
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    tmp = db_path.with_name(db_path.name + ".restoring")
    shutil.copyfile(backup, tmp)
    tmp.replace(db_path)
    return aside
