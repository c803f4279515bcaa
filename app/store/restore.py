"""Restore the database from a backup file, proving the file before anything live changes.

    result = restore_database(data_dir.root, data_dir.db_path, data_dir.backups, Path(f))

The data folder is held exclusively for the whole restore (refused while any other
Hitori process has it open). The backup is copied into a private folder (with its
``-wal`` when the file is a WAL database that has one, so that what is proved is exactly
what is restored), brought to the current schema and proved there
(app.store.replacement). Only then is the current database copied aside into
``backups/`` (as it is, damaged or not) and the proved file renamed into place.

Attachment files (app.store.attachment_copies): those embedded in the backup file are
extracted into the private folder and their table dropped before the candidate is
proved; once it is proved, the files its rows refer to are put in ``attachments/``
before the swap (harmless if the swap then fails: the store is content-addressed).
Attachments whose file is found nowhere are reported; the restore still succeeds.
The database copied aside keeps its files in the backups' shared store.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.input_file import InputFileError, open_input_file, os_error_reason
from app.store import attachment_copies
from app.store.access import FolderAccess
from app.store.attachments import AttachmentFiles
from app.store.backup import BACKUP_SUFFIX, BackupError, backup_stamp, copy_database, publish
from app.store.health import clear_damaged
from app.store.replacement import CandidateRefused, ProvedFile, prove, put_in_place
from app.store.sqlite_files import is_wal_file, side_file, sync_folder
from app.store.workfiles import private_dir

log = logging.getLogger("hitori.store.restore")

COPY_CHUNK = 1 << 20
WHAT = "バックアップファイル"


@dataclass(frozen=True)
class RestoreResult:
    aside: Path | None  # the database as it was before, kept in backups/
    revision_before: str | None  # the backup's schema revision (upgraded when older)
    attachments_restored: int = 0  # files put back in attachments/
    # Names of attachments whose file was in neither the backup nor any store.
    missing_attachments: tuple[str, ...] = field(default=())


def restore_database(root: Path, db_path: Path, backups: Path, source: Path) -> RestoreResult:
    """Replace the database at ``db_path`` with the backup ``source``.

    Raises BackupError (the file is refused: nothing was changed), FolderInUse (another
    Hitori process has the folder open: nothing was changed).
    """
    access = FolderAccess(root)
    try:
        # Exclusive from the start: the private copy in tmp/ is ours alone (a starting
        # process clears tmp/ only while it holds the folder exclusively), and no other
        # process can have the database open when it is replaced.
        access.acquire_exclusive(purpose="復元")
        with private_dir(root, "restore") as work:
            candidate = work / "candidate.sqlite3"
            _copy_in(source, candidate)
            staged = work / "attachments"
            proved = _prove(source, candidate, staged)
            live = AttachmentFiles(root)
            stores = _shared_stores(source, backups)
            try:
                brought, missing = attachment_copies.bring_back(
                    proved.path, live, staged, stores, work
                )
            except OSError as exc:
                raise BackupError(
                    f"添付ファイルを戻せません（{os_error_reason(exc)}）。データベースは変更していません"
                ) from exc
            aside = _keep_aside(db_path, backups, work, live) if db_path.exists() else None
            try:
                put_in_place(proved, db_path, access)
            except BaseException:
                if aside is not None:
                    aside.unlink(missing_ok=True)  # ours, made just now
                raise
            clear_damaged(root)
    finally:
        access.close()
    log.info("restored %s (revision %s); before: %s", source, proved.revision_before, aside)
    if missing:
        log.warning("restored without the files of: %s", "、".join(missing))
    return RestoreResult(aside, proved.revision_before, brought, tuple(missing))


def _prove(source: Path, candidate: Path, staged: Path | None) -> ProvedFile:
    """Take out the attachment files embedded in the candidate (into ``staged``; None:
    only check them), then prove it. Raises BackupError saying what is wrong."""
    try:
        attachment_copies.take_embedded(candidate, staged)
        return prove(candidate)
    except (CandidateRefused, attachment_copies.EmbeddedFilesDamaged) as exc:
        raise BackupError(f"復元できないファイルです: {source.name}（{exc}）") from exc
    except OSError as exc:
        raise BackupError(
            f"復元の準備のためのコピーを作れません（{os_error_reason(exc)}）"
        ) from exc


def _shared_stores(source: Path, backups: Path) -> list[Path]:
    """Where the attachment files of a backup may be: the shared store of the folder
    the backup is in, and this data folder's own."""
    found = []
    for folder in (source.absolute().parent, backups):
        store = attachment_copies.shared_store(folder)
        if store.is_dir() and store not in found:
            found.append(store)
    return found


@contextlib.contextmanager
def proved_private_copy(source: Path) -> Iterator[ProvedFile]:
    """The backup ``source`` proved as a restore would prove it, on a private copy in a
    temporary folder (removed afterwards). Raises BackupError saying what is wrong."""
    with tempfile.TemporaryDirectory(prefix="hitori-verify-") as tmp:
        candidate = Path(tmp) / "candidate.sqlite3"
        _copy_in(source, candidate)
        yield _prove(source, candidate, None)


def validate_backup(source: Path) -> str:
    """Prove the backup ``source`` (:func:`proved_private_copy`); its schema revision."""
    with proved_private_copy(source) as proved:
        assert proved.revision_before is not None
        return proved.revision_before


def _copy_in(source: Path, candidate: Path) -> None:
    """Copy the backup (and its WAL, when it is a WAL database with one) into our folder."""
    _copy_file(source, candidate)
    wal = side_file(source, "-wal")
    if is_wal_file(candidate) and wal.exists():
        _copy_file(wal, side_file(candidate, "-wal"))


def _copy_file(source: Path, dest: Path) -> None:
    try:
        src_file = open_input_file(source, what=WHAT)
    except InputFileError as exc:  # a folder, a FIFO, a device, a name too long …
        raise BackupError(str(exc)) from exc
    with src_file as src, dest.open("xb") as out:
        while True:
            try:
                chunk = src.read(COPY_CHUNK)
            except OSError as exc:
                raise BackupError(
                    f"{WHAT}を読み込めません: {source}（{os_error_reason(exc)}）"
                ) from exc
            if not chunk:
                return
            try:
                out.write(chunk)
            except OSError as exc:
                raise BackupError(
                    f"復元の準備のためのコピーを作れません（{os_error_reason(exc)}）"
                ) from exc


def _keep_aside(db_path: Path, backups: Path, work: Path, live: AttachmentFiles) -> Path:
    """The current database, as it is, in ``backups/before-restore-….sqlite3`` (with its
    attachment files in the backups' shared store)."""
    dest = backups / f"before-restore-{backup_stamp()}{BACKUP_SUFFIX}"
    tmp = work / dest.name
    try:
        copy_database(db_path, tmp)
    except sqlite3.DatabaseError:
        # Damaged beyond SQLite's reading: keep the bytes (and WAL) for whoever needs them.
        tmp.unlink(missing_ok=True)
        shutil.copyfile(db_path, tmp)
        wal = side_file(db_path, "-wal")
        backups.mkdir(parents=True, exist_ok=True)
        if wal.exists():
            shutil.copyfile(wal, side_file(dest, "-wal"))
        os.replace(tmp, dest)
        sync_folder(backups)
        return dest
    publish(tmp, dest, live)
    return dest
