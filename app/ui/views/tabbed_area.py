"""An area of the main window made of tabs, each a view of its own (資産台帳: assets,
contracts, vendors …; 通知・法令: notices, regulations, Q&A, digests).

A tab's view is built the first time it is needed (shown, or asked to open a record),
so start-up builds no editor nobody opened. The area:

- ``activate``s the current tab and re-emits its ``ready``;
- opens a record in the tab whose view class declares its kind (``opens``), and passes
  each tab's ``record_requested`` on to the main window;
- asks before leaving a tab with unsaved input (保存 / 破棄 / キャンセル).

A subclass gives ``TABS`` — (key, title, view class) in tab order — and may hand in a
view built beforehand (the asset ledger, which the main window makes itself).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.ui.context import AppContext
from app.ui.views.base import View
from app.ui.widgets.unsaved import guard_tabs


class LazyTab(QWidget):
    """A tab's container: the view inside is built the first time it is needed."""

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


# (key, title, view class). A tab's view is a View, or a widget with the same parts
# (``opens``, ``activate``, ``open_record``, ``ready``; the asset ledger).
Tabs = tuple[tuple[str, str, type[QWidget]], ...]


def opened_by(tabs: Tabs) -> frozenset[str]:
    """The record kinds the views of ``tabs`` open: an area's ``opens``."""
    return frozenset().union(*(_opens(view) for _key, _title, view in tabs))


def _opens(view_class: type[QWidget]) -> frozenset[str]:
    return getattr(view_class, "opens", frozenset())


class TabbedArea(View):
    # (key, title (translated in the subclass's context), view class), in tab order.
    TABS: ClassVar[Tabs] = ()

    def __init__(
        self,
        ctx: AppContext,
        built: dict[str, QWidget] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        built = built or {}
        self._tabs_by_key: dict[str, QWidget] = {}
        self.tabs = QTabWidget(self)
        context = type(self).__name__
        for key, title, view_class in self.TABS:
            if key in built:
                tab: QWidget = self._built(built[key])
            else:
                tab = LazyTab(self._builder(view_class))
            self._tabs_by_key[key] = tab
            label = QCoreApplication.translate(context, title)
            self.tabs.addTab(tab, label.replace("&", "&&"))  # 「Q&A」: no shortcut letter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        guard_tabs(self.tabs, lambda _index: self.activate())

    def _builder(self, view_class: type[QWidget]) -> Callable[[], QWidget]:
        return lambda: self._built(view_class(self.ctx))  # type: ignore[arg-type]

    def _built(self, view: QWidget) -> QWidget:
        """Wire a view the first time its tab is needed."""
        view.ready.connect(lambda: self._page_ready(view))  # type: ignore[attr-defined]
        requested = getattr(view, "record_requested", None)
        if requested is not None:
            requested.connect(self.record_requested)
        return view

    @property
    def keys(self) -> list[str]:
        return [key for key, _title, _view in self.TABS]

    def page(self, key: str) -> Any:
        """The view of tab ``key``, built if it was not yet."""
        tab = self._tabs_by_key[key]
        return tab.ensure() if isinstance(tab, LazyTab) else tab

    @property
    def pages(self) -> dict[str, Any]:
        return {key: self.page(key) for key in self.keys}

    def current_key(self) -> str:
        return self.keys[self.tabs.currentIndex()]

    def current_view(self) -> Any:
        return self.page(self.current_key())

    def activate(self) -> None:
        """Activate the current tab (loads it the first time)."""
        self.current_view().activate()

    def show_tab(self, key: str) -> None:
        """Bring the tab ``key`` to the front and activate it."""
        if self.current_key() == key:
            self.activate()
        else:
            self.tabs.setCurrentIndex(self.keys.index(key))  # currentChanged activates it

    def open_record(self, kind: str, record_id: int) -> None:
        """Open a record in the tab whose view opens its kind."""
        key = next(key for key, _title, view in self.TABS if kind in _opens(view))
        self.show_tab(key)
        self.page(key).open_record(kind, record_id)

    def _page_ready(self, page: QWidget) -> None:
        if self.current_view() is page:
            self.ready.emit()
