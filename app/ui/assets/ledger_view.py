"""The 資産台帳 view: filter bar, asset table, and the 詳細 / 変更履歴 tabs of the selection.

Rows are read in a background job the first time the view is shown; after a save
or delete only the affected row is re-read and updated in place.
"""

from __future__ import annotations

import logging
from typing import ClassVar

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from app.progress import Progress
from app.services.assets import (
    AssetFilter,
    AssetRow,
    Lookups,
    load_asset_row,
    load_asset_rows,
    load_lookups,
)
from app.store.models import Asset
from app.ui.assets.editor import AssetEditor
from app.ui.assets.filter_panel import AssetFilterPanel
from app.ui.assets.ledger_actions import LedgerActionsButton
from app.ui.assets.table_model import AssetTableModel, search_texts
from app.ui.assets.table_view import AssetTableView
from app.ui.context import AppContext
from app.ui.widgets.discard import confirm_discard
from app.ui.widgets.history_panel import HistoryPanel

log = logging.getLogger("hitori.ui.assets")


def _load_rows(
    _p: Progress, sessions: sessionmaker[Session]
) -> tuple[list[AssetRow], list[str], Lookups]:
    with sessions() as session:
        rows = load_asset_rows(session)
        lookups = load_lookups(session)
    return rows, search_texts(rows), lookups


def _load_row(_p: Progress, sessions: sessionmaker[Session], asset_id: int) -> AssetRow | None:
    with sessions() as session:
        return load_asset_row(session, asset_id)


