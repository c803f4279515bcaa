"""The 詳細 tab of a Q&A note: the question and where it was asked (質問), its answers in
order (回答), the records it concerns (関連) — side by side on a wide pane, as tabs on a
narrow one — and 「まだ正しい（確認日を今日に）」 with the next review date.

The fields, the tags and the whole list of answers are saved together, in one write
(app.services.knowledge.notes.update_note: kept answers carry their ids). Links are
written as they are added (LinksBox), once the note has been saved."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services import tags
from app.services.errors import ValidationError
from app.services.knowledge import listing, notes
from app.store.models import KnowledgeNote
from app.ui import date_style
from app.ui.alert_colors import ALERT_COLORS
from app.ui.context import AppContext
from app.ui.inventory.record_editor import RecordAccess, RecordEditor
from app.ui.knowledge.answers_panel import AnswersPanel
from app.ui.knowledge.form import COMMUNITIES, KnowledgeForm
from app.ui.knowledge.link_panels import LinksBox, link_names
from app.ui.widgets.date_edit import JDateEdit
from app.ui.widgets.side_by_side import SideBySide
from app.ui.widgets.styles import ERROR_STYLE

NEW_NOTE_REVIEW_MONTHS = 12  # as the model's default
_background, _foreground = ALERT_COLORS["warn"]
DUE_STYLE = f"color: {_foreground.name()}; background: {_background.name()}; padding: 2px;"


@dataclass(frozen=True)
class NoteChoices:
    """What the form offers besides the note: tags, communities, names to link."""

    tags: list[str] = field(default_factory=list)
    communities: list[str] = field(default_factory=list)
    link_names: dict[str, list[str]] = field(default_factory=dict)


def used_communities(session: Session) -> list[str]:
    """The communities notes name, most used first, then the usual ones not yet used."""
    uses = func.count(KnowledgeNote.id)
    stmt = (
        select(KnowledgeNote.community)
        .where(KnowledgeNote.community != "")
        .group_by(KnowledgeNote.community)
        .order_by(uses.desc(), KnowledgeNote.community)
    )
    used = list(session.scalars(stmt))
    return used + [c for c in COMMUNITIES if c not in used]


class NoteAccess(RecordAccess):
    """Reads and writes notes (worker threads); ``today`` dates the checks."""

    def __init__(self, today: Callable[[], date]) -> None:
        self._today = today

    def fetch(self, session: Session, record_id: int) -> dict[str, Any]:
        detail = listing.note_detail(session, record_id)
        values = detail.as_input()
        for key in notes.LINKED:  # written by the link panels, not with the form
            values.pop(key, None)
        values["review_due_on"] = detail.review_due_on
        return values

    def fetch_choices(self, session: Session) -> NoteChoices:
        return NoteChoices(
            [name for name, _uses in tags.all_tags(session)],
            used_communities(session),
            link_names(session),
        )

    def create(self, session: Session, data: dict[str, Any]) -> int:
        return int(notes.create_note(session, data, today=self._today()).id)

    def update(self, session: Session, record_id: int, data: dict[str, Any]) -> None:
        notes.update_note(session, record_id, data, today=self._today())

    def remove(self, session: Session, record_id: int) -> None:
        notes.delete_note(session, record_id)

    def blank(self, session: Session, copy_of: int | None) -> dict[str, Any] | None:
        if copy_of is None:
            return {"confidence": "medium", "review_months": NEW_NOTE_REVIEW_MONTHS}
        values = self.fetch(session, copy_of)
        values["answers"] = [{**a, "id": None} for a in values["answers"]]
        values.pop("review_due_on", None)
        return values


class KnowledgeEditor(RecordEditor):
    noun = "Q&A"
    open_linked = Signal(str, int)  # (kind, id): a linked record was double-clicked
    confirmed = Signal(object)  # the next review date (None: no interval) after まだ正しい

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, KnowledgeForm(), NoteAccess(ctx.today), parent)
        self.knowledge_form: KnowledgeForm = self.form
        for label in (self.heading, self.message):  # the question is shown as typed
            label.setTextFormat(Qt.TextFormat.PlainText)
        self._pending_answer: tuple[int, int] | None = None
        self._confirming = False
        self.question_box = QGroupBox(self.tr("質問"), self)
        self.body.removeWidget(self.form)
        question_layout = QVBoxLayout(self.question_box)
        question_layout.setContentsMargins(2, 2, 2, 2)
        question_layout.addWidget(self.form)
        self.answers = AnswersPanel(self)
        self.links_box = LinksBox(ctx, self)
        self.panes = SideBySide(
            [self.question_box, self.answers, self.links_box], min_panel_width=380, parent=self
        )
        self.body.addWidget(self.panes, 1)
        self.confirm_button = QPushButton(self.tr("まだ正しい（確認日を今日に）"), self)
        self.confirm_button.setToolTip(
            self.tr("内容を確かめたら押します。最終確認日を今日にし、次の見直し時期を延ばします")
        )
        self.review_label = QLabel(self)
        self.review_label.setTextFormat(Qt.TextFormat.PlainText)
        self.review_label.setWordWrap(True)
        review = QHBoxLayout()
        review.addWidget(self.confirm_button)
        review.addWidget(self.review_label, 1)
        self.body.addLayout(review)
        self.answers.edited.connect(self._update_buttons)
        self.answers.counted.connect(self._count_answers)
        self.links_box.open_record.connect(self.open_linked)
        self.confirm_button.clicked.connect(self.confirm_still_true)
        self.loaded.connect(self._after_load)
        self.clear()
        self._count_answers(self.answers.count())

    # --- RecordEditor hooks -----------------------------------------------------------------

    def heading_for(self, values: dict[str, Any]) -> str:
        return str(values.get("question") or "")

    def apply_choices(self, choices: Any) -> None:
        if not isinstance(choices, NoteChoices):
            return
        self.knowledge_form.set_tag_names(choices.tags)
        self.knowledge_form.set_communities(choices.communities)
        self.links_box.set_names(choices.link_names)

    def fill_form(self, values: dict[str, Any] | None) -> None:
        self.form.set_values(values)
        if hasattr(self, "answers"):
            self.answers.set_answers((values or {}).get("answers") or [])
            self._show_review(values)

    def form_data(self) -> dict[str, Any]:
        data = dict(self.form.values())
        if hasattr(self, "answers"):
            data["answers"] = self.answers.values()
        return data

    def record_changed(self, record_id: int | None) -> None:
        if hasattr(self, "links_box"):
            self.links_box.set_owner(record_id)

    def _update_buttons(self) -> None:
        super()._update_buttons()
        if hasattr(self, "confirm_button"):
            editable = self._mode in ("new", "edit") and not self._busy
            self.answers.setEnabled(editable)
            self.confirm_button.setEnabled(
                self._mode == "edit" and not self._busy and not self._confirming
            )

    def _save_failed(self, saving: int | None, exc: BaseException) -> None:
        super()._save_failed(saving, exc)
        if not isinstance(exc, ValidationError) or not self._still_showing(saving):
            return
        self.answers.show_errors(exc.errors)
        fields = {e.field for e in exc.errors}
        first = self.knowledge_form.errors.first(self.knowledge_form.specs)
        if first is not None:
            self.show_pane(self.question_box)
            self.knowledge_form.inputs[first].setFocus()  # its tab was perhaps hidden
        elif "answers" in fields:
            self.show_pane(self.answers)
            self.answers.list.setFocus()

    # --- public ---------------------------------------------------------------------------

    def show_pane(self, pane: QWidget) -> None:
        """Bring 質問, 回答 or 関連 into view (its tab on a narrow pane)."""
        if not self.panes.side_by_side():
            self.panes.tabs.setCurrentWidget(pane)

    def select_answer(self, note_id: int, answer_id: int) -> None:
        """Choose the answer ``answer_id`` of note ``note_id`` — now if the note is
        shown, else once it is loaded."""
        if self._mode == "edit" and self.current_id == note_id:
            self._pending_answer = None
            self._choose_answer(answer_id)
        else:
            self._pending_answer = (note_id, answer_id)

    def confirm_still_true(self) -> None:
        """最終確認日 becomes today (written at once; unsaved input stays)."""
        note_id = self.current_id
        if note_id is None or self._mode != "edit" or self._busy or self._confirming:
            return
        today = self._ctx.today()
        self._confirming = True
        self._update_buttons()
        self._ctx.jobs.write(
            notes.confirm_still_true, note_id, today, owner=self, name="knowledge-confirm",
            on_result=lambda next_on: self._confirmed(note_id, today, next_on),
            on_error=lambda exc: self._confirm_failed(note_id, exc),
        )  # fmt: skip

    # --- internals ---------------------------------------------------------------------------

    def _after_load(self, record_id: int | None) -> None:
        if record_id is None and self._mode == "new":
            self.show_pane(self.question_box)  # a new note starts with its question
        pending, self._pending_answer = self._pending_answer, None
        if pending is not None and record_id == pending[0] and self._mode == "edit":
            self._choose_answer(pending[1])

    def _choose_answer(self, answer_id: int) -> None:
        if self.answers.select_answer(answer_id):
            self.show_pane(self.answers)

    def _count_answers(self, count: int) -> None:
        text = self.tr("回答（{0}）").format(count) if count else self.tr("回答")
        self.answers.setProperty("side_title", text)
        if self.panes.side_by_side():
            self.answers.setTitle(text)
        else:
            self.panes.tabs.setTabText(self.panes.tabs.indexOf(self.answers), text)

    def _show_review(self, values: dict[str, Any] | None, *, confirmed: bool = False) -> None:
        values = values or {}
        self.review_label.setStyleSheet("")
        if "review_due_on" not in values:  # nothing saved yet
            self.review_label.setText(self.tr("保存すると確認日を記録できます。"))
            return
        due: date | None = values["review_due_on"]
        done = self.tr("確認しました。") if confirmed else ""
        if due is None:
            self.review_label.setText(done + self.tr("見直しの間隔は設定されていません。"))
        elif due <= self._ctx.today():
            self.review_label.setText(
                self.tr("見直し時期です（{0}）。内容がまだ正しいか確かめてください。").format(
                    date_style.shown(due)
                )
            )
            self.review_label.setStyleSheet(DUE_STYLE)
        else:
            self.review_label.setText(
                done + self.tr("次の見直し: {0}").format(date_style.shown(due))
            )

    def _confirmed(self, note_id: int, today: date, next_on: date | None) -> None:
        self._confirming = False
        if self.current_id == note_id and self._mode == "edit":
            reviewed = self.form.inputs["reviewed_on"]
            assert isinstance(reviewed, JDateEdit)
            reviewed.setDate(today)
            self._values = {**(self._values or {}), "reviewed_on": today,
                            "review_due_on": next_on}  # fmt: skip
            self._baseline["reviewed_on"] = self.form.values()["reviewed_on"]
            self._show_review(self._values, confirmed=True)
        self._update_buttons()
        self.confirmed.emit(next_on)

    def _confirm_failed(self, note_id: int, exc: BaseException) -> None:
        self._confirming = False
        self._update_buttons()
        if self.current_id == note_id:
            self.review_label.setStyleSheet(ERROR_STYLE)
            self.review_label.setText(str(exc))
