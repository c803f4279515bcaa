"""Unknown values of the lookup columns: found once with their rows, proposed by similarity,
mapped / created / left empty as chosen, saved with a profile; the cases that cannot apply
(an entry deleted meanwhile, a stale profile, a fixed list) refused with nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.interchange.asset_mapping import suggest_mapping
from app.interchange.table_reader import TableData, read_table_bytes
from app.services.inventory.asset_import import (
    ImportRejected,
    apply_import,
    preview_import,
    save_profile,
)
from app.services.inventory.asset_import_rows import fold_width, grouped, row_ranges
from app.services.inventory.import_profiles import load_profiles
from app.services.inventory.import_values import (
    CREATE,
    EMPTY,
    ValueChoice,
    ValueChoices,
    Vocabulary,
    propose,
    stale_choices,
    unknown_values,
)
from app.store.models import Asset, AssetType, ChangeLogEntry, Department, Location
from tests.unit.test_asset_import import fingerprint


def table(body: str) -> TableData:
    return read_table_bytes(body.encode("cp932"), name="ledger.csv")


def preview(db, data: TableData, values: ValueChoices | None = None):
    with db.sessions() as s:
        return preview_import(s, data, suggest_mapping(data.headers), values=values)


def rows_of(db) -> list[tuple[str, str | None, str | None, str | None, str]]:
    with db.sessions() as s:
        stmt = (
            select(Asset.asset_tag, AssetType.name, Location.name, Department.name,
                   Asset.manufacturer)
            .outerjoin(AssetType, AssetType.id == Asset.asset_type_id)
            .outerjoin(Location, Location.id == Asset.location_id)
            .outerjoin(Department, Department.id == Asset.department_id)
            .order_by(Asset.asset_tag)
        )  # fmt: skip
        return [tuple(r) for r in s.execute(stmt)]


# --- proposals -------------------------------------------------------------------------

TYPES = ["デスクトップPC", "ノートPC", "サーバ", "プリンタ・複合機", "ネットワーク機器"]


@pytest.mark.parametrize(
    ("value", "entries", "first", "preselected"),
    [
        ("複合機", TYPES, "プリンタ・複合機", "プリンタ・複合機"),
        ("本庁舎2F", ["本庁舎1階", "本庁舎2階", "別館2階"], "本庁舎2階", "本庁舎2階"),
        ("ＮＥＣ株式会社", ["NEC", "富士通"], "NEC", "NEC"),
        ("PC", TYPES, "デスクトップPC", None),  # two entries hold it: the user chooses
        ("税務課", ["総務課"], "総務課", None),  # alike, but not to be taken for it
        ("タイプライター", TYPES, None, None),
    ],
)
def test_proposals_by_normalised_similarity(value, entries, first, preselected) -> None:
    ranked, best = propose(value, entries)
    assert (ranked[0] if ranked else None) == first
    assert best == preselected
    if value == "PC":
        assert set(ranked[:2]) == {"デスクトップPC", "ノートPC"}


def test_width_is_folded_where_it_is_safe() -> None:
    assert fold_width("ﾉｰﾄPC ＩＢＭ　３台") == "ノートPC IBM　3台"
    assert fold_width("ｶﾞｲﾄﾞ｢総務｣") == "ガイド「総務」"
    assert fold_width("総務① ㈱ （注）10～12時") == "総務① ㈱ （注）10～12時"  # left as written


def test_rows_are_named_as_ranges() -> None:
    assert row_ranges([2, 3, 4, 7, 9, 10]) == "2〜4・7・9〜10行目"
    assert row_ranges(list(range(2, 100, 2))).endswith("…行目")


# --- finding and choosing --------------------------------------------------------------

LEDGER = "資産管理番号,名称,種別,設置場所,メーカー,状態\n" + "".join(
    f"A-{i:03d},端末{i},{kind},本庁舎2F,ＮＥＣ,{status}\n"
    for i, (kind, status) in enumerate(
        [("PC", "稼働中")] * 40 + [("複合機", "予備")] * 3 + [("ﾉｰﾄPC", "行方不明")] * 2
    )
)


@pytest.fixture
def places(db) -> None:
    with db.sessions.begin() as s:
        s.add_all([Location(name="本庁舎2階"), Location(name="別館")])


def test_each_unknown_value_is_listed_once_with_its_rows(db, places) -> None:
    data = table(LEDGER)
    with db.sessions() as s:
        found = unknown_values(s, data, suggest_mapping(data.headers))
    by_value = {(u.field, u.value): u for u in found}
    assert set(by_value) == {
        ("asset_type_id", "PC"),
        ("asset_type_id", "複合機"),
        ("location_id", "本庁舎2F"),
        ("manufacturer", "NEC"),
        ("status", "行方不明"),
    }  # fmt: skip  (ﾉｰﾄPC is ノートPC; ＮＥＣ is read as NEC)
    pc = by_value[("asset_type_id", "PC")]
    assert (pc.rows[0], pc.rows[-1], len(pc.rows), pc.proposed) == (2, 41, 40, None)
    assert by_value[("asset_type_id", "複合機")].default_choice() == ValueChoice.map(
        "プリンタ・複合機"
    )
    assert by_value[("location_id", "本庁舎2F")].default_choice() == ValueChoice.map("本庁舎2階")
    assert by_value[("manufacturer", "NEC")].default_choice() == CREATE  # nothing alike
    assert by_value[("status", "行方不明")].default_choice() is None  # a fixed list


def test_without_choices_each_unknown_value_is_one_problem_naming_its_rows(db, places) -> None:
    pv = preview(db, table(LEDGER))
    said = grouped(pv.problems())
    assert (
        "「種別」: 種別「PC」は登録されていません（候補: デスクトップPC、ノートPC）"
        "（40行: 2〜41行目）" in said
    )
    assert any(line.startswith("「状態」: 状態「行方不明」は登録されていません（登録済み:")
               for line in said)  # fmt: skip
    assert len(said) == 5
    assert {v for _f, _h, v in pv.unresolved} == {"PC", "複合機", "本庁舎2F", "NEC", "行方不明"}


def test_choices_map_create_and_empty(db, places) -> None:
    choices = ValueChoices()
    choices.set("asset_type_id", "PC", ValueChoice.map("ﾃﾞｽｸﾄｯﾌﾟpc"))  # any width or case
    choices.set("asset_type_id", "複合機", CREATE)
    choices.set("location_id", "本庁舎2F", ValueChoice.map("本庁舎2階"))
    choices.set("manufacturer", "ＮＥＣ", CREATE)
    choices.set("status", "行方不明", EMPTY)
    pv = preview(db, table(LEDGER), choices)
    assert pv.problems() == []
    assert (pv.new_types, pv.new_locations, pv.new_manufacturers) == (["複合機"], [], ["NEC"])
    result = apply_import(db.sessions, pv)
    assert (result.created, result.types_added, result.locations_added) == (45, 1, 0)
    rows = rows_of(db)
    assert rows[0] == ("A-000", "デスクトップPC", "本庁舎2階", None, "NEC")
    assert rows[40][1] == "複合機" and rows[43][1] == "ノートPC"
    with db.sessions() as s:
        made = s.scalars(select(AssetType).where(AssetType.name == "複合機")).one()
        assert made.code.startswith("custom-")
        history = s.scalars(
            select(ChangeLogEntry).where(ChangeLogEntry.table_name == "asset_types",
                                         ChangeLogEntry.row_id == str(made.id))
        ).all()  # fmt: skip
        assert history  # the new type is in the change history like any record
        statuses = set(s.scalars(select(Asset.status).where(Asset.asset_tag.in_(["A-043"]))))
    assert statuses == {"in_use"}  # left empty: a new asset gets the default


def test_create_missing_never_makes_a_second_entry_of_another_width_or_case(db) -> None:
    data = table("資産管理番号,名称,種別,部署\nA-1,PC,ﾉｰﾄpc,ｿｳﾑ課\nA-2,PC,ＮＯＴＥ,ｿｳﾑ課\n")
    with db.sessions.begin() as s:
        s.add(Department(name="ソウム課"))
    pv = preview(db, data, ValueChoices(create_missing=True))
    assert pv.problems() == [] and pv.new_types == ["NOTE"] and pv.new_departments == []
    apply_import(db.sessions, pv)
    again = preview(db, table("資産管理番号,名称,種別\nA-3,PC,note\n"), ValueChoices())
    assert again.problems() == [] and again.new_types == []  # note is NOTE now
    with db.sessions() as s:
        assert s.scalar(select(Department.id).where(Department.name == "ソウム課")) is not None
        assert len(s.scalars(select(Department)).all()) == 1


def test_a_fixed_list_cannot_be_extended(db) -> None:
    choices = ValueChoices(create_missing=True)
    choices.set("status", "行方不明", CREATE)
    pv = preview(db, table("資産管理番号,名称,状態\nA-1,PC,行方不明\n"), choices)
    assert [p.message for p in pv.problems()] == [
        "状態は新しく登録できません。登録済みの値に対応付けるか、空にしてください"
    ]


def test_an_entry_deleted_after_the_preview_refuses_the_import(db, places) -> None:
    choices = ValueChoices()
    choices.set("location_id", "本庁舎2F", ValueChoice.map("本庁舎2階"))
    choices.set("asset_type_id", "PC", ValueChoice.map("ノートPC"))
    choices.set("asset_type_id", "複合機", CREATE)
    choices.set("manufacturer", "NEC", CREATE)
    choices.set("status", "行方不明", EMPTY)
    pv = preview(db, table(LEDGER), choices)
    assert pv.problems() == []
    with db.sessions.begin() as s:  # meanwhile, in another window
        s.delete(s.scalars(select(Location).where(Location.name == "本庁舎2階")).one())
    before = fingerprint(db)
    with pytest.raises(ImportRejected) as info:
        apply_import(db.sessions, pv)
    assert (
        "設置場所「本庁舎2F」の対応付け先「本庁舎2階」は登録されていません"
        "（削除されたか名前が変わった可能性があります）。対応付けを選び直してください"
        "（45行: 2〜46行目）" in str(info.value)
    )
    assert fingerprint(db) == before


def test_choices_are_saved_with_the_profile_and_stale_ones_are_named(db, places) -> None:
    choices = ValueChoices()
    choices.set("location_id", "本庁舎2F", ValueChoice.map("本庁舎2階"))
    choices.set("asset_type_id", "複合機", CREATE)
    choices.set("status", "行方不明", EMPTY)
    data = table(LEDGER)
    with db.sessions.begin() as s:
        save_profile(s, "庁内台帳", suggest_mapping(data.headers), {"values": choices.to_json()})
    with db.sessions() as s:
        (saved,) = load_profiles(s)
    back = ValueChoices.from_json(saved.options["values"])
    assert sorted((f, v, c) for f, v, c in back.items()) == sorted(choices.items())
    with db.sessions.begin() as s:
        s.scalars(select(Location).where(Location.name == "本庁舎2階")).one().name = "本庁舎 2階西"
    with db.sessions() as s:
        assert stale_choices(back, Vocabulary.load(s)) == [
            "設置場所「本庁舎2F」の対応付け先「本庁舎2階」は登録されていません"
            "（削除されたか名前が変わった可能性があります）"
        ]


@pytest.mark.parametrize(
    "raw",
    [None, "x", {"values": "x"}, {"values": {"unknown_field": {"a": "create"}}},
     {"values": {"status": {"a": {"map": ""}}}}, {"values": {"status": {"a": 3}}},
     {"create_missing": "yes"}],
)  # fmt: skip
def test_a_malformed_saved_value_map_is_left_out(raw) -> None:
    assert not ValueChoices.from_json(raw)
