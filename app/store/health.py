"""What Hitori knows about the health of a data folder's database between runs.

When a check, a backup's verification or any operation finds the database damaged, a
small note (``hitori.damaged``) is left beside it. While the note is there, nothing but
``check`` and ``restore`` uses the database until a new verification passes: a damaged
file is neither written to nor copied over good backups. A passing ``check`` or a
restore removes the note.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from datetime import datetime
from pathlib import Path

from app.errors import UserError

log = logging.getLogger("hitori.store.health")

NOTE_FILENAME = "hitori.damaged"
RESTORE_HINT = (
    "hitori check で詳しく確認し、バックアップから復元してください（hitori restore ファイル）"
)
REINDEX_HINT = "検索索引は hitori check --reindex で作り直せます（記録そのものは無事です）"


class DatabaseDamaged(UserError, RuntimeError):
    """The database failed verification; the message says what and what to do."""

    def __init__(self, message: str, *, index_only: bool = False) -> None:
        super().__init__(message)
        self.index_only = index_only


def note_path(root: Path) -> Path:
    return root / NOTE_FILENAME


def mark_damaged(root: Path, reason: str, *, index_only: bool = False) -> None:
    """Leave the note (best effort: a read-only folder cannot hold it)."""
    note = note_path(root)
    payload = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "reason": reason,
        "index_only": index_only,
    }
    tmp = note.with_name(f"{note.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, note)
    except OSError as exc:
        log.warning("cannot record that the database is damaged: %s", exc)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    else:
        log.error("database marked damaged: %s", reason)


def damaged_note(root: Path) -> dict[str, object] | None:
    """The note's content, or None when the database is not known to be damaged."""
    try:
        text = note_path(root).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError:
        return {"reason": "（記録を読めません）", "index_only": False}
    try:
        payload = json.loads(text)
    except ValueError:
        payload = None
    return payload if isinstance(payload, dict) else {"reason": text[:200], "index_only": False}


def clear_damaged(root: Path) -> None:
    with contextlib.suppress(OSError):
        if note_path(root).exists():
            note_path(root).unlink()
            log.info("database verified again: damage note removed")


def refuse_writes_if_damaged(root: Path) -> None:
    """Raise DatabaseDamaged while the note is there (one stat: cheap before each write)."""
    if not note_path(root).exists():
        return
    note = damaged_note(root) or {}
    index_only = bool(note.get("index_only", False))
    raise DatabaseDamaged(
        "書き込みを中止しました。"
        + damaged_message(str(note.get("reason", "")), index_only=index_only),
        index_only=index_only,
    )


def damaged_message(reason: str, *, index_only: bool) -> str:
    hint = REINDEX_HINT if index_only else RESTORE_HINT
    return f"データベースが壊れています（{reason}）。{hint}"
