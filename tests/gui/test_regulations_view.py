"""The 法令・規程台帳 in real widgets: the starter set adopted from the view, an own rule
entered, a version added (a refused one keeps the dialog open with the reason), a rule
made to follow another and flagged once the source gets a newer version, a circle
refused with the service's message, 対応済みにする, the tasks proposed for the followers
(linked to both rules), the 追随遅れのみ filter, and a version opened from elsewhere."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from app.services import links
from app.services.notices import tracker
from app.services.regulations import dependencies as dep
from app.services.regulations import register as reg
from app.store.models import Regulation, RegulationDependency, RegulationVersion, Task
from app.ui.regulations.view import RegulationsView
from tests.gui.user_input import type_keys, type_text

pytestmark = pytest.mark.gui
T = 10_000
TODAY = date(2026, 11, 1)  # tests/conftest.py


@pytest.fixture
def rules(db) -> dict[str, int]:
    """A national guideline with two versions and two own rules following it: the
    policy in line with the newer one, the standard with the older (it lags)."""
    with db.sessions.begin() as s:
        guide = reg.create_regulation(
            s,
            {
                "title": "情報セキュリティポリシーガイドライン",
                "kind": "guideline",
                "origin": "national",
            },
        )
        old = reg.add_version(
            s, guide.id, {"label": "令和6年10月改定", "revised_on": date(2024, 10, 1)}, today=TODAY
        )
        new = reg.add_version(
            s, guide.id, {"label": "令和7年3月改定", "revised_on": date(2025, 3, 1)}, today=TODAY
        )
        policy = reg.create_regulation(
            s, {"title": "○○市情報セキュリティ基本方針", "kind": "policy", "origin": "own"}
        )
        standard = reg.create_regulation(
            s, {"title": "○○市情報セキュリティ対策基準", "kind": "regulation", "origin": "own"}
        )
        followed = dep.add_dependency(s, policy.id, guide.id, today=TODAY)
        lagging = dep.add_dependency(
            s, standard.id, guide.id, today=TODAY, followed_version_id=old.id
        )
        return {
            "guide": guide.id,
            "old": old.id,
            "new": new.id,
            "policy": policy.id,
            "standard": standard.id,
            "followed": followed.id,
            "lagging": lagging.id,
        }


def open_view(qtbot, ctx) -> RegulationsView:  # type: ignore[no-untyped-def]
    view = RegulationsView(ctx)
    qtbot.addWidget(view)
    view.resize(1180, 600)
    view.show()
    with qtbot.waitSignal(view.ready, timeout=T):
        view.activate()
    return view


def names(view: RegulationsView) -> list[str]:
    return [view.model.row_object(r).title for r in range(view.model.rowCount())]


def row_of(view: RegulationsView, regulation_id: int):  # type: ignore[no-untyped-def]
    n = view.model.row_for_id(regulation_id)
    return None if n is None else view.model.row_object(n)


def show(qtbot, view: RegulationsView, regulation_id: int) -> None:  # type: ignore[no-untyped-def]
    editor = view.regulation_editor
    with qtbot.waitSignal(editor.loaded, timeout=T):
        view.show_record(regulation_id)
    qtbot.waitUntil(lambda: editor.history_panel.regulation_id == regulation_id, timeout=T)


def test_the_starter_set_is_adopted_from_the_view_and_listed(qtbot, ctx, monkeypatch) -> None:
    view = open_view(qtbot, ctx)
    assert view.model.rowCount() == 0
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    view.starter_button.click()
    qtbot.waitUntil(lambda: "を追加しました" in view.note.text(), timeout=T)
    qtbot.waitUntil(lambda: view.model.rowCount() >= 5, timeout=T)
    shown = [view.model.index(r, 0).data() for r in range(view.model.rowCount())]
    assert "標準化法" in shown and "番号法" in shown
    law = next(
        view.model.row_object(r)
        for r in range(view.model.rowCount())
        if view.model.row_object(r).short_name == "標準化法"
    )
    tip = view.model.index(view.model.row_for_id(law.id), 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("地方公共団体情報システムの標準化に関する法律")
    summary = view.note.text()
    view.reload()  # the note is kept across reloads
    qtbot.waitUntil(lambda: view.reload_button.isEnabled(), timeout=T)
    assert view.note.text() == summary and view.note.isVisible()


def test_an_own_rule_is_entered_through_the_editor(qtbot, ctx, db) -> None:
    view = open_view(qtbot, ctx)
    editor = view.regulation_editor
    with qtbot.waitSignal(editor.loaded, timeout=T):
        view.new_record()
    assert editor.form.values()["origin"] == "own"  # entered by hand: an own rule
    type_text(qtbot, editor.form.inputs["title"], "○○市情報セキュリティ対策基準")
    type_text(qtbot, editor.form.inputs["number"], "訓令第5号")
    with qtbot.waitSignal(editor.saved, timeout=T) as saved:
        editor.save_button.click()
    with db.sessions() as s:
        rule = s.get(Regulation, saved.args[0])
        assert (rule.title, rule.kind, rule.origin, rule.number) == (
            "○○市情報セキュリティ対策基準",
            "regulation",
            "own",
            "訓令第5号",
        )
    qtbot.waitUntil(lambda: names(view) == ["○○市情報セキュリティ対策基準"], timeout=T)
    qtbot.waitUntil(
        editor.history_panel.add_button.isEnabled, timeout=T
    )  # saved: versions can be added


def test_a_version_is_added_and_a_refused_one_keeps_the_dialog_open(qtbot, ctx, db) -> None:
    with db.sessions.begin() as s:
        rule = reg.create_regulation(
            s, {"title": "○○市情報セキュリティ対策基準", "kind": "regulation", "origin": "own"}
        )
        notice = tracker.create_notice(
            s, {"issuer": "総務省", "title": "情報セキュリティポリシーガイドラインの改定について"}
        )
        rule_id, notice_id = rule.id, notice.id
    view = open_view(qtbot, ctx)
    show(qtbot, view, rule_id)
    panel = view.regulation_editor.history_panel
    dialog = panel.edit(None)
    assert dialog is not None
    type_text(qtbot, dialog.form.inputs["label"], "令和8年4月改定")
    type_text(qtbot, dialog.form.inputs["revised_on"], "R8.4.1")
    type_text(qtbot, dialog.form.inputs["effective_on"], "令和8年3月1日")  # before: refused
    dialog.save()
    qtbot.waitUntil(lambda: "施行日" in dialog.message.text(), timeout=T)
    assert dialog.isVisible()
    assert "公布・改定日（2026-04-01）より前" in dialog.form.field_error("effective_on")
    type_text(qtbot, dialog.form.inputs["effective_on"], "令和8年10月1日")
    dialog.notice.typed.setFocus()
    type_keys(qtbot, dialog.notice.typed, "ガイドライン")
    dialog.notice.look_up()
    qtbot.waitUntil(lambda: dialog.notice.candidates() != [], timeout=T)
    qtbot.keyClick(dialog.notice.typed, Qt.Key.Key_Return)  # picks; does not save
    assert dialog.notice.notice_id == notice_id and dialog.isVisible()
    with qtbot.waitSignal(dialog.saved, timeout=T):
        dialog.save()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: panel.list.count() == 1, timeout=T)
    assert panel.current() is not None and panel.current().state == "現行"
    assert "通知: 情報セキュリティポリシーガイドラインの改定について" in panel.list.item(0).text()
    with db.sessions() as s:
        version = s.scalars(select(RegulationVersion)).one()
        assert (version.revised_on, version.effective_on, version.notice_id) == (
            date(2026, 4, 1),
            date(2026, 10, 1),
            notice_id,
        )
    qtbot.waitUntil(lambda: row_of(view, rule_id).current_label == "令和8年4月改定", timeout=T)


def test_a_follower_lags_once_its_source_gets_a_newer_version(qtbot, ctx, db) -> None:
    with db.sessions.begin() as s:
        guide = reg.create_regulation(
            s,
            {
                "title": "情報セキュリティポリシーガイドライン",
                "kind": "guideline",
                "origin": "national",
            },
        )
        reg.add_version(
            s, guide.id, {"label": "令和6年10月改定", "revised_on": date(2024, 10, 1)}, today=TODAY
        )
        own = reg.create_regulation(
            s, {"title": "○○市情報セキュリティ対策基準", "kind": "regulation", "origin": "own"}
        )
        guide_id, own_id = guide.id, own.id
    view = open_view(qtbot, ctx)
    show(qtbot, view, own_id)
    panel = view.regulation_editor.dependency_panel
    dialog = panel.add()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.rule.count() > 0, timeout=T)
    dialog.choose(guide_id)
    with qtbot.waitSignal(dialog.saved, timeout=T):
        dialog.save()
    qtbot.waitUntil(lambda: len(panel.rows) == 1, timeout=T)
    assert panel.rows[0].followed_label == "令和6年10月改定" and not row_of(view, own_id).lagging
    show(qtbot, view, guide_id)  # the source gets a newer version
    versions = view.regulation_editor.history_panel
    qtbot.waitUntil(lambda: versions.list.count() == 1, timeout=T)
    version_dialog = versions.edit(None)
    assert version_dialog is not None
    type_text(qtbot, version_dialog.form.inputs["label"], "令和7年3月改定")
    type_text(qtbot, version_dialog.form.inputs["revised_on"], "R7.3.1")
    with qtbot.waitSignal(version_dialog.saved, timeout=T):
        version_dialog.save()
    qtbot.waitUntil(lambda: row_of(view, own_id).lagging, timeout=T)
    row = view.model.row_for_id(own_id)
    assert view.model.alert_of(row) == "error"
    assert row_of(view, own_id).lagging_since == date(2025, 3, 1)
    assert "追随遅れ 1 件" in view.count_label.text()
    qtbot.waitUntil(lambda: "追随遅れ" in versions.list.item(0).text(), timeout=T)


def test_a_circle_is_refused_with_the_services_message(qtbot, ctx, rules) -> None:
    view = open_view(qtbot, ctx)
    show(qtbot, view, rules["guide"])
    panel = view.regulation_editor.dependency_panel
    qtbot.waitUntil(lambda: len(panel.rows) == 2, timeout=T)
    dialog = panel.add()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.rule.count() > 0, timeout=T)
    dialog.relation.setCurrentIndex(dialog.relation.findData("follows"))  # the guide follows
    dialog.choose(rules["policy"])  # a rule that follows the guide: a circle
    dialog.save()
    qtbot.waitUntil(lambda: "循環します" in dialog.message.text(), timeout=T)
    assert dialog.isVisible()
    assert (
        "情報セキュリティポリシーガイドライン → ○○市情報セキュリティ基本方針 → "
        "情報セキュリティポリシーガイドライン"
    ) in dialog.message.text()


def test_marking_a_follower_brought_in_line_clears_its_lag(qtbot, ctx, rules) -> None:
    view = open_view(qtbot, ctx)
    assert row_of(view, rules["standard"]).lagging
    show(qtbot, view, rules["standard"])
    editor = view.regulation_editor
    editor.sections.setCurrentWidget(editor.dependency_panel)
    panel = editor.dependency_panel
    qtbot.waitUntil(lambda: panel.select(rules["lagging"]), timeout=T)
    assert editor.sections.tabText(2) == "追随関係（1・遅れ 1）"
    assert panel.followed_button.isEnabled()
    panel.followed_button.click()
    qtbot.waitUntil(lambda: "対応済みにしました" in panel.message.text(), timeout=T)
    qtbot.waitUntil(lambda: not row_of(view, rules["standard"]).lagging, timeout=T)
    qtbot.waitUntil(lambda: panel.rows and panel.rows[0].lagging_since is None, timeout=T)
    assert panel.rows[0].followed_label == "令和7年3月改定"
    assert view.model.alert_of(view.model.row_for_id(rules["standard"])) is None


def test_the_proposed_tasks_are_created_linked_to_both_rules(qtbot, ctx, db, rules) -> None:
    with db.sessions.begin() as s:  # the policy lags too, and has the task already
        dependency = s.get(RegulationDependency, rules["followed"])
        dependency.followed_version_id = rules["old"]
        s.flush()
        proposal = next(
            p for p in dep.propose_tasks(s, rules["new"]) if p.dependent_id == rules["policy"]
        )
        dep.create_tasks(s, [(proposal, None)])
    view = open_view(qtbot, ctx)
    editor = view.regulation_editor
    editor.select_version(rules["new"])
    show(qtbot, view, rules["guide"])
    panel = editor.history_panel
    qtbot.waitUntil(
        lambda: panel.current() is not None and panel.tasks_button.isEnabled(), timeout=T
    )
    assert panel.current().id == rules["new"]
    dialog = panel.propose_tasks()
    assert dialog is not None
    qtbot.waitUntil(lambda: len(dialog.rows) == 2, timeout=T)
    by_rule = {row.proposal.dependent_id: row for row in dialog.rows}
    again, wanted = by_rule[rules["policy"]], by_rule[rules["standard"]]
    assert not again.check.isChecked() and "同じ件名のタスクがあります" in again.note.text()
    assert wanted.check.isChecked() and wanted.note.isHidden()
    type_text(qtbot, wanted.title, "対策基準の改定（ガイドライン令和7年3月改定）")
    type_text(qtbot, wanted.due, "R9.3.31")
    with qtbot.waitSignal(dialog.created, timeout=T) as created:
        dialog.make_tasks()
    assert editor.message.text() == "タスクを 1 件作成しました"
    (task_id,) = created.args[0]
    with db.sessions() as s:
        task = s.get(Task, task_id)
        assert (task.title, task.due_date) == (
            "対策基準の改定（ガイドライン令和7年3月改定）",
            date(2027, 3, 31),
        )
        linked = set(links.linked_ids(s, "task", task_id, "regulation"))
        assert linked == {rules["standard"], rules["guide"]}
        assert len(s.scalars(select(Task)).all()) == 2


def test_the_filter_shows_the_lagging_rules_only(qtbot, ctx, rules) -> None:
    view = open_view(qtbot, ctx)
    assert len(names(view)) == 3
    view.shown.setCurrentIndex(view.shown.findData("lagging"))
    assert names(view) == ["○○市情報セキュリティ対策基準"]
    view.shown.setCurrentIndex(view.shown.findData("national"))
    assert names(view) == ["情報セキュリティポリシーガイドライン"]
    view.shown.setCurrentIndex(view.shown.findData("own"))
    assert set(names(view)) == {"○○市情報セキュリティ基本方針", "○○市情報セキュリティ対策基準"}
    view.show_record(rules["guide"])  # filtered out: すべて is shown again
    assert view.shown.currentData() == "all" and view.table.selected_id() == rules["guide"]


def test_opening_a_version_selects_its_rule_and_the_version(qtbot, ctx, rules) -> None:
    view = open_view(qtbot, ctx)
    editor = view.regulation_editor
    view.open_record("regulation_version", rules["old"])
    qtbot.waitUntil(lambda: view.table.selected_id() == rules["guide"], timeout=T)
    panel = editor.history_panel
    qtbot.waitUntil(lambda: panel.current() is not None, timeout=T)
    assert panel.current().id == rules["old"] and panel.current().state == "旧版"
    assert editor.sections.currentWidget() is panel and editor.current_id == rules["guide"]
    view.open_record("regulation_version", 99_999)
    qtbot.waitUntil(lambda: "見つかりません" in view.note.text(), timeout=T)
