"""A record chosen by typing part of its name: the candidates are read in the background
200 ms after the last key (the newest typing superseding the older), listed by a
completer that matches anywhere, and one is taken by choosing it from the list or with
Enter (the candidate typed whole, else the first one listed). Enter with text typed is
the look-up's own: it never reaches a dialog's default button, which would save what is
not chosen yet. Used by the work log's link picker and the regulation version's notice.

``look_up`` asks ``find(session, typed)`` (app.services.worklog.entries.find_targets,
bound to a kind) for the candidates; ``taken(id, name)`` fires when one is taken and
the field is emptied for the next."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCompleter, QLineEdit
from sqlalchemy.orm import Session

from app.services.field_input import Choice
from app.ui.context import AppContext

Find = Callable[[Session, str], list[Choice]]
DELAY_MS = 200  # after the last key


def _found(session: Session, find: Find, typed: str) -> tuple[str, list[Choice]]:
    return typed, find(session, typed)


class TypedLookup(QObject):
    taken = Signal(int, str)  # (record id, name as listed)

    def __init__(self, ctx: AppContext, edit: QLineEdit, find: Find, *, name: str) -> None:
        super().__init__(edit)
        self.ctx, self.edit, self.find, self.name = ctx, edit, find, name
        self._found: dict[str, int] = {}  # listed name → id
        self._names = QStringListModel(self)
        self.completer = QCompleter(self._names, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        edit.setCompleter(self.completer)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self.look_up)
        edit.textEdited.connect(lambda _t: self._timer.start())
        self.completer.activated.connect(self._picked)
        edit.installEventFilter(self)

    def candidates(self) -> list[str]:
        return list(self._found)

    def set_find(self, find: Find) -> None:
        """Look up something else (another kind) from now on; what is typed is looked up
        again."""
        self.find = find
        self._found = {}
        self._names.setStringList([])
        if self.edit.text().strip():
            self.look_up()

    def look_up(self) -> None:
        typed = self.edit.text().strip()
        if typed:
            self.ctx.jobs.read(_found, self.find, typed, owner=self, key="find",
                               on_result=lambda found: self._show(*found),
                               name=self.name)  # fmt: skip

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.edit.text().strip()
        ):
            self._enter()
            return True
        return super().eventFilter(watched, event)

    def _show(self, typed: str, found: list[Choice]) -> None:
        if typed != self.edit.text().strip():
            return  # typed on meanwhile: a newer look-up follows
        self._found = {c.name: c.id for c in found}
        self._names.setStringList(list(self._found))
        if found and self.edit.hasFocus():
            self.completer.complete()

    def _take(self, text: str) -> bool:
        ref_id = self._found.get(text)
        if ref_id is not None:
            self.taken.emit(ref_id, text)
        return ref_id is not None

    def _picked(self, text: str) -> None:
        """Chosen from the list: the completer puts the text in the field after this
        signal, so the field is emptied once it has."""
        if self._take(text):
            QTimer.singleShot(0, self.edit.clear)

    def _enter(self) -> None:
        if self._found:
            text = self.edit.text().strip()
            if self._take(text if text in self._found else next(iter(self._found))):
                self.edit.clear()
                popup = self.completer.popup()
                if popup is not None:
                    popup.hide()
