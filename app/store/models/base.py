"""Declarative base and the columns every record shares."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import ClassVar

from sqlalchemy import CheckConstraint, DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.store.kinds import RecordKind

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)

    # Records whose changes go to the change history. Link tables and the
    # history itself opt out.
    __audited__: ClassVar[bool] = True
    # What the kind of record is to the user (app.store.kinds): declared by each model.
    __kind__: ClassVar[RecordKind]


class Record(Base):
    """An ordinary record: integer id and creation/update stamps."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Searchable:
    """Mixin for records that appear in the global search.

    Results are grouped by the record's kind (its ``__kind__``, which has a
    ``search_block``); ``search_document`` gives the text to index as
    (title, subtitle, body).
    """

    __kind__: ClassVar[RecordKind]

    def search_document(self) -> tuple[str, str, str]:  # pragma: no cover - abstract
        raise NotImplementedError


def one_of(column: str, codes: Iterable[str | int], name: str | None = None) -> CheckConstraint:
    """A CHECK that ``column`` holds one of ``codes`` (a vocabulary of app.store.vocab).

    Named ``ck_<table>_<name or column>``. NULL passes, as in every CHECK: a nullable
    column stays optional. Migrations spell the same text out literally (a revision
    never changes when the vocabulary does); tests/unit/test_migration_0004.py holds
    the two equal.
    """
    values = ", ".join(str(c) if isinstance(c, int) else "'" + c.replace("'", "''") + "'"
                       for c in codes)  # fmt: skip
    return CheckConstraint(f"{column} IN ({values})", name or column)
