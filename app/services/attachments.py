"""Attachments: files attached to any record, one service for every area.

    files = AttachmentFiles(data_dir.root)
    attachments.attach(session, files, "contract", contract_id, Path("契約書.pdf"))
    attachments.list_attachments(session, "contract", contract_id)
    attachments.save_copy(session, files, attachment_id, Path("~/Desktop"))
    attachments.delete_attachment(session, attachment_id)

The owner is any record of a declared kind (app.store.kinds). The bytes are stored by
content hash (app.store.attachments); the row keeps the original name, sanitised
(:func:`safe_file_name`) so that neither the screen, the history, the search index nor
a copy saved back out ever sees a hostile name. Writing the row is what the flush hooks
see: the change history, the search index and the change notices follow. Attaching and
removing also write a 関連付け / 関連付けを解除 line in the owner's history.

When an owner is deleted its attachment rows go with it (the flush hook of
app.store.attachments); files then no longer referred to are removed by maintenance.
"""

from __future__ import annotations

import mimetypes
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.errors import UserError
from app.output_file import replacing
from app.progress import Progress
from app.services.records import get_or_not_found
from app.store import audit, changes
from app.store.attachments import AttachmentError, AttachmentFiles, StoredFile, copy_stream
from app.store.kind_index import kind_by_code, model_by_code
from app.store.models import Attachment

__all__ = [
    "DEFAULT_NAME",
    "AttachmentRow",
    "add_stored",
    "attach",
    "attach_files",
    "attach_many",
    "delete_attachment",
    "free_name",
    "list_attachments",
    "media_type_of",
    "safe_file_name",
    "save_copy",
]

KIND = Attachment.__kind__.code
DEFAULT_NAME = "添付ファイル"
MAX_NAME_BYTES = 255
MAX_DESCRIPTION = 2000
# Characters Windows refuses in a file name (and the two separators).
_FORBIDDEN = frozenset('<>:"/\\|?*')
# Windows device names, with or without an extension, in any case.
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{dev}{n}" for dev in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)
# Bidirectional controls can make 「cod.exe」 read as 「exe.doc」 (format characters, Cf).
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# Common office formats the standard library's table lacks (no system tables read).
_EXTRA_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".xls": "application/vnd.ms-excel",
    ".doc": "application/msword",
    ".ppt": "application/vnd.ms-powerpoint",
    ".msg": "application/vnd.ms-outlook",
    ".jtd": "application/x-js-taro",
}


def _valid_text(name: str) -> str:
    """Bytes that were not UTF-8 (surrogate escapes from the file system) and lone
    surrogates become 「_」."""
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
        raw = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in name).encode()
    return raw.decode("utf-8", "replace").replace("\ufffd", "_")


def _fit(stem: str, ext: str, limit: int = MAX_NAME_BYTES) -> str:
    """``stem + ext`` within ``limit`` UTF-8 bytes: the stem is shortened (whole
    characters), the extension kept unless it alone is too long."""
    if len(ext.encode()) > limit // 2:
        stem, ext = stem + ext, ""
    room = limit - len(ext.encode())
    while len(stem.encode()) > room:
        stem = stem[:-1]
    return stem.rstrip(". ") + ext


def safe_file_name(name: str) -> str:
    """A file name safe to show and to save under on Windows, macOS and Linux.

    Keeps only the last path component (``../``, ``..\\``, absolute paths, drive letters
    go); replaces characters Windows forbids with 「_」; drops control and invisible
    format characters; strips leading and trailing spaces and trailing dots; prefixes
    Windows device names (CON, NUL.txt, com1 …) with 「_」; shortens the stem to fit
    255 UTF-8 bytes keeping the extension; an empty result is 「添付ファイル」.
    """
    text = unicodedata.normalize("NFC", _valid_text(name))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    if len(text) >= 2 and text[1] == ":" and text[0].isascii() and text[0].isalpha():
        text = text[2:]  # 「C:secret.txt」: relative to a drive's current folder
    text = "".join(
        "_" if c in _FORBIDDEN else c for c in text if unicodedata.category(c) not in _INVISIBLE
    )
    text = text.strip().rstrip(". ")
    if not text.strip("._ "):
        return DEFAULT_NAME
    if text.partition(".")[0].rstrip(" ").upper() in _RESERVED:
        text = "_" + text
    stem, ext = os.path.splitext(text)
    text = _fit(stem, ext)
    return text if text.strip("._ ") else DEFAULT_NAME


@cache
def _types() -> mimetypes.MimeTypes:
    return mimetypes.MimeTypes()  # the standard library's own table only


def media_type_of(name: str) -> str:
    """The media type for a file name, by its extension (no content sniffing)."""
    ext = os.path.splitext(name)[1].lower()
    guessed = _EXTRA_TYPES.get(ext) or _types().guess_type("x" + ext, strict=False)[0]
    return guessed or "application/octet-stream"


@dataclass(frozen=True, slots=True)
class AttachmentRow:
    id: int
    filename: str
    size_bytes: int
    media_type: str
    created_at: datetime
    description: str
    sha256: str


def _owner(session: Session, owner_kind: str, owner_id: int) -> Any:
    """The owner record; AttachmentError for a kind that cannot own files,
    NotFoundError (naming it) for a record that is gone."""
    try:
        model = model_by_code(owner_kind)
    except KeyError:
        raise AttachmentError(f"添付先の種類「{owner_kind}」はありません") from None
    if owner_kind == KIND:
        raise AttachmentError("添付ファイルにファイルを添付することはできません")
    if "id" not in model.__table__.columns:
        raise AttachmentError(f"{kind_by_code(owner_kind).label}にはファイルを添付できません")
    return get_or_not_found(session, model, owner_id)


