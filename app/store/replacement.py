"""Putting a new database file in place of the live one: create, upgrade, restore.

One way for all three, so that the live database is never touched before its successor
has been proved good:

1. the new file is made in a private folder (``tmp/…``): a copy of the backup to restore,
   a copy of the live database to upgrade, or a new database;
2. it is opened as Hitori would open it — a Hitori schema of a revision this version
   knows, migrated to the current one *there*, then ``integrity_check``,
   ``foreign_key_check``, exactly Hitori's tables, indexes and triggers, a readable search
   index (app.store.verify) — and left as one file in rollback mode;
3. with the data folder held exclusively (app.store.access), the live database's WAL is
   retired by SQLite itself (which refuses while any connection is open) and the proved
   file takes its place with one atomic rename.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.errors import UserError
from app.store import migrations, schema_signature
from app.store.access import FolderAccess, FolderInUse
from app.store.sqlite_files import (
    SQLITE_MAGIC,
    connect_reader,
    is_blank,
    retire_wal,
    side_file,
    sync_file,
    sync_folder,
)
from app.store.verify import VerifyReport, verify_file
from app.store.workfiles import private_dir

log = logging.getLogger("hitori.store.replacement")


class CandidateRefused(UserError, RuntimeError):
    """A file offered as the database (a backup to restore) is not one; nothing changed."""


class NotHitoriDatabase(UserError, RuntimeError):
    """The data folder holds an SQLite file that is not a Hitori database."""


@dataclass(frozen=True)
class ProvedFile:
    path: Path
    revision_before: str | None  # the revision it had before it was brought up to date


def inspect_revision(path: Path) -> str | None:
    """The schema revision of the database at ``path``, read without writing to it.

    None for a missing or empty file (a database to create). Raises NotHitoriDatabase for
    another program's SQLite file, NewerDatabaseError for a newer Hitori's, and
    sqlite3.DatabaseError for a file SQLite cannot read.
    """
    if is_blank(path):
        return None
    conn = connect_reader(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        if revision is None and tables:
            raise NotHitoriDatabase(
                f"Hitoriのデータベースではないファイルがあります: {path}。"
                "別の場所に移してから起動してください。ファイルは変更していません。"
            )
    finally:
        conn.close()
    migrations.check_revision(revision)
    return revision


def prove(path: Path) -> ProvedFile:
    """Bring the private file ``path`` to the current schema and prove it sound.

    Raises CandidateRefused naming what is wrong; ``path`` is then left as it is.
    """
    with path.open("rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            raise CandidateRefused("SQLiteのデータベースファイルではありません")
    try:
        before = inspect_revision(path)
    except NotHitoriDatabase as exc:
        raise CandidateRefused("Hitoriのデータベースではありません") from exc
    except migrations.NewerDatabaseError as exc:
        raise CandidateRefused(str(exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise CandidateRefused(f"データベースとして読めません（{exc}）") from exc
    if before is None:
        raise CandidateRefused(
            "Hitoriのデータベースではありません（スキーマの版の記録がありません）"
        )
    _refuse_unless_sound(verify_file(path, private=True), "")
    if before != migrations.HEAD_REVISION:
        _upgrade_private(path, before)
        _refuse_unless_sound(verify_file(path, private=True), "更新後: ")
    retire_wal(path)
    return ProvedFile(path, before)


def _refuse_unless_sound(report: VerifyReport, when: str) -> None:
    if report.ok:
        return
    if report.not_hitori:
        raise CandidateRefused(f"{when}Hitoriのデータベースではありません（{report.summary()}）")
    if report.newer:
        raise CandidateRefused(f"{when}{report.summary()}")
    raise CandidateRefused(
        f"{when}ファイルが壊れているか、内容が正しくありません（{report.summary()}）"
    )


def _upgrade_private(path: Path, before: str) -> None:
    from app.store.engine import make_engine

    engine = make_engine(f"sqlite:///{path}")
    try:
        migrations.upgrade(engine)
    except Exception as exc:  # an untrusted file: whatever stops its migration refuses it
        log.warning("migrating a candidate from %s failed", before, exc_info=True)
        raise CandidateRefused(
            f"スキーマ {before} から {migrations.HEAD_REVISION} への更新に失敗しました（{exc}）"
        ) from exc
    finally:
        engine.dispose()


def new_database(path: Path) -> ProvedFile:
    """A new, empty database at the current schema, proved like any other."""
    from app.store.engine import make_engine

    engine = make_engine(f"sqlite:///{path}")
    try:
        migrations.upgrade(engine)
    finally:
        engine.dispose()
    schema_signature.remember_new(path)
    _refuse_unless_sound(verify_file(path, private=True), "")
    retire_wal(path)
    return ProvedFile(path, None)


def put_in_place(proved: ProvedFile, db_path: Path, access: FolderAccess) -> None:
    """Replace the live database with a proved file (held exclusively by ``access``)."""
    if access.mode != "exclusive":
        raise RuntimeError("put_in_place needs the data folder held exclusively")
    try:
        retire_wal(db_path)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise FolderInUse(
                "別のプログラムがデータベースを開いているため、置き換えられません。"
                "Hitori以外のツール（SQLiteの閲覧ツールなど）を閉じてから、もう一度お試しください"
            ) from exc
        _move_dead_wal_aside(db_path, proved.path.parent)
    except sqlite3.DatabaseError:
        # The live file is beyond SQLite (it is what is being replaced): its WAL can only
        # belong to it, and no Hitori process has the folder open.
        _move_dead_wal_aside(db_path, proved.path.parent)
    sync_file(proved.path)
    os.replace(proved.path, db_path)
    sync_folder(db_path.parent)
    log.info(
        "database replaced by %s (revision before: %s)", proved.path.name, proved.revision_before
    )


def _move_dead_wal_aside(db_path: Path, work: Path) -> None:
    """The WAL of a database SQLite cannot open must not be applied to its successor."""
    for suffix in ("-wal", "-shm"):
        side = side_file(db_path, suffix)
        if side.exists():
            os.replace(side, work / f"replaced{suffix}")


def create_or_upgrade(
    root: Path, db_path: Path, backups: Path, access: FolderAccess
) -> Path | None:
    """With the folder held exclusively: create the database, or upgrade it through a
    proved copy. Returns the copy of the database as it was before an upgrade."""
    revision = inspect_revision(db_path)
    if revision == migrations.HEAD_REVISION:
        return None  # another process did it while this one waited
    with private_dir(root, "create" if revision is None else "upgrade") as work:
        candidate = work / db_path.name
        if revision is None:
            put_in_place(new_database(candidate), db_path, access)
            return None
        from app.store.backup import backup_to

        before = backup_to(db_path, backups, reason=f"pre-upgrade-{revision}", root=root)
        try:
            shutil.copyfile(before, candidate)
            put_in_place(prove(candidate), db_path, access)
        except BaseException:
            before.unlink(missing_ok=True)  # ours, made just now: no copy per failed try
            raise
        log.info("upgraded from %s; the database as it was: %s", revision, before)
        return before