class AssetLedgerView(QWidget):
    view_key = "assets"
    title = "資産台帳"
    # An asset opens in the editor; a department or location shows its assets.
    opens: ClassVar[frozenset[str]] = frozenset({"asset", "department", "location"})

    ready = Signal()  # the table has been (re)populated from the database
    row_refreshed = Signal(int)  # one row was re-read after a save

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._activated = False
        self._populated = False
        self._generation = 0
        self._pending_show: int | None = None
        self._selected_id: int | None = None  # the asset open in the editor
        self.filter_panel = AssetFilterPanel(self)
        self.new_button = QPushButton(self.tr("新規登録"), self)
        self.new_button.setToolTip(self.tr("新規登録 (Ctrl+N)"))
        self.reload_button = QPushButton(self.tr("再読み込み"), self)
        self.reload_button.setToolTip(self.tr("再読み込み (F5)"))
        self.count_label = QLabel(self)
        self.model = AssetTableModel(ctx.today(), parent=self)
        self.table = AssetTableView(self.model, self)
        self.actions_button = LedgerActionsButton(
            ctx, self.model.ids_in_view, self.table_selected_id, self.open_import, self
        )
        self.loading_label = QLabel(self.tr("読み込み中…"), self)
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table_stack = QStackedWidget(self)
        self.table_stack.addWidget(self.loading_label)
        self.table_stack.addWidget(self.table)
        self.editor = AssetEditor(ctx, self)
        self.history = HistoryPanel(ctx, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.editor, self.tr("詳細"))
        self.tabs.addTab(self.history, self.tr("変更履歴"))
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.table_stack)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([960, 440])
        self._lay_out()
        self._add_shortcut(QKeySequence(QKeySequence.StandardKey.New), self.new_asset)
        self._add_shortcut(QKeySequence(Qt.Key.Key_F5), self.reload)
        self.new_button.clicked.connect(self.new_asset)
        self.reload_button.clicked.connect(self.reload)
        self.filter_panel.changed.connect(self._apply_filter)
        self.table.asset_chosen.connect(self._on_asset_chosen)
        self.model.modelReset.connect(self._after_reset)
        self.editor.saved.connect(self._on_saved)
        self.editor.deleted.connect(self._on_deleted)
        self._update_count()

    # --- called by the main window and the global search -------------------------------

    def activate(self) -> None:
        """Start loading rows the first time the view is shown."""
        if not self._activated:
            self._activated = True
            self.reload()

    def reload(self) -> None:
        """Read every row again (in the background)."""
        self._activated = True
        self._generation += 1
        generation = self._generation
        self.count_label.setText(self.tr("読み込み中…"))
        self.reload_button.setEnabled(False)
        self._ctx.jobs.run(
            _load_rows,
            self._ctx.db.sessions,
            on_result=lambda result: self._populate(generation, *result),
            on_error=lambda exc: self._load_failed(generation, exc),
            name="load-assets",
            # 50,000 rows are a few hundred thousand objects, which the collector would
            # walk several times while they are made, holding the GIL: about 30 ms more
            # of the window's longest stall during a reload (tests/bench/ledger_reload.py).
            quiet_gc=True,
        )

    def open_record(self, kind: str, record_id: int) -> None:
        if kind == "department":
            self.set_department_filter(record_id)
        elif kind == "location":
            self.set_location_filter(record_id)
        else:
            self.show_asset(record_id)

    def show_asset(self, asset_id: int) -> None:
        """Select ``asset_id`` (clearing filters that hide it) and open it in the editor."""
        if not self._populated:
            self._pending_show = asset_id
            self.activate()
            return
        if asset_id != self._selected_id and not self._confirm_discard():
            return
        if self.model.contains_id(asset_id) and self.model.row_for_id(asset_id) is None:
            self.filter_panel.clear()
        self.tabs.setCurrentWidget(self.editor)
        self._open(asset_id)
        if not self.table.select_asset(asset_id):
            self._refresh_row(asset_id)  # created since the rows were read

    def set_department_filter(self, department_id: int) -> None:
        self.filter_panel.set_department(department_id)
        self.activate()

    def set_location_filter(self, location_id: int) -> None:
        self.filter_panel.set_location(location_id)
        self.activate()

    def new_asset(self) -> None:
        """Open an empty form for a new asset."""
        if not self._confirm_discard():
            return
        self._set_selected(None)
        self.table.clear_selection_silently()
        self.tabs.setCurrentWidget(self.editor)
        self.history.show_record(Asset, None)
        self.editor.load(None)

    def table_selected_id(self) -> int | None:
        return self.table.selected_asset_id()

    def open_import(self) -> None:
        """The import wizard; the ledger reloads after a successful import."""
        from app.ui.assets.import_wizard import AssetImportWizard

        wizard = AssetImportWizard(self._ctx, self)
        wizard.imported.connect(lambda _result: self.reload())
        wizard.open()

    # --- set-up ------------------------------------------------------------------------

    def _lay_out(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.new_button)
        bar.addWidget(self.reload_button)
        bar.addWidget(self.actions_button)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_panel)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

    def _add_shortcut(self, keys: QKeySequence, slot: object) -> None:
        action = QAction(self)
        action.setShortcut(keys)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)

    # --- loading -----------------------------------------------------------------------

    def _populate(
        self, generation: int, rows: list[AssetRow], texts: list[str], lookups: Lookups
    ) -> None:
        if not shiboken6.isValid(self) or generation != self._generation:
            return
        self.model.set_rows(rows, texts)
        self.filter_panel.set_lookups(lookups)
        self.editor.set_lookups(lookups)
        self._populated = True
        self.reload_button.setEnabled(True)
        self.table_stack.setCurrentWidget(self.table)
        self._update_count()
        pending, self._pending_show = self._pending_show, None
        if pending is not None:
            self.show_asset(pending)
        self.ready.emit()

    def _load_failed(self, generation: int, exc: BaseException) -> None:
        if not shiboken6.isValid(self) or generation != self._generation:
            return
        log.error("could not load assets: %r", exc)
        self.reload_button.setEnabled(True)
        message = self.tr("資産台帳を読み込めませんでした: {0}").format(exc)
        self.count_label.setText(message)
        self.loading_label.setText(message)

    def _refresh_row(self, asset_id: int) -> None:
        """Re-read one row after it was saved and update the table in place."""
        self._ctx.jobs.run(
            _load_row,
            self._ctx.db.sessions,
            asset_id,
            on_result=lambda row: self._row_loaded(asset_id, row),
            name="load-asset-row",
        )

    def _row_loaded(self, asset_id: int, row: AssetRow | None) -> None:
        if not shiboken6.isValid(self):
            return
        if row is None:
            self.model.remove_id(asset_id)
        else:
            self.model.replace_row(row)  # adds it when new
            if asset_id == self._selected_id:
                self.table.select_asset(asset_id)
        self._update_count()
        self.row_refreshed.emit(asset_id)

    # --- selection, filter, editor events ----------------------------------------------

    def _apply_filter(self, flt: AssetFilter) -> None:
        self.model.set_filter(flt)

    def _after_reset(self) -> None:
        if self._selected_id is not None:
            self.table.select_asset(self._selected_id)
        self._update_count()

    def _on_asset_chosen(self, asset_id: int) -> None:
        if asset_id == self._selected_id:
            return
        if not self._confirm_discard():
            previous_id = self._selected_id
            if previous_id is None or not self.table.select_asset(previous_id):
                self.table.clear_selection_silently()
            return
        self._open(asset_id)

    def _open(self, asset_id: int) -> None:
        self._set_selected(asset_id)
        self.editor.load(asset_id)
        self.history.show_record(Asset, asset_id)

    def _on_saved(self, asset_id: int) -> None:
        self._set_selected(asset_id)
        self.history.show_record(Asset, asset_id)
        self._refresh_row(asset_id)

    def _on_deleted(self, asset_id: int) -> None:
        if self._selected_id == asset_id:
            # Clear first: removing the current row would make Qt move to a neighbour.
            self._set_selected(None)
            self.table.clear_selection_silently()
            self.history.show_record(Asset, None)
        self.model.remove_id(asset_id)
        self._update_count()

    def _set_selected(self, asset_id: int | None) -> None:
        self._selected_id = asset_id
        self.model.pin(asset_id)  # so re-selecting after a sort/filter needs no fetch

    def _confirm_discard(self) -> bool:
        return confirm_discard(self, self.editor)

    def _update_count(self) -> None:
        if not self._populated:
            self.count_label.setText(self.tr("読み込み中…"))
            return
        self.count_label.setText(
            self.tr("表示 {0} 件 / 全 {1} 件").format(
                f"{self.model.shown_count():,}", f"{self.model.total_count():,}"
            )
        )
