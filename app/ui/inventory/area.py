"""The 資産台帳 area: one page with tabs for assets, contracts, vendors and contacts,
licences, business systems, and the lifecycle warnings.

``activate`` activates the current tab; ``ready`` is re-emitted when the current tab
is ready; ``show_record(kind, id)`` opens a record of any inventory kind in its tab
and re-emits ``open_record`` for kinds that live in other areas.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.ui.context import AppContext
from app.ui.inventory.contracts_view import ContractsView
from app.ui.inventory.licenses_view import LicensesView
from app.ui.inventory.stocktake_view import StocktakeView
from app.ui.inventory.systems_view import SystemsView
from app.ui.inventory.vendors_view import VendorsView
from app.ui.inventory.warnings_view import WarningsView
from app.ui.views.base import View

TAB_KEYS = ("assets", "contracts", "vendors", "licenses", "systems", "warnings", "stocktake")
RECORD_TABS = {
    "asset": "assets",
    "contract": "contracts",
    "vendor": "vendors",
    "license": "licenses",
    "system": "systems",
}


class InventoryArea(View):
    view_key = "assets"  # replaces the bare asset ledger in the main window
    title = "資産台帳"
    open_record = Signal(str, int)  # a record of another area was asked for

    def __init__(self, ctx: AppContext, asset_view: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.assets = asset_view
        self.contracts = ContractsView(ctx)
        self.vendors = VendorsView(ctx)
        self.licenses = LicensesView(ctx)
        self.systems = SystemsView(ctx)
        self.warnings = WarningsView(ctx)
        self.stocktake = StocktakeView(ctx)
        self.pages: dict[str, QWidget] = {
            "assets": self.assets,
            "contracts": self.contracts,
            "vendors": self.vendors,
            "licenses": self.licenses,
            "systems": self.systems,
            "warnings": self.warnings,
            "stocktake": self.stocktake,
        }
        self.tabs = QTabWidget(self)
        titles = (
            self.tr("資産"),
            self.tr("契約"),
            self.tr("ベンダー・連絡先"),
            self.tr("ライセンス"),
            self.tr("業務システム"),
            self.tr("期限・警告"),
            self.tr("棚卸"),
        )
        for key, title in zip(TAB_KEYS, titles, strict=True):
            page = self.pages[key]
            self.tabs.addTab(page, title)
            page.ready.connect(lambda page=page: self._page_ready(page))  # type: ignore[attr-defined]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _index: self.activate())
        for page in (self.contracts, self.systems, self.warnings):
            page.open_record.connect(self.show_record)
        self.warnings.windows_changed.connect(self._windows_changed)

    def activate(self) -> None:
        """Activate the current tab (loads it the first time)."""
        page = self.tabs.currentWidget()
        page.activate()  # type: ignore[attr-defined]
        if page is self.assets and getattr(page, "_populated", False):
            # The asset ledger only signals its first load; it is on screen already.
            self.ready.emit()

    def current_key(self) -> str:
        return TAB_KEYS[self.tabs.currentIndex()]

    def show_tab(self, key: str) -> None:
        """Bring the tab ``key`` (one of TAB_KEYS) to the front and activate it."""
        page = self.pages[key]
        if self.tabs.currentWidget() is page:
            self.activate()
        else:
            self.tabs.setCurrentWidget(page)  # currentChanged activates it

    def show_record(self, kind: str, record_id: int) -> None:
        """Open a record: asset / contract / vendor / license / system."""
        key = RECORD_TABS.get(kind)
        if key is None:
            self.open_record.emit(kind, record_id)
            return
        self.show_tab(key)
        if key == "assets":
            self.assets.show_asset(record_id)  # type: ignore[attr-defined]
        else:
            self.pages[key].show_record(record_id)  # type: ignore[attr-defined]

    def show_warnings(self, kind: str | None = None) -> None:
        """The 期限・警告 tab, showing only ``kind`` when given."""
        self.show_tab("warnings")
        self.warnings.set_kind(kind)

    def _page_ready(self, page: QWidget) -> None:
        if self.tabs.currentWidget() is page:
            self.ready.emit()

    def _windows_changed(self, _windows: object) -> None:
        # The contract and licence lists flag rows by the windows: read them again.
        for page in (self.contracts, self.licenses):
            if page._activated:
                page.reload()
