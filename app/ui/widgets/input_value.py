"""Read what the user entered in a form's input widget, whatever its kind."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from app.ui.widgets.date_edit import JDateEdit


def input_value(widget: QWidget) -> Any:
    """Dates as typed text (services parse 和暦/西暦), combo boxes as their item data."""
    if isinstance(widget, JDateEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    assert isinstance(widget, QLineEdit)
    return widget.text()
