"""Quick entry of what was done (作業を記録, Ctrl+N), and editing an entry.

Keyboard-first: the dialog opens on 件名 with 作業日 = today (和暦 or 西暦 may be typed),
Tab moves through 分類 (completed from the categories in use), 作業時間, 内容 and the
links (typed); Ctrl+Enter saves, 「保存して次へ」 (Ctrl+Shift+Enter) saves and starts the
next entry on the same day. Closing with unsaved input asks 保存 / 破棄 / キャンセル, as
every editor does (app.ui.widgets.unsaved); so does closing the main window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.services.errors import ValidationError
from app.services.worklog import entries
from app.services.worklog.entries import EntryForEdit
from app.ui.context import AppContext
from app.ui.widgets import unsaved
from app.ui.widgets.date_edit import JDateEdit
from app.ui.widgets.field_errors import FieldErrors
from app.ui.widgets.styles import ERROR_STYLE
from app.ui.widgets.unsaved import Choice, UnsavedInput
from app.ui.worklog.link_picker import LinkPicker

FIELDS = ("occurred_on", "category", "title", "minutes", "body")


def _load(session: Session, entry_id: int | None) -> tuple[list[str], EntryForEdit | None]:
    found = entries.load_for_edit(session, entry_id) if entry_id is not None else None
    return entries.categories(session), found


class EntryDialog(QDialog, UnsavedInput):
    """``saved(entry_id)`` after each save."""

    saved = Signal(int)

    def __init__(self, ctx: AppContext, entry_id: int | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.ctx = ctx
        self.entry_id = entry_id
        self._baseline: tuple[Any, ...] | None = None
        self._saving = False
        self.setWindowTitle(
            self.tr("作業を記録") if entry_id is None else self.tr("作業ログの編集")
        )
        self.occurred_on = JDateEdit(self, today=ctx.today())
        self.category = QComboBox(self)
        self.category.setEditable(True)
        self.category.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        category_edit = self.category.lineEdit()
        assert category_edit is not None  # an editable combo box has one
        category_edit.setPlaceholderText(self.tr("例: 問い合わせ対応"))
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText(self.tr("何をしたか（例: 総務課のプリンタ設定）"))
        self.minutes = QLineEdit(self)
        self.minutes.setPlaceholderText(self.tr("分（例: 30）"))
        self.minutes.setMaximumWidth(self.fontMetrics().horizontalAdvance("0" * 12))
        self.body = QPlainTextEdit(self)
        self.body.setTabChangesFocus(True)
        self.body.setPlaceholderText(self.tr("内容・結果・気づいたこと"))
        self.links = LinkPicker(ctx, self)
        self.inputs: dict[str, QWidget] = {
            "occurred_on": self.occurred_on, "category": self.category,
            "title": self.title_edit, "minutes": self.minutes, "body": self.body,
        }  # fmt: skip
        self.error_labels: dict[str, QLabel] = {}
        form = QFormLayout()
        labels = entries.FIELD_LABELS
        for name in FIELDS:
            holder = QWidget(self)
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(1)
            box.addWidget(self.inputs[name])
            error = QLabel(holder)
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.setVisible(False)
            box.addWidget(error)
            self.error_labels[name] = error
            form.addRow(self.tr(labels[name]), holder)
        form.addRow(self.tr("関連"), self.links)
        self.errors = FieldErrors(self.inputs, self.error_labels)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.save_button = QPushButton(self.tr("保存"), self)
        self.save_button.setToolTip(self.tr("保存 (Ctrl+Enter)"))
        self.next_button = QPushButton(self.tr("保存して次へ"), self)
        self.next_button.setToolTip(self.tr("保存して同じ日の次の作業を入力 (Ctrl+Shift+Enter)"))
        self.next_button.setVisible(entry_id is None)
        self.cancel_button = QPushButton(self.tr("閉じる"), self)
        # Enter chooses a link in the picker and moves on in a field; saving is Ctrl+Enter
        # (or the button), never an Enter meant for something else.
        for button in (self.save_button, self.next_button, self.cancel_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(lambda: self.save())
        self.next_button.clicked.connect(lambda: self.save(keep_open=True))
        self.cancel_button.clicked.connect(self.reject)
        for keys, keep in (("Ctrl+Return", False), ("Ctrl+Enter", False),
                           ("Ctrl+Shift+Return", True), ("Ctrl+Shift+Enter", True)):  # fmt: skip
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(lambda keep=keep: self.save(keep_open=keep))
        self.setEnabled(False)
        self.resize(560, 520)
        ctx.jobs.read(_load, entry_id, owner=self, key="load", on_result=self._loaded,
                      on_error=self._load_failed, name="worklog-entry-load")  # fmt: skip

    # --- loading -------------------------------------------------------------------------

    def _loaded(self, result: tuple[list[str], EntryForEdit | None]) -> None:
        categories, found = result
        self.category.addItems(categories)
        self.category.setCurrentIndex(-1)
        if found is None:
            self.occurred_on.setDate(self.ctx.today())
        else:
            v = found.values
            self.occurred_on.setDate(v["occurred_on"])
            self.category.setEditText(v["category"] or "")
            self.title_edit.setText(v["title"])
            self.minutes.setText("" if v["minutes"] is None else str(v["minutes"]))
            self.body.setPlainText(v["body"] or "")
            self.links.set_links(found.names)
        self._baseline = self._state()
        self.setEnabled(True)
        self.title_edit.setFocus()

    def _load_failed(self, exc: BaseException) -> None:
        self.setEnabled(True)
        self.save_button.setEnabled(False)
        self._say(self.tr("読み込めませんでした: {0}").format(exc), error=True)

    # --- saving --------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        return {
            "occurred_on": self.occurred_on.text(),
            "category": self.category.currentText(),
            "title": self.title_edit.text(),
            "minutes": self.minutes.text(),
            "body": self.body.toPlainText(),
        }

    def save(self, *, keep_open: bool = False, then: Callable[[], None] | None = None,
             failed: Callable[[], None] | None = None) -> None:  # fmt: skip
        if self._saving:
            return
        self._saving = True
        self.errors.clear()
        self._say(self.tr("保存しています…"))
        entry_id, data, linked = self.entry_id, self.values(), self.links.links()

        def done(saved_id: int) -> None:
            self._saving = False
            self.saved.emit(saved_id)
            if keep_open and entry_id is None:
                self._next_on_same_day()
            else:
                self._baseline = self._state()
                if then is not None:
                    then()
                else:
                    self.accept()

        def refused(exc: BaseException) -> None:
            self._saving = False
            if isinstance(exc, ValidationError):
                self.errors.show((e.field, e.message) for e in exc.errors)
                first = self.errors.first(FIELDS)
                if first is not None:
                    self.inputs[first].setFocus()
                self._say(self.tr("入力を確認してください。"), error=True)
            else:
                self._say(str(exc), error=True)
            if failed is not None:
                failed()

        self.ctx.jobs.write(entries.save_entry, entry_id, data, linked, owner=self,
                            on_result=done, on_error=refused, name="worklog-save")  # fmt: skip

    def _next_on_same_day(self) -> None:
        day = self.occurred_on.text()
        self.title_edit.clear()
        self.minutes.clear()
        self.body.clear()
        self.links.set_links({})
        self.occurred_on.setText(day)
        self._baseline = self._state()
        self._say(self.tr("保存しました。続けて入力できます。"))
        self.title_edit.setFocus()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    # --- unsaved input -------------------------------------------------------------------

    def _state(self) -> tuple[Any, ...]:
        linked = self.links.links()
        return (*self.values().values(), linked.asset_id, linked.system_id, linked.task_id,
                tuple(linked.notice_ids), tuple(linked.runbook_ids))  # fmt: skip

    def has_unsaved(self) -> bool:
        return self._baseline is not None and self.isVisible() and self._state() != self._baseline

    def unsaved_label(self) -> str:
        title = self.title_edit.text().strip() or self.tr("（件名なし）")
        return self.tr("作業ログ「{0}」").format(title)

    def save_then(self, done: Callable[[], None], failed: Callable[[], None]) -> None:
        def saved() -> None:
            self.accept()  # before ``done``, which may close the window holding this dialog
            done()

        self.save(then=saved, failed=failed)

    def discard_unsaved(self) -> None:
        self._baseline = None
        self.hide()
        self.deleteLater()

    def bring_into_view(self) -> None:
        self.raise_()
        self.activateWindow()

    def reject(self) -> None:
        """閉じる / Esc / the window's close button: ask first when there is input."""
        if not self.has_unsaved():
            super().reject()
            return
        choice = unsaved.ask(self, self.unsaved_label())  # looked up here: tests replace it
        if choice is Choice.SAVE:
            self.save()
        elif choice is Choice.DISCARD:
            self._baseline = None
            super().reject()

    def closeEvent(self, event: Any) -> None:
        if self.has_unsaved():
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
