"""発出元の一覧: the issuers the notice editor offers, edited one a line, and 表記の統一 —
one way of writing an issuer replaced by another in every notice (「総務省自治行政局」 and
「総務省 自治行政局」 become one). The work is app.services.notices.issuers, run as write
jobs: a refused list or rename is shown in red and the dialog stays open; the notices
view reloads itself after a rename (it watches notice writes)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.services.notices import issuers as svc
from app.ui.context import AppContext
from app.ui.widgets.styles import ERROR_STYLE


def _lists(session: Session) -> tuple[tuple[str, ...], list[svc.IssuerUse]]:
    return svc.load_issuer_list(session), svc.issuers_in_use(session)


def _errors(exc: BaseException) -> str:
    errors = getattr(exc, "errors", None)
    return "\n".join(e.message for e in errors) if errors else str(exc)


def replaced_lines(text: str, old: str, new: str) -> str:
    """``text`` (one name a line) with the line ``old`` written ``new``, as the rename
    did in the saved list; a second ``new`` is dropped."""
    out: list[str] = []
    for line in text.splitlines():
        name = new if svc.normal_name(line) == old else line
        if name != new or new not in out:
            out.append(name)
    return "\n".join(out)


class IssuersDialog(QDialog):
    saved = Signal()  # the list or the notices' issuers changed

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("発出元の一覧"))
        self._in_use: dict[str, int] = {}
        intro = QLabel(self.tr(
            "通知の発出元の入力候補です（1行に1つ）。候補には、通知で使っている発出元が"
            "多い順に出て、その後にこの一覧の残りが出ます。"
        ), self)  # fmt: skip
        intro.setWordWrap(True)
        self.names = QPlainTextEdit(self)
        self.names.setPlaceholderText(self.tr("例: 総務省 自治行政局 住民制度課"))
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("キャンセル"))
        self.save_button.setEnabled(False)  # until the list is read
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.names, 1)
        layout.addWidget(self.message)
        layout.addWidget(self._unify_section())
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.resize(620, 560)
        self.reload()

    def _unify_section(self) -> QGroupBox:
        box = QGroupBox(self.tr("表記の統一"), self)
        note = QLabel(self.tr(
            "「今の表記」の発出元を、それを使っているすべての通知で「新しい表記」に"
            "置き換えます（一覧の中の行も置き換えます）。各通知の変更履歴に残ります。"
        ), box)  # fmt: skip
        note.setWordWrap(True)
        self.old_name = QComboBox(box)
        self.old_name.setEditable(True)
        self.old_name.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        typed = self.old_name.lineEdit()
        assert typed is not None  # editable
        typed.setPlaceholderText(self.tr("通知で使っている発出元から選ぶ"))
        self.new_name = QLineEdit(box)
        self.new_name.setPlaceholderText(self.tr("例: 総務省 自治行政局 住民制度課"))
        self.new_names = QStringListModel(self)
        completer = QCompleter(self.new_names, self.new_name)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.new_name.setCompleter(completer)
        self.rename_button = QPushButton(self.tr("置き換える"), box)
        self.rename_message = QLabel(box)
        self.rename_message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("今の表記"), self.old_name)
        row = QHBoxLayout()
        row.addWidget(self.new_name, 1)
        row.addWidget(self.rename_button)
        form.addRow(self.tr("新しい表記"), row)
        layout = QVBoxLayout(box)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.rename_message)
        self.rename_button.clicked.connect(self.rename)
        return box

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in 今の表記 / 新しい表記 replaces; it does not save the list and close."""
        fields = (self.old_name, self.old_name.lineEdit(), self.new_name)
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and any(field is not None and field.hasFocus() for field in fields):
            event.accept()
            self.rename()
            return
        super().keyPressEvent(event)

    # --- reading -----------------------------------------------------------------------

    def reload(self, *, names: bool = True) -> None:
        """Read the saved list (into the text unless ``names`` is False) and the issuers
        in use (into 今の表記)."""
        self.ctx.jobs.read(
            _lists, owner=self, key="lists", name="notice-issuer-lists",
            on_result=lambda result: self._show(*result, names=names),
            on_error=lambda exc: self._say(self.message, _errors(exc), error=True),
        )  # fmt: skip

    def _show(self, listed: tuple[str, ...], used: list[svc.IssuerUse], *, names: bool) -> None:
        if names:
            self.names.setPlainText("\n".join(listed))
        self.save_button.setEnabled(True)
        typed = self.old_name.currentText()
        self._in_use = {u.name: u.count for u in used}
        self.old_name.clear()
        for use in used:
            self.old_name.addItem(use.name)
            self.old_name.setItemData(
                self.old_name.count() - 1, self.tr("{0} 件の通知").format(use.count),
                Qt.ItemDataRole.ToolTipRole,
            )  # fmt: skip
        self.old_name.setCurrentText(typed if typed in self._in_use else "")
        self.new_names.setStringList(list(dict.fromkeys([*self._in_use, *listed])))

    # --- writing -----------------------------------------------------------------------

    def save(self) -> None:
        if not self.save_button.isEnabled():  # the list is not read yet, or being saved
            return
        lines = self.names.toPlainText().splitlines()
        self.save_button.setEnabled(False)
        self._say(self.message, "")

        def done(_clean: Any) -> None:
            self.saved.emit()
            self.accept()

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            self._say(self.message, _errors(exc), error=True)

        self.ctx.jobs.write(svc.save_issuer_list, lines, owner=self, on_result=done,
                            on_error=failed, name="notice-issuer-list")  # fmt: skip

    def rename(self) -> None:
        if not self.rename_button.isEnabled():  # a rename is under way
            return
        old, new = self.old_name.currentText().strip(), self.new_name.text().strip()
        count = self._in_use.get(old, 0)
        if old and new and count:
            answer = QMessageBox.question(
                self, self.tr("表記の統一"),
                self.tr("「{0}」を発出元とする {1} 件の通知の発出元を「{2}」に置き換えます。"
                        "\nよろしいですか？").format(old, count, new),
            )  # fmt: skip
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.rename_button.setEnabled(False)
        self._say(self.rename_message, self.tr("置き換えています…"))

        def done(changed: int) -> None:
            self.rename_button.setEnabled(True)
            self._say(
                self.rename_message,
                self.tr("{0} 件の通知の発出元を置き換えました").format(changed),
            )
            text = replaced_lines(self.names.toPlainText(), old, svc.normal_name(new))
            self.names.setPlainText(text)
            self.new_name.clear()
            self.saved.emit()
            self.reload(names=False)  # the text may hold edits not saved yet

        def failed(exc: BaseException) -> None:
            self.rename_button.setEnabled(True)
            self._say(self.rename_message, _errors(exc), error=True)

        self.ctx.jobs.write(svc.rename_issuer, old, new, owner=self, on_result=done,
                            on_error=failed, name="notice-issuer-rename")  # fmt: skip

    def _say(self, label: QLabel, text: str, *, error: bool = False) -> None:
        label.setStyleSheet(ERROR_STYLE if error else "")
        label.setText(text)
