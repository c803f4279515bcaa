"""The Q&A tab of the 通知・法令 area: the knowledge notes (newest question first) with how
sure each is, its answers and tags, and those due for review flagged 「見直し時期」; a tag
filter and 「見直し時期のものだけ」 beside the text filter; the 詳細 of the chosen note
(KnowledgeEditor). A search hit on an answer opens its note with that answer chosen."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget
from sqlalchemy.orm import Session

from app.services.knowledge import listing
from app.services.knowledge.listing import NoteRow
from app.store.models import KnowledgeNote
from app.ui import date_style
from app.ui.context import AppContext
from app.ui.inventory.record_view import RecordListView
from app.ui.inventory.rows_model import RowColumn
from app.ui.knowledge.editor import KnowledgeEditor
from app.ui.knowledge.link_panels import plain_tip
from app.ui.translations import QT_TRANSLATE_NOOP

CTX = "KnowledgeView"
DUE = "見直し時期"


def short_confidence(label: str) -> str:
    """「確か（一次情報で確認済み）」→「確か」: the column shows the word, the tooltip all."""
    return label.split("（", 1)[0]


def review_text(row: NoteRow) -> str:
    if row.review_due:
        return DUE
    return date_style.shown(row.review_due_on) if row.review_due_on else ""


def review_tip(row: NoteRow) -> str:
    if row.review_due_on is None:
        return "見直しの間隔は設定されていません"
    checked = date_style.shown(row.reviewed_on) if row.reviewed_on else "なし"
    return f"次の見直し: {date_style.shown(row.review_due_on)}\n最終確認日: {checked}"


class KnowledgeView(RecordListView):
    view_key = "knowledge"
    title = "Q&A"
    record_model = KnowledgeNote
    shows = frozenset({"knowledge_note", "knowledge_answer", "tag", "notice", "regulation",
                       "system", "runbook"})  # fmt: skip
    opens = frozenset({"knowledge_note", "knowledge_answer"})
    noun = "Q&A"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        columns = [
            RowColumn(QT_TRANSLATE_NOOP(CTX, "質問"), lambda r: r.question,
                      tooltip=lambda r: plain_tip(r.question)),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "情報源"), lambda r: r.community,
                      tooltip=lambda r: plain_tip(r.community)),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "質問日"), lambda r: r.asked_on, "date"),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "確からしさ"),
                      lambda r: short_confidence(r.confidence_label),
                      tooltip=lambda r: r.confidence_label),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "回答数"), lambda r: r.answer_count, "int"),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "タグ"), lambda r: "、".join(r.tags),
                      tooltip=lambda r: plain_tip("\n".join(r.tags))),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "見直し"), review_text, tooltip=review_tip,
                      alert=lambda r: "warn" if r.review_due else None),
        ]  # fmt: skip
        editor = KnowledgeEditor(ctx)
        super().__init__(ctx, columns, editor, parent)
        self.note_editor = editor
        self._all_rows: list[NoteRow] | None = None
        self.table.fit_columns((320, 160, 150, 90, 56, 160, 150), stretch=0)
        self.tag_box = QComboBox(self)
        self.tag_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.tag_box.setMinimumContentsLength(8)
        self.tag_box.setToolTip(self.tr("このタグが付いた Q&A だけを表示します"))
        self.tag_box.addItem(self.tr("すべてのタグ"), None)
        self.due_check = QCheckBox(self.tr("見直し時期のものだけ"), self)
        self.due_check.setToolTip(
            self.tr("最終確認日から見直しの間隔が過ぎ、まだ正しいか確かめる時期のもの")
        )
        at = self.bar.indexOf(self.filter_box)  # after 新規登録 / 再読み込み
        for n, widget in enumerate((self.tag_box, self.due_check)):
            self.bar.insertWidget(at + n, widget)
        self.tag_box.currentIndexChanged.connect(lambda _i: self._apply_filters())
        self.due_check.toggled.connect(lambda _on: self._apply_filters())
        editor.open_linked.connect(self.record_requested.emit)

    @staticmethod
    def load_rows(session: Session, today: date) -> tuple[list[Any], Any]:
        rows = listing.note_rows(session, today)
        # The filter offers the tags the notes carry (a notice's alone would find none),
        # most carried first.
        carried = Counter(tag for row in rows for tag in row.tags)
        names = sorted(carried, key=lambda tag: (-carried[tag], tag))
        return rows, names

    # --- public ----------------------------------------------------------------------------

    def open_record(self, kind: str, record_id: int) -> None:
        """A note; or an answer: its note, with that answer chosen."""
        if kind != "knowledge_answer":
            self.show_record(record_id)
            return
        self.ctx.jobs.read(
            listing.note_of_answer, record_id, owner=self, key="answer",
            on_result=lambda note_id: self._open_answer(int(note_id), record_id),
            on_error=lambda exc: self.note_editor.say(str(exc), error=True),
            name="knowledge-answer-note",
        )  # fmt: skip

    def show_record(self, record_id: int) -> None:
        self._unhide(record_id)
        super().show_record(record_id)

    def show_only(self, subset: str) -> None:
        """Show one subset of the notes: "review" (the dashboard's 見直し時期のQ&A) shows
        those due for review, of every tag."""
        if subset == "review":
            self.set_tag(None)
            self.due_check.setChecked(True)

    def set_tag(self, name: str | None) -> None:
        """Show the notes carrying tag ``name`` (None: every note)."""
        at = self.tag_box.findData(name) if name is not None else 0
        self.tag_box.setCurrentIndex(max(at, 0))

    # --- internals ---------------------------------------------------------------------------

    def _open_answer(self, note_id: int, answer_id: int) -> None:
        editor = self.note_editor
        editor.select_answer(note_id, answer_id)
        if editor.current_id == note_id and editor.mode() == "edit":
            self.tabs.setCurrentWidget(editor)  # shown already: its unsaved input stays
            self._unhide(note_id)
            self.table.select_id(note_id)
            return
        self.show_record(note_id)

    def _populate(self, rows: list[Any], extra: Any) -> None:
        self._all_rows = rows
        self._fill_tags(list(extra or []))
        super()._populate(self._chosen(rows), extra)

    def _fill_tags(self, names: list[str]) -> None:
        """The tag combo from the tags read; the tag chosen stays chosen while it exists."""
        box = self.tag_box
        chosen = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(self.tr("すべてのタグ"), None)
        for name in names:
            box.addItem(name, name)
        at = box.findData(chosen) if chosen is not None else 0
        box.setCurrentIndex(max(at, 0))
        box.blockSignals(False)

    def _chosen(self, rows: list[NoteRow]) -> list[NoteRow]:
        tag = self.tag_box.currentData()
        if tag is not None:
            wanted = str(tag).casefold()
            rows = [r for r in rows if any(t.casefold() == wanted for t in r.tags)]
        if self.due_check.isChecked():
            rows = [r for r in rows if r.review_due]
        return rows

    def _apply_filters(self) -> None:
        if self._all_rows is not None:
            super()._populate(self._chosen(self._all_rows), self.extra)

    def _unhide(self, record_id: int) -> None:
        """A note opened from elsewhere that the tag or 見直し filter hides: show all."""
        rows = self._all_rows
        if rows is None or any(r.id == record_id for r in self._chosen(rows)):
            return
        if any(r.id == record_id for r in rows):
            self.tag_box.blockSignals(True)
            self.due_check.blockSignals(True)
            self.tag_box.setCurrentIndex(0)
            self.due_check.setChecked(False)
            self.tag_box.blockSignals(False)
            self.due_check.blockSignals(False)
            self._apply_filters()
