"""The asset ledger's Qt table model: a thin adapter over a list of AssetRow.

Sorting and filtering happen here on a list of row indexes rather than in a
QSortFilterProxyModel, whose Python ``lessThan``/``filterAcceptsRow`` callbacks cost
one Python call per comparison and are far too slow at 50,000 rows. Sort keys and
search texts are computed once per row and cached. Rows reach the view in chunks
through ``canFetchMore``/``fetchMore`` so it never lays out 50,000 rows at once.

A reload does its heavy work in the loading job, off the main thread:
:func:`keep_unchanged` keeps the row objects that did not change, :func:`prepare_rows`
indexes, filters and sorts the rows as the table shows them
(:meth:`AssetTableModel.shown_as`, taken when the job starts), and :meth:`install`
only swaps that structure in. What it replaces is handed back, to be emptied by
:func:`free_in_pieces` in a worker: freeing 50,000 rows at once holds the GIL for
about 20 ms, and the window with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
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
from app.services.inventory.assets import (
    AssetFilter,
    AssetRow,
    filter_rows,
    normalize_needle,
    row_search_text,
)
from app.ui import date_style
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


# How many rows a worker frees at a time (about 0.2 ms each piece).
FREE_PIECE = 500


def search_texts(rows: list[AssetRow]) -> list[str]:
    """The text-filter haystack of every row; slow-ish, so call it in a background job."""
    return [row_search_text(r) for r in rows]


@dataclass(frozen=True, slots=True)
class ShownAs:
    """How the table shows its rows: the filter, the sort column (-1: none) and order."""

    today: date
    filter: AssetFilter
    sort_column: int
    sort_order: Qt.SortOrder


@dataclass(frozen=True, slots=True)
class PreparedRows:
    """Rows indexed, filtered and sorted for :meth:`AssetTableModel.install`."""

    rows: list[AssetRow]
    texts: list[str] | None
    pos_of_id: dict[int, int]
    keys: dict[int, list[Any]]  # sort keys by column: the sort column's, if any
    shown_as: ShownAs  # what ``filtered`` and ``order`` were made for
    filtered: list[int]  # indexes into rows passing the filter, ascending
    order: list[int]  # filtered in display order


def sorted_positions(
    keys: Sequence[Any] | None, positions: Iterable[int], descending: bool
) -> list[int]:
    """``positions`` ordered by ``keys[position]`` (stable; None keys last either way)."""
    if keys is None:
        return list(positions)
    filled = [p for p in positions if keys[p] is not None]
    empty = [p for p in positions if keys[p] is None]
    filled.sort(key=keys.__getitem__, reverse=descending)
    return filled + empty


def prepare_rows(
    rows: list[AssetRow], shown_as: ShownAs, texts: list[str] | None = None
) -> PreparedRows:
    """Everything the model needs to show ``rows`` as ``shown_as`` says; touches no Qt
    object, so it runs in the loading job. ``texts`` (from :func:`search_texts`) are
    made here when the filter has a keyword and none are given."""
    flt = shown_as.filter
    if texts is None and normalize_needle(flt.text):
        texts = search_texts(rows)
    keys: dict[int, list[Any]] = {}
    column = shown_as.sort_column
    if column >= 0:
        key = COLUMNS[column].sort_key
        keys[column] = [key(r) for r in rows]
    filtered = filter_rows(rows, flt, today=shown_as.today, texts=texts)
    descending = shown_as.sort_order == Qt.SortOrder.DescendingOrder
    return PreparedRows(
        rows=rows,
        texts=texts,
        pos_of_id={r.id: n for n, r in enumerate(rows)},
        keys=keys,
        shown_as=shown_as,
        filtered=filtered,
        order=sorted_positions(keys.get(column), filtered, descending),
    )


def keep_unchanged(
    rows: list[AssetRow], before: list[AssetRow], before_texts: list[str] | None
) -> list[str]:
    """Put back in ``rows`` the objects of ``before`` (the rows shown) that equal the rows
    just read, and return every row's search text, kept for those.

    Rows read with the collector paused (a loading job) are all young: its next pass
    walks each one still alive, holding the GIL (20-25 ms at 50,000 rows), and
    whatever they replace is freed. A row kept from before was walked long ago and
    frees nothing; one just read and not kept is freed here, one at a time."""
    where = {row.id: n for n, row in enumerate(before)}
    texts: list[str] = []
    for n, row in enumerate(rows):
        old = where.get(row.id)
        if old is not None and before[old] == row:
            rows[n] = before[old]
            texts.append(before_texts[old] if before_texts else row_search_text(row))
        else:
            texts.append(row_search_text(row))
    return texts


def free_in_pieces(_progress: object, retired: list[Any]) -> None:
    """Empty what :meth:`AssetTableModel.install` retired, FREE_PIECE items at a time,
    so that the thread freeing them gives the GIL back between pieces (a job: the
    first argument is its progress)."""

    def empty(container: Any) -> None:
        if isinstance(container, list):
            while container:
                del container[-FREE_PIECE:]
        elif isinstance(container, dict):
            for value in container.values():
                empty(value)
            container.clear()

    for container in retired:
        empty(container)
    retired.clear()


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
        self._notifying = False  # between begin… and end… of a change (and in its signals)
        self._pinned: int | None = None  # asset id kept fetched across resets
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._headers = [QCoreApplication.translate(CTX, c.header) for c in COLUMNS]
        self._brushes = {
            problem: (QBrush(background), QBrush(foreground))
            for problem, (background, foreground) in PROBLEM_COLORS.items()
        }

    # --- Qt model interface ------------------------------------------------------------

    @property
    def warn_months(self) -> int:
        """How far ahead a maintenance end is marked 「保守終了まで…以内」."""
        return self._warn_months

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else self._loaded

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._loaded < len(self._order)

    def fetchMore(self, parent: Index) -> None:
        # Not while a change is being made: rows inserted from inside a handler of
        # modelAboutToBeReset/modelReset/rowsAboutToBeInserted/… would nest one change
        # in another. The view asks again once it needs more rows.
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
                return date_style.shown(value)
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
        self._begin(self.beginResetModel)
        self._order = self._sorted(self._filtered)
        self._loaded = self._initially_loaded()
        self._end(self.endResetModel)

    # --- the ledger's interface --------------------------------------------------------

    def set_rows(self, rows: list[AssetRow], texts: list[str] | None = None) -> None:
        """Replace every row, here and now; ``texts`` (from :func:`search_texts`) may be
        precomputed. A reload prepares the rows in its job instead (:meth:`install`)."""
        prepared = prepare_rows(list(rows), self.shown_as(), list(texts) if texts else texts)
        self.install(prepared, keep_fetched=False)

    def shown_as(self) -> ShownAs:
        """How the rows are shown now: what a loading job prepares them for."""
        return ShownAs(self._today, self._filter, self._sort_column, self._sort_order)

    def current_rows(self) -> tuple[list[AssetRow], list[str] | None]:
        """Copies of the rows and their search texts, for :func:`keep_unchanged`."""
        return list(self._rows), None if self._texts is None else list(self._texts)

    def install(self, prepared: PreparedRows, *, keep_fetched: bool = True) -> list[Any]:
        """Swap in rows made by :func:`prepare_rows`, in one reset. A filter or sort
        chosen since they were prepared is applied to them here. With ``keep_fetched``
        the view keeps as many rows as it had fetched (so its scroll position holds).

        Returns the containers replaced, for :func:`free_in_pieces` in a worker."""
        fetched = self._loaded if keep_fetched else 0
        retired: list[Any] = [
            self._rows, self._texts, self._keys, self._pos_of_id, self._filtered, self._order
        ]  # fmt: skip
        self._begin(self.beginResetModel)
        self._rows = prepared.rows
        self._texts = prepared.texts
        self._pos_of_id = prepared.pos_of_id
        self._keys = dict(prepared.keys)
        if prepared.shown_as.filter != self._filter:
            self._refilter()  # filtered otherwise while they were prepared
        else:
            self._filtered = prepared.filtered
            if prepared.shown_as == self.shown_as():
                self._order = prepared.order
            else:  # sorted otherwise while they were prepared
                self._order = self._sorted(self._filtered)
            self._loaded = self._initially_loaded()
        self._loaded = max(self._loaded, min(fetched, len(self._order)))
        self._end(self.endResetModel)
        return [container for container in retired if container]

    def set_filter(self, flt: AssetFilter) -> None:
        self._begin(self.beginResetModel)
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
            if self._notifying:  # no rows inserted while a change is announced
                return None
            rounded = (view_row // self._chunk + 1) * self._chunk
            self._expose(min(len(self._order), rounded))
        return view_row

    def replace_row(self, row: AssetRow) -> None:
        """Refresh one row after an edit; it keeps its place until the next sort or filter."""
        self.replace_rows([row])

    def replace_rows(self, rows: Iterable[AssetRow]) -> None:
        """Refresh rows read again (new ones are added after the fetched rows); they
        keep their places until the next sort or filter."""
        changed: set[int] = set()
        for row in rows:
            pos = self._pos_of_id.get(row.id)
            if pos is None:
                self.add_row(row)
                continue
            self._rows[pos] = row
            for column, keys in self._keys.items():
                keys[pos] = COLUMNS[column].sort_key(row)
            if self._texts is not None:
                self._texts[pos] = row_search_text(row)
            changed.add(pos)
        last = len(COLUMNS) - 1
        for view_row in self._fetched_view_rows(changed):
            self.dataChanged.emit(self.index(view_row, 0), self.index(view_row, last))

    def add_row(self, row: AssetRow) -> int:
        """Add a new row just after the rows the view has; returns its view row."""
        pos = len(self._rows)
        view_row = self._loaded
        self._begin(self.beginInsertRows, _ROOT, view_row, view_row)
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
        self.remove_ids([asset_id])

    def remove_ids(self, asset_ids: Iterable[int]) -> None:
        """Remove the rows of assets that are gone, in one pass however many they are."""
        gone = {pos for i in asset_ids if (pos := self._pos_of_id.get(i)) is not None}
        if not gone:
            return
        # The view's rows first, last to first, while every position is still valid.
        for view_row in reversed(self._fetched_view_rows(gone)):
            self._begin(self.beginRemoveRows, _ROOT, view_row, view_row)
            del self._order[view_row]
            self._loaded -= 1
            self._end(self.endRemoveRows)
        # Then the rows, renumbering the positions after them.
        first = min(gone)
        renumbered = list(range(first))
        kept = first
        for pos in range(first, len(self._rows)):
            renumbered.append(-1 if pos in gone else kept)
            kept += pos not in gone
        for pos in sorted(gone, reverse=True):
            del self._pos_of_id[self._rows[pos].id]
            del self._rows[pos]
            for keys in self._keys.values():
                del keys[pos]
            if self._texts is not None:
                del self._texts[pos]
        for pos in range(first, len(self._rows)):
            self._pos_of_id[self._rows[pos].id] = pos
        self._filtered = [n for p in self._filtered if (n := renumbered[p]) >= 0]
        self._order = [n for p in self._order if (n := renumbered[p]) >= 0]

    # --- internals ---------------------------------------------------------------------

    def _begin(self, begin_change: Callable[..., None], *args: Any) -> None:
        self._notifying = True  # until _end: handlers of both signals may ask for rows
        begin_change(*args)

    def _end(self, end_change: Callable[[], None]) -> None:
        try:
            end_change()
        finally:
            self._notifying = False

    def _expose(self, count: int) -> None:
        if count <= self._loaded:
            return
        self._begin(self.beginInsertRows, _ROOT, self._loaded, count - 1)
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

    def _fetched_view_rows(self, positions: set[int]) -> list[int]:
        """The fetched view rows showing ``positions``, ascending (one pass for many)."""
        if len(positions) == 1:
            view_row = self._view_row_of_pos(next(iter(positions)))
            return [view_row] if view_row is not None and view_row < self._loaded else []
        fetched = self._order[: self._loaded]
        return [view_row for view_row, pos in enumerate(fetched) if pos in positions]

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
        column = self._sort_column
        keys = self._sort_keys(column) if column >= 0 else None
        return sorted_positions(keys, positions, self._sort_order == Qt.SortOrder.DescendingOrder)

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
