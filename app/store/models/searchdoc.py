"""Rows of the global search: what each full-text hit points at and how to show it."""

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
