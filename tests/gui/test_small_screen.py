"""A 1366×768 laptop: the first window fits the screen, every view fits in 1366×768,
the navigation collapses, splitters and the navigation's width are remembered, table
columns are sized to their content within limits with the name column taking the rest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication

from app.services.demo import generate_demo
from app.ui.layout_memory import MIN_COLUMN, first_size
from tests.gui.windows import open_main_window

pytestmark = pytest.mark.gui

SMALL = QSize(1366, 768 - 40)  # less the taskbar


make_window = open_main_window


def test_the_first_window_never_exceeds_the_screen() -> None:
    laptop = QRect(0, 0, 1366, 728)
    assert first_size(QSize(1400, 860), laptop) == QSize(1350, 688)
    assert first_size(QSize(1200, 700), QRect(0, 0, 1920, 1040)) == QSize(1200, 700)


def test_the_window_opens_within_the_available_area(qtbot, ctx) -> None:
    win = make_window(qtbot, ctx)
    available = QGuiApplication.primaryScreen().availableGeometry()
    hint = win.minimumSizeHint()
    assert win.width() <= max(available.width(), hint.width())
    assert win.height() <= max(available.height(), hint.height())
    win.resize(1900, 1040)  # saved on a large monitor, opened on the laptop
    win.fit_to(QRect(0, 0, 1366, 728))
    assert win.width() <= 1366 and win.height() <= 728


def test_every_view_fits_1366_by_768(qtbot, ctx) -> None:
    generate_demo(ctx.db.sessions, size="small")
    win = make_window(qtbot, ctx)
    for key in win.view_keys:
        win.show_view(key)
        hint = win.minimumSizeHint()
        assert hint.width() <= SMALL.width() and hint.height() <= SMALL.height(), (key, hint)
    win.show_view("assets")
    for key in win.inventory.pages:
        win.inventory.show_tab(key)
        hint = win.minimumSizeHint()
        assert hint.width() <= SMALL.width() and hint.height() <= SMALL.height(), (key, hint)


def test_the_navigation_collapses_and_stays_as_left(qtbot, ctx) -> None:
    win = make_window(qtbot, ctx)
    assert win.nav_action.isChecked() and win.splitter.sizes()[0] > 0
    win.nav_action.trigger()  # 表示 ▸ ナビゲーションを表示 (Ctrl+B)
    assert win.splitter.sizes()[0] == 0 and not win.nav_action.isChecked()
    again = make_window(qtbot, ctx)
    assert again.splitter.sizes()[0] == 0 and not again.nav_action.isChecked()
    again.nav_action.trigger()
    assert again.splitter.sizes()[0] > 0


def test_the_detail_pane_keeps_the_width_the_user_gave_it(qtbot, ctx) -> None:
    win = make_window(qtbot, ctx)
    win.resize(1366, 728)
    win.show_view("assets")
    splitter = win.assets.splitter
    total = sum(splitter.sizes())
    splitter.moveSplitter(total - 300, 1)  # the user drags the edge
    wanted = splitter.sizes()
    again = make_window(qtbot, ctx)
    again.resize(1366, 728)
    again.show_view("assets")
    assert again.assets.splitter.sizes() == wanted


def test_columns_fit_their_content_and_the_name_takes_the_rest(qtbot, ctx) -> None:
    generate_demo(ctx.db.sessions, size="small")
    win = make_window(qtbot, ctx)
    win.resize(1366, 728)
    win.show_view("assets")
    win.inventory.show_tab("contracts")
    page = win.inventory.pages["contracts"]
    qtbot.waitUntil(lambda: page.table.model().rowCount() > 0, timeout=10_000)
    table, fitter = page.table, page.table.fitter
    header = table.horizontalHeader()
    for column, limit in enumerate(fitter.limits):
        if column != fitter.stretch:
            assert MIN_COLUMN <= header.sectionSize(column) <= limit
    assert header.sectionSize(1) < fitter.limits[1] or fitter.limits[1] <= 60  # 種別 is short
    win.inventory.show_tab("vendors")
    vendors = win.inventory.pages["vendors"].table
    qtbot.waitUntil(lambda: vendors.model().rowCount() > 0, timeout=10_000)
    win.resize(1900, 1000)  # a large screen: no empty band, the name column grows
    v_header, v_fitter = vendors.horizontalHeader(), vendors.fitter
    qtbot.waitUntil(lambda: v_header.length() >= vendors.viewport().width(), timeout=5_000)
    assert v_header.sectionSize(v_fitter.stretch) > v_fitter.limits[v_fitter.stretch]
    assert v_header.length() == vendors.viewport().width()  # and no scroll bar either


def _forms_in(widget) -> list:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QScrollArea

    return [w for w in widget.findChildren(QScrollArea) if w.isVisible()]


# A 1920×1080 screen at 150% (high DPI): 1280×720 logical pixels, less the taskbar.
HIGH_DPI = QSize(1280, 720 - 27)


def test_no_form_needs_a_horizontal_scroll_bar_at_1366(qtbot, ctx) -> None:
    """Every editor of the ledger area, with a record loaded, at 1366×728 (or, run with
    QT_SCALE_FACTOR=1.5 by the test below, at 150% on a 1920×1080 screen): its form fits
    the detail pane's width (only a vertical scroll bar where it is tall)."""
    generate_demo(ctx.db.sessions, size="small")
    win = make_window(qtbot, ctx)
    high_dpi = os.environ.get("QT_SCALE_FACTOR") == "1.5"
    if high_dpi:
        assert win.devicePixelRatioF() == 1.5
    size = HIGH_DPI if high_dpi else SMALL
    hint = win.minimumSizeHint()
    assert hint.width() <= size.width() and hint.height() <= size.height(), hint
    win.resize(size)
    win.show_view("assets")
    for key in ("assets", "contracts", "vendors", "licenses", "systems"):
        win.inventory.show_tab(key)
        page = win.inventory.pages[key]
        table = page.table
        qtbot.waitUntil(lambda t=table: t.model().rowCount() > 0, timeout=10_000)
        table.selectRow(0)
        qtbot.wait(200)
        forms = _forms_in(page)
        assert forms, key
        for form in forms:
            bar = form.horizontalScrollBar()
            assert bar.maximum() == 0, (key, type(form).__name__, bar.maximum())


