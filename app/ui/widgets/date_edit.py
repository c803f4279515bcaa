"""A date field that accepts 和暦 or 西暦 as typed and shows how it was understood."""

from __future__ import annotations

import datetime
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from app import jdate
from app.ui import date_style
from app.ui.widgets.styles import ERROR_STYLE


class JDateEdit(QWidget):
    """QLineEdit for R8.3.31 / 令和8年3月31日 / Ｒ８．３．３１ / 2026/3/31 …

    The label under the field shows the date in the calendar it was not typed in (the
    check of what was understood: 令和8年3月31日 under 2026-03-31), or, while the input
    cannot be read, the reason in red. ``edited`` is emitted on every user edit.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self.line_edit = QLineEdit(self)
        self.line_edit.setPlaceholderText(self.tr("例: R8.3.31、令和8年3月31日、2026/3/31"))
        self.feedback = QLabel(self)
        self.feedback.setWordWrap(True)
        self.feedback.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(self.line_edit)
        layout.addWidget(self.feedback)
        self.setFocusProxy(self.line_edit)
        self.line_edit.textEdited.connect(self._on_edited)
        self.line_edit.textChanged.connect(self._update_feedback)

    def date(self) -> date | None:
        """The entered date; None when empty. Raises JDateError when it cannot be read."""
        return jdate.parse_optional_date(self.line_edit.text(), today=self._today)

    def setDate(self, value: datetime.date | None) -> None:
        self.line_edit.setText("" if value is None else value.isoformat())

    def text(self) -> str:
        return self.line_edit.text()

    def setText(self, text: str) -> None:
        self.line_edit.setText(text)

    def is_valid(self) -> bool:
        try:
            self.date()
        except jdate.JDateError:
            return False
        return True

    def error_text(self) -> str:
        """The message shown while the input is invalid, else ''."""
        try:
            self.date()
        except jdate.JDateError as exc:
            return str(exc)
        return ""

    def _on_edited(self) -> None:
        self.edited.emit()

    def _update_feedback(self) -> None:
        try:
            value = self.date()
        except jdate.JDateError as exc:
            self.feedback.setText(str(exc))
            self.feedback.setStyleSheet(ERROR_STYLE)
            self.feedback.setVisible(True)
            self.line_edit.setToolTip(str(exc))
            return
        self.line_edit.setToolTip("")
        if value is None:
            self.feedback.clear()
            self.feedback.setVisible(False)
            return
        self.feedback.setText(date_style.understood(value, self.line_edit.text()))
        self.feedback.setStyleSheet("")
        self.feedback.setVisible(True)
