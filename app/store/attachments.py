"""Attachments in the store: their files in the data folder's ``attachments/``, and the
rule that an owner's attachment rows go with it.

Files are stored by content: ``attachments/ab/abcdef…`` where ``abcdef…`` is the
SHA-256 of the bytes. The same file attached twice is stored once; a stored file never
changes. A file is copied in by streaming it through the one guard for user-named files
(app.input_file) into a private file under ``tmp/`` while it is hashed and counted
(refused beyond MAX_ATTACHMENT_BYTES, or when empty), then renamed into place.

Nothing deletes a stored file when its row goes (the transaction may roll back, another
process may be reading the file). Files no row refers to are removed only by
maintenance that holds the data folder exclusively (:meth:`AttachmentFiles.remove_unreferenced`,
run by ``hitori check --reindex``); backups keep copies of their own
(app.store.attachment_copies), so the live folder never holds a file only for a backup.

The owner rule (:func:`install`, a flush hook): when a record of any declared kind is
deleted, its attachment rows are deleted in the same flush — and so are those of the
records the database deletes with it (``ON DELETE CASCADE``) — so the change history,
the search index and the change notices see them like any other deletion.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from app.errors import UserError
from app.input_file import InputFileError, open_input_file, os_error_reason, size_text
from app.progress import Progress
from app.store.access import FolderAccess
from app.store.kind_index import declared_models
from app.store.models import Attachment
from app.store.sqlite_files import sync_folder
from app.store.workfiles import private_dir

log = logging.getLogger("hitori.store.attachments")

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "AttachmentError",
    "AttachmentFiles",
    "StoredFile",
    "copy_stream",
    "install",
    "is_installed",
    "is_sha256",
]

# 50 MB: scanned contracts, notices and manuals (the files people attach here) are a few
# MB; a 200-page colour scan stays under 50 MB. Larger files (disk images, installers,
# video) belong on a file server, not in the ledger: every attachment is also copied into
# the backups, embedded in ``backup --out``, and read whole when it is saved back out.
MAX_ATTACHMENT_BYTES = 50 * 2**20
CHUNK_BYTES = 1 << 20
ATTACHMENTS_DIRNAME = "attachments"
WHAT = "添付するファイル"
_SHA256 = re.compile(r"[0-9a-f]{64}")
# SQLite's default limit on bound parameters is far above this; chunks keep IN lists short.
_IN_CHUNK = 500


class AttachmentError(UserError, RuntimeError):
    """A file cannot be attached, found or copied; the message says why (in Japanese)."""


def is_sha256(text: object) -> bool:
    """True for 64 lowercase hex digits: the only names used as stored file names (a
    hash read from a backup is never trusted as a path before this check)."""
    return isinstance(text, str) and _SHA256.fullmatch(text) is not None


@dataclass(frozen=True)
class StoredFile:
    """A file copied into the store: its hash, its size, and the name it had."""

    sha256: str
    size_bytes: int
    name: str  # as the file system gave it (sanitised by the service before it is kept)


def copy_stream(
    src: BinaryIO,
    out: BinaryIO,
    *,
    limit: int | None = None,
    progress: Progress | None = None,
    total: int = 0,
    message: str = "",
) -> tuple[str, int]:
    """Copy ``src`` to ``out`` in chunks; returns (sha256, size). Raises OverflowError
    past ``limit`` bytes, Cancelled when ``progress`` is cancelled, OSError as it comes."""
    digest = hashlib.sha256()
    size = 0
    while True:
        if progress is not None:
            progress.check()
        chunk = src.read(CHUNK_BYTES)
        if not chunk:
            break
        size += len(chunk)
        if limit is not None and size > limit:
            raise OverflowError(size)
        digest.update(chunk)
        out.write(chunk)
        if progress is not None:
            progress.report(min(size, total) if total else 0, total, message)
    return digest.hexdigest(), size


class AttachmentFiles:
    """The attachment files of one data folder (``root``)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.folder = self.root / ATTACHMENTS_DIRNAME

    def path_of(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise ValueError(f"not a SHA-256 name: {sha256!r}")
        return self.folder / sha256[:2] / sha256

    def has(self, sha256: str, size: int | None = None) -> bool:
        """Whether the file of ``sha256`` is stored (with ``size`` bytes, if given)."""
        if not is_sha256(sha256):
            return False
        try:
            st = self.path_of(sha256).stat()
        except OSError:
            return False
        return stat.S_ISREG(st.st_mode) and (size is None or st.st_size == size)

    def open(self, sha256: str) -> BinaryIO:
        """The stored file, for reading. Raises AttachmentError when it is missing."""
        try:
            return open_input_file(self.path_of(sha256), what="添付ファイルの実体")
        except (InputFileError, ValueError) as exc:
            raise AttachmentError(
                "添付ファイルの実体が見つかりません（hitori check で確認できます）。"
                f"バックアップから復元すると戻せます: {sha256[:12]}…"
            ) from exc

    def store(self, source: Path, *, progress: Progress | None = None,
              max_bytes: int = MAX_ATTACHMENT_BYTES) -> StoredFile:  # fmt: skip
        """Copy the user's file ``source`` into the store; returns what was stored.

        Only a regular file is read (app.input_file); an empty file, one larger than
        ``max_bytes``, one that cannot be opened or read to the end is refused with an
        AttachmentError (or InputFileError) and nothing is stored. Cancelled leaves
        nothing either.
        """
        source = Path(source)
        with open_input_file(source, what=WHAT) as fh:
            total = _size_hint(fh)
            if total > max_bytes:
                raise _too_big(source, max_bytes)
            try:
                return self._copy_in(fh, source, total, max_bytes, progress)
            except OSError as exc:  # the data folder's tmp/ (read-only, full …)
                raise AttachmentError(
                    f"添付ファイルを保存できません: {self.root}（{os_error_reason(exc)}）"
                ) from exc

    def _copy_in(
        self, fh: BinaryIO, source: Path, total: int, max_bytes: int, progress: Progress | None
    ) -> StoredFile:
        with private_dir(self.root, "attach") as work:
            incoming = work / "incoming"
            try:
                with incoming.open("xb") as out:
                    sha, size = copy_stream(fh, out, limit=max_bytes, progress=progress,
                                            total=total, message=source.name)  # fmt: skip
                    out.flush()
                    os.fsync(out.fileno())
            except OverflowError:
                raise _too_big(source, max_bytes) from None
            except OSError as exc:
                raise _copy_failed(source, incoming, exc) from exc
            if size == 0:
                raise AttachmentError(f"空のファイルは添付できません: {source}")
            self.adopt(incoming, sha, size)
        return StoredFile(sha, size, source.name)

    def adopt(self, tmp: Path, sha256: str, size: int) -> None:
        """Move the verified file ``tmp`` (under the data folder) to its place; when the
        same content is already stored, ``tmp`` is simply left to be dropped."""
        if self.has(sha256, size):
            return
        dest = self.path_of(sha256)
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, dest)  # the same bytes, if another process stored it meanwhile
            sync_folder(dest.parent)
        except OSError as exc:
            raise AttachmentError(
                f"添付ファイルを保存できません: {self.folder}（{os_error_reason(exc)}）"
            ) from exc

    def store_bytes(self, data: bytes) -> str:
        """Store ``data`` (content we made, e.g. demo files); returns its hash."""
        sha256 = hashlib.sha256(data).hexdigest()
        if self.has(sha256, len(data)):
            return sha256
        with private_dir(self.root, "attach") as work:
            tmp = work / sha256
            tmp.write_bytes(data)
            self.adopt(tmp, sha256, len(data))
        return sha256

    def stored_hashes(self) -> set[str]:
        """The hashes of the files in the store (other names are not ours: ignored)."""
        found: set[str] = set()
        with contextlib.suppress(OSError):
            for sub in self.folder.iterdir():
                if len(sub.name) == 2 and sub.is_dir() and not sub.is_symlink():
                    found.update(p.name for p in sub.iterdir() if p.name[:2] == sub.name
                                 and is_sha256(p.name) and p.is_file())  # fmt: skip
        return found

    def remove_unreferenced(self, referenced: Iterable[str], access: FolderAccess) -> int:
        """Delete stored files no row refers to. Only with the data folder held
        exclusively (no other process can be attaching or reading one)."""
        if access.mode != "exclusive":
            raise RuntimeError("remove_unreferenced needs the data folder held exclusively")
        keep = set(referenced)
        removed = 0
        for sha in sorted(self.stored_hashes() - keep):
            path = self.path_of(sha)
            try:
                path.unlink()
            except OSError as exc:
                log.warning("cannot remove unreferenced attachment %s: %s", path, exc)
                continue
            removed += 1
            with contextlib.suppress(OSError):
                path.parent.rmdir()  # only when empty
        if removed:
            log.info("removed %d attachment files no record refers to", removed)
        return removed


