"""No edit is ever lost: every editor asks 保存 / 破棄 / キャンセル before its input is left
behind — another record, a new one, another tab or view, the window closed."""

from __future__ import annotations

from typing import Any

import keyring
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget
from sqlalchemy import select

from app.secrets import SecretStore
from app.services.inventory import contracts, licenses, systems, vendors
from app.services.inventory.assets import create_asset
from app.services.inventory.custom_fields import load_field_specs
from app.store.models import Asset, BusinessSystem, Contact, Contract, License, Vendor
from app.ui.widgets import unsaved
from app.ui.widgets.unsaved import Choice
from tests.gui.user_input import type_text
from tests.integration.keyring_test_backend import MemoryKeyring

pytestmark = pytest.mark.gui
T = 10_000
SAVE, DISCARD, CANCEL = Choice.SAVE, Choice.DISCARD, Choice.CANCEL


@pytest.fixture
def world(db) -> dict[str, int]:
    with db.sessions.begin() as s:
        ids = {
            "pc": create_asset(s, {"asset_tag": "PC-0001", "name": "事務用PC"}).id,
            "pc2": create_asset(s, {"asset_tag": "PC-0002", "name": "窓口PC"}).id,
            "vendor": vendors.create_vendor(s, {"name": "みらい情報システム"}).id,
            "vendor2": vendors.create_vendor(s, {"name": "ひかり商事"}).id,
            "contract": contracts.create_contract(s, {"title": "住民記録システム保守"}).id,
            "contract2": contracts.create_contract(s, {"title": "複合機保守"}).id,
            "license": licenses.create_license(s, {"product": "Office", "seats": 5}).id,
            "license2": licenses.create_license(s, {"product": "一太郎", "seats": 2}).id,
            "system": systems.create_system(s, {"name": "住民記録システム"}).id,
            "system2": systems.create_system(s, {"name": "税務システム"}).id,
        }
        ids["contact"] = vendors.create_contact(s, ids["vendor"], {"name": "山田 太郎"}).id
        ids["contact2"] = vendors.create_contact(s, ids["vendor"], {"name": "佐藤 次郎"}).id
    return ids


def value_of(db, model: type, record_id: int, field: str) -> Any:
    with db.sessions() as s:
        return getattr(s.get(model, record_id), field)


# --- the record views: one case per editor -------------------------------------------------

# (view module, class, editor attribute, model, field, first, second, new value, saved value)
EDITORS = {
    "contract": ("contracts_view", "ContractsView", "contract_editor", Contract, "title",
                 "contract", "contract2", "保守（改）", "保守（改）"),
    "vendor": ("vendors_view", "VendorsView", "vendor_editor", Vendor, "name",
               "vendor", "vendor2", "みらい情報（改）", "みらい情報（改）"),
    "license": ("licenses_view", "LicensesView", "license_editor", License, "product",
                "license", "license2", "Office 2024", "Office 2024"),
    "system": ("systems_view", "SystemsView", "system_editor", BusinessSystem, "name",
               "system", "system2", "住基システム", "住基システム"),
}  # fmt: skip


def open_record_view(qtbot, ctx, case: str) -> Any:
    module, cls = EDITORS[case][:2]
    view_class = getattr(__import__(f"app.ui.inventory.{module}", fromlist=[cls]), cls)
    view = view_class(ctx)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    with qtbot.waitSignal(view.ready, timeout=T):
        view.activate()
    return view


def show(qtbot, view, record_id: int) -> None:
    with qtbot.waitSignal(view.editor.loaded, timeout=T):
        view.show_record(record_id)


def choose_row(view, record_id: int) -> None:
    """Click another row, as a user does (the table emits ``record_chosen``)."""
    row = view.model.row_for_id(record_id)
    index = view.table.proxy.mapFromSource(view.model.index(row, 0))
    view.table.setCurrentIndex(index)


