"""Vendors, contacts, contracts, licences and business systems: validation messages per
field, create/update/delete, links, over-assignment, and deletes refused while in use."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from keyring.errors import KeyringLocked
from sqlalchemy import func, select

from app.secrets import SecretStore, SecretStoreError
from app.services.errors import NotFoundError, ValidationError
from app.services.inventory import contracts, licenses, systems, vendors
from app.services.inventory.assets import create_asset
from app.services.record_use import InUseError
from app.store.models import (
    Checklist,
    ChecklistTemplate,
    Contact,
    Contract,
    CredentialRef,
    License,
    LicenseAssignment,
    Runbook,
    Vendor,
    contract_assets,
    contract_systems,
    runbook_contacts,
)
from tests.integration.keyring_test_backend import MemoryKeyring


def count(db, what) -> int:
    with db.sessions() as s:
        return int(s.execute(select(func.count()).select_from(what)).scalar_one())


def write(db, fn, *args, **kwargs):
    with db.sessions.begin() as s:
        result = fn(s, *args, **kwargs)
        return getattr(result, "id", result)


@pytest.fixture
def world(db) -> dict[str, int]:
    with db.sessions.begin() as s:
        ids: dict[str, int] = {
            "vendor": vendors.create_vendor(s, {"name": "みらい情報システム"}).id,
            "server": create_asset(s, {"asset_tag": "SV-0001", "name": "住民記録サーバ"}).id,
            "pc": create_asset(s, {"asset_tag": "PC-0001", "name": "事務用PC"}).id,
        }
        ids["contract"] = contracts.create_contract(
            s, {"title": "住民記録システム保守", "vendor_id": ids["vendor"]}
        ).id
        ids["system"] = systems.create_system(s, {"name": "住民記録システム"}).id
        ids["license"] = licenses.create_license(s, {"product": "Office", "seats": 2}).id
    return ids


def errors_of(fn, *args: Any) -> list[tuple[str, str, str]]:
    with pytest.raises(ValidationError) as info:
        fn(*args)
    return [(e.field, e.label, e.message) for e in info.value.errors]


# --- vendors and contacts ----------------------------------------------------------------


def test_vendor_crud_and_rows(db) -> None:
    vid = write(db, vendors.create_vendor, {
        "name": "北辰電算", "phone": "011-222-3333", "support_hours": "平日 9:00〜17:30",
        "emergency_contact": "090-1111-2222（夜間）", "url": "https://hokushin.example.jp",
    })  # fmt: skip
    write(db, vendors.create_contact, vid, {"name": "山田 太郎", "email": "yamada@example.jp"})
    write(db, vendors.update_vendor, vid, {"support_hours": "24時間365日"})
    with db.sessions() as s:
        (row,) = vendors.load_vendor_rows(s)
        assert (row.name, row.support_hours, row.emergency_contact, row.contact_count) == (
            "北辰電算", "24時間365日", "090-1111-2222（夜間）", 1,
        )  # fmt: skip
        assert [c.name for c in vendors.load_contact_rows(s, vid)] == ["山田 太郎"]
    write(db, vendors.delete_vendor, vid)
    assert count(db, Vendor) == 0
    assert count(db, Contact) == 0  # contacts belong to the vendor


@pytest.mark.parametrize(
    ("data", "field", "label", "words"),
    [
        ({"name": ""}, "name", "名称", "必須"),
        ({"name": "みらい情報システム"}, "name", "名称", "既に登録"),
        ({"name": "x", "phone": "電話して"}, "phone", "代表電話", "電話番号"),
        ({"name": "x", "url": "mirai.example.jp"}, "url", "URL", "https://"),
        ({"name": "x", "support_hours": "長" * 201}, "support_hours", "サポート受付時間", "200"),
        ({"name": "x", "secret": "1"}, "secret", "secret", "不明な項目"),
    ],
)
def test_vendor_validation_names_the_field(db, world, data, field, label, words) -> None:
    before = count(db, Vendor)
    with db.sessions() as s:
        (found,) = errors_of(vendors.create_vendor, s, data)
    assert found[:2] == (field, label) and words in found[2]
    assert count(db, Vendor) == before


def test_contact_validation(db, world) -> None:
    with db.sessions() as s:
        found = errors_of(
            vendors.create_contact, s, world["vendor"], {"name": "", "email": "yamada@"}
        )
    assert [f[:2] for f in found] == [("name", "氏名"), ("email", "メール")]


def test_vendor_delete_refused_while_named_by_contracts(db, world) -> None:
    with pytest.raises(InUseError, match="契約 1件"):
        write(db, vendors.delete_vendor, world["vendor"])
    assert count(db, Vendor) == 1


def test_contact_in_a_runbook_is_not_deleted_silently(db, world) -> None:
    cid = write(db, vendors.create_contact, world["vendor"], {"name": "佐々木"})
    with db.sessions.begin() as s:
        runbook = Runbook(title="住基サーバ再起動")
        s.add(runbook)
        s.flush()
        s.execute(runbook_contacts.insert().values(runbook_id=runbook.id, contact_id=cid))
    with pytest.raises(InUseError, match="手順書 1件"):
        write(db, vendors.delete_contact, cid)
    assert count(db, Contact) == 1


# --- contracts ---------------------------------------------------------------------------


def test_contract_values_are_parsed(db, world) -> None:
    cid = write(db, contracts.create_contract, {
        "title": "PCリース", "kind": "lease", "start_date": "R4.1.1", "end_date": "令和8年12月31日",
        "amount_yen": "￥９,８００,０００円", "auto_renew": True, "notice_days": "９０",
    })  # fmt: skip
    with db.sessions() as s:
        c = s.get(Contract, cid)
        assert (c.kind, c.start_date, c.end_date, c.amount_yen, c.auto_renew, c.notice_days) == (
            "lease", date(2022, 1, 1), date(2026, 12, 31), 9_800_000, True, 90,
        )  # fmt: skip
        row = next(r for r in contracts.load_contract_rows(s) if r.id == cid)
        assert row.notice_by == date(2026, 10, 2)


@pytest.mark.parametrize(
    ("data", "field", "label", "words"),
    [
        ({"title": ""}, "title", "件名", "必須"),
        ({"kind": "rental"}, "kind", "種別", "不明な種別"),
        ({"start_date": "R8.4.1", "end_date": "R8.3.31"}, "end_date", "終了日", "開始日より前"),
        ({"amount_yen": "-1"}, "amount_yen", "金額（円）", "0以上"),
        ({"amount_yen": "百万円"}, "amount_yen", "金額（円）", "整数"),
        ({"notice_days": "-5"}, "notice_days", "解約予告（日前）", "0以上"),
        ({"end_date": "2026年2月30日"}, "end_date", "終了日", "存在しない"),
        ({"vendor_id": 99999}, "vendor_id", "ベンダー", "選択肢"),
        (
            {"start_date": "2026-04-01", "end_date": "2026-05-01", "notice_days": 90},
            "notice_days", "解約予告（日前）", "開始日より前",
        ),
    ],
)  # fmt: skip
def test_contract_validation_names_the_field(db, world, data, field, label, words) -> None:
    before = count(db, Contract)
    with db.sessions() as s:
        (found,) = errors_of(contracts.create_contract, s, {"title": "保守", **data})
    assert found[:2] == (field, label) and words in found[2], found
    assert count(db, Contract) == before


def test_update_checks_end_against_the_stored_start(db, world) -> None:
    write(db, contracts.update_contract, world["contract"], {"start_date": "2026-04-01"})
    with db.sessions() as s:
        (found,) = errors_of(
            contracts.update_contract, s, world["contract"], {"end_date": "2026-01-01"}
        )
    assert found[0] == "end_date"


def test_contract_covers_assets_and_systems(db, world) -> None:
    cid = world["contract"]
    assert write(db, contracts.link_asset_by_tag, cid, "SV-0001") is True
    assert write(db, contracts.link_asset_by_tag, cid, "SV-0001") is False  # once only
    write(db, contracts.link_system, cid, world["system"])
    with db.sessions() as s:
        covered = [i.label for i in contracts.list_contract_assets(s, cid)]
        assert covered == ["SV-0001　住民記録サーバ"]
        assert [i.label for i in contracts.list_contract_systems(s, cid)] == ["住民記録システム"]
        (found,) = errors_of(contracts.link_asset_by_tag, s, cid, "SV-9999")
        assert found[:2] == ("asset_tag", "資産管理番号") and "登録されていません" in found[2]
    write(db, contracts.unlink_asset, cid, world["server"])
    assert count(db, contract_assets) == 0
    write(db, contracts.delete_contract, cid)  # the system link goes with it
    assert count(db, contract_systems) == 0


def test_contract_named_by_a_licence_is_not_deleted(db, world) -> None:
    write(db, licenses.update_license, world["license"], {"contract_id": world["contract"]})
    with pytest.raises(InUseError, match="ライセンス 1件"):
        write(db, contracts.delete_contract, world["contract"])
    assert count(db, Contract) == 1
    with pytest.raises(NotFoundError):
        write(db, contracts.delete_contract, 99999)


# --- licences ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"product": ""}, "product", "必須"),
        ({"seats": "0"}, "seats", "1以上"),
        ({"seats": ""}, "seats", "必須"),
        ({"seats": "2.5"}, "seats", "整数"),
        ({"expiry_date": "R8.13.1"}, "expiry_date", ""),
        ({"contract_id": 99999}, "contract_id", "選択肢"),
    ],
)
def test_license_validation(db, world, data, field, words) -> None:
    with db.sessions() as s:
        (found,) = errors_of(licenses.create_license, s, {"product": "一太郎", "seats": 5, **data})
    assert found[0] == field and found[1] == licenses.FIELD_LABELS[field] and words in found[2]


def test_assignments_and_over_assignment(db, world) -> None:
    lid = world["license"]  # 2 seats
    write(db, licenses.assign, lid, asset_tag="PC-0001", assigned_on=date(2026, 4, 1))
    write(db, licenses.assign, lid, user_name="鈴木 花子")
    with db.sessions() as s:
        assert licenses.license_usage(s, over_only=True) == []
        (found,) = errors_of(lambda: licenses.assign(s, lid, user_name="鈴木 花子"))
        assert found[:2] == ("user_name", "利用者") and "既に" in found[2]
        (found,) = errors_of(lambda: licenses.assign(s, lid))
        assert "どちらか" in found[2]
    third = write(db, licenses.assign, lid, user_name="田中 次郎")
    with db.sessions() as s:
        (usage,) = licenses.license_usage(s, over_only=True)
        assert (usage.seats, usage.assigned, usage.over_by) == (2, 3, 1)
        row = next(r for r in licenses.load_license_rows(s) if r.id == lid)
        assert (row.assigned, row.over_by) == (3, 1)
        labels = [a.label for a in licenses.list_assignments(s, lid)]
        assert labels == ["PC-0001　事務用PC", "鈴木 花子", "田中 次郎"]
    write(db, licenses.unassign, third)
    with db.sessions() as s:
        assert licenses.license_usage(s, over_only=True) == []
    write(db, licenses.delete_license, lid)  # assignments go with it
    assert count(db, LicenseAssignment) == 0


def test_licence_key_reference_then_key_and_deleted_with_the_licence(db, world) -> None:
    lid = world["license"]
    store = SecretStore.in_memory()
    ref = licenses.set_license_key(db.sessions, store, lid, "  KEY-1  ")  # commits itself
    assert ref.label == f"ライセンスキー: Office #{lid}"
    with db.sessions() as s:
        assert s.get(License, lid).key_credential_id == ref.id
        assert licenses.get_license_key(s, store, lid) == "KEY-1"
        assert licenses.load_license_rows(s)[0].has_key
    assert licenses.set_license_key(db.sessions, store, lid, "KEY-2").id == ref.id
    assert store.get(ref) == "KEY-2" and count(db, CredentialRef) == 1
    (found,) = errors_of(licenses.set_license_key, db.sessions, store, lid, "KEY\x00-3")
    assert found == (
        "license_key",
        "ライセンスキー",
        "4096文字以内で、制御文字を含めないでください",
    )
    assert store.get(ref) == "KEY-2"
    write(db, licenses.delete_license, lid, store)
    assert store.get(ref) is None and count(db, CredentialRef) == 0


def test_a_refused_licence_key_leaves_the_licence_without_a_reference(db, world) -> None:
    class Locked(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise KeyringLocked("locked")

    with pytest.raises(SecretStoreError):
        licenses.set_license_key(db.sessions, SecretStore(Locked()), world["license"], "KEY")
    assert count(db, CredentialRef) == 0
    with db.sessions() as s:
        assert s.get(License, world["license"]).key_credential_id is None


# --- business systems --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"name": "住民記録システム"}, "name", "既に登録"),
        ({"tokutei_iko": True}, "tokutei_reason", "事由（1〜4）を選んで"),
        ({"tokutei_iko": True, "tokutei_reason": 5}, "tokutei_reason", "1〜4"),
        ({"tokutei_iko": False, "tokutei_reason": 2}, "tokutei_reason", "でない場合"),
        ({"tokutei_deadline": "2031-03-31"}, "tokutei_deadline", "でない場合"),
        ({"standard_business_id": "nosuch"}, "standard_business_id", "選択肢"),
        ({"segment": "dmz"}, "segment", "ネットワーク区分"),
    ],
)
def test_system_validation(db, world, data, field, words) -> None:
    with db.sessions() as s:
        (found,) = errors_of(systems.create_system, s, {"name": "財務会計", **data})
    assert found[0] == field and found[1] == systems.FIELD_LABELS[field] and words in found[2]


def test_system_with_tokutei_servers_and_contracts(db, world) -> None:
    sid = write(db, systems.create_system, {
        "name": "税務システム", "standard_business_id": "kotei", "vendor_id": world["vendor"],
        "tokutei_iko": True, "tokutei_reason": "1", "tokutei_deadline": "R13.3.31",
    })  # fmt: skip
    write(db, systems.link_server_by_tag, sid, "SV-0001")
    write(db, systems.link_contract, sid, world["contract"])
    with db.sessions() as s:
        row = next(r for r in systems.load_system_rows(s) if r.id == sid)
        assert (row.standard_business, row.tokutei_reason, row.tokutei_deadline) == (
            "固定資産税", 1, date(2031, 3, 31),
        )  # fmt: skip
        assert (row.server_count, row.contract_count) == (1, 1)
        assert [c.label for c in systems.list_system_contracts(s, sid)] == ["住民記録システム保守"]
    # Clearing the flag needs the reason and deadline cleared too.
    with db.sessions() as s:
        found = errors_of(systems.update_system, s, sid, {"tokutei_iko": False})
    assert {f[0] for f in found} == {"tokutei_reason", "tokutei_deadline"}
    write(db, systems.update_system, sid,
          {"tokutei_iko": False, "tokutei_reason": None, "tokutei_deadline": ""})  # fmt: skip
    write(db, systems.unlink_server, sid, world["server"])
    write(db, systems.delete_system, sid)
    assert count(db, contract_systems) == 0


def test_system_with_a_checklist_is_not_deleted(db, world) -> None:
    with db.sessions.begin() as s:
        template = s.execute(select(ChecklistTemplate)).scalars().first()
        s.add(Checklist(template_id=template.id, name="住基 40手順", system_id=world["system"]))
    with pytest.raises(InUseError, match="チェックリスト 1件"):
        write(db, systems.delete_system, world["system"])
    with db.sessions() as s:
        assert systems.get_system(s, world["system"]).name == "住民記録システム"
