"""Writing an output file safely: a temporary file beside the target replaces it at the end.

``replacing(path)`` yields a fresh temporary file in the target's folder; the caller
writes it completely, and only then does ``os.replace`` put it in place. A cancel or
an error inside the block leaves the target untouched and removes the temporary file.
Every expected failure becomes a UserError with a message for the user: the folder is
missing, the path is a folder, the folder cannot be written, or the target is locked
(typically open in Excel or a PDF viewer on Windows).

Any layer may use this module (like app/errors.py and app/progress.py).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.errors import UserError

__all__ = ["replacing"]

LOCKED_HINT = "Excelなど他のプログラムで開いていれば閉じてから、もう一度書き出してください。"


@contextmanager
def replacing(path: Path, *, locked_hint: str = LOCKED_HINT) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces it only if the body succeeds.

    ``locked_hint`` ends the message shown when the target cannot be replaced (it is
    open in another program): what to close and what to do next.
    """
    if path.is_dir():
        raise UserError(f"保存先がフォルダになっています。ファイル名を指定してください: {path}")
    if not path.parent.is_dir():
        raise UserError(f"保存先のフォルダがありません: {path.parent}")
    tmp = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.tmp")
    try:
        try:
            tmp.open("xb").close()
        except PermissionError as exc:
            raise UserError(f"保存先のフォルダに書き込む権限がありません: {path.parent}") from exc
        except OSError as exc:
            raise UserError(f"ファイルを作成できません: {path}（{exc.strerror or exc}）") from exc
        try:
            yield tmp
        except OSError as exc:
            raise UserError(f"ファイルを書き込めません: {path}（{exc.strerror or exc}）") from exc
        try:
            os.replace(tmp, path)
        except PermissionError as exc:
            raise UserError(f"ファイルを上書きできません: {path}。{locked_hint}") from exc
        except OSError as exc:
            raise UserError(f"ファイルを保存できません: {path}（{exc.strerror or exc}）") from exc
    finally:
        tmp.unlink(missing_ok=True)
