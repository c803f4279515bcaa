"""The global search index: an FTS5 table of bigram tokens kept in step with the records.

``install`` hooks a session factory so every flush re-indexes the searchable
records it touched; ``rebuild`` indexes everything (after a bulk load);
``search`` runs a ranked query per kind.

Each kind of record owns a block of FTS rowids (``doc_id``): rowid = the kind's
``search_block`` (declared with its model, app.store.kinds) × 2^40 + record id, so
one kind is a rowid range that FTS5 seeks to directly. Ranking does not use bm25:
bm25 first counts the documents matching each phrase in the whole table, once per
statement, which for a one-character query (half the database matches) costs
5–25 ms *per kind*. Nor is the title column filtered in SQL: a title-only match must
check the positions of every body match in the range. Instead, per kind, the newest
``CANDIDATES`` matches are fetched (the range scan stops there), and ``rank_key``
orders those few: exact title, title starting with the query, title containing every
term, shorter title, newer record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, cast

from sqlalchemy import Connection, Table, bindparam, delete, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.store import bulk, flush_deletes
from app.store.kind_index import declared_models, search_blocks
from app.store.models import Searchable, SearchDoc, SearchKind
from app.store.search_query import (
    DOCS_SQL,
    FTS_DDL,
    FTS_TABLE,
    MATCH_SQL,
    SHIFT,
    EmptyQuery,
    SearchHit,
    all_matching_ids,
    block_range,
    rank_key,
    search_blocks_of,
)
from app.store.search_text import index_tokens

__all__ = [
    "DOCS_SQL",
    "FTS_DDL",
    "FTS_TABLE",
    "MATCH_SQL",
    "EmptyQuery",
    "SearchHit",
    "doc_id",
    "index_objects",
    "install",
    "is_installed",
    "kind_range",
    "matching_ids",
    "rank_key",
    "rebuild",
    "recreate",
    "search",
    "sync_kinds",
]


def doc_id(kind: str, ref_id: int) -> int:
    """The FTS rowid (and search_docs id) of one record."""
    return (search_blocks()[kind] << SHIFT) | int(ref_id)


def kind_range(kind: str) -> tuple[int, int]:
    return block_range(search_blocks()[kind])


def searchable_classes() -> list[type[Searchable]]:
    """The searched models, in search-block order."""
    return [m for m in declared_models() if issubclass(m, Searchable)]


class Document(Protocol):
    """What indexing needs of a record: a Searchable object, or any object giving the
    same text (e.g. a stand-in holding a row's values)."""

    def search_document(self) -> tuple[str, str, str]: ...


def _doc_row(obj: Document) -> tuple[str, str, str, str]:
    title, subtitle, body = obj.search_document()
    return title or "", subtitle or "", index_tokens(f"{title} {subtitle}"), index_tokens(body)


def _doc(kind: str, ref_id: int, obj: Document) -> tuple[dict[str, Any], tuple[int, str, str]]:
    title, subtitle, title_tokens, body_tokens = _doc_row(obj)
    rowid = doc_id(kind, ref_id)
    row = {"id": rowid, "kind": kind, "ref_id": ref_id, "title": title[:500],
           "subtitle": subtitle[:500]}  # fmt: skip
    return row, (rowid, title_tokens, body_tokens)


def _write(conn: Connection, docs: list[dict[str, Any]], fts: list[tuple[int, str, str]]) -> None:
    if docs:
        bulk.insert_many(conn, cast(Table, SearchDoc.__table__), docs)
        conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (?, ?, ?)", fts)


def _remove(conn: Connection, kind: str, ref_ids: Iterable[int]) -> None:
    # One range delete per run of consecutive ids: a bulk import's new records are one
    # run (nothing to delete, found at once), an ORM flush's a few single ids.
    ranges: list[list[int]] = []
    for rowid in sorted({doc_id(kind, r) for r in ref_ids}):
        if ranges and ranges[-1][1] == rowid - 1:
            ranges[-1][1] = rowid
        else:
            ranges.append([rowid, rowid])
    if not ranges:
        return
    # Only the rowids that are indexed (search_docs and the FTS table are written
    # together): a DELETE on the FTS table costs even when it finds nothing.
    stmt = select(SearchDoc.id).where(SearchDoc.id.between(bindparam("lo"), bindparam("hi")))
    found = [
        rowid for lo, hi in ranges for rowid in conn.execute(stmt, {"lo": lo, "hi": hi}).scalars()
    ]
    for start in range(0, len(found), 500):
        chunk = found[start : start + 500]
        marks = ",".join(str(i) for i in chunk)
        conn.exec_driver_sql(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})")
        conn.execute(delete(SearchDoc).where(SearchDoc.id.in_(chunk)))


