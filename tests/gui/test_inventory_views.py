"""The inventory pages end to end: contracts, vendors and contacts, licences (over-
assignment, keys through an in-memory keyring), systems, warnings, the area, dashboard."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QMessageBox
from sqlalchemy import func, select

from app.secrets import NO_KEYRING_MESSAGE, SecretStore
from app.services.inventory import contracts, licenses, systems, vendors
from app.services.inventory.assets import create_asset
from app.store.models import Asset, BusinessSystem, Contact, Contract, License, Setting, Vendor
from app.ui.alert_colors import ALERT_COLORS
from tests.integration.keyring_test_backend import MemoryKeyring

pytestmark = pytest.mark.gui
KEY = "VK7Q2-PLM9W-RT4ZB-88HJD"
T = 10_000


@pytest.fixture
def backend(ctx) -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    ctx.secrets = SecretStore.from_keyring()
    yield memory
    keyring.set_keyring(previous)


@pytest.fixture
def world(db) -> dict[str, int]:
    with db.sessions.begin() as s:
        ids = {
            "vendor": vendors.create_vendor(s, {
                "name": "みらい情報システム", "support_hours": "平日 9:00〜17:30",
                "emergency_contact": "090-1111-2222",
            }).id,
            "spare_vendor": vendors.create_vendor(s, {"name": "使われていない商事"}).id,
            "server": create_asset(s, {"asset_tag": "SV-0001", "name": "住民記録サーバ",
                                       "maintenance_end": date(2026, 12, 31)}).id,
            "pc": create_asset(s, {"asset_tag": "PC-0001", "name": "事務用PC"}).id,
            "pc2": create_asset(s, {"asset_tag": "PC-0002", "name": "窓口PC"}).id,
        }  # fmt: skip
        ids["contract"] = contracts.create_contract(s, {
            "title": "住民記録システム保守", "vendor_id": ids["vendor"], "start_date": "2026-04-01",
            "end_date": "2027-03-31", "auto_renew": True, "notice_days": 90,
        }).id  # fmt: skip
        ids["old_contract"] = contracts.create_contract(s, {"title": "旧保守"}).id
        ids["license"] = licenses.create_license(s, {"product": "Office", "seats": 1}).id
        licenses.assign(s, ids["license"], asset_tag="PC-0001")
        licenses.assign(s, ids["license"], user_name="鈴木 花子")
        ids["system"] = systems.create_system(s, {"name": "住民記録システム"}).id
        contracts.link_asset(s, ids["contract"], ids["server"])
    return ids


def count(db, model) -> int:
    with db.sessions() as s:
        return int(s.execute(select(func.count(model.id))).scalar_one())


def open_page(qtbot, view) -> Any:
    qtbot.addWidget(view)
    view.resize(1400, 800)
    view.show()
    with qtbot.waitSignal(view.ready, timeout=T):
        view.activate()
    return view


def show(qtbot, view, record_id: int) -> None:
    with qtbot.waitSignal(view.editor.loaded, timeout=T):
        view.show_record(record_id)
    assert view.editor.current_id == record_id and view.editor.mode() == "edit"


def set_field(form, name: str, value: Any) -> None:
    widget = form.inputs[name]
    if isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(widget.findData(value))
    elif isinstance(widget, QLineEdit):
        widget.setText(value)
    else:  # JDateEdit
        widget.setText(value)


def yes_to_questions(monkeypatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)


# --- contracts ---------------------------------------------------------------------------


def test_contracts_load_edit_and_show_history(qtbot, qtmodeltester, ctx, db, world) -> None:
    from app.ui.inventory.contracts_view import ContractsView

    view = open_page(qtbot, ContractsView(ctx))
    qtmodeltester.check(view.model)
    assert view.model.rowCount() == 2
    row = view.model.row_for_id(world["contract"])
    assert view.model.alert_of(row) == "warn"  # notice deadline 2026-12-31 within 120 days
    show(qtbot, view, world["contract"])
    editor = view.contract_editor
    qtbot.waitUntil(lambda: editor.assets_panel.items() == ["SV-0001　住民記録サーバ"], timeout=T)
    set_field(editor.form, "amount_yen", "1,320,000")
    with qtbot.waitSignals([editor.saved, view.ready], timeout=T):
        editor.save()
    with db.sessions() as s:
        assert s.get(Contract, world["contract"]).amount_yen == 1_320_000

    def fields() -> set[str]:
        table = view.history.table
        return {table.item(r, 3).text() for r in range(table.rowCount())}

    qtbot.waitUntil(lambda: "金額（円）" in fields(), timeout=T)
    assert "資産" in fields()  # the link made by the fixture, on the contract's side


def test_contract_validation_shown_and_nothing_written(qtbot, ctx, db, world) -> None:
    from app.ui.inventory.contracts_view import ContractsView

    view = open_page(qtbot, ContractsView(ctx))
    show(qtbot, view, world["contract"])
    editor = view.contract_editor
    set_field(editor.form, "end_date", "R8.3.1")
    set_field(editor.form, "amount_yen", "-5")
    editor.save()
    qtbot.waitUntil(lambda: editor.message.isVisible(), timeout=T)
    assert "保存していません" in editor.message.text()
    assert editor.form.field_error("end_date") == "開始日より前の日付です"
    assert "0以上" in editor.form.field_error("amount_yen")
    with db.sessions() as s:
        c = s.get(Contract, world["contract"])
        assert (c.end_date, c.amount_yen) == (date(2027, 3, 31), None)


def test_contract_links_and_delete(qtbot, ctx, db, world, monkeypatch) -> None:
    from app.ui.inventory.contracts_view import ContractsView

    view = open_page(qtbot, ContractsView(ctx))
    show(qtbot, view, world["old_contract"])
    panel = view.contract_editor.assets_panel
    panel.text_input.setText("NO-SUCH")
    panel.add_current()
    qtbot.waitUntil(lambda: "登録されていません" in panel.error_label.text(), timeout=T)
    panel.text_input.setText("PC-0002")
    with qtbot.waitSignal(panel.written, timeout=T):
        panel.add_current()
    qtbot.waitUntil(lambda: panel.items() == ["PC-0002　窓口PC"], timeout=T)
    systems_panel = view.contract_editor.systems_panel
    qtbot.waitUntil(lambda: systems_panel.choice_input.count() == 1, timeout=T)
    # The list reloads on the write (a reload begun earlier is superseded by this one).
    with qtbot.waitSignals([systems_panel.written, view.ready], timeout=T):
        systems_panel.add_current()
    qtbot.waitUntil(lambda: systems_panel.items() == ["住民記録システム"], timeout=T)
    yes_to_questions(monkeypatch)
    with qtbot.waitSignals([view.contract_editor.deleted, view.ready], timeout=T):
        view.contract_editor.delete()
    assert view.model.rowCount() == 1 and count(db, Contract) == 1


# --- vendors and contacts ----------------------------------------------------------------


def test_vendor_and_contacts(qtbot, ctx, db, world, monkeypatch) -> None:
    from app.ui.inventory.vendors_view import VendorsView

    view = open_page(qtbot, VendorsView(ctx))
    texts = [view.model.data(view.model.index(r, 2)) for r in range(view.model.rowCount())]
    assert "平日 9:00〜17:30" in texts
    show(qtbot, view, world["vendor"])
    contacts = view.contacts
    assert contacts.new_button.isEnabled()
    with qtbot.waitSignal(contacts.editor.loaded, timeout=T):
        contacts.new_contact()
    set_field(contacts.editor.form, "name", "山田 太郎")
    set_field(contacts.editor.form, "email", "yamada@")
    contacts.editor.save()
    qtbot.waitUntil(lambda: contacts.editor.form.field_error("email") != "", timeout=T)
    assert count(db, Contact) == 0
    set_field(contacts.editor.form, "email", "yamada@mirai.example.jp")
    with qtbot.waitSignals([contacts.editor.saved, view.ready], timeout=T):
        contacts.editor.save()
    qtbot.waitUntil(lambda: contacts.model.rowCount() == 1, timeout=T)
    assert view.model.row_object(view.model.row_for_id(world["vendor"])).contact_count == 1
    # Emergency contact edited and saved.
    set_field(view.vendor_editor.form, "emergency_contact", "0120-000-111（夜間・休日）")
    with qtbot.waitSignal(view.vendor_editor.saved, timeout=T):
        view.vendor_editor.save()
    with db.sessions() as s:
        assert s.get(Vendor, world["vendor"]).emergency_contact == "0120-000-111（夜間・休日）"
    # A vendor named by a contract is not deleted; an unused one is.
    yes_to_questions(monkeypatch)
    qtbot.waitUntil(lambda: view.vendor_editor.delete_button.isEnabled(), timeout=T)
    view.vendor_editor.delete()
    qtbot.waitUntil(lambda: "削除できません" in view.vendor_editor.message.text(), timeout=T)
    assert count(db, Vendor) == 2
    show(qtbot, view, world["spare_vendor"])
    with qtbot.waitSignals([view.vendor_editor.deleted, view.ready], timeout=T):
        view.vendor_editor.delete()
    assert count(db, Vendor) == 1 and not contacts.new_button.isEnabled()


# --- licences ----------------------------------------------------------------------------


def test_licence_over_assignment_is_red(qtbot, ctx, world, backend) -> None:
    from app.ui.inventory.licenses_view import LicensesView

    view = open_page(qtbot, LicensesView(ctx))
    row = view.model.row_for_id(world["license"])
    assert view.model.row_object(row).over_by == 1
    over = view.model.index(row, 4)
    assert view.model.data(over) == "1"
    background = view.model.data(over, Qt.ItemDataRole.BackgroundRole)
    assert background.color() == ALERT_COLORS["error"][0]
    show(qtbot, view, world["license"])
    editor = view.license_editor
    qtbot.waitUntil(lambda: editor.assignments.list.count() == 2, timeout=T)
    assert "1席超過" in editor.usage_label.text()
    assert "#b00020" in editor.usage_label.styleSheet()
    # Remove one assignment: no longer over.
    editor.assignments.list.setCurrentRow(1)
    with qtbot.waitSignal(view.ready, timeout=T):
        editor.assignments.remove_selected()
    qtbot.waitUntil(lambda: editor.assignments.list.count() == 1, timeout=T)
    assert "超過" not in editor.usage_label.text()
    assert view.model.alert_of(view.model.row_for_id(world["license"])) is None


def test_licence_seats_validation(qtbot, ctx, db, world, backend) -> None:
    from app.ui.inventory.licenses_view import LicensesView

    view = open_page(qtbot, LicensesView(ctx))
    show(qtbot, view, world["license"])
    set_field(view.license_editor.form, "seats", "0")
    view.license_editor.save()
    qtbot.waitUntil(lambda: view.license_editor.form.field_error("seats") != "", timeout=T)
    assert "1以上" in view.license_editor.form.field_error("seats")
    with db.sessions() as s:
        assert s.get(License, world["license"]).seats == 1


def test_licence_key_saved_and_shown_through_the_keyring(qtbot, ctx, db, world, backend) -> None:
    from app.ui.inventory.licenses_view import LicensesView

    view = open_page(qtbot, LicensesView(ctx))
    show(qtbot, view, world["license"])
    panel = view.license_editor.key_panel
    assert "MemoryKeyring" in panel.store_label.text()
    assert panel.key_edit.echoMode() == QLineEdit.EchoMode.Password
    panel.key_edit.setText(KEY)
    with qtbot.waitSignal(panel.key_saved, timeout=T):
        panel.save_key()
    assert list(backend.secrets.values()) == [KEY]
    assert panel.key_edit.text() == ""
    with db.sessions() as s:
        assert s.get(License, world["license"]).key_credential_id is not None
    with qtbot.waitSignal(panel.key_shown, timeout=T):
        panel.show_button.click()
    assert panel.key_edit.text() == KEY
    assert panel.key_edit.echoMode() == QLineEdit.EchoMode.Normal
    panel.show_button.click()
    assert panel.key_edit.text() == "" and panel.key_edit.echoMode() == QLineEdit.EchoMode.Password


def test_without_a_keyring_the_panel_says_so(qtbot, ctx, world) -> None:
    from app.ui.inventory.licenses_view import LicensesView

    ctx.secrets = SecretStore.in_memory()
    view = open_page(qtbot, LicensesView(ctx))
    show(qtbot, view, world["license"])
    panel = view.license_editor.key_panel
    assert panel.store_label.text() == NO_KEYRING_MESSAGE
    panel.key_edit.setText(KEY)
    with qtbot.waitSignal(panel.key_saved, timeout=T):
        panel.save_key()
    with qtbot.waitSignal(panel.key_shown, timeout=T):
        panel.show_button.click()
    assert panel.key_edit.text() == KEY  # kept in memory for this run


# --- systems -----------------------------------------------------------------------------


def test_new_system_with_tokutei_validation(qtbot, ctx, db, world) -> None:
    from app.ui.inventory.systems_view import SystemsView

    view = open_page(qtbot, SystemsView(ctx))
    editor = view.system_editor
    with qtbot.waitSignal(editor.loaded, timeout=T):
        view.new_record()
    assert editor.form.inputs["standard_business_id"].count() >= 21  # 20 業務 + empty
    assert not editor.form.inputs["tokutei_reason"].isEnabled()
    set_field(editor.form, "name", "税務システム")
    set_field(editor.form, "standard_business_id", "kotei")
    editor.form.inputs["tokutei_iko"].click()  # like a user: fills the default deadline
    assert editor.form.inputs["tokutei_deadline"].text() == "2031-03-31"
    editor.save()
    qtbot.waitUntil(lambda: editor.form.field_error("tokutei_reason") != "", timeout=T)
    assert "事由" in editor.form.field_error("tokutei_reason")
    assert count(db, BusinessSystem) == 1
    set_field(editor.form, "tokutei_reason", 3)
    with qtbot.waitSignals([editor.saved, view.ready], timeout=T):
        editor.save()
    with db.sessions() as s:
        made = s.execute(select(BusinessSystem).where(BusinessSystem.name == "税務システム"))
        system = made.scalar_one()
        assert (system.tokutei_iko, system.tokutei_reason, system.tokutei_deadline) == (
            True, 3, date(2031, 3, 31),
        )  # fmt: skip
        assert system.standard_business_id == "kotei"
    panel = editor.servers_panel
    qtbot.waitUntil(lambda: panel.add_button.isEnabled(), timeout=T)
    panel.text_input.setText("SV-0001")
    with qtbot.waitSignal(panel.written, timeout=T):
        panel.add_current()
    qtbot.waitUntil(lambda: panel.items() == ["SV-0001　住民記録サーバ"], timeout=T)


# --- warnings, the area, the dashboard ---------------------------------------------------


def test_warnings_view_lists_and_opens_records(qtbot, ctx, db, world) -> None:
    from app.ui.inventory.warnings_view import WarningsView

    with db.sessions.begin() as s:
        s.get(Asset, world["pc"]).last_seen_at = datetime(2026, 5, 1)
    view = open_page(qtbot, WarningsView(ctx))
    kinds = {w.kind for w in view.warnings()}
    assert {"license_over", "contract_notice", "maintenance_ending", "not_seen"} <= kinds
    view.set_kind("license_over")
    assert [w.ref_id for w in view.warnings()] == [world["license"]]
    index = view.table.model().index(0, 1)
    centre = view.table.visualRect(index).center()
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    with qtbot.waitSignal(view.record_requested, timeout=T) as blocker:
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert blocker.args == ["license", world["license"]]
    # Narrow the maintenance window: the server's maintenance end is no longer warned.
    view.set_kind(None)
    view.windows_form.spins["maintenance_days"].setValue(30)
    with qtbot.waitSignals([view.windows_form.saved, view.ready], timeout=T):
        view.windows_form.save()
    assert "maintenance_ending" not in {w.kind for w in view.warnings()}
    with db.sessions() as s:
        assert s.get(Setting, "lifecycle.windows").value["maintenance_days"] == 30


def test_inventory_area_tabs_and_records(qtbot, ctx, world, backend) -> None:
    from app.ui.assets.ledger_view import AssetLedgerView
    from app.ui.inventory.area import TAB_KEYS, InventoryArea

    area = InventoryArea(ctx, AssetLedgerView(ctx))
    qtbot.addWidget(area)
    titles = [area.tabs.tabText(i) for i in range(area.tabs.count())]
    assert titles[:3] == ["資産", "契約", "ベンダー・連絡先"]
    assert titles[3:] == ["ライセンス", "業務システム", "期限・警告", "棚卸"]
    with qtbot.waitSignal(area.ready, timeout=T):
        area.activate()
    for key in TAB_KEYS[1:]:
        with qtbot.waitSignal(area.ready, timeout=T):
            area.show_tab(key)
        assert area.current_key() == key
    with qtbot.waitSignal(area.contracts.editor.loaded, timeout=T):
        area.open_record("contract", world["contract"])
    assert area.current_key() == "contracts"
    assert "task" not in area.opens  # the main window shows it elsewhere


def test_dashboard_counts_warnings_per_kind(qtbot, ctx, world) -> None:
    from PySide6.QtWidgets import QLabel

    from app.ui.views.dashboard import DashboardView

    view = DashboardView(ctx)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.ready, timeout=T):
        view.activate()
    cards = [w for w in view.findChildren(QLabel, "warning") if w.text()]
    over = next(c for c in cards if "ライセンス割当超過" in c.text())
    assert "href='license_over'" in over.text() and ">1<" in over.text()
    assert any("解約予告期限" in c.text() and "120日以内" in c.text() for c in cards)
    due = {view._due.item(r, 1).text() for r in range(view._due.rowCount())}
    assert {"解約予告期限", "保守終了"} <= due
    with qtbot.waitSignal(view.open_warnings, timeout=T) as blocker:
        over.linkActivated.emit("license_over")
    assert blocker.args == ["license_over"]
