"""The small form of the warning windows (days), saved as a shared setting. The pages
flagging rows by the windows reload themselves when the setting's write is announced."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.services.errors import ValidationError
from app.services.inventory.lifecycle import (
    MAX_WINDOW_DAYS,
    WINDOW_LABELS,
    LifecycleWindows,
    save_windows,
)
from app.ui.context import AppContext
from app.ui.widgets.styles import ERROR_STYLE, OK_STYLE

log = logging.getLogger("hitori.ui.inventory")


class WindowsForm(QGroupBox):
    """``saved(LifecycleWindows)`` fires after the windows were written."""

    saved = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("警告する期間（日）"), parent)
        self._ctx = ctx
        self.spins: dict[str, QSpinBox] = {}
        self.error_labels: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, label in WINDOW_LABELS.items():
            spin = QSpinBox(self)
            spin.setRange(0, MAX_WINDOW_DAYS)
            spin.setSuffix(self.tr(" 日"))
            spin.setMinimumWidth(90)
            error = QLabel(self)
            error.setStyleSheet(ERROR_STYLE)
            error.setVisible(False)
            box = QVBoxLayout()
            box.setSpacing(1)
            box.addWidget(spin)
            box.addWidget(error)
            form.addRow(QCoreApplication.translate("WindowsForm", label), box)
            self.spins[name], self.error_labels[name] = spin, error
        self.save_button = QPushButton(self.tr("期間を保存"), self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)

    def set_windows(self, windows: LifecycleWindows) -> None:
        for name, days in windows.as_dict().items():
            self.spins[name].setValue(days)

    def values(self) -> dict[str, int]:
        return {name: spin.value() for name, spin in self.spins.items()}

    def save(self) -> None:
        self.save_button.setEnabled(False)
        self._clear_errors()
        self._ctx.jobs.write(
            save_windows, self.values(), on_result=self._saved, on_error=self._failed
        )

    def field_error(self, name: str) -> str:
        label = self.error_labels[name]
        return label.text() if label.isVisible() else ""

    def _saved(self, windows: LifecycleWindows) -> None:
        self.save_button.setEnabled(True)
        self.set_windows(windows)
        self._say(self.tr("保存しました。"))
        self.saved.emit(windows)

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            for error in exc.errors:
                if error.field in self.error_labels:
                    self.error_labels[error.field].setText(error.message)
                    self.error_labels[error.field].setVisible(True)
            self._say(self.tr("期間を確認してください。保存していません。"), error=True)
            return
        if not isinstance(exc, UserError):
            log.error("saving the warning windows failed: %r", exc)
        self._say(str(exc), error=True)

    def _clear_errors(self) -> None:
        for label in self.error_labels.values():
            label.clear()
            label.setVisible(False)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
