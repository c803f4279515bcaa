"""Lookups over the record kinds the models declare (app.store.kinds): by code, by
table, the search blocks, a record's title.

They walk SQLAlchemy's own mapper registry — the declarations themselves; there is no
registry object of ours. (Split from app.store.kinds so that the models, which import
the declaration, are not imported back by it.)
"""

from __future__ import annotations

import functools
from typing import Any

from app.store.kinds import RecordKind
from app.store.models import Base

__all__ = [
    "declared_models",
    "kind_by_code",
    "kind_of",
    "label_of_value",
    "model_by_code",
    "model_by_table",
    "search_blocks",
    "title_of",
]


def _mapped_classes() -> list[type[Any]]:
    return [m.class_ for m in Base.registry.mappers]


@functools.cache
def declared_models() -> tuple[type[Any], ...]:
    """Every model with a record kind, in search-block then code order."""
    found = [cls for cls in _mapped_classes() if "__kind__" in vars(cls)]
    return tuple(sorted(found, key=lambda c: (c.__kind__.search_block or 10**6, c.__kind__.code)))


def kind_of(model_or_record: Any) -> RecordKind:
    cls = model_or_record if isinstance(model_or_record, type) else type(model_or_record)
    kind = vars(cls).get("__kind__")
    if kind is None:
        raise LookupError(f"{cls.__name__} declares no record kind")
    return kind


@functools.cache
def _by_code() -> dict[str, type[Any]]:
    return {m.__kind__.code: m for m in declared_models()}


@functools.cache
def _by_table() -> dict[str, type[Any]]:
    return {m.__tablename__: m for m in declared_models()}


def model_by_code(code: str) -> type[Any]:
    """The model of kind ``code``; KeyError for an unknown code."""
    return _by_code()[code]


def kind_by_code(code: str) -> RecordKind:
    return kind_of(model_by_code(code))


def model_by_table(table: str) -> type[Any] | None:
    return _by_table().get(table)


@functools.cache
def search_blocks() -> dict[str, int]:
    """kind code → its rowid block in the search index, for every searched kind."""
    return {
        m.__kind__.code: m.__kind__.search_block
        for m in declared_models()
        if m.__kind__.search_block is not None
    }


def title_of(record: Any) -> str:
    """How one record is named (its kind's ``title``)."""
    title = kind_of(record).title
    value = title(record) if callable(title) else getattr(record, title, "")
    return str(value or "")


def label_of_value(table: str, name: str | None, raw: str | None) -> str:
    """A stored value of ``table.name`` as people read it (history, exports)."""
    model = model_by_table(table)
    if model is None or raw is None:
        return raw or ""
    return kind_of(model).value_label(name or "", raw)
