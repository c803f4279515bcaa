"""Asset use cases: validation with Japanese messages naming the field, CRUD, filters."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.services.errors import NotFoundError, ValidationError
from app.services.inventory.assets import (
    AssetFilter,
    AssetRow,
    create_asset,
    delete_asset,
    filter_rows,
    load_asset_rows,
    update_asset,
)
from app.store.models import Asset, Department

TODAY = date(2026, 11, 1)


def make(db, **values):
    data = {"asset_tag": "HT-PC-0001", "name": "事務用PC", **values}
    with db.sessions.begin() as s:
        return create_asset(s, data).id


def snapshot(db) -> list[tuple]:
    with db.sessions() as s:
        cols = (Asset.asset_tag, Asset.name, Asset.maintenance_end, Asset.ip_address)
        return [tuple(r) for r in s.execute(select(*cols).order_by(Asset.id))]


def test_create_parses_wareki_and_full_width_dates(db) -> None:
    asset_id = make(
        db, maintenance_end="Ｒ８．３．３１", eol_date="令和元年5月1日", purchase_date="2018/4/1"
    )
    with db.sessions() as s:
        a = s.get(Asset, asset_id)
        assert (a.maintenance_end, a.eol_date, a.purchase_date) == (
            date(2026, 3, 31), date(2019, 5, 1), date(2018, 4, 1),
        )  # fmt: skip
        assert a.status == "in_use"


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"asset_tag": ""}, "asset_tag", "必須"),
        ({"name": "  "}, "name", "必須"),
        ({"name": "長" * 201}, "name", "200文字以内"),
        ({"maintenance_end": "2026年2月30日"}, "maintenance_end", "存在しない"),
        ({"maintenance_end": "令和0年4月1日"}, "maintenance_end", "令和0年"),
        ({"eol_date": "平成40年1月1日"}, "eol_date", "平成"),
        ({"lease_end": "あした"}, "lease_end", "読み取れません"),
        ({"ip_address": "192.168.1.300"}, "ip_address", "IPアドレス"),
        ({"mac_address": "00:11:22:33:44"}, "mac_address", "MACアドレス"),
        ({"hostname": "総務 PC"}, "hostname", "ホスト名"),
        ({"confidentiality": "5"}, "confidentiality", "1〜3"),
        ({"status": "lost"}, "status", "状態"),
        ({"segment": "dmz"}, "segment", "ネットワーク区分"),
        ({"department_id": 99999}, "department_id", "選択肢"),
        ({"notes": "a\x00b"}, "notes", "NUL"),
        ({"purchase_date": "2026-04-01", "eol_date": "2025-04-01"}, "eol_date", "購入日より前"),
        ({"secret_field": "x"}, "secret_field", "不明な項目"),
    ],
)
def test_invalid_input_names_the_field_and_writes_nothing(db, values, field, words) -> None:
    make(db, asset_tag="HT-KEEP-1", name="既存")
    before = snapshot(db)
    with pytest.raises(ValidationError) as info:
        make(db, **values)
    assert [e.field for e in info.value.errors] == [field]
    assert words in info.value.errors[0].message
    assert info.value.errors[0].label in str(info.value)
    assert snapshot(db) == before


def test_duplicate_tag_is_refused_on_create_and_edit(db) -> None:
    make(db, asset_tag="HT-1")
    other = make(db, asset_tag="HT-2")
    with pytest.raises(ValidationError, match="既に使われています"):
        make(db, asset_tag="HT-1")
    with db.sessions.begin() as s, pytest.raises(ValidationError, match="既に使われています"):
        update_asset(s, other, {"asset_tag": "HT-1"})
    assert sorted(t for t, *_ in snapshot(db)) == ["HT-1", "HT-2"]


def test_several_errors_are_reported_together(db) -> None:
    with db.sessions.begin() as s, pytest.raises(ValidationError) as info:
        create_asset(s, {"asset_tag": "", "name": "", "ip_address": "x"})
    assert {e.field for e in info.value.errors} == {"asset_tag", "name", "ip_address"}


def test_update_and_delete(db) -> None:
    asset_id = make(db)
    with db.sessions.begin() as s:
        update_asset(s, asset_id, {"name": "更新後", "ip_address": " 10.0.0.5 "})
    assert snapshot(db) == [("HT-PC-0001", "更新後", None, "10.0.0.5")]
    with db.sessions.begin() as s:
        delete_asset(s, asset_id)
    with db.sessions() as s:
        assert s.execute(select(func.count(Asset.id))).scalar_one() == 0
        with pytest.raises(NotFoundError, match="見つかりません"):
            update_asset(s, asset_id, {"name": "x"})


def test_rows_carry_lookup_names(db) -> None:
    with db.sessions.begin() as s:
        dept = Department(name="税務課")
        s.add(dept)
        s.flush()
        create_asset(s, {"asset_tag": "B", "name": "二", "department_id": dept.id})
        create_asset(s, {"asset_tag": "A", "name": "一", "asset_type_id": 1})
    with db.sessions() as s:
        rows = load_asset_rows(s)
    assert [r.asset_tag for r in rows] == ["A", "B"]
    assert rows[0].type_name == "デスクトップPC"
    assert rows[1].department_name == "税務課"


def row(i: int, **kw) -> AssetRow:
    base = dict(
        id=i, asset_tag=f"HT-{i:04d}", name=f"端末{i}", asset_type_id=1, type_name="PC",
        status="in_use", segment="lgwan", department_id=1, department_name="総務課",
        location_id=1, location_name="本庁舎", user_name="", hostname="", ip_address="",
        maintenance_end=None, lease_end=None, eol_date=None,
    )  # fmt: skip
    base.update(kw)
    return AssetRow(**base)


ROWS = [
    row(0, eol_date=date(2025, 10, 14)),
    row(1, eol_date=date(2026, 11, 1)),
    row(2, eol_date=date(2027, 3, 1), segment="mynumber"),
    row(3, maintenance_end=date(2026, 12, 31), status="spare"),
    row(4, maintenance_end=date(2026, 10, 31), department_id=2),
    row(5, lease_end=date(2027, 5, 1), name="ファイルｻｰﾊﾞ"),
    row(6, lease_end=date(2027, 5, 2), hostname="SOMU-PC-06"),
]


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (AssetFilter(), [0, 1, 2, 3, 4, 5, 6]),
        (AssetFilter(lifecycle="eol_reached"), [0, 1]),
        (AssetFilter(lifecycle="eol_within", months=4), [1, 2]),
        (AssetFilter(lifecycle="maintenance_within", months=2), [3]),
        (AssetFilter(lifecycle="maintenance_expired"), [4]),
        (AssetFilter(lifecycle="lease_within", months=6), [5]),
        (AssetFilter(segments={"mynumber"}), [2]),
        (AssetFilter(statuses={"spare"}), [3]),
        (AssetFilter(department_ids={2}), [4]),
        (AssetFilter(text="サーバ"), [5]),
        (AssetFilter(text="ｓｏｍｕ"), [6]),
        (AssetFilter(segments={"lgwan"}, lifecycle="eol_reached"), [0, 1]),
    ],
)
def test_filter_rows(flt: AssetFilter, expected: list[int]) -> None:
    assert filter_rows(ROWS, flt, today=TODAY) == expected
