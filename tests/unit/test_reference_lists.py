"""種別・部署・設置場所・メーカー managed in the program, and bulk edit of many assets:
names compared as the import compares them, merges that move every record and write
history, refusals that leave the database byte-identical."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.services.inventory.assets import create_asset, load_lookups
from app.services.inventory.bulk_edit import BulkEditError, bulk_update
from app.services.inventory.reference_lists import (
    ListError,
    add_entry,
    entries,
    merge_entries,
    rename_entry,
    set_retired,
)
from app.store.models import (
    Asset,
    AssetType,
    BusinessSystem,
    ChangeLogEntry,
    CustomFieldDef,
    Department,
    Location,
)
from tests.unit.test_asset_import import fingerprint


@pytest.fixture
def filled(db) -> dict[str, int]:
    with db.sessions.begin() as s:
        somu, somu2 = Department(name="総務課"), Department(name="総務課（旧）")
        honcho = Location(name="本庁舎2階")
        s.add_all([somu, somu2, honcho])
        s.flush()
        for i in range(3):
            create_asset(s, {"asset_tag": f"PC-{i}", "name": f"PC {i}",
                             "department_id": somu2.id, "manufacturer": "ＮＥＣ"})  # fmt: skip
        create_asset(s, {"asset_tag": "PC-9", "name": "PC 9", "department_id": somu.id,
                         "manufacturer": "NEC"})  # fmt: skip
        s.add(BusinessSystem(name="文書管理", department_id=somu2.id))
        return {"somu": somu.id, "somu2": somu2.id, "honcho": honcho.id}


def history(db, table: str) -> list[tuple[str, str, str | None]]:
    with db.sessions() as s:
        rows = s.execute(
            select(ChangeLogEntry.row_id, ChangeLogEntry.action, ChangeLogEntry.field)
            .where(ChangeLogEntry.table_name == table)
            .order_by(ChangeLogEntry.id)
        )
        return [tuple(r) for r in rows]


def test_entries_come_with_how_many_records_use_them(db, filled) -> None:
    with db.sessions() as s:
        departments = {e.name: e.used for e in entries(s, "department")}
        makers = {e.name: e.used for e in entries(s, "manufacturer")}
    assert departments == {"総務課": 1, "総務課（旧）": 3}
    assert makers == {"NEC": 1, "ＮＥＣ": 3}


@pytest.mark.parametrize(
    ("kind", "name", "said"),
    [
        ("department", "総務課", "部署「総務課」は登録済みです"),
        ("department", "ｿｳﾑ課", None),
        ("location", "本庁舎２階", "登録済みの「本庁舎2階」と同じ名前です"),
        ("asset_type", "ノートpc", "登録済みの「ノートPC」と同じ名前です"),
        ("asset_type", "  ", "種別の名前を入力してください"),
        ("location", "あ" * 101, "100文字以内"),
        ("manufacturer", "ｎｅｃ", "登録済みの「NEC」と同じ名前です"),
        ("manufacturer", "富士通", None),
    ],
)
def test_adding_refuses_a_name_that_exists_in_another_width_or_case(
    db, filled, kind, name, said
) -> None:
    before = fingerprint(db)
    if said is None:
        with db.sessions.begin() as s:
            assert add_entry(s, kind, name) > 0
        return
    with pytest.raises(ListError, match=said), db.sessions.begin() as s:
        add_entry(s, kind, name)
    assert fingerprint(db) == before


def test_a_new_type_gets_a_code_and_sorts_last(db) -> None:
    with db.sessions.begin() as s:
        new_id = add_entry(s, "asset_type", "電子黒板")
    with db.sessions() as s:
        made = s.get(AssetType, new_id)
        assert made.code.startswith("custom-")
        assert [e.name for e in entries(s, "asset_type")][-1] == "電子黒板"


def test_renaming_writes_history_and_refuses_a_taken_name(db, filled) -> None:
    with db.sessions.begin() as s:
        rename_entry(s, "department", filled["somu2"], "総務課 庶務係")
    assert (str(filled["somu2"]), "update", "name") in history(db, "departments")
    before = fingerprint(db)
    with (
        pytest.raises(ListError, match="部署「総務課」は登録済みです"),
        db.sessions.begin() as s,
    ):
        rename_entry(s, "department", filled["somu2"], "総務課　")
    assert fingerprint(db) == before


def test_merging_moves_every_record_and_writes_history(db, filled) -> None:
    with db.sessions.begin() as s:
        moved = merge_entries(s, "department", filled["somu2"], filled["somu"])
    assert moved == 4  # three assets and a business system
    with db.sessions() as s:
        assert s.get(Department, filled["somu2"]) is None
        assert set(s.scalars(select(Asset.department_id))) == {filled["somu"]}
        assert s.scalar(select(BusinessSystem.department_id)) == filled["somu"]
    asset_moves = [r for r in history(db, "assets") if r[1:] == ("update", "department_id")]
    assert len(asset_moves) == 3  # one history entry per moved record
    assert (str(filled["somu2"]), "delete", None) in history(db, "departments")


def test_merging_into_itself_or_a_deleted_entry_is_refused(db, filled) -> None:
    before = fingerprint(db)
    with (
        pytest.raises(ListError, match="自分自身に統合することはできません"),
        db.sessions.begin() as s,
    ):
        merge_entries(s, "department", filled["somu"], filled["somu"])
    with pytest.raises(ListError, match="見つかりません"), db.sessions.begin() as s:
        merge_entries(s, "department", filled["somu2"], 9999)
    with pytest.raises(ListError, match="自分自身"), db.sessions.begin() as s:
        merge_entries(s, "manufacturer", "NEC", "NEC")
    assert fingerprint(db) == before


def test_manufacturers_are_renamed_and_merged_on_the_assets(db, filled) -> None:
    with db.sessions.begin() as s:
        assert merge_entries(s, "manufacturer", "ＮＥＣ", "NEC") == 3
    with db.sessions() as s:
        assert set(s.scalars(select(Asset.manufacturer))) == {"NEC"}
    with db.sessions.begin() as s:
        rename_entry(s, "manufacturer", "NEC", "日本電気")
    with db.sessions() as s:
        assert [e.name for e in entries(s, "manufacturer")] == ["日本電気"]


def test_merging_types_carries_their_custom_fields(db) -> None:
    with db.sessions.begin() as s:
        a = s.get(AssetType, add_entry(s, "asset_type", "電子黒板"))
        b = s.get(AssetType, add_entry(s, "asset_type", "大型ディスプレイ"))
        s.add_all([
            CustomFieldDef(asset_type_id=a.id, key="inch", label="インチ"),
            CustomFieldDef(asset_type_id=a.id, key="room", label="教室"),
            CustomFieldDef(asset_type_id=b.id, key="inch", label="サイズ"),
        ])  # fmt: skip
        s.flush()
        a_id, b_id = a.id, b.id
    with db.sessions.begin() as s:
        merge_entries(s, "asset_type", a_id, b_id)
    with db.sessions() as s:
        keys = sorted(
            s.execute(select(CustomFieldDef.key, CustomFieldDef.label)
                      .where(CustomFieldDef.asset_type_id == b_id))
        )  # fmt: skip
    assert keys == [("inch", "サイズ"), ("room", "教室")]


def test_a_retired_entry_keeps_its_records_and_is_marked(db, filled) -> None:
    with db.sessions.begin() as s:
        set_retired(s, "department", filled["somu2"], True, date(2026, 12, 1))
    with db.sessions() as s:
        names = [c.name for c in load_lookups(s).departments]
        assert s.scalar(select(func.count()).where(Asset.department_id == filled["somu2"])) == 3
    assert names == ["総務課", "総務課（旧）（廃止）"]  # last, marked
    with db.sessions.begin() as s:
        set_retired(s, "department", filled["somu2"], False, date(2026, 12, 1))
    with db.sessions() as s:
        assert "総務課（旧）" in [c.name for c in load_lookups(s).departments]


# --- bulk edit -----------------------------------------------------------------------


def test_bulk_edit_writes_one_history_entry_per_changed_asset(db, filled) -> None:
    with db.sessions() as s:
        ids = list(s.scalars(select(Asset.id).order_by(Asset.id)))
    with db.sessions.begin() as s:
        changed = bulk_update(s, [*ids, 99999], "department_id", filled["somu"])
    assert changed == 3  # PC-9 was in 総務課 already; a deleted id is skipped
    moves = [r for r in history(db, "assets") if r[1:] == ("update", "department_id")]
    assert len(moves) == 3
    with db.sessions.begin() as s:
        assert bulk_update(s, ids, "user_name", "") == 0  # nobody had a user
        assert bulk_update(s, ids, "notes", "棚卸で確認済み") == 4
    from app.store import search_index

    with db.sessions() as s:
        hits = search_index.search(s, "棚卸で確認済み")
    assert len(hits.get("asset", [])) == 4  # the search index follows


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("status", "", "状態は空にできません"),
        ("status", "行方不明", "状態"),
        ("department_id", 9999, "見つかりません"),
        ("asset_tag", "X", "一括変更できない項目です"),
        ("maintenance_end", "2026-02-30", "保守終了日"),
    ],
)
def test_bulk_edit_refuses_bad_values_with_nothing_written(db, filled, field, value, said):
    with db.sessions() as s:
        ids = list(s.scalars(select(Asset.id)))
    before = fingerprint(db)
    with pytest.raises(BulkEditError, match=said), db.sessions.begin() as s:
        bulk_update(s, ids, field, value)
    assert fingerprint(db) == before


def test_makers_are_added_before_use_retired_and_brought_back(db, filled) -> None:
    """メーカー: added in the list before any asset names it, retired (kept on the assets,
    no longer offered while typing), brought back; each change has its history."""
    from app.services.inventory.assets import load_lookups
    from app.services.inventory.import_values import manufacturers
    from app.store.models import Manufacturer

    with db.sessions.begin() as s:
        add_entry(s, "manufacturer", "富士通Japan")
    with db.sessions() as s:
        listed = {e.name: (e.used, e.retired_on) for e in entries(s, "manufacturer")}
        assert listed["富士通Japan"] == (0, None)
        assert "富士通Japan" in load_lookups(s).makers
        assert manufacturers(s)["富士通japan"] == "富士通Japan"  # known to the import
    with db.sessions.begin() as s:
        set_retired(s, "manufacturer", "ＮＥＣ", True, date(2026, 11, 1))  # in use, not listed
    with db.sessions() as s:
        listed = {e.name: (e.used, e.retired_on) for e in entries(s, "manufacturer")}
        assert listed["ＮＥＣ"] == (3, date(2026, 11, 1))  # its assets keep it
        assert "ＮＥＣ" not in load_lookups(s).makers
        assert s.scalar(select(Manufacturer.retired_on).where(Manufacturer.name == "ＮＥＣ"))
    with db.sessions.begin() as s:
        set_retired(s, "manufacturer", "ＮＥＣ", False, date(2026, 11, 2))
        rename_entry(s, "manufacturer", "富士通Japan", "富士通")
    with db.sessions() as s:
        assert "ＮＥＣ" in load_lookups(s).makers
        assert {e.name for e in entries(s, "manufacturer")} >= {"富士通", "ＮＥＣ", "NEC"}
        assert "富士通Japan" not in {e.name for e in entries(s, "manufacturer")}
    with db.sessions.begin() as s:  # merging a listed maker removes it from the list
        assert merge_entries(s, "manufacturer", "ＮＥＣ", "NEC") == 3
    with db.sessions() as s:
        assert s.scalar(select(Manufacturer).where(Manufacturer.name == "ＮＥＣ")) is None
        history = s.scalars(
            select(ChangeLogEntry.table_name).where(ChangeLogEntry.table_name == "manufacturers")
        ).all()
    assert len(history) >= 4  # added, retired, brought back and renamed, merged away


def test_a_maker_removed_meanwhile_is_refused_with_nothing_written(db, filled) -> None:
    before = fingerprint(db)
    for change in (
        lambda s: rename_entry(s, "manufacturer", "日立", "日立製作所"),
        lambda s: set_retired(s, "manufacturer", "日立", True, date(2026, 11, 1)),
        lambda s: merge_entries(s, "manufacturer", "日立", "NEC"),
    ):
        with (
            pytest.raises(ListError, match="メーカー「日立」は一覧にありません"),
            db.sessions.begin() as s,
        ):
            change(s)
    assert fingerprint(db) == before
