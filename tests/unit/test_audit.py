"""The append-only change history written on every flush, and its Japanese description."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from app.services.history import describe_history
from app.services.inventory import assets
from app.store.audit import history_of
from app.store.models import Asset, ChangeLogEntry


def _asset_log(session, asset_id: int) -> list[ChangeLogEntry]:
    stmt = (
        select(ChangeLogEntry)
        .where(ChangeLogEntry.table_name == "assets", ChangeLogEntry.row_id == str(asset_id))
        .order_by(ChangeLogEntry.id)
    )
    return list(session.execute(stmt).scalars())


def _log_count(session) -> int:
    return session.execute(select(func.count()).select_from(ChangeLogEntry)).scalar_one()


def _new_asset(session, tag: str = "PC-0001", name: str = "総務課PC"):
    asset = assets.create_asset(session, {"asset_tag": tag, "name": name, "status": "in_use"})
    session.commit()
    return asset


def test_insert_is_logged_with_a_snapshot_under_the_record_id(session) -> None:
    asset = _new_asset(session)
    rows = _asset_log(session, asset.id)
    written = session.scalars(
        select(ChangeLogEntry.row_id).where(ChangeLogEntry.table_name == "assets")
    ).all()
    assert [r.action for r in rows] == ["insert"], (
        f"no insert history under row_id {asset.id!r}; row_ids written: {written}"
    )
    entry = rows[0]
    assert entry.actor == "tester"
    assert entry.field is None and entry.old_value is None
    snapshot = json.loads(entry.new_value or "")
    assert snapshot["asset_tag"] == "PC-0001"
    assert snapshot["name"] == "総務課PC"
    assert snapshot["status"] == "in_use"
    assert snapshot["id"] == asset.id


def test_insert_row_id_is_never_a_placeholder(session) -> None:
    _new_asset(session)
    ids = session.scalars(
        select(ChangeLogEntry.row_id).where(ChangeLogEntry.action == "insert")
    ).all()
    assert ids
    assert "?" not in ids, "insert history rows were written with row_id '?'"


def test_update_logs_one_row_per_changed_field(session) -> None:
    asset = _new_asset(session)
    before = _log_count(session)
    assets.update_asset(session, asset.id, {"name": "総務課PC（更新）", "status": "retiring"})
    session.commit()

    new_rows = session.scalars(
        select(ChangeLogEntry).where(ChangeLogEntry.id > before).order_by(ChangeLogEntry.id)
    ).all()
    assert all(r.action == "update" for r in new_rows)
    assert all(r.table_name == "assets" and r.row_id == str(asset.id) for r in new_rows)
    assert all(r.actor == "tester" for r in new_rows)
    by_field = {r.field: (r.old_value, r.new_value) for r in new_rows}
    # updated_at changed too, but is not history.
    assert by_field == {
        "name": ("総務課PC", "総務課PC（更新）"),
        "status": ("in_use", "retiring"),
    }


def test_setting_the_same_value_logs_nothing(session) -> None:
    asset = _new_asset(session)
    stamp = session.get(Asset, asset.id).updated_at
    before = _log_count(session)
    assets.update_asset(session, asset.id, {"name": "総務課PC", "status": "in_use"})
    session.commit()
    assert _log_count(session) == before
    assert session.get(Asset, asset.id).updated_at == stamp


def test_delete_logs_the_old_snapshot(session) -> None:
    asset = _new_asset(session)
    asset_id = asset.id
    assets.delete_asset(session, asset_id)
    session.commit()
    last = session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.id.desc())).first()
    assert last is not None
    assert (last.action, last.table_name, last.row_id) == ("delete", "assets", str(asset_id))
    assert last.actor == "tester"
    assert last.new_value is None
    old = json.loads(last.old_value or "")
    assert old["asset_tag"] == "PC-0001" and old["name"] == "総務課PC"


def test_change_log_is_append_only(session) -> None:
    _new_asset(session)
    assert _log_count(session) > 0
    with pytest.raises(DatabaseError) as info:
        session.execute(text("UPDATE change_log SET actor = 'someone else'"))
    assert "append-only" in str(info.value)
    session.rollback()
    with pytest.raises(DatabaseError) as info:
        session.execute(text("DELETE FROM change_log"))
    assert "append-only" in str(info.value)
    session.rollback()
    assert session.scalar(select(func.count()).where(ChangeLogEntry.actor == "someone else")) == 0
    assert _log_count(session) > 0


def test_describe_history_in_japanese_newest_first(session) -> None:
    asset = _new_asset(session)
    asset_id = asset.id
    assets.update_asset(session, asset_id, {"name": "総務課PC2", "status": "retiring"})
    session.commit()
    assets.delete_asset(session, asset_id)
    session.commit()

    lines = describe_history(session, "assets", asset_id)
    actions = [line.action for line in lines]
    assert actions == ["削除", "変更", "変更", "作成"]
    assert all(line.actor == "tester" for line in lines)
    assert lines[0].at >= lines[-1].at
    changes = {line.field: (line.before, line.after) for line in lines if line.action == "変更"}
    assert changes == {"名称": ("総務課PC", "総務課PC2"), "状態": ("稼働中", "廃棄予定")}
    assert "名称=総務課PC2" in lines[0].before and "状態=廃棄予定" in lines[0].before
    assert "資産管理番号=PC-0001" in lines[-1].after


def test_history_of_is_newest_first(session) -> None:
    asset = _new_asset(session)
    assets.update_asset(session, asset.id, {"name": "a"})
    session.commit()
    assets.update_asset(session, asset.id, {"name": "b"})
    session.commit()
    values = [e.new_value for e in history_of(session, "assets", asset.id) if e.action == "update"]
    assert values == ["b", "a"]


def test_rollback_writes_no_history(db) -> None:
    with db.sessions() as s:
        start = _log_count(s)
    with db.sessions() as s:
        asset = assets.create_asset(s, {"asset_tag": "TMP-1", "name": "取り消す"})
        assert asset.id is not None
        s.flush()
        s.rollback()
    with db.sessions() as s:
        assert _log_count(s) == start
        assert s.scalar(select(func.count()).select_from(Asset)) == 0


def test_actor_comes_from_the_session_factory(db) -> None:
    from app.store.engine import make_session_factory

    other = make_session_factory(db.engine, actor="山田")
    with other() as s:
        a = assets.create_asset(s, {"asset_tag": "PC-9", "name": "会議室PC"})
        s.commit()
        latest = s.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.id.desc())).first()
    assert latest is not None and latest.actor == "山田"
    assert latest.table_name == "assets"
    assert a.id is not None


def test_custom_field_changes_are_described_per_key(db) -> None:
    from app.services.history import describe_history
    from app.services.inventory.assets import create_asset
    from app.store.models import Asset

    with db.sessions.begin() as s:
        asset_id = create_asset(s, {"asset_tag": "HT-CF-1", "name": "端末"}).id
    with db.sessions.begin() as s:
        s.get(Asset, asset_id).custom_fields = {"管理シール": "済", "リース契約No": "L-1"}
    with db.sessions.begin() as s:
        s.get(Asset, asset_id).custom_fields = {"管理シール": "未", "リース契約No": "L-1"}
    with db.sessions() as s:
        lines = describe_history(s, "assets", asset_id)
    changed = [(ln.field, ln.before, ln.after) for ln in lines if ln.action == "変更"]
    # Newest save first; keys of one save in the stored (sorted) order.
    assert changed == [
        ("独自項目「管理シール」", "済", "未"),
        ("独自項目「リース契約No」", "", "L-1"),
        ("独自項目「管理シール」", "", "済"),
    ]
