"""The global search over every record type, grouped by area.

``global_search`` searches through a session (the GUI); ``search_connection`` through a
plain sqlite3 connection with the kinds the database keeps (``hitori search``, which needs
no SQLAlchemy: app.store.quick_read). Both rank and group alike.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from app.errors import UserError
from app.store.search_query import EmptyQuery, SearchHit, search_blocks_of, stored_kinds

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MAX_QUERY_CHARS = 200


class SearchQueryError(UserError, ValueError):
    """The query cannot be searched; the message says why (Japanese)."""


@dataclass
class SearchGroup:
    kind: str
    label: str
    hits: list[SearchHit] = field(default_factory=list)
    more: bool = False


@dataclass
class SearchResults:
    query: str
    groups: list[SearchGroup]
    elapsed_ms: float

    @property
    def total(self) -> int:
        return sum(len(g.hits) for g in self.groups)


def check_query(query: str) -> str:
    q = query.strip()
    if not q:
        raise SearchQueryError("検索語を入力してください")
    if len(q) > MAX_QUERY_CHARS:
        raise SearchQueryError(f"検索語が長すぎます（{MAX_QUERY_CHARS}文字まで、{len(q)}文字）")
    return q


def global_search(
    session: Session, query: str, *, per_group: int = 8, more: Mapping[str, int] | None = None
) -> SearchResults:
    """Ranked hits for ``query``, grouped by area; groups ordered by their best hit.
    ``more``: kinds whose group shows that many hits instead of ``per_group`` (「さらに
    表示」: every hit can be reached)."""
    from app.store import search_index
    from app.store.kind_index import declared_models

    q = check_query(query)
    started = time.perf_counter()
    labels = {m.__kind__.code: m.__kind__.label for m in declared_models()}
    shown = {kind: max(per_group, n) for kind, n in (more or {}).items()}
    try:
        per_kind = search_index.search(
            session, q, per_kind=per_group + 1, limits={k: n + 1 for k, n in shown.items()}
        )
    except EmptyQuery as exc:
        raise SearchQueryError(str(exc)) from exc
    results = _grouped(q, started, per_kind, labels, per_group, shown)
    for group in results.groups:
        group.hits = _with_owner(session, group.kind, _dated(session, group.kind, group.hits))
    return results


def _with_owner(session: Session, kind: str, hits: list[SearchHit]) -> list[SearchHit]:
    """Hits of a kind that belongs to another record (an attachment: ``owner_kind``,
    ``owner_id``) say whose they are where they have no 補足 of their own:
    契約「住民記録システム保守」 — the same file name on two records is told apart."""
    from sqlalchemy import select

    from app.store.kind_index import kind_by_code, model_by_code, title_of

    model = model_by_code(kind)
    if not hits or not hasattr(model, "owner_kind") or not hasattr(model, "owner_id"):
        return hits
    # One query for the hits' owners, then one per kind of owner (not one per hit).
    stmt = select(model.id, model.owner_kind, model.owner_id).where(
        model.id.in_([h.ref_id for h in hits])
    )
    owner_of = {ref_id: (okind, oid) for ref_id, okind, oid in session.execute(stmt)}
    contexts: dict[tuple[str, int], str] = {}
    wanted: dict[str, set[int]] = {}
    for okind, oid in owner_of.values():
        wanted.setdefault(okind, set()).add(oid)
    for okind, ids in wanted.items():
        try:
            owner_model = model_by_code(okind)
        except KeyError:  # an owner kind this version does not know
            continue
        label = kind_by_code(okind).label
        for owner in session.scalars(select(owner_model).where(owner_model.id.in_(ids))):
            contexts[(okind, owner.id)] = f"{label}「{title_of(owner)}」"
    return [
        h if h.subtitle else replace(h, subtitle=contexts.get(owner_of.get(h.ref_id, ("", 0)), ""))
        for h in hits
    ]


def _dated(session: Session, kind: str, hits: list[SearchHit]) -> list[SearchHit]:
    """``hits`` with the date their kind declares (RecordKind.dated): what tells the
    records of a repeated title apart (作業日 2026-10-01 / 2026-11-01 …)."""
    from sqlalchemy import select

    from app.store.kind_index import model_by_code

    model = model_by_code(kind)
    attr = model.__kind__.dated
    if attr is None or not hits:
        return hits
    label = model.__kind__.field_label(attr)
    ids = [h.ref_id for h in hits]
    stmt = select(model.id, getattr(model, attr)).where(model.id.in_(ids))
    found: dict[int, Any] = {ref_id: when for ref_id, when in session.execute(stmt)}
    return [replace(h, when=found.get(h.ref_id), when_label=label) for h in hits]


def search_connection(conn: sqlite3.Connection, query: str, *, per_group: int = 8) -> SearchResults:
    """The same search on a plain connection, with the kinds the database keeps."""
    q = check_query(query)
    started = time.perf_counter()
    kinds = stored_kinds(conn)
    labels = {code: label for code, _block, label in kinds}
    try:
        per_kind = search_blocks_of(
            conn, q, [(code, block) for code, block, _ in kinds], per_kind=per_group + 1
        )
    except EmptyQuery as exc:
        raise SearchQueryError(str(exc)) from exc
    return _grouped(q, started, per_kind, labels, per_group)


def _grouped(
    q: str,
    started: float,
    per_kind: Mapping[str, list[SearchHit]],
    labels: Mapping[str, str],
    per_group: int,
    shown: Mapping[str, int] | None = None,
) -> SearchResults:
    groups = []
    for kind, hits in per_kind.items():
        limit = (shown or {}).get(kind, per_group)
        groups.append(SearchGroup(kind, labels[kind], hits[:limit], len(hits) > limit))
    groups.sort(key=lambda g: g.hits[0].score)
    elapsed = (time.perf_counter() - started) * 1000
    return SearchResults(q, groups, elapsed)
