"""What the main window expects of a view."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from app.ui.context import AppContext


class View(QWidget):
    """A page of the main window. ``activate`` is called each time it is shown;
    ``ready`` is emitted once its content is on screen (used by --self-test)."""

    view_key = ""
    title = ""
    ready = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def activate(self) -> None:
        self.ready.emit()
