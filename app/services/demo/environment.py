"""The demo environment: demo data in a data folder of its own, never in the real one.

A folder becomes the demo environment when :func:`make_demo_environment` marks it
(``DataDir.demo_marker``) — before its database is made. A folder that already holds a
database without the mark is real data and is refused, whatever it holds: the real
database is never written by the demo. The GUI opens the demo environment in a window
of its own (a second ``hitori`` process on that folder) with a banner; ``hitori demo``
makes it from the command line.
"""

from __future__ import annotations

from collections.abc import Callable

from app.errors import UserError
from app.paths import DataDir

MARKER_TEXT = (
    "このフォルダはひとり情シス手帳のデモ環境です（架空の町「ひとり町」のデータ）。\n"
    "実際のデータではありません。不要になったらフォルダごと削除できます。\n"
)


class NotADemoFolder(UserError):
    """The folder holds a real database: the demo is not put into it."""


def check_demo_folder(data_dir: DataDir) -> None:
    """Refuse a folder that holds a database not made as a demo environment."""
    if data_dir.db_path.exists() and not data_dir.is_demo:
        raise NotADemoFolder(
            f"{data_dir.root} には実際のデータベースがあります。デモデータは実際のデータには"
            "入れません（--data-dir を指定しなければ、デモ専用のフォルダに作成します）"
        )


def make_demo_environment(
    data_dir: DataDir,
    *,
    size: str = "small",
    seed: int = 1,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> dict[str, int]:
    """Mark ``data_dir`` as the demo environment and fill its (new) database with the
    demo; returns generate_demo's counts. Refused for a folder of real data; a demo
    environment that already holds the demo raises DemoError (nothing written)."""
    from app.services.demo import generate_demo
    from app.store.attachments import AttachmentFiles
    from app.store.database import open_database

    check_demo_folder(data_dir)
    data_dir.root.mkdir(parents=True, exist_ok=True)
    if not data_dir.is_demo:
        data_dir.demo_marker.write_text(MARKER_TEXT, encoding="utf-8")
    db = open_database(data_dir, actor="デモ")
    try:
        return generate_demo(
            db.sessions,
            size=size,
            seed=seed,
            progress=progress,
            cancelled=cancelled,
            files=AttachmentFiles(data_dir.root),
        )
    finally:
        db.dispose()
