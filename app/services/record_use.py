"""Whether a record is used by others: a unique name already taken, and refusing to
delete a record other records still point at (naming each kind and how many)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import UserError


class InUseError(UserError):
    """A record cannot be deleted because other records point at it."""


def name_taken(session: Session, column: Any, value: str, own_id: int | None) -> bool:
    """True when another row already has ``value`` in the unique ``column``."""
    table = column.class_
    stmt = select(table.id).where(column == value)
    if own_id is not None:
        stmt = stmt.where(table.id != own_id)
    return session.execute(stmt.limit(1)).first() is not None


def count_where(session: Session, column: Any, value: Any) -> int:
    return int(session.execute(select(func.count()).where(column == value)).scalar_one())


def refuse_if_used(what: str, uses: Mapping[str, int]) -> None:
    """Raise InUseError naming every kind of record that still points at ``what``."""
    used = [f"{label} {n}件" for label, n in uses.items() if n]
    if used:
        raise InUseError(
            f"{what}は次から参照されているため削除できません: {'、'.join(used)}。"
            "先に参照を外してください。"
        )
