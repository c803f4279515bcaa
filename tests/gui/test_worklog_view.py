"""The 作業ログ area in real widgets: quick entry from anywhere (Ctrl+N; the ledger keeps
its own Ctrl+N), typed links, no input lost, the list read a page at a time with its
filters, and the 年度 summary written as XLSX."""

from __future__ import annotations

from datetime import date, timedelta

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from sqlalchemy import insert, select

from app.services.inventory.assets import create_asset
from app.services.worklog import entries
from app.store import search_index
from app.store.models import BusinessSystem, Notice, WorkLogEntry
from app.ui.widgets.unsaved import Choice
from app.ui.worklog.entry_dialog import EntryDialog
from tests.gui.user_input import type_text
from tests.gui.windows import open_main_window

pytestmark = pytest.mark.gui
T = 10_000


def worklog_view(qtbot, window):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.view_ready, timeout=T):
        window.show_view("worklog")
    return window._view(window.view_keys.index("worklog"))


def open_quick_entry(qtbot, window) -> EntryDialog:  # type: ignore[no-untyped-def]
    window.record_work_action.trigger()
    dialog = window.findChildren(EntryDialog)[-1]
    qtbot.waitUntil(dialog.isEnabled, timeout=T)
    return dialog


def test_ctrl_n_records_work_from_the_dashboard_and_the_list_shows_it(qtbot, ctx, db) -> None:
    window = open_main_window(qtbot, ctx)
    assert QKeySequence("Ctrl+N") in window.record_work_action.shortcuts()
    dialog = open_quick_entry(qtbot, window)
    assert dialog.occurred_on.date() == ctx.today()  # today, as typed dates are
    assert dialog.title_edit.hasFocus() or dialog.focusWidget() is dialog.title_edit
    type_text(qtbot, dialog.title_edit, "パスワード再設定")
    dialog.category.setEditText("問い合わせ対応")
    dialog.minutes.setText("15")
    dialog.occurred_on.setText("R8.10.30")
    with qtbot.waitSignal(dialog.saved, timeout=T):
        QTest.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=T)
    with db.sessions() as s:
        saved = s.scalars(select(WorkLogEntry)).one()
        assert (saved.title, saved.occurred_on, saved.minutes) == (
            "パスワード再設定", date(2026, 10, 30), 15,
        )  # fmt: skip
    view = worklog_view(qtbot, window)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=T)
    assert view.model.row_at(0).title == "パスワード再設定"


def test_the_ledger_keeps_its_own_ctrl_n(qtbot, ctx) -> None:
    window = open_main_window(qtbot, ctx)
    with qtbot.waitSignal(window.view_ready, timeout=T):
        window.show_view("assets")
    keys = window.record_work_action.shortcuts()
    assert QKeySequence("Ctrl+N") not in keys and QKeySequence("Ctrl+Shift+N") in keys
    with qtbot.waitSignal(window.view_ready, timeout=T):
        window.show_view("dashboard")
    assert QKeySequence("Ctrl+N") in window.record_work_action.shortcuts()


def test_bad_input_is_said_next_to_the_field_and_nothing_is_saved(qtbot, ctx, db) -> None:
    window = open_main_window(qtbot, ctx)
    dialog = open_quick_entry(qtbot, window)
    dialog.occurred_on.setText("令和8年2月30日")
    dialog.minutes.setText("たくさん")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.error_labels["minutes"].isVisible(), timeout=T)
    assert "整数で入力してください" in dialog.error_labels["minutes"].text()
    assert dialog.error_labels["title"].text() == "必須です"
    assert dialog.isVisible()
    with db.sessions() as s:
        assert s.scalars(select(WorkLogEntry)).all() == []


def test_links_are_chosen_by_typing_and_saved(qtbot, ctx, db) -> None:
    with db.sessions.begin() as s:
        create_asset(s, {"asset_tag": "HT-PR-0003", "name": "総務課 複合機"})
        notice = Notice(
            issuer="総務省", title="標準化の進捗調査について", issued_on=date(2026, 9, 1)
        )
        s.add(notice)
        s.flush()
        notice_id = notice.id
    window = open_main_window(qtbot, ctx)
    dialog = open_quick_entry(qtbot, window)
    picker = dialog.links
    picker.typed.setFocus()
    type_text(qtbot, picker.typed, "複合機")
    qtbot.waitUntil(lambda: picker.lookup.candidates() == ["HT-PR-0003　総務課 複合機"], timeout=T)
    QTest.keyClick(picker.typed, Qt.Key.Key_Return)
    assert picker.chosen.count() == 1
    picker.kind.setCurrentIndex(picker.kind.findData("notice"))
    type_text(qtbot, picker.typed, "進捗調査")
    qtbot.waitUntil(lambda: len(picker.lookup.candidates()) == 1, timeout=T)
    QTest.keyClick(picker.typed, Qt.Key.Key_Return)
    assert picker.chosen.count() == 2
    assert dialog.errors.messages == {}  # Enter chose a link; it did not save the entry
    dialog.title_edit.setText("複合機の設定と調査回答")
    with qtbot.waitSignal(dialog.saved, timeout=T) as saved:
        dialog.save()
    with db.sessions() as s:
        got = entries.entry_links(s, saved.args[0])
    assert got.asset_id is not None and got.notice_ids == [notice_id]
    edit = window._view(window.view_keys.index("worklog")).edit_entry(saved.args[0])
    qtbot.waitUntil(edit.isEnabled, timeout=T)
    assert edit.links.chosen.count() == 2 and not edit.has_unsaved()


