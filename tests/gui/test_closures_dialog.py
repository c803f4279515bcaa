"""休業日… from the タスク tab in real widgets: the saved closure days (the year-end
default when none are saved) read into the text, one range a line; a save stored as
the services read it; a bad line named, in red, with nothing stored and the dialog
kept open; 既定に戻す; the days closed counted as the officer types."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from app.services.tasks.business_days import (
    DEFAULT_CLOSURES,
    SETTING_KEY,
    ClosureRange,
    MonthDay,
    load_closures,
)
from app.store.models import Setting
from app.ui.widgets.styles import ERROR_STYLE
from app.ui.worklog.closures_dialog import ClosuresDialog
from tests.gui.windows import open_main_window

pytestmark = pytest.mark.gui
T = 10_000


def open_dialog(qtbot, ctx):  # type: ignore[no-untyped-def]
    window = open_main_window(qtbot, ctx)
    with qtbot.waitSignal(window.view_ready, timeout=T):
        window.show_view("worklog")
    view = window._view(window.view_keys.index("worklog"))
    view.tabs.setCurrentWidget(view.tasks)
    page = view.tasks
    assert "祝日は自動" in page.closures_button.toolTip()
    page.closures_button.click()
    dialog = page.findChildren(ClosuresDialog)[-1]
    qtbot.waitUntil(dialog.text.isEnabled, timeout=T)
    return page, dialog


def test_the_default_is_loaded_and_counted(qtbot, ctx, db) -> None:
    _page, dialog = open_dialog(qtbot, ctx)
    assert dialog.isVisible() and dialog.text.toPlainText() == "12/29〜1/3"
    assert "年に 6 日" in dialog.count.text() and dialog.count.styleSheet() == ""
    assert not dialog.message.text()


def test_a_saved_range_is_stored_and_said(qtbot, ctx, db) -> None:
    page, dialog = open_dialog(qtbot, ctx)
    dialog.text.setPlainText("8/13〜8/16")
    assert "年に 4 日" in dialog.count.text()
    with qtbot.waitSignal(dialog.saved, timeout=T):
        dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=T)
    assert page.note.text() == "休業日を保存しました（8/13〜8/16）"
    with db.sessions() as s:
        assert load_closures(s) == (ClosureRange(MonthDay(8, 13), MonthDay(8, 16)),)
    _page, again = open_dialog(qtbot, ctx)  # read back as saved
    assert again.text.toPlainText() == "8/13〜8/16"


def test_a_bad_line_is_named_and_nothing_is_stored(qtbot, ctx, db) -> None:
    _page, dialog = open_dialog(qtbot, ctx)
    dialog.text.setPlainText("8/13〜8/16\n13/1")
    assert dialog.count.styleSheet() == ERROR_STYLE
    assert dialog.count.text().startswith("2行目「13/1」") and "13月" in dialog.count.text()
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "2行目" in dialog.message.text(), timeout=T)
    assert dialog.message.styleSheet() == ERROR_STYLE
    assert "13月はありません" in dialog.message.text()
    assert dialog.isVisible() and dialog.text.toPlainText() == "8/13〜8/16\n13/1"
    assert dialog.save_button.isEnabled()
    with db.sessions() as s:
        assert s.get(Setting, SETTING_KEY) is None and load_closures(s) == DEFAULT_CLOSURES


def test_back_to_the_default_and_the_count_follows_typing(qtbot, ctx, db) -> None:
    page, dialog = open_dialog(qtbot, ctx)
    dialog.text.setPlainText("")
    assert dialog.count.text() == "土日と祝日のほかに休む日はありません。"
    dialog.default_button.click()
    assert dialog.text.toPlainText() == "12/29〜1/3" and "年に 6 日" in dialog.count.text()
    dialog.text.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.text, "8/1")
    assert "年に 7 日" in dialog.count.text()
    qtbot.keyClicks(dialog.text, "5-8/16")  # 8/15-8/16
    assert "年に 8 日" in dialog.count.text()
    qtbot.keyClicks(dialog.text, "-")
    assert dialog.count.styleSheet() == ERROR_STYLE and "2行目" in dialog.count.text()
    dialog.text.setPlainText("")  # no closures at all is a setting too
    with qtbot.waitSignal(dialog.saved, timeout=T):
        dialog.save_button.click()
    qtbot.waitUntil(lambda: "休業日を保存しました" in page.note.text(), timeout=T)
    assert page.note.text() == "休業日を保存しました（土日・祝日のみ）"
    with db.sessions() as s:
        assert load_closures(s) == ()
