"""The 資産台帳 view end to end: load, select, edit, create, validate, delete, filter."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from app.services.inventory.assets import asset_values, create_asset, load_lookups
from app.store.models import Asset, ChangeLogEntry, Department, Location
from app.ui.assets.ledger_view import AssetLedgerView
from app.ui.widgets.date_edit import JDateEdit
from tests.gui.user_input import type_text

pytestmark = pytest.mark.gui


# --- helpers ---------------------------------------------------------------------------


@pytest.fixture
def refs(db) -> dict[str, int]:
    with db.sessions.begin() as s:
        rows = {
            "somu": Department(name="総務課"),
            "zeimu": Department(name="税務課"),
            "honcho": Location(name="本庁舎2F"),
            "server_room": Location(name="サーバ室"),
        }
        s.add_all(rows.values())
        s.flush()
        ids = {key: row.id for key, row in rows.items()}
        types = {c.name: c.id for c in load_lookups(s).types}
    ids["desktop"], ids["server"] = types["デスクトップPC"], types["サーバ"]
    return ids


@pytest.fixture
def assets(db, refs: dict[str, int]) -> dict[str, int]:
    specs: dict[str, dict[str, Any]] = {
        "pc": {
            "asset_tag": "PC-0001",
            "name": "総務課 事務用PC",
            "asset_type_id": refs["desktop"],
            "segment": "lgwan",
            "department_id": refs["somu"],
            "location_id": refs["honcho"],
            "user_name": "佐藤 一郎",
            "ip_address": "10.0.0.11",
            "purchase_date": date(2022, 4, 1),
            "maintenance_end": date(2027, 3, 31),
            "confidentiality": 2,
        },
        "server": {
            "asset_tag": "SV-0001",
            "name": "住民記録サーバ",
            "asset_type_id": refs["server"],
            "segment": "mynumber",
            "department_id": refs["somu"],
            "location_id": refs["server_room"],
            "eol_date": date(2026, 10, 1),
        },
        "tax": {
            "asset_tag": "PC-0002",
            "name": "税務課 端末",
            "segment": "internet",
            "department_id": refs["zeimu"],
            "location_id": refs["honcho"],
            "user_name": "鈴木 花子",
        },
    }
    with db.sessions.begin() as s:
        return {key: create_asset(s, data).id for key, data in specs.items()}


def snapshot(db) -> tuple[dict[int, dict[str, Any]], int]:
    """Every asset's values and the number of history rows."""
    with db.sessions() as s:
        values = {a.id: asset_values(a) for a in s.scalars(select(Asset))}
        history = s.scalar(select(func.count()).select_from(ChangeLogEntry))
    return values, history or 0


def open_view(qtbot, ctx) -> AssetLedgerView:
    view = AssetLedgerView(ctx)
    qtbot.addWidget(view)
    view.resize(1400, 800)
    with qtbot.waitSignal(view.ready):
        view.activate()
    return view


def select_asset(qtbot, view: AssetLedgerView, asset_id: int) -> None:
    row = view.model.row_for_id(asset_id)
    assert row is not None
    with qtbot.waitSignals([view.editor.loaded, view.history.loaded]):
        view.table.selectRow(row)
    assert view.editor.current_asset_id == asset_id


def history_rows(view: AssetLedgerView) -> list[tuple[str, ...]]:
    table = view.history.table
    return [
        tuple(table.item(r, c).text() for c in range(table.columnCount()))
        for r in range(table.rowCount())
    ]


def record_jobs(monkeypatch, ctx) -> list[str]:
    """Names of the background jobs started from now on."""
    started: list[str] = []
    real_run = ctx.jobs.run

    def run(fn: Any, *args: Any, **kwargs: Any) -> Any:
        started.append(kwargs.get("name") or fn.__name__)
        return real_run(fn, *args, **kwargs)

    monkeypatch.setattr(ctx.jobs, "run", run)
    return started


def patch_question(monkeypatch, answer: QMessageBox.StandardButton) -> list[tuple]:
    calls: list[tuple] = []

    def question(*args: Any, **kwargs: Any) -> QMessageBox.StandardButton:
        calls.append(args)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    return calls


