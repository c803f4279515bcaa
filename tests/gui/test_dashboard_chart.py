"""The dashboard's list and chart as the officer meets them: late work first and in red,
the coming twelve months as bars whose tooltip says what each holds, and a bar (clicked,
or chosen with the arrow keys and Enter) opening that 年度's 年間スケジュール."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

from app.store.models import Asset, License, Task
from app.ui.alert_colors import ALERT_COLORS
from tests.gui.windows import open_main_window

pytestmark = pytest.mark.gui


@pytest.fixture
def filled(db) -> None:  # the GUI context's today is 2026-11-01
    with db.sessions.begin() as s:
        s.add_all([
            Task(title="予算要求の資料", due_date=date(2026, 10, 20)),
            Task(title="年末の停止連絡", due_date=date(2026, 12, 25)),
            Task(title="ネットワーク更新の仕様書", due_date=date(2027, 4, 15)),
            License(product="ウイルス対策", expiry_date=date(2027, 3, 31)),
            *(Asset(asset_tag=f"PC-{n}", name="端末", maintenance_end=date(2026, 12, 10))
              for n in range(3)),
        ])  # fmt: skip


def test_late_work_comes_first_in_red(qtbot, ctx, filled) -> None:
    win = open_main_window(qtbot, ctx)
    table = win.dashboard._due
    assert table.item(0, 2).text() == "予算要求の資料"
    assert table.item(0, 3).text().startswith("12日超過")
    assert table.item(0, 0).background().color() == ALERT_COLORS["error"][0]
    assert table.item(1, 0).background().color() != ALERT_COLORS["error"][0]
    assert "期限切れ 1 件" in win.dashboard._due_heading.text()


def test_the_chart_shows_twelve_months_and_opens_the_schedule(qtbot, ctx, filled) -> None:
    win = open_main_window(qtbot, ctx)
    chart = win.dashboard.chart
    qtbot.waitUntil(lambda: bool(chart.months), timeout=5_000)  # read after the first view
    cards = [c.text() for c in win.dashboard.findChildren(QLabel, "warning")]
    assert any("追随遅れの規程" in t and "16pt'>0</b>" in t for t in cards)  # no longer 「…」
    assert (chart.months[0].year, chart.months[0].month) == (2026, 11)
    assert len(chart.months) == 12
    december = chart.tooltip(1)
    assert december.startswith("2026年12月の期限 1 件")
    assert "ほかに資産の保守・リース終了 3 件" in december
    assert "2027年3月: ライセンス 1" in chart.accessibleDescription()
    # The bars are painted where the clicks find them, in their colours.
    image = chart.grab().toImage()
    slot = chart._slot(1)
    x = int(slot.center().x())
    plot = chart._plot()
    bar_pixel = image.pixelColor(x, int(plot.bottom()) - 3)
    assert bar_pixel == QColor("#4e79a7")  # a task's colour at the bottom of December
    # April 2027 belongs to 令和9年度: its schedule opens with that year chosen.
    april = chart._slot(5).center().toPoint()
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=april)
    worklog = win._view(win.view_keys.index("worklog"))
    assert win.view_keys[win.nav.currentRow()] == "worklog"
    assert worklog.tabs.currentWidget() is worklog.schedule
    assert worklog.schedule.year.currentData() == 2027


def test_the_keyboard_reaches_every_bar(qtbot, ctx, filled) -> None:
    win = open_main_window(qtbot, ctx)
    chart = win.dashboard.chart
    qtbot.waitUntil(lambda: bool(chart.months), timeout=5_000)
    chart.setFocus()
    qtbot.waitUntil(chart.hasFocus)
    for _ in range(3):
        qtbot.keyClick(chart, Qt.Key.Key_Right)
    assert chart.current == 3
    with qtbot.waitSignal(chart.month_activated) as opened:
        qtbot.keyClick(chart, Qt.Key.Key_Return)
    assert opened.args == [2027, 2]
    assert chart.index_at(QPoint(0, 0)) == -1  # outside the bars: nothing opens
