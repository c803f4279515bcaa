"""The 資産台帳 area: one page with tabs for assets, contracts, vendors and contacts,
licences, business systems, and the lifecycle warnings.

``activate`` activates the current tab; ``ready`` is re-emitted when the current tab
is ready; ``open_record(kind, id)`` opens a record in the tab whose view declares that
kind (``opens``); a tab's ``record_requested`` is passed on to the main window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.ui.assets.ledger_view import AssetLedgerView
from app.ui.context import AppContext
from app.ui.inventory.contracts_view import ContractsView
from app.ui.inventory.licenses_view import LicensesView
from app.ui.inventory.stocktake_view import StocktakeView
from app.ui.inventory.systems_view import SystemsView
from app.ui.inventory.vendors_view import VendorsView
from app.ui.inventory.warnings_view import WarningsView
from app.ui.views.base import View
from app.ui.widgets.unsaved import guard_tabs

TAB_KEYS = ("assets", "contracts", "vendors", "licenses", "systems", "warnings", "stocktake")
# The views of the tabs after the asset ledger, built when first needed.
TAB_VIEWS: dict[str, type[View]] = {
    "contracts": ContractsView,
    "vendors": VendorsView,
    "licenses": LicensesView,
    "systems": SystemsView,
    "warnings": WarningsView,
    "stocktake": StocktakeView,
}


class _LazyTab(QWidget):
    """A tab's container: the view inside is built the first time it is needed, so
    start-up does not build six editors (and look up the keyring) nobody opened."""

    def __init__(self, build: Callable[[], QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build = build
        self.view: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> QWidget:
        if self.view is None:
            self.view = self._build()
            self._layout.addWidget(self.view)
        return self.view


class InventoryArea(View):
    view_key = "assets"  # replaces the bare asset ledger in the main window
    title = "資産台帳"
    opens = AssetLedgerView.opens.union(*(view.opens for view in TAB_VIEWS.values()))

    def __init__(self, ctx: AppContext, asset_view: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.assets = asset_view
        self._tabs_by_key: dict[str, QWidget] = {"assets": self.assets}
        for key, factory in TAB_VIEWS.items():
            self._tabs_by_key[key] = _LazyTab(self._builder(key, factory))
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
            self.tabs.addTab(self._tabs_by_key[key], title)
        self.assets.ready.connect(lambda: self._page_ready(self.assets))  # type: ignore[attr-defined]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        # Leaving a tab with unsaved input asks first (保存 / 破棄 / キャンセル).
        guard_tabs(self.tabs, lambda _index: self.activate())

    def _builder(self, key: str, factory: Callable[[AppContext], QWidget]) -> Callable[[], QWidget]:
        return lambda: self._built(key, factory(self.ctx))

    def _built(self, key: str, view: QWidget) -> QWidget:
        """Wire a view the first time its tab is needed."""
        view.ready.connect(lambda: self._page_ready(view))  # type: ignore[attr-defined]
        view.record_requested.connect(self.record_requested)  # type: ignore[attr-defined]
        return view

    def page(self, key: str) -> QWidget:
        """The view of tab ``key``, built if it was not yet."""
        tab = self._tabs_by_key[key]
        return tab.ensure() if isinstance(tab, _LazyTab) else tab

    @property
    def pages(self) -> dict[str, QWidget]:
        return {key: self.page(key) for key in TAB_KEYS}

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

    def _current_view(self) -> QWidget:
        return self.page(self.current_key())

    def activate(self) -> None:
        """Activate the current tab (loads it the first time)."""
        page = self._current_view()
        page.activate()  # type: ignore[attr-defined]
        if page is self.assets and getattr(page, "_populated", False):
            # The asset ledger only signals its first load; it is on screen already.
            self.ready.emit()

    def current_key(self) -> str:
        return TAB_KEYS[self.tabs.currentIndex()]

    def show_tab(self, key: str) -> None:
        """Bring the tab ``key`` (one of TAB_KEYS) to the front and activate it."""
        if self.current_key() == key:
            self.activate()
        else:
            self.tabs.setCurrentIndex(TAB_KEYS.index(key))  # currentChanged activates it

    def open_record(self, kind: str, record_id: int) -> None:
        """Open a record in the tab whose view opens its kind."""
        key = next(k for k, view in self._tab_views().items() if kind in view.opens)
        self.show_tab(key)
        self.page(key).open_record(kind, record_id)  # type: ignore[attr-defined]

    def _tab_views(self) -> dict[str, Any]:
        return {"assets": type(self.assets), **TAB_VIEWS}

    def show_warnings(self, kind: str | None = None) -> None:
        """The 期限・警告 tab, showing only ``kind`` when given."""
        self.show_tab("warnings")
        self.warnings.set_kind(kind)

    def _page_ready(self, page: QWidget) -> None:
        if self._current_view() is page:
            self.ready.emit()
