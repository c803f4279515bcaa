"""Links between records: one service, history on both records, announced changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.services import links
from app.services.errors import NotFoundError, ValidationError
from app.services.history import describe_history
from app.store import changes
from app.store.models import Asset, BusinessSystem, Contract, Notice, Runbook, contract_assets


@pytest.fixture
def records(db):
    with db.sessions.begin() as s:
        contract = Contract(title="基幹系保守")
        asset = Asset(asset_tag="SV-1", name="住民記録サーバ")
        system = BusinessSystem(name="住民記録システム")
        s.add_all([contract, asset, system])
        s.flush()
        return {"contract": contract.id, "asset": asset.id, "system": system.id}


def test_every_link_table_is_found_from_its_kinds() -> None:
    assert links.link_table("contract", "asset") == (contract_assets, "contract_id", "asset_id")
    assert links.link_table("asset", "contract") == (contract_assets, "asset_id", "contract_id")
    for a, b in (("asset", "system"), ("notice", "system"), ("runbook", "contact")):
        table, col_a, col_b = links.link_table(a, b)
        assert {col_a, col_b} <= set(table.c.keys())
    with pytest.raises(LookupError):
        links.link_table("asset", "department")  # a foreign key, not a link table


def test_linking_writes_history_on_both_records_and_is_announced(db, records) -> None:
    with changes.recording() as changed, db.sessions.begin() as s:
        assert links.link(s, "contract", records["contract"], "asset", records["asset"])
        assert not links.link(s, "contract", records["contract"], "asset", records["asset"])
    assert changed.ids == {"contract": {records["contract"]}, "asset": {records["asset"]}}
    with db.sessions() as s:
        (on_contract,) = [
            line for line in describe_history(s, "contracts", records["contract"])
            if line.action == "関連付け"
        ]  # fmt: skip
        (on_asset,) = [
            line for line in describe_history(s, "assets", records["asset"])
            if line.action == "関連付け"
        ]  # fmt: skip
        assert links.linked_ids(s, "asset", records["asset"], "contract") == [records["contract"]]
    assert on_contract.field == "資産" and "SV-1 住民記録サーバ" in on_contract.after
    assert on_asset.field == "契約" and "基幹系保守" in on_asset.after


def test_unlinking_writes_history_too(db, records) -> None:
    with db.sessions.begin() as s:
        links.link(s, "system", records["system"], "asset", records["asset"])
    with db.sessions.begin() as s:
        assert links.unlink(s, "system", records["system"], "asset", records["asset"])
        assert not links.unlink(s, "system", records["system"], "asset", records["asset"])
    with db.sessions() as s:
        actions = [line.action for line in describe_history(s, "assets", records["asset"])]
        assert actions[:2] == ["関連付けを解除", "関連付け"]
        assert links.linked_ids(s, "system", records["system"], "asset") == []


def test_a_missing_record_cannot_be_linked_and_nothing_is_written(db, records) -> None:
    with pytest.raises(NotFoundError) as info, db.sessions.begin() as s:
        links.link(s, "contract", records["contract"], "asset", 987654)
    assert "資産（ID 987654）は見つかりません" in str(info.value)
    with db.sessions() as s:
        assert s.execute(select(contract_assets)).all() == []


def test_a_record_cannot_be_linked_to_itself(db) -> None:
    with db.sessions.begin() as s:
        notice, runbook = Notice(issuer="総務省", title="通知"), Runbook(title="手順")
        s.add_all([notice, runbook])
    with pytest.raises(ValidationError) as info, db.sessions.begin() as s:
        links.link(s, "notice", notice.id, "notice", notice.id)
    assert "自分自身" in str(info.value.errors[0].message)
