"""Files of work in progress, and clearing what interrupted work left behind.

Unfinished copies (a backup being written, the private copy a restore or an upgrade
proves before putting it in place) live in the data folder's ``tmp/`` folder, one
sub-folder per piece of work. A file made outside the data folder (``hitori backup --out``)
is written beside its target under a ``.hitori-partial`` name, and a note naming it is
kept in ``tmp/`` until the work ends.

Whatever a killed process left there is removed at a later start — only while that
process holds the data folder exclusively (app.store.access), so nothing another process
is still writing is ever touched; otherwise it waits for such a start.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger("hitori.store.workfiles")

WORK_DIRNAME = "tmp"
PARTIAL_MARK = ".hitori-partial"
MAX_NAME_BYTES = 255
_NOTE_SUFFIX = ".note"
# What versions before the work folder left behind (a killed backup or restore).
_LEGACY_PATTERNS = (
    ("backups", "*.partial"),
    ("backups", "*.partial-journal"),
    (".", "*.sqlite3.restoring"),
)


def work_root(root: Path) -> Path:
    return root / WORK_DIRNAME


@contextlib.contextmanager
def private_dir(root: Path, purpose: str) -> Iterator[Path]:
    """A new folder under ``tmp/`` for this work only; removed when the work ends."""
    base = work_root(root)
    base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{purpose}-", dir=base))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def partial_name(target: Path) -> Path:
    """Where to write ``target`` before it is complete: beside it, a name of its own.

    The name leaves room for SQLite's ``-journal`` beside it within the file-name limit
    of common file systems (255 bytes), however long ``target``'s own name is.
    """
    token = secrets.token_hex(4)
    tail = f"{PARTIAL_MARK}-{token}"
    stem = target.name
    while len(f".{stem}{tail}".encode()) > MAX_NAME_BYTES - len(b"-journal") and stem:
        stem = stem[:-1]
    return target.with_name(f".{stem}{tail}")


@contextlib.contextmanager
def noted_partial(root: Path | None, target: Path) -> Iterator[Path]:
    """A partial file for ``target`` outside the data folder, noted in ``root``'s
    ``tmp/`` while it exists so that a later start can remove it if this process dies.
    The caller moves it into place; whatever is left at the end is removed."""
    partial = partial_name(target.absolute())
    note: Path | None = None
    if root is not None:
        with contextlib.suppress(OSError):
            base = work_root(root)
            base.mkdir(parents=True, exist_ok=True)
            note = base / f"partial-{secrets.token_hex(6)}{_NOTE_SUFFIX}"
            note.write_text(str(partial), encoding="utf-8")
    try:
        yield partial
    finally:
        remove_sqlite_file(partial)
        if note is not None:
            note.unlink(missing_ok=True)


def remove_sqlite_file(path: Path) -> None:
    """Remove a database file of our own work and the journals SQLite made beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            path.with_name(path.name + suffix).unlink(missing_ok=True)


def has_leftovers(root: Path) -> bool:
    """Cheap test at start-up: is there anything for :func:`clear_leftovers`?"""
    base = work_root(root)
    with contextlib.suppress(OSError):
        if base.is_dir() and any(base.iterdir()):
            return True
    return any(any((root / where).glob(pattern)) for where, pattern in _LEGACY_PATTERNS)


def clear_leftovers(root: Path) -> int:
    """Remove what interrupted work left behind. The caller holds the data folder
    exclusively (no other Hitori process is running). Returns how many were removed."""
    removed = 0
    base = work_root(root)
    if base.is_dir():
        for entry in list(base.iterdir()):
            if entry.name.endswith(_NOTE_SUFFIX):
                removed += _clear_noted_partial(entry)
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    entry.unlink()
            removed += 1
    for where, pattern in _LEGACY_PATTERNS:
        for path in (root / where).glob(pattern):
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    if removed:
        log.info("removed %d leftovers of interrupted work in %s", removed, root)
    return removed


def _clear_noted_partial(note: Path) -> int:
    try:
        target = Path(note.read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError):
        target = None
    removed = 0
    # Only ever a file we named ourselves: never follow a note to anything else.
    if target is not None and PARTIAL_MARK in target.name and target.is_absolute():
        for suffix in ("", "-journal"):
            path = target.with_name(target.name + suffix)
            if path.is_file() and not path.is_symlink():
                with contextlib.suppress(OSError):
                    os.unlink(path)
                    removed += 1
    with contextlib.suppress(OSError):
        note.unlink()
    return removed
