"""Every model declares its record kind once, and search and history derive from it."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import inspect

from app.services.history import describe_history
from app.services.search import global_search
from app.store import kind_index as kinds
from app.store import search_index
from app.store.models import (
    Base,
    ChangeLogEntry,
    Department,
    Searchable,
    SearchDoc,
    SearchKind,
)

# Tables that are not records a person deals with: the history and the search index.
INFRASTRUCTURE = {ChangeLogEntry, SearchDoc, SearchKind}
# The search index stores rowids made from these blocks: they may never change.
PINNED_BLOCKS = {
    "asset": 1, "department": 2, "location": 3, "vendor": 4, "contact": 5, "system": 6,
    "contract": 7, "license": 8, "notice": 9, "task": 10, "worklog": 11, "runbook": 12,
    "runbook_step": 13, "checklist": 14, "credential": 15, "attachment": 16, "regulation": 17,
    "regulation_version": 18, "knowledge_note": 19, "knowledge_answer": 20,
}  # fmt: skip

MODELS = [m.class_ for m in Base.registry.mappers if m.class_ not in INFRASTRUCTURE]


def test_every_model_declares_its_kind() -> None:
    undeclared = [m.__name__ for m in MODELS if "__kind__" not in vars(m)]
    assert not undeclared, f"models without __kind__: {undeclared}"
    assert set(kinds.declared_models()) == set(MODELS)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_declaration_names_real_attributes(model: type) -> None:
    kind = kinds.kind_of(model)
    assert kind.code and kind.label
    attributes = {a.key for a in inspect(model).column_attrs}
    assert set(kind.fields) <= attributes, set(kind.fields) - attributes
    assert set(kind.values) <= set(kind.fields)
    assert callable(kind.title) or kind.title in attributes
    assert kinds.model_by_code(kind.code) is model
    assert kinds.model_by_table(model.__tablename__) is model


def test_codes_and_search_blocks_are_unique_and_stable() -> None:
    codes = [kinds.kind_of(m).code for m in MODELS]
    assert len(codes) == len(set(codes))
    searched = [m for m in MODELS if issubclass(m, Searchable)]
    assert all(kinds.kind_of(m).search_block is not None for m in searched)
    blocks = kinds.search_blocks()
    assert set(blocks) == {kinds.kind_of(m).code for m in searched}
    assert len(set(blocks.values())) == len(blocks)
    for code, block in PINNED_BLOCKS.items():
        assert blocks[code] == block, f"{code}: stored rowids use block {block}"


def test_every_searched_kind_is_found_under_its_label(db) -> None:
    with db.sessions.begin() as session:
        conn = session.connection()
        for code in kinds.search_blocks():
            search_index.index_objects(conn, code, [(1, _Doc(f"目印 {code}"))])
    with db.sessions() as session:
        results = global_search(session, "目印", per_group=5)
    found = {g.kind: g.label for g in results.groups}
    assert found == {code: kinds.kind_by_code(code).label for code in kinds.search_blocks()}


class _Doc:
    def __init__(self, title: str) -> None:
        self.title = title

    def search_document(self) -> tuple[str, str, str]:
        return self.title, "", ""


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_history_describes_each_kind_with_its_labels(db, model: type) -> None:
    kind = kinds.kind_of(model)
    field = next(iter(kind.fields))
    raw = next(iter(kind.values[field])) if field in kind.values else "値"
    with db.sessions.begin() as session:
        session.add(
            ChangeLogEntry(at=datetime(2026, 1, 1), actor="t", table_name=model.__tablename__,
                           row_id="999", action="update", field=field, old_value=None,
                           new_value=raw)
        )  # fmt: skip
    with db.sessions() as session:
        (line,) = describe_history(session, model.__tablename__, 999)
    assert line.field == kind.fields[field]
    assert line.after == kind.value_label(field, raw)


def test_a_title_names_one_record() -> None:
    assert kinds.title_of(Department(name="総務課")) == "総務課"
    from app.store.models import Asset

    assert kinds.title_of(Asset(asset_tag="PC-1", name="事務用PC")) == "PC-1 事務用PC"
