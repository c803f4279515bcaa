"""Reading a file the user named: one guard for every reader of user-chosen input.

The user may name anything: a folder, a named pipe (FIFO) that blocks forever when
opened, a device such as ``/dev/zero`` (whose ``stat()`` size is 0 while it never ends),
a name longer than the system allows, a file on a failing disk. This module opens the
path without blocking (``O_NONBLOCK`` where the system has it), checks the *open*
descriptor (not the name, which could change in between) and accepts only a regular
file; the size is measured by reading, never taken from ``stat()``. Every failure is an
:class:`InputFileError` (a UserError) whose Japanese message names the path and the
problem, so that the command prints one line and the GUI shows it as it is.

    data = read_input_file(path, max_bytes=100 * 2**20)
    with open_input_file(path) as fh:   # a verified regular file, for streaming
        ...

Any layer may use this module (like app/errors.py and app/output_file.py); no Qt.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from app.errors import UserError

__all__ = [
    "InputFileError",
    "file_kind",
    "open_input_file",
    "os_error_reason",
    "read_input_file",
    "size_text",
]

CHUNK_BYTES = 1 << 20

# O_NONBLOCK: opening a FIFO without a writer returns at once instead of blocking (it is
# then refused). O_BINARY: no newline translation on Windows. O_NOCTTY: naming a
# terminal never makes it ours. Each is 0 where the system does not have it.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_NOCTTY", 0)
)

_REASONS = {
    errno.ENOENT: "見つかりません",
    errno.EACCES: "アクセスする権限がありません",
    errno.EPERM: "アクセスする権限がありません",
    errno.ENAMETOOLONG: "ファイル名が長すぎます",
    errno.EISDIR: "フォルダです",
    errno.ENOTDIR: "パスの途中にフォルダではないものがあります",
    errno.ELOOP: "シンボリックリンクが循環しています",
    errno.EIO: "入出力エラー。ディスクや媒体が故障している可能性があります",
    errno.ENXIO: "開けない種類のファイルです",
    errno.ENOSPC: "ディスクの空き容量が足りません",
    errno.EROFS: "読み取り専用の場所です",
    errno.EBUSY: "他のプログラムが使用中です",
    errno.ETXTBSY: "他のプログラムが使用中です",
    errno.EMFILE: "開いているファイルが多すぎます",
    errno.ENFILE: "開いているファイルが多すぎます",
    errno.ENOMEM: "メモリが足りません",
}
if hasattr(errno, "EDQUOT"):
    _REASONS[errno.EDQUOT] = "ディスクの使用量の上限に達しています"


class InputFileError(UserError):
    """The named input file cannot be used; the message says why (in Japanese)."""


def os_error_reason(exc: OSError) -> str:
    """What went wrong, in Japanese, for an OSError from opening, reading or writing."""
    reason = _REASONS.get(exc.errno or 0)
    if reason is not None:
        return reason
    return exc.strerror or type(exc).__name__


def size_text(size: int) -> str:
    """A byte count for a message: 「100 MB」, 「512 KB」, 「100 バイト」."""
    if size >= 2**20:
        return f"{size / 2**20:,.0f} MB"
    if size >= 2**10:
        return f"{size / 2**10:,.0f} KB"
    return f"{size:,} バイト"


def file_kind(mode: int) -> str | None:
    """Japanese name of what a non-regular file is; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "フォルダ"
    if stat.S_ISFIFO(mode):
        return "名前付きパイプ（FIFO）"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "デバイスファイル"
    if stat.S_ISSOCK(mode):
        return "ソケット"
    return "通常のファイルではないもの"


def _not_a_file(path: Path, kind: str, what: str) -> InputFileError:
    return InputFileError(f"{what}として読めません: {path}（{kind}です）")


def _cannot_open(path: Path, exc: OSError, what: str) -> InputFileError:
    if exc.errno not in (errno.ENOENT, errno.ENAMETOOLONG):
        # A folder on Windows ("permission denied"), a socket ("no such device") ...:
        # say what it is rather than the system's words for it.
        try:
            kind = file_kind(os.stat(path).st_mode)
        except OSError:
            kind = None
        if kind is not None:
            return _not_a_file(path, kind, what)
    return InputFileError(f"{what}を開けません: {path}（{os_error_reason(exc)}）")


def open_input_file(path: str | os.PathLike[str], *, what: str = "ファイル") -> BinaryIO:
    """Open ``path`` for reading, refusing anything that is not a regular file.

    ``what`` names the file in messages (「バックアップファイル」...). Never blocks on a
    FIFO. Raises InputFileError.
    """
    path = Path(path)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise _cannot_open(path, exc, what) from exc
    try:
        kind = file_kind(os.fstat(fd).st_mode)
    except OSError as exc:
        os.close(fd)
        raise _cannot_open(path, exc, what) from exc
    if kind is not None:
        os.close(fd)
        raise _not_a_file(path, kind, what)
    if _OPEN_FLAGS & getattr(os, "O_NONBLOCK", 0):
        os.set_blocking(fd, True)  # a regular file: ordinary reads from here on
    return os.fdopen(fd, "rb")


def read_input_file(
    path: str | os.PathLike[str], *, max_bytes: int, what: str = "ファイル"
) -> bytes:
    """The whole content of regular file ``path``, at most ``max_bytes`` bytes.

    The size is measured by reading (``stat()`` says 0 for devices and for some virtual
    files, and a file can grow meanwhile). Raises InputFileError.
    """
    path = Path(path)
    chunks: list[bytes] = []
    size = 0
    with open_input_file(path, what=what) as fh:
        try:
            while size <= max_bytes:
                chunk = fh.read(min(CHUNK_BYTES, max_bytes + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        except OSError as exc:
            raise InputFileError(
                f"{what}を読み込めません: {path}（{os_error_reason(exc)}）"
            ) from exc
    if size > max_bytes:
        raise InputFileError(f"{what}が大きすぎます（上限 {size_text(max_bytes)}）: {path}")
    return b"".join(chunks)
