"""Rows of the global search: what each full-text hit points at and how to show it, and
the searched kinds (code, rowid block, label) as the declarations say — kept in the
database so that ``hitori search`` can answer with the standard library alone."""

from __future__ import annotations

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models.base import Base


class SearchDoc(Base):
    """One searchable record. Its id is the rowid of the FTS5 table ``search_fts``."""

    __tablename__ = "search_docs"
    __audited__ = False
    __table_args__ = (UniqueConstraint("kind", "ref_id", name="ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    ref_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    subtitle: Mapped[str] = mapped_column(String(500), default="")


class SearchKind(Base):
    """A searched record kind, derived from its declaration (app.store.kinds) and kept
    in step by app.store.search_index.sync_kinds."""

    __tablename__ = "search_kinds"
    __audited__ = False

    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    block: Mapped[int] = mapped_column(Integer, unique=True)
    label: Mapped[str] = mapped_column(String(100))
