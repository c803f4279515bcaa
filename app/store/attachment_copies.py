"""Attachment files that travel with backups, and bringing them back at a restore.

- Backups in the data folder's ``backups/`` share one content-addressed store,
  ``backups/attachments/ab/abcdef…``: a backup copies in only the hashes it lacks (so a
  daily backup copies only what was attached since), and the rotation removes the
  hashes no remaining backup refers to. They are copies, not hard links: a live file
  damaged or edited in place must not damage the backups too. A backup copies its files
  in, then — holding the store's lock (``backups/attachments.lock``) — copies again what
  a rotation removed meanwhile and takes its name; the rotation's removals hold the lock
  too, so a removal never sees a backup half made.
- ``backup --out FILE`` is self-contained: the attachment bytes are embedded in the
  backup file, in a table of its own (:data:`EMBED_TABLE`), so the one file a person
  carries to another disk cannot be separated from its attachments.
- A restore extracts the embedded files into its private folder (each checked against
  its hash) and drops the table before the candidate is proved; once it is proved, the
  files its rows refer to are brought into ``attachments/`` — from there, from the
  backups' shared store, or from beside the backup file — before the swap. Hashes it
  finds nowhere are reported; the restore still succeeds (``hitori check`` lists them).

Every hash read from a database is checked to be a SHA-256 name before it becomes part
of a path, and every file copied is checked against its hash.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import closing
from pathlib import Path

from app.errors import UserError
from app.store.attachments import AttachmentFiles, copy_stream, is_sha256
from app.store.sqlite_files import connect_reader, sync_folder

log = logging.getLogger("hitori.store.attachment_copies")

SHARED_DIRNAME = "attachments"
LOCK_FILENAME = "attachments.lock"
LOCK_WAIT_S = 120.0
EMBED_TABLE = "hitori_attachment_files"
STALE_TEMP_S = 24 * 3600
_TEMP_MARK = ".incoming-"


class EmbeddedFilesDamaged(UserError, RuntimeError):
    """The attachment files embedded in a backup file cannot be read."""


def shared_store(backup_dir: Path) -> Path:
    return backup_dir / SHARED_DIRNAME


def _hashes_and_names(conn: sqlite3.Connection) -> dict[str, list[str]]:
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='attachments'"
    ).fetchone()
    if not has_table:
        return {}
    found: dict[str, list[str]] = {}
    for sha, name in conn.execute("SELECT sha256, filename FROM attachments"):
        if is_sha256(sha):
            found.setdefault(sha, []).append(str(name))
    return found


def referenced_hashes(db_file: Path, *, private: bool = False) -> dict[str, list[str]]:
    """hash → file names, of the attachment rows of the database file ``db_file``.
    Raises sqlite3.Error for a file SQLite cannot read."""
    conn = sqlite3.connect(db_file) if private else connect_reader(db_file)
    with closing(conn):
        return _hashes_and_names(conn)


@contextlib.contextmanager
def store_lock(backup_dir: Path) -> Iterator[None]:
    """Held while files are added to or removed from the backups' shared store."""
    from filelock import FileLock, Timeout

    backup_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(backup_dir / LOCK_FILENAME, timeout=LOCK_WAIT_S)
    try:
        lock.acquire()
    except Timeout as exc:
        raise UserError(
            "別のHitoriがバックアップの添付ファイルを整理しています。"
            "しばらくしてからもう一度お試しください"
        ) from exc
    try:
        yield
    finally:
        lock.release()


def keep_files(db_copy: Path, live: AttachmentFiles, backup_dir: Path) -> list[str]:
    """Copy into the shared store the files ``db_copy``'s rows refer to that it lacks
    (the caller holds :func:`store_lock`). Returns the names of attachments whose file
    could not be kept (missing or damaged in the live store: the backup is still made)."""
    wanted = referenced_hashes(db_copy, private=True)
    store = shared_store(backup_dir)
    lost: list[str] = []
    for sha, names in sorted(wanted.items()):
        dest = store / sha[:2] / sha
        if dest.is_file():
            continue
        if not _copy_verified(live.path_of(sha), dest, sha):
            lost.extend(names)
    return lost


