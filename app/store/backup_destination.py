"""Backups to a destination of the user's choosing (a USB drive, a shared folder).

    backup_to_destination(db_path, Path("E:/Hitori"), root=data_dir.root, generations=7)

The destination keeps its own generations, as ``backups/`` does: ``auto-…`` copies made
once a day (rotated), ``manual-…`` copies kept until the user removes them, and the
attachment files they refer to in its own shared store. The copy is proved in the data
folder's ``tmp/`` first (app.store.backup), then copied to the destination under a
``.hitori-partial`` name (noted in ``tmp/`` so that a later start removes it if this
process dies) and renamed there only once it is complete and synced: a drive pulled
half-way leaves no file that looks like a backup.

The destination must exist: a folder of a drive that is not plugged in is refused, never
created (creating ``E:/Hitori`` on another drive, or a mount point's folder on the system
disk, is not what the user asked for).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from app.errors import UserError
from app.input_file import os_error_reason
from app.store import attachment_copies
from app.store.attachments import AttachmentFiles
from app.store.backup import (
    AUTO_PREFIX,
    BACKUP_SUFFIX,
    DEFAULT_GENERATIONS,
    BackupError,
    backup_stamp,
    list_backups,
    proved_copy,
    publish,
)
from app.store.sqlite_files import sync_file
from app.store.workfiles import noted_partial, private_dir

log = logging.getLogger("hitori.store.backup_destination")

COPY_CHUNK = 1 << 20


def destination_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot take backups now (in Japanese), or None when it can.
    Writes nothing but a probe file it removes at once."""
    try:
        if not folder.is_absolute():
            return f"バックアップの保存先はフルパスで指定してください: {folder}"
        if not folder.exists():
            return (
                f"バックアップの保存先が見つかりません: {folder}"
                "（USBメモリやネットワークドライブが外れていないか確認してください）"
            )
        if not folder.is_dir():
            return f"バックアップの保存先がフォルダではありません: {folder}"
        probe = folder / f".hitori-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        return f"バックアップの保存先に書き込めません: {folder}（{os_error_reason(exc)}）"
    return None


def backup_to_destination(
    db_path: Path,
    folder: Path,
    *,
    root: Path,
    reason: str = "manual",
    generations: int = DEFAULT_GENERATIONS,
    interval: timedelta | None = None,
    now: datetime | None = None,
) -> Path | None:
    """A proved backup of ``db_path`` in the destination ``folder``; returns its path.

    ``reason="auto"`` with an ``interval``: only when the destination's newest automatic
    backup is older than that (None is returned otherwise), and then the destination's
    automatic backups beyond ``generations`` are removed — only after the new one is in
    place. Raises BackupError (nothing of this backup is left at the destination).
    """
    problem = destination_problem(folder)
    if problem is not None:
        raise BackupError(problem)
    now = now or datetime.now()
    made: Path | None = None
    existing = list_backups(folder, AUTO_PREFIX)
    due = reason != "auto" or interval is None or not existing
    if not due and existing:
        due = now - existing[0].created >= (interval or timedelta())
    if due:
        made = _write(db_path, folder, root, reason)
    if reason == "auto":
        _rotate(folder, generations)
    return made


def _write(db_path: Path, folder: Path, root: Path, reason: str) -> Path:
    dest = folder / f"{reason}-{backup_stamp()}{BACKUP_SUFFIX}"
    try:
        with private_dir(root, "backup") as work:
            proved = work / dest.name
            proved_copy(db_path, proved, root=root)
            with noted_partial(root, dest) as partial:
                _copy_synced(proved, partial)
                lost = publish(partial, dest, AttachmentFiles(root))
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(_failed(folder, exc)) from exc
    if lost:
        log.warning("destination backup %s lacks the files of %d attachments", dest, len(lost))
    log.info("backup written to the destination: %s", dest)
    return dest


def _failed(folder: Path, exc: BaseException) -> str:
    reason = os_error_reason(exc) if isinstance(exc, OSError) else str(exc)
    text = f"バックアップの保存先に書き込めませんでした: {folder}（{reason}）。"
    if not folder.exists():
        text += "保存先が外れたようです（USBメモリを抜いていませんか）。"
    return text + "保存先には途中までのファイルを残していません"


def _copy_synced(src: Path, dest: Path) -> None:
    """Copy ``src`` to the new file ``dest`` and sync it to the device."""
    with src.open("rb") as inp, dest.open("xb") as out:
        shutil.copyfileobj(inp, out, COPY_CHUNK)
    sync_file(dest)


def _rotate(folder: Path, generations: int) -> None:
    for old in list_backups(folder, AUTO_PREFIX)[max(generations, 1) :]:
        with contextlib.suppress(OSError):
            old.path.unlink()
            log.info("removed old automatic backup %s", old.path)
    try:
        attachment_copies.sweep_shared_store(folder)
    except (UserError, OSError) as exc:  # the next rotation tries again
        log.warning("shared attachment files at the destination not tidied: %s", exc)
