"""How processes share one data folder: the folder's shared/exclusive access lock.

The rule (docs/architecture.md, "Sharing the data folder"):

- Every process that has the database open — the GUI and every command, reader or
  writer — holds the folder's access lock *shared* for as long as it is open. Readers and
  writers then follow SQLite's own WAL locking; nothing of ours deletes or replaces the
  database or its ``-wal``/``-shm`` files while others may use them.
- Maintenance that replaces the database file or changes its schema — restore, schema
  upgrade, search-index rebuild, and clearing leftovers of interrupted work — holds the
  lock *exclusive*: it waits briefly for the others to finish, then refuses with a message
  naming what is in the way. No other Hitori process can have the database open meanwhile.
- A folder that cannot be written (a read-only share or medium) cannot hold the lock;
  there nothing can write, so readers open it without the lock (``acquire_shared``
  returns False) and maintenance is refused.

The lock is filelock's ReadWriteLock: an SQLite lock database of its own
(``hitori.access``), so it behaves alike on Windows and POSIX and dies with the process.
"""

from __future__ import annotations

import errno
import logging
from pathlib import Path
from typing import Literal

from app.errors import UserError

log = logging.getLogger("hitori.store.access")

ACCESS_FILENAME = "hitori.access"
# How long a process waits for maintenance by another process to finish before giving up.
SHARED_WAIT_S = 60.0
# How long maintenance waits for the other processes to let go.
EXCLUSIVE_WAIT_S = 3.0

_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


class FolderInUse(UserError, RuntimeError):
    """Maintenance was refused: another Hitori process has the data folder open."""


class FolderUnavailable(UserError, RuntimeError):
    """The data folder's access lock cannot be taken (the message says why)."""


class FolderAccess:
    """This process's part in one data folder's access lock (shared or exclusive)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / ACCESS_FILENAME
        self.mode: Literal["shared", "exclusive"] | None = None
        self._lock: object | None = None

    def _rw_lock(self):  # type: ignore[no-untyped-def]
        from filelock import ReadWriteLock

        if self._lock is None:
            # One SQLite connection of our own per FolderAccess (is_singleton=False), so
            # two opens of one folder in a process each hold their own part.
            self._lock = ReadWriteLock(self.path, timeout=0, is_singleton=False)
        return self._lock

    def acquire_shared(self, *, timeout: float = SHARED_WAIT_S) -> bool:
        """Hold the folder shared. False when the folder is read-only (no lock possible).

        Raises FolderUnavailable when maintenance by another process does not finish
        within ``timeout`` seconds.
        """
        from filelock import Timeout

        try:
            lock = self._rw_lock()
            lock.acquire_read(timeout=timeout)
        except Timeout as exc:
            raise FolderUnavailable(
                "他のHitoriがデータフォルダの保守（復元・更新など）を続けています。"
                f"終わってからもう一度お試しください（{self.root}）"
            ) from exc
        except OSError as exc:
            if exc.errno in _READ_ONLY_ERRNOS:
                self._lock = None
                log.info("data folder %s is read-only: opened without the access lock", self.root)
                return False
            raise FolderUnavailable(
                f"データフォルダを使えません: {self.root}（{exc.strerror or exc}）"
            ) from exc
        self.mode = "shared"
        return True

    def acquire_exclusive(self, *, timeout: float = EXCLUSIVE_WAIT_S, purpose: str) -> None:
        """Hold the folder exclusively for ``purpose`` (e.g. 「復元」).

        Raises FolderInUse when other Hitori processes keep it open for ``timeout``
        seconds, FolderUnavailable when the folder cannot hold a lock.
        """
        from filelock import Timeout

        try:
            self._rw_lock().acquire_write(timeout=timeout)
        except Timeout as exc:
            raise FolderInUse(
                f"他のHitori（画面またはコマンド）がこのデータフォルダを使用中のため、{purpose}"
                "できません。Hitoriの画面と実行中のコマンドを終了してから、もう一度お試しください"
            ) from exc
        except (OSError, ValueError) as exc:
            self._lock = None
            detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise FolderUnavailable(
                f"データフォルダに書き込めないため、{purpose}できません: {self.root}（{detail}）"
            ) from exc
        self.mode = "exclusive"

    def try_exclusive(self) -> bool:
        """Take the folder exclusively if nobody else has it open right now."""
        try:
            self.acquire_exclusive(timeout=0, purpose="")
        except (FolderInUse, FolderUnavailable):
            return False
        return True

    def release(self) -> None:
        if self.mode is not None and self._lock is not None:
            self._lock.release()  # type: ignore[attr-defined]
        self.mode = None

    def close(self) -> None:
        """Release and close the lock database connection."""
        self.release()
        if self._lock is not None:
            self._lock.close()  # type: ignore[attr-defined]
            self._lock = None
