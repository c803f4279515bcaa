"""A Qt table model over a list of plain row objects, and its sortable, filterable view.

Columns are described once (header, value, how to show and sort it, when to flag a
row); the model only adapts. Tables hold hundreds of rows (contracts, vendors, licences,
systems) to thousands (the large demo's 5,000 notices and tasks), so nothing here asks
Python for a value once per cell per comparison:

- sorting is the model's own: each row's key computed once, one Python sort, the
  persistent indexes (the selection) moved with their rows — a QSortFilterProxyModel
  sorting 5,000 rows calls ``data`` some 120,000 times;
- the filter matches one cached text per row (FILTER_ROLE: the row's shown cells
  joined), not every cell — 5,000 calls instead of 35,000 (a 240 ms stall);
- fitting the columns measures a sample of rows (FIT_ROWS), not the first thousand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QWidget

from app.ui import date_style
from app.ui.alert_colors import ALERT_COLORS
from app.ui.widgets.silent_selection import SilentSelection

Index = QModelIndex | QPersistentModelIndex
ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 2
ROW_ROLE = int(Qt.ItemDataRole.UserRole) + 3
FILTER_ROLE = int(Qt.ItemDataRole.UserRole) + 4  # the row's cells as one text (column 0)
WARM_SLICE = 500  # filter texts made per turn of the event loop (a few ms)


@dataclass(frozen=True)
class RowColumn:
    """header: source text (translated with the model's context).
    kind: text / date / int / money / bool. alert(row) -> 'error' | 'warn' | 'muted' | None."""

    header: str
    value: Callable[[Any], Any]
    kind: str = "text"
    alert: Callable[[Any], str | None] | None = None
    tooltip: Callable[[Any], str] | None = None


def _display(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "date" and isinstance(value, date):
        return date_style.shown(value)
    if kind == "money" and isinstance(value, int):
        return f"¥{value:,}"
    if kind == "int" and isinstance(value, int):
        return f"{value:,}"
    if kind == "bool":
        return "○" if value else ""
    return str(value)


def _sort_key(kind: str, value: Any) -> Any:
    if kind in ("int", "money", "bool"):
        return float("inf") if value is None else float(value)
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else "~"
    return "\uffff" if value in (None, "") else str(value).casefold()


class RowsTableModel(QAbstractTableModel):
    """Rows (objects with an ``id``) shown through ``columns``."""

    def __init__(
        self, columns: Sequence[RowColumn], parent: QObject | None = None, *, context: str = ""
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._context = context or "RowsTableModel"
        self._rows: list[Any] = []
        self._given: list[Any] = []  # the rows in the order they came (no column sorted)
        self._sorted: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        # Filter texts by row object (kept while the row is shown: a view that shows
        # another subset of the same rows finds them made).
        self._haystacks: dict[int, tuple[Any, str]] = {}
        # The filter texts are made ahead, a slice at a time while the event loop is
        # idle, so that the first letter typed does not make 5,000 of them at once.
        self._warmed = 0
        self._warmer = QTimer(self)
        self._warmer.setInterval(0)
        self._warmer.timeout.connect(self._warm)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._given = list(rows)
        self._rows = self._in_order(self._given, *self._sorted)
        made = self._haystacks
        self._haystacks = {id(r): made[id(r)] for r in self._rows if id(r) in made}
        self.endResetModel()
        self._warmed = 0
        if len(self._rows) > WARM_SLICE:
            self._warmer.start()

    def _warm(self) -> None:
        end = min(self._warmed + WARM_SLICE, len(self._rows))
        for n in range(self._warmed, end):
            self._haystack(n)
        self._warmed = end
        if end >= len(self._rows):
            self._warmer.stop()

    def _in_order(self, rows: list[Any], column: int, order: Qt.SortOrder) -> list[Any]:
        if not 0 <= column < len(self.columns):
            return list(rows)
        kind, value = self.columns[column].kind, self.columns[column].value
        keys = [_sort_key(kind, value(r)) for r in rows]
        ranked = sorted(range(len(rows)), key=keys.__getitem__,
                        reverse=order == Qt.SortOrder.DescendingOrder)  # fmt: skip
        return [rows[i] for i in ranked]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Rows by ``column`` (-1: as given), stable; the selection moves with its row.
        The rows are always in the last order asked for (set_rows keeps it): asking
        again changes nothing."""
        if (column, order) == self._sorted:
            return
        self._sorted = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = {id(r): n for n, r in enumerate(self._rows)}
        self._rows = self._in_order(self._given, column, order)
        where = [0] * len(self._rows)
        for n, r in enumerate(self._rows):
            where[before[id(r)]] = n
        persistent = self.persistentIndexList()
        moved = [self.index(where[i.row()], i.column()) if i.row() < len(where) else i
                 for i in persistent]  # fmt: skip
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _haystack(self, n: int) -> str:
        row = self._rows[n]
        made = self._haystacks.get(id(row))
        if made is not None and made[0] is row:
            return made[1]
        text = "\t".join(_display(c.kind, c.value(row)) for c in self.columns)
        self._haystacks[id(row)] = (row, text)
        return text

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_object(self, row: int) -> Any:
        return self._rows[row]

    def row_for_id(self, record_id: Any) -> int | None:
        for n, r in enumerate(self._rows):
            if r.id == record_id:
                return n
        return None

    # --- QAbstractTableModel -----------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.columns)
        ):
            return QCoreApplication.translate(self._context, self.columns[section].header)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        role = int(role)
        if role == FILTER_ROLE:
            return self._haystack(index.row())
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(column.kind, column.value(row))
        if role == ID_ROLE:
            return row.id
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return _sort_key(column.kind, column.value(row))
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind in ("int", "money"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            level = self._alert(row)
            if level is None:
                return None
            background, foreground = ALERT_COLORS[level]
            return QBrush(background if role == Qt.ItemDataRole.BackgroundRole else foreground)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row) or None
        return None

    def alert_of(self, row: int) -> str | None:
        return self._alert(self._rows[row])

    def _alert(self, row: Any) -> str | None:
        levels = [c.alert(row) for c in self.columns if c.alert is not None]
        for level in ("error", "warn", "muted"):
            if level in levels:
                return level
        return None


