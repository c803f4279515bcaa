"""``hitori check`` and ``check --reindex``: verify the database and its attachment files,
mend the search index, tidy the attachments.

The verification itself is app.store.verify (the same one backups, restores and upgrades
use); a failure is noted (app.store.health) so that nothing writes to or backs up a
damaged database until it verifies again, and a pass clears the note. Problems of the
attachments (a row whose file is missing, a row whose owner is gone) are reported as NG
but are not damage of the database: they note nothing. Files no row refers to are a
note; ``check --reindex`` removes them (:func:`tidy_attachments`).

Both hold the data folder as the sharing rule says (app.store.access): a check shared,
a rebuild of the search index (it drops and recreates a table) and the tidying of
attachments (it deletes files another process could be reading) exclusively.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.paths import DataDir
from app.store import health, migrations
from app.store.access import FolderAccess
from app.store.attachments import AttachmentFiles, is_sha256, referenced_hashes
from app.store.kind_index import kind_by_code, model_by_code, title_of
from app.store.models import Attachment
from app.store.verify import MAX_LINES_PER_CHECK, VerifyReport, verify_file

__all__ = [
    "FILES_HINT",
    "VerifyReport",
    "check_database",
    "check_hint",
    "reindex_search",
    "tidy_attachments",
]

FILES_HINT = (
    "添付ファイルの問題です（データベース自体は無事です）。実体のない添付はバックアップから"
    "復元すると戻せます（hitori restore ファイル）。添付先のない添付は "
    "hitori check --reindex で片付けられます"
)
_CHUNK = 500


def check_database(data_dir: DataDir) -> VerifyReport:
    """Integrity, foreign keys, schema and search index of the data folder's database,
    then its attachments (when the database itself could be read)."""
    access = FolderAccess(data_dir.root)
    try:
        access.acquire_shared()
        report = verify_file(data_dir.db_path)
        if report.ok:
            health.clear_damaged(data_dir.root)
        elif not report.newer:
            health.mark_damaged(data_dir.root, report.summary(), index_only=report.index_only)
        if report.revision == migrations.HEAD_REVISION and report.areas <= {"index"}:
            _check_attachments(data_dir, report)
    finally:
        access.close()
    return report


def check_hint(report: VerifyReport, *, reindexed: bool) -> str:
    """What to do about the problems ``report`` found (ends with 「。」, or empty)."""
    if report.newer:
        return ""
    if "database" in report.areas or ("index" in report.areas and reindexed):
        return health.RESTORE_HINT + "。"
    hints = []
    if "index" in report.areas:
        hints.append(health.REINDEX_HINT + "。")
    if "files" in report.areas:
        hints.append(FILES_HINT + "。")
    return "".join(hints)


@dataclass(frozen=True)
class _Row:
    id: int
    owner_kind: str
    owner_id: int
    filename: str
    sha256: str
    size_bytes: int


def _owner_titles(session: Session, rows: Iterable[_Row]) -> dict[tuple[str, int], str]:
    """(kind, id) → 「契約「住民記録システム保守」」 for every owner that exists."""
    wanted: dict[str, set[int]] = {}
    for row in rows:
        wanted.setdefault(row.owner_kind, set()).add(row.owner_id)
    found: dict[tuple[str, int], str] = {}
    for kind, ids in wanted.items():
        try:
            model = model_by_code(kind)
        except KeyError:
            continue
        label = kind_by_code(kind).label
        ordered = sorted(ids)
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start : start + _CHUNK]
            for record in session.scalars(select(model).where(model.id.in_(chunk))):
                found[(kind, record.id)] = f"{label}「{title_of(record)}」"
    return found


def _read_rows(data_dir: DataDir) -> tuple[list[_Row], dict[tuple[str, int], str]]:
    from app.store.engine import make_reader_engine

    engine = make_reader_engine(data_dir.db_path)
    try:
        with Session(engine) as session:
            cols = (Attachment.id, Attachment.owner_kind, Attachment.owner_id,
                    Attachment.filename, Attachment.sha256, Attachment.size_bytes)  # fmt: skip
            rows = [_Row(*r) for r in session.execute(select(*cols).order_by(Attachment.id))]
            return rows, _owner_titles(session, rows)
    finally:
        engine.dispose()


def _lines(report: VerifyReport, found: list[str]) -> None:
    for line in found[:MAX_LINES_PER_CHECK]:
        report.fail(line, files=True)
    if len(found) > MAX_LINES_PER_CHECK:
        report.fail(f"（ほか {len(found) - MAX_LINES_PER_CHECK:,} 件）", files=True)


def _check_attachments(data_dir: DataDir, report: VerifyReport) -> None:
    rows, owners = _read_rows(data_dir)
    files = AttachmentFiles(data_dir.root)
    stored = files.stored_hashes()
    missing: list[str] = []
    orphans: list[str] = []
    for row in rows:
        owner = owners.get((row.owner_kind, row.owner_id))
        name = f"「{row.filename}」（添付 ID {row.id}）"
        if owner is None:
            orphans.append(f"添付先がありません: {_kind_text(row)}（ID {row.owner_id}）の{name}")
        where = owner or f"{_kind_text(row)}（ID {row.owner_id}）"
        if not is_sha256(row.sha256) or row.sha256 not in stored:
            missing.append(f"添付ファイルの実体がありません: {where}の{name}")
        elif not files.has(row.sha256, row.size_bytes):
            missing.append(f"添付ファイルの大きさが記録と違います: {where}の{name}")
    _lines(report, missing)
    _lines(report, orphans)
    if not missing and not orphans:
        report.good(f"添付ファイル（{len(rows):,} 件）")
    unreferenced = stored - {row.sha256 for row in rows}
    if unreferenced:
        report.note(
            f"どの記録からも参照されていない添付ファイルが {len(unreferenced):,} 個あります"
            "（hitori check --reindex で削除されます。バックアップには残ります）"
        )


def _kind_text(row: _Row) -> str:
    try:
        return kind_by_code(row.owner_kind).label
    except KeyError:
        return f"不明な種類「{row.owner_kind}」"


def reindex_search(
    data_dir: DataDir, *, progress: Callable[[int, int, str], None] | None = None
) -> int:
    """Drop and recreate the search index from the records; returns how many entries."""
    from app.store import search_index

    def work(session: Session) -> int:
        return search_index.recreate(session, progress=progress)

    return _exclusively(data_dir, "検索索引を作り直", work)


def tidy_attachments(data_dir: DataDir) -> tuple[int, int]:
    """Delete attachment rows whose owner is gone (with their history), then the files
    no row refers to. Returns (rows deleted, files deleted)."""

    def work(session: Session) -> tuple[int, set[str]]:
        rows = [_Row(a.id, a.owner_kind, a.owner_id, a.filename, a.sha256, a.size_bytes)
                for a in session.scalars(select(Attachment))]  # fmt: skip
        owners = _owner_titles(session, rows)
        gone = [r.id for r in rows if (r.owner_kind, r.owner_id) not in owners]
        for attachment_id in gone:
            session.delete(session.get(Attachment, attachment_id))
        session.flush()
        return len(gone), referenced_hashes(session)

    def after(done: tuple[int, set[str]], access: FolderAccess) -> tuple[int, int]:
        # Only once the rows' deletion is committed: no row can need these files.
        rows, referenced = done
        return rows, AttachmentFiles(data_dir.root).remove_unreferenced(referenced, access)

    note = health.damaged_note(data_dir.root)
    if note is not None and not note.get("index_only", False):
        # Damage beyond the search index (which --reindex has just rebuilt): no writes.
        health.refuse_writes_if_damaged(data_dir.root)
    return _exclusively(data_dir, "添付ファイルを整理", work, after=after)


def _exclusively(
    data_dir: DataDir,
    purpose: str,
    work: Callable[[Session], Any],
    *,
    after: Callable[[Any, FolderAccess], Any] | None = None,
) -> Any:
    """``work(session)`` in one write transaction, then ``after(result, access)``, the
    folder held exclusively throughout."""
    from app.store.engine import make_engine, make_session_factory
    from app.store.replacement import inspect_revision

    access = FolderAccess(data_dir.root)
    try:
        access.acquire_exclusive(purpose=purpose)
        if inspect_revision(data_dir.db_path) != migrations.HEAD_REVISION:
            raise UserError("先に hitori init でデータベースを更新してください")
        engine = make_engine(data_dir.db_url)
        try:
            sessions = make_session_factory(engine)
            with sessions.begin() as session:
                result = work(session)
        finally:
            engine.dispose()
        return after(result, access) if after is not None else result
    finally:
        access.close()
