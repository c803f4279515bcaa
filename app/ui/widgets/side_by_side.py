"""Panels side by side where there is room, and as tabs where there is not (a detail
pane on a 1366-pixel screen): each panel then gets the whole width, so the names in its
lists and pickers are shown whole, and the pane needs no more height than one panel."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QStackedLayout, QTabWidget, QWidget


class SideBySide(QWidget):
    """Lays ``panels`` (group boxes: their titles name the tabs) out left to right when
    at least ``min_panel_width`` pixels fit each, else as tabs."""

    def __init__(
        self,
        panels: list[QGroupBox],
        *,
        min_panel_width: int = 340,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.panels = panels
        self.min_panel_width = min_panel_width
        self.row = QWidget(self)
        self.row_layout = QHBoxLayout(self.row)
        self.row_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.stack = QStackedLayout(self)
        self.stack.addWidget(self.row)
        self.stack.addWidget(self.tabs)
        self._wide: bool | None = None
        self._arrange(wide=True)

    def side_by_side(self) -> bool:
        return bool(self._wide)

    def _arrange(self, *, wide: bool) -> None:
        if wide == self._wide:
            return
        self._wide = wide
        current = self.tabs.currentIndex()
        self.tabs.clear()
        for panel in self.panels:
            if wide:
                self.row_layout.addWidget(panel, 1)
                panel.setTitle(panel.property("side_title") or panel.title())
                panel.show()  # a tab that was not current was hidden
            else:
                title = panel.property("side_title") or panel.title()
                panel.setProperty("side_title", title)
                panel.setTitle("")  # the tab says it
                self.tabs.addTab(panel, title)
        if not wide and current >= 0:
            self.tabs.setCurrentIndex(current)
        self.stack.setCurrentWidget(self.row if wide else self.tabs)

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self._arrange(wide=event.size().width() >= self.min_panel_width * len(self.panels))
        super().resizeEvent(event)
