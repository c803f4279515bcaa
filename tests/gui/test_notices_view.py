"""The 通知・法令 area in real widgets: what needs attention first (by deadline, overdue in
red), the inbox, a deadline changed with its reason kept, the interpretation rendered, a
task made from a notice, a feed imported from a file, the notices of one business system,
and the 発出元の一覧 dialog (the list offered, and 表記の統一)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox
from sqlalchemy import select

from app.services.notices import deadlines as dl
from app.services.notices import issuers as issuer_list
from app.services.notices import tracker
from app.store.models import BusinessSystem, Notice, Task
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
    return window, window._view(window.view_keys.index("notices")).notices


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


def test_by_system_shows_a_second_combo_and_the_chosen_systems_notices(
    qtbot, ctx, db, notices
) -> None:
    with db.sessions.begin() as s:
        jumin, zei = BusinessSystem(name="住民記録システム"), BusinessSystem(name="税務システム")
        s.add_all([jumin, zei])
        s.flush()
        systems = {"住民記録": jumin.id, "税務": zei.id}
        tracker.update_notice(s, notices["late"], {"system_ids": [jumin.id, zei.id]})
        tracker.update_notice(s, notices["done"], {"system_ids": [jumin.id]})
    _window, view = notices_view(qtbot, ctx)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=T)
    assert view.system_box.isHidden()
    header = [view.model.headerData(c, Qt.Orientation.Horizontal)
              for c in range(view.model.columnCount())]  # fmt: skip
    column = header.index("業務システム")
    late = view.model.index(0, column)
    assert late.data() == "住民記録システム、税務システム"
    assert late.data(Qt.ItemDataRole.ToolTipRole) == "住民記録システム\n税務システム"
    view.shown.setCurrentIndex(view.shown.findData("system"))
    assert not view.system_box.isHidden()
    entries = [view.system_box.itemText(i) for i in range(view.system_box.count())]
    assert entries == ["住民記録システム（2件）", "税務システム（1件）", "システム未設定（2件）"]
    assert titles(view) == ["標準化の進捗調査について", "昨年度の調査"]  # closed ones too
    view.system_box.setCurrentIndex(view.system_box.findData(systems["税務"]))
    assert titles(view) == ["標準化の進捗調査について"]
    view.system_box.setCurrentIndex(view.system_box.count() - 1)
    assert titles(view) == ["マイナンバーカードの事務連絡", "ガバメントクラウド利用料の照会"]
    view.system_box.setCurrentIndex(view.system_box.findData(systems["税務"]))
    view.show_record(notices["late"])  # the selection outlives a reload
    view.reload()
    qtbot.waitUntil(lambda: view.reload_button.isEnabled(), timeout=T)
    assert view.system_box.currentData() == systems["税務"]
    assert view.table.selected_id() == notices["late"]
    view.shown.setCurrentIndex(view.shown.findData("all"))
    assert view.system_box.isHidden() and len(titles(view)) == 4


def open_issuers(qtbot, view):  # type: ignore[no-untyped-def]
    view.issuers_button.click()
    dialog = view.issuers_dialog
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=T)
    return dialog


def test_the_issuer_list_is_saved_and_a_bad_line_is_named(qtbot, ctx, db, notices) -> None:
    _window, view = notices_view(qtbot, ctx)
    dialog = open_issuers(qtbot, view)
    assert dialog.names.toPlainText().splitlines() == list(issuer_list.STARTER_ISSUERS)
    dialog.names.setPlainText("デジタル庁\n" + "省" * 101 + "\n")
    dialog.save()
    qtbot.waitUntil(lambda: "2行目" in dialog.message.text(), timeout=T)
    assert "100文字以内" in dialog.message.text() and dialog.isVisible()
    with db.sessions() as s:
        assert issuer_list.load_issuer_list(s) == issuer_list.STARTER_ISSUERS
    dialog.names.setPlainText("デジタル庁\n\n○○県　情報政策課\nデジタル庁")
    with qtbot.waitSignal(dialog.finished, timeout=T):
        dialog.save()
    with db.sessions() as s:
        assert issuer_list.load_issuer_list(s) == ("デジタル庁", "○○県 情報政策課")
    names = view.notice_editor.issuer_names
    qtbot.waitUntil(lambda: names.stringList() == ["総務省", "デジタル庁", "○○県 情報政策課"],
                    timeout=T)  # fmt: skip


def test_a_rename_in_the_dialog_unifies_the_issuer(qtbot, ctx, db, notices, monkeypatch) -> None:
    _window, view = notices_view(qtbot, ctx)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=T)
    editor = view.notice_editor
    with qtbot.waitSignal(editor.loaded, timeout=T):
        view.show_record(notices["late"])
    assert editor.issuer_names.stringList()[0] == "総務省"  # in use: first
    completer = editor.form.inputs["issuer"].completer()
    assert completer is editor.issuer_completer
    assert completer.filterMode() == Qt.MatchFlag.MatchContains
    assert completer.caseSensitivity() == Qt.CaseSensitivity.CaseInsensitive
    dialog = open_issuers(qtbot, view)
    qtbot.waitUntil(lambda: dialog.old_name.count() == 1, timeout=T)
    dialog.names.setPlainText("デジタル庁\n総務省\n内閣府")  # not saved yet
    asked: list[str] = []

    def answer(*args):  # type: ignore[no-untyped-def]
        asked.append(args[2])
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    dialog.old_name.setCurrentText("総務省")
    dialog.new_name.setText("総務省　自治行政局")
    dialog.rename()
    qtbot.waitUntil(lambda: "4 件の通知の発出元を置き換えました" in dialog.rename_message.text(),
                    timeout=T)  # fmt: skip
    assert "4 件の通知" in asked[0]
    assert dialog.names.toPlainText() == "デジタル庁\n総務省 自治行政局\n内閣府"
    qtbot.waitUntil(lambda: dialog.old_name.itemText(0) == "総務省 自治行政局", timeout=T)
    with db.sessions() as s:
        assert set(s.scalars(select(Notice.issuer))) == {"総務省 自治行政局"}
    qtbot.waitUntil(lambda: view.model.row_object(0).issuer == "総務省 自治行政局", timeout=T)
    qtbot.waitUntil(lambda: editor.issuer_names.stringList()[0] == "総務省 自治行政局",
                    timeout=T)  # fmt: skip
    dialog.old_name.setCurrentText("総務省 自治行政局")
    dialog.new_name.setText("")
    dialog.new_name.setFocus()
    qtbot.keyClick(dialog.new_name, Qt.Key.Key_Return)  # replaces; does not save and close
    qtbot.waitUntil(lambda: "新しい表記: " not in dialog.rename_message.text()
                    and "必須です" in dialog.rename_message.text(), timeout=T)  # fmt: skip
    assert dialog.isVisible()


def test_tags_are_completed_saved_and_listed(qtbot, ctx, db, notices) -> None:
    from app.services.tags import set_tags, tags_of
    from tests.gui.user_input import type_text

    with db.sessions.begin() as s:
        set_tags(s, "notice", notices["late"], ["ガバメントクラウド", "標準化"])
    _window, view = notices_view(qtbot, ctx)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=T)
    editor = view.notice_editor
    target = notices["soon"]
    with qtbot.waitSignal(editor.loaded, timeout=T):
        view.show_record(target)
    field = editor.form.inputs["tags"]
    field.setFocus()
    field.clear()
    type_text(qtbot, field, "セキュリティ、ガバ")
    completer = editor.tag_completer
    popup = completer.popup()
    qtbot.waitUntil(lambda: popup.isVisible(), timeout=T)
    model = completer.completionModel()
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["ガバメントクラウド"]
    popup.setCurrentIndex(model.index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert field.text() == "セキュリティ、ガバメントクラウド"
    with qtbot.waitSignal(editor.saved, timeout=T):
        editor.save()
    with db.sessions() as s:
        assert tags_of(s, "notice", [target])[target] == ["ガバメントクラウド", "セキュリティ"]
    qtbot.waitUntil(
        lambda: any(view.model.row_object(r).id == target
                    and view.model.row_object(r).tags == ("ガバメントクラウド", "セキュリティ")
                    for r in range(view.model.rowCount())), timeout=T,
    )  # fmt: skip
    view.filter_box.setText("セキュリティ")  # the tag column is filtered on too
    assert view.table.shown_count() == 1


def test_assets_are_linked_by_their_tag_and_an_unknown_tag_is_named(
    qtbot, ctx, db, notices
) -> None:
    from app.services import links
    from app.store.models import Asset

    with db.sessions.begin() as s:
        asset = Asset(asset_tag="HT-SV-001", name="ファイルサーバ")
        s.add(asset)
        s.flush()
        asset_id = asset.id
    _window, view = notices_view(qtbot, ctx)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=T)
    editor = view.notice_editor
    with qtbot.waitSignal(editor.loaded, timeout=T):
        view.show_record(notices["late"])
    panel = editor.assets_panel
    qtbot.waitUntil(panel.add_button.isEnabled, timeout=T)
    panel.text_input.setText("HT-SV-999")
    panel.add_button.click()
    qtbot.waitUntil(lambda: "HT-SV-999" in panel.error_label.text(), timeout=T)
    panel.text_input.setText("HT-SV-001")
    with qtbot.waitSignal(panel.written, timeout=T):
        panel.add_button.click()
    qtbot.waitUntil(lambda: panel.list.count() == 1, timeout=T)
    assert panel.list.item(0).text().startswith("HT-SV-001")
    with db.sessions() as s:
        assert links.linked_ids(s, "notice", notices["late"], "asset") == [asset_id]
    with qtbot.waitSignal(view.record_requested, timeout=T) as opened:
        panel.item_activated.emit(asset_id)
    assert opened.args == ["asset", asset_id]
