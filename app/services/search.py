"""The global search over every record type, grouped by area."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.errors import UserError
from app.store import search_index
from app.store.kind_index import kind_by_code
from app.store.search_index import SearchHit
from app.store.search_text import EmptyQuery

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


def global_search(session: Session, query: str, *, per_group: int = 8) -> SearchResults:
    """Ranked hits for ``query``, grouped by area; groups ordered by their best hit."""
    q = check_query(query)
    started = time.perf_counter()
    try:
        per_kind = search_index.search(session, q, per_kind=per_group + 1)
    except EmptyQuery as exc:
        raise SearchQueryError(str(exc)) from exc
    groups = [
        SearchGroup(kind, kind_by_code(kind).label, hits[:per_group], len(hits) > per_group)
        for kind, hits in per_kind.items()
    ]
    groups.sort(key=lambda g: g.hits[0].score)
    elapsed = (time.perf_counter() - started) * 1000
    return SearchResults(q, groups, elapsed)
