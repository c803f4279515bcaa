"""Record kinds: what each kind of record is to the user, declared once beside its model.

    class Contract(Searchable, Record):
        __tablename__ = "contracts"
        __kind__ = RecordKind(
            "contract", "契約", search_block=7,
            fields={"title": "件名", "kind": "種別", ...},
            values={"kind": CONTRACT_KINDS},
            title="title",
        )

Everything that names a kind is derived from these declarations (the lookups are in
app.store.kind_index): the search index's rowid blocks and the search result groups, the
change history's field and value labels, which view opens a record (views declare the
kinds they open), the owners attachments and links may have, export column names.
Adding a kind touches its model, its service and the view that shows it — nothing else
(docs/architecture.md, "Adding a record kind").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["YES_NO", "RecordKind", "coded"]

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
    rowids; never renumber), None when it is not searched. ``dated``: the date
    attribute that tells records of the same title apart (search results show it).
    """

    code: str
    label: str
    fields: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    title: str | Callable[[Any], str] = "name"
    search_block: int | None = None
    dated: str | None = None

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
