"""``hitori check`` and ``check --reindex``: verify the database and mend its search index.

The verification itself is app.store.verify (the same one backups, restores and upgrades
use); a failure is noted (app.store.health) so that nothing writes to or backs up a
damaged database until it verifies again, and a pass clears the note. Both hold the data
folder as the sharing rule says (app.store.access): a check shared, a rebuild of the
search index (it drops and recreates a table) exclusively.
"""

from __future__ import annotations

from collections.abc import Callable

from app.errors import UserError
from app.paths import DataDir
from app.store import health, migrations
from app.store.access import FolderAccess
from app.store.verify import VerifyReport, verify_file

__all__ = ["VerifyReport", "check_database", "reindex_search"]


def check_database(data_dir: DataDir) -> VerifyReport:
    """Integrity, foreign keys, schema and search index of the data folder's database."""
    access = FolderAccess(data_dir.root)
    try:
        access.acquire_shared()
        report = verify_file(data_dir.db_path)
    finally:
        access.close()
    if report.ok:
        health.clear_damaged(data_dir.root)
    elif not report.newer:
        health.mark_damaged(data_dir.root, report.summary(), index_only=report.index_only)
    return report


def reindex_search(
    data_dir: DataDir, *, progress: Callable[[int, int, str], None] | None = None
) -> int:
    """Drop and recreate the search index from the records; returns how many entries."""
    from app.store import search_index
    from app.store.engine import make_engine, make_session_factory
    from app.store.replacement import inspect_revision

    access = FolderAccess(data_dir.root)
    try:
        access.acquire_exclusive(purpose="検索索引を作り直")
        if inspect_revision(data_dir.db_path) != migrations.HEAD_REVISION:
            raise UserError("先に hitori init でデータベースを更新してください")
        engine = make_engine(data_dir.db_url)
        try:
            sessions = make_session_factory(engine)
            with sessions.begin() as session:
                return search_index.recreate(session, progress=progress)
        finally:
            engine.dispose()
    finally:
        access.close()
