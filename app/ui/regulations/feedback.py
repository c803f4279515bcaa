"""What the register's panels and dialogs say after a write: one line under them, green
when done, red when refused, hidden when there is nothing to say; and the text of a
refusal — every message of a ValidationError, a UserError as it is, anything else after
what could not be done."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from app.errors import UserError
from app.ui.widgets.styles import ERROR_STYLE, OK_STYLE


def message_label(label: QLabel) -> QLabel:
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def say(label: QLabel, text: str, *, error: bool = False) -> None:
    label.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
    label.setText(text)
    label.setVisible(bool(text))


def refusal_text(exc: BaseException, failed: str) -> str:
    errors = getattr(exc, "errors", None)
    if errors:
        return "\n".join(e.message for e in errors)
    return str(exc) if isinstance(exc, UserError) else f"{failed}: {exc}"
