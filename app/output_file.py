"""Writing an output file safely: a temporary file beside the target replaces it at the end.

``replacing(path)`` yields a fresh temporary file in the target's folder; the caller
writes it completely, and only then does ``os.replace`` put it in place. A cancel or
an error inside the block leaves the target untouched and removes the temporary file.
Every expected failure becomes a UserError with a message for the user that names the
file: the folder is missing, the path is a folder, the name is longer than the system
allows, the folder cannot be written, the disk is full, or the target is locked
(typically open in Excel or a PDF viewer on Windows).

The name is checked before anything is written (a long export must not fail at its very
end), and the temporary file's name is never longer than the target's when the target's
is long, so that any name the system accepts for the target works.

Any layer may use this module (like app/errors.py and app/progress.py).
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from app.errors import UserError
from app.input_file import file_kind, os_error_reason

__all__ = ["replacing", "temporary_name"]

LOCKED_HINT = "Excelなど他のプログラムで開いていれば閉じてから、もう一度書き出してください。"
# A temporary name up to this long is used as it is; longer ones are kept no longer
# than the target's own name (which the system accepts).
SHORT_NAME = 32


def temporary_name(name: str, token: str) -> str:
    """``.{stem}.{token}.tmp`` for target ``name``, the stem cut so that the result is
    no longer (in characters and in bytes) than ``name`` or SHORT_NAME."""
    stem = Path(name).stem
    most_chars = max(len(name), SHORT_NAME)
    most_bytes = max(len(os.fsencode(name)), SHORT_NAME)
    while True:
        candidate = f".{stem}.{token}.tmp"
        fits = len(candidate) <= most_chars and len(os.fsencode(candidate)) <= most_bytes
        if fits or not stem:
            return candidate
        stem = stem[:-1]


def _name_too_long(path: Path) -> UserError:
    """The message for ENAMETOOLONG: which part is too long, by how much, if known."""
    limit = _name_max(path.parent)
    size, unit = _name_size(path.name)
    if limit is not None and size > limit:
        return UserError(
            f"ファイル名が長すぎます（{size:,} {unit}、この場所では {limit:,} {unit}まで）。"
            f"短い名前にしてください: {path}"
        )
    return UserError(f"ファイル名（またはフォルダ名）が長すぎます。短くしてください: {path}")


def _name_size(name: str) -> tuple[int, str]:
    """The length of a file name as the system counts it: bytes on POSIX systems,
    UTF-16 units on Windows."""
    if hasattr(os, "pathconf"):
        return len(os.fsencode(name)), "バイト"
    return len(name.encode("utf-16-le")) // 2, "文字"


def _name_max(folder: Path) -> int | None:
    """The longest file name the file system of ``folder`` accepts (see _name_size)."""
    pathconf = getattr(os, "pathconf", None)
    if pathconf is None:
        return 255  # Windows (NTFS, FAT32 with long names, exFAT)
    try:
        value = pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return None
    return value if isinstance(value, int) and value > 0 else None


def _failure(what: str, path: Path, exc: OSError) -> UserError:
    """``what`` 「ファイルを作成できません」 ..., the file and the reason, in Japanese."""
    if exc.errno == errno.ENAMETOOLONG:
        return _name_too_long(path)
    return UserError(f"{what}: {path}（{os_error_reason(exc)}）")


def _check_target(path: Path) -> None:
    """Refuse a target that cannot be written, before anything is written."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = stat.S_IFREG  # a new file, or a missing folder (said below)
    except OSError as exc:  # a name too long, a loop of links, no permission ...
        raise _failure("ファイルを作成できません", path, exc) from exc
    if stat.S_ISDIR(mode):
        raise UserError(f"保存先がフォルダになっています。ファイル名を指定してください: {path}")
    kind = file_kind(mode)
    if kind is not None:  # a device or a pipe must never be replaced by a file
        raise UserError(f"保存先が{kind}です。通常のファイル名を指定してください: {path}")
    if not path.parent.is_dir():
        raise UserError(f"保存先のフォルダがありません: {path.parent}")
    limit = _name_max(path.parent)
    if limit is not None and _name_size(path.name)[0] > limit:
        raise _name_too_long(path)


@contextmanager
def replacing(path: Path, *, locked_hint: str = LOCKED_HINT) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces it only if the body succeeds.

    ``locked_hint`` ends the message shown when the target cannot be replaced (it is
    open in another program): what to close and what to do next.
    """
    _check_target(path)
    tmp = path.with_name(temporary_name(path.name, secrets.token_hex(4)))
    try:
        try:
            tmp.open("xb").close()
        except PermissionError as exc:
            raise UserError(f"保存先のフォルダに書き込む権限がありません: {path.parent}") from exc
        except OSError as exc:
            raise _failure("ファイルを作成できません", path, exc) from exc
        try:
            yield tmp
        except OSError as exc:
            raise _failure("ファイルを書き込めません", path, exc) from exc
        try:
            os.replace(tmp, path)
        except PermissionError as exc:
            raise UserError(f"ファイルを上書きできません: {path}。{locked_hint}") from exc
        except OSError as exc:
            raise _failure("ファイルを保存できません", path, exc) from exc
    finally:
        # The folder may have vanished or become read-only: nothing more to clean then.
        with suppress(OSError):
            tmp.unlink(missing_ok=True)
