"""The asset table widget: column set-up, sorting, and selecting a row by asset id."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QWidget

from app.ui.assets.table_model import AssetTableModel
from app.ui.layout_memory import ColumnFitter
from app.ui.widgets.silent_selection import SilentSelection

# 資産管理番号 名称 種別 状態 区分 部署 設置場所 利用者 ホスト名 IP 保守終了日 (EOL stretches)
# The widest each column is made when fitted to its content; 名称 takes the spare width.
COLUMN_LIMITS = (130, 320, 150, 80, 170, 150, 150, 110, 150, 120, 170, 170)
NAME_COLUMN = 1


class AssetTableView(SilentSelection):
    """Emits ``asset_chosen(id)`` when the user moves to another row (not when code does)."""

    asset_chosen = Signal(int)

    def __init__(self, model: AssetTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several rows can be chosen (Shift / Ctrl) for 一括変更 and labels; the editor
        # shows the current row.
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        # Uniform row heights: a fixed section size means no per-row measuring.
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        self.fitter = ColumnFitter(self, COLUMN_LIMITS, NAME_COLUMN)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        self.selectionModel().currentRowChanged.connect(self._current_changed)

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        self.fitter.fill()

    def asset_model(self) -> AssetTableModel:
        model = self.model()
        assert isinstance(model, AssetTableModel)
        return model

    def select_asset(self, asset_id: int, *, scroll: bool = True) -> bool:
        """Select the row of ``asset_id`` without emitting ``asset_chosen``, and scroll
        to it (``scroll=False``: the scroll position stays, as after a reload)."""
        row = self.asset_model().row_for_id(asset_id)
        if row is None:
            return False
        index = self.asset_model().index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        auto_scroll = self.hasAutoScroll()  # a new current index scrolls to it
        self.setAutoScroll(auto_scroll and scroll)
        try:
            with self.silently():
                self.selectionModel().setCurrentIndex(index, flags)
        finally:
            self.setAutoScroll(auto_scroll)
        if scroll:
            self.scrollTo(index)
        return True

    def restore_scroll(self, value: int) -> None:
        """Scroll back to ``value`` of the vertical scroll bar after the model was reset
        (its range follows the rows at once, not at the next layout)."""
        self.updateGeometries()
        self.verticalScrollBar().setValue(value)

    def selected_asset_ids(self) -> list[int]:
        """The ids of every selected row, in the table's order."""
        rows = sorted(index.row() for index in self.selectionModel().selectedRows())
        model = self.asset_model()
        return [model.index(row, 0).data(AssetTableModel.IdRole) for row in rows]

    def selected_asset_id(self) -> int | None:
        index = self.selectionModel().currentIndex()
        return index.data(AssetTableModel.IdRole) if index.isValid() else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._silent and current.isValid():
            self.asset_chosen.emit(current.data(AssetTableModel.IdRole))
