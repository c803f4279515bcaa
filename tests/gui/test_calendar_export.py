"""予定表に書き出す (.ics) from the 年間スケジュール tab in real widgets: the period asked
first (the 年度 shown, a year from today, or typed dates, a backwards period refused in
the dialog), the file read back with icalendar holding the deadlines of that period and
no others, a file that cannot be written said in red with nothing written, and the
same action from the ファイル menu."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar
from PySide6.QtWidgets import QDialog, QFileDialog

from app.jdate import fiscal_year_range
from app.services.schedule.deadlines import deadlines
from app.services.tasks import tasks as svc
from app.store.models import Contract, License
from app.ui.widgets.styles import ERROR_STYLE
from app.ui.worklog.calendar_dialog import CalendarPeriodDialog
from tests.conftest import TODAY
from tests.gui.user_input import type_text
from tests.gui.windows import open_main_window

pytestmark = pytest.mark.gui
T = 10_000
FY2026 = fiscal_year_range(2026)  # the 年度 the tab shows first (today is 2026-11-01)


def schedule_tab(qtbot, ctx):  # type: ignore[no-untyped-def]
    window = open_main_window(qtbot, ctx)
    with qtbot.waitSignal(window.view_ready, timeout=T):
        window.show_view("worklog")
    view = window._view(window.view_keys.index("worklog"))
    view.tabs.setCurrentWidget(view.schedule)
    qtbot.waitUntil(lambda: view.schedule.tree.topLevelItemCount() == 12, timeout=T)
    return window, view


def fill(db) -> None:  # type: ignore[no-untyped-def]
    """In 令和8年度: a task, a contract's end, a licence's expiry; outside it: a task of
    the next 年度 and a licence that expired in the last one."""
    with db.sessions.begin() as s:
        svc.create_task(s, {"title": "予算要求の資料作成", "due_date": date(2026, 10, 9)})
        svc.create_task(s, {"title": "来年度の棚卸", "due_date": date(2027, 4, 1)})
        s.add_all([
            Contract(title="住民記録システム保守", end_date=date(2027, 3, 31)),
            License(product="ウイルス対策ソフト", seats=120, expiry_date=date(2026, 8, 31)),
            License(product="旧グループウェア", expiry_date=date(2026, 3, 31)),
        ])  # fmt: skip


def summaries(path: Path) -> list[str]:
    calendar = Calendar.from_ical(path.read_bytes())
    return sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))


def test_the_fiscal_year_shown_is_written_and_reads_back(qtbot, ctx, db, monkeypatch) -> None:
    fill(db)
    with db.sessions() as s:
        expected = len(deadlines(s, *FY2026))
    assert expected == 3
    _window, view = schedule_tab(qtbot, ctx)
    page = view.schedule
    monkeypatch.setattr(CalendarPeriodDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    asked: list[str] = []

    def save_as(_parent, _title, suggested, _filter):  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return str(Path(suggested).with_suffix("")), ""  # the user dropped the .ics

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    page.export_calendar()
    assert asked == [str(Path.home() / "期限_令和8年度.ics")]
    qtbot.waitUntil(lambda: "書き出しました" in page.status.text(), timeout=T)
    written = Path(asked[0])
    found = summaries(written)
    assert len(found) == expected
    assert all(any(title in s for s in found) for title in
               ("予算要求の資料作成", "住民記録システム保守", "ウイルス対策ソフト"))  # fmt: skip
    assert not any("来年度の棚卸" in s or "旧グループウェア" in s for s in found)
    text = page.status.text()
    assert text.startswith(f"3 件の期限を予定表ファイルに書き出しました: {written}")
    assert "重複せず" in text and page.status.styleSheet() == ""


def test_a_year_from_today_and_typed_dates(qtbot, ctx, db, tmp_path) -> None:
    fill(db)
    _window, view = schedule_tab(qtbot, ctx)
    page = view.schedule
    dialog = CalendarPeriodDialog(2026, TODAY, page)
    qtbot.addWidget(dialog)
    dialog.year_choice.setChecked(True)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.period() == (TODAY, date(2027, 10, 31))
    assert dialog.label() == "2026-11-01_2027-10-31"
    page.export_calendar_to(tmp_path / "一年.ics", *dialog.period())
    qtbot.waitUntil(lambda: "書き出しました" in page.status.text(), timeout=T)
    found = summaries(tmp_path / "一年.ics")  # the contract's end and next year's task
    assert len(found) == 2 and any("来年度の棚卸" in s for s in found)

    typed = CalendarPeriodDialog(2026, TODAY, page)
    qtbot.addWidget(typed)
    typed.range_choice.setChecked(True)
    assert typed.start.isEnabled() and typed.end.isEnabled()
    type_text(qtbot, typed.start, "令和8年8月1日")
    type_text(qtbot, typed.end, "R8.8.31")
    typed.accept()
    assert typed.period() == (date(2026, 8, 1), date(2026, 8, 31))


def test_a_period_ending_before_it_begins_is_refused_in_the_dialog(
    qtbot, ctx, db, monkeypatch
) -> None:
    _window, view = schedule_tab(qtbot, ctx)
    page = view.schedule

    def backwards(dialog: CalendarPeriodDialog) -> int:
        dialog.range_choice.setChecked(True)
        type_text(qtbot, dialog.start, "R9.3.31")
        type_text(qtbot, dialog.end, "2026-04-01")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(CalendarPeriodDialog, "exec", backwards)
    chosen: list[object] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: chosen.append(a))
    page.export_calendar()
    assert chosen == []  # no file asked for
    dialog = page.findChildren(CalendarPeriodDialog)[-1]
    assert "終わりの日" in dialog.message.text() and "より前です" in dialog.message.text()
    assert dialog.result() != QDialog.DialogCode.Accepted
    dialog.end.setText("")
    dialog.accept()
    assert dialog.message.text() == "終わりの日を入力してください"
    dialog.fy_choice.setChecked(True)  # the typed dates no longer matter
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.period() == FY2026


@pytest.mark.parametrize("where", ["folder", "missing folder"])
def test_a_file_that_cannot_be_written_is_said_in_red(qtbot, ctx, db, tmp_path, where) -> None:
    fill(db)
    _window, view = schedule_tab(qtbot, ctx)
    page = view.schedule
    out = tmp_path / "out"  # beside the test's data folder
    out.mkdir()
    if where == "folder":
        target = out / "期限.ics"
        target.mkdir()
    else:
        target = out / "ない" / "期限.ics"
    page.export_calendar_to(target, *FY2026)
    qtbot.waitUntil(lambda: page.status.styleSheet() == ERROR_STYLE, timeout=T)
    assert "書き出しました" not in page.status.text() and page.status.text()
    assert target.is_dir() if where == "folder" else not target.parent.exists()
    assert [p.name for p in out.rglob("*") if p.is_file()] == []


def test_the_file_menu_opens_it_over_the_schedule_tab(qtbot, ctx, monkeypatch) -> None:
    window = open_main_window(qtbot, ctx)
    opened: list[int] = []

    def cancel(dialog: CalendarPeriodDialog) -> int:
        opened.append(dialog.fiscal_year)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(CalendarPeriodDialog, "exec", cancel)
    file_menu = window.menuBar().actions()[0].menu()
    action = next(a for a in file_menu.actions() if a.text().startswith("期限を予定表に書き出す"))
    action.trigger()
    view = window._view(window.view_keys.index("worklog"))
    assert opened == [2026]
    assert window.stack.currentWidget() is view and view.tabs.currentWidget() is view.schedule
