"""The work-log list: the entries a filter selects, newest first, a page at a time.

Fast at 200,000 entries: the filters are indexed columns (作業日, 分類, 業務システム) and
the text filter is the full-text search index (app.store.search_index), never a LIKE
over every body; pages are read by keyset (作業日, id) rather than OFFSET, so the tenth
page costs what the first does. The count is a separate query, run with the first page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from app.store.models import Asset, BusinessSystem, WorkLogEntry
from app.store.search_index import matching_ids

PAGE = 500


@dataclass(frozen=True)
class WorklogFilter:
    start: date | None = None  # 作業日 from (inclusive)
    end: date | None = None  # … to (inclusive)
    category: str | None = None
    system_id: int | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class WorklogRow:
    id: int
    occurred_on: date
    category: str
    title: str
    minutes: int | None
    system: str
    asset: str
    actor: str


@dataclass(frozen=True)
class WorklogPage:
    rows: list[WorklogRow]
    total: int | None  # counted with the first page only
    more: bool  # another page follows


def _filtered(stmt: Any, session: Session, f: WorklogFilter) -> Any:
    """``stmt`` narrowed by ``f``; None when the text matches nothing."""
    e = WorkLogEntry
    if f.start is not None:
        stmt = stmt.where(e.occurred_on >= f.start)
    if f.end is not None:
        stmt = stmt.where(e.occurred_on <= f.end)
    if f.category:
        stmt = stmt.where(e.category == f.category)
    if f.system_id is not None:
        stmt = stmt.where(e.system_id == f.system_id)
    if f.text.strip():
        ids = matching_ids(session, "worklog", f.text)
        if not ids:
            return None
        stmt = stmt.where(e.id.in_(ids))
    return stmt


def load_page(
    session: Session, f: WorklogFilter, *, after: tuple[date, int] | None = None,
    size: int = PAGE,
) -> WorklogPage:  # fmt: skip
    """The next ``size`` entries of ``f`` after the row ``after`` (作業日, id) — the
    first page when None — newest first."""
    e = WorkLogEntry
    stmt = (
        select(e.id, e.occurred_on, e.category, e.title, e.minutes,
               func.coalesce(BusinessSystem.name, ""),
               func.coalesce(Asset.asset_tag, ""), e.actor)
        .outerjoin(BusinessSystem, BusinessSystem.id == e.system_id)
        .outerjoin(Asset, Asset.id == e.asset_id)
    )  # fmt: skip
    narrowed = _filtered(stmt, session, f)
    if narrowed is None:
        return WorklogPage([], 0 if after is None else None, False)
    if after is not None:
        narrowed = narrowed.where(tuple_(e.occurred_on, e.id) < tuple_(*after))
    narrowed = narrowed.order_by(e.occurred_on.desc(), e.id.desc()).limit(size + 1)
    rows = [WorklogRow(*r) for r in session.execute(narrowed)]
    total = count(session, f) if after is None else None
    return WorklogPage(rows[:size], total, len(rows) > size)


def count(session: Session, f: WorklogFilter) -> int:
    narrowed = _filtered(select(func.count()).select_from(WorkLogEntry), session, f)
    return 0 if narrowed is None else int(session.execute(narrowed).scalar_one())


def systems_in_use(session: Session) -> list[tuple[int, str]]:
    """The business systems entries name, for the filter."""
    stmt = (
        select(BusinessSystem.id, BusinessSystem.name)
        .where(BusinessSystem.id.in_(select(WorkLogEntry.system_id).distinct()))
        .order_by(BusinessSystem.name)
    )
    return [(i, n) for i, n in session.execute(stmt)]
