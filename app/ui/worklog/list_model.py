"""The work-log list as a table model that reads its rows a page at a time.

Qt asks ``canFetchMore`` / ``fetchMore`` when the user scrolls near the end; the model
then asks for the next page (``page_wanted``, answered by the view with a background
read) and appends it. 200,000 entries are never held at once unless scrolled through.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from app.services.worklog.listing import WorklogRow
from app.ui import date_style

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("作業日", "分類", "件名", "時間", "業務システム", "資産", "作業者")


def _minutes(value: int | None) -> str:
    if value is None:
        return ""
    hours, minutes = divmod(value, 60)
    return f"{hours}時間{minutes:02d}分" if hours else f"{minutes}分"


class WorklogListModel(QAbstractTableModel):
    page_wanted = Signal(object)  # the (作業日, id) after which the next page starts

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[WorklogRow] = []
        self._more = False
        self._asked = False  # a page was asked for and has not come yet

    def reset(self, rows: list[WorklogRow], more: bool) -> None:
        self.beginResetModel()
        self._rows, self._more, self._asked = list(rows), more, False
        self.endResetModel()

    def append(self, rows: list[WorklogRow], more: bool) -> None:
        self._asked = False
        self._more = more
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def row_at(self, row: int) -> WorklogRow:
        return self._rows[row]

    def row_of(self, entry_id: int) -> int | None:
        return next((n for n, r in enumerate(self._rows) if r.id == entry_id), None)

    def has_more(self) -> bool:
        return self._more

    # --- QAbstractTableModel -----------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values: tuple[Any, ...] = (
                date_style.shown(r.occurred_on), r.category, r.title, _minutes(r.minutes),
                r.system, r.asset, r.actor,
            )  # fmt: skip
            return values[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 2:
            return r.title
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 3:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._asked and bool(self._rows)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._asked = True
            last = self._rows[-1]
            key: tuple[date, int] = (last.occurred_on, last.id)
            self.page_wanted.emit(key)