def _size_hint(fh: BinaryIO) -> int:
    """The size the file says it has (for progress and an early refusal only; what is
    read is what counts)."""
    try:
        return max(os.fstat(fh.fileno()).st_size, 0)
    except OSError:
        return 0


def _too_big(source: Path, limit: int) -> AttachmentError:
    return AttachmentError(
        f"ファイルが大きすぎるため添付できません（上限 {size_text(limit)}）: {source}。"
        "大きなファイルはファイルサーバーに置き、その場所を備考に書いてください。"
    )


def _copy_failed(source: Path, incoming: Path, exc: OSError) -> AttachmentError:
    # Which side failed: reading the user's file, or writing our copy (disk full …).
    if exc.filename is not None and Path(exc.filename) == incoming:
        return AttachmentError(f"添付ファイルを保存できません（{os_error_reason(exc)}）")
    return AttachmentError(f"{WHAT}を読み込めません: {source}（{os_error_reason(exc)}）")


# --- the owner rule --------------------------------------------------------------------


@functools.cache
def _cascades() -> dict[str, tuple[tuple[type[Any], str], ...]]:
    """parent table → the declared child models (and their column) that the database
    deletes with a parent row (``ON DELETE CASCADE``)."""
    found: dict[str, list[tuple[type[Any], str]]] = {}
    for model in declared_models():
        table = getattr(model, "__table__", None)
        if table is None or "id" not in table.columns:
            continue
        for fk in table.foreign_keys:
            if (fk.ondelete or "").upper() == "CASCADE" and fk.column.name == "id":
                found.setdefault(fk.column.table.name, []).append((model, fk.parent.name))
    return {parent: tuple(children) for parent, children in found.items()}


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), _IN_CHUNK):
        yield ordered[start : start + _IN_CHUNK]


