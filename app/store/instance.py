"""One running GUI per data directory, with an OS-level lock that dies with the process."""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from app.errors import UserError


class AlreadyRunning(UserError, RuntimeError):
    """Another Hitori holds this data directory."""


class InstanceLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = FileLock(str(path), timeout=0)

    def acquire(self) -> None:
        try:
            self._lock.acquire(timeout=0)
        except Timeout as exc:
            raise AlreadyRunning(
                f"Hitoriは既にこのデータフォルダで起動しています（{self.path.parent}）。"
                "開いているウィンドウを使ってください。"
            ) from exc

    def release(self) -> None:
        self._lock.release()

    def held_elsewhere(self) -> bool:
        """True when another process holds the lock (checked without keeping it)."""
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return True
        self._lock.release()
        return False

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
