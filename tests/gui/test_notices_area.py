"""The 通知・法令 area: its four tabs (通知, 法令・規程, Q&A, ダイジェスト) built when first
shown, records of each kind opened in their tab from anywhere, and the dashboard's
warnings opening the tab they count, showing only what they counted."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QLabel

from app.services.regulations.register import create_regulation
from app.store.models import KnowledgeAnswer, KnowledgeNote
from tests.gui.windows import open_main_window
from tests.regulation_data import lagging_policy

pytestmark = pytest.mark.gui
T = 10_000
TODAY = date(2026, 11, 1)  # the GUI context's today


@pytest.fixture
def world(db) -> dict[str, int]:
    with db.sessions.begin() as s:
        register = lagging_policy(s, TODAY)
        in_line = create_regulation(
            s, {"title": "ひとり町事務引継規程", "kind": "regulation", "origin": "own"}
        )
        note = KnowledgeNote(
            question="LGWANメールの容量は", reviewed_on=date(2025, 1, 10), review_months=6
        )
        fresh = KnowledgeNote(question="まだ新しい質問", reviewed_on=date(2026, 10, 1))
        s.add_all([note, fresh])
        s.flush()
        answer = KnowledgeAnswer(note_id=note.id, position=1, body="各団体で 2GB が多い")
        s.add(answer)
        s.flush()
        return {"policy": register.policy_id, "in_line": in_line.id,
                "version": register.newer_version_id, "note": note.id, "answer": answer.id,
                "fresh": fresh.id}  # fmt: skip


def test_each_kind_opens_in_its_tab(qtbot, ctx, world) -> None:
    win = open_main_window(qtbot, ctx)
    win.open_record("regulation_version", world["version"])
    area = win._view(win.view_keys.index("notices"))
    assert win.view_keys[win.nav.currentRow()] == "notices"
    assert area.current_key() == "regulations"
    qtbot.waitUntil(lambda: area.regulations.regulation_editor.current_id is not None, timeout=T)
    win.open_record("knowledge_answer", world["answer"])
    assert area.current_key() == "knowledge"
    qtbot.waitUntil(lambda: area.knowledge.note_editor.current_id == world["note"], timeout=T)
    assert [key for key, _t, _v in area.TABS] == ["notices", "regulations", "knowledge",
                                                   "digests"]  # fmt: skip
    # 「Q&A」 as written: a single & would make the A a shortcut letter and hide the &.
    assert area.tabs.tabText(2) == "Q&&A"


def test_the_dashboard_warnings_open_what_they_count(qtbot, ctx, world) -> None:
    win = open_main_window(qtbot, ctx)
    dashboard = win.dashboard

    def card(name: str) -> QLabel:
        return next(c for c in dashboard.findChildren(QLabel, "warning") if name in c.text())

    qtbot.waitUntil(lambda: ">1</a>" in card("追随遅れの規程").text(), timeout=T)
    card("追随遅れの規程").linkActivated.emit("lagging_rules")
    area = win._view(win.view_keys.index("notices"))
    assert area.current_key() == "regulations"
    view = area.regulations
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=T)
    shown = [view.model.row_object(r).id for r in range(view.table.shown_count())]
    assert view.shown.currentData() == "lagging" and world["in_line"] not in shown
    win.show_view("dashboard")
    qtbot.waitUntil(lambda: ">1</a>" in card("見直し時期のQ&A").text(), timeout=T)
    card("見直し時期のQ&A").linkActivated.emit("notes_to_review")
    assert area.current_key() == "knowledge"
    notes = area.knowledge
    qtbot.waitUntil(lambda: notes.table.shown_count() == 1, timeout=T)
    assert notes.due_check.isChecked()