def test_forms_fit_at_150_percent_too() -> None:
    """The same check in a process whose Qt scales by 150% (a scale factor is fixed for
    the life of a QApplication)."""
    env = {**os.environ, "QT_SCALE_FACTOR": "1.5", "QT_QPA_PLATFORM": "offscreen"}
    test = f"{Path(__file__)}::test_no_form_needs_a_horizontal_scroll_bar_at_1366"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
         test],
        env=env, capture_output=True, text=True, timeout=300, cwd=Path(__file__).parents[2],
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "1 passed" in run.stdout


def test_link_pickers_show_whole_names_on_a_small_screen(qtbot, ctx) -> None:
    generate_demo(ctx.db.sessions, size="small")
    win = make_window(qtbot, ctx)
    win.resize(SMALL)
    win.show_view("assets")
    win.inventory.show_tab("contracts")
    page = win.inventory.pages["contracts"]
    qtbot.waitUntil(lambda: page.table.model().rowCount() > 0, timeout=10_000)
    page.table.selectRow(0)
    editor = page.editor
    panels = editor.links
    qtbot.waitUntil(lambda: panels.tabs.count() == 2, timeout=5_000)
    assert not panels.side_by_side()  # a narrow pane: one panel at a time, full width
    assets = editor.assets_panel
    placeholder = assets.text_input.placeholderText()
    assert assets.text_input.width() >= assets.text_input.fontMetrics().horizontalAdvance(
        placeholder
    )
    systems = editor.systems_panel
    panels.tabs.setCurrentWidget(systems)
    qtbot.waitUntil(lambda: systems.choice_input.count() > 0, timeout=10_000)
    combo = systems.choice_input
    widest = max(
        combo.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count())
    )
    assert combo.view().minimumWidth() >= widest  # the list opened shows every name whole
    assert combo.width() >= combo.fontMetrics().horizontalAdvance(combo.currentText())
    assert combo.toolTip() == combo.currentText()
    win.resize(1920, 1040)  # a large screen: side by side again, both panels shown
    qtbot.waitUntil(panels.side_by_side, timeout=5_000)
    assert assets.isVisible() and systems.isVisible() and assets.title() == "対象の資産"


def test_the_notice_form_keeps_its_fields_on_a_small_screen(qtbot, ctx) -> None:
    """The notice's panels (期限, 解釈メモ, 業務システム, 資産, 添付) are one row of tabs on
    a 1366×768 screen, so the form above shows its fields, not a sliver."""
    generate_demo(ctx.db.sessions, size="small")
    win = make_window(qtbot, ctx)
    win.resize(SMALL)
    win.show_view("notices")
    notices = win._view(win.view_keys.index("notices")).notices
    qtbot.waitUntil(lambda: notices.model.rowCount() > 0, timeout=10_000)
    notices.table.selectRow(0)
    editor = notices.notice_editor
    qtbot.waitUntil(lambda: editor.current_id is not None, timeout=10_000)
    assert not editor.panels.side_by_side() and editor.panels.tabs.count() == 5
    title = editor.form.inputs["title"]
    assert editor.form.height() >= 240
    assert title.visibleRegion().boundingRect().height() == title.height()  # not scrolled off