def _copy_verified(src: Path, dest: Path, sha: str) -> bool:
    """Copy ``src`` to ``dest`` through a temporary file beside it, only if its content
    has hash ``sha``. False when ``src`` is missing, unreadable or not what it should be."""
    try:
        fh = src.open("rb")
    except OSError:
        return False
    tmp = dest.with_name(f"{_TEMP_MARK}{sha[:16]}-{secrets.token_hex(4)}")
    try:
        with fh:
            dest.parent.mkdir(parents=True, exist_ok=True)
            with tmp.open("xb") as out:
                got, _size = copy_stream(fh, out)
                out.flush()
                os.fsync(out.fileno())
        if got != sha:
            log.warning("attachment file %s does not match its hash: not copied", src)
            return False
        os.replace(tmp, dest)
        sync_folder(dest.parent)
        return True
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def sweep_shared_store(backup_dir: Path) -> int:
    """Remove the files of the shared store no backup in ``backup_dir`` refers to.

    Every ``*.sqlite3`` there counts, whatever its name; if one cannot be read, nothing
    is removed (it may need any of them). Returns how many files were removed.
    """
    store = shared_store(backup_dir)
    if not store.is_dir():
        return 0
    removed = 0
    with store_lock(backup_dir):
        needed: set[str] = set()
        for backup in backup_dir.glob("*.sqlite3"):
            if not backup.is_file():
                continue
            try:
                needed.update(referenced_hashes(backup))
            except sqlite3.Error as exc:
                log.warning("backup %s unreadable (%s): shared attachments kept", backup, exc)
                return 0
        for sub in list(store.iterdir()):
            if not sub.is_dir() or sub.is_symlink():
                continue
            for path in list(sub.iterdir()):
                ours = is_sha256(path.name) or _stale_temporary(path)
                if ours and path.name not in needed and path.is_file():
                    with contextlib.suppress(OSError):
                        path.unlink()
                        removed += 1
            with contextlib.suppress(OSError):
                sub.rmdir()  # only when empty
    if removed:
        log.info("removed %d attachment files no backup refers to", removed)
    return removed


def _stale_temporary(path: Path) -> bool:
    """A copy left by a killed process (one in progress is younger: backups copy files
    into the store before they take the lock)."""
    if not path.name.startswith(_TEMP_MARK):
        return False
    try:
        return time.time() - path.stat().st_mtime > STALE_TEMP_S
    except OSError:
        return False


# --- backup --out: the files inside the backup file ------------------------------------


def embed_files(db_file: Path, live: AttachmentFiles) -> list[str]:
    """Embed in the private file ``db_file`` the files its rows refer to. Returns the
    names of attachments whose file is missing or damaged (not embedded)."""
    wanted = referenced_hashes(db_file, private=True)
    if not wanted:
        return []
    lost: list[str] = []
    with closing(sqlite3.connect(db_file, isolation_level=None)) as conn:
        conn.execute(
            f"CREATE TABLE {EMBED_TABLE} (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL,"
            " data BLOB NOT NULL)"
        )
        conn.execute("BEGIN")
        for sha, names in sorted(wanted.items()):
            if not _embed_one(conn, live.path_of(sha), sha):
                lost.extend(names)
        conn.execute("COMMIT")
    if lost:
        log.warning("backup %s lacks %d attachment files", db_file.name, len(lost))
    return lost


