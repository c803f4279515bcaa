"""Tell database errors caused by the environment from errors that are our bug.

Environment problems (busy, read-only, disk full, corrupt, cannot open) get a
clear Japanese message for the user; anything else is a bug and goes to the
error report with the log file.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError, OperationalError


@dataclass(frozen=True)
class EnvironmentProblem:
    code: str
    message: str


# SQLite primary result codes (the low byte of sqlite_errorcode).
_CODES: dict[int, str] = {
    5: "busy",  # SQLITE_BUSY
    6: "busy",  # SQLITE_LOCKED
    8: "read_only",  # SQLITE_READONLY
    10: "disk_full",  # SQLITE_IOERR
    11: "corrupt",  # SQLITE_CORRUPT
    13: "disk_full",  # SQLITE_FULL
    14: "cannot_open",  # SQLITE_CANTOPEN
    26: "corrupt",  # SQLITE_NOTADB
}

_PATTERNS: list[tuple[tuple[str, ...], str, str]] = [
    (
        ("database is locked", "database table is locked"),
        "busy",
        "データベースが他の処理で使用中です。しばらく待ってからもう一度お試しください。",
    ),
    (
        ("attempt to write a readonly database",),
        "read_only",
        "データベースに書き込めません（読み取り専用です）。フォルダやファイルの権限を確認してください。",
    ),
    (
        ("database or disk is full", "disk i/o error", "no space"),
        "disk_full",
        "ディスクの空き容量が不足しているか、書き込みに失敗しました。空き容量を確認してください。",
    ),
    (
        ("database disk image is malformed", "file is not a database"),
        "corrupt",
        "データベースファイルが壊れています。バックアップから復元してください（hitori restore）。",
    ),
    (
        ("unable to open database",),
        "cannot_open",
        "データベースファイルを開けません。保存先のフォルダを確認してください。",
    ),
]


_MESSAGES: dict[str, str] = {code: message for _, code, message in _PATTERNS}


def classify(exc: BaseException) -> EnvironmentProblem | None:
    """An EnvironmentProblem when ``exc`` is the environment's fault, else None (a bug)."""
    original: BaseException = exc
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        original = exc.orig
    if isinstance(original, PermissionError):
        return EnvironmentProblem("read_only", _PATTERNS[1][2])
    if isinstance(original, OSError) and getattr(original, "errno", None) == 28:
        return EnvironmentProblem("disk_full", _PATTERNS[2][2])
    if not isinstance(original, sqlite3.OperationalError | sqlite3.DatabaseError) and not (
        isinstance(exc, OperationalError)
    ):
        return None
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        name = _CODES.get(code & 0xFF)
        return EnvironmentProblem(name, _MESSAGES[name]) if name else None
    text = str(original).lower()
    for needles, code_name, message in _PATTERNS:
        if any(n in text for n in needles):
            return EnvironmentProblem(code_name, message)
    return None
