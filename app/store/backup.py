"""Backups: consistent copies while the database is in use, proved before they count.

A backup is made with SQLite's online backup API from a connection that only reads, into
a private file under ``tmp/``; the copy is verified (app.store.verify) before it takes its
name in ``backups/`` — so a damaged database never pushes a good generation out of the
rotation: the damage is noted (app.store.health) and the backup refused instead.

Attachment files travel with backups (app.store.attachment_copies): a backup in
``backups/`` shares the content-addressed ``backups/attachments/`` with the others (it
adds only the files it lacks; the rotation removes those no backup refers to), and
``backup --out`` embeds them in the backup file itself.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app.errors import UserError
from app.input_file import os_error_reason
from app.store import attachment_copies
from app.store.attachments import AttachmentFiles
from app.store.health import DatabaseDamaged, damaged_message, mark_damaged
from app.store.sqlite_files import connect_reader, sync_file, sync_folder
from app.store.verify import verify_file
from app.store.workfiles import noted_partial, private_dir

log = logging.getLogger("hitori.store.backup")

BACKUP_SUFFIX = ".sqlite3"
AUTO_PREFIX = "auto-"
DEFAULT_GENERATIONS = 7


class BackupError(UserError, RuntimeError):
    """A backup or restore could not be made; the message is for the user."""


def backup_stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S-%f")


def copy_database(src: Path, dest: Path) -> None:
    """Copy ``src`` to the new file ``dest`` with the SQLite online backup API (safe while
    the database is in use); ``dest`` is one self-contained file in rollback mode.
    ``dest`` must be a file of the caller's own (it is overwritten)."""
    source = connect_reader(src)
    try:
        target = sqlite3.connect(dest)
        try:
            source.backup(target)
            # A backup is one self-contained file: no WAL beside it.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    finally:
        source.close()


def proved_copy(db_path: Path, dest: Path, *, root: Path) -> None:
    """Copy ``db_path`` to ``dest`` (a file of our own work) and prove the copy.

    Raises DatabaseDamaged — and notes the damage for the data folder ``root`` — when
    what was copied fails verification.
    """
    copy_database(db_path, dest)
    report = verify_file(dest, private=True)
    if not report.ok:
        reason = report.summary()
        mark_damaged(root, reason, index_only=report.index_only)
        raise DatabaseDamaged(
            "バックアップを作成しませんでした（既存のバックアップはそのまま残しています）。"
            + damaged_message(reason, index_only=report.index_only),
            index_only=report.index_only,
        )
    sync_file(dest)


def backup_to(
    db_path: Path, backup_dir: Path, *, reason: str = "manual", root: Path | None = None
) -> Path:
    """A proved backup of ``db_path`` in ``backup_dir``, with its attachment files in the
    shared store there; returns its path.

    ``root`` is the data folder (default: the database's folder), whose ``tmp/`` holds
    the copy until it is proved and whose ``attachments/`` holds the files.
    """
    root = root or db_path.parent
    if not db_path.exists():
        raise BackupError(f"データベースファイルがありません: {db_path}")
    dest = backup_dir / f"{reason}-{backup_stamp()}{BACKUP_SUFFIX}"
    try:
        with private_dir(root, "backup") as work:
            tmp = work / dest.name
            proved_copy(db_path, tmp, root=root)
            publish(tmp, dest, AttachmentFiles(root))
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(f"バックアップを作成できませんでした: {_reason(exc)}") from exc
    return dest


def publish(tmp: Path, dest: Path, live: AttachmentFiles) -> list[str]:
    """Give the finished database copy ``tmp`` its name ``dest`` in a backups folder,
    after copying the attachment files it refers to into that folder's shared store.
    Returns the names of attachments whose file could not be kept."""
    backup_dir = dest.parent
    backup_dir.mkdir(parents=True, exist_ok=True)
    if not attachment_copies.referenced_hashes(tmp, private=True):
        lost: list[str] = []
        os.replace(tmp, dest)
    else:
        # The copying first, without the lock (adding files is harmless); then, locked,
        # whatever a rotation removed meanwhile, and the name: no rotation sees it half made.
        attachment_copies.keep_files(tmp, live, backup_dir)
        with attachment_copies.store_lock(backup_dir):
            lost = attachment_copies.keep_files(tmp, live, backup_dir)
            os.replace(tmp, dest)
        if lost:
            log.warning("backup %s lacks the files of %d attachments", dest.name, len(lost))
    sync_folder(backup_dir)
    return lost


def backup_out(db_path: Path, out: Path, *, root: Path | None) -> Path:
    """A proved backup of ``db_path`` written to ``out`` (a new file anywhere), with the
    attachment files embedded in it.

    ``root`` is the data folder, where a note of the unfinished file is kept so that a
    later start can remove it if this process is killed (None: a read-only folder).
    """
    try:
        if out.exists() or out.is_symlink():
            raise BackupError(f"出力先のファイルが既にあります: {out}")
        out.parent.mkdir(parents=True, exist_ok=True)
        with noted_partial(root, out) as partial:
            proved_copy(db_path, partial, root=root or db_path.parent)
            attachment_copies.embed_files(partial, AttachmentFiles(db_path.parent))
            sync_file(partial)
            # Refuse to replace a file that appeared meanwhile (os.link fails if it exists).
            try:
                os.link(partial, out)
            except OSError:
                if out.exists():
                    raise BackupError(f"出力先のファイルが既にあります: {out}") from None
                os.replace(partial, out)
            sync_folder(out.parent)
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(f"バックアップを書き込めません: {out}（{_reason(exc)}）") from exc
    return out


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return os_error_reason(exc)
    return str(exc)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    size_bytes: int


def list_backups(backup_dir: Path, prefix: str = "") -> list[BackupInfo]:
    """Backups in ``backup_dir``, newest first."""
    if not backup_dir.is_dir():
        return []
    found = []
    for p in backup_dir.glob(f"{prefix}*{BACKUP_SUFFIX}"):
        with contextlib.suppress(OSError):  # removed meanwhile by another rotation
            st = p.stat()
            if p.is_file():
                found.append(BackupInfo(p, datetime.fromtimestamp(st.st_mtime), st.st_size))
    return sorted(found, key=lambda b: (b.created, b.path.name), reverse=True)


def auto_backup(
    db_path: Path,
    backup_dir: Path,
    *,
    generations: int = DEFAULT_GENERATIONS,
    interval: timedelta = timedelta(days=1),
    now: datetime | None = None,
    root: Path | None = None,
) -> Path | None:
    """Make the daily backup if the newest automatic one is older than ``interval``.

    Keeps the newest ``generations`` automatic backups and deletes older ones — only once
    the new one is proved (a damaged database raises DatabaseDamaged before anything is
    rotated out) — and then the attachment files no remaining backup refers to.
    Returns the new backup's path, or None when none was due.
    """
    now = now or datetime.now()
    existing = list_backups(backup_dir, AUTO_PREFIX)
    made: Path | None = None
    if not existing or now - existing[0].created >= interval:
        made = backup_to(db_path, backup_dir, reason="auto", root=root)
        existing = list_backups(backup_dir, AUTO_PREFIX)
    for old in existing[max(generations, 1) :]:
        with contextlib.suppress(OSError):
            old.path.unlink()
            log.info("removed old automatic backup %s", old.path.name)
    try:
        attachment_copies.sweep_shared_store(backup_dir)
    except (UserError, OSError) as exc:  # the next rotation tries again
        log.warning("shared attachment files not tidied: %s", exc)
    return made