class _FilterOnly(QSortFilterProxyModel):
    """Filters; sorting is passed to the source model (the module docstring)."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if source is not None:
            source.sort(column, order)


class RowsTableView(SilentSelection):
    """Sortable, filterable; emits ``record_chosen(id)`` when the user moves to a row
    and ``record_activated(id)`` on double-click / Enter."""

    record_chosen = Signal(object)
    record_activated = Signal(object)

    def __init__(self, model: RowsTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = model
        self.proxy = _FilterOnly(self)
        self.proxy.setSourceModel(model)
        self.proxy.setFilterRole(FILTER_ROLE)
        self.proxy.setFilterKeyColumn(0)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setModel(self.proxy)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # keep the service's order
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        self.activated.connect(self._activated)

    def set_filter_text(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())

    def shown_count(self) -> int:
        return self.proxy.rowCount()

    def select_id(self, record_id: Any) -> bool:
        """Select the row of ``record_id`` without emitting ``record_chosen``."""
        row = self.source.row_for_id(record_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.source.index(row, 0))
        if not index.isValid():
            return False
        with self.silently():
            self.selectRow(index.row())
            self.setCurrentIndex(index)
        self.scrollTo(index)
        return True

    def selected_id(self) -> Any:
        index = self.selectionModel().currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def fit_columns(self, limits: Sequence[int], stretch: int = 0) -> None:
        """Columns sized to their content up to ``limits`` (pixels, in column order);
        the ``stretch`` column (the record's name) takes the spare width."""
        from app.ui.layout_memory import ColumnFitter

        self.fitter = ColumnFitter(self, limits, stretch)

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        fitter = getattr(self, "fitter", None)
        if fitter is not None:
            fitter.fill()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._silent and current.isValid():
            self.record_chosen.emit(current.data(ID_ROLE))

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.record_activated.emit(index.data(ID_ROLE))
