"""Record kinds: what each kind of record is to the user, declared once beside its model.

    class Contract(Searchable, Record):
        __tablename__ = "contracts"
        __kind__ = RecordKind(
            "contract", "契約", search_block=7,
            fields={"title": "件名", "kind": "種別", ...},
            values={"kind": CONTRACT_KINDS},
            title="title",
        )

Everything that names a kind is derived from these declarations: the search index's
rowid blocks and the search result groups, the change history's field and value labels,
which view opens a record (views declare the kinds they open), the owners attachments
and links may have, export column names. Adding a kind touches its model, its service
and the view that shows it — nothing else (docs/architecture.md, "Adding a record kind").

The lookups below walk SQLAlchemy's own mapper registry (the declarations); there is no
registry object of ours.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "RecordKind",
    "declared_models",
    "kind_by_code",
    "kind_of",
    "label_of_value",
    "model_by_code",
    "model_by_table",
    "search_blocks",
    "title_of",
]

YES_NO: Mapping[str, str] = {"1": "はい", "0": "いいえ", "True": "はい", "False": "いいえ"}


@dataclass(frozen=True)
class RecordKind:
    """One kind of record as the user knows it.

    ``code``: stable, short (``asset``); used in search, navigation, links, attachment
    owners and change notices. ``label``: its Japanese name (資産). ``fields``: the
    attributes a person reads or edits, in order, with their labels (the editor, the
    history, exports). ``values``: for coded attributes, stored value (as text) → label.
    ``title``: the attribute that names one record, or a function of the record.
    ``search_block``: its block of rowids in the search index (stable: part of stored
    rowids; never renumber), None when it is not searched.
    """

    code: str
    label: str
    fields: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    title: str | Callable[[Any], str] = "name"
    search_block: int | None = None

    def field_label(self, name: str) -> str:
        return self.fields.get(name, name)

    def value_label(self, name: str, raw: object) -> str:
        """How the stored ``raw`` value of attribute ``name`` reads (a label for codes)."""
        if raw is None:
            return ""
        text = str(raw)
        return self.values.get(name, {}).get(text, text)


def coded(mapping: Mapping[Any, str]) -> dict[str, str]:
    """Value labels keyed by the text of the stored value (ints, bools → '1', 'True')."""
    return {str(k): v for k, v in mapping.items()}


def _mapped_classes() -> list[type[Any]]:
    from app.store.models import Base

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
