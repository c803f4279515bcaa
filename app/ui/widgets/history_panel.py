"""The 変更履歴 tab: who changed what on one record, and when, newest first."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import jdate
from app.services.history import HistoryLine, describe_history
from app.store.changes import Changes
from app.ui.context import AppContext

log = logging.getLogger("hitori.ui.history")


def format_local_time(at: datetime) -> str:
    """A stored UTC time as local time with the 和暦 date: 2026-11-01 09:30（R8.11.1）."""
    local = at.replace(tzinfo=UTC).astimezone() if at.tzinfo is None else at.astimezone()
    return f"{local:%Y-%m-%d %H:%M}（{jdate.to_wareki(local.date(), style='short')}）"


class HistoryPanel(QWidget):
    """Shows the change history of the record last passed to :meth:`show_record`."""

    loaded = Signal()  # a history has been shown

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._record: tuple[type[Any], int] | None = None
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        headers = [
            self.tr("日時"),
            self.tr("担当者"),
            self.tr("操作"),
            self.tr("項目"),
            self.tr("変更前"),
            self.tr("変更後"),
        ]
        self.table = QTableWidget(0, len(headers), self)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        # 日時・担当者・操作・項目 fit their text; 変更前 and 変更後 share the rest.
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column in (4, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        # The chosen change in full, wrapped: a narrow pane cuts 変更前 / 変更後 short.
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.status_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_detail(row))
        self.show_record(None, None)
        # The history grows with every write to the record shown, wherever it is made.
        ctx.jobs.watch(self, None, self._data_changed)

    def show_record(self, model: type[Any] | None, row_id: int | None) -> None:
        """Load the history of record ``row_id`` of ``model`` (None: show nothing)."""
        if model is None or row_id is None:
            self._record = None
            self._ctx.jobs.drop(self, "history")
            self.table.setRowCount(0)
            self.status_label.setText(self.tr("レコードを選択すると変更履歴を表示します。"))
            return
        self._record = (model, row_id)
        self.status_label.setText(self.tr("読み込み中…"))
        self._ctx.jobs.read(
            describe_history,
            model.__tablename__,
            row_id,
            owner=self,
            key="history",
            on_result=self._show,
            on_error=self._fail,
        )

    def refresh(self) -> None:
        """Load the current record's history again (after a save)."""
        if self._record is not None:
            self.show_record(*self._record)

    def record(self) -> tuple[type[Any], int] | None:
        return self._record

    def _data_changed(self, changes: Changes) -> None:
        if self._record is None:
            return
        model, row_id = self._record
        if row_id in changes.ids.get(model.__kind__.code, ()):
            self.refresh()

    def _show_detail(self, row: int) -> None:
        cells = [self.table.item(row, c) for c in range(6)] if row >= 0 else []
        if not cells or any(c is None for c in cells):
            self.detail.clear()
            return
        at, actor, action, field, before, after = (c.text() for c in cells if c is not None)
        what = f"{action}「{field}」" if field else action
        change = ""
        if before or after:
            change = "\n" + self.tr("変更前: {0}\n変更後: {1}").format(before, after)
        self.detail.setText(f"{at}　{actor}　{what}{change}")

    def _show(self, lines: list[HistoryLine]) -> None:
        self.detail.clear()
        self.table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            values = (
                format_local_time(line.at),
                line.actor,
                line.action,
                line.field,
                line.before,
                line.after,
            )
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if column >= 4 and text:
                    item.setToolTip(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, column, item)
        if lines:
            self.status_label.setText(self.tr("{0} 件の変更（新しい順）").format(len(lines)))
        else:
            self.status_label.setText(self.tr("変更履歴はありません。"))
        self.loaded.emit()

    def _fail(self, exc: BaseException) -> None:
        log.error("could not load history of %s: %r", self._record, exc)
        self.table.setRowCount(0)
        self.status_label.setText(self.tr("変更履歴を読み込めませんでした: {0}").format(exc))
