"""The bulk (Core) write of the asset import keeps the change history and the search index
exactly as the ORM flush hooks would."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import sessionmaker

from app.interchange.asset_mapping import suggest_mapping
from app.interchange.table_reader import read_table_bytes
from app.services.history import describe_history
from app.services.inventory.asset_import import apply_import, preview_import
from app.services.inventory.assets import clean_asset_input, create_asset, update_asset
from app.services.inventory.import_values import ValueChoices
from app.services.maintenance import check_database
from app.services.search import global_search
from app.store import audit
from app.store.audit import history_of
from app.store.models import Asset, ChangeLogEntry, Department, SearchDoc

STAMPS = {"id", "asset_tag", "created_at", "updated_at"}


def run_import(db: Any, body: str, factory: Any = None) -> None:
    table = read_table_bytes(body.encode("cp932"), name="ledger.csv")
    with db.sessions() as session:
        pv = preview_import(
            session, table, suggest_mapping(table.headers),
            values=ValueChoices(create_missing=True),
        )  # fmt: skip
    assert pv.problems() == []
    apply_import(factory or db.sessions, pv)


def asset_id(db: Any, tag: str) -> int:
    with db.sessions() as s:
        return s.scalars(select(Asset.id).where(Asset.asset_tag == tag)).one()


def entries(db: Any, row_id: int) -> list[ChangeLogEntry]:
    with db.sessions() as s:
        return history_of(s, "assets", row_id)


def found(db: Any, query: str) -> set[int]:
    with db.sessions() as s:
        return {h.ref_id for g in global_search(s, query).groups if g.kind == "asset"
                for h in g.hits}  # fmt: skip


def test_bulk_snapshot_is_byte_identical_to_the_hooks(db) -> None:
    with db.sessions.begin() as s:
        a = Asset(asset_tag="S-1", name="髙橋のPC", purchase_date=date(2024, 4, 1),
                  confidentiality=2, custom_fields={"契約": "①", "b": "x"})  # fmt: skip
        s.add(a)
        s.flush()
        hooked = history_of(s, "assets", a.id)[0].new_value
        cols = [c.columns[0].label(c.key) for c in inspect(Asset).column_attrs]
        row = dict(s.execute(select(*cols).where(Asset.id == a.id)).mappings().one())
        audit.record_bulk(s.connection(), "tester", "assets", [(a.id, row)], [])
        bulk = history_of(s, "assets", a.id)[0]
    assert (bulk.action, bulk.row_id, bulk.actor) == ("insert", str(a.id), "tester")
    assert bulk.new_value == hooked


def test_created_asset_history_matches_the_orm(db) -> None:
    run_import(
        db,
        "資産管理番号,名称,コンピュータ名,購入日,機密性,備考,部門名,保守契約番号\r\n"
        "C-1,髙橋のPC,PC-0001,R6.4.1,2,①備考,新設課,K-100\r\n",
    )
    imported = asset_id(db, "C-1")
    with db.sessions.begin() as s:
        dept = s.scalars(select(Department.id).where(Department.name == "新設課")).one()
        # What the ORM import did: the cleaned values and the custom fields in one Asset.
        values = clean_asset_input(s, {"asset_tag": "C-2", "name": "髙橋のPC",
                                       "hostname": "PC-0001", "purchase_date": "2024-04-01",
                                       "confidentiality": "2", "notes": "①備考",
                                       "department_id": dept})  # fmt: skip
        twin = Asset(**values, status="in_use", custom_fields={"保守契約番号": "K-100"})
        s.add(twin)
        s.flush()
        twin_id = twin.id
    [mine] = entries(db, imported)
    orm = next(e for e in entries(db, twin_id) if e.action == "insert")
    assert mine.action == "insert" and mine.field is None and mine.old_value is None
    ours, theirs = json.loads(mine.new_value), json.loads(orm.new_value)
    assert ours.keys() == theirs.keys()
    assert {k: v for k, v in ours.items() if k not in STAMPS} == {
        k: v for k, v in theirs.items() if k not in STAMPS
    }
    assert ours["custom_fields"] == {"保守契約番号": "K-100"}
    assert ours["purchase_date"] == "2024-04-01" and ours["confidentiality"] == 2
    with db.sessions() as s:
        [line] = describe_history(s, "assets", imported)
    assert line.action == "作成" and "髙橋のPC" in line.after


def test_updated_asset_history_matches_the_orm(db) -> None:
    ids = []
    with db.sessions.begin() as s:
        for tag in ("U-1", "U-2"):
            a = create_asset(s, {"asset_tag": tag, "name": "旧名称", "notes": "旧備考"})
            a.custom_fields = {"保守契約番号": "K-1", "残す": "そのまま"}
            s.flush()
            ids.append(a.id)
    run_import(
        db,
        "資産管理番号,名称,購入日,機密性,備考,部門名,保守契約番号\r\n"
        "U-1,新名称,R6.4.1,2,旧備考,新設課,K-2\r\n",
    )
    with db.sessions.begin() as s:
        dept = s.scalars(select(Department.id).where(Department.name == "新設課")).one()
        update_asset(s, ids[1], {"name": "新名称", "purchase_date": date(2024, 4, 1),
                                 "confidentiality": 2, "notes": "旧備考",
                                 "department_id": dept})  # fmt: skip
        twin = s.get(Asset, ids[1])
        twin.custom_fields = {**twin.custom_fields, "保守契約番号": "K-2"}
        s.flush()

    def changes(row_id: int) -> set[tuple[Any, ...]]:
        return {(e.action, e.field, e.old_value, e.new_value) for e in entries(db, row_id)
                if e.action == "update"}  # fmt: skip

    mine = changes(ids[0])
    assert mine == changes(ids[1])
    assert {f for _, f, _, _ in mine} == {
        "name", "purchase_date", "confidentiality", "department_id", "custom_fields",
    }  # fmt: skip
    with db.sessions() as s:
        lines, twin_lines = (
            [(h.action, h.field, h.before, h.after)
             for h in describe_history(s, "assets", row_id) if h.action == "変更"]
            for row_id in ids
        )  # fmt: skip
        assert sorted(lines) == sorted(twin_lines)
        assert ("変更", "名称", "旧名称", "新名称") in lines
        assert ("変更", "独自項目「保守契約番号」", "K-1", "K-2") in lines
        a = s.get(Asset, ids[0])
        assert a.custom_fields == {"保守契約番号": "K-2", "残す": "そのまま"}
        assert a.updated_at > a.created_at


def test_search_index_follows_the_import(db, data_dir) -> None:
    with db.sessions.begin() as s:
        old = create_asset(s, {"asset_tag": "S-1", "name": "旧サーバ機"}).id
    assert found(db, "旧サーバ機") == {old}
    run_import(
        db,
        "資産管理番号,名称,保守契約番号\r\nS-1,新サーバ機,\r\nS-2,帳票プリンタ,保守ZX987\r\n",
    )
    new = asset_id(db, "S-2")
    assert found(db, "帳票プリンタ") == {new}
    assert found(db, "保守ZX987") == {new}  # a custom field value
    assert found(db, "新サーバ機") == {old}
    assert found(db, "旧サーバ機") == set()
    with db.sessions() as s:
        assert s.scalar(select(func.count()).where(SearchDoc.kind == "asset")) == 2
    assert check_database(data_dir).ok


def test_a_factory_without_hooks_writes_no_history_or_index(db) -> None:
    plain = sessionmaker(db.engine, expire_on_commit=False)
    run_import(db, "資産管理番号,名称\r\nN-1,素のPC\r\n", factory=plain)
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Asset)) == 1
        assert s.scalar(select(func.count()).where(ChangeLogEntry.table_name == "assets")) == 0
        assert s.scalar(select(func.count()).where(SearchDoc.kind == "asset")) == 0
