"""The 資産台帳 area: one page with tabs for assets, contracts, vendors and contacts,
licences, business systems, the lifecycle warnings and the stock-take (how the tabs
behave: app.ui.views.tabbed_area). The asset ledger is made by the main window and
handed in; the other tabs are built when first needed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from app.ui.assets.ledger_view import AssetLedgerView
from app.ui.context import AppContext
from app.ui.inventory.contracts_view import ContractsView
from app.ui.inventory.licenses_view import LicensesView
from app.ui.inventory.stocktake_view import StocktakeView
from app.ui.inventory.systems_view import SystemsView
from app.ui.inventory.vendors_view import VendorsView
from app.ui.inventory.warnings_view import WarningsView
from app.ui.translations import QT_TRANSLATE_NOOP
from app.ui.views.tabbed_area import TabbedArea, Tabs, opened_by

CTX = "InventoryArea"
TABS: Tabs = (
    ("assets", QT_TRANSLATE_NOOP(CTX, "資産"), AssetLedgerView),
    ("contracts", QT_TRANSLATE_NOOP(CTX, "契約"), ContractsView),
    ("vendors", QT_TRANSLATE_NOOP(CTX, "ベンダー・連絡先"), VendorsView),
    ("licenses", QT_TRANSLATE_NOOP(CTX, "ライセンス"), LicensesView),
    ("systems", QT_TRANSLATE_NOOP(CTX, "業務システム"), SystemsView),
    ("warnings", QT_TRANSLATE_NOOP(CTX, "期限・警告"), WarningsView),
    ("stocktake", QT_TRANSLATE_NOOP(CTX, "棚卸"), StocktakeView),
)
TAB_KEYS = tuple(key for key, _title, _view in TABS)


class InventoryArea(TabbedArea):
    view_key = "assets"  # replaces the bare asset ledger in the main window
    title = "資産台帳"
    TABS = TABS
    opens = opened_by(TABS)

    def __init__(self, ctx: AppContext, asset_view: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(ctx, {"assets": asset_view}, parent)
        self.assets = asset_view

    @property
    def contracts(self) -> Any:
        return self.page("contracts")

    @property
    def vendors(self) -> Any:
        return self.page("vendors")

    @property
    def licenses(self) -> Any:
        return self.page("licenses")

    @property
    def systems(self) -> Any:
        return self.page("systems")

    @property
    def warnings(self) -> Any:
        return self.page("warnings")

    @property
    def stocktake(self) -> Any:
        return self.page("stocktake")

    def activate(self) -> None:
        """Activate the current tab (loads it the first time)."""
        super().activate()
        if self.current_view() is self.assets and getattr(self.assets, "_populated", False):
            # The asset ledger only signals its first load; it is on screen already.
            self.ready.emit()

    def show_warnings(self, kind: str | None = None) -> None:
        """The 期限・警告 tab, showing only ``kind`` when given."""
        self.show_tab("warnings")
        self.warnings.set_kind(kind)
