"""The filter bar above the asset table: choice filters, lifecycle window and free text."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.inventory.assets import LIFECYCLE_FILTERS, AssetFilter, Choice, Lookups
from app.store.vocab import ASSET_STATUSES, SEGMENTS

TEXT_DEBOUNCE_MS = 200
# Lifecycle filters that use the N-months window.
_WITH_MONTHS = frozenset({"eol_within", "maintenance_within", "lease_within"})


class AssetFilterPanel(QWidget):
    """Emits ``changed(AssetFilter)`` whenever the user changes a condition."""

    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._quiet = 0
        self._pending: dict[str, int] = {}
        self.type_combo = self._combo(self.tr("種別"))
        self.segment_combo = self._combo(self.tr("ネットワーク区分"), SEGMENTS.items())
        self.status_combo = self._combo(self.tr("状態"), ASSET_STATUSES.items())
        self.department_combo = self._combo(self.tr("部署"))
        self.location_combo = self._combo(self.tr("設置場所"))
        self.lifecycle_combo = self._combo(self.tr("期限"), LIFECYCLE_FILTERS.items())
        self.months_spin = QSpinBox(self)
        self.months_spin.setRange(1, 60)
        self.months_spin.setValue(6)
        self.months_spin.setSuffix(self.tr(" か月"))
        self.months_spin.setAccessibleName(self.tr("期間（月数）"))
        self.months_spin.setEnabled(False)
        self.text_edit = QLineEdit(self)
        self.text_edit.setPlaceholderText(
            self.tr("資産管理番号・名称・利用者・ホスト名・IPで絞り込み")
        )
        self.text_edit.setClearButtonEnabled(True)
        self.text_edit.setAccessibleName(self.tr("キーワード"))
        self.clear_button = QPushButton(self.tr("条件をクリア"), self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TEXT_DEBOUNCE_MS)
        self._lay_out()
        for combo in self._combos():
            combo.currentIndexChanged.connect(self._emit)
        self.lifecycle_combo.currentIndexChanged.connect(self._update_months_enabled)
        self.months_spin.valueChanged.connect(self._months_changed)
        self.text_edit.textChanged.connect(self._timer.start)
        self._timer.timeout.connect(self._emit)
        self.clear_button.clicked.connect(self.clear)

    # --- public ------------------------------------------------------------------------

    def current_filter(self) -> AssetFilter:
        def ids(combo: QComboBox) -> set[Any]:
            value = combo.currentData()
            return set() if value is None else {value}

        return AssetFilter(
            type_ids=ids(self.type_combo),
            segments=ids(self.segment_combo),
            statuses=ids(self.status_combo),
            department_ids=ids(self.department_combo),
            location_ids=ids(self.location_combo),
            lifecycle=self.lifecycle_combo.currentData(),
            months=self.months_spin.value(),
            text=self.text_edit.text(),
        )

    def set_lookups(self, lookups: Lookups) -> None:
        """Fill the 種別・部署・設置場所 choices, keeping what is selected where possible."""
        before = self.current_filter()
        with self._silenced():
            self._fill(self.type_combo, lookups.types, "type")
            self._fill(self.department_combo, lookups.departments, "department")
            self._fill(self.location_combo, lookups.locations, "location")
        if self.current_filter() != before:
            self._emit()

    def clear(self) -> None:
        """Reset every condition (one ``changed`` signal)."""
        self._pending.clear()
        with self._silenced():
            for combo in self._combos():
                combo.setCurrentIndex(0)
            self.months_spin.setValue(6)
            self.text_edit.clear()
        self._emit()

    def set_department(self, department_id: int) -> None:
        """Show only this department (other conditions are cleared)."""
        self._select_only("department", self.department_combo, department_id)

    def set_location(self, location_id: int) -> None:
        """Show only this location (other conditions are cleared)."""
        self._select_only("location", self.location_combo, location_id)

    # --- internals ---------------------------------------------------------------------

    def _combo(self, name: str, items: Any = ()) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(9)
        combo.addItem(self.tr("すべて"), None)
        for code, label in items:
            combo.addItem(label, code)
        return combo

    def _combos(self) -> list[QComboBox]:
        return [
            self.type_combo,
            self.segment_combo,
            self.status_combo,
            self.department_combo,
            self.location_combo,
            self.lifecycle_combo,
        ]

    def _lay_out(self) -> None:
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        first_row = [
            self.type_combo,
            self.segment_combo,
            self.status_combo,
            self.department_combo,
            self.location_combo,
        ]
        for n, combo in enumerate(first_row):
            grid.addWidget(self._label_for(combo), 0, 2 * n)
            grid.addWidget(combo, 0, 2 * n + 1)
            grid.setColumnStretch(2 * n + 1, 1)
        second_row = QHBoxLayout()
        second_row.setSpacing(6)
        second_row.addWidget(self._label_for(self.lifecycle_combo))
        second_row.addWidget(self.lifecycle_combo)
        second_row.addWidget(self.months_spin)
        second_row.addSpacing(12)
        second_row.addWidget(self._label_for(self.text_edit))
        second_row.addWidget(self.text_edit, 1)
        second_row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(grid)
        layout.addLayout(second_row)

    def _label_for(self, widget: QWidget) -> QLabel:
        label = QLabel(widget.accessibleName(), self)
        label.setBuddy(widget)
        return label

    def _fill(self, combo: QComboBox, choices: list[Choice], key: str) -> None:
        wanted = self._pending.pop(key, combo.currentData())
        combo.clear()
        combo.addItem(self.tr("すべて"), None)
        for choice in choices:
            combo.addItem(choice.name, choice.id)
        combo.setCurrentIndex(max(0, combo.findData(wanted)) if wanted is not None else 0)

    def _select_only(self, key: str, combo: QComboBox, value: int) -> None:
        with self._silenced():
            for other in self._combos():
                other.setCurrentIndex(0)
            self.text_edit.clear()
            index = combo.findData(value)
            if index >= 0:
                combo.setCurrentIndex(index)
                self._pending.pop(key, None)
            else:  # choices not loaded yet: applied by set_lookups
                self._pending[key] = value
        self._emit()

    @contextmanager
    def _silenced(self) -> Iterator[None]:
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def _update_months_enabled(self) -> None:
        self.months_spin.setEnabled(self.lifecycle_combo.currentData() in _WITH_MONTHS)

    def _months_changed(self) -> None:
        if self.lifecycle_combo.currentData() in _WITH_MONTHS:
            self._emit()

    def _emit(self) -> None:
        if self._quiet:
            return
        self._timer.stop()
        self.changed.emit(self.current_filter())
