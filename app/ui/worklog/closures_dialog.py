"""The closure days (休業日) of the town hall, edited as the setting stores them: one
range a line (「12/29〜1/3」, 「8月15日」). Weekends and national holidays need no line:
app.services.tasks.business_days knows them. Under the text, as the officer types, how
many days the lines close or why a line cannot be read (the same check the save makes,
pure and quick, so it runs on the UI thread); the save itself is a write job, and a
refusal names every bad line and keeps the dialog open with the text as typed."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import ValidationError
from app.services.tasks.business_days import (
    DEFAULT_CLOSURES,
    ClosureRange,
    clean_closures,
    closed_days,
    load_closures,
    save_closures,
)
from app.ui.context import AppContext
from app.ui.widgets.styles import ERROR_STYLE


def as_text(closures: tuple[ClosureRange, ...]) -> str:
    return "\n".join(str(r) for r in closures)


class ClosuresDialog(QDialog):
    """``saved(tuple[ClosureRange, ...])`` fires after the setting was written."""

    saved = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("休業日"))
        note = QLabel(self.tr("土日と国民の祝日（振替休日を含む）は自動です。ほかに休む日を"
                              "1行に1つ書きます。"), self)  # fmt: skip
        note.setWordWrap(True)
        self.text = QPlainTextEdit(self)
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(self.tr("例:\n12/29〜1/3\n8月15日"))
        self.count = QLabel(self)  # what the lines close, or why one cannot be read
        self.count.setWordWrap(True)
        self.message = QLabel(self)  # why the save was refused
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.default_button = QPushButton(self.tr("既定に戻す"), self)
        self.default_button.setToolTip(
            self.tr("{0} に戻します（保存するまで変わりません）").format(
                "、".join(str(r) for r in DEFAULT_CLOSURES))
        )  # fmt: skip
        buttons.addButton(self.default_button, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.text.textChanged.connect(self._check)
        self.default_button.clicked.connect(
            lambda: self.text.setPlainText(as_text(DEFAULT_CLOSURES))
        )
        self.resize(540, 340)
        self._editable(False)  # until the saved days are read
        ctx.jobs.read(load_closures, owner=self, on_result=self._loaded,
                      on_error=lambda exc: self.message.setText(str(exc)),
                      name="closures-load")  # fmt: skip

    def _editable(self, on: bool) -> None:
        for widget in (self.text, self.save_button, self.default_button):
            widget.setEnabled(on)

    def _loaded(self, closures: tuple[ClosureRange, ...]) -> None:
        self.text.setPlainText(as_text(closures))
        self._editable(True)
        self.text.setFocus()

    def lines(self) -> list[str]:
        return self.text.toPlainText().split("\n")

    def _check(self) -> None:
        """How many days the lines close, or what is wrong with them (as typed)."""
        self.message.clear()  # a refused save's reasons are those of the text before
        try:
            closures = clean_closures(self.lines())
        except ValidationError as exc:
            self.count.setStyleSheet(ERROR_STYLE)
            self.count.setText("\n".join(e.message for e in exc.errors))
            return
        self.count.setStyleSheet("")
        if not closures:
            self.count.setText(self.tr("土日と祝日のほかに休む日はありません。"))
        else:
            self.count.setText(
                self.tr("この設定で休む日: 年に {0} 日（土日・祝日と重なる日も含む）").format(
                    closed_days(closures))
            )  # fmt: skip

    def save(self) -> None:
        self.message.clear()
        self.save_button.setEnabled(False)
        self.ctx.jobs.write(save_closures, self.lines(), owner=self, on_result=self._saved,
                            on_error=self._refused, name="closures-save")  # fmt: skip

    def _saved(self, closures: tuple[ClosureRange, ...]) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit(closures)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.message.setText(
                self.tr("保存していません:") + "\n" + "\n".join(e.message for e in exc.errors)
            )
        else:
            self.message.setText(str(exc))
