"""Dates are shown once, in the style the user chose (表示 ▸ 日付の表示), everywhere."""

from __future__ import annotations

from datetime import date

import pytest

from app.services.inventory.assets import create_asset
from app.ui import date_style
from app.ui.widgets.date_edit import JDateEdit

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def reset_style():
    yield
    date_style.set_date_style("both")


def test_each_style_and_the_check_under_an_input(qtbot) -> None:
    d = date(2026, 3, 31)
    shown = {}
    for style in date_style.STYLES:
        date_style.set_date_style(style)
        shown[style] = date_style.shown(d)
    assert shown == {"both": "2026-03-31（R8.3.31）", "seireki": "2026-03-31",
                     "wareki": "令和8年3月31日"}  # fmt: skip
    with pytest.raises(ValueError):
        date_style.set_date_style("kouki")
    edit = JDateEdit()
    qtbot.addWidget(edit)
    edit.line_edit.setText("2026-03-31")
    assert edit.feedback.text() == "令和8年3月31日"  # not the typed date again
    edit.line_edit.setText("R8.3.31")
    assert edit.feedback.text() == "2026-03-31"


def test_the_choice_reaches_every_view_and_is_kept(qtbot, ctx, db) -> None:
    from app.ui.main_window import MainWindow

    with db.sessions.begin() as s:
        create_asset(s, {"asset_tag": "PC-1", "name": "PC", "maintenance_end": date(2027, 3, 31)})
    win = MainWindow(ctx, data_dir_text=str(ctx.db.data_dir.root))
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.dashboard.ready, timeout=10_000):
        win.show()
    win.show_view("assets")
    ledger = win.assets
    qtbot.waitUntil(lambda: ledger.model.rowCount() == 1, timeout=10_000)
    column = 10  # 保守終了日
    assert ledger.model.index(0, column).data() == "2027-03-31（R9.3.31）"
    wareki = next(a for a in win.date_actions.actions() if a.data() == "wareki")
    wareki.trigger()
    assert ledger.model.index(0, column).data() == "令和9年3月31日"
    assert ctx.settings.value(date_style.SETTING) == "wareki"
    date_style.set_date_style("both")
    again = MainWindow(ctx, data_dir_text=str(ctx.db.data_dir.root))  # kept for next time
    qtbot.addWidget(again)
    assert date_style.date_style() == "wareki"
    assert next(a for a in again.date_actions.actions() if a.isChecked()).data() == "wareki"
