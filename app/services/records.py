"""Looking up one record by id for the services, with the message the user reads when
it is gone (deleted in another window, or by an import)."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from app.services.errors import NotFoundError
from app.store.models import Base

R = TypeVar("R", bound=Base)


def get_or_not_found(session: Session, model: type[R], record_id: int) -> R:
    """The record, or NotFoundError naming it as the user knows it (its kind's label)."""
    record = session.get(model, record_id)
    if record is None:
        raise NotFoundError(
            f"{model.__kind__.label}（ID {record_id}）は見つかりません。"
            "削除された可能性があります。"
        )
    return record
