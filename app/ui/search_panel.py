"""Results of the global search (Ctrl+K), grouped by area; activate one to open it.

Each query supersedes the one before (only the latest results are shown); results on
screen are searched again after any write, which may have changed what matches. A group
that has more hits than it shows ends in 「さらに表示」, which shows MORE_STEP more: every
hit can be reached. The window is an ordinary top-level window (no parent): it does not
stay above the main window or other programs."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.search import SearchQueryError, SearchResults, global_search
from app.store.changes import Changes
from app.store.search_query import SearchHit
from app.ui import date_style
from app.ui.context import AppContext

HIT_ROLE = Qt.ItemDataRole.UserRole


def _when(hit: SearchHit) -> str:
    """作業日 2026-10-01（R8.10.1）: the record's date as the user chose to see dates."""
    if hit.when is None:
        return ""
    return f"{hit.when_label} {date_style.shown(hit.when)}"


MORE = "more"  # the kind of the 「さらに表示」 rows' data
MORE_STEP = 50


class SearchDialog(QDialog):
    """Search as you type; Enter or double-click opens the selected record."""

    record_requested = Signal(str, int)
    results_shown = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("検索"))
        self.resize(860, 560)
        layout = QVBoxLayout(self)
        self.query = QLineEdit()
        self.query.setPlaceholderText(
            self.tr("資産・通知・手順書・作業ログなど全体を検索（1文字から）")
        )
        self.query.setClearButtonEnabled(True)
        layout.addWidget(self.query)
        self.status = QLabel()
        layout.addWidget(self.status)
        self.tree = QTreeWidget()
        # 日付: what tells apart records with the same title (RecordKind.dated).
        self.tree.setHeaderLabels([self.tr("件名"), self.tr("補足"), self.tr("日付")])
        self.tree.setColumnWidth(0, 400)
        self.tree.setColumnWidth(1, 200)
        self.tree.itemActivated.connect(self._activated)
        layout.addWidget(self.tree, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._start)
        self.query.textChanged.connect(lambda _text: self._timer.start())
        self.query.returnPressed.connect(self._enter)
        self._shown = ""  # the query whose results are shown
        self._more: dict[str, int] = {}  # kind → hits shown after 「さらに表示」
        ctx.jobs.watch(self, None, self._data_changed)

    def search(self, text: str) -> None:
        """Set the query and search at once (used by the toolbar box and tests)."""
        self.query.setText(text)
        self._timer.stop()
        self._start()

    def _start(self) -> None:
        text = self.query.text()
        if not text.strip():
            self.ctx.jobs.drop(self, "search")  # a query still running is not shown
            self.tree.clear()
            self.status.setText("")
            return
        if text.strip() != self._shown:
            self._more = {}  # a new query starts with the top of each group
        self.status.setText(self.tr("検索中…"))
        self.ctx.jobs.read(
            partial(global_search, more=dict(self._more)),
            text,
            name="global_search",
            owner=self,
            key="search",  # a newer query supersedes this one
            on_result=self._show,
            on_error=self._failed,
        )

    def _data_changed(self, _changes: Changes) -> None:
        if self.isVisible() and self.query.text().strip():
            self._start()

    def _show(self, results: SearchResults) -> None:
        current, keep = self.tree.currentItem(), None
        if current is not None and results.query == self._shown:
            keep = current.data(0, HIT_ROLE)  # searched again after a write: stay on it
        self._shown = results.query
        self.tree.clear()
        chosen: QTreeWidgetItem | None = None
        for group in results.groups:
            at_least = self.tr("以上") if group.more else ""
            top = QTreeWidgetItem([f"{group.label}（{len(group.hits)}件{at_least}）", "", ""])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for hit in group.hits:
                child = QTreeWidgetItem([hit.title, hit.subtitle, _when(hit)])
                child.setToolTip(0, hit.title)
                child.setToolTip(1, hit.subtitle)
                child.setData(0, HIT_ROLE, (hit.kind, hit.ref_id))
                top.addChild(child)
                if keep is not None and (hit.kind, hit.ref_id) == tuple(keep):
                    chosen = child
            if group.more:
                more = QTreeWidgetItem([self.tr("さらに表示（次の{0}件）…").format(MORE_STEP), ""])
                more.setData(0, HIT_ROLE, (MORE, group.kind))
                more.setForeground(0, self.palette().link())
                top.addChild(more)
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()
        if results.total:
            shown = self.tr("{0} 件").format(f"{results.total:,}")
            if any(g.more for g in results.groups):
                shown += self.tr("（「さらに表示」で続きを表示）")
            self.status.setText(shown)
            top_item = self.tree.topLevelItem(0)
            first = top_item.child(0) if top_item is not None else None
            if chosen is not None:
                self.tree.setCurrentItem(chosen)
            elif first is not None:
                self.tree.setCurrentItem(first)
        else:
            self.status.setText(self.tr("「{0}」に一致するものはありません").format(results.query))
        self.results_shown.emit(results.total)

    def _failed(self, exc: BaseException) -> None:
        self._shown = ""
        self.tree.clear()
        if isinstance(exc, SearchQueryError):
            self.status.setText(str(exc))
        else:
            self.status.setText(self.tr("検索できませんでした: {0}").format(exc))
        self.results_shown.emit(0)

    def _enter(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            self._activated(item)

    def _activated(self, item: QTreeWidgetItem) -> None:
        data = item.data(0, HIT_ROLE)
        if not data:
            return
        if data[0] == MORE:
            self.show_more(data[1])
            return
        self.record_requested.emit(data[0], data[1])

    def show_more(self, kind: str) -> None:
        """Show MORE_STEP more hits of ``kind`` (the query stays)."""
        shown = self._group_size(kind)
        self._more[kind] = shown + MORE_STEP
        self._start()

    def _group_size(self, kind: str) -> int:
        """How many hits of ``kind`` are shown (the row of its 「さらに表示」)."""
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top is None:
                continue
            for j in range(top.childCount()):
                child = top.child(j)
                data = child.data(0, HIT_ROLE) if child is not None else None
                if data and data[0] == MORE and data[1] == kind:
                    return j
        return self._more.get(kind, 8)
