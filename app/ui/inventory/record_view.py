"""A record list page: toolbar, table of rows, and the 詳細 / 変更履歴 tabs of the selection.

Subclasses give the columns, the editor, ``load_rows`` (run in a worker thread) and
``shows``: the record kinds whose changes alter the rows. After any write that touched
one of them (wherever it was made) the rows are read again, keeping the selection and
the scroll position; a page not on screen reads them when it is next shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.ui.context import AppContext
from app.ui.inventory.record_editor import RecordEditor
from app.ui.inventory.rows_model import RowColumn, RowsTableModel, RowsTableView
from app.ui.layout_memory import remember_splitter
from app.ui.views.base import View
from app.ui.widgets.history_panel import HistoryPanel
from app.ui.widgets.unsaved import ask_first, unsaved_in

log = logging.getLogger("hitori.ui.inventory")


class RecordListView(View):
    """Master-detail page for one kind of record."""

    # The model of the records listed; the kind it declares names what this view opens.
    record_model: ClassVar[type[Any]]
    # Kinds whose changes alter the rows (the listed kind is always among them).
    shows: ClassVar[frozenset[str]] = frozenset()
    noun = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "record_model" in vars(cls):
            code = cls.record_model.__kind__.code
            if "opens" not in vars(cls):
                cls.opens = frozenset({code})
            cls.shows = cls.shows | {code}

    def __init__(
        self,
        ctx: AppContext,
        columns: list[RowColumn],
        editor: RecordEditor,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self._activated = False
        self._populated = False
        self._stale = False
        self._pending_show: int | None = None
        self.extra: Any = None  # what load_rows returned besides the rows
        self.new_button = QPushButton(self.tr("新規登録"), self)
        self.reload_button = QPushButton(self.tr("再読み込み"), self)
        self.filter_box = QLineEdit(self)
        self.filter_box.setPlaceholderText(self.tr("絞り込み"))
        self.filter_box.setToolTip(self.tr("入力した文字を含む行だけを表示します"))
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setMaximumWidth(280)
        self.count_label = QLabel(self.tr("読み込み中…"), self)
        self.model = RowsTableModel(columns, self, context=type(self).__name__)
        self.table = RowsTableView(self.model, self)
        self.editor = editor
        self.history = HistoryPanel(ctx, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.editor, self.tr("詳細"))
        self.tabs.addTab(self.history, self.tr("変更履歴"))
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([820, 560])
        self.splitter.setCollapsible(0, False)
        remember_splitter(self.splitter, ctx.settings, f"{self.view_key}/detail")
        # The toolbar; a subclass may add its own controls before the filter box.
        self.bar = bar = QHBoxLayout()
        bar.addWidget(self.new_button)
        bar.addWidget(self.reload_button)
        bar.addWidget(self.filter_box)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        for keys, slot in (
            (QKeySequence(QKeySequence.StandardKey.New), self.new_record),
            (QKeySequence(Qt.Key.Key_F5), self.reload),
        ):
            action = QAction(self)
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
        self.new_button.clicked.connect(self.new_record)
        self.reload_button.clicked.connect(self.reload)
        self.filter_box.textChanged.connect(self._filter)
        self.table.record_chosen.connect(self._on_chosen)
        self.editor.loaded.connect(self._show_history)
        self.editor.deleted.connect(self._on_deleted)
        ctx.jobs.watch(self, self.shows, self._data_changed)

    # --- for subclasses (worker thread) ------------------------------------------------

    @staticmethod
    def load_rows(session: Session, today: date) -> tuple[list[Any], Any]:
        """The rows, and anything else the columns need (kept in ``self.extra``).

        A static method: it runs in a worker thread and must not touch widgets."""
        raise NotImplementedError

    # --- public ------------------------------------------------------------------------

    def activate(self) -> None:
        if not self._activated or self._stale:
            self.reload()
        elif self._populated:
            self.ready.emit()

    def reload(self) -> None:
        self._activated = True
        self._stale = False
        self.reload_button.setEnabled(False)
        self.count_label.setText(self.tr("読み込み中…"))
        self.ctx.jobs.read(
            type(self).load_rows,
            self.ctx.today(),
            owner=self,
            key="rows",
            on_result=lambda result: self._populate(*result),
            on_error=self._failed,
            name=f"load-{self.view_key}",
        )

    def show_record(self, record_id: int) -> None:
        """Select ``record_id`` and open it in the editor (loading rows first if needed)."""
        if not self._populated:
            self._pending_show = record_id
            if not self._activated:
                self.reload()
            return
        already_open = record_id == self.editor.current_id
        if not already_open and self._ask_first(lambda: self.show_record(record_id)):
            return
        self.filter_box.clear()
        self.tabs.setCurrentWidget(self.editor)
        if not already_open:  # the record shown is not read again: its unsaved input stays
            self._open(record_id)
        self.table.select_id(record_id)

    def open_record(self, kind: str, record_id: int) -> None:
        self.show_record(record_id)

    def new_record(self) -> None:
        if self._ask_first(self.new_record):
            return
        self.table.clear_selection_silently()
        self.tabs.setCurrentWidget(self.editor)
        self.editor.load(None)

    # --- internals ---------------------------------------------------------------------

    def _data_changed(self, _changes: object) -> None:
        if not self._activated:
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True  # read again when shown

    def _populate(self, rows: list[Any], extra: Any) -> None:
        self.extra = extra
        scroll = self.table.verticalScrollBar().value()
        self.model.set_rows(rows)
        self.table.verticalScrollBar().setValue(scroll)
        self._populated = True
        self.reload_button.setEnabled(True)
        current = self.editor.current_id
        if current is not None:
            self.table.select_id(current)
        self._update_count()
        pending, self._pending_show = self._pending_show, None
        if pending is not None:
            self.show_record(pending)
        self.ready.emit()

    def _failed(self, exc: BaseException) -> None:
        log.error("could not load %s: %r", self.view_key, exc)
        self.reload_button.setEnabled(True)
        self.count_label.setText(self.tr("読み込めませんでした: {0}").format(exc))
        self.ready.emit()

    def _filter(self, text: str) -> None:
        self.table.set_filter_text(text)
        self._update_count()

    def _update_count(self) -> None:
        self.count_label.setText(
            self.tr("表示 {0} 件 / 全 {1} 件").format(
                self.table.shown_count(), self.model.rowCount()
            )
        )

    def _on_chosen(self, record_id: int) -> None:
        if record_id == self.editor.current_id:
            return
        if unsaved_in(self):
            # The row of what is being edited stays selected while the user is asked.
            previous = self.editor.current_id
            if previous is None or not self.table.select_id(previous):
                self.table.clear_selection_silently()
            self._ask_first(lambda: self._choose(record_id))
            return
        self._open(record_id)

    def _choose(self, record_id: int) -> None:
        """Open ``record_id`` and select its row (after the user was asked)."""
        self._open(record_id)
        self.table.select_id(record_id)

    def _open(self, record_id: int) -> None:
        self.editor.load(record_id)

    def _show_history(self, record_id: int | None) -> None:
        self.history.show_record(self.record_model, record_id)

    def _on_deleted(self, _record_id: int) -> None:
        self.table.clear_selection_silently()
        self.history.show_record(self.record_model, None)

    def _ask_first(self, retry: Callable[[], None]) -> bool:
        """True when unsaved input in this view must be settled first (then ``retry``)."""
        return ask_first(self, self, retry)