def _embed_one(conn: sqlite3.Connection, src: Path, sha: str) -> bool:
    try:
        fh = src.open("rb")
    except OSError:
        return False
    with fh:
        size = os.fstat(fh.fileno()).st_size
        cur = conn.execute(
            f"INSERT INTO {EMBED_TABLE} (sha256, size, data) VALUES (?, ?, zeroblob(?))",
            (sha, size, size),
        )
        rowid = cur.lastrowid
        try:
            with conn.blobopen(EMBED_TABLE, "data", rowid or 0) as blob:
                got, copied = copy_stream(fh, blob, limit=size)  # type: ignore[arg-type]
        except (OSError, OverflowError, ValueError):  # unreadable, or grown meanwhile
            got, copied = "", -1
    if got != sha or copied != size:
        log.warning("attachment file %s does not match its hash: not embedded", src)
        conn.execute(f"DELETE FROM {EMBED_TABLE} WHERE rowid = ?", (rowid,))
        return False
    return True


def take_embedded(candidate: Path, into: Path | None) -> int:
    """Extract the files embedded in the private file ``candidate`` into the folder
    ``into`` (None: only check them), then drop their table and compact the file, so
    that what is proved next is exactly a Hitori database. Returns how many files were
    good (a file that does not match its hash is left out).

    A file that is not a database, or has no such table, is left alone (proving it
    says what is wrong). Raises EmbeddedFilesDamaged when the table cannot be read.
    """
    try:
        conn = sqlite3.connect(candidate, isolation_level=None)
    except sqlite3.Error:
        return 0
    good = 0
    with closing(conn):
        try:
            present = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (EMBED_TABLE,)
            ).fetchone()
        except sqlite3.DatabaseError:
            return 0
        if not present:
            return 0
        try:
            rows = conn.execute(f"SELECT rowid, sha256 FROM {EMBED_TABLE}").fetchall()
            for rowid, sha in rows:
                if is_sha256(sha) and _extract_one(conn, rowid, sha, into):
                    good += 1
            conn.execute(f"DROP TABLE {EMBED_TABLE}")
            conn.execute("VACUUM")
        except sqlite3.DatabaseError as exc:
            raise EmbeddedFilesDamaged(f"添付ファイルの部分が壊れています（{exc}）") from exc
    return good


class _Sink:
    """A file-like object that only counts (checking embedded files without writing)."""

    def write(self, data: bytes) -> int:
        return len(data)


def _extract_one(conn: sqlite3.Connection, rowid: int, sha: str, into: Path | None) -> bool:
    with conn.blobopen(EMBED_TABLE, "data", rowid, readonly=True) as blob:
        if into is None:
            got, _size = copy_stream(blob, _Sink())  # type: ignore[arg-type]
            return got == sha
        into.mkdir(parents=True, exist_ok=True)
        if (into / sha).exists():  # listed twice: one copy is enough
            return False
        with (into / sha).open("xb") as out:
            got, _size = copy_stream(blob, out)  # type: ignore[arg-type]
    if got != sha:
        log.warning("embedded attachment %s does not match its hash: skipped", sha[:12])
        (into / sha).unlink()
        return False
    return True


# --- restore: the files of the restored database ---------------------------------------


def bring_back(
    candidate: Path, live: AttachmentFiles, staged: Path, stores: Sequence[Path], work: Path
) -> tuple[int, list[str]]:
    """Put in ``attachments/`` the files the proved ``candidate``'s rows refer to that
    are not there yet: from ``staged`` (extracted from the backup, moved) or one of the
    shared ``stores`` (copied, checked). Returns (files brought back, names of the
    attachments whose file was found nowhere)."""
    wanted = referenced_hashes(candidate, private=True)
    brought = 0
    lost: list[str] = []
    for sha, names in sorted(wanted.items()):
        if live.has(sha):
            continue
        extracted = staged / sha
        if extracted.is_file():
            live.adopt(extracted, sha, extracted.stat().st_size)
            brought += 1
            continue
        tmp = work / f"{_TEMP_MARK}{sha}"
        if any(_copy_verified(store / sha[:2] / sha, tmp, sha) for store in stores):
            live.adopt(tmp, sha, tmp.stat().st_size)
            brought += 1
        else:
            lost.extend(names)
    if lost:
        log.warning("restore: %d attachments have no file to bring back", len(lost))
    return brought, lost
