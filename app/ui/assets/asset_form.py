"""The field widgets of one asset, in FIELD_LABELS order, with an error label under each.

Knows nothing about the database: it is filled from and read into plain dicts keyed
like FIELD_LABELS, and shows the FieldErrors a ValidationError carries.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.services.assets import CIA_FIELDS, DATE_FIELDS, FIELD_LABELS, Lookups
from app.services.errors import FieldError
from app.store.vocab import ASSET_STATUSES, CIA_LEVELS, SEGMENTS
from app.ui.widgets.date_edit import JDateEdit

REQUIRED_FIELDS = ("asset_tag", "name")
LOOKUP_FIELDS = {
    "asset_type_id": "types",
    "department_id": "departments",
    "location_id": "locations",
}
ERROR_STYLE = "color: #b00020;"
DEFAULTS: dict[str, Any] = {"status": "in_use"}


class AssetForm(QScrollArea):
    """Every editable field of an asset. ``edited`` fires on any user change."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.inputs: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._messages: dict[str, str] = {}
        self._lookups: Lookups | None = None
        body = QWidget(self)
        self.form = QFormLayout(body)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, label in FIELD_LABELS.items():
            widget = self._make_input(name)
            self.inputs[name] = widget
            error = QLabel(body)
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.setVisible(False)
            self.error_labels[name] = error
            box = QWidget(body)
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            box_layout.setSpacing(1)
            box_layout.addWidget(widget)
            box_layout.addWidget(error)
            box.setFocusProxy(widget)
            text = QCoreApplication.translate("AssetFields", label)
            if name in REQUIRED_FIELDS:
                text += " *"
            self.form.addRow(text, box)
        self.setWidget(body)

    # --- values ------------------------------------------------------------------------

    def set_lookups(self, lookups: Lookups) -> None:
        """Fill the 種別・部署・設置場所 choices (keeps the current selections)."""
        if lookups == self._lookups:
            return
        self._lookups = lookups
        for name, attr in LOOKUP_FIELDS.items():
            combo = self.inputs[name]
            assert isinstance(combo, QComboBox)
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("", None)
            for choice in getattr(lookups, attr):
                combo.addItem(choice.name, choice.id)
            combo.blockSignals(False)
            self._set(name, current)

    def set_values(self, values: dict[str, Any] | None) -> None:
        """Show ``values`` (None: an empty form for a new asset) and clear errors."""
        values = values or {}
        for name in FIELD_LABELS:
            self._set(name, values.get(name, DEFAULTS.get(name)))
        self.clear_errors()

    def values(self) -> dict[str, Any]:
        """What the user entered, ready for create_asset / update_asset."""
        return {name: self._get(name) for name in FIELD_LABELS}

    # --- errors ------------------------------------------------------------------------

    def show_errors(self, errors: Iterable[FieldError]) -> str | None:
        """Show each message under its field; focus the first; return its field name."""
        self.clear_errors()
        for error in errors:
            if error.field in self.inputs:
                old = self._messages.get(error.field)
                self._messages[error.field] = f"{old}\n{error.message}" if old else error.message
        for name, message in self._messages.items():
            widget = self.inputs[name]
            duplicate = isinstance(widget, JDateEdit) and widget.error_text() == message
            self.error_labels[name].setText(message)
            self.error_labels[name].setVisible(not duplicate)
        first = next((n for n in FIELD_LABELS if n in self._messages), None)
        if first is not None:
            self.inputs[first].setFocus()
            self.ensureWidgetVisible(self.inputs[first])
        return first

    def field_error(self, name: str) -> str:
        """The message shown for ``name`` after a failed save, else ''."""
        return self._messages.get(name, "")

    def clear_errors(self) -> None:
        self._messages.clear()
        for label in self.error_labels.values():
            label.clear()
            label.setVisible(False)

    # --- internals ---------------------------------------------------------------------

    def _make_input(self, name: str) -> QWidget:
        if name in DATE_FIELDS:
            date_edit = JDateEdit(self)
            date_edit.edited.connect(lambda: self._user_edit(name))
            return date_edit
        if name == "notes":
            notes = QPlainTextEdit(self)
            notes.setTabChangesFocus(True)
            notes.setFixedHeight(90)
            notes.textChanged.connect(lambda: self._user_edit(name))
            return notes
        if name in CIA_FIELDS or name in LOOKUP_FIELDS or name in ("status", "segment"):
            combo = QComboBox(self)
            if name != "status":
                combo.addItem("", None)
            items: dict[Any, str] = {}
            if name == "status":
                items = ASSET_STATUSES
            elif name == "segment":
                items = SEGMENTS
            elif name in CIA_FIELDS:
                items = CIA_LEVELS
            for code, label in items.items():
                combo.addItem(label, code)
            combo.activated.connect(lambda _index: self._user_edit(name))
            return combo
        line = QLineEdit(self)
        line.textEdited.connect(lambda _text: self._user_edit(name))
        return line

    def _user_edit(self, name: str) -> None:
        label = self.error_labels[name]
        if label.isVisible():
            label.setVisible(False)
        self.edited.emit()

    def _set(self, name: str, value: Any) -> None:
        widget = self.inputs[name]
        if isinstance(widget, JDateEdit):
            widget.setDate(value if isinstance(value, date) else None)
        elif isinstance(widget, QPlainTextEdit):
            widget.blockSignals(True)
            widget.setPlainText("" if value is None else str(value))
            widget.blockSignals(False)
        elif isinstance(widget, QComboBox):
            index = 0 if value is None else widget.findData(value)
            if index < 0 and value is not None:  # a value not among the choices: keep it
                widget.addItem(str(value), value)
                index = widget.count() - 1
            widget.setCurrentIndex(index)
        elif isinstance(widget, QLineEdit):
            widget.setText("" if value is None else str(value))

    def _get(self, name: str) -> Any:
        widget = self.inputs[name]
        if isinstance(widget, JDateEdit):
            return widget.text()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QComboBox):
            return widget.currentData()
        assert isinstance(widget, QLineEdit)
        return widget.text()