@pytest.mark.parametrize("case", sorted(EDITORS))
def test_choosing_another_record_asks_and_each_answer_does_what_it_says(
    qtbot, ctx, db, world, questions, case: str
) -> None:
    _m, _c, _attr, model, field, first, second, typed, saved = EDITORS[case]
    view = open_record_view(qtbot, ctx, case)
    editor = view.editor
    show(qtbot, view, world[first])
    original = value_of(db, model, world[first], field)
    type_text(qtbot, editor.form.inputs[field], typed)
    assert editor.has_unsaved()

    # キャンセル: nothing moves, the input stays, the row of the edited record stays selected.
    questions.answer(CANCEL)
    choose_row(view, world[second])
    # The question names the record by what is saved, not by the input.
    assert len(questions.asked) == 1 and original in questions.asked[0]
    assert editor.current_id == world[first]
    assert editor.form.inputs[field].text() == typed
    assert view.table.selected_id() == world[first]
    assert value_of(db, model, world[first], field) == original

    # 破棄: the other record opens, nothing was written.
    questions.answer(DISCARD)
    with qtbot.waitSignal(editor.loaded, timeout=T):
        choose_row(view, world[second])
    assert editor.current_id == world[second]
    assert value_of(db, model, world[first], field) == original

    # 保存: written first, then the other record opens.
    show(qtbot, view, world[first])
    type_text(qtbot, editor.form.inputs[field], typed)
    questions.answer(SAVE)
    with qtbot.waitSignal(editor.saved, timeout=T):
        view.show_record(world[second])
    qtbot.waitUntil(lambda: editor.current_id == world[second] and editor.mode() == "edit")
    assert value_of(db, model, world[first], field) == saved
    assert len(questions.asked) == 3


def test_a_refused_save_keeps_the_user_on_the_record(qtbot, ctx, db, world, questions) -> None:
    view = open_record_view(qtbot, ctx, "contract")
    editor = view.editor
    show(qtbot, view, world["contract"])
    type_text(qtbot, editor.form.inputs["title"], "")  # required
    questions.answer(SAVE)
    choose_row(view, world["contract2"])
    qtbot.waitUntil(lambda: editor.message.isVisible(), timeout=T)
    assert "保存していません" in editor.message.text()
    assert editor.current_id == world["contract"]
    assert editor.has_unsaved()
    assert view.table.selected_id() == world["contract"]
    assert value_of(db, Contract, world["contract"], "title") == "住民記録システム保守"


def test_new_record_asks_about_a_new_record_being_typed(qtbot, ctx, db, world, questions) -> None:
    view = open_record_view(qtbot, ctx, "system")
    with qtbot.waitSignal(view.editor.loaded, timeout=T):
        view.new_record()
    type_text(qtbot, view.editor.form.inputs["name"], "戸籍システム")
    questions.answer(CANCEL)
    view.new_record()
    assert questions.asked == ["新しい業務システム"]
    assert view.editor.form.inputs["name"].text() == "戸籍システム"
    questions.answer(SAVE)
    with qtbot.waitSignal(view.editor.saved, timeout=T):
        view.new_record()
    qtbot.waitUntil(lambda: view.editor.mode() == "new" and not view.editor.has_unsaved())
    with db.sessions() as s:
        names = set(s.scalars(select(BusinessSystem.name)))
    assert "戸籍システム" in names


def test_contacts_ask_before_another_contact_or_vendor(qtbot, ctx, db, world, questions) -> None:
    view = open_record_view(qtbot, ctx, "vendor")
    show(qtbot, view, world["vendor"])
    contacts = view.contacts
    qtbot.waitUntil(lambda: contacts.model.rowCount() == 2, timeout=T)
    with qtbot.waitSignal(contacts.editor.loaded, timeout=T):
        contacts.table.record_chosen.emit(world["contact"])
    type_text(qtbot, contacts.editor.form.inputs["phone"], "0120-111-222")
    questions.answer(CANCEL)
    contacts.table.record_chosen.emit(world["contact2"])
    assert questions.asked == ["連絡先「山田 太郎」"]
    assert contacts.editor.current_id == world["contact"]
    # Another vendor: the contact's input is asked about too (it is in the vendor's page).
    questions.answer(CANCEL)
    choose_row(view, world["vendor2"])
    assert len(questions.asked) == 2
    assert view.editor.current_id == world["vendor"]
    # Saving the vendor itself keeps the contact being edited.
    type_text(qtbot, view.editor.form.inputs["phone"], "03-0000-0000")
    with qtbot.waitSignal(view.editor.saved, timeout=T):
        view.editor.save()
    qtbot.waitUntil(lambda: view.editor.mode() == "edit" and not view.editor.has_unsaved())
    assert contacts.editor.form.inputs["phone"].text() == "0120-111-222"
    questions.answer(SAVE)
    with qtbot.waitSignal(contacts.editor.saved, timeout=T):
        contacts.new_contact()
    assert value_of(db, Contact, world["contact"], "phone") == "0120-111-222"


