"""JDateEdit, the asset filter panel and the history panel on their own."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from app.jdate import JDateError
from app.services.inventory.assets import Choice, Lookups, create_asset, update_asset
from app.store.models import Asset
from app.ui.assets.filter_panel import AssetFilterPanel
from app.ui.widgets.date_edit import JDateEdit
from app.ui.widgets.history_panel import HistoryPanel
from tests.gui.user_input import type_keys

pytestmark = pytest.mark.gui


LOOKUPS = Lookups(
    types=[Choice(1, "デスクトップPC"), Choice(4, "サーバ")],
    departments=[Choice(10, "総務課"), Choice(11, "税務課")],
    locations=[Choice(20, "本庁舎2F")],
)


# --- JDateEdit -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["R8.3.31", "Ｒ８．３．３１", "令和8年3月31日", "2026/3/31", "2026-03-31"]
)
def test_date_edit_reads_wareki_and_seireki(qtbot, typed: str) -> None:
    edit = JDateEdit()
    qtbot.addWidget(edit)
    with qtbot.waitSignal(edit.edited):
        type_keys(qtbot, edit.line_edit, typed)
    assert edit.text() == typed
    assert edit.date() == date(2026, 3, 31)
    assert edit.is_valid()
    # the date once more, in the calendar it was not typed in (the check of what was read)
    other = "令和8年3月31日" if typed[0].isdigit() else "2026-03-31"
    assert edit.feedback.text() == other
    assert not edit.feedback.isHidden()


def test_date_edit_shows_the_error_in_red(qtbot) -> None:
    edit = JDateEdit()
    qtbot.addWidget(edit)
    type_keys(qtbot, edit.line_edit, "2026年2月30日")
    with pytest.raises(JDateError, match="2月30日は存在しない日付です"):
        edit.date()
    assert not edit.is_valid()
    assert "2月30日は存在しない日付です" in edit.feedback.text()
    assert "#b00020" in edit.feedback.styleSheet()
    assert not edit.feedback.isHidden()
    edit.line_edit.clear()
    assert edit.date() is None
    assert edit.feedback.isHidden()


@pytest.mark.parametrize(
    ("typed", "message"),
    [("令和0年4月1日", "令和0年は存在しません"), ("平成40年1月1日", "平成の範囲を超えています")],
)
def test_date_edit_rejects_impossible_era_years(qtbot, typed: str, message: str) -> None:
    edit = JDateEdit()
    qtbot.addWidget(edit)
    edit.setText(typed)
    assert message in edit.error_text()
    assert message in edit.feedback.text()


def test_date_edit_set_date_shows_iso_and_does_not_emit_edited(qtbot) -> None:
    edit = JDateEdit()
    qtbot.addWidget(edit)
    with qtbot.assertNotEmitted(edit.edited):
        edit.setDate(date(2019, 5, 1))
    assert edit.text() == "2019-05-01"
    assert edit.feedback.text() == "令和元年5月1日"
    edit.setDate(None)
    assert edit.text() == ""
    assert edit.date() is None


# --- filter panel ----------------------------------------------------------------------


@pytest.fixture
def panel(qtbot) -> AssetFilterPanel:
    widget = AssetFilterPanel()
    qtbot.addWidget(widget)
    widget.set_lookups(LOOKUPS)
    return widget


def test_text_input_is_debounced_into_one_signal(qtbot, panel: AssetFilterPanel) -> None:
    seen: list[object] = []
    panel.changed.connect(seen.append)
    assert panel.text_edit.placeholderText() == "資産管理番号・名称・利用者・ホスト名・IPで絞り込み"
    with qtbot.waitSignal(panel.changed) as blocker:
        type_keys(qtbot, panel.text_edit, "総務")
        qtbot.keyClicks(panel.text_edit, "PC")
        assert seen == []  # nothing yet: the timer is still running
    assert blocker.args[0].text == "総務PC"
    assert len(seen) == 1


def test_combos_emit_the_filter(qtbot, panel: AssetFilterPanel) -> None:
    with qtbot.waitSignal(panel.changed) as blocker:
        panel.segment_combo.setCurrentIndex(panel.segment_combo.findData("lgwan"))
    assert blocker.args[0].segments == {"lgwan"}
    with qtbot.waitSignal(panel.changed) as blocker:
        panel.department_combo.setCurrentIndex(panel.department_combo.findData(11))
    flt = blocker.args[0]
    assert flt.department_ids == {11} and flt.segments == {"lgwan"}
    assert panel.type_combo.itemText(0) == "すべて"
    assert [panel.type_combo.itemText(i) for i in range(3)] == [
        "すべて",
        "デスクトップPC",
        "サーバ",
    ]


def test_months_only_for_windowed_lifecycle_filters(qtbot, panel: AssetFilterPanel) -> None:
    assert not panel.months_spin.isEnabled()
    assert panel.months_spin.value() == 6
    assert (panel.months_spin.minimum(), panel.months_spin.maximum()) == (1, 60)
    panel.lifecycle_combo.setCurrentIndex(panel.lifecycle_combo.findData("eol_reached"))
    assert not panel.months_spin.isEnabled()
    panel.lifecycle_combo.setCurrentIndex(panel.lifecycle_combo.findData("maintenance_within"))
    assert panel.months_spin.isEnabled()
    with qtbot.waitSignal(panel.changed) as blocker:
        panel.months_spin.setValue(12)
    assert blocker.args[0].lifecycle == "maintenance_within"
    assert blocker.args[0].months == 12


def test_clear_resets_everything_with_one_signal(qtbot, panel: AssetFilterPanel) -> None:
    panel.status_combo.setCurrentIndex(panel.status_combo.findData("spare"))
    panel.location_combo.setCurrentIndex(1)
    panel.text_edit.setText("abc")
    seen: list[object] = []
    panel.changed.connect(seen.append)
    with qtbot.waitSignal(panel.changed):
        panel.clear_button.click()
    assert len(seen) == 1
    assert seen[0].is_empty()
    assert panel.text_edit.text() == ""


def test_department_chosen_before_choices_arrive_is_applied_later(qtbot) -> None:
    panel = AssetFilterPanel()
    qtbot.addWidget(panel)
    panel.set_department(11)
    assert panel.current_filter().department_ids == set()
    with qtbot.waitSignal(panel.changed) as blocker:
        panel.set_lookups(LOOKUPS)
    assert blocker.args[0].department_ids == {11}
    assert panel.department_combo.currentText() == "税務課"
    with qtbot.waitSignal(panel.changed) as blocker:
        panel.set_location(20)
    assert blocker.args[0].location_ids == {20}
    assert blocker.args[0].department_ids == set()  # other conditions are cleared


# --- history panel ---------------------------------------------------------------------


def _history_rows(panel: HistoryPanel) -> list[list[str]]:
    table = panel.table
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_history_panel_shows_changes_newest_first_and_ignores_stale_results(qtbot, ctx) -> None:
    with ctx.db.sessions.begin() as s:
        first = create_asset(s, {"asset_tag": "H-1", "name": "一台目"}).id
        second = create_asset(s, {"asset_tag": "H-2", "name": "二台目"}).id
    with ctx.db.sessions.begin() as s:
        update_asset(s, second, {"name": "二台目（更新）", "status": "spare"})
    panel = HistoryPanel(ctx)
    qtbot.addWidget(panel)
    panel.show_record(Asset, first)
    with qtbot.waitSignal(panel.loaded):
        panel.show_record(Asset, second)  # supersedes the first request
    qtbot.waitUntil(lambda: ctx.jobs.active() == 0)
    rows = _history_rows(panel)
    assert panel.record() == (Asset, second)
    assert [r[2] for r in rows] == ["変更", "変更", "作成"]
    changes = {r[3]: (r[4], r[5]) for r in rows if r[2] == "変更"}
    assert changes == {"名称": ("二台目", "二台目（更新）"), "状態": ("稼働中", "予備")}
    assert all(r[1] == "tester" for r in rows)
    assert "（R" in rows[0][0]  # local time with the 和暦 date
    assert "H-2" in rows[-1][5]
    assert panel.table.horizontalHeaderItem(4).text() == "変更前"
    panel.show_record(Asset, None)
    assert panel.table.rowCount() == 0
    assert panel.table.horizontalHeaderItem(0).data(Qt.ItemDataRole.DisplayRole) == "日時"


def test_history_panel_shows_the_creation(qtbot, ctx) -> None:
    with ctx.db.sessions.begin() as s:
        asset_id = create_asset(s, {"asset_tag": "H-9", "name": "作成確認"}).id
    panel = HistoryPanel(ctx)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.loaded):
        panel.show_record(Asset, asset_id)
    rows = _history_rows(panel)
    assert [r[2] for r in rows] == ["作成"]
    assert "H-9" in rows[0][5]
