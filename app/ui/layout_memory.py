"""Layouts that fit the screen and are remembered: splitter sizes kept in the settings,
a first window no larger than the screen's available area, table columns sized to
their content within limits with the important column taking the spare width.

A 1366×768 laptop is the most common screen in municipal offices: nothing here assumes
more, and what the user resizes stays as they left it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QObject, QRect, QSettings, QSize
from PySide6.QtWidgets import QHeaderView, QSplitter, QTableView

MIN_COLUMN = 44


def remember_splitter(splitter: QSplitter, settings: QSettings, key: str) -> None:
    """Restore ``splitter``'s sizes saved under ``layout/<key>`` and save them whenever
    the user moves it. A state that does not fit (another screen) is ignored."""
    name = f"layout/{key}"
    saved = settings.value(name)
    if isinstance(saved, QByteArray) and not saved.isEmpty():
        splitter.restoreState(saved)

    def save(_pos: int, _index: int) -> None:
        settings.setValue(name, splitter.saveState())

    splitter.splitterMoved.connect(save)


def split_evenly(splitter: QSplitter, shares: Sequence[int], total: int) -> None:
    """Initial sizes in proportion to ``shares`` of ``total`` pixels."""
    whole = sum(shares)
    splitter.setSizes([total * share // whole for share in shares])


def first_size(wanted: QSize, available: QRect) -> QSize:
    """The size of a window opened for the first time: ``wanted``, but never beyond
    the screen's available area (less a margin for the window frame)."""
    return QSize(
        min(wanted.width(), max(640, available.width() - 16)),
        min(wanted.height(), max(480, available.height() - 40)),
    )


FIT_ROWS = 100  # rows measured when columns are fitted to their content


class ColumnFitter(QObject):
    """Columns of ``view`` sized to their content (header and the rows shown), each
    between MIN_COLUMN and its limit; the spare width goes to the ``stretch`` column.
    Fitted once when rows first arrive and again on demand; the user may resize any
    column afterwards (Interactive)."""

    def __init__(self, view: QTableView, limits: Sequence[int], stretch: int = 0) -> None:
        super().__init__(view)
        self._view = view
        self.limits = tuple(limits)
        self.stretch = stretch
        self._fitted = False
        self._natural = self.limits[stretch] if stretch < len(self.limits) else MIN_COLUMN
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Content is measured on the rows shown and a sample around them, not Qt's
        # default first 1,000 rows (7 columns of 1,000 rows: a 360 ms stall).
        header.setResizeContentsPrecision(FIT_ROWS)
        for column, limit in enumerate(self.limits):
            header.resizeSection(column, limit)
        model = view.model()
        model.modelReset.connect(self._first_rows)
        model.rowsInserted.connect(self._first_rows)

    def _first_rows(self, *_args: object) -> None:
        if not self._fitted and self._view.model().rowCount() > 0:
            self._fitted = True
            self.fit()

    def fit(self) -> None:
        view, header = self._view, self._view.horizontalHeader()
        for column, limit in enumerate(self.limits):
            if header.isSectionHidden(column):
                continue
            content = max(view.sizeHintForColumn(column), header.sectionSizeHint(column))
            header.resizeSection(column, max(MIN_COLUMN, min(limit, content + 8)))
        self._natural = header.sectionSize(self.stretch)
        self.fill()

    def fill(self) -> None:
        """Give the width the other columns leave free to the ``stretch`` column (never
        narrower than its content): no empty band on a wide screen, no scroll bar added
        on a narrow one."""
        header = self._view.horizontalHeader()
        others = header.length() - header.sectionSize(self.stretch)
        width = max(self._natural, self._view.viewport().width() - others)
        if width != header.sectionSize(self.stretch):
            header.resizeSection(self.stretch, width)
