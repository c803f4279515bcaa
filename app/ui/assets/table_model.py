"""The asset ledger's Qt table model: a thin adapter over a list of AssetRow.

Sorting and filtering happen here on a list of row indexes rather than in a
QSortFilterProxyModel, whose Python ``lessThan``/``filterAcceptsRow`` callbacks cost
one Python call per comparison and are far too slow at 50,000 rows. Sort keys and
search texts are computed once per row and cached. Rows reach the view in chunks
through ``canFetchMore``/``fetchMore`` so it never lays out 50,000 rows at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush

from app import jdate
from app.services.assets import (
    AssetFilter,
    AssetRow,
    filter_rows,
    normalize_needle,
    row_search_text,
)
from app.ui.assets.columns import (
    COLUMNS,
    CTX,
    PROBLEM_COLORS,
    PROBLEM_NOTES,
    Column,
    lifecycle_problem,
)

_ROOT = QModelIndex()
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)

Index = QModelIndex | QPersistentModelIndex


def search_texts(rows: list[AssetRow]) -> list[str]:
    """The text-filter haystack of every row; slow-ish, so call it in a background job."""
    return [row_search_text(r) for r in rows]


class AssetTableModel(QAbstractTableModel):
    """Rows of the asset ledger, sorted and filtered through an index list."""

    IdRole = int(Qt.ItemDataRole.UserRole) + 1
    RowRole = int(Qt.ItemDataRole.UserRole) + 2

    def __init__(
        self,
        today: date,
        *,
        warn_months: int = 6,
        chunk: int = 2000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._today = today
        self._horizon = jdate.add_months(today, warn_months)
        self._warn_months = warn_months
        self._chunk = max(1, chunk)
        self._rows: list[AssetRow] = []
        self._pos_of_id: dict[int, int] = {}
        self._texts: list[str] | None = None
        self._keys: dict[int, list[Any]] = {}
        self._filter = AssetFilter()
        self._filtered: list[int] = []  # indexes into _rows, ascending
        self._order: list[int] = []  # _filtered in display order
        self._loaded = 0  # how many of _order the view has been given
        self._notifying = False  # inside endResetModel/endInsertRows/endRemoveRows
        self._pinned: int | None = None  # asset id kept fetched across resets
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._headers = [QCoreApplication.translate(CTX, c.header) for c in COLUMNS]
        self._brushes = {
            problem: (QBrush(background), QBrush(foreground))
            for problem, (background, foreground) in PROBLEM_COLORS.items()
        }

    # --- Qt model interface ------------------------------------------------------------

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else self._loaded

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._loaded < len(self._order)

    def fetchMore(self, parent: Index) -> None:
        # Not while a change is being announced: rows inserted from inside a
        # modelReset/rowsInserted handler would nest one change in another. The
        # view asks again once it needs more rows.
        if not self._notifying and self.canFetchMore(parent):
            self._expose(min(len(self._order), self._loaded + self._chunk))

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role != _DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < len(COLUMNS) else None
        return section + 1

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self._rows[self._order[index.row()]]
        column = COLUMNS[index.column()]
        if role == _DISPLAY:
            value = column.value(row)
            if column.is_date:
                return jdate.format_date(value, mode="seireki")
            return value
        if role == self.IdRole:
            return row.id
        if role == self.RowRole:
            return row
        if role in (_BACKGROUND, _FOREGROUND):
            problem = self._problem(row)
            if problem is None:
                return None
            return self._brushes[problem][0 if role == _BACKGROUND else 1]
        if role == _TOOLTIP:
            return self._tooltip(row, column)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column = column if 0 <= column < len(COLUMNS) else -1
        self._sort_order = order
        self.beginResetModel()
        self._order = self._sorted(self._filtered)
        self._loaded = self._initially_loaded()
        self._end(self.endResetModel)

    # --- the ledger's interface --------------------------------------------------------

    def set_rows(self, rows: list[AssetRow], texts: list[str] | None = None) -> None:
        """Replace every row; ``texts`` (from :func:`search_texts`) may be precomputed."""
        self.beginResetModel()
        self._rows = list(rows)
        self._pos_of_id = {r.id: n for n, r in enumerate(self._rows)}
        self._texts = list(texts) if texts is not None else None
        self._keys = {}
        self._refilter()
        self._end(self.endResetModel)

    def set_filter(self, flt: AssetFilter) -> None:
        self.beginResetModel()
        self._filter = flt
        self._refilter()
        self._end(self.endResetModel)

    def current_filter(self) -> AssetFilter:
        return self._filter

    def total_count(self) -> int:
        return len(self._rows)

    def shown_count(self) -> int:
        """Rows passing the filter (whether or not the view has fetched them yet)."""
        return len(self._order)

    def ids_in_view(self) -> list[int]:
        """Ids of every row passing the filter, in display order (fetched or not)."""
        rows = self._rows
        return [rows[p].id for p in self._order]

    def row_at(self, view_row: int) -> AssetRow:
        return self._rows[self._order[view_row]]

    def pin(self, asset_id: int | None) -> None:
        """Keep this asset's row fetched across sorts and filters (the selection), so
        the view can re-select it right after a reset without fetching more rows."""
        self._pinned = asset_id

    def contains_id(self, asset_id: int) -> bool:
        return asset_id in self._pos_of_id

    def row_for_id(self, asset_id: int) -> int | None:
        """The view row showing ``asset_id`` (fetching up to it), or None if filtered out."""
        pos = self._pos_of_id.get(asset_id)
        if pos is None:
            return None
        try:
            view_row = self._order.index(pos)
        except ValueError:
            return None
        if view_row >= self._loaded:
            rounded = (view_row // self._chunk + 1) * self._chunk
            self._expose(min(len(self._order), rounded))
        return view_row

    def replace_row(self, row: AssetRow) -> None:
        """Refresh one row after an edit; it keeps its place until the next sort or filter."""
        pos = self._pos_of_id.get(row.id)
        if pos is None:
            self.add_row(row)
            return
        self._rows[pos] = row
        for column, keys in self._keys.items():
            keys[pos] = COLUMNS[column].sort_key(row)
        if self._texts is not None:
            self._texts[pos] = row_search_text(row)
        view_row = self._view_row_of_pos(pos)
        if view_row is not None and view_row < self._loaded:
            last = len(COLUMNS) - 1
            self.dataChanged.emit(self.index(view_row, 0), self.index(view_row, last))

    def add_row(self, row: AssetRow) -> int:
        """Add a new row just after the rows the view has; returns its view row."""
        pos = len(self._rows)
        view_row = self._loaded
        self.beginInsertRows(_ROOT, view_row, view_row)
        self._rows.append(row)
        self._pos_of_id[row.id] = pos
        for column, keys in self._keys.items():
            keys.append(COLUMNS[column].sort_key(row))
        if self._texts is not None:
            self._texts.append(row_search_text(row))
        self._filtered.append(pos)
        self._order.insert(view_row, pos)
        self._loaded += 1
        self._end(self.endInsertRows)
        return view_row

    def remove_id(self, asset_id: int) -> None:
        pos = self._pos_of_id.get(asset_id)
        if pos is None:
            return
        view_row = self._view_row_of_pos(pos)
        if view_row is not None and view_row >= self._loaded:
            view_row = None  # not fetched into the view yet
        if view_row is not None:
            self.beginRemoveRows(_ROOT, view_row, view_row)
        del self._rows[pos]
        for keys in self._keys.values():
            del keys[pos]
        if self._texts is not None:
            del self._texts[pos]
        self._pos_of_id = {r.id: n for n, r in enumerate(self._rows)}
        self._filtered = [p - (p > pos) for p in self._filtered if p != pos]
        self._order = [p - (p > pos) for p in self._order if p != pos]
        if view_row is not None:
            self._loaded -= 1
            self._end(self.endRemoveRows)

    # --- internals ---------------------------------------------------------------------

    def _end(self, end_change: Callable[[], None]) -> None:
        self._notifying = True
        try:
            end_change()
        finally:
            self._notifying = False

    def _expose(self, count: int) -> None:
        if count <= self._loaded:
            return
        self.beginInsertRows(_ROOT, self._loaded, count - 1)
        self._loaded = count
        self._end(self.endInsertRows)

    def _initially_loaded(self) -> int:
        count = min(len(self._order), self._chunk)
        pos = self._pos_of_id.get(self._pinned) if self._pinned is not None else None
        view_row = None if pos is None else self._view_row_of_pos(pos)
        if view_row is not None and view_row >= count:
            count = min(len(self._order), (view_row // self._chunk + 1) * self._chunk)
        return count

    def _view_row_of_pos(self, pos: int) -> int | None:
        try:
            return self._order.index(pos)
        except ValueError:
            return None

    def _refilter(self) -> None:
        flt = self._filter
        if normalize_needle(flt.text) and self._texts is None:
            self._texts = search_texts(self._rows)
        kept = filter_rows(self._rows, flt, today=self._today, texts=self._texts)
        self._filtered = kept
        self._order = self._sorted(kept)
        self._loaded = self._initially_loaded()

    def _sort_keys(self, column: int) -> list[Any]:
        keys = self._keys.get(column)
        if keys is None:
            key = COLUMNS[column].sort_key
            keys = self._keys[column] = [key(r) for r in self._rows]
        return keys

    def _sorted(self, positions: list[int]) -> list[int]:
        if self._sort_column < 0:
            return list(positions)
        keys = self._sort_keys(self._sort_column)
        filled = [p for p in positions if keys[p] is not None]
        empty = [p for p in positions if keys[p] is None]
        filled.sort(key=keys.__getitem__, reverse=self._sort_order == Qt.SortOrder.DescendingOrder)
        return filled + empty

    def _problem(self, row: AssetRow) -> str | None:
        return lifecycle_problem(row, self._today, self._horizon)

    def _tooltip(self, row: AssetRow, column: Column) -> str | None:
        lines: list[str] = []
        if column.is_date:
            value = column.value(row)
            if value is not None:
                lines.append(jdate.format_date(value, mode="wareki"))
        problem = self._problem(row)
        if problem is not None:
            lines.append(
                QCoreApplication.translate(CTX, PROBLEM_NOTES[problem]).format(self._warn_months)
            )
        return "\n".join(lines) or None