# --- loading and selecting -------------------------------------------------------------


def test_view_loads_in_the_background_and_shows_the_count(qtbot, ctx, assets, monkeypatch) -> None:
    view = AssetLedgerView(ctx)
    qtbot.addWidget(view)
    assert (view.view_key, view.title) == ("assets", "資産台帳")
    with qtbot.waitSignal(view.ready):
        view.activate()
        assert view.count_label.text() == "読み込み中…"
        assert view.table_stack.currentWidget() is view.loading_label
    assert view.count_label.text() == "表示 3 件 / 全 3 件"
    assert view.table_stack.currentWidget() is view.table
    assert view.model.rowCount() == 3
    assert [view.model.row_at(r).asset_tag for r in range(3)] == ["PC-0001", "PC-0002", "SV-0001"]
    started = record_jobs(monkeypatch, ctx)
    view.activate()  # later calls do nothing
    assert started == []
    table = view.table
    assert table.isSortingEnabled()
    assert table.alternatingRowColors()
    assert table.verticalHeader().isHidden()
    header = table.horizontalHeader()  # 名称 takes the spare width, not the last column
    assert not header.stretchLastSection() and table.fitter.stretch == 1
    assert header.length() >= table.viewport().width()
    shortcuts = {a.shortcut().toString() for a in view.actions()}
    assert {"Ctrl+N", "F5"} <= shortcuts
    assert "Ctrl+S" in {a.shortcut().toString() for a in view.editor.actions()}


def test_selecting_a_row_fills_the_editor(qtbot, ctx, assets, refs) -> None:
    view = open_view(qtbot, ctx)
    select_asset(qtbot, view, assets["pc"])
    inputs = view.editor.form.inputs
    assert inputs["asset_tag"].text() == "PC-0001"
    assert inputs["name"].text() == "総務課 事務用PC"
    assert inputs["segment"].currentData() == "lgwan"
    assert inputs["segment"].currentText() == "LGWAN接続系"
    assert inputs["status"].currentText() == "稼働中"
    assert inputs["department_id"].currentData() == refs["somu"]
    assert inputs["asset_type_id"].currentText() == "デスクトップPC"
    assert inputs["maintenance_end"].text() == "2027-03-31"
    assert inputs["maintenance_end"].feedback.text() == "令和9年3月31日"
    assert inputs["confidentiality"].currentData() == 2
    assert inputs["integrity"].currentData() is None
    assert view.editor.heading.text() == "PC-0001　総務課 事務用PC"
    assert not view.editor.is_dirty()


def test_edit_and_save_updates_row_db_and_history(qtbot, ctx, db, assets) -> None:
    view = open_view(qtbot, ctx)
    select_asset(qtbot, view, assets["pc"])
    type_text(qtbot, view.editor.form.inputs["name"], "総務課 事務用PC（更新）")
    type_text(qtbot, view.editor.form.inputs["eol_date"], "R12.3.31")
    assert view.editor.is_dirty()
    with qtbot.waitSignal(view.row_refreshed):
        view.editor.save_button.click()
    row = view.model.row_for_id(assets["pc"])
    assert row is not None
    assert view.model.row_at(row).name == "総務課 事務用PC（更新）"
    assert view.model.index(row, 11).data() == "2030-03-31（R12.3.31）"  # 西暦と和暦
    assert view.table.selected_asset_id() == assets["pc"]
    values, _ = snapshot(db)
    assert values[assets["pc"]]["name"] == "総務課 事務用PC（更新）"
    assert values[assets["pc"]]["eol_date"] == date(2030, 3, 31)
    expected = ("名称", "総務課 事務用PC", "総務課 事務用PC（更新）")
    qtbot.waitUntil(lambda: expected in [r[3:] for r in history_rows(view)])
    assert ("サポート終了日（EOL）", "", "2030-03-31") in [r[3:] for r in history_rows(view)]
    rows = history_rows(view)
    assert [r[2] for r in rows] == ["変更", "変更", "作成"]  # newest first
    assert all(r[1] == "tester" for r in rows)
    name_row = next(i for i, r in enumerate(rows) if r[3] == "名称")
    view.history.table.setCurrentCell(name_row, 0)  # the change in full under the table
    assert view.history.detail.text().endswith(
        "tester　変更「名称」\n変更前: 総務課 事務用PC\n変更後: 総務課 事務用PC（更新）"
    )
    qtbot.waitUntil(lambda: view.editor.mode() == "edit" and not view.editor.is_dirty())
    assert view.editor.message.text() == "保存しました。"
    assert view.count_label.text() == "表示 3 件 / 全 3 件"


