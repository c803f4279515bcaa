"""The global search index: an FTS5 table of bigram tokens kept in step with the records.

``install`` hooks a session factory so every flush re-indexes the searchable
records it touched; ``rebuild`` indexes everything (after a bulk load);
``search`` runs a ranked query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, event, func, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.store.models import Base, Searchable, SearchDoc
from app.store.search_text import EmptyQuery, index_tokens, match_expression

FTS_TABLE = "search_fts"
# Title hits weigh more than body hits in the bm25 ranking.
TITLE_WEIGHT = 8.0
BODY_WEIGHT = 1.0

CREATE_FTS_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "title, body, tokenize='unicode61 remove_diacritics 0', prefix='1')"
)

__all__ = ["CREATE_FTS_SQL", "EmptyQuery", "SearchHit", "install", "rebuild", "search"]


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: str
    ref_id: int
    title: str
    subtitle: str
    score: float


def searchable_classes() -> list[type[Searchable]]:
    return [
        m.class_
        for m in Base.registry.mappers
        if issubclass(m.class_, Searchable) and not m.class_.__dict__.get("__abstract__")
    ]


def _doc_row(obj: Searchable) -> tuple[str, str, str, str]:
    title, subtitle, body = obj.search_document()
    return title or "", subtitle or "", index_tokens(f"{title} {subtitle}"), index_tokens(body)


def _remove(conn: Connection, kind: str, ref_ids: Iterable[int]) -> None:
    ids = list(ref_ids)
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        doc_ids = (
            conn.execute(
                select(SearchDoc.id).where(SearchDoc.kind == kind, SearchDoc.ref_id.in_(chunk))
            )
            .scalars()
            .all()
        )
        if not doc_ids:
            continue
        marks = ",".join(str(int(i)) for i in doc_ids)
        conn.exec_driver_sql(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})")
        conn.execute(delete(SearchDoc).where(SearchDoc.id.in_(doc_ids)))


def _add(conn: Connection, kind: str, items: Iterable[tuple[int, Searchable]]) -> None:
    docs: list[dict[str, Any]] = []
    fts: list[tuple[str, str]] = []
    for ref_id, obj in items:
        title, subtitle, title_tokens, body_tokens = _doc_row(obj)
        docs.append(
            {"kind": kind, "ref_id": ref_id, "title": title[:500], "subtitle": subtitle[:500]}
        )
        fts.append((title_tokens, body_tokens))
    if not docs:
        return
    for doc, (title_tokens, body_tokens) in zip(docs, fts, strict=True):
        doc_id = conn.execute(insert(SearchDoc).values(**doc)).inserted_primary_key[0]  # type: ignore[index]
        conn.exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (?, ?, ?)",
            (doc_id, title_tokens, body_tokens),
        )


def _after_flush(session: Session, _ctx: Any) -> None:
    if session.info.get("skip_search_index"):
        return
    changed: dict[str, list[tuple[int, Searchable]]] = {}
    removed: dict[str, list[int]] = {}
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Searchable) and (obj in session.new or session.is_modified(obj)):
            changed.setdefault(obj.search_kind, []).append((obj.id, obj))  # type: ignore[attr-defined]
    for obj in session.deleted:
        if isinstance(obj, Searchable):
            removed.setdefault(obj.search_kind, []).append(obj.id)  # type: ignore[attr-defined]
    if not changed and not removed:
        return
    conn = session.connection()
    for kind, ids in removed.items():
        _remove(conn, kind, ids)
    for kind, items in changed.items():
        _remove(conn, kind, [ref for ref, _ in items])
        _add(conn, kind, items)


def install(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "after_flush", _after_flush)


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
    totals = {
        cls: int(session.execute(select(func.count()).select_from(cls)).scalar_one())
        for cls in classes
    }
    grand_total = sum(totals.values())
    next_id = 1
    for cls in classes:
        stmt = select(cls).execution_options(yield_per=batch)
        for chunk in session.execute(stmt).scalars().partitions():
            docs: list[dict[str, Any]] = []
            fts: list[tuple[int, str, str]] = []
            for obj in chunk:
                title, subtitle, title_tokens, body_tokens = _doc_row(obj)
                docs.append(
                    {
                        "id": next_id,
                        "kind": cls.search_kind,
                        "ref_id": obj.id,  # type: ignore[attr-defined]
                        "title": title[:500],
                        "subtitle": subtitle[:500],
                    }
                )
                fts.append((next_id, title_tokens, body_tokens))
                next_id += 1
            conn.execute(insert(SearchDoc), docs)
            conn.exec_driver_sql(
                f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (?, ?, ?)", fts
            )
            for obj in chunk:  # keep memory flat: the objects are not needed again
                session.expunge(obj)
            if progress is not None:
                progress(next_id - 1, grand_total, "検索索引を作成中")
    conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('optimize')")
    return next_id - 1


SEARCH_SQL = text(
    f"""
    SELECT d.kind, d.ref_id, d.title, d.subtitle, s.score
    FROM (
        SELECT rowid AS doc_id, bm25({FTS_TABLE}, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score
        FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q
        ORDER BY score LIMIT :limit
    ) AS s JOIN search_docs AS d ON d.id = s.doc_id
    ORDER BY s.score
    """
)


def search(session: Session, query: str, *, limit: int = 200) -> list[SearchHit]:
    """Ranked hits for ``query`` (best first). Raises EmptyQuery for a query of only symbols."""
    expr = match_expression(query)
    rows = session.execute(SEARCH_SQL, {"q": expr, "limit": limit})
    return [SearchHit(r.kind, r.ref_id, r.title, r.subtitle, float(r.score)) for r in rows]
