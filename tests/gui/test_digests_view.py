"""The ダイジェスト tab in real widgets: the candidates of the default period (the week
before today, or the week after the last kept digest) grouped by topic; checks, comments,
the title and 前書き in the preview; copying the mail text; writing .txt / .html / .pdf;
keeping a digest (an empty one refused with the service's message) so that the next one
starts the day after; a kept digest shown again; double-click opens the record."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTreeWidgetItem
from sqlalchemy import select

from app.store.models import (
    Digest,
    KnowledgeAnswer,
    KnowledgeNote,
    Notice,
    NoticeDeadline,
    Regulation,
    RegulationVersion,
    Tag,
    knowledge_note_tags,
    notice_tags,
)
from app.ui import date_style
from app.ui.digests.candidates_tree import COMMENT, DEADLINES, KIND, TITLE
from app.ui.digests.view import DigestsView
from tests.gui.user_input import type_keys

pytestmark = pytest.mark.gui
T = 10_000
# ctx.today() is 2026-11-01 (tests/conftest.py): with none kept, the default period is
# 2026-10-25 (日) … 2026-10-31 (土).
START, END = date(2026, 10, 25), date(2026, 10, 31)


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0)


def fill(db: Any) -> dict[str, int]:
    """Notices with tags and deadlines, a regulation version and a Q&A note in the
    default period, and a notice outside it; name → id."""
    with db.sessions.begin() as s:
        std, sec = Tag(name="標準化"), Tag(name="セキュリティ")
        rule = Regulation(
            title="地方公共団体における情報セキュリティポリシーに関するガイドライン",
            short_name="セキュリティGL", url="https://www.soumu.go.jp/gl/",
        )  # fmt: skip
        records: dict[str, Any] = {
            "survey": Notice(
                issuer="デジタル庁", doc_number="デジ地第613号", kind="irai", status="acting",
                issued_on=date(2026, 10, 26), url="https://www.digital.go.jp/x?a=1&b=2",
                title="標準準拠システムへの移行に係る進捗状況調査について（依頼）",
                summary="移行の進捗を回答してください。"),
            "training": Notice(issuer="総務省", issued_on=date(2026, 10, 28),
                               title="情報セキュリティ研修の開催について",
                               url="https://www.soumu.go.jp/training"),
            "plain": Notice(issuer="県", issued_on=date(2026, 10, 30), kind="jimurenraku",
                            title="年末年始の窓口について"),
            "outside": Notice(issuer="総務省", issued_on=date(2026, 10, 20),
                              title="前の週の通知"),
            "rule": rule,
            "note": KnowledgeNote(
                question="ガバメントクラウドの接続回線の費用は誰が負担しますか",
                community="オンライン市役所", thread_url="https://example.jp/t/1",
                created_at=noon(date(2026, 10, 27))),
        }  # fmt: skip
        s.add_all([std, sec, *records.values()])
        s.flush()
        ids = {name: r.id for name, r in records.items()}
        version = RegulationVersion(
            regulation_id=rule.id, label="令和8年10月版", revised_on=date(2026, 10, 29),
            effective_on=date(2027, 4, 1), changes="クラウド利用の記述を追加",
            requirements="ポリシーを見直す", notice_id=ids["training"],
        )  # fmt: skip
        s.add(version)
        s.flush()
        ids["version"] = version.id
        s.add_all([
            NoticeDeadline(notice_id=ids["survey"], kind="reply", deadline=date(2026, 11, 20),
                           is_current=True),
            NoticeDeadline(notice_id=ids["training"], kind="action",
                           deadline=date(2026, 11, 30), is_current=True),
            KnowledgeAnswer(note_id=ids["note"], position=1, body="各団体の負担です。",
                            answered_by="A町"),
        ])  # fmt: skip
        s.execute(notice_tags.insert(), [
            {"notice_id": ids["survey"], "tag_id": std.id},
            {"notice_id": ids["training"], "tag_id": sec.id},
        ])  # fmt: skip
        s.execute(knowledge_note_tags.insert(), [{"knowledge_note_id": ids["note"],
                                                  "tag_id": std.id}])  # fmt: skip
    return ids


def open_view(qtbot: Any, ctx: Any) -> DigestsView:
    view = DigestsView(ctx)
    qtbot.addWidget(view)
    view.resize(1180, 600)
    view.show()
    with qtbot.waitSignal(view.ready, timeout=T):
        view.activate()
    return view


def topics(view: DigestsView) -> dict[str, list[str]]:
    tree = view.tree
    found = {}
    for n in range(tree.topLevelItemCount()):
        head = tree.topLevelItem(n)
        assert head is not None
        found[head.text(KIND)] = [head.child(m).text(TITLE) for m in range(head.childCount())]
    return found


def row(view: DigestsView, kind: str, ref_id: int) -> QTreeWidgetItem:
    item = view.tree.item_of(kind, ref_id)
    assert item is not None
    return item


def preview(qtbot: Any, view: DigestsView, *, has: str = "", lacks: str = "") -> str:
    """The preview text once it has ``has`` and lacks ``lacks``."""

    def shown() -> bool:
        text = view.preview.text_shown()
        return (not has or has in text) and (not lacks or lacks not in text)

    qtbot.waitUntil(shown, timeout=T)
    return view.preview.text_shown()


def test_the_default_period_shows_its_candidates_grouped_by_topic(qtbot, ctx, db) -> None:
    fill(db)
    view = open_view(qtbot, ctx)
    assert view.form.period() == (START, END)
    assert view.form.title() == "ダイジェスト 令和8年10月25日（日）〜令和8年10月31日（土）"
    assert topics(view) == {
        "標準化（2件）": [
            "標準準拠システムへの移行に係る進捗状況調査について（依頼）",
            "ガバメントクラウドの接続回線の費用は誰が負担しますか",
        ],
        "セキュリティ（1件）": ["情報セキュリティ研修の開催について"],
        "通知・事務連絡（1件）": ["年末年始の窓口について"],
        "セキュリティGL（1件）": [
            "地方公共団体における情報セキュリティポリシーに関するガイドライン（令和8年10月版）"
        ],
    }
    head = view.tree.topLevelItem(0)
    assert head is not None
    survey = head.child(0)
    assert survey.checkState(KIND) == Qt.CheckState.Checked
    assert survey.text(KIND) == "依頼・照会"
    assert survey.text(DEADLINES) == date_style.shown(date(2026, 11, 20))
    assert survey.toolTip(DEADLINES) == "回答期限: 令和8年11月20日（金）"
    text = preview(qtbot, view, has="年末年始")
    assert "前の週の通知" not in text
    assert "★回答期限: 令和8年11月20日（金）" in text
    assert "（5 件）" in text
    # Another period: read again (debounced), only what is in it.
    view.form.start.setText("2026-10-29")
    view.form.set_length("week")
    qtbot.waitUntil(lambda: len(view.tree.candidates()) == 2, timeout=T)
    assert view.form.title().startswith("ダイジェスト 令和8年10月29日（木）〜")


def test_unchecking_removes_an_item_and_a_comment_shows(qtbot, ctx, db) -> None:
    ids = fill(db)
    view = open_view(qtbot, ctx)
    preview(qtbot, view, has="年末年始の窓口について")
    row(view, "notice", ids["plain"]).setCheckState(KIND, Qt.CheckState.Unchecked)
    text = preview(qtbot, view, lacks="年末年始の窓口について")
    assert "（4 件）" in text and "通知・事務連絡" not in text
    survey = row(view, "notice", ids["survey"])
    view.tree.editItem(survey, COMMENT)
    editor = view.tree.focusWidget()
    type_keys(qtbot, editor, "今週中に回答をお願いします")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    preview(qtbot, view, has="ひとこと: 今週中に回答をお願いします")
    view.form.intro.setPlainText("今週のまとめです。")
    view.form.title_edit.setText("情報政策ニュース 第1号")
    text = preview(qtbot, view, has="今週のまとめです。")
    assert text.startswith("情報政策ニュース 第1号\n")
    # A topic unchecked takes all of its items out; the choices survive a re-read.
    head = view.tree.topLevelItem(0)
    assert head is not None and head.text(KIND).startswith("標準化")
    head.setCheckState(KIND, Qt.CheckState.Unchecked)
    preview(qtbot, view, lacks="ひとこと: 今週中")
    view.form.section_boxes["knowledge_note"].setChecked(False)
    qtbot.waitUntil(lambda: len(view.tree.candidates()) == 4, timeout=T)
    assert row(view, "notice", ids["survey"]).checkState(KIND) == Qt.CheckState.Unchecked
    assert row(view, "notice", ids["survey"]).text(COMMENT) == "今週中に回答をお願いします"


def test_saving_keeps_the_digest_and_the_next_starts_the_day_after(qtbot, ctx, db) -> None:
    ids = fill(db)
    view = open_view(qtbot, ctx)
    preview(qtbot, view, has="年末年始")
    row(view, "notice", ids["plain"]).setCheckState(KIND, Qt.CheckState.Unchecked)
    row(view, "knowledge_note", ids["note"]).setText(COMMENT, "参考まで")
    view.form.intro.setPlainText("今週のまとめです。")
    preview(qtbot, view, lacks="年末年始")
    with qtbot.waitSignal(view.saved, timeout=T) as saved:
        view.save_button.click()
    qtbot.waitUntil(lambda: view.form.start.text() == "2026-11-01", timeout=T)
    assert view.form.period() == (date(2026, 11, 1), date(2026, 11, 7))
    assert view.form.intro_text() == ""
    assert "次のダイジェストは 令和8年11月1日（日） からです" in view.status.text()
    qtbot.waitUntil(lambda: view.kept_list.entries.count() == 1, timeout=T)
    listed = view.kept_list.entries.item(0)
    assert listed is not None
    assert listed.text() == (
        "ダイジェスト 令和8年10月25日（日）〜令和8年10月31日（土）\nR8.10.25〜R8.10.31・4 件"
    )
    with db.sessions() as s:
        digest = s.get(Digest, saved.args[0])
        assert digest is not None
        assert (digest.period_start, digest.period_end, digest.intro) == (
            START, END, "今週のまとめです。")  # fmt: skip
        kept = [(i.ref_kind, i.ref_id, i.topic, i.comment) for i in digest.items]
    assert ("notice", ids["plain"]) not in [k[:2] for k in kept]
    assert ("knowledge_note", ids["note"], "標準化", "参考まで") in kept
    # Shown again from the list, to copy or write again; 新規作成 goes back.
    view.kept_list.entries.setCurrentItem(listed)
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.kept_page, timeout=T)
    text = preview(qtbot, view, has="ひとこと: 参考まで")
    assert "今週のまとめです。" in text and not view.save_button.isEnabled()
    view.kept_list.new_button.click()
    assert view.pages.currentWidget() is view.draft_page and view.save_button.isEnabled()
    assert view.kept_list.selected_id() is None
    # open_record("digest", id) shows it too.
    view.open_record("digest", saved.args[0])
    qtbot.waitUntil(lambda: view.pages.currentWidget() is view.kept_page, timeout=T)


def test_saving_nothing_is_refused_with_the_services_message(qtbot, ctx, db) -> None:
    fill(db)
    view = open_view(qtbot, ctx)
    preview(qtbot, view, has="年末年始")
    for n in range(view.tree.topLevelItemCount()):
        head = view.tree.topLevelItem(n)
        assert head is not None
        head.setCheckState(KIND, Qt.CheckState.Unchecked)
    preview(qtbot, view, has="（0 件）")
    view.save_button.click()
    qtbot.waitUntil(lambda: "載せるものがありません" in view.status.text(), timeout=T)
    assert view.status.text() == "項目: この期間に載せるものがありません"
    assert "b00020" in view.status.styleSheet()
    assert view.save_button.isEnabled()
    with db.sessions() as s:
        assert s.scalars(select(Digest)).all() == []
    view.copy_text()  # nothing to send either
    assert view.status.text() == "この期間に載せるものがありません"


def test_a_bad_period_is_said_in_red_and_nothing_is_read(qtbot, ctx, db) -> None:
    fill(db)
    view = open_view(qtbot, ctx)
    view.form.end.setText("2026-10-01")
    view.form.end.edited.emit()
    qtbot.waitUntil(lambda: view.draft_page.period_message.isVisibleTo(view), timeout=T)
    assert "より前です" in view.draft_page.period_message.text()
    view.export_to(Path("unused.txt"))
    assert "より前です" in view.status.text()


def test_export_writes_text_html_and_pdf(qtbot, ctx, db, tmp_path: Path) -> None:
    ids = fill(db)
    view = open_view(qtbot, ctx)
    preview(qtbot, view, has="年末年始")
    row(view, "notice", ids["survey"]).setText(COMMENT, "<b>至急</b>")
    preview(qtbot, view, has="至急")
    for suffix in (".txt", ".html", ".pdf"):
        path = tmp_path / f"digest{suffix}"
        with qtbot.waitSignal(view.exported, timeout=30_000):
            view.export_to(path)
        assert path.exists()
    text = (tmp_path / "digest.txt").read_text(encoding="utf-8")
    assert text == view.preview.text_shown()
    html = (tmp_path / "digest.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;至急&lt;/b&gt;" in html and "<b>至急" not in html
    pdf = PdfReader(io.BytesIO((tmp_path / "digest.pdf").read_bytes()))
    pdf_text = "".join(page.extract_text() for page in pdf.pages)
    assert "年末年始の窓口について" in pdf_text
    assert "ページ" in view.status.text()
    view.export_to(tmp_path / "digest.docx")
    qtbot.waitUntil(lambda: "拡張子" in view.status.text(), timeout=T)
    assert not (tmp_path / "digest.docx").exists()


def test_copy_puts_the_mail_text_on_the_clipboard(qtbot, ctx, db) -> None:
    fill(db)
    view = open_view(qtbot, ctx)
    text = preview(qtbot, view, has="年末年始")
    QApplication.clipboard().clear()
    view.copy_button.click()
    assert QApplication.clipboard().text() == text
    assert "コピーしました" in view.status.text()


def test_double_click_asks_for_the_record(qtbot, ctx, db) -> None:
    ids = fill(db)
    view = open_view(qtbot, ctx)
    item = row(view, "regulation_version", ids["version"])
    with qtbot.waitSignal(view.record_requested, timeout=T) as asked:
        view.tree.itemDoubleClicked.emit(item, TITLE)
    assert asked.args == ["regulation_version", ids["version"]]
    # Only the ひとこと column is edited in place: a double-click there edits instead.
    view.tree.editItem(item, TITLE)
    assert view.tree.state() != view.tree.State.EditingState
    with qtbot.assertNotEmitted(view.record_requested):
        view.tree.itemDoubleClicked.emit(item, COMMENT)
    assert view.tree.state() == view.tree.State.EditingState