def test_create_a_new_asset(qtbot, ctx, db, assets, refs) -> None:
    view = open_view(qtbot, ctx)
    with qtbot.waitSignal(view.editor.loaded):
        view.new_button.click()
    assert view.editor.mode() == "new"
    assert view.editor.form.inputs["asset_tag"].text() == "PC-0003"  # the next free tag
    assert not view.editor.is_dirty()  # a proposal is not the user's input
    assert view.editor.form.inputs["status"].currentData() == "in_use"
    inputs = view.editor.form.inputs
    type_text(qtbot, inputs["asset_tag"], "NW-0001")
    type_text(qtbot, inputs["name"], "基幹スイッチ")
    inputs["segment"].setCurrentIndex(inputs["segment"].findData("lgwan"))
    inputs["location_id"].setCurrentIndex(inputs["location_id"].findData(refs["server_room"]))
    type_text(qtbot, inputs["purchase_date"], "Ｒ８．３．３１")
    with qtbot.waitSignal(view.row_refreshed) as blocker:
        view.editor.save_button.click()
    new_id = blocker.args[0]
    values, _ = snapshot(db)
    assert len(values) == 4
    assert values[new_id]["asset_tag"] == "NW-0001"
    assert values[new_id]["purchase_date"] == date(2026, 3, 31)
    assert values[new_id]["location_id"] == refs["server_room"]
    assert view.model.contains_id(new_id)
    assert view.table.selected_asset_id() == new_id
    assert view.count_label.text() == "表示 4 件 / 全 4 件"
    qtbot.waitUntil(lambda: view.editor.current_asset_id == new_id and view.editor.mode() == "edit")
    qtbot.waitUntil(lambda: [r[2] for r in history_rows(view)] == ["作成"])
    assert "NW-0001" in history_rows(view)[0][5]


# --- validation ------------------------------------------------------------------------

INVALID_INPUTS = [
    ("asset_tag", "", "必須です"),
    ("asset_tag", "SV-0001", "「SV-0001」は既に使われています"),
    ("maintenance_end", "2027年2月30日", "2月30日は存在しない日付です"),
    ("purchase_date", "令和0年4月1日", "令和0年は存在しません"),
    ("eol_date", "平成40年1月1日", "平成の範囲を超えています"),
    ("ip_address", "192.168.1.300", "IPアドレスの形式ではありません"),
    ("mac_address", "00:11:22", "MACアドレスの形式ではありません"),
    ("name", "あ" * 201, "200文字以内で入力してください（201文字）"),
]


@pytest.mark.parametrize(
    ("field", "text", "message"), INVALID_INPUTS, ids=[f"{f}:{m[:6]}" for f, _, m in INVALID_INPUTS]
)
def test_invalid_input_is_shown_and_nothing_is_written(
    qtbot, ctx, db, assets, field: str, text: str, message: str
) -> None:
    view = open_view(qtbot, ctx)
    select_asset(qtbot, view, assets["pc"])
    before = snapshot(db)
    form = view.editor.form
    type_text(qtbot, form.inputs[field], text)
    view.editor.save_button.click()
    qtbot.waitUntil(lambda: form.field_error(field) != "")
    assert message in form.field_error(field)
    widget = form.inputs[field]
    shown = form.error_labels[field].text() if not form.error_labels[field].isHidden() else ""
    if isinstance(widget, JDateEdit):
        shown += widget.feedback.text()
    assert message in shown  # visible next to the field
    assert "保存していません" in view.editor.message.text()
    assert not view.editor.message.isHidden()
    focus = view.focusWidget()
    assert focus is widget or focus is getattr(widget, "line_edit", None)
    assert snapshot(db) == before
    row = view.model.row_for_id(assets["pc"])
    assert row is not None and view.model.row_at(row).name == "総務課 事務用PC"
    assert view.editor.save_button.isEnabled()
    view.editor.revert_button.click()
    assert form.field_error(field) == ""
    assert not view.editor.is_dirty()