def test_a_typed_licence_key_is_not_lost(qtbot, ctx, db, world, questions) -> None:
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    ctx.secrets = SecretStore.from_keyring()
    try:
        view = open_record_view(qtbot, ctx, "license")
        show(qtbot, view, world["license"])
        panel = view.license_editor.key_panel
        qtbot.waitUntil(lambda: panel.key_edit.isEnabled(), timeout=T)
        panel.key_edit.setText("VK7Q2-PLM9W")
        panel.key_edit.textEdited.emit("VK7Q2-PLM9W")
        assert panel.has_unsaved()
        # Saving the licence's own fields keeps the key being typed.
        type_text(qtbot, view.editor.form.inputs["product"], "Office 2024")
        with qtbot.waitSignal(view.editor.saved, timeout=T):
            view.editor.save()
        qtbot.waitUntil(lambda: view.editor.mode() == "edit" and not view.editor.has_unsaved())
        assert panel.key_edit.text() == "VK7Q2-PLM9W"
        questions.answer(SAVE)
        with qtbot.waitSignal(panel.key_saved, timeout=T):
            choose_row(view, world["license2"])
        qtbot.waitUntil(lambda: view.editor.current_id == world["license2"], timeout=T)
        assert questions.asked == ["ライセンスキーの入力欄"]
        assert list(memory.secrets.values()) == ["VK7Q2-PLM9W"]
    finally:
        keyring.set_keyring(previous)


# --- the asset ledger and its 独自項目 dialog ------------------------------------------------


def open_ledger(qtbot, ctx) -> Any:
    from app.ui.assets.ledger_view import AssetLedgerView

    view = AssetLedgerView(ctx)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    with qtbot.waitSignal(view.ready, timeout=T):
        view.activate()
    return view


def test_the_asset_editor_asks_before_another_asset(qtbot, ctx, db, world, questions) -> None:
    view = open_ledger(qtbot, ctx)
    with qtbot.waitSignal(view.editor.loaded, timeout=T):
        view.show_asset(world["pc"])
    type_text(qtbot, view.editor.form.inputs["user_name"], "未保存の入力")
    questions.answer(CANCEL)
    view.table.selectRow(view.model.row_for_id(world["pc2"]))
    assert questions.asked == ["資産「PC-0001　事務用PC」"]
    assert view.editor.current_asset_id == world["pc"]
    assert view.table.selected_asset_id() == world["pc"]
    assert view.editor.form.inputs["user_name"].text() == "未保存の入力"
    questions.answer(SAVE)
    with qtbot.waitSignal(view.editor.saved, timeout=T):
        view.table.selectRow(view.model.row_for_id(world["pc2"]))
    qtbot.waitUntil(lambda: view.editor.current_asset_id == world["pc2"], timeout=T)
    qtbot.waitUntil(lambda: view.editor.mode() == "edit", timeout=T)
    assert view.table.selected_asset_id() == world["pc2"]
    assert value_of(db, Asset, world["pc"], "user_name") == "未保存の入力"


def test_the_custom_fields_dialog_asks_before_closing_or_moving(qtbot, ctx, db, questions) -> None:
    view = open_ledger(qtbot, ctx)
    with qtbot.waitSignal(view.editor.loaded, timeout=T):
        view.new_asset()
    view.editor.manage_custom_fields()
    dialog = view.editor.fields_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=T)
    type_text(qtbot, dialog.label_edit, "設置業者")
    questions.answer(CANCEL)
    dialog.reject()  # 閉じる, Esc and the window's close button all come here
    assert dialog.isVisible() and questions.asked == ["新しい独自項目"]
    questions.answer(CANCEL)
    dialog.start_new()
    assert dialog.label_edit.text() == "設置業者"
    questions.answer(SAVE)
    with qtbot.waitSignal(dialog.loaded, timeout=T):
        dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=T)
    with db.sessions() as s:
        assert [spec.label for spec in load_field_specs(s)] == ["設置業者"]


# --- the window: other tabs, other views, closing -------------------------------------------


@pytest.fixture
def window(qtbot, ctx, world):
    from app.ui.main_window import MainWindow

    win = MainWindow(ctx, data_dir_text=str(ctx.db.data_dir.root))
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.dashboard.ready, timeout=T):
        win.show()
    return win