def _owner_history(session: Session, action: str, owner: Any, row: Attachment) -> None:
    value = f"{row.filename}（ID {row.id}）"
    old, new = (None, value) if action == "link" else (value, None)
    audit.record(session, owner.__tablename__, owner.id, action, KIND, old, new)
    changes.note(session, row.owner_kind, (owner.id,))


def add_stored(
    session: Session,
    owner_kind: str,
    owner_id: int,
    stored: StoredFile,
    description: str = "",
) -> Attachment:
    """Write the row for a file already in the store (:meth:`AttachmentFiles.store`)."""
    owner = _owner(session, owner_kind, owner_id)
    if len(description) > MAX_DESCRIPTION:
        raise AttachmentError(f"説明は {MAX_DESCRIPTION:,} 文字以内にしてください")
    name = safe_file_name(stored.name)
    row = Attachment(
        owner_kind=owner_kind, owner_id=owner.id, filename=name,
        media_type=media_type_of(name), size_bytes=stored.size_bytes, sha256=stored.sha256,
        stored_name=f"{stored.sha256[:2]}/{stored.sha256}", description=description.strip(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    _owner_history(session, "link", owner, row)
    return row


def attach(
    session: Session,
    files: AttachmentFiles,
    owner_kind: str,
    owner_id: int,
    source_path: Path,
    description: str = "",
    *,
    progress: Progress | None = None,
) -> Attachment:
    """Copy the user's file ``source_path`` into the store and attach it to the owner.

    The owner is checked first (nothing is copied for a record that is gone). A file
    that cannot be read, is empty or too large is refused (AttachmentError /
    InputFileError) and no row is written.
    """
    _owner(session, owner_kind, owner_id)
    stored = files.store(Path(source_path), progress=progress)
    return add_stored(session, owner_kind, owner_id, stored, description)


def list_attachments(session: Session, owner_kind: str, owner_id: int) -> list[AttachmentRow]:
    """The attachments of one record, oldest first."""
    kind_by_code(owner_kind)  # an unknown kind is a bug: KeyError
    stmt = (
        select(Attachment)
        .where(Attachment.owner_kind == owner_kind, Attachment.owner_id == owner_id)
        .order_by(Attachment.created_at, Attachment.id)
    )
    return [_row(a) for a in session.scalars(stmt)]


def _row(a: Attachment) -> AttachmentRow:
    name = safe_file_name(a.filename)  # a restored backup may hold any name
    return AttachmentRow(a.id, name, a.size_bytes, a.media_type, a.created_at,
                         a.description, a.sha256)  # fmt: skip


def delete_attachment(session: Session, attachment_id: int) -> None:
    """Remove the row (the file stays until maintenance removes unreferenced files)."""
    row = get_or_not_found(session, Attachment, attachment_id)
    try:
        owner = session.get(model_by_code(row.owner_kind), row.owner_id)
    except KeyError:
        owner = None
    if owner is not None:
        _owner_history(session, "unlink", owner, row)
    session.delete(row)
    session.flush()


def free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or 「name (2).ext」, 「(3)」 … — the first that does not exist."""
    stem, ext = os.path.splitext(name)
    candidate = folder / name
    number = 1
    while os.path.lexists(candidate):
        number += 1
        if number > 9999:
            raise UserError(f"保存先に同じ名前のファイルが多すぎます: {folder / name}")
        candidate = folder / _fit(stem, f" ({number}){ext}")
    return candidate


class _NameTaken(Exception):
    """A file of the chosen name appeared while the copy was written."""


def save_copy(session: Session, files: AttachmentFiles, attachment_id: int, folder: Path) -> Path:
    """Save a copy of the attachment in ``folder`` under its sanitised name, never over
    an existing file (a free name 「契約書 (2).pdf」 is chosen); returns where it went.
    The bytes are checked against the stored hash on the way."""
    row = get_or_not_found(session, Attachment, attachment_id)
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"保存先のフォルダがありません: {folder}")
    with files.open(row.sha256) as src:
        for _attempt in range(3):
            target = free_name(folder, safe_file_name(row.filename))
            try:
                with replacing(target) as tmp:
                    with tmp.open("wb") as out:
                        sha, _size = copy_stream(src, out)
                    if sha != row.sha256:
                        raise AttachmentError(
                            f"添付ファイル「{row.filename}」の実体が壊れています"
                            "（hitori check で確認し、バックアップから復元してください）"
                        )
                    if os.path.lexists(target):
                        raise _NameTaken
            except _NameTaken:
                src.seek(0)  # the next free name
                continue
            return target
    raise UserError(f"保存先に書き込めません（同じ名前のファイルが作られ続けています）: {folder}")


def attach_many(
    session: Session, owner_kind: str, owner_id: int, stored: Sequence[StoredFile]
) -> list[int]:
    """Rows for several files already in the store, in one transaction (all or none)."""
    return [add_stored(session, owner_kind, owner_id, one).id for one in stored]


def attach_files(
    sessions: sessionmaker[Session],
    files: AttachmentFiles,
    owner_kind: str,
    owner_id: int,
    paths: Sequence[Path],
    progress: Progress | None = None,
) -> list[int]:
    """Attach the user's files ``paths`` (chosen in a dialog or dropped) to one record:
    all or none. The files are copied in before the write transaction begins, so that
    other writers do not wait for a copy; the rows are then written in one transaction.
    Returns the new attachments' ids."""
    with sessions() as session:
        _owner(session, owner_kind, owner_id)  # nothing is copied for a record that is gone
    stored = [files.store(Path(p), progress=progress) for p in paths]
    with sessions.begin() as session:
        return attach_many(session, owner_kind, owner_id, stored)