def test_invalid_new_asset_lists_every_problem(qtbot, ctx, db, assets) -> None:
    view = open_view(qtbot, ctx)
    with qtbot.waitSignal(view.editor.loaded):
        view.new_button.click()
    before = snapshot(db)
    assert view.editor.form.inputs["asset_tag"].text() == "PC-0003"  # proposed
    type_text(qtbot, view.editor.form.inputs["asset_tag"], "")
    type_text(qtbot, view.editor.form.inputs["ip_address"], "not-an-ip")
    view.editor.save_button.click()
    form = view.editor.form
    qtbot.waitUntil(lambda: form.field_error("asset_tag") != "")
    assert form.field_error("name") == "必須です"
    assert "IPアドレス" in form.field_error("ip_address")
    assert "（3件）" in view.editor.message.text()
    assert view.focusWidget() is form.inputs["asset_tag"]
    assert snapshot(db) == before
    assert view.model.total_count() == 3


# --- deleting --------------------------------------------------------------------------


def test_delete_after_confirmation(qtbot, ctx, db, assets, monkeypatch) -> None:
    calls = patch_question(monkeypatch, QMessageBox.StandardButton.Yes)
    view = open_view(qtbot, ctx)
    select_asset(qtbot, view, assets["server"])
    # The row goes when the ledger reads the announced asset again.
    with (
        qtbot.waitSignal(view.row_refreshed),
        qtbot.waitSignal(view.editor.deleted) as blocker,
    ):
        view.editor.delete_button.click()
    assert blocker.args == [assets["server"]]
    (args,) = calls
    assert "SV-0001" in args[2] and "住民記録サーバ" in args[2]
    assert args[4] == QMessageBox.StandardButton.No  # the default button is いいえ
    values, _ = snapshot(db)
    assert assets["server"] not in values
    assert not view.model.contains_id(assets["server"])
    assert view.count_label.text() == "表示 2 件 / 全 2 件"
    assert view.editor.mode() == "empty"
    assert view.history.record() is None


def test_delete_answered_no_keeps_the_asset(qtbot, ctx, db, assets, monkeypatch) -> None:
    calls = patch_question(monkeypatch, QMessageBox.StandardButton.No)
    view = open_view(qtbot, ctx)
    select_asset(qtbot, view, assets["server"])
    before = snapshot(db)
    started = record_jobs(monkeypatch, ctx)
    view.editor.delete_button.click()
    assert len(calls) == 1
    assert started == []  # nothing was written
    assert snapshot(db) == before
    assert view.model.contains_id(assets["server"])
    assert view.editor.mode() == "edit"


# --- filters, sorting, navigation ------------------------------------------------------


def test_filter_panel_filters_the_table(qtbot, ctx, assets, refs) -> None:
    view = open_view(qtbot, ctx)
    panel = view.filter_panel
    panel.segment_combo.setCurrentIndex(panel.segment_combo.findData("mynumber"))
    assert view.count_label.text() == "表示 1 件 / 全 3 件"
    panel.clear()
    panel.lifecycle_combo.setCurrentIndex(panel.lifecycle_combo.findData("eol_reached"))
    assert [view.model.row_at(r).asset_tag for r in range(view.model.rowCount())] == ["SV-0001"]
    panel.lifecycle_combo.setCurrentIndex(panel.lifecycle_combo.findData("maintenance_within"))
    panel.months_spin.setValue(5)
    assert view.model.shown_count() == 1  # PC-0001: maintenance ends 2027-03-31
    panel.months_spin.setValue(4)
    assert view.model.shown_count() == 0
    panel.clear()
    with qtbot.waitSignal(panel.changed):
        qtbot.keyClicks(panel.text_edit, "pc-000")
    assert view.count_label.text() == "表示 2 件 / 全 3 件"


