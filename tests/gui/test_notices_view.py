"""The 通知・法令 area in real widgets: what needs attention first (by deadline, overdue in
red), the inbox, a deadline changed with its reason kept, the interpretation rendered, a
task made from a notice, a feed imported from a file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog
from sqlalchemy import select

from app.services.notices import deadlines as dl
from app.services.notices import tracker
from app.store.models import Notice, Task
from tests.gui.windows import open_main_window

pytestmark = pytest.mark.gui
T = 10_000
FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"


@pytest.fixture
def notices(db) -> dict[str, int]:
    with db.sessions.begin() as s:
        ids = {}
        for key, title, status, issued in (
            ("late", "標準化の進捗調査について", "acting", date(2026, 9, 1)),
            ("soon", "ガバメントクラウド利用料の照会", "reading", date(2026, 10, 1)),
            ("new", "マイナンバーカードの事務連絡", "unread", date(2026, 10, 20)),
            ("done", "昨年度の調査", "done", date(2025, 6, 1)),
        ):
            n = tracker.create_notice(
                s, {"issuer": "総務省", "title": title, "status": status, "issued_on": issued}
            )
            ids[key] = n.id
        dl.set_deadline(s, ids["late"], "reply", date(2026, 10, 15), "", today=date(2026, 9, 1))
        dl.set_deadline(s, ids["soon"], "reply", date(2026, 11, 20), "", today=date(2026, 10, 1))
        return ids


def notices_view(qtbot, ctx):  # type: ignore[no-untyped-def]
    window = open_main_window(qtbot, ctx)
    with qtbot.waitSignal(window.view_ready, timeout=T):
        window.show_view("notices")
    return window, window._view(window.view_keys.index("notices"))


def titles(view) -> list[str]:  # type: ignore[no-untyped-def]
    return [view.model.row_object(r).title for r in range(view.model.rowCount())]


def test_what_needs_attention_comes_first_and_the_inbox_holds_the_unread(
    qtbot, ctx, notices
) -> None:
    _window, view = notices_view(qtbot, ctx)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=T)
    assert titles(view) == [
        "標準化の進捗調査について",
        "ガバメントクラウド利用料の照会",
        "マイナンバーカードの事務連絡",
    ]
    assert view.model.row_object(0).overdue  # 2026-10-15 < today 2026-11-01: red
    view.shown.setCurrentIndex(view.shown.findData("unread"))
    assert titles(view) == ["マイナンバーカードの事務連絡"]
    view.shown.setCurrentIndex(view.shown.findData("all"))
    assert len(titles(view)) == 4 and titles(view)[-1] == "昨年度の調査"


def test_a_deadline_change_keeps_its_reason_and_a_date_before_the_issue_is_refused(
    qtbot, ctx, db, notices, monkeypatch
) -> None:
    _window, view = notices_view(qtbot, ctx)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=T)
    view.show_record(notices["late"])
    panel = view.notice_editor.deadlines
    qtbot.waitUntil(lambda: panel.history.count() == 1, timeout=T)
    answers = iter(["R8.11.28", "事務連絡で延長"])
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("回答期限", True))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (next(answers), True))
    panel.change()
    qtbot.waitUntil(lambda: panel.history.count() == 2, timeout=T)
    assert "事務連絡で延長" in panel.history.item(0).text()
    assert "2026-11-28" in panel.current.text()
    answers = iter(["2026-08-01", "誤り"])
    panel.change()
    qtbot.waitUntil(lambda: "発出日" in panel.message.text(), timeout=T)
    with db.sessions() as s:
        assert dl.dated_current_deadlines(s, notices["late"]) == {"reply": date(2026, 11, 28)}


def test_notes_render_and_a_task_is_made_from_the_notice(qtbot, ctx, db, notices) -> None:
    _window, view = notices_view(qtbot, ctx)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=T)
    editor = view.notice_editor
    with qtbot.waitSignal(editor.loaded, timeout=T):
        view.show_record(notices["soon"])
    editor.form.set_values({**editor.form.values(), "interpretation": "## 方針\n- 回答は**不要**"})
    editor._render()
    assert "方針" in editor.preview.toPlainText() and "##" not in editor.preview.toPlainText()
    with qtbot.waitSignal(editor.task_made, timeout=T) as made:
        editor.make_task()
    with db.sessions() as s:
        task = s.get(Task, made.args[0])
        assert task.due_date == date(2026, 11, 20) and "ガバメントクラウド" in task.title
        assert s.get(Notice, notices["soon"]).status == "acting"


def test_a_feed_file_is_imported_from_the_view(qtbot, ctx, db) -> None:
    _window, view = notices_view(qtbot, ctx)
    view.import_from(str(FEEDS / "soumu-news.rdf"))
    qtbot.waitUntil(lambda: "3 件追加しました" in view.note.text(), timeout=T)
    with db.sessions() as s:
        assert len(s.scalars(select(Notice)).all()) == 3
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=T)  # 未確認: shown as open
    view.import_from(str(FEEDS / "no-such-feed.xml"))
    qtbot.waitUntil(lambda: "no-such-feed.xml" in view.note.text(), timeout=T)


def test_by_issuer_groups_the_issuers_and_a_url_is_asked_for(
    qtbot, ctx, db, notices, monkeypatch
) -> None:
    with db.sessions.begin() as s:
        tracker.create_notice(
            s, {"issuer": "デジタル庁", "title": "ガバクラ案内", "status": "done"}
        )
    _window, view = notices_view(qtbot, ctx)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=T)
    view.shown.setCurrentIndex(view.shown.findData("issuer"))
    issuers = [view.model.row_object(r).issuer for r in range(view.model.rowCount())]
    assert issuers == ["総務省"] * 4 + ["デジタル庁"]
    actions = [a.text() for a in view.import_button.menu().actions()]
    assert actions[0].startswith("ファイルから") and actions[1].startswith("URL から")
    asked: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", True))
    monkeypatch.setattr(view, "import_from", asked.append)
    view.import_from_url()  # an empty answer imports nothing
    assert asked == []
