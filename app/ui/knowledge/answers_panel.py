"""The answers of a Q&A note in the editor: 回答1, 回答2 … with who answered and when, the
chosen one read in full, and 追加 / 編集 / 削除 / 上へ / 下へ. Each change stays in the
form (``values``) until the note is saved with it — the whole list in one write, kept
answers with their ids. An answer is written in a small dialog (opened, not exec'd).

Answers are shown as plain text, exactly as pasted (HTML and scripts included)."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import jdate
from app.services.errors import FieldError
from app.store.models.knowledge import first_line
from app.ui import date_style
from app.ui.knowledge.link_panels import plain_tip
from app.ui.widgets.date_edit import JDateEdit
from app.ui.widgets.styles import ERROR_STYLE

Answer = dict[str, Any]  # {"id", "body", "answered_by", "answered_on"} as the service takes it
_NUMBER = re.compile(r"回答(\d+)")


def answer_heading(n: int, answer: Answer) -> str:
    """「回答2　○○市 山田さん　2026-10-01（R8.10.1）」."""
    parts = [f"回答{n}"]
    if answer.get("answered_by"):
        parts.append(str(answer["answered_by"]))
    on = answer.get("answered_on")
    if isinstance(on, date):
        parts.append(date_style.shown(on))
    elif on:
        parts.append(str(on))
    return "　".join(parts)


class AnswerDialog(QDialog):
    """One answer: its text (plain, as pasted), who gave it and when."""

    def __init__(self, title: str, answer: Answer | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.body = QPlainTextEdit(self)
        self.body.setTabChangesFocus(True)
        self.body.setPlaceholderText(self.tr("回答の内容（貼り付けた文章はそのまま保存されます）"))
        self.answered_by = QLineEdit(self)
        self.answered_by.setPlaceholderText(self.tr("例: ○○市 情報政策課 山田さん"))
        self.answered_on = JDateEdit(self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        form = QFormLayout()
        form.addRow(self.tr("回答者"), self.answered_by)
        form.addRow(self.tr("回答日"), self.answered_on)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("回答"), self))
        layout.addWidget(self.body, 1)
        layout.addLayout(form)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        answer = answer or {}
        self.body.setPlainText(str(answer.get("body") or ""))
        self.answered_by.setText(str(answer.get("answered_by") or ""))
        on = answer.get("answered_on")
        if isinstance(on, date):
            self.answered_on.setDate(on)
        else:
            self.answered_on.setText(str(on or ""))
        self.resize(560, 420)

    def value(self) -> Answer:
        """The answer as entered (a date that cannot be read is kept as typed: the save
        names the problem)."""
        typed = self.answered_on.text().strip()
        try:
            on: Any = jdate.parse_optional_date(typed)
        except jdate.JDateError:
            on = typed
        return {"body": self.body.toPlainText(), "answered_by": self.answered_by.text().strip(),
                "answered_on": on}  # fmt: skip


class AnswersPanel(QGroupBox):
    """``edited`` fires on each change the user makes to the list; ``counted`` with the
    number of answers whenever the list is shown anew (the editor titles the panel)."""

    edited = Signal()
    counted = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("回答"))
        self._answers: list[Answer] = []
        self.dialog: AnswerDialog | None = None  # the one open (tests fill it in)
        self.list = QListWidget(self)
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)
        self.list.setMinimumHeight(self.fontMetrics().height() * 4)
        self.reader = QPlainTextEdit(self)  # the chosen answer in full, as typed
        self.reader.setReadOnly(True)
        self.reader.setPlaceholderText(self.tr("回答を選ぶと全文を表示します"))
        self.empty = QLabel(self.tr("回答はまだありません。「追加」で書き加えます。"), self)
        self.empty.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        self.add_button = QPushButton(self.tr("追加…"), self)
        self.edit_button = QPushButton(self.tr("編集…"), self)
        self.remove_button = QPushButton(self.tr("削除"), self)
        self.up_button = QPushButton(self.tr("上へ"), self)
        self.down_button = QPushButton(self.tr("下へ"), self)
        self.up_button.setToolTip(self.tr("選んだ回答を一つ前へ"))
        self.down_button.setToolTip(self.tr("選んだ回答を一つ後へ"))
        self.remove_button.setToolTip(self.tr("選んだ回答を外します（保存するまで元に戻せます）"))
        buttons = QVBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button, self.up_button,
                       self.down_button):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch(1)
        texts = QVBoxLayout()
        texts.addWidget(self.list, 3)
        texts.addWidget(self.empty)
        texts.addWidget(self.reader, 2)
        row = QHBoxLayout()
        row.addLayout(texts, 1)
        row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(row, 1)
        layout.addWidget(self.error_label)
        self.add_button.clicked.connect(self.add_answer)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.list.currentRowChanged.connect(self._chosen)
        self.list.itemDoubleClicked.connect(lambda _item: self.edit_selected())
        self._refresh()

    # --- values -------------------------------------------------------------------------

    def set_answers(self, answers: Iterable[Answer]) -> None:
        """Show ``answers`` (the note's, in order) and clear the messages."""
        self._close_dialog()
        self._answers = [copy.copy(dict(a)) for a in answers]
        self.clear_errors()
        self._refresh(0 if self._answers else -1)

    def values(self) -> list[Answer]:
        """The answers as saved: in order, each with its id (None for a new one)."""
        return [{"id": a.get("id"), "body": a.get("body", ""),
                 "answered_by": a.get("answered_by", ""), "answered_on": a.get("answered_on")}
                for a in self._answers]  # fmt: skip

    def count(self) -> int:
        return len(self._answers)

    def selected_row(self) -> int:
        return self.list.currentRow()

    def select_answer(self, answer_id: int) -> bool:
        """Choose the answer ``answer_id`` (a search hit opened it)."""
        for n, answer in enumerate(self._answers):
            if answer.get("id") == answer_id:
                self.list.setCurrentRow(n)
                self.list.scrollToItem(self.list.item(n))
                return True
        return False

    # --- errors -------------------------------------------------------------------------

    def show_errors(self, errors: Iterable[FieldError]) -> None:
        """The refusals of the answers (「回答2: 回答を入力してください」); the first
        answer named is chosen."""
        errors = [e for e in errors if e.field == "answers"]
        self.error_label.setText("\n".join(str(e) for e in errors))
        self.error_label.setVisible(bool(errors))
        for error in errors:
            number = _NUMBER.fullmatch(error.label)
            if number and 1 <= int(number.group(1)) <= len(self._answers):
                self.list.setCurrentRow(int(number.group(1)) - 1)
                break

    def error_text(self) -> str:
        return self.error_label.text() if self.error_label.isVisible() else ""

    def clear_errors(self) -> None:
        self.error_label.clear()
        self.error_label.setVisible(False)

    # --- editing ------------------------------------------------------------------------

    def add_answer(self) -> None:
        self._open_dialog(self.tr("回答{0}の追加").format(len(self._answers) + 1), None)

    def edit_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._answers):
            self._open_dialog(self.tr("回答{0}の編集").format(row + 1), row)

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._answers):
            del self._answers[row]
            self._changed(min(row, len(self._answers) - 1))

    def move_selected(self, step: int) -> None:
        row = self.list.currentRow()
        to = row + step
        if 0 <= row < len(self._answers) and 0 <= to < len(self._answers):
            answers = self._answers
            answers[row], answers[to] = answers[to], answers[row]
            self._changed(to)

    def _open_dialog(self, title: str, row: int | None) -> None:
        self._close_dialog()
        dialog = AnswerDialog(title, None if row is None else self._answers[row], self)
        dialog.accepted.connect(lambda: self._accepted(dialog, row))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            dialog, self.dialog = self.dialog, None
            dialog.reject()

    def _accepted(self, dialog: AnswerDialog, row: int | None) -> None:
        if self.dialog is dialog:
            self.dialog = None
        value = dialog.value()
        if row is None:
            self._answers.append({"id": None, **value})
            self._changed(len(self._answers) - 1)
        elif row < len(self._answers):
            self._answers[row].update(value)
            self._changed(row)

    def _changed(self, row: int) -> None:
        self.clear_errors()
        self._refresh(row)
        self.edited.emit()

    # --- display ------------------------------------------------------------------------

    def _refresh(self, row: int = -1) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for n, answer in enumerate(self._answers, 1):
            body = str(answer.get("body") or "")
            summary = first_line(body, 80) or self.tr("（回答が入力されていません）")
            item = QListWidgetItem(f"{answer_heading(n, answer)}\n{summary}")
            item.setToolTip(plain_tip(body))
            self.list.addItem(item)
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        self.empty.setVisible(not self._answers)
        self.list.setVisible(bool(self._answers))
        self.reader.setVisible(bool(self._answers))
        self._chosen(self.list.currentRow())
        self.counted.emit(len(self._answers))

    def _chosen(self, row: int) -> None:
        valid = 0 <= row < len(self._answers)
        self.reader.setPlainText(str(self._answers[row].get("body") or "") if valid else "")
        self.edit_button.setEnabled(valid)
        self.remove_button.setEnabled(valid)
        self.up_button.setEnabled(valid and row > 0)
        self.down_button.setEnabled(valid and row < len(self._answers) - 1)
