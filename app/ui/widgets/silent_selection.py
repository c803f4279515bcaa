"""Table views whose selection says which record the user chose: selections made by
the program (re-selecting after a reload, clearing after a delete) must not count."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtWidgets import QTableView


class SilentSelection(QTableView):
    """A QTableView that can change its selection without its own change handler
    treating it as the user's choice (the handler checks ``_silent``)."""

    _silent = False

    @contextmanager
    def silently(self) -> Iterator[None]:
        self._silent = True
        try:
            yield
        finally:
            self._silent = False

    def clear_selection_silently(self) -> None:
        with self.silently():
            self.selectionModel().clear()
