"""The main window: every view opens, Ctrl+K search finds and opens records."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from app.services.inventory.assets import create_asset
from app.store.models import Department, Location, Notice

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, ctx, db):
    from app.ui.main_window import MainWindow

    with db.sessions.begin() as s:
        s.add_all([Department(name="総務課"), Location(name="本庁舎2階")])
        s.flush()
        create_asset(s, {"asset_tag": "HT-PC-0001", "name": "総務課 事務用PC"})
        create_asset(s, {"asset_tag": "HT-SV-0002", "name": "ファイルサーバ", "notes": "保守"})
        s.add(Notice(issuer="総務省", title="標準化に関する通知"))
    win = MainWindow(ctx, data_dir_text=str(ctx.db.data_dir.root))
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.dashboard.ready, timeout=10_000):
        win.show()
    return win


def test_start_up_builds_the_first_view_and_reads_its_data_at_once(qtbot, ctx) -> None:
    """The other areas are in the navigation without their views; the dashboard's data job
    runs before the window is shown, and the rest is built in idle turns once it is."""
    from app.ui.main_window import MainWindow

    win = MainWindow(ctx, data_dir_text=str(ctx.db.data_dir.root))
    qtbot.addWidget(win)
    assert win.nav.count() == len(win.view_keys) == 6
    assert win.stack.count() == 1 and win.stack.currentWidget() is win.dashboard
    assert ctx.jobs.active() == 1  # the dashboard's, started while the window was built
    with qtbot.waitSignal(win.view_ready, timeout=10_000) as blocker:
        win.show()
    assert blocker.args == ["dashboard"]
    qtbot.waitUntil(lambda: win.stack.count() == 6, timeout=10_000)
    assert win.stack.currentWidget() is win.dashboard
    assert [view.view_key for view in win.views] == win.view_keys


def test_every_view_opens_and_becomes_ready(qtbot, window) -> None:
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == [
        "ダッシュボード",
        "資産台帳",
        "作業ログ",
        "通知・法令",
        "手順書・引継ぎ",
        "チェックリスト",
    ]
    for view in window.views[1:]:
        with qtbot.waitSignal(window.view_ready, timeout=10_000) as blocker:
            window.show_view(view.view_key)
        assert blocker.args == [view.view_key]
        assert window.stack.currentWidget() is view


def test_areas_not_built_say_so_and_show_real_counts(qtbot, window) -> None:
    with qtbot.waitSignal(window.view_ready, timeout=10_000):
        window.show_view("runbooks")
    page = window.stack.currentWidget()
    texts = " ".join(label.text() for label in page.findChildren(QLabel))
    assert "まだ作られていません" in texts
    assert "手順書: 0 件" in page._counts.text()


def test_dashboard_counts_and_status_bar(window) -> None:
    cards = [w.text() for w in window.dashboard.findChildren(QLabel)]
    assert any("資産" in t and ">2<" in t for t in cards)
    status = " ".join(w.text() for w in window.statusBar().findChildren(QLabel))
    assert str(window.ctx.db.data_dir.root) in status


def test_ctrl_k_focuses_search(qtbot, window) -> None:
    window.activateWindow()
    window.nav.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.search_box


def test_search_then_open_asset(qtbot, window) -> None:
    window.search_box.setText("総務")
    with qtbot.waitSignal(window.search_dialog.results_shown, timeout=10_000) as blocker:
        window.open_search()
    assert blocker.args[0] >= 3
    tree = window.search_dialog.tree
    groups = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert {"資産", "部署", "通知"} <= {g.split("（")[0] for g in groups}
    asset_group = next(
        tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).text(0).startswith("資産")
    )  # fmt: skip
    hit = asset_group.child(0)
    assert hit.text(0) == "総務課 事務用PC"
    with qtbot.waitSignal(window.assets.ready, timeout=10_000):
        window.search_dialog._activated(hit)
    assert window.stack.currentWidget() is window.inventory
    assert window.inventory.tabs.currentWidget() is window.assets
    qtbot.waitUntil(lambda: window.assets.editor.current_asset_id is not None, timeout=10_000)
    assert window.assets.editor.current_asset_id == hit.data(0, Qt.ItemDataRole.UserRole)[1]


def test_search_reports_bad_queries(qtbot, window) -> None:
    window.open_search()
    for query, word in (("（）", "文字または数字"), ("x" * 300, "長すぎ")):
        with qtbot.waitSignal(window.search_dialog.results_shown, timeout=10_000):
            window.search_dialog.search(query)
        assert word in window.search_dialog.status.text()
    with qtbot.waitSignal(window.search_dialog.results_shown, timeout=10_000):
        window.search_dialog.search('" * AND NEAR( ）')
    assert "一致するものはありません" in window.search_dialog.status.text()


def test_backup_generations_setting(window, monkeypatch) -> None:
    from app.ui.backup_settings import BackupSettingsDialog

    asked: list[int] = []

    def answer(dialog) -> int:  # type: ignore[no-untyped-def]
        asked.append(dialog.generations.value())
        dialog.generations.setValue(3)
        return BackupSettingsDialog.DialogCode.Accepted

    monkeypatch.setattr(BackupSettingsDialog, "exec", answer)
    menu = {a.text(): a for a in window.menuBar().actions()[0].menu().actions()}
    menu["バックアップの設定…"].trigger()
    assert asked == [7]  # the default
    assert int(window.ctx.settings.value("backup/generations")) == 3
    assert "データフォルダに3世代" in window.statusBar().currentMessage()
    window.edit_backup_settings()
    assert asked == [7, 3]


def test_every_record_kind_can_be_opened_from_anywhere(qtbot, window, db) -> None:
    """The walk over every declared kind: a view that declares it opens it, or a
    read-only record dialog made from its declaration shows it."""
    from app.store.kind_index import declared_models
    from app.ui.widgets.record_dialog import RecordDialog

    with db.sessions() as s:
        notice_id = s.query(Notice.id).scalar()
    opened_by_views = set().union(*(view.opens for view in window.views))
    for model in declared_models():
        code = model.__kind__.code
        window.open_record(code, notice_id if code == "notice" else 1)
        if code in opened_by_views:
            assert code in window.stack.currentWidget().opens, code
            continue
        dialog = window.findChildren(RecordDialog)[-1]
        assert dialog.kind is model.__kind__
        assert model.__kind__.label in dialog.windowTitle()
        dialog.close()


def test_the_record_dialog_shows_fields_and_follows_links(qtbot, window, db) -> None:
    from app.store.models import NoticeDeadline
    from app.ui.widgets.record_dialog import RecordDialog

    with db.sessions.begin() as s:
        notice = s.query(Notice).one()
        deadline = NoticeDeadline(
            notice_id=notice.id, kind="reply", is_current=True, reason="回答の締切が延びた"
        )
        s.add(deadline)
        s.flush()
        deadline_id, notice_id = deadline.id, notice.id
    window.open_record("notice_deadline", deadline_id)
    dialog = window.findChildren(RecordDialog)[-1]
    qtbot.waitUntil(lambda: dialog.form.rowCount() > 0, timeout=10_000)
    shown = {
        dialog.form.itemAt(i, dialog.form.ItemRole.LabelRole).widget().text(): dialog.form.itemAt(
            i, dialog.form.ItemRole.FieldRole
        ).widget()
        for i in range(dialog.form.rowCount())
    }
    assert dialog.heading.text() == "回答の締切が延びた"
    assert shown["期限の種類"].text() == "回答期限"  # the code shown as its label
    assert shown["現在の期限"].text() == "はい"
    link = shown["通知"]
    assert "標準化に関する通知" in link.text()
    with qtbot.waitSignal(dialog.record_requested, timeout=5_000) as blocker:
        link.linkActivated.emit(f"notice:{notice_id}")
    assert blocker.args == ["notice", notice_id]


def test_the_demo_loaded_from_the_dashboard_is_shown_as_written(qtbot, ctx, monkeypatch) -> None:
    """No view is told to reload: the write is announced, and what shows it reloads.
    (In the demo environment's own window the demo is loaded in place.)"""
    from PySide6.QtWidgets import QMessageBox

    from app.ui.main_window import MainWindow

    ctx.db.data_dir.demo_marker.write_text("demo", encoding="utf-8")
    win = MainWindow(ctx, data_dir_text=str(ctx.db.data_dir.root))
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.dashboard.ready, timeout=10_000):
        win.show()
    button = win.dashboard._demo_button
    assert button.isVisible()  # an empty ledger offers the demo
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(win.dashboard.ready, timeout=30_000):
        button.click()
    assert not button.isVisible()
    assert win.statusBar().currentMessage() == "デモデータを読み込みました"
    cards = [w.text() for w in win.dashboard.findChildren(QLabel, "card")]
    assert any("資産" in t and ">0<" not in t for t in cards)
