"""The 独自項目 part of the asset form: one input per custom field of the selected type.

The section is a heading row in the form's own QFormLayout, with its field rows
right below it (so the labels line up with the built-in fields). It is rebuilt
whenever the definitions or the 種別 change; what the user typed is kept per key,
so switching the 種別 back and forth loses nothing. Knows nothing about the
database: it shows specs and plain values.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import FieldError
from app.services.inventory.custom_fields import KINDS, CustomFieldSpec
from app.services.inventory.custom_values import display_value
from app.ui.widgets.date_edit import JDateEdit
from app.ui.widgets.field_errors import FieldErrors
from app.ui.widgets.styles import ERROR_STYLE


class CustomFieldsSection(QWidget):
    """The heading of the custom fields, appended to ``form`` with the field rows below.

    ``edited`` fires on user changes; ``manage_requested`` when the user asks to edit
    the definitions. Nothing may be added to ``form`` after the section.
    """

    edited = Signal()
    manage_requested = Signal()

    def __init__(self, form: QFormLayout, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.specs: list[CustomFieldSpec] = []
        self.inputs: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self.errors = FieldErrors(self.inputs, self.error_labels)
        self._carry: dict[str, str] = {}  # typed text per key, kept across rebuilds
        heading = QLabel(self.tr("独自項目"), self)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.manage_button = QPushButton(self.tr("項目の設定…"), self)
        self.manage_button.setToolTip(self.tr("この種別の独自項目を追加・変更します"))
        self.manage_button.clicked.connect(self.manage_requested)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.manage_button)
        self.empty_label = QLabel(
            self.tr("この種別の独自項目はありません。「項目の設定…」で追加できます。"), self
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: palette(mid);")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.empty_label)
        form.addRow(self)

    # --- definitions and values --------------------------------------------------------

    def set_specs(self, specs: Iterable[CustomFieldSpec]) -> None:
        """Show inputs for ``specs`` (in order); typed values are kept by key."""
        specs = list(specs)
        if specs == self.specs:
            return
        self._carry.update(self.values())
        # (row, role); PySide6's stub declares the tuple as "object".
        position = cast("tuple[int, QFormLayout.ItemRole]", self.form.getWidgetPosition(self))
        heading_row = position[0]
        self.errors.clear()  # while its labels still exist
        for _spec in self.specs:  # the field rows right below the heading
            self.form.removeRow(heading_row + 1)
        self.inputs.clear()
        self.error_labels.clear()
        self.specs = specs
        for spec in specs:
            self._add_row(spec)
            self._set_text(spec.key, self._carry.get(spec.key, ""))
        self.empty_label.setVisible(not specs)

    def set_values(self, values: dict[str, Any] | None) -> None:
        """Show stored values (a new asset: None) and forget what was typed before."""
        self._carry = {key: display_value(v) for key, v in (values or {}).items()}
        for spec in self.specs:
            self._set_text(spec.key, self._carry.get(spec.key, ""))
        self.clear_errors()

    def values(self) -> dict[str, str]:
        """Typed text of every shown field, keyed by field key."""
        return {spec.key: self._text(spec.key) for spec in self.specs}

    # --- errors ------------------------------------------------------------------------

    def show_errors(self, errors: Iterable[FieldError]) -> str | None:
        """Show "custom:<key>" errors under their fields; return the first key shown."""
        self.errors.show(
            (e.field.removeprefix("custom:"), e.message)
            for e in errors
            if e.field.startswith("custom:")
        )
        return self.errors.first(s.key for s in self.specs)

    def field_error(self, key: str) -> str:
        return self.errors.message(key)

    def clear_errors(self) -> None:
        self.errors.clear()

    # --- internals ---------------------------------------------------------------------

    def _add_row(self, spec: CustomFieldSpec) -> None:
        widget = self._make_input(spec)
        body = self.parentWidget()
        error = QLabel(body)
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.setVisible(False)
        box = QWidget(body)
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.setSpacing(1)
        box_layout.addWidget(widget)
        box_layout.addWidget(error)
        box.setFocusProxy(widget)
        self.inputs[spec.key] = widget
        self.error_labels[spec.key] = error
        label = QLabel(spec.label, body)
        label.setToolTip(
            self.tr("独自項目「{0}」（{1}）").format(spec.key, KINDS.get(spec.kind, spec.kind))
        )
        label.setBuddy(widget)
        self.form.addRow(label, box)

    def _make_input(self, spec: CustomFieldSpec) -> QWidget:
        key = spec.key
        if spec.kind == "date":
            date_edit = JDateEdit(self)
            date_edit.edited.connect(lambda: self._user_edit(key))
            return date_edit
        if spec.kind == "choice":
            combo = QComboBox(self)
            combo.addItem("", "")
            for choice in spec.choices:
                combo.addItem(choice, choice)
            combo.activated.connect(lambda _index: self._user_edit(key))
            return combo
        line = QLineEdit(self)
        if spec.kind == "number":
            line.setPlaceholderText(self.tr("数値（例: 16、1,200、2.5）"))
            line.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        line.textEdited.connect(lambda _text: self._user_edit(key))
        return line

    def _user_edit(self, key: str) -> None:
        label = self.error_labels.get(key)
        if label is not None and label.isVisible():
            label.setVisible(False)
        self.edited.emit()

    def _set_text(self, key: str, text: str) -> None:
        widget = self.inputs[key]
        if isinstance(widget, JDateEdit):
            widget.setText(text)
        elif isinstance(widget, QComboBox):
            index = widget.findData(text)
            if index < 0:  # a stored value no longer among the choices: keep showing it
                widget.addItem(text, text)
                index = widget.count() - 1
            widget.setCurrentIndex(index)
        elif isinstance(widget, QLineEdit):
            widget.setText(text)

    def _text(self, key: str) -> str:
        widget = self.inputs[key]
        if isinstance(widget, JDateEdit):
            return widget.text()
        if isinstance(widget, QComboBox):
            return str(widget.currentData() or "")
        assert isinstance(widget, QLineEdit)
        return widget.text()
