"""What the main window expects of a view."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from app.ui.context import AppContext


class View(QWidget):
    """A page of the main window. ``activate`` is called each time it is shown;
    ``ready`` is emitted once its content is on screen (used by --self-test).

    ``opens`` names the record kinds (app.store.kinds codes) this view can show; the
    main window hands it ``open_record(kind, id)`` for those. ``record_requested`` asks
    the main window to open a record of any kind (wherever it lives).
    """

    view_key = ""
    title = ""
    opens: ClassVar[frozenset[str]] = frozenset()
    ready = Signal()
    record_requested = Signal(str, int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def activate(self) -> None:
        self.ready.emit()

    def open_record(self, kind: str, record_id: int) -> None:
        """Show record ``record_id`` of ``kind`` (one of ``opens``)."""
        raise NotImplementedError(f"{type(self).__name__} opens no {kind}")
