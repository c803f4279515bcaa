"""The 期限・警告 page: every lifecycle warning (maintenance, lease, licence and contract
ends, EOL, assets not seen or not audited, over-assigned licences) with its kind
filter, and the windows that decide what is warned about. Double-click opens the
record (``record_requested(kind, id)``). The list is read again after any write to the
records it warns about or to the windows (a page not on screen reads it when shown)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.services.inventory.lifecycle import (
    WARNING_KINDS,
    LifecycleWarning,
    LifecycleWindows,
    lifecycle_counts,
    lifecycle_warnings,
    load_windows,
)
from app.store.changes import Changes
from app.ui.context import AppContext
from app.ui.inventory.rows_model import RowColumn, RowsTableModel, RowsTableView
from app.ui.inventory.windows_form import WindowsForm
from app.ui.translations import QT_TRANSLATE_NOOP
from app.ui.views.base import View

log = logging.getLogger("hitori.ui.inventory")
CTX = "WarningsView"
LIMIT_PER_KIND = 1000  # rows listed per kind; the counts are always complete
SERIOUS = {"eol_reached", "maintenance_ended", "license_over", "license_expired", "lease_ended"}
SINCE_KINDS = {"not_seen", "not_audited"}  # their date is in the past by definition


@dataclass(frozen=True, slots=True)
class WarningRow:
    id: int  # position in the list
    warning: LifecycleWarning


@dataclass(frozen=True)
class _Loaded:
    windows: LifecycleWindows
    warnings: list[LifecycleWarning]
    counts: dict[str, int]


def _load(session: Session, today: date) -> _Loaded:
    windows = load_windows(session)
    return _Loaded(
        windows,
        lifecycle_warnings(session, today, windows, limit_per_kind=LIMIT_PER_KIND),
        lifecycle_counts(session, today, windows),
    )


def _days(w: LifecycleWarning) -> str:
    if w.days_left is None:
        return ""
    if w.days_left < 0:
        return f"{-w.days_left}日経過"
    return "今日" if w.days_left == 0 else f"あと{w.days_left}日"


def _alert(row: WarningRow) -> str:
    w = row.warning
    if w.kind in SERIOUS or (w.kind not in SINCE_KINDS and (w.days_left or 0) < 0):
        return "error"
    return "warn"


class WarningsView(View):
    view_key = "warnings"
    title = "期限・警告"
    # What the warnings are read from: the records, and the windows (a setting).
    shows = frozenset({"asset", "contract", "license", "license_assignment", "setting"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._activated = False
        self._stale = False
        self._loaded: _Loaded | None = None
        self._kind: str | None = None  # the kind filter chosen (kept across reloads)
        self.kind_combo = QComboBox(self)
        self.kind_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.kind_combo.addItem(self.tr("すべての種類"), None)
        self.reload_button = QPushButton(self.tr("再読み込み"), self)
        self.summary = QLabel(self.tr("読み込み中…"), self)
        self.summary.setWordWrap(True)
        self.model = RowsTableModel(
            [
                RowColumn(
                    QT_TRANSLATE_NOOP(CTX, "種類"), lambda r: r.warning.label_ja, alert=_alert
                ),
                RowColumn(QT_TRANSLATE_NOOP(CTX, "対象"), lambda r: r.warning.title),
                RowColumn(QT_TRANSLATE_NOOP(CTX, "期日"), lambda r: r.warning.due, "date"),
                RowColumn(QT_TRANSLATE_NOOP(CTX, "残り"), lambda r: _days(r.warning)),
                RowColumn(QT_TRANSLATE_NOOP(CTX, "詳細"), lambda r: r.warning.detail),
            ],
            self,
            context=CTX,
        )
        self.table = RowsTableView(self.model, self)
        self.table.fit_columns((130, 280, 165, 90))
        self.table.setToolTip(self.tr("ダブルクリックでその記録を開きます"))
        self.windows_form = WindowsForm(ctx, self)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.windows_form)
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([1000, 380])
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("種類:"), self))
        bar.addWidget(self.kind_combo)
        bar.addWidget(self.reload_button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self.reload_button.clicked.connect(self.reload)
        self.kind_combo.currentIndexChanged.connect(self._kind_chosen)
        self.table.record_activated.connect(self._activated_row)
        ctx.jobs.watch(self, self.shows, self._data_changed)

    def activate(self) -> None:
        if not self._activated or self._stale:
            self.reload()
        else:
            self.ready.emit()

    def reload(self) -> None:
        self._activated = True
        self._stale = False
        self.reload_button.setEnabled(False)
        self.ctx.jobs.read(
            _load,
            self.ctx.today(),
            owner=self,
            key="warnings",
            on_result=self._populate,
            on_error=self._failed,
            name="load-warnings",
        )

    def set_kind(self, kind: str | None) -> None:
        """Show only ``kind`` (None: every kind); applied once loaded if need be."""
        self._kind = kind
        index = self.kind_combo.findData(kind)
        if index >= 0:
            self.kind_combo.setCurrentIndex(index)

    def warnings(self) -> list[LifecycleWarning]:
        """The warnings listed now (after the kind filter)."""
        return [r.warning for r in self.model.rows()]

    # --- internals ---------------------------------------------------------------------

    def _data_changed(self, _changes: Changes) -> None:
        if not self._activated:
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True  # read again when shown

    def _populate(self, loaded: _Loaded) -> None:
        previous, self._loaded = self._loaded, loaded
        self.reload_button.setEnabled(True)
        if previous is None or self.windows_form.values() == previous.windows.as_dict():
            self.windows_form.set_windows(loaded.windows)  # never over days not yet saved
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        total = sum(loaded.counts.values())
        self.kind_combo.addItem(self.tr("すべての種類（{0}）").format(total), None)
        for kind, label in WARNING_KINDS.items():
            if loaded.counts.get(kind):
                self.kind_combo.addItem(f"{label}（{loaded.counts[kind]:,}）", kind)
        index = self.kind_combo.findData(self._kind)
        if index < 0:
            self._kind, index = None, 0
        self.kind_combo.setCurrentIndex(index)
        self.kind_combo.blockSignals(False)
        self._show_rows()
        self.ready.emit()

    def _kind_chosen(self, _index: int) -> None:
        self._kind = self.kind_combo.currentData()
        self._show_rows()

    def _show_rows(self) -> None:
        if self._loaded is None:
            return
        kind = self._kind
        chosen = [w for w in self._loaded.warnings if kind is None or w.kind == kind]
        self.model.set_rows([WarningRow(n, w) for n, w in enumerate(chosen)])
        counts = self._loaded.counts
        total = sum(counts.values()) if kind is None else counts.get(kind, 0)
        if total == 0:
            text = self.tr("警告はありません（今日: {0}）。").format(self.ctx.today().isoformat())
        elif total > len(chosen):
            text = self.tr(
                "{0:,} 件の警告のうち {1:,} 件を表示しています（種類ごとに最大{2:,}件）。"
            ).format(total, len(chosen), LIMIT_PER_KIND)
        else:
            text = self.tr("{0:,} 件の警告があります。").format(total)
        if kind is None and total:
            # The list is grouped in this order: the most serious kinds first, and
            # within a kind the most urgent first (the oldest overdue, the soonest due).
            text += self.tr(" 重大な順: {0}").format(
                "・".join(
                    f"{label} {counts[k]:,}" for k, label in WARNING_KINDS.items() if counts.get(k)
                )
            )
        self.summary.setText(text)

    def _failed(self, exc: BaseException) -> None:
        log.error("could not load lifecycle warnings: %r", exc)
        self.reload_button.setEnabled(True)
        self.summary.setText(self.tr("警告を読み込めませんでした: {0}").format(exc))
        self.ready.emit()

    def _activated_row(self, row_id: int) -> None:
        row = self.model.row_for_id(row_id)
        if row is not None:
            w = self.model.row_object(row).warning
            self.record_requested.emit(w.ref_kind, w.ref_id)
