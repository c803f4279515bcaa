"""The レポート tab of the 棚卸 view: missing assets, unknown tags, assets found in the
wrong place or outside the scope, and 「CSVに保存」 (UTF-8 with BOM, for Excel).

The report is read in a background job (when the tab is shown, on 「更新」, and after a
write touching scans, assets or stock-takes while it is on screen); tables are thin
models over the rows, so 50,000 missing assets show at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.services.inventory.stocktake_report import (
    ReportRow,
    StocktakeReport,
    session_report,
    write_report_csv,
)
from app.store.changes import Changes
from app.ui import date_style
from app.ui.context import AppContext
from app.ui.widgets.styles import ERROR_STYLE, OK_STYLE

log = logging.getLogger("hitori.ui.stocktake")
Index = QModelIndex | QPersistentModelIndex
Column = tuple[str, Callable[[Any], Any]]

ASSET_COLUMNS: list[Column] = [
    ("資産管理番号", lambda r: r.asset_tag),
    ("名称", lambda r: r.name),
    ("台帳の設置場所", lambda r: r.location_name),
    ("利用者", lambda r: r.user_name),
    ("最終棚卸日", lambda r: date_style.shown(r.last_audited_on)),
]
SEEN_COLUMNS: list[Column] = [*ASSET_COLUMNS[:3], ("読取場所", lambda r: r.seen_location_name)]
TAG_COLUMNS: list[Column] = [("読み取った番号", lambda tag: tag)]


def _save_csv(session: Session, session_id: int, path: Path) -> int:
    return write_report_csv(session_report(session, session_id), path)


class ReportTableModel(QAbstractTableModel):
    """Read-only rows shown through (header, getter) columns."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("StocktakeReport", self._columns[section][0])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        if not 0 <= index.row() < len(self._rows):
            return None
        value = self._columns[index.column()][1](self._rows[index.row()])
        return "" if value is None else str(value)


class StocktakeReportPanel(QWidget):
    """The report of one stock-take; ``show_session`` picks it, ``refresh`` re-reads it."""

    loaded = Signal(object)  # the StocktakeReport shown
    csv_saved = Signal(str, int)  # path, data rows
    # What the report is made of (the in-scope assets are read as they are now).
    shows = frozenset({"stocktake", "stocktake_scan", "asset", "location"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._session_id: int | None = None
        self._session_name = ""
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.refresh_button = QPushButton(self.tr("更新"), self)
        self.csv_button = QPushButton(self.tr("CSVに保存"), self)
        self.csv_button.setToolTip(self.tr("Excelで開けるCSV（UTF-8 BOM付き）で保存します"))
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.missing_model = ReportTableModel(ASSET_COLUMNS, self)
        self.unknown_model = ReportTableModel(TAG_COLUMNS, self)
        self.wrong_model = ReportTableModel(SEEN_COLUMNS, self)
        self.outside_model = ReportTableModel(ASSET_COLUMNS, self)
        self.tables = QTabWidget(self)
        for model in (self.missing_model, self.unknown_model, self.wrong_model, self.outside_model):
            self.tables.addTab(self._table(model), "")
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.csv_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.tables, 1)
        self.refresh_button.clicked.connect(self.refresh)
        self.csv_button.clicked.connect(self.save_csv)
        self._set_titles(None)
        self.show_session(None, "")
        ctx.jobs.watch(self, self.shows, self._data_changed)

    def show_session(self, session_id: int | None, name: str) -> None:
        """Show the report of ``session_id`` (None: nothing) — read on the next refresh."""
        self._ctx.jobs.drop(self, "report")  # the report of another one is not shown
        self._session_id, self._session_name = session_id, name
        for model in (self.missing_model, self.unknown_model, self.wrong_model, self.outside_model):
            model.set_rows([])
        self._set_titles(None)
        self.summary.setText(
            self.tr("「更新」でレポートを作ります。")
            if session_id
            else self.tr("棚卸を選択してください。")
        )
        self.message.clear()
        self.message.setVisible(False)
        self.refresh_button.setEnabled(session_id is not None)
        self.csv_button.setEnabled(session_id is not None)

    def refresh(self) -> None:
        if self._session_id is None:
            return
        self.summary.setText(self.tr("集計中…"))
        self._ctx.jobs.read(
            session_report,
            self._session_id,
            owner=self,
            key="report",
            on_result=self._show,
            on_error=lambda exc: self._failed(self.tr("レポートを作れませんでした"), exc),
            name="stocktake-report",
        )

    def save_csv(self) -> None:
        if self._session_id is None:
            return
        default = f"棚卸_{self._session_name}_{self._ctx.today():%Y%m%d}.csv"
        default = "".join("_" if c in '\\/:*?"<>|' else c for c in default)
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("棚卸レポートをCSVに保存"), default, self.tr("CSVファイル (*.csv)")
        )
        if not path:
            return
        target = Path(path)
        self.csv_button.setEnabled(False)
        self._ctx.jobs.read(
            _save_csv,
            self._session_id,
            target,
            owner=self,
            on_result=lambda rows: self._saved(target, rows),
            on_error=lambda exc: self._failed(self.tr("CSVに保存できませんでした"), exc),
            name="stocktake-csv",
        )

    # --- internals ---------------------------------------------------------------------

    def _table(self, model: ReportTableModel) -> QTableView:
        table = QTableView(self)
        table.setModel(model)
        table.setAlternatingRowColors(True)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setDefaultSectionSize(160)
        return table

    def _set_titles(self, report: StocktakeReport | None) -> None:
        counts = (
            (len(report.missing), len(report.unknown), len(report.wrong_location),
             len(report.out_of_scope))
            if report else ("-", "-", "-", "-")
        )  # fmt: skip
        titles = (
            self.tr("未確認"),
            self.tr("不明な番号"),
            self.tr("場所が違う"),
            self.tr("対象外"),
        )
        for index, (title, count) in enumerate(zip(titles, counts, strict=True)):
            self.tables.setTabText(index, f"{title}（{count}）")

    def _data_changed(self, _changes: Changes) -> None:
        if self.isVisible() and self._session_id is not None:
            self.refresh()

    def _show(self, report: StocktakeReport) -> None:
        self.missing_model.set_rows(report.missing)
        self.unknown_model.set_rows(report.unknown)
        self.wrong_model.set_rows(report.wrong_location)
        self.outside_model.set_rows(report.out_of_scope)
        self._set_titles(report)
        info = report.session
        scope = info.location_name or self.tr("全体")
        self.summary.setText(
            self.tr(
                "「{0}」（対象: {1}）　対象 {2:,} 件のうち {3:,} 件を確認、未確認 {4:,} 件"
            ).format(info.name, scope, report.expected, report.seen, len(report.missing))
        )
        self.loaded.emit(report)

    def _saved(self, path: Path, rows: int) -> None:
        self.csv_button.setEnabled(self._session_id is not None)
        self.message.setStyleSheet(OK_STYLE)
        self.message.setText(self.tr("保存しました: {0}（{1:,} 行）").format(path, rows))
        self.message.setVisible(True)
        self.csv_saved.emit(str(path), rows)

    def _failed(self, what: str, exc: BaseException) -> None:
        log.error("stocktake report: %s: %r", what, exc)
        self.csv_button.setEnabled(self._session_id is not None)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(f"{what}: {exc}")
        self.message.setVisible(True)


def report_row_tags(model: ReportTableModel) -> list[str]:
    """The asset tags (or scanned tags) a report table shows, in order (for tests)."""
    rows = [model.row_at(r) for r in range(model.rowCount())]
    return [r.asset_tag if isinstance(r, ReportRow) else str(r) for r in rows]
