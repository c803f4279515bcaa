"""Asking before unsaved input in an editor is thrown away (another record chosen)."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget


class HasUnsavedInput(Protocol):
    def is_dirty(self) -> bool: ...


def confirm_discard(parent: QWidget, editor: HasUnsavedInput) -> bool:
    """True when the editor has nothing unsaved, or the user agrees to discard it."""
    if not editor.is_dirty():
        return True
    tr = QCoreApplication.translate
    answer = QMessageBox.question(
        parent,
        tr("confirm_discard", "保存していない変更"),
        tr("confirm_discard", "保存していない変更があります。破棄してよろしいですか？"),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
