"""A form built from field specs, with an error label under each field.

Knows nothing about the database: it is filled from and read into plain dicts keyed
by field name, and shows the FieldErrors a ValidationError carries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import FieldError
from app.ui.widgets.date_edit import JDateEdit
from app.ui.widgets.field_errors import FieldErrors
from app.ui.widgets.form_fit import narrow_combo
from app.ui.widgets.input_value import input_value
from app.ui.widgets.styles import ERROR_STYLE


@dataclass(frozen=True)
class FieldSpec:
    """One input. kind: text / multiline / date / choice / check / number / money."""

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    choices: tuple[tuple[Any, str], ...] = ()  # (value, label); more via set_choices
    placeholder: str = ""
    blank: bool = True  # choice: an empty first entry (value None)
    depends_on: str = ""  # a check field: disabled and empty while it is off


class RecordForm(QScrollArea):
    """Inputs for ``specs`` in order. ``edited`` fires on any user change."""

    edited = Signal()

    def __init__(
        self, specs: Sequence[FieldSpec], parent: QWidget | None = None, *, context: str = ""
    ) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.specs = {s.name: s for s in specs}
        self._context = context or "RecordForm"
        self.inputs: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self.errors = FieldErrors(self.inputs, self.error_labels)
        body = QWidget(self)
        outer = QVBoxLayout(body)
        self.form = QFormLayout()
        outer.addLayout(self.form)
        outer.addStretch(1)  # extra height goes below the fields, not between them
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for spec in specs:
            widget = self._make_input(spec)
            self.inputs[spec.name] = widget
            error = QLabel(body)
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.setVisible(False)
            self.error_labels[spec.name] = error
            box = QWidget(body)
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            box_layout.setSpacing(1)
            box_layout.addWidget(widget)
            box_layout.addWidget(error)
            box.setFocusProxy(widget)
            text = QCoreApplication.translate(self._context, spec.label)
            self.form.addRow(text + (" *" if spec.required else ""), box)
        self.setWidget(body)
        for spec in specs:
            if spec.depends_on:
                check = self.inputs[spec.depends_on]
                assert isinstance(check, QCheckBox)
                check.toggled.connect(self._update_dependents)
        self._update_dependents()

    # --- values ------------------------------------------------------------------------

    def set_choices(self, name: str, choices: Iterable[tuple[Any, str]]) -> None:
        """Replace the entries of a choice field (keeps the current selection)."""
        combo = self.inputs[name]
        assert isinstance(combo, QComboBox)
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        spec = self.specs[name]
        if spec.blank:
            combo.addItem("", None)
        for value, label in (*spec.choices, *choices):
            combo.addItem(label, value)
        combo.blockSignals(False)
        self._set(name, current)

    def set_values(self, values: dict[str, Any] | None) -> None:
        """Show ``values`` (None: an empty form) and clear errors."""
        values = values or {}
        for name in self.specs:
            self._set(name, values.get(name))
        self._update_dependents()
        self.clear_errors()

    def values(self) -> dict[str, Any]:
        """What the user entered, keyed by field name (ready for the service)."""
        out = {name: self._get(name) for name in self.specs}
        for name, spec in self.specs.items():
            if spec.depends_on and not out.get(spec.depends_on):
                out[name] = "" if spec.kind in ("date", "text", "number", "money") else None
        return out

    # --- errors ------------------------------------------------------------------------

    def show_errors(self, errors: Iterable[FieldError]) -> str | None:
        """Show each message under its field; focus the first; return its field name."""
        self.errors.show((e.field, e.message) for e in errors)
        first = self.errors.first(self.specs)
        if first is not None:
            self.inputs[first].setFocus()
            self.ensureWidgetVisible(self.inputs[first])
        return first

    def field_error(self, name: str) -> str:
        """The message shown for ``name`` after a failed save, else ''."""
        return self.errors.message(name)

    def clear_errors(self) -> None:
        self.errors.clear()

    # --- internals ---------------------------------------------------------------------

    def _make_input(self, spec: FieldSpec) -> QWidget:
        name = spec.name
        if spec.kind == "date":
            date_edit = JDateEdit(self)
            date_edit.edited.connect(lambda: self._user_edit(name))
            return date_edit
        if spec.kind == "multiline":
            notes = QPlainTextEdit(self)
            notes.setTabChangesFocus(True)
            notes.setFixedHeight(72)
            notes.textChanged.connect(lambda: self._user_edit(name))
            return notes
        if spec.kind == "check":
            check = QCheckBox(self)
            check.clicked.connect(lambda _on: self._user_edit(name))
            return check
        if spec.kind == "choice":
            combo = narrow_combo(QComboBox(self))
            if spec.blank:
                combo.addItem("", None)
            for value, label in spec.choices:
                combo.addItem(label, value)
            combo.activated.connect(lambda _index: self._user_edit(name))
            return combo
        line = QLineEdit(self)
        if spec.placeholder:
            line.setPlaceholderText(QCoreApplication.translate(self._context, spec.placeholder))
        line.textEdited.connect(lambda _text: self._user_edit(name))
        return line

    def _user_edit(self, name: str) -> None:
        label = self.error_labels[name]
        if label.isVisible():
            label.setVisible(False)
        self.edited.emit()

    def _update_dependents(self) -> None:
        for name, spec in self.specs.items():
            if spec.depends_on:
                check = self.inputs[spec.depends_on]
                assert isinstance(check, QCheckBox)
                self.inputs[name].setEnabled(check.isChecked())

    def _set(self, name: str, value: Any) -> None:
        widget = self.inputs[name]
        kind = self.specs[name].kind
        if isinstance(widget, JDateEdit):
            widget.setDate(value if isinstance(value, date) else None)
        elif isinstance(widget, QPlainTextEdit):
            widget.blockSignals(True)
            widget.setPlainText("" if value is None else str(value))
            widget.blockSignals(False)
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QComboBox):
            index = widget.findData(value) if value is not None else (0 if widget.count() else -1)
            if index < 0 and value is not None:  # a value not among the choices: keep it
                widget.addItem(str(value), value)
                index = widget.count() - 1
            widget.setCurrentIndex(index)
        elif isinstance(widget, QLineEdit):
            if value is None:
                widget.setText("")
            elif kind == "money" and isinstance(value, int):
                widget.setText(f"{value:,}")
            else:
                widget.setText(str(value))

    def _get(self, name: str) -> Any:
        return input_value(self.inputs[name])
