"""Messages shown under form fields after a failed save (the asset form, its 独自項目
section and the record forms of the other ledger tabs share this)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtWidgets import QLabel, QWidget

from app.ui.widgets.date_edit import JDateEdit


class FieldErrors:
    """One label per field under its input. Several messages for one field are shown
    one per line; a date input that already shows the same message itself (it checks
    as the user types) does not get it twice.

    ``inputs`` and ``labels`` are the form's own dictionaries, read when shown (a form
    that rebuilds its fields changes them in place)."""

    def __init__(self, inputs: Mapping[str, QWidget], labels: Mapping[str, QLabel]) -> None:
        self._inputs = inputs
        self._labels = labels
        self.messages: dict[str, str] = {}

    def show(self, errors: Iterable[tuple[str, str]]) -> None:
        """Show (field, message) pairs; fields the form does not have are left out."""
        self.clear()
        for name, message in errors:
            if name in self._inputs:
                old = self.messages.get(name)
                self.messages[name] = f"{old}\n{message}" if old else message
        for name, message in self.messages.items():
            widget = self._inputs[name]
            duplicate = isinstance(widget, JDateEdit) and widget.error_text() == message
            self._labels[name].setText(message)
            self._labels[name].setVisible(not duplicate)

    def first(self, order: Iterable[str]) -> str | None:
        """The first field in ``order`` that has a message."""
        return next((name for name in order if name in self.messages), None)

    def message(self, name: str) -> str:
        return self.messages.get(name, "")

    def clear(self) -> None:
        self.messages.clear()
        for label in self._labels.values():
            label.clear()
            label.setVisible(False)
