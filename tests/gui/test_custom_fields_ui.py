"""独自項目 in the asset editor: fields follow the 種別, values are validated and saved
with the built-in fields in one transaction, and the definitions dialog works."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox, QMessageBox
from sqlalchemy import func, select

from app.services.inventory.assets import create_asset, load_lookups
from app.services.inventory.custom_fields import define_field
from app.store.models import Asset, ChangeLogEntry, CustomFieldDef
from app.ui.assets.ledger_view import AssetLedgerView
from app.ui.widgets.date_edit import JDateEdit
from tests.gui.user_input import type_text

pytestmark = pytest.mark.gui


@pytest.fixture
def types(db) -> dict[str, int]:
    with db.sessions() as s:
        names = {c.name: c.id for c in load_lookups(s).types}
    return {"desktop": names["デスクトップPC"], "server": names["サーバ"]}


@pytest.fixture
def fields(db, types) -> dict[str, int]:
    specs: list[dict[str, Any]] = [
        {"asset_type_id": None, "key": "kanri_bu", "label": "管理部署コード"},
        {"asset_type_id": types["server"], "key": "rack", "label": "ラック番号"},
        {"asset_type_id": types["server"], "key": "cores", "label": "コア数", "kind": "number"},
        {"asset_type_id": types["server"], "key": "hoshu", "label": "保守開始日", "kind": "date"},
        {
            "asset_type_id": types["server"],
            "key": "tier",
            "label": "重要度",
            "kind": "choice",
            "choices": ["高", "中", "低"],
        },
        {"asset_type_id": types["desktop"], "key": "room", "label": "設置部屋"},
    ]
    with db.sessions.begin() as s:
        return {spec["key"]: define_field(s, **spec).id for spec in specs}


@pytest.fixture
def assets(db, types, fields) -> dict[str, int]:
    with db.sessions.begin() as s:
        server = create_asset(
            s, {"asset_tag": "SV-001", "name": "住民記録サーバ", "asset_type_id": types["server"]}
        )
        server.custom_fields = {"rack": "R-01", "old_key": "消さない値"}
        pc = create_asset(
            s, {"asset_tag": "PC-001", "name": "事務用PC", "asset_type_id": types["desktop"]}
        )
        return {"server": server.id, "pc": pc.id}


def open_asset(qtbot, ctx, asset_id: int) -> AssetLedgerView:
    view = AssetLedgerView(ctx)
    qtbot.addWidget(view)
    view.resize(1400, 800)
    with qtbot.waitSignal(view.ready):
        view.activate()
    with qtbot.waitSignals([view.editor.loaded, view.history.loaded]):
        view.table.selectRow(view.model.row_for_id(asset_id))
    return view


def stored(db, asset_id: int) -> tuple[dict[str, Any], str, int]:
    with db.sessions() as s:
        asset = s.get(Asset, asset_id)
        history = s.scalar(select(func.count()).select_from(ChangeLogEntry)) or 0
        return dict(asset.custom_fields), asset.name, history


def choose(combo: QComboBox, data: Any) -> None:
    """Pick an item as the user would (``activated`` is emitted)."""
    index = combo.findData(data)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def test_fields_follow_the_type(qtbot, ctx, assets, types) -> None:
    view = open_asset(qtbot, ctx, assets["server"])
    form = view.editor.form
    assert list(form.custom.inputs) == ["kanri_bu", "rack", "cores", "hoshu", "tier"]
    assert isinstance(form.custom.inputs["hoshu"], JDateEdit)
    assert isinstance(form.custom.inputs["tier"], QComboBox)
    assert form.custom.inputs["rack"].text() == "R-01"
    assert form.custom.empty_label.isHidden()
    type_text(qtbot, form.custom.inputs["rack"], "R-99")
    choose(form.inputs["asset_type_id"], types["desktop"])
    assert list(form.custom.inputs) == ["kanri_bu", "room"]
    choose(form.inputs["asset_type_id"], None)
    assert list(form.custom.inputs) == ["kanri_bu"]
    choose(form.inputs["asset_type_id"], types["server"])
    assert form.custom.inputs["rack"].text() == "R-99"  # typed text survives the switch
    assert view.editor.is_dirty()
    view.editor.revert_button.click()
    assert form.custom.inputs["rack"].text() == "R-01"
    assert not view.editor.is_dirty()


def test_invalid_custom_values_are_shown_and_nothing_is_written(qtbot, ctx, db, assets) -> None:
    view = open_asset(qtbot, ctx, assets["server"])
    form = view.editor.form
    before = stored(db, assets["server"])
    type_text(qtbot, form.inputs["name"], "新しい名前")
    type_text(qtbot, form.custom.inputs["cores"], "12コア")
    type_text(qtbot, form.custom.inputs["hoshu"], "令和0年4月1日")
    view.editor.save_button.click()
    qtbot.waitUntil(lambda: form.field_error("custom:cores") != "")
    assert "数値で入力してください" in form.field_error("custom:cores")
    assert not form.custom.error_labels["cores"].isHidden()
    assert "令和0年は存在しません" in form.field_error("custom:hoshu")
    assert "令和0年は存在しません" in form.custom.inputs["hoshu"].feedback.text()
    message = view.editor.message.text()
    assert "コア数" in message and "保存していません" in message
    assert view.focusWidget() is form.custom.inputs["cores"]
    assert stored(db, assets["server"]) == before  # the name was not saved either
    # a built-in error and a custom error are shown together
    type_text(qtbot, form.inputs["ip_address"], "1.2.3.999")
    view.editor.save_button.click()
    qtbot.waitUntil(lambda: form.field_error("ip_address") != "")
    assert form.field_error("custom:cores") != ""
    assert "（3件）" in view.editor.message.text()
    assert stored(db, assets["server"]) == before


def test_valid_custom_values_are_saved_and_in_history(qtbot, ctx, db, assets) -> None:
    view = open_asset(qtbot, ctx, assets["server"])
    form = view.editor.form
    type_text(qtbot, form.custom.inputs["rack"], "東棟R-12")
    type_text(qtbot, form.custom.inputs["cores"], "1,024")
    type_text(qtbot, form.custom.inputs["hoshu"], "R8.4.1")
    choose(form.custom.inputs["tier"], "高")
    assert view.editor.is_dirty()
    with qtbot.waitSignal(view.row_refreshed):
        view.editor.save_button.click()
    values, _name, _history = stored(db, assets["server"])
    assert values == {
        "rack": "東棟R-12",
        "cores": 1024,
        "hoshu": "2026-04-01",
        "tier": "高",
        "old_key": "消さない値",  # a key without a definition is kept
    }

    def custom_history() -> list[tuple[str, ...]]:
        table = view.history.table
        rows = [
            tuple(table.item(r, c).text() for c in range(table.columnCount()))
            for r in range(table.rowCount())
        ]
        return [r for r in rows if "東棟R-12" in r[5]]

    qtbot.waitUntil(lambda: len(custom_history()) == 1)
    (row,) = custom_history()
    assert row[2] == "変更" and "R-01" in row[4]
    qtbot.waitUntil(lambda: view.editor.mode() == "edit" and not view.editor.is_dirty())
    assert form.custom.inputs["cores"].text() == "1024"
    assert form.custom.inputs["tier"].currentText() == "高"


def test_new_asset_with_custom_values(qtbot, ctx, db, assets, types) -> None:
    view = open_asset(qtbot, ctx, assets["pc"])
    with qtbot.waitSignal(view.editor.loaded):
        view.new_button.click()
    form = view.editor.form
    assert list(form.custom.inputs) == ["kanri_bu"]
    type_text(qtbot, form.inputs["asset_tag"], "PC-002")
    type_text(qtbot, form.inputs["name"], "会議室PC")
    choose(form.inputs["asset_type_id"], types["desktop"])
    type_text(qtbot, form.custom.inputs["room"], "201会議室")
    with qtbot.waitSignal(view.row_refreshed) as blocker:
        view.editor.save_button.click()
    assert stored(db, blocker.args[0])[0] == {"room": "201会議室"}


def test_definitions_dialog(qtbot, ctx, db, assets, types, monkeypatch) -> None:
    view = open_asset(qtbot, ctx, assets["server"])
    form = view.editor.form
    with qtbot.waitSignal(form.manage_custom_fields) as blocker:
        form.custom.manage_button.click()
    assert blocker.args == [types["server"]]
    dialog = view.editor.fields_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.list.count() == 4)
    assert dialog.scope() == types["server"]
    assert dialog.list.item(0).text() == "ラック番号（文字列）　rack"
    # add a choice field; the key is made from the label
    dialog.start_new()
    type_text(qtbot, dialog.label_edit, "設置区画")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("choice"))
    assert dialog.choices_edit.isEnabled()
    dialog.choices_edit.setPlainText("A区画\nB区画")
    with qtbot.waitSignal(dialog.loaded):
        dialog.save_button.click()
    assert dialog.list.count() == 5 and dialog.list.currentRow() == 4
    assert dialog.key_edit.text() == "設置区画" and dialog.key_edit.isReadOnly()
    qtbot.waitUntil(lambda: "設置区画" in form.custom.inputs)
    assert not view.editor.is_dirty()  # a new empty field is not unsaved input
    # a clashing key is shown under the key and nothing is written
    dialog.start_new()
    type_text(qtbot, dialog.key_edit, "kanri_bu")
    type_text(qtbot, dialog.label_edit, "別名")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.error_labels["key"].isHidden())
    assert "既に使われています（すべての種別）" in dialog.error_labels["key"].text()
    # move the new field up, then delete 「ラック番号」: its value stays in the asset
    dialog.list.setCurrentRow(4)
    with qtbot.waitSignal(dialog.loaded):
        dialog.up_button.click()
    assert dialog.list.item(3).text().startswith("設置区画")
    qtbot.waitUntil(lambda: list(form.custom.inputs)[-2:] == ["設置区画", "tier"])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.list.setCurrentRow(0)
    with qtbot.waitSignal(dialog.loaded):
        dialog.delete_button.click()
    assert dialog.list.count() == 4
    qtbot.waitUntil(lambda: "rack" not in form.custom.inputs)
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(CustomFieldDef)) == 6
    assert stored(db, assets["server"])[0]["rack"] == "R-01"
    dialog.close()