def _with_cascaded(session: Session, owners: dict[type[Any], set[int]]) -> None:
    """Add to ``owners`` the records the database will delete with them."""
    queue = list(owners.items())
    while queue:
        model, ids = queue.pop()
        for child, column in _cascades().get(model.__tablename__, ()):
            found: set[int] = set()
            for chunk in _chunks(ids):
                col = getattr(child, column)
                found.update(session.scalars(select(child.id).where(col.in_(chunk))))
            new = found - owners.get(child, set())
            if new:
                owners.setdefault(child, set()).update(new)
                queue.append((child, new))


def _owners_deleted(session: Session, _ctx: Any, _instances: Any) -> None:
    owners: dict[type[Any], set[int]] = {}
    for obj in session.deleted:
        model = type(obj)
        record_id = getattr(obj, "id", None)
        if model is not Attachment and "__kind__" in vars(model) and isinstance(record_id, int):
            owners.setdefault(model, set()).add(record_id)
    if not owners:
        return
    with session.no_autoflush:
        _with_cascaded(session, owners)
        for model, ids in owners.items():
            code = model.__kind__.code
            for chunk in _chunks(ids):
                stmt = select(Attachment).where(
                    Attachment.owner_kind == code, Attachment.owner_id.in_(chunk)
                )
                for attachment in session.scalars(stmt):
                    session.delete(attachment)


def install(factory: sessionmaker[Session]) -> None:
    """Delete attachment rows with their owner in every session of ``factory``."""
    if not is_installed(factory):
        event.listen(factory, "before_flush", _owners_deleted)


def is_installed(factory: sessionmaker[Session]) -> bool:
    return event.contains(factory, "before_flush", _owners_deleted)


def referenced_hashes(session: Session) -> set[str]:
    """Every hash a row of this database refers to."""
    return {h for h in session.scalars(select(Attachment.sha256).distinct()) if is_sha256(h)}