def test_sorting_keeps_the_selection(qtbot, ctx, assets, monkeypatch) -> None:
    view = open_view(qtbot, ctx)
    select_asset(qtbot, view, assets["tax"])
    started = record_jobs(monkeypatch, ctx)
    view.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    names = [view.model.row_at(r).name for r in range(3)]
    assert names == sorted(names, reverse=True)
    assert view.table.selected_asset_id() == assets["tax"]
    assert started == []  # the editor was not reloaded


def test_show_asset_clears_filters_that_hide_it(qtbot, ctx, assets) -> None:
    view = open_view(qtbot, ctx)
    panel = view.filter_panel
    panel.segment_combo.setCurrentIndex(panel.segment_combo.findData("lgwan"))
    assert view.model.row_for_id(assets["server"]) is None
    with qtbot.waitSignal(view.editor.loaded):
        view.show_asset(assets["server"])
    assert panel.current_filter().is_empty()
    assert view.table.selected_asset_id() == assets["server"]
    assert view.tabs.currentWidget() is view.editor
    assert view.editor.form.inputs["asset_tag"].text() == "SV-0001"


def test_show_asset_before_loading_waits_for_the_rows(qtbot, ctx, assets) -> None:
    view = AssetLedgerView(ctx)
    qtbot.addWidget(view)
    with qtbot.waitSignals([view.ready, view.editor.loaded]):
        view.show_asset(assets["tax"])
    assert view.table.selected_asset_id() == assets["tax"]


def test_department_filter_from_search_before_activation(qtbot, ctx, assets, refs) -> None:
    view = AssetLedgerView(ctx)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.ready):
        view.set_department_filter(refs["zeimu"])
    assert view.count_label.text() == "表示 1 件 / 全 3 件"
    assert view.filter_panel.department_combo.currentText() == "税務課"
    view.set_location_filter(refs["server_room"])
    assert [view.model.row_at(r).asset_tag for r in range(view.model.rowCount())] == ["SV-0001"]


def test_reload_keeps_selection_and_picks_up_outside_changes(qtbot, ctx, db, assets) -> None:
    view = open_view(qtbot, ctx)
    select_asset(qtbot, view, assets["pc"])
    with db.sessions.begin() as s:
        create_asset(s, {"asset_tag": "PC-0003", "name": "追加端末"})
    with qtbot.waitSignal(view.ready):
        view.reload_button.click()
    assert view.count_label.text() == "表示 4 件 / 全 4 件"
    assert view.table.selected_asset_id() == assets["pc"]


def test_duplicate_copies_all_but_what_identifies_the_machine(qtbot, ctx, db, assets) -> None:
    view = open_view(qtbot, ctx)
    assert not view.duplicate_button.isEnabled()
    select_asset(qtbot, view, assets["pc"])
    assert view.duplicate_button.isEnabled()
    before = snapshot(db)
    with qtbot.waitSignal(view.editor.loaded):
        view.duplicate_button.click()
    editor, inputs = view.editor, view.editor.form.inputs
    assert editor.mode() == "new" and editor.heading.text() == "複製して新規登録（資産）"
    assert snapshot(db) == before  # nothing is written until 保存
    assert inputs["asset_tag"].text() == "PC-0003"
    assert inputs["name"].text() == "総務課 事務用PC"
    assert inputs["segment"].currentData() == "lgwan"
    assert inputs["user_name"].text() == "" and inputs["ip_address"].text() == ""
    with qtbot.waitSignal(view.row_refreshed) as blocker:
        editor.save_button.click()
    values, _ = snapshot(db)
    copy, original = values[blocker.args[0]], values[assets["pc"]]
    assert copy["asset_tag"] == "PC-0003" and copy["ip_address"] in ("", None)
    same = ("name", "asset_type_id", "segment", "department_id", "location_id",
            "purchase_date", "maintenance_end", "confidentiality")  # fmt: skip
    assert {k: copy[k] for k in same} == {k: original[k] for k in same}
