"""The field widgets of one asset, in FIELD_LABELS order, with an error label under each.

Below them, the 独自項目 of the selected 種別 (CustomFieldsSection), rebuilt when the
種別 changes. Knows nothing about the database: it is filled from and read into plain
dicts (built-in fields keyed like FIELD_LABELS, custom fields by key) and shows the
FieldErrors a ValidationError carries ("custom:<key>" for custom fields).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import FieldError
from app.services.inventory.assets import FIELD_LABELS, Choice, Lookups
from app.services.inventory.custom_fields import CustomFieldSpec, specs_for_type
from app.store.vocab import ASSET_STATUSES, CIA_FIELDS, CIA_LEVELS, DATE_FIELDS, SEGMENTS
from app.ui.assets.custom_section import CustomFieldsSection
from app.ui.widgets.date_edit import JDateEdit
from app.ui.widgets.field_errors import FieldErrors
from app.ui.widgets.form_fit import narrow_combo
from app.ui.widgets.input_value import input_value
from app.ui.widgets.styles import ERROR_STYLE

REQUIRED_FIELDS = ("asset_tag", "name")
LOOKUP_FIELDS = {
    "asset_type_id": "types",
    "department_id": "departments",
    "location_id": "locations",
}
DEFAULTS: dict[str, Any] = {"status": "in_use"}


class AssetForm(QScrollArea):
    """Every editable field of an asset. ``edited`` fires on any user change."""

    edited = Signal()
    manage_custom_fields = Signal(object)  # the selected 種別 id (None: none selected)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.inputs: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self.errors = FieldErrors(self.inputs, self.error_labels)
        self._lookups: Lookups | None = None
        self._makers = QStringListModel(self)  # the メーカー field's completion
        self._custom_specs: list[CustomFieldSpec] = []
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
        self.custom = CustomFieldsSection(self.form, body)  # the last rows of the form
        self.custom.edited.connect(self.edited)
        self.custom.manage_requested.connect(
            lambda: self.manage_custom_fields.emit(self._get("asset_type_id"))
        )
        type_combo = self.inputs["asset_type_id"]
        assert isinstance(type_combo, QComboBox)
        type_combo.currentIndexChanged.connect(self._show_custom_fields)
        self.setWidget(body)

    # --- values ------------------------------------------------------------------------

    def set_lookups(self, lookups: Lookups) -> None:
        """Fill the 種別・部署・設置場所 choices (keeps the current selections) and the
        makers offered while typing メーカー."""
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
        self._makers.setStringList(list(lookups.makers))

    def type_choices(self) -> list[Choice]:
        """The 種別 choices last passed to set_lookups."""
        return list(self._lookups.types) if self._lookups else []

    def set_custom_specs(self, specs: list[CustomFieldSpec]) -> None:
        """Every custom field definition; the section shows those of the selected 種別."""
        self._custom_specs = list(specs)
        self._show_custom_fields()

    def set_values(
        self, values: dict[str, Any] | None, custom: dict[str, Any] | None = None
    ) -> None:
        """Show ``values`` and the ``custom`` values (None: an empty form for a new
        asset) and clear errors."""
        values = values or {}
        for name in FIELD_LABELS:
            self._set(name, values.get(name, DEFAULTS.get(name)))
        self._show_custom_fields()
        self.custom.set_values(custom)
        self.clear_errors()

    def values(self) -> dict[str, Any]:
        """What the user entered, ready for create_asset / update_asset."""
        return {name: self._get(name) for name in FIELD_LABELS}

    def custom_values(self) -> dict[str, str]:
        """The typed text of the custom fields shown, keyed by field key."""
        return self.custom.values()

    # --- errors ------------------------------------------------------------------------

    def show_errors(self, errors: Iterable[FieldError]) -> str | None:
        """Show each message under its field; focus the first; return its field name
        ("custom:<key>" for a custom field)."""
        errors = list(errors)
        first_custom = self.custom.show_errors(errors)
        self.errors.show((e.field, e.message) for e in errors)
        first = self.errors.first(FIELD_LABELS)
        if first is not None:
            self.inputs[first].setFocus()
            self.ensureWidgetVisible(self.inputs[first])
        elif first_custom is not None:
            widget = self.custom.inputs[first_custom]
            widget.setFocus()
            self.ensureWidgetVisible(widget)
            return f"custom:{first_custom}"
        return first

    def field_error(self, name: str) -> str:
        """The message shown for ``name`` ("custom:<key>" for a custom field) after a
        failed save, else ''."""
        if name.startswith("custom:"):
            return self.custom.field_error(name.removeprefix("custom:"))
        return self.errors.message(name)

    def clear_errors(self) -> None:
        self.errors.clear()
        self.custom.clear_errors()

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
            combo = narrow_combo(QComboBox(self))
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
        if name == "manufacturer":  # the makers' list (一覧の管理), offered while typing
            completer = QCompleter(self._makers, line)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.activated.connect(lambda _text: self._user_edit(name))
            line.setCompleter(completer)
        return line

    def _show_custom_fields(self) -> None:
        self.custom.set_specs(specs_for_type(self._custom_specs, self._get("asset_type_id")))

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
        return input_value(self.inputs[name])