def test_closing_with_input_asks_and_the_main_window_asks_too(qtbot, ctx, db, questions) -> None:
    window = open_main_window(qtbot, ctx)
    dialog = open_quick_entry(qtbot, window)
    type_text(qtbot, dialog.title_edit, "書きかけ")
    questions.answer(Choice.CANCEL)
    dialog.reject()  # 閉じる / Esc
    assert dialog.isVisible() and questions.asked == ["作業ログ「書きかけ」"]
    questions.answer(Choice.SAVE)
    with qtbot.waitSignal(dialog.saved, timeout=T):
        window.close()  # the main window asks about the dialog's input first
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=T)
    with db.sessions() as s:
        assert [e.title for e in s.scalars(select(WorkLogEntry))] == ["書きかけ"]


@pytest.fixture
def many(db) -> int:
    """1,300 entries of 2026年度 (more than two pages); a third name a system."""
    with db.sessions.begin() as s:
        system = BusinessSystem(name="税務システム")
        s.add(system)
        s.flush()
        s.execute(
            insert(WorkLogEntry.__table__),
            [{"occurred_on": date(2026, 4, 1) + timedelta(days=i % 200),
              "title": f"作業 {i}" + (" 証明書" if i % 25 == 0 else ""),
              "category": "障害対応" if i % 2 else "問い合わせ対応", "minutes": 30,
              "body": "", "actor": "", "system_id": system.id if i % 3 == 0 else None,
              "created_at": date(2026, 5, 1), "updated_at": date(2026, 5, 1)}
             for i in range(1300)],
        )  # fmt: skip
        search_index.rebuild(s)
        return int(system.id)


def test_the_list_reads_pages_as_it_scrolls_and_filters(qtbot, ctx, many) -> None:
    window = open_main_window(qtbot, ctx)
    view = worklog_view(qtbot, window)
    qtbot.waitUntil(lambda: view.count_label.text() == "1,300 件", timeout=T)
    assert view.model.rowCount() == 500 and view.model.has_more()
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1000, timeout=T)
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1300, timeout=T)
    assert not view.model.has_more()
    ids = [view.model.row_at(r).id for r in range(1300)]
    assert len(set(ids)) == 1300
    view.category.setCurrentIndex(view.category.findData("障害対応"))
    qtbot.waitUntil(lambda: view.count_label.text() == "650 件", timeout=T)
    view.system.setCurrentIndex(view.system.findData(many))
    qtbot.waitUntil(lambda: view.count_label.text() == "217 件", timeout=T)
    view.text.setText("証明書")
    # 証明書: i % 25 == 0; 障害対応: odd i; the system: i % 3 == 0 → i = 75, 225, … 1275
    qtbot.waitUntil(lambda: view.count_label.text() == "9 件", timeout=T)
    view.period.setCurrentIndex(view.period.findData("last_fy"))
    qtbot.waitUntil(lambda: "該当する作業ログはありません" in view.count_label.text(), timeout=T)


def test_the_summary_tab_totals_the_year_and_writes_xlsx(qtbot, ctx, many, tmp_path) -> None:
    window = open_main_window(qtbot, ctx)
    view = worklog_view(qtbot, window)
    view.tabs.setCurrentWidget(view.summary)
    page = view.summary
    qtbot.waitUntil(lambda: page.table.rowCount() == 3, timeout=T)  # 2 categories + 合計
    assert page.table.item(2, 0).text() == "合計" and page.table.item(2, 13).text() == "650.0"
    page.what.setCurrentIndex(page.what.findData("counts"))
    assert page.table.item(2, 13).text() == "1,300"
    out = tmp_path / "集計"
    page.export_to(out)
    qtbot.waitUntil(lambda: "行を書き出しました" in page.status.text(), timeout=T)
    book = openpyxl.load_workbook(tmp_path / "集計.xlsx", read_only=True)
    try:
        assert next(book.active.iter_rows(values_only=True))[0] == "集計"
    finally:
        book.close()  # a read-only workbook keeps its file open until closed
