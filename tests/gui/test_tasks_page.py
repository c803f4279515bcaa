"""The タスク tab in real widgets: a new task, overdue ones flagged and first, completing
one with its work-log entry, the year's recurring work generated once, the starter set
adopted."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QDialog, QInputDialog
from sqlalchemy import select

from app.services.errors import ValidationError
from app.services.tasks import tasks as svc
from app.store.models import Task, TaskSeries, WorkLogEntry
from app.ui.worklog import tasks_page
from app.ui.worklog.tasks_page import StarterDialog, TaskDialog
from tests.gui.windows import open_main_window

pytestmark = pytest.mark.gui
T = 10_000


def tasks_tab(qtbot, ctx):  # type: ignore[no-untyped-def]
    window = open_main_window(qtbot, ctx)
    with qtbot.waitSignal(window.view_ready, timeout=T):
        window.show_view("worklog")
    view = window._view(window.view_keys.index("worklog"))
    view.tabs.setCurrentWidget(view.tasks)
    return view.tasks


def test_the_service_checks_input_and_lists_overdue_first(db) -> None:
    with db.sessions.begin() as s:
        for title, due in (("later", date(2026, 12, 1)), ("late", date(2026, 10, 1)),
                           ("undated", None)):  # fmt: skip
            svc.create_task(s, {"title": title, "due_date": due})
        done = svc.create_task(s, {"title": "finished", "status": "done"})
        with pytest.raises(ValidationError) as info:
            svc.create_task(s, {"title": " ", "due_date": "2026-02-30", "priority": "9"})
    assert {e.field for e in info.value.errors} == {"title", "due_date", "priority"}
    with db.sessions() as s:
        rows = svc.list_tasks(s, "open")
        assert [r.title for r in rows] == ["late", "later", "undated"]
        assert rows[0].overdue(date(2026, 11, 1)) and not rows[1].overdue(date(2026, 11, 1))
        assert [r.title for r in svc.list_tasks(s, "done")] == ["finished"]
        assert s.get(Task, done.id).fiscal_year is None
        assert s.get(Task, rows[0].id).fiscal_year == 2026


def test_a_new_task_from_the_tab(qtbot, ctx, db) -> None:
    page = tasks_tab(qtbot, ctx)
    dialog = TaskDialog(ctx, None, page)
    qtbot.addWidget(dialog)
    dialog.title_edit.setText("ウイルス対策ソフトの更新")
    dialog.due.setText("R8.10.15")
    with qtbot.waitSignal(dialog.saved, timeout=T):
        dialog.save()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=T)
    row = page.model.row_object(0)
    assert (row.title, row.due_date) == ("ウイルス対策ソフトの更新", date(2026, 10, 15))
    assert "期限切れ 1 件" in page.status.text()  # today is 2026-11-01 in the tests


def test_completing_writes_the_work_log_entry(qtbot, ctx, db, monkeypatch) -> None:
    with db.sessions.begin() as s:
        task_id = svc.create_task(s, {"title": "証明書の更新", "due_date": date(2026, 11, 5)}).id
    page = tasks_tab(qtbot, ctx)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=T)
    page.table.select_id(task_id)
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (45, True))
    page.complete_current()
    qtbot.waitUntil(lambda: "完了にしました" in page.note.text(), timeout=T)
    with db.sessions() as s:
        assert s.get(Task, task_id).status == "done"
        entry = s.scalars(select(WorkLogEntry)).one()
        assert (entry.title, entry.minutes, entry.task_id) == ("証明書の更新", 45, task_id)
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=T)  # open ones only


def test_the_starter_set_is_adopted_and_the_year_generated_once(
    qtbot, ctx, db, monkeypatch
) -> None:
    page = tasks_tab(qtbot, ctx)
    monkeypatch.setattr(StarterDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    page.adopt()
    qtbot.waitUntil(lambda: "定例作業" in page.note.text(), timeout=T)
    with db.sessions() as s:
        rules = s.scalars(select(TaskSeries)).all()
        made = len(s.scalars(select(Task)).all())
    assert len(rules) >= 10 and made > 0
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("令和8年度", True))
    page.generate_year()
    qtbot.waitUntil(lambda: "0 件を作成しました" in page.note.text(), timeout=T)
    with db.sessions() as s:
        assert len(s.scalars(select(Task)).all()) == made
    assert tasks_page.load_starter()  # the bundled set reads


def test_the_yearly_schedule_tab_lists_the_months_and_prints(qtbot, ctx, db, tmp_path) -> None:
    from pypdf import PdfReader

    with db.sessions.begin() as s:
        svc.create_task(s, {"title": "予算要求の資料作成", "due_date": date(2026, 10, 9)})
        svc.create_task(s, {"title": "年度末のアカウント棚卸", "due_date": date(2027, 3, 19)})
    window = open_main_window(qtbot, ctx)
    with qtbot.waitSignal(window.view_ready, timeout=T):
        window.show_view("worklog")
    view = window._view(window.view_keys.index("worklog"))
    page = view.schedule
    view.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.tree.topLevelItemCount() == 12, timeout=T)
    months = [page.tree.topLevelItem(i).text(0) for i in range(12)]
    assert months[0].startswith("4月") and months[-1].startswith("3月（1件）")
    october = page.tree.topLevelItem(6)
    assert october.text(0) == "10月（1件）" and october.child(0).text(2) == "予算要求の資料作成"
    with qtbot.waitSignal(page.record_requested, timeout=T) as opened:
        page.tree.itemActivated.emit(october.child(0), 0)
    assert opened.args[0] == "task"
    page.export_to(tmp_path / "年間")
    qtbot.waitUntil(lambda: "ページを書き出しました" in page.status.text(), timeout=T)
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "年間.pdf").pages)
    assert "年間スケジュール" in text and "予算要求の資料作成" in text.replace("\n", "")
