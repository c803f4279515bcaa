"""Typing into widgets the way a user does, for the GUI tests."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from app.ui.widgets.date_edit import JDateEdit


def type_keys(qtbot, widget: QWidget, text: str) -> None:
    """Type at the cursor like a user: key clicks for ASCII, an input-method commit
    otherwise (what an IME sends for Japanese)."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def type_text(qtbot, widget: QWidget, text: str) -> None:
    """Replace the text like a user: select all, delete, then type."""
    line = widget.line_edit if isinstance(widget, JDateEdit) else widget
    assert isinstance(line, QLineEdit)
    line.selectAll()
    qtbot.keyClick(line, Qt.Key.Key_Delete)
    type_keys(qtbot, line, text)
