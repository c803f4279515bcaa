"""The 資産台帳 view: filter bar, asset table, and the 詳細 / 変更履歴 tabs of the selection.

Rows are read in a background job the first time the view is shown. The view declares
the record kinds it shows (``shows``) and follows every write that touched one of them,
wherever it was made (app.ui.jobs): when a few assets changed, only their rows are read
again and updated in place, on screen or not; when many did, or a type, department,
location or custom field changed, every row is read again — at once when the ledger is
on screen, else when it is next shown — keeping the selected asset and the scroll
position.

A full load indexes, filters and sorts the rows in its job, as the table shows them
when the job starts (a sort or filter chosen meanwhile is applied after); the model
only swaps the result in, and the rows it replaces are freed by a worker in small
pieces, so the window never waits long (tests/bench/ledger_reload.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.services.inventory.assets import (
    AssetFilter,
    AssetRow,
    Lookups,
    load_asset_row,
    load_asset_rows,
    load_lookups,
)
from app.store.changes import Changes
from app.store.models import Asset
from app.ui.assets.columns import legend_html
from app.ui.assets.editor import AssetEditor
from app.ui.assets.filter_panel import AssetFilterPanel
from app.ui.assets.ledger_actions import LedgerActionsButton
from app.ui.assets.table_model import (
    AssetTableModel,
    PreparedRows,
    ShownAs,
    free_in_pieces,
    keep_unchanged,
    prepare_rows,
)
from app.ui.assets.table_view import AssetTableView
from app.ui.context import AppContext
from app.ui.layout_memory import remember_splitter
from app.ui.widgets.history_panel import HistoryPanel
from app.ui.widgets.unsaved import ask_first, unsaved_in

log = logging.getLogger("hitori.ui.assets")

# Up to this many changed assets only their rows are read again; more: every row.
FEW_ASSETS = 100
# Rows fetched at a time by a full load (see _fetch_in_partitions).
PARTITION = 1000


def _load_ledger(
    session: Session,
    shown_as: ShownAs,
    before: list[AssetRow],
    before_texts: list[str] | None,
) -> tuple[PreparedRows, Lookups]:
    """Every row, ready for the model, keeping the unchanged rows shown (worker thread)."""
    _fetch_in_partitions(session)
    try:
        rows = load_asset_rows(session)
        lookups = load_lookups(session)
        texts = keep_unchanged(rows, before, before_texts)
    finally:  # the job keeps its arguments: they must not keep the rows shown alive
        before.clear()
        if before_texts is not None:
            before_texts.clear()
    return prepare_rows(rows, shown_as, texts), lookups


def _fetch_in_partitions(session: Session) -> None:
    """Have SQLAlchemy turn fetched rows into Row objects PARTITION rows at a time.

    It does so in compiled code, which holds the GIL: the whole ledger at once froze
    the window for 25 ms while the rows were read."""
    event.listen(
        session,
        "do_orm_execute",
        lambda state: state.update_execution_options(yield_per=PARTITION),
    )


def _read_rows(session: Session, asset_ids: list[int]) -> dict[int, AssetRow | None]:
    """The rows of ``asset_ids`` as they are now (None: deleted)."""
    return {asset_id: load_asset_row(session, asset_id) for asset_id in asset_ids}


if TYPE_CHECKING:
    from app.ui.assets.bulk_edit_dialog import BulkEditDialog


class AssetLedgerView(QWidget):
    view_key = "assets"
    title = "資産台帳"
    # An asset opens in the editor; a department or location shows its assets.
    opens: ClassVar[frozenset[str]] = frozenset({"asset", "department", "location"})
    # What the rows, the filter choices and the editor's fields show.
    shows: ClassVar[frozenset[str]] = frozenset(
        {"asset", "asset_type", "department", "location", "custom_field"}
    )

    ready = Signal()  # the table has been (re)populated from the database
    row_refreshed = Signal(int)  # an asset's row was read again after a write

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._activated = False
        self._populated = False
        self._loading = False
        self._stale = False  # every row must be read again (when next shown)
        self._changed: set[int] = set()  # assets whose rows must be read again
        self._rereading: set[int] = set()  # ... and those being read
        self._installing = False
        self._pending_show: int | None = None
        self._selected_id: int | None = None  # the asset open in the editor
        self.filter_panel = AssetFilterPanel(self)
        self.new_button = QPushButton(self.tr("新規登録"), self)
        self.new_button.setToolTip(self.tr("新規登録 (Ctrl+N)"))
        self.duplicate_button = QPushButton(self.tr("複製"), self)
        self.duplicate_button.setToolTip(self.tr("選択中の資産を複製して新規登録 (Ctrl+D)"))
        self.duplicate_button.setEnabled(False)
        self.bulk_button = QPushButton(self.tr("一括変更…"), self)
        self.bulk_button.setToolTip(
            self.tr("選択した資産（Shift / Ctrl で複数選択）の項目をまとめて変更")
        )
        self.bulk_button.setEnabled(False)
        self.bulk_dialog: BulkEditDialog | None = None
        self.lists_button = QPushButton(self.tr("一覧の管理…"), self)
        self.lists_button.setToolTip(
            self.tr("種別・部署・設置場所・メーカーの追加・変更・統合・廃止")
        )
        self.reload_button = QPushButton(self.tr("再読み込み"), self)
        self.reload_button.setToolTip(self.tr("再読み込み (F5)"))
        self.count_label = QLabel(self)
        self.model = AssetTableModel(ctx.today(), parent=self)
        self.legend = QLabel(legend_html(self.model.warn_months), self)
        self.legend.setObjectName("legend")
        self.table = AssetTableView(self.model, self)
        self.actions_button = LedgerActionsButton(
            ctx, self.model.ids_in_view, self.table.selected_asset_ids, self.open_import, self
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
        self.splitter.setCollapsible(0, False)
        remember_splitter(self.splitter, ctx.settings, "assets/detail")
        self._lay_out()
        self._add_shortcut(QKeySequence(QKeySequence.StandardKey.New), self.new_asset)
        self._add_shortcut(QKeySequence(Qt.Key.Key_F5), self.reload)
        self._add_shortcut(QKeySequence("Ctrl+D"), self.duplicate_asset)
        self.new_button.clicked.connect(self.new_asset)
        self.duplicate_button.clicked.connect(self.duplicate_asset)
        self.bulk_button.clicked.connect(self.bulk_edit)
        self.lists_button.clicked.connect(self.manage_lists)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.reload_button.clicked.connect(self.reload)
        self.filter_panel.changed.connect(self._apply_filter)
        self.table.asset_chosen.connect(self._on_asset_chosen)
        self.model.modelReset.connect(self._after_reset)
        self.editor.loaded.connect(self._on_editor_loaded)
        self.editor.deleted.connect(self._on_deleted)
        ctx.jobs.watch(self, self.shows, self._data_changed)
        self._update_count()

    # --- called by the main window and the global search -------------------------------

    def activate(self) -> None:
        """Load the rows the first time the view is shown, and again when it is shown
        after a write that changed them."""
        if not self._activated or self._stale:
            self.reload()

    def reload(self) -> None:
        """Read every row again (in the background)."""
        self._activated = True
        self._loading = True
        self._stale = False
        # The job reads what every write announced so far committed.
        self._changed.clear()
        self._rereading.clear()
        self._ctx.jobs.drop(self, "changed-rows")
        self.count_label.setText(self.tr("読み込み中…"))
        self.reload_button.setEnabled(False)
        self._ctx.jobs.read(
            _load_ledger,
            self.model.shown_as(),
            *self.model.current_rows(),
            owner=self,
            key="rows",
            on_result=self._rows_loaded,
            on_error=self._load_failed,
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
        if asset_id != self._selected_id and self._ask_first(lambda: self.show_asset(asset_id)):
            return
        if self.model.contains_id(asset_id) and self.model.row_for_id(asset_id) is None:
            self.filter_panel.clear()
        self.tabs.setCurrentWidget(self.editor)
        self._open(asset_id)
        if not self.table.select_asset(asset_id):
            self._reread([asset_id])  # created since the rows were read

    def set_department_filter(self, department_id: int) -> None:
        self.filter_panel.set_department(department_id)
        self.activate()

    def set_location_filter(self, location_id: int) -> None:
        self.filter_panel.set_location(location_id)
        self.activate()

    def new_asset(self) -> None:
        """Open an empty form for a new asset."""
        if self._ask_first(self.new_asset):
            return
        self._open_new()

    def duplicate_asset(self) -> None:
        """A new asset's form filled from the selected one (a new tag, its identity
        fields empty); nothing is saved until 保存."""
        source = self.table.selected_asset_id()
        if source is None:
            return
        if self._ask_first(self.duplicate_asset):
            return
        self._open_new(copy_of=source)

    def _open_new(self, copy_of: int | None = None) -> None:
        """The editor's form for a new asset (a duplicate of ``copy_of``)."""
        self._set_selected(None)
        self.table.clear_selection_silently()
        self.tabs.setCurrentWidget(self.editor)
        self.history.show_record(Asset, None)
        self.editor.load(None, copy_of=copy_of)

    def bulk_edit(self) -> None:
        """一括変更 of the selected assets (after one confirmation naming how many)."""
        ids = self.table.selected_asset_ids()
        if len(ids) < 2 or self._ask_first(self.bulk_edit):
            return
        from app.ui.assets.bulk_edit_dialog import BulkEditDialog

        self.bulk_dialog = BulkEditDialog(self._ctx, ids, self)
        self.bulk_dialog.finished_with.connect(self._bulk_done)
        self.bulk_dialog.open()

    def _bulk_done(self, result: object) -> None:
        window = self.window()
        if isinstance(result, int) and isinstance(window, QMainWindow):
            window.statusBar().showMessage(
                self.tr("一括変更: {0} 件の資産を変更しました").format(f"{result:,}"), 10000
            )

    def manage_lists(self) -> None:
        from app.ui.assets.reference_lists_dialog import ReferenceListsDialog

        ReferenceListsDialog(self._ctx, self).open()

    def _selection_changed(self, *_args: object) -> None:
        self.bulk_button.setEnabled(len(self.table.selectionModel().selectedRows()) >= 2)

    def table_selected_id(self) -> int | None:
        return self.table.selected_asset_id()

    def open_import(self) -> None:
        """The import wizard; what it writes is announced, and the ledger follows."""
        from app.ui.assets.import_wizard import AssetImportWizard

        AssetImportWizard(self._ctx, self).open()

    # --- set-up ------------------------------------------------------------------------

    def _lay_out(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.new_button)
        bar.addWidget(self.duplicate_button)
        bar.addWidget(self.bulk_button)
        bar.addWidget(self.reload_button)
        bar.addWidget(self.actions_button)
        bar.addWidget(self.lists_button)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_panel)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.legend)

    def _add_shortcut(self, keys: QKeySequence, slot: object) -> None:
        action = QAction(self)
        action.setShortcut(keys)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)

    # --- following writes --------------------------------------------------------------

    def _data_changed(self, changes: Changes) -> None:
        if not self._activated:
            return  # the first load reads everything
        assets = changes.ids.get("asset", set())
        if (
            self._stale
            or changes.touches(self.shows - {"asset"})
            or ("asset" in changes.kinds and not assets)
            or len(self._changed | assets) > FEW_ASSETS
        ):
            self._stale = True  # every row is read again, now or when next shown
            self._changed.clear()
            if self.isVisible():
                self.reload()
            return
        self._changed |= assets
        if not self._loading:
            self._reread()  # cheap: done at once, on screen or not

    def _reread(self, asset_ids: Iterable[int] = ()) -> None:
        """Read the rows of the changed assets (and ``asset_ids``) again."""
        self._rereading |= self._changed.union(asset_ids)
        self._changed.clear()
        self._ctx.jobs.read(
            _read_rows,
            sorted(self._rereading),
            owner=self,
            key="changed-rows",  # a newer read takes over the ids of an older one
            on_result=self._rows_reread,
            on_error=self._reread_failed,
            name="reread-asset-rows",
        )

    def _rows_reread(self, rows: dict[int, AssetRow | None]) -> None:
        self._rereading.clear()
        gone = [asset_id for asset_id, row in rows.items() if row is None]
        if self.table_selected_id() in gone:
            # Clear first: removing the current row would make Qt move to a neighbour.
            self.table.clear_selection_silently()
        self.model.replace_rows(row for row in rows.values() if row is not None)
        self.model.remove_ids(gone)
        current = self.editor.current_id  # a new asset saved in the editor is added here
        if current is not None and rows.get(current) and self.table_selected_id() != current:
            self.table.select_asset(current)
        self._update_count()
        for asset_id in rows:
            self.row_refreshed.emit(asset_id)

    def _reread_failed(self, exc: BaseException) -> None:
        log.error("could not read changed assets again: %r", exc)
        self._rereading.clear()
        self._stale = True  # F5, or showing the ledger again, reads every row

    # --- loading -----------------------------------------------------------------------

    def _rows_loaded(self, result: tuple[PreparedRows, Lookups]) -> None:
        prepared, lookups = result
        self._loading = False
        scroll = self.table.verticalScrollBar().value()
        self._installing = True
        try:
            retired = self.model.install(prepared)
        finally:
            self._installing = False
        self._ctx.jobs.run(free_in_pieces, retired, name="free-asset-rows")
        self.filter_panel.set_lookups(lookups)
        self.editor.set_lookups(lookups)
        self._populated = True
        self.reload_button.setEnabled(True)
        self.table_stack.setCurrentWidget(self.table)
        self.table.restore_scroll(scroll)
        if self._selected_id is not None:
            self.table.select_asset(self._selected_id, scroll=False)
        self._update_count()
        pending, self._pending_show = self._pending_show, None
        if pending is not None:
            self.show_asset(pending)
        if self._changed:
            self._reread()  # announced while the job ran: perhaps read before they were
        self.ready.emit()

    def _load_failed(self, exc: BaseException) -> None:
        log.error("could not load assets: %r", exc)
        self._loading = False
        self.reload_button.setEnabled(True)
        message = self.tr("資産台帳を読み込めませんでした: {0}").format(exc)
        self.count_label.setText(message)
        self.loading_label.setText(message)

    # --- selection, filter, editor events ----------------------------------------------

    def _apply_filter(self, flt: AssetFilter) -> None:
        self.model.set_filter(flt)

    def _after_reset(self) -> None:
        if self._installing:
            return  # the scroll position is restored first, then the selection
        if self._selected_id is not None:
            self.table.select_asset(self._selected_id)
        self._update_count()

    def _on_asset_chosen(self, asset_id: int) -> None:
        if asset_id == self._selected_id:
            return
        if unsaved_in(self):
            # The row of what is being edited stays selected while the user is asked.
            previous_id = self._selected_id
            if previous_id is None or not self.table.select_asset(previous_id):
                self.table.clear_selection_silently()
            self._ask_first(lambda: self._choose(asset_id))
            return
        self._open(asset_id)

    def _choose(self, asset_id: int) -> None:
        """Open ``asset_id`` and select its row (after the user was asked)."""
        self._open(asset_id)
        self.table.select_asset(asset_id)

    def _open(self, asset_id: int) -> None:
        self._set_selected(asset_id)
        self.editor.load(asset_id)
        self.history.show_record(Asset, asset_id)

    def _on_editor_loaded(self, asset_id: int | None) -> None:
        """The editor shows ``asset_id``: after a choice here, or a new asset saved."""
        if asset_id is None or asset_id == self._selected_id:
            return
        self._set_selected(asset_id)
        self.history.show_record(Asset, asset_id)
        self.table.select_asset(asset_id)

    def _on_deleted(self, asset_id: int) -> None:
        """Deleted in the editor: nothing is selected (the row goes when it is read again)."""
        if self._selected_id == asset_id:
            # Clear first: removing the current row would make Qt move to a neighbour.
            self._set_selected(None)
            self.table.clear_selection_silently()
            self.history.show_record(Asset, None)

    def _set_selected(self, asset_id: int | None) -> None:
        self._selected_id = asset_id
        self.duplicate_button.setEnabled(asset_id is not None)
        self.model.pin(asset_id)  # so re-selecting after a sort/filter needs no fetch

    def _ask_first(self, retry: Callable[[], None]) -> bool:
        """True when unsaved input in this view must be settled first (then ``retry``)."""
        return ask_first(self, self, retry)

    def _update_count(self) -> None:
        if not self._populated:
            self.count_label.setText(self.tr("読み込み中…"))
            return
        self.count_label.setText(
            self.tr("表示 {0} 件 / 全 {1} 件").format(
                f"{self.model.shown_count():,}", f"{self.model.total_count():,}"
            )
        )
