"""一覧の管理 and 一括変更 as a user drives them: the lists with their counts, a merge
asked first and then shown, a refused name said in the dialog; several rows selected,
one confirmation naming how many, the ledger showing the change."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QInputDialog, QMessageBox
from sqlalchemy import func, select

from app.services.inventory.assets import create_asset
from app.store.models import Asset, ChangeLogEntry, Department
from app.ui.assets.reference_lists_dialog import ReferenceListsDialog
from tests.gui.test_asset_ledger import open_view

pytestmark = pytest.mark.gui


@pytest.fixture
def ids(db) -> dict[str, Any]:
    with db.sessions.begin() as s:
        somu, old = Department(name="総務課"), Department(name="総務課（旧）")
        s.add_all([somu, old])
        s.flush()
        assets = [
            create_asset(s, {"asset_tag": f"PC-{i:04d}", "name": f"PC {i}",
                             "department_id": (old if i < 3 else somu).id}).id
            for i in range(5)
        ]  # fmt: skip
        return {"somu": somu.id, "old": old.id, "assets": assets}


def answer(monkeypatch, *, text: str | None = None, item: str | None = None) -> list[str]:
    asked: list[str] = []

    def question(_parent, _title, body, *a, **k):
        asked.append(body)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    if text is not None:
        monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (text, True))
    if item is not None:
        monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (item, True))
    return asked


def open_lists(qtbot, ctx) -> ReferenceListsDialog:
    dialog = ReferenceListsDialog(ctx)
    qtbot.addWidget(dialog)
    page = dialog.pages["department"]
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=10_000)
    return dialog


def cells(page) -> list[tuple[str, str, str]]:
    t = page.table
    return [tuple(t.item(r, c).text() for c in range(3)) for r in range(t.rowCount())]


def test_the_lists_show_each_entry_with_its_use(qtbot, ctx, ids) -> None:
    dialog = open_lists(qtbot, ctx)
    assert [dialog.tabs.tabText(i) for i in range(4)] == ["種別", "部署", "設置場所", "メーカー"]
    assert cells(dialog.pages["department"]) == [("総務課", "2", ""), ("総務課（旧）", "3", "")]
    maker = dialog.pages["manufacturer"]
    assert not maker.add_button.isHidden() and not maker.retire_button.isHidden()
    assert not dialog.pages["department"].fields_button.isVisibleTo(dialog)
    assert dialog.pages["asset_type"].fields_button.isVisibleTo(dialog)


def test_merge_asks_then_moves_the_records(qtbot, ctx, db, ids, monkeypatch) -> None:
    dialog = open_lists(qtbot, ctx)
    page = dialog.pages["department"]
    page.select(ids["old"])
    asked = answer(monkeypatch, item="総務課")
    with qtbot.waitSignal(page.changed, timeout=10_000):
        page.merge_button.click()
    assert "「総務課（旧）」を使っている 3 件の資産などを「総務課」に移し" in asked[0]
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)
    assert cells(page) == [("総務課", "5", "")]
    assert page.status.text() == "「総務課（旧）」を「総務課」に統合しました"


def test_a_refused_name_is_said_and_nothing_changes(qtbot, ctx, db, ids, monkeypatch) -> None:
    dialog = open_lists(qtbot, ctx)
    page = dialog.pages["department"]
    answer(monkeypatch, text="ｿｳﾑ課")  # a new name: accepted
    with qtbot.waitSignal(page.changed, timeout=10_000):
        page.add_button.click()
    qtbot.waitUntil(lambda: page.table.rowCount() == 3, timeout=10_000)
    answer(monkeypatch, text="総務課")
    with qtbot.waitSignal(page.changed, timeout=10_000):
        page.add_button.click()
    assert "部署「総務課」は登録済みです" in page.status.text()
    with db.sessions() as s:
        assert s.scalar(select(func.count(Department.id))) == 3


def test_retire_and_bring_back(qtbot, ctx, ids) -> None:
    dialog = open_lists(qtbot, ctx)
    page = dialog.pages["department"]
    page.select(ids["old"])
    with qtbot.waitSignal(page.changed, timeout=10_000):
        page.retire_button.click()
    qtbot.waitUntil(lambda: cells(page)[1][2].startswith("廃止（"), timeout=10_000)
    page.select(ids["old"])
    assert page.retire_button.text() == "再開"


def test_bulk_edit_of_the_selected_rows(qtbot, ctx, db, ids, monkeypatch) -> None:
    view = open_view(qtbot, ctx)
    assert not view.bulk_button.isEnabled()
    model, selection = view.table.asset_model(), view.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for asset_id in ids["assets"][:3]:
        selection.select(model.index(model.row_for_id(asset_id), 0), flags)
    assert view.bulk_button.isEnabled()
    assert view.table.selected_asset_ids() == ids["assets"][:3]
    asked = answer(monkeypatch)
    view.bulk_button.click()
    dialog = view.bulk_dialog
    qtbot.waitUntil(lambda: dialog.lookups is not None, timeout=10_000)
    dialog.field.setCurrentIndex(dialog.field.findData("department_id"))
    dialog.choice.setCurrentIndex(dialog.choice.findText("総務課"))
    history_before = count_history(db)
    with qtbot.waitSignal(dialog.finished_with, timeout=10_000) as done:
        dialog.confirm()
    assert done.args == [3]
    assert asked == [
        "選択した 3 件の資産の「部署」を「総務課」にします。\n"
        "変更した資産ごとに変更履歴が残ります。よろしいですか？"
    ]
    assert count_history(db) == history_before + 3  # one entry per asset
    with db.sessions() as s:
        assert set(s.scalars(select(Asset.department_id))) == {ids["somu"]}
    qtbot.waitUntil(
        lambda: all(
            model.row_at(model.row_for_id(i)).department_name == "総務課" for i in ids["assets"]
        ),
        timeout=10_000,
    )


def test_a_refused_bulk_value_is_said_in_the_dialog(qtbot, ctx, db, ids, monkeypatch) -> None:
    view = open_view(qtbot, ctx)
    from app.ui.assets.bulk_edit_dialog import BulkEditDialog

    dialog = BulkEditDialog(ctx, ids["assets"], view)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.lookups is not None, timeout=10_000)
    dialog.field.setCurrentIndex(dialog.field.findData("maintenance_end"))
    dialog.text.setText("R9.2.30")
    answer(monkeypatch)
    with qtbot.waitSignal(dialog.finished_with, timeout=10_000):
        dialog.confirm()
    assert "何も変更していません" in dialog.message.text() and "保守終了日" in dialog.message.text()
    assert dialog.buttons.isEnabled()


def count_history(db) -> int:
    with db.sessions() as s:
        return s.scalar(select(func.count(ChangeLogEntry.id))) or 0


def test_the_maker_field_offers_the_listed_makers_but_not_retired_ones(qtbot, db) -> None:
    from datetime import date

    from app.services.inventory.assets import load_lookups
    from app.services.inventory.reference_lists import add_entry, set_retired
    from app.ui.assets.asset_form import AssetForm

    with db.sessions.begin() as s:
        add_entry(s, "manufacturer", "富士通")
        add_entry(s, "manufacturer", "日立")
        set_retired(s, "manufacturer", "日立", True, date(2026, 11, 1))
    form = AssetForm()
    qtbot.addWidget(form)
    with db.sessions() as s:
        form.set_lookups(load_lookups(s))
    line = form.inputs["manufacturer"]
    completer = line.completer()
    offered = completer.model().stringList()
    assert "富士通" in offered and "日立" not in offered
    completer.setCompletionPrefix("富士")
    assert completer.currentCompletion() == "富士通"