def _after_flush(session: Session, _ctx: Any) -> None:
    if session.info.get("skip_search_index"):
        return
    changed: dict[str, list[tuple[int, Searchable]]] = {}
    removed: dict[str, list[int]] = {}
    new = set(session.new)  # session.new builds a new set on every access
    gone = flush_deletes.deleted(session)
    for obj in gone:
        if isinstance(obj, Searchable):
            removed.setdefault(obj.__kind__.code, []).append(obj.id)  # type: ignore[attr-defined]
    gone_ids = {id(obj) for obj in gone}  # an orphaned child is also "dirty"
    for obj in [*new, *session.dirty]:
        if id(obj) in gone_ids:
            continue
        if isinstance(obj, Searchable) and (obj in new or session.is_modified(obj)):
            changed.setdefault(obj.__kind__.code, []).append((obj.id, obj))  # type: ignore[attr-defined]
    if not changed and not removed:
        return
    conn = session.connection()
    for kind, ids in removed.items():
        _remove(conn, kind, ids)
    for kind, items in changed.items():
        index_objects(conn, kind, items)


def index_objects(conn: Connection, kind: str, items: Sequence[tuple[int, Document]]) -> None:
    """(Re-)index records of one kind: ``items`` are (record id, object whose
    ``search_document`` gives the record's text). For records written with Core
    statements, an object built from the row's values will do."""
    if not items:
        return
    _remove(conn, kind, [ref for ref, _ in items])
    rows = [_doc(kind, ref, obj) for ref, obj in items]
    _write(conn, [d for d, _ in rows], [f for _, f in rows])


def install(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "after_flush", _after_flush)


def is_installed(factory: sessionmaker[Session]) -> bool:
    """Whether sessions of ``factory`` keep the search index (see ``install``)."""
    return event.contains(factory, "after_flush", _after_flush)


def rebuild(
    session: Session,
    *,
    batch: int = 5000,
    progress: Callable[[int, int, str], None] | None = None,
) -> int:
    """Drop and rebuild the whole index from the records. Returns the number indexed."""
    conn = session.connection()
    conn.execute(delete(SearchDoc))
    conn.exec_driver_sql(f"DELETE FROM {FTS_TABLE}")
    classes = searchable_classes()
    grand_total = sum(
        int(session.execute(select(func.count()).select_from(cls)).scalar_one()) for cls in classes
    )
    done = 0
    for cls in classes:
        stmt = select(cls).execution_options(yield_per=batch)
        for chunk in session.execute(stmt).scalars().partitions():
            rows = [_doc(cls.__kind__.code, obj.id, obj) for obj in chunk]  # type: ignore[attr-defined]
            _write(conn, [d for d, _ in rows], [f for _, f in rows])
            for obj in chunk:  # keep memory flat: the objects are not needed again
                session.expunge(obj)
            done += len(rows)
            if progress is not None:
                progress(done, grand_total, "検索索引を作成中")
    conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('optimize')")
    return done


def recreate(session: Session, *, progress: Callable[[int, int, str], None] | None = None) -> int:
    """Drop the full-text table, create it again and index every record (``hitori check
    --reindex``): mends an index whose own pages are damaged, which ``rebuild`` cannot
    empty. Returns the number indexed."""
    conn = session.connection()
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    conn.exec_driver_sql(FTS_DDL)
    sync_kinds(session)
    return rebuild(session, progress=progress)


def search(
    session: Session, query: str, *, per_kind: int = 9, limits: dict[str, int] | None = None
) -> dict[str, list[SearchHit]]:
    """Ranked hits per kind (best first), at most ``per_kind`` each (``limits``: more for
    some kinds), in the order of the declared kinds. Raises EmptyQuery for a query of
    only symbols."""
    raw = session.connection().connection.driver_connection
    assert raw is not None
    return search_blocks_of(raw, query, search_blocks().items(), per_kind=per_kind, limits=limits)


def matching_ids(session: Session, kind: str, query: str) -> list[int]:
    """Every record of ``kind`` whose text matches ``query`` (a list's text filter: all of
    them, unranked); [] for a query of only symbols."""
    raw = session.connection().connection.driver_connection
    assert raw is not None
    try:
        return all_matching_ids(raw, query, search_blocks()[kind])
    except EmptyQuery:
        return []


def sync_kinds(session: Session) -> bool:
    """Make the ``search_kinds`` table say what the declarations say; True if it changed
    (``hitori search`` reads it without the models)."""
    want = {
        m.__kind__.code: (m.__kind__.search_block, m.__kind__.label) for m in searchable_classes()
    }
    have = {k.code: (k.block, k.label) for k in session.scalars(select(SearchKind))}
    if have == want:
        return False
    session.execute(delete(SearchKind))
    session.add_all(SearchKind(code=c, block=b, label=label) for c, (b, label) in want.items())
    session.flush()
    return True
