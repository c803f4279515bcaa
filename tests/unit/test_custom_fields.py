"""独自項目: definitions, per-type resolution, value validation, history and search."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.services.errors import ValidationError
from app.services.inventory.assets import (
    create_asset,
    load_lookups,
    set_custom_values,
    update_asset,
)
from app.services.inventory.custom_fields import (
    define_field,
    delete_field,
    fields_for_type,
    load_field_specs,
    move_field,
    rename_field,
    specs_for_type,
    update_field,
)
from app.services.inventory.custom_values import clean_custom_values
from app.services.search import global_search
from app.store.models import Asset, ChangeLogEntry, CustomFieldDef


@pytest.fixture
def types(db) -> dict[str, int]:
    with db.sessions() as s:
        names = {c.name: c.id for c in load_lookups(s).types}
    return {"desktop": names["デスクトップPC"], "server": names["サーバ"]}


def define(db, **kwargs: Any) -> int:
    kwargs.setdefault("asset_type_id", None)
    with db.sessions.begin() as s:
        return define_field(s, **kwargs).id


@pytest.fixture
def fields(db, types) -> dict[str, int]:
    return {
        "kanri": define(db, key="kanri_bu", label="管理部署コード"),
        "rack": define(db, asset_type_id=types["server"], key="rack", label="ラック番号"),
        "cores": define(
            db, asset_type_id=types["server"], key="cores", label="コア数", kind="number"
        ),
        "hosyu": define(
            db, asset_type_id=types["server"], key="保守開始", label="保守開始日", kind="date"
        ),
        "tier": define(
            db,
            asset_type_id=types["server"],
            key="tier",
            label="重要度",
            kind="choice",
            choices=["高", "中", "低", " "],
        ),
        "room": define(db, asset_type_id=types["desktop"], key="room", label="設置部屋"),
    }


def make_asset(db, types, **values: Any) -> int:
    data = {"asset_tag": "SV-001", "name": "住民記録サーバ", "asset_type_id": types["server"]}
    with db.sessions.begin() as s:
        return create_asset(s, {**data, **values}).id


def values_of(db, asset_id: int) -> dict[str, Any]:
    with db.sessions() as s:
        return dict(s.get(Asset, asset_id).custom_fields)


# --- definitions -----------------------------------------------------------------------


def test_fields_for_type_merges_all_types_and_type_specific(db, types, fields) -> None:
    with db.sessions() as s:
        server = [d.key for d in fields_for_type(s, types["server"])]
        desktop = [d.key for d in fields_for_type(s, types["desktop"])]
        untyped = [d.key for d in fields_for_type(s, None)]
        specs = load_field_specs(s)
        tier = s.get(CustomFieldDef, fields["tier"])
        assert tier.choices == ["高", "中", "低"]  # blank lines are dropped
    assert server == ["kanri_bu", "rack", "cores", "保守開始", "tier"]
    assert desktop == ["kanri_bu", "room"]
    assert untyped == ["kanri_bu"]
    assert [s.key for s in specs_for_type(specs, types["server"])] == server


def test_reorder_within_a_type(db, types, fields) -> None:
    with db.sessions.begin() as s:
        move_field(s, fields["tier"], -1)
        move_field(s, fields["rack"], -1)  # already first of its type: nothing happens
        move_field(s, fields["cores"], +5)  # beyond the end: nothing happens
    with db.sessions() as s:
        keys = [d.key for d in fields_for_type(s, types["server"])]
    assert keys == ["kanri_bu", "rack", "cores", "tier", "保守開始"]


DEFINITION_ERRORS = [
    ({"key": "rack", "label": "別のラック"}, "key", "キー「rack」は既に使われています（サーバ）"),
    (
        {"key": "kanri_bu", "label": "重複"},
        "key",
        "キー「kanri_bu」は既に使われています（すべての種別）",
    ),
    ({"key": "asset_tag", "label": "番号"}, "key", "台帳の標準項目と同じ名前です"),
    ({"key": "Hostname", "label": "ホスト"}, "key", "台帳の標準項目と同じ名前です"),
    ({"key": "a b:c", "label": "記号"}, "key", "文字・数字・「_」「-」だけで"),
    ({"key": "", "label": "キーなし"}, "key", "必須です"),
    ({"key": "memo", "label": "  "}, "label", "必須です"),
    ({"key": "memo", "label": "ラック番号"}, "label", "表示名「ラック番号」は既に使われています"),
    ({"key": "memo", "label": "備考"}, "label", "台帳の項目名と同じです"),
    ({"key": "memo", "label": "メモ", "kind": "choice"}, "choices", "選択肢を1つ以上"),
    (
        {"key": "memo", "label": "メモ", "kind": "choice", "choices": [" ", ""]},
        "choices",
        "1つ以上",
    ),
    (
        {"key": "memo", "label": "メモ", "kind": "choice", "choices": ["A", " A "]},
        "choices",
        "重複",
    ),
    ({"key": "memo", "label": "メモ", "kind": "color"}, "kind", "不明な種類です"),
]


@pytest.mark.parametrize(("kwargs", "field", "message"), DEFINITION_ERRORS)
def test_definition_validation(db, types, fields, kwargs, field: str, message: str) -> None:
    with db.sessions() as s:
        before = s.scalars(select(CustomFieldDef.id)).all()
    with pytest.raises(ValidationError) as info:
        define(db, asset_type_id=types["server"], **kwargs)
    assert [(e.field, message in e.message) for e in info.value.errors] == [(field, True)]
    with db.sessions() as s:
        assert s.scalars(select(CustomFieldDef.id)).all() == before


def test_all_types_key_clashes_with_any_type(db, types, fields) -> None:
    with pytest.raises(ValidationError, match="キー「room」は既に使われています（デスクトップPC）"):
        define(db, key="room", label="部屋")
    # The same key on another single type is fine.
    define(db, asset_type_id=types["server"], key="room", label="サーバ室の区画")


def test_rename_and_retype_keep_the_key(db, types, fields) -> None:
    with db.sessions.begin() as s:
        assert rename_field(s, fields["rack"], "ラック位置").key == "rack"
        d = update_field(s, fields["rack"], label="ラック位置", kind="choice", choices=["A", "B"])
        assert (d.key, d.kind, d.choices) == ("rack", "choice", ["A", "B"])
    clash = "表示名「コア数」は既に使われています"
    with pytest.raises(ValidationError, match=clash), db.sessions.begin() as s:
        rename_field(s, fields["rack"], "コア数")


# --- values ----------------------------------------------------------------------------


def test_clean_values_for_each_kind(db, types, fields) -> None:
    with db.sessions() as s:
        defs = fields_for_type(s, types["server"])
    cleaned = clean_custom_values(
        defs,
        {"rack": " R-12 ", "cores": "１，２３４", "保守開始": "令和元年5月1日", "tier": "高"},
    )
    assert cleaned == {"rack": "R-12", "cores": 1234, "保守開始": "2019-05-01", "tier": "高"}
    assert clean_custom_values(defs, {"cores": "-2.5", "保守開始": "R8.3.31"}) == {
        "cores": -2.5,
        "保守開始": "2026-03-31",
    }
    assert clean_custom_values(defs, {"rack": "", "tier": ""}) == {"rack": None, "tier": None}


def test_invalid_values_name_each_field(db, types, fields) -> None:
    with db.sessions() as s:
        defs = fields_for_type(s, types["server"])
    with pytest.raises(ValidationError) as info:
        clean_custom_values(
            defs,
            {
                "cores": "12コア",
                "保守開始": "令和0年4月1日",
                "tier": "最高",
                "rack": "a\x00b",
                "room": "101",  # a desktop field: not defined for servers
            },
        )
    found = {(e.field, e.label): e.message for e in info.value.errors}
    assert "数値で入力してください" in found[("custom:cores", "コア数")]
    assert "令和0年は存在しません" in found[("custom:保守開始", "保守開始日")]
    assert "選択肢にない値です: 最高" in found[("custom:tier", "重要度")]
    assert "制御文字" in found[("custom:rack", "ラック番号")]
    assert "定義されていない" in found[("custom:room", "room")]


def test_values_survive_definition_deletion(db, types, fields) -> None:
    asset_id = make_asset(db, types)
    with db.sessions.begin() as s:
        set_custom_values(s, asset_id, {"rack": "R-12", "cores": "16"})
    with db.sessions.begin() as s:
        delete_field(s, fields["rack"])
    assert values_of(db, asset_id) == {"rack": "R-12", "cores": 16}
    # Editing the other fields keeps the value of the deleted definition.
    with db.sessions.begin() as s:
        set_custom_values(s, asset_id, {"cores": "32"})
    assert values_of(db, asset_id) == {"rack": "R-12", "cores": 32}
    # Defining the key again brings the value back into the editor.
    define(db, asset_type_id=types["server"], key="rack", label="ラック")
    with db.sessions() as s:
        assert "rack" in [d.key for d in fields_for_type(s, types["server"])]
    assert values_of(db, asset_id)["rack"] == "R-12"


def test_stored_value_that_no_longer_fits_does_not_block_saving(db, types, fields) -> None:
    asset_id = make_asset(db, types)
    with db.sessions.begin() as s:
        set_custom_values(s, asset_id, {"tier": "中"})
        update_field(s, fields["tier"], label="重要度", kind="choice", choices=["高", "低"])
    with db.sessions.begin() as s:
        set_custom_values(s, asset_id, {"tier": "中", "rack": "R-1"})
    assert values_of(db, asset_id) == {"tier": "中", "rack": "R-1"}
    with pytest.raises(ValidationError, match="選択肢にない値です"), db.sessions.begin() as s:
        set_custom_values(s, asset_id, {"tier": "最高"})


def test_custom_edits_write_history(db, types, fields) -> None:
    asset_id = make_asset(db, types)
    with db.sessions.begin() as s:
        set_custom_values(s, asset_id, {"rack": "R-12"})
    with db.sessions.begin() as s:
        set_custom_values(s, asset_id, {"rack": "R-12"})  # unchanged: no history row
    with db.sessions.begin() as s:
        set_custom_values(s, asset_id, {"rack": "R-13", "cores": "8"})
    with db.sessions() as s:
        rows = s.scalars(
            select(ChangeLogEntry)
            .where(ChangeLogEntry.table_name == "assets", ChangeLogEntry.field == "custom_fields")
            .order_by(ChangeLogEntry.id)
        ).all()
    assert [(r.actor, r.old_value, r.new_value) for r in rows] == [
        ("tester", "{}", '{"rack": "R-12"}'),
        ("tester", '{"rack": "R-12"}', '{"cores": 8, "rack": "R-13"}'),
    ]


def test_global_search_finds_custom_values(db, types, fields) -> None:
    asset_id = make_asset(db, types)
    with db.sessions.begin() as s:
        set_custom_values(s, asset_id, {"rack": "東棟ラック７"})
    with db.sessions() as s:
        hits = [h for g in global_search(s, "東棟ラック7").groups for h in g.hits]
    assert [(h.kind, h.ref_id) for h in hits] == [("asset", asset_id)]
    with db.sessions.begin() as s:
        set_custom_values(s, asset_id, {"rack": ""})
    with db.sessions() as s:
        assert global_search(s, "東棟ラック").total == 0


def test_saving_an_asset_with_custom_values_is_all_or_nothing(db, types, fields) -> None:
    asset_id = make_asset(db, types)
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        update_asset(s, asset_id, {"name": "新しい名前", "ip_address": "1.2.3.400"}, {"cores": "x"})
    assert [e.field for e in info.value.errors] == ["ip_address", "custom:cores"]
    with db.sessions() as s:
        assert s.get(Asset, asset_id).name == "住民記録サーバ"
    with pytest.raises(ValidationError, match="コア数"), db.sessions.begin() as s:
        update_asset(s, asset_id, {"name": "新しい名前"}, {"cores": "x"})
    with db.sessions() as s:
        assert s.get(Asset, asset_id).name == "住民記録サーバ"
    with db.sessions.begin() as s:
        update_asset(s, asset_id, {"name": "新しい名前"}, {"cores": "4"})
    assert values_of(db, asset_id) == {"cores": 4}


def test_save_new_asset_with_custom_values_in_one_insert(db, types, fields) -> None:
    data = {"asset_tag": "PC-1", "name": "端末", "asset_type_id": str(types["desktop"])}
    with db.sessions.begin() as s:
        asset_id = create_asset(s, data, {"room": "201会議室", "kanri_bu": "A1"}).id
    assert values_of(db, asset_id) == {"room": "201会議室", "kanri_bu": "A1"}
    with db.sessions() as s:
        actions = s.scalars(
            select(ChangeLogEntry.action).where(
                ChangeLogEntry.table_name == "assets", ChangeLogEntry.row_id == str(asset_id)
            )
        ).all()
    assert actions == ["insert"]
    # The type decides the fields: a server field on a desktop is refused.
    with pytest.raises(ValidationError, match="定義されていない"), db.sessions.begin() as s:
        create_asset(s, {**data, "asset_tag": "PC-2"}, {"rack": "R-1"})