def edit_an_asset(qtbot, window, world) -> Any:
    with qtbot.waitSignal(window.view_ready, timeout=T):
        window.show_view("assets")
    ledger = window.assets
    qtbot.waitUntil(lambda: ledger.model.rowCount() == 2, timeout=T)
    with qtbot.waitSignal(ledger.editor.loaded, timeout=T):
        ledger.show_asset(world["pc"])
    type_text(qtbot, ledger.editor.form.inputs["user_name"], "交換予定")
    return ledger


def test_another_view_or_tab_asks_first(qtbot, window, world, questions) -> None:
    ledger = edit_an_asset(qtbot, window, world)
    area = window.inventory
    questions.answer(CANCEL)
    window.nav.setCurrentRow(window.view_keys.index("dashboard"))
    assert window.stack.currentWidget() is area
    assert window.nav.currentRow() == window.view_keys.index("assets")
    questions.answer(CANCEL)
    area.tabs.setCurrentIndex(1)  # 契約
    assert area.current_key() == "assets"
    assert ledger.editor.form.inputs["user_name"].text() == "交換予定"
    assert len(questions.asked) == 2
    questions.answer(DISCARD)
    area.tabs.setCurrentIndex(1)
    assert area.current_key() == "contracts"
    assert not ledger.editor.has_unsaved()


def test_closing_the_window_asks_and_keeps_it_open_on_cancel(
    qtbot, window, world, questions
) -> None:
    ledger = edit_an_asset(qtbot, window, world)
    ledger.tabs.setCurrentWidget(ledger.history)  # the editor is out of sight
    with unsaved.quietly():  # and so is the whole area (as if nothing had asked)
        window.nav.setCurrentRow(window.view_keys.index("dashboard"))
    assert window.stack.currentWidget() is window.dashboard
    questions.answer(CANCEL)
    window.close()
    assert window.isVisible() and len(questions.asked) == 1
    # The editor was brought to the front before the question.
    assert window.stack.currentWidget() is window.inventory
    assert window.nav.currentRow() == window.view_keys.index("assets")
    assert ledger.tabs.currentWidget() is ledger.editor
    assert ledger.editor.form.inputs["user_name"].text() == "交換予定"


def test_closing_the_window_saves_first_when_asked(qtbot, db, window, world, questions) -> None:
    ledger = edit_an_asset(qtbot, window, world)
    questions.answer(SAVE)
    with qtbot.waitSignal(ledger.editor.saved, timeout=T):
        window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=T)
    assert value_of(db, Asset, world["pc"], "user_name") == "交換予定"


def test_closing_with_nothing_unsaved_asks_nothing(qtbot, window, questions) -> None:
    window.close()
    assert not window.isVisible() and questions.asked == []


# --- the question itself --------------------------------------------------------------------


@pytest.mark.parametrize(("button", "expected"), [("保存(&S)", SAVE), ("破棄(&D)", DISCARD),
                                                  ("キャンセル", CANCEL)])  # fmt: skip
def test_the_question_offers_save_discard_cancel_in_japanese(
    qtbot, qapp, monkeypatch, button: str, expected: Choice
) -> None:
    monkeypatch.undo()  # the real question, not the recorder of conftest
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: dict[str, Any] = {}

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        buttons = {b.text(): b for b in box.findChildren(QPushButton)}
        seen["texts"] = set(buttons)
        seen["default"] = box.defaultButton().text()
        seen["escape"] = box.escapeButton().text()
        seen["text"] = box.text()
        buttons[button].click()

    QTimer.singleShot(0, answer)
    assert unsaved.ask(parent, "資産「PC-0001」") is expected
    assert seen["texts"] == {"保存(&S)", "破棄(&D)", "キャンセル"}
    assert (seen["default"], seen["escape"]) == ("保存(&S)", "キャンセル")
    assert seen["text"] == "資産「PC-0001」に保存していない変更があります。"


def test_showing_the_record_being_edited_keeps_its_input(qtbot, ctx, db, world, questions) -> None:
    """Opening, from a link or search, the record already in the editor selects it and
    reads nothing again: what is being typed stays."""
    view = open_record_view(qtbot, ctx, "vendor")
    show(qtbot, view, world["vendor"])
    field = view.editor.form.inputs["name"]
    type_text(qtbot, field, "（入力中）")
    view.show_record(world["vendor"])
    qtbot.wait(200)
    assert field.text().endswith("（入力中）") and view.editor.has_unsaved()
    assert view.table.selected_id() == world["vendor"] and questions.asked == []
