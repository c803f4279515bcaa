"""The main window: navigation between the areas, the global search, status bar.

It runs no query itself: each view reads its own data in background jobs and reloads
when a write it shows is announced (app.ui.jobs).

Start-up builds the first view only, and starts its data job before anything else of
the window is made, so that the query runs while the window is built. The other areas
are declared lightly (``_Area``: the navigation shows their titles from the start); an
area's view — and the modules it is made of — is built the first time it is needed, or
in the event loop's idle turns once the first view is on screen, one area per turn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QByteArray, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.gc_pause import gc_paused
from app.store.models import (
    Checklist,
    ChecklistProgress,
    Runbook,
    RunbookStep,
)
from app.ui import date_style
from app.ui.context import AppContext
from app.ui.layout_memory import first_size, remember_splitter
from app.ui.main_menu import QUICK_ENTRY_KEYS, build_menus
from app.ui.views.base import View
from app.ui.views.dashboard import DashboardView

if TYPE_CHECKING:
    from app.ui.assets.ledger_view import AssetLedgerView
    from app.ui.demo_environment import DemoOpener
    from app.ui.inventory.area import InventoryArea
    from app.ui.notices.area import NoticesArea
    from app.ui.search_panel import SearchDialog
    from app.ui.widgets.unsaved import UnsavedInput
    from app.ui.worklog.view import WorklogView

STYLE = """
QLabel#viewHeading { font-size: 16pt; font-weight: bold; padding: 4px 0; }
QLabel#card { background: #eef3f8; border: 1px solid #c9d6e3; border-radius: 6px; padding: 8px; }
QLabel#warning { background: #f4f4f4; border: 1px solid #d0d0d0; border-radius: 6px; padding: 8px; }
QLabel#warning[alert="true"] { background: #fff3e0; border: 1px solid #f0a040; }
QListWidget#nav { font-size: 11pt; }
QListWidget#nav::item { padding: 8px 10px; }
"""


@dataclass
class _Area:
    """An area of the window as the navigation knows it before its view exists."""

    key: str
    title: str
    view_class: Callable[[], type[View]]  # imports the view's module (for ``opens``)
    build: Callable[[], View]
    view: View | None = None  # once built


def _inventory_class() -> type[View]:
    from app.ui.inventory.area import InventoryArea

    return InventoryArea


def _worklog_class() -> type[View]:
    from app.ui.worklog.view import WorklogView

    return WorklogView


def _notices_class() -> type[View]:
    from app.ui.notices.area import NoticesArea

    return NoticesArea


def _not_built_class() -> type[View]:
    from app.ui.views.not_built import NotBuiltView

    return NotBuiltView


class MainWindow(QMainWindow):
    view_ready = Signal(str)
    # Every area's view is built (after the first view was shown, in idle turns).
    views_built = Signal()
    # Made with the menus (app.ui.main_menu).
    record_work_action: QAction
    nav_action: QAction
    date_actions: QActionGroup

    def __init__(self, ctx: AppContext, *, data_dir_text: str) -> None:
        super().__init__()
        self.ctx = ctx
        # The first view, and its data job, before anything else: the query runs in
        # the background while the rest of the window is built.
        self.dashboard = DashboardView(ctx)
        self.dashboard.activate()
        saved_style = ctx.settings.value(date_style.SETTING)
        if isinstance(saved_style, str) and saved_style in date_style.STYLES:
            date_style.set_date_style(saved_style)
        demo = ctx.db.data_dir.is_demo
        title = self.tr("ひとり情シス手帳 — Hitori")
        self.setWindowTitle(title + (self.tr("［デモ環境］") if demo else ""))
        self.setStyleSheet(STYLE)
        self._areas = self._declare_areas()
        self._areas[0].view = self.dashboard
        self._search_dialog: SearchDialog | None = None
        self._to_build: list[int] = []  # rows whose views are built in idle turns
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setMinimumWidth(120)
        self.stack = QStackedWidget()
        for area in self._areas:
            self.nav.addItem(QListWidgetItem(area.title))
        self._wire(self._areas[0])
        self.nav.setCurrentRow(0)  # before _switch is connected: the dashboard is loading
        self.nav.currentRowChanged.connect(self._switch)
        # The navigation follows the page shown, however it was brought to the front
        # (an editor with unsaved input is shown before the user is asked about it).
        self.stack.currentChanged.connect(self._follow_stack)
        self._closing = False  # unsaved input was settled: the window may close
        self._settling_in_close = False  # closeEvent is asking about unsaved input
        self._settled_in_close = False  # … and every answer came at once
        # A backup to restore once the window has closed (app.ui.app_main reopens it).
        self._pending_restore: Path | None = None
        self.restore_request: Path | None = None
        self._demo_opener: DemoOpener | None = None
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.demo_banner: QLabel | None = None
        if demo:
            from app.ui.demo_environment import BANNER_STYLE, banner_text

            self.demo_banner = QLabel(banner_text(ctx.db.data_dir))
            self.demo_banner.setObjectName("demoBanner")
            self.demo_banner.setWordWrap(True)
            self.demo_banner.setStyleSheet(BANNER_STYLE)
            column.addWidget(self.demo_banner)
        # The navigation can be narrowed or collapsed (drag its edge) for a small screen.
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("navSplitter")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setCollapsible(0, True)
        self.splitter.setCollapsible(1, False)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([170, 1200])
        remember_splitter(self.splitter, ctx.settings, "main/nav")
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.dashboard.open_warnings.connect(self.show_warnings)
        self.dashboard.open_area.connect(self.open_area)
        self.dashboard.load_demo_requested.connect(self.open_demo)
        self._build_toolbar()
        build_menus(self)
        status = QLabel(self.tr("データ: {0}").format(data_dir_text))
        status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addPermanentWidget(status)
        self._restore_geometry()
        self.view_ready.connect(self._first_view_ready)

    def _declare_areas(self) -> list[_Area]:
        ctx = self.ctx

        def not_built(key: str, title: str, text: str, models: list[tuple[str, type]]) -> _Area:
            def build() -> View:
                from app.ui.views.not_built import NotBuiltView

                return NotBuiltView(ctx, key, title, text, models)

            return _Area(key, title, _not_built_class, build)

        def inventory() -> View:
            from app.ui.assets.ledger_view import AssetLedgerView
            from app.ui.inventory.area import InventoryArea

            return InventoryArea(ctx, AssetLedgerView(ctx))

        return [
            _Area("dashboard", self.tr("ダッシュボード"), lambda: DashboardView,
                  lambda: self.dashboard),
            _Area("assets", self.tr("資産台帳"), _inventory_class, inventory),
            _Area("worklog", self.tr("作業ログ"), _worklog_class, lambda: _worklog_class()(ctx)),
            _Area("notices", self.tr("通知・法令"), _notices_class, lambda: _notices_class()(ctx)),
            not_built(
                "runbooks", self.tr("手順書・引継ぎ"),
                self.tr("手順書と、異動時の事務引継書（PDF）を作る画面です。"),
                [(self.tr("手順書"), Runbook), (self.tr("手順"), RunbookStep)],
            ),
            not_built(
                "checklists", self.tr("チェックリスト"),
                self.tr("標準化（20業務×40手順）とガバメントクラウド移行の進捗を扱う画面です。"),
                [(self.tr("チェックリスト"), Checklist), (self.tr("進捗"), ChecklistProgress)],
            ),
        ]  # fmt: skip

    # --- the areas' views ---------------------------------------------------------------

    def _wire(self, area: _Area) -> None:
        view = cast("View", area.view)
        self.stack.addWidget(view)
        view.ready.connect(lambda key=area.key: self.view_ready.emit(key))
        view.record_requested.connect(self.open_record)

    def _view(self, row: int) -> View:
        """The view of the area in ``row``, built the first time it is asked for."""
        area = self._areas[row]
        if area.view is None:
            area.view = area.build()
            self._wire(area)
        return area.view

    @property
    def view_keys(self) -> list[str]:
        """The areas' keys, in navigation order (nothing is built)."""
        return [area.key for area in self._areas]

    @property
    def views(self) -> list[View]:
        """Every area's view, in navigation order (builds those not built yet)."""
        return [self._view(row) for row in range(len(self._areas))]

    @property
    def inventory(self) -> InventoryArea:
        return cast("InventoryArea", self._view(self.view_keys.index("assets")))

    @property
    def assets(self) -> AssetLedgerView:
        return cast("AssetLedgerView", self.inventory.assets)

    @property
    def search_dialog(self) -> SearchDialog:
        """The global search's dialog, made the first time it is needed."""
        if self._search_dialog is None:
            from app.ui.search_panel import SearchDialog

            # No parent: a window of its own that does not stay above this one; it is
            # closed with the main window (closeEvent).
            self._search_dialog = SearchDialog(self.ctx)
            self._search_dialog.record_requested.connect(self.open_record)
        return self._search_dialog

    def _first_view_ready(self, _key: str) -> None:
        """The first view is on screen: build the other areas in the idle turns that
        follow, so that the first visit of an area does not wait for its modules."""
        self.view_ready.disconnect(self._first_view_ready)
        self._to_build = [row for row, area in enumerate(self._areas) if area.view is None]
        QTimer.singleShot(0, self, self._build_next_area)

    def _build_next_area(self) -> None:
        if not self._to_build:
            self.views_built.emit()
            return
        row = self._to_build.pop(0)
        QTimer.singleShot(0, self, self._build_next_area)  # goes on even if this one fails
        # No collection while a burst of long-lived widgets is made: walking them
        # again and again as they are made would only stall the turn.
        with gc_paused():
            self._view(row)

    # --- layout pieces ---------------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("検索"))
        bar.setObjectName("searchBar")
        bar.setMovable(False)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(self.tr("全体を検索（Ctrl+K）"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaximumWidth(420)
        self.search_box.returnPressed.connect(self.open_search)
        bar.addWidget(self.search_box)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        focus = QAction(self.tr("検索"), self)
        focus.setShortcut(QKeySequence("Ctrl+K"))
        focus.triggered.connect(self.focus_search)
        self.addAction(focus)

    def set_date_style(self, style: str) -> None:
        """Show dates as 西暦, 和暦 or both, in every view from now on (kept)."""
        date_style.set_date_style(style)
        self.ctx.settings.setValue(date_style.SETTING, style)
        for widget in self.findChildren(QWidget):
            reload = getattr(widget, "reload", None)
            if callable(reload) and hasattr(widget, "view_key") and widget.isVisible():
                reload()
        for action in self.date_actions.actions():
            action.setChecked(action.data() == style)

    def show_manual(self) -> None:
        from app.ui.help_dialogs import ManualDialog

        ManualDialog(self).show()

    def show_about(self) -> None:
        from app.ui.help_dialogs import AboutDialog

        AboutDialog(self.ctx, self).show()

    def _on_ledger(self, act: Callable[[AssetLedgerView], None]) -> None:
        """Bring the asset ledger to the front, then ``act`` on it (File menu commands)."""
        self.show_view("assets")
        self.inventory.show_tab("assets")
        act(self.assets)

    # --- navigation -----------------------------------------------------------------

    def show_navigation(self, shown: bool) -> None:
        """Show or collapse the navigation (its width is kept for when it comes back)."""
        sizes = self.splitter.sizes()
        if shown and sizes[0] == 0:
            self.splitter.setSizes([170, max(sizes[1] - 170, 400)])
        elif not shown and sizes[0] > 0:
            self.splitter.setSizes([0, sizes[0] + sizes[1]])
        self.ctx.settings.setValue("layout/main/nav", self.splitter.saveState())

    def _switch(self, row: int) -> None:
        if row < 0:
            return
        from app.ui.widgets.unsaved import is_quiet, settle, unsaved_in

        leaving = self.stack.currentWidget()
        view = self._view(row)
        if leaving is not None and leaving is not view and not is_quiet():
            editors = unsaved_in(leaving)
            if editors:  # stay on the page being left while the user is asked
                self._follow_stack(self.stack.currentIndex())
                settle(self, editors, lambda: self.nav.setCurrentRow(row))
                return
        self.stack.setCurrentWidget(view)
        self._quick_entry_keys(view)
        view.activate()

    def _quick_entry_keys(self, view: View) -> None:
        """Ctrl+N records work everywhere but where the page has a 新規登録 of its own."""
        action = getattr(self, "record_work_action", None)
        if action is not None:
            own_new = self._areas[self.view_keys.index("assets")].view is view
            action.setShortcuts(QUICK_ENTRY_KEYS[1:] if own_new else QUICK_ENTRY_KEYS)

    def record_work(self) -> None:
        """作業を記録: the work log's quick entry, over whatever view is shown."""
        worklog = cast("WorklogView", self._view(self.view_keys.index("worklog")))
        worklog.new_entry()

    def export_calendar(self) -> None:
        """期限を予定表に書き出す: from the 年間スケジュール tab, its 年度 the default."""
        self.show_view("worklog")
        worklog = cast("WorklogView", self._view(self.view_keys.index("worklog")))
        if self.stack.currentWidget() is worklog:  # not while unsaved input is settled
            worklog.tabs.setCurrentWidget(worklog.schedule)
            worklog.schedule.export_calendar()

    def _follow_stack(self, _index: int) -> None:
        shown = self.stack.currentWidget()
        row = next((r for r, area in enumerate(self._areas) if area.view is shown), -1)
        if row >= 0 and row != self.nav.currentRow():
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)

    def unsaved_editors(self) -> list[UnsavedInput]:
        """Every editor of the window with unsaved input (built views only)."""
        from app.ui.widgets.unsaved import unsaved_in

        found = [e for area in self._areas if area.view is not None for e in unsaved_in(area.view)]
        # Dialogs of their own (作業を記録) that hold input.
        for dialog in self.findChildren(QDialog):
            found += [e for e in unsaved_in(dialog) if e not in found]
        return found

    def show_view(self, key: str) -> None:
        if key not in self.view_keys:
            raise KeyError(key)
        row = self.view_keys.index(key)
        if self.nav.currentRow() == row:
            self._view(row).activate()  # already shown: refresh
        else:
            self.nav.setCurrentRow(row)  # _switch activates it

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def open_search(self) -> None:
        self.search_dialog.show()
        self.search_dialog.raise_()
        self.search_dialog.search(self.search_box.text())

    def open_record(self, kind: str, ref_id: int) -> None:
        """Open a record of any kind: in the view that declares it opens that kind
        (``View.opens``), else read-only in a RecordDialog made from its kind."""
        for row, area in enumerate(self._areas):
            if kind in area.view_class().opens:
                self.show_view(area.key)
                self._view(row).open_record(kind, ref_id)
                return
        from app.ui.widgets.record_dialog import RecordDialog

        dialog = RecordDialog(self.ctx, kind, ref_id, self)
        dialog.record_requested.connect(self.open_record)
        dialog.show()

    def open_area(self, view: str, tab: str = "") -> None:
        """A dashboard card's list: the view, and its tab when it has tabs."""
        self.show_view(view)
        if tab and view == "assets":
            self.inventory.show_tab(tab)
        elif view == "notices" and tab:
            # "regulations:lagging": that tab, showing only what the dashboard counted.
            area = cast("NoticesArea", self._view(self.view_keys.index("notices")))
            page, _, subset = tab.partition(":")
            area.show_tab(page)
            if subset:
                area.page(page).show_only(subset)
        elif view == "worklog" and tab:
            worklog = cast("WorklogView", self._view(self.view_keys.index("worklog")))
            page, _, fy = tab.partition(":")  # "schedule:2027": that 年度's schedule
            if page == "tasks":
                worklog.tabs.setCurrentWidget(worklog.tasks)
            elif page == "schedule":
                if fy and (at := worklog.schedule.year.findData(int(fy))) >= 0:
                    worklog.schedule.year.setCurrentIndex(at)
                worklog.tabs.setCurrentWidget(worklog.schedule)

    def show_warnings(self, kind: str | None = None) -> None:
        self.show_view("assets")
        self.inventory.show_warnings(kind)

    # --- commands ---------------------------------------------------------------------

    def open_demo(self) -> None:
        """The demo environment in a window of its own (in the demo window: load it)."""
        if self._demo_opener is None:
            from app.ui.demo_environment import DemoOpener

            self._demo_opener = DemoOpener(self, self.ctx)
        self._demo_opener.open()

    def reset_database(self) -> None:
        from app.ui.reset_dialog import DatabaseReset

        DatabaseReset(self, self.ctx).start()

    def backup_now(self) -> None:
        """A backup now in the data folder, and at the destination when one is set."""
        from app.ui.backup_settings import backup_now

        backup_now(self, self.ctx)

    def edit_backup_settings(self) -> None:
        from app.ui.backup_settings import edit_backup_settings

        text = edit_backup_settings(self, self.ctx.settings, self.ctx.db.data_dir.backups)
        if text:
            self.statusBar().showMessage(text, 8000)

    def choose_restore(self) -> None:
        """Pick a backup; then close so that it is restored with the database closed, and
        the window opens again on it (app.ui.app_main)."""
        from app.ui.restore_dialog import choose_backup

        chosen = choose_backup(self, self.ctx)
        if chosen is not None:
            self.request_restore(chosen)

    def request_restore(self, backup: Path) -> None:
        """Close (asking about unsaved input first) to restore ``backup`` and reopen;
        when the user stays, nothing is restored."""
        self._pending_restore = backup
        self.close()

    def _stay(self) -> None:
        self._pending_restore = None

    # --- window state ---------------------------------------------------------------

    def _close_settled(self) -> None:
        if self._settling_in_close:  # answered at once (破棄): the event itself closes
            self._settled_in_close = True
            return
        self._closing = True
        if not self.close():
            self._closing = False
            self._stay()

    def _restore_geometry(self) -> None:
        """The size the user left, else 1400×860 — never beyond the screen's available
        area (a 1366×768 laptop, or a window saved on a larger monitor)."""
        geometry = self.ctx.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 860)
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            self.fit_to(screen.availableGeometry())

    def fit_to(self, available: QRect) -> None:
        """No larger than ``available`` (a screen's area less its taskbar)."""
        self.resize(first_size(self.size(), available))

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        """Closing (the window's button, 終了, Ctrl+Q, logging off) asks about each
        editor with unsaved input first; the window closes once all are settled."""
        editors = [] if self._closing else self.unsaved_editors()
        if editors:
            from app.ui.widgets.unsaved import settle

            # Settled before settle() returns (every answer was 破棄), the window closes
            # with this event: a close() from inside closeEvent would be ignored by Qt.
            # A 保存 settles later, from its job's end, and closes then.
            self._settling_in_close, self._settled_in_close = True, False
            try:
                settle(self, editors, self._close_settled, self._stay)
            finally:
                self._settling_in_close = False
            if not self._settled_in_close:
                event.ignore()
                return
        self.restore_request = self._pending_restore
        self.ctx.settings.setValue("window/geometry", self.saveGeometry())
        self.ctx.settings.sync()
        if self._search_dialog is not None:
            self._search_dialog.close()
            self._search_dialog.deleteLater()
            self._search_dialog = None
        super().closeEvent(event)
