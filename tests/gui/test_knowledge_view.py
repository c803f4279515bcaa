"""The Q&A knowledge notes in real widgets: a note written with its answers and tags in one
save, answers reordered (their ids kept), an empty answer refused by its number, the tag
completer, the tag and 見直し filters, pasted HTML shown as typed, a search hit on an answer
opening its note, a record linked by typing its name, and 「まだ正しい」."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit

from app.services import links
from app.services.knowledge import listing, notes
from app.services.tags import set_tags
from app.store.models import Notice
from app.ui.knowledge.view import KnowledgeView
from tests.gui.user_input import type_keys, type_text

pytestmark = pytest.mark.gui
T = 10_000
TODAY = date(2026, 11, 1)  # the ctx fixture's today
HTML = "<b>太字</b><script>alert('x')</script>\n<a href='https://example.jp'>リンク</a>"


@pytest.fixture
def world(db) -> dict[str, Any]:
    with db.sessions.begin() as s:
        notice = Notice(issuer="デジタル庁", title="ガバメントクラウド接続回線の冗長化について")
        other = Notice(issuer="総務省", title="標準化の進捗調査について")
        s.add_all([notice, other])
        s.flush()
        set_tags(s, "notice", other.id, ["通知だけのタグ"])
        gov = notes.create_note(s, {
            "question": "ガバクラ接続回線は冗長化していますか", "community": "オンライン市役所",
            "asked_on": date(2026, 9, 10), "reviewed_on": date(2026, 10, 1), "review_months": 12,
            "tags": "ガバクラ、ネットワーク",
            "answers": [{"body": "2回線で冗長化しました。", "answered_by": "○○町 山田さん",
                         "answered_on": date(2026, 9, 12)},
                        {"body": "県の共同利用です。", "answered_by": "△△市"}],
        }, today=TODAY)  # fmt: skip
        due = notes.create_note(s, {
            "question": "標準準拠システムの帳票はどこまで変えられますか", "tags": "標準化",
            "asked_on": date(2025, 6, 1), "reviewed_on": date(2026, 1, 1), "review_months": 6,
        }, today=TODAY)  # fmt: skip
        html = notes.create_note(s, {
            "question": "<i>貼り付けた質問</i>", "detail": HTML, "review_months": None,
            "answers": [{"body": HTML}],
        }, today=TODAY)  # fmt: skip
        return {
            "gov": gov.id, "due": due.id, "html": html.id, "notice": notice.id,
            "answers": [a.id for a in gov.answers], "html_answer": html.answers[0].id,
        }  # fmt: skip


def open_view(qtbot, ctx) -> KnowledgeView:  # type: ignore[no-untyped-def]
    view = KnowledgeView(ctx)
    qtbot.addWidget(view)
    view.resize(1180, 600)
    view.show()
    with qtbot.waitSignal(view.ready, timeout=T):
        view.activate()
    return view


def show(qtbot, view: KnowledgeView, note_id: int) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(view.note_editor.loaded, timeout=T):
        view.show_record(note_id)


def questions(view: KnowledgeView) -> list[str]:
    return [view.model.row_object(r).question for r in range(view.model.rowCount())]


def write_answer(qtbot, view: KnowledgeView, body: str, by: str = "") -> None:  # type: ignore[no-untyped-def]
    panel = view.note_editor.answers
    panel.add_button.click()
    dialog = panel.dialog
    assert dialog is not None and dialog.isVisible()
    if body:
        type_keys(qtbot, dialog.body, body)
    if by:
        type_text(qtbot, dialog.answered_by, by)
    dialog.ok_button.click()
    assert panel.dialog is None


def save(qtbot, view: KnowledgeView) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(view.note_editor.saved, timeout=T):
        view.note_editor.save_button.click()


def test_a_note_with_two_answers_and_tags_is_saved_in_one_write(
    qtbot, ctx, db, world, monkeypatch
) -> None:
    view = open_view(qtbot, ctx)
    editor = view.note_editor
    with qtbot.waitSignal(editor.loaded, timeout=T):
        view.new_button.click()
    inputs = editor.form.inputs
    assert inputs["confidence"].currentData() == "medium"
    assert inputs["review_months"].currentData() == 12
    community = inputs["community"]
    assert isinstance(community, QComboBox) and community.isEditable()
    offered = [community.itemText(i) for i in range(community.count())]
    assert offered[0] == "オンライン市役所" and "デジタル改革共創プラットフォーム" in offered
    type_text(qtbot, inputs["question"], "庁内LANの無線化はセキュリティ上どうしていますか")
    detail = inputs["detail"]
    assert isinstance(detail, QPlainTextEdit)
    type_keys(qtbot, detail, "当市は有線のみです。")
    type_text(qtbot, inputs["tags"], "ネットワーク、無線LAN")
    type_text(qtbot, community.lineEdit(), "都道府県のICT担当者会議")
    type_text(qtbot, inputs["asked_on"], "R8.10.20")
    write_answer(qtbot, view, "WPA3エンタープライズで運用しています。", "□□市 鈴木さん")
    write_answer(qtbot, view, "無線は来庁者用だけです。")
    assert editor.answers.list.count() == 2 and editor.is_dirty()
    writes: list[Any] = []
    write = ctx.jobs.write
    monkeypatch.setattr(ctx.jobs, "write", lambda *a, **k: (writes.append(a[0]), write(*a, **k))[1])
    save(qtbot, view)
    assert len(writes) == 1  # fields, tags and answers together
    with db.sessions() as s:
        (row,) = [r for r in listing.note_rows(s, TODAY) if r.question.startswith("庁内LAN")]
        detail_read = listing.note_detail(s, row.id)
    assert detail_read.detail == "当市は有線のみです。"
    assert detail_read.community == "都道府県のICT担当者会議"
    assert detail_read.asked_on == date(2026, 10, 20)
    assert set(detail_read.tags) == {"ネットワーク", "無線LAN"}
    assert [(a.number, a.body, a.answered_by) for a in detail_read.answers] == [
        (1, "WPA3エンタープライズで運用しています。", "□□市 鈴木さん"),
        (2, "無線は来庁者用だけです。", ""),
    ]
    qtbot.waitUntil(lambda: editor.current_id == row.id and not editor.is_dirty(), timeout=T)


def test_reordered_answers_keep_their_ids(qtbot, ctx, db, world) -> None:
    view = open_view(qtbot, ctx)
    show(qtbot, view, world["gov"])
    panel = view.note_editor.answers
    assert panel.list.item(0).text().startswith("回答1　○○町 山田さん")
    panel.list.setCurrentRow(1)
    panel.up_button.click()
    assert panel.selected_row() == 0 and panel.list.item(0).text().startswith("回答1　△△市")
    save(qtbot, view)
    with db.sessions() as s:
        answers = listing.note_detail(s, world["gov"]).answers
    first, second = world["answers"]
    assert [(a.id, a.body) for a in answers] == [
        (second, "県の共同利用です。"), (first, "2回線で冗長化しました。"),
    ]  # fmt: skip


def test_an_empty_answer_is_refused_by_its_number(qtbot, ctx, db, world) -> None:
    view = open_view(qtbot, ctx)
    show(qtbot, view, world["due"])
    editor = view.note_editor
    write_answer(qtbot, view, "帳票は標準仕様の範囲内のみです。")
    write_answer(qtbot, view, "", "△△市")
    assert "回答が入力されていません" in editor.answers.list.item(1).text()
    editor.save_button.click()
    panel = editor.answers
    qtbot.waitUntil(lambda: bool(panel.error_text()), timeout=T)
    assert panel.error_text() == "回答2: 回答を入力してください"
    assert panel.selected_row() == 1 and panel.isVisible()
    assert "回答2" in editor.message.text() and "保存していません" in editor.message.text()
    with db.sessions() as s:
        assert listing.note_detail(s, world["due"]).answers == ()
    panel.list.setCurrentRow(1)
    panel.remove_button.click()
    assert not panel.error_text()
    save(qtbot, view)
    with db.sessions() as s:
        assert len(listing.note_detail(s, world["due"]).answers) == 1


def test_the_tag_completer_offers_an_existing_tag(qtbot, ctx, world) -> None:
    view = open_view(qtbot, ctx)
    editor = view.note_editor
    with qtbot.waitSignal(editor.loaded, timeout=T):
        view.new_record()
    line = editor.form.inputs["tags"]
    assert isinstance(line, QLineEdit)
    line.setFocus()
    type_text(qtbot, line, "標準化、ガバ")
    completer = editor.form.tag_completer
    qtbot.waitUntil(lambda: completer.popup().isVisible(), timeout=T)
    model = completer.completionModel()
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["ガバクラ"]
    popup = completer.popup()
    popup.setCurrentIndex(model.index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert line.text() == "標準化、ガバクラ"
    assert editor.is_dirty()


def test_the_tag_filter_and_the_review_checkbox_filter_the_list(qtbot, ctx, world) -> None:
    view = open_view(qtbot, ctx)
    assert len(questions(view)) == 3
    names = [view.tag_box.itemText(i) for i in range(view.tag_box.count())]
    assert names[0] == "すべてのタグ" and {"ガバクラ", "標準化", "ネットワーク"} <= set(names)
    assert "通知だけのタグ" not in names  # only the tags notes carry
    view.set_tag("ガバクラ")
    assert questions(view) == ["ガバクラ接続回線は冗長化していますか"]
    assert view.count_label.text() == "表示 1 件 / 全 1 件"
    view.set_tag(None)
    view.due_check.setChecked(True)
    assert questions(view) == ["標準準拠システムの帳票はどこまで変えられますか"]
    header = [view.model.headerData(c, Qt.Orientation.Horizontal)
              for c in range(view.model.columnCount())]  # fmt: skip
    assert header == ["質問", "情報源", "質問日", "確からしさ", "回答数", "タグ", "見直し"]
    assert view.model.index(0, header.index("見直し")).data() == "見直し時期"
    assert view.model.alert_of(0) == "warn"
    view.set_tag("ガバクラ")  # both: nothing is due among them
    assert questions(view) == []
    view.show_record(world["gov"])  # opened from elsewhere: the filters make way
    assert not view.due_check.isChecked() and view.tag_box.currentIndex() == 0
    assert len(questions(view)) == 3


def test_pasted_html_is_shown_as_typed(qtbot, ctx, world) -> None:
    view = open_view(qtbot, ctx)
    show(qtbot, view, world["html"])
    editor = view.note_editor
    assert editor.heading.text() == "<i>貼り付けた質問</i>"
    assert editor.heading.textFormat() == Qt.TextFormat.PlainText
    assert editor.form.inputs["detail"].toPlainText() == HTML
    panel = editor.answers
    assert panel.reader.toPlainText() == HTML
    assert panel.list.item(0).text() == "回答1\n<b>太字</b><script>alert('x')</script>"
    assert "&lt;script&gt;" in panel.list.item(0).toolTip()
    row = view.model.row_for_id(world["html"])
    tip = view.model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;i&gt;" in tip and "<i>" not in tip


def test_opening_an_answer_opens_its_note_with_the_answer_chosen(qtbot, ctx, world) -> None:
    view = open_view(qtbot, ctx)
    editor = view.note_editor
    assert view.opens == {"knowledge_note", "knowledge_answer"}
    view.open_record("knowledge_answer", world["answers"][1])
    qtbot.waitUntil(lambda: editor.current_id == world["gov"], timeout=T)
    qtbot.waitUntil(lambda: editor.answers.selected_row() == 1, timeout=T)
    assert view.table.selected_id() == world["gov"]
    assert editor.answers.reader.toPlainText() == "県の共同利用です。"
    type_text(qtbot, editor.form.inputs["question"], "未保存の質問")
    view.open_record("knowledge_answer", world["answers"][0])  # the same note: input stays
    qtbot.waitUntil(lambda: editor.answers.selected_row() == 0, timeout=T)
    assert editor.form.inputs["question"].text() == "未保存の質問" and editor.is_dirty()


def test_a_notice_is_linked_by_typing_its_name(qtbot, ctx, db, world) -> None:
    view = open_view(qtbot, ctx)
    show(qtbot, view, world["due"])
    view.note_editor.show_pane(view.note_editor.links_box)  # its tab, on this narrow pane
    panel = view.note_editor.links_box.panel("notice")
    qtbot.waitUntil(lambda: panel.add_button.isEnabled(), timeout=T)
    type_text(qtbot, panel.text_input, "について")  # both notices: which one?
    panel.add_button.click()
    qtbot.waitUntil(lambda: panel.error_label.isVisible(), timeout=T)
    assert "2件" in panel.error_label.text()
    type_text(qtbot, panel.text_input, "冗長化")
    with qtbot.waitSignal(panel.loaded, timeout=T):
        panel.add_button.click()
    assert panel.items() == ["ガバメントクラウド接続回線の冗長化について"]
    with db.sessions() as s:
        linked = links.linked_ids(s, "knowledge_note", world["due"], "notice")
    assert linked == [world["notice"]]
    tabs = view.note_editor.links_box.tabs
    assert tabs.tabText(tabs.indexOf(panel)) == "通知（1）"


def test_still_true_sets_the_review_date_to_today(qtbot, ctx, db, world) -> None:
    view = open_view(qtbot, ctx)
    show(qtbot, view, world["due"])
    editor = view.note_editor
    assert "見直し時期です" in editor.review_label.text()
    with qtbot.waitSignal(editor.confirmed, timeout=T) as done:
        editor.confirm_button.click()
    assert done.args == [date(2027, 5, 1)]
    with db.sessions() as s:
        assert listing.note_detail(s, world["due"]).reviewed_on == TODAY
    assert editor.form.inputs["reviewed_on"].date() == TODAY
    assert not editor.is_dirty()
    assert "次の見直し: 2027-05-01" in editor.review_label.text()
    qtbot.waitUntil(lambda: view.model.alert_of(view.model.row_for_id(world["due"])) is None,
                    timeout=T)  # fmt: skip
