"""What an editor does with the result of its background load/save/delete jobs.

Shared by the asset editor and the generic record editor of the other ledger tabs.
The class using it is a QWidget with: ``form`` (``show_errors`` returns the first
invalid widget), ``message`` (a QLabel), ``heading``, ``save_button``,
``revert_button``, ``delete_button``, the ``saved``/``deleted`` signals, ``load``,
``clear``, ``is_dirty``, and the state ``_generation``, ``_mode``, ``_busy``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import shiboken6

from app.errors import UserError
from app.services.errors import ValidationError
from app.ui.widgets.styles import ERROR_STYLE, OK_STYLE

log = logging.getLogger("hitori.ui.editor")


class EditorResults:
    noun = "レコード"  # what the record is called in messages and the log

    # Provided by the QWidget subclass (see the module docstring).
    form: Any
    message: Any
    heading: Any
    save_button: Any
    revert_button: Any
    delete_button: Any
    saved: Any
    deleted: Any
    _generation: int
    _mode: str
    _busy: bool

    if TYPE_CHECKING:  # provided by QObject and the editor; never shadow them at run time

        def tr(self, sourceText: str, /, disambiguation: str | None = ..., n: int = ...) -> str: ...
        def load(self, record_id: int | None) -> None: ...
        def clear(self) -> None: ...
        def is_dirty(self) -> bool: ...

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
        self.message.setVisible(bool(text))

    def _saved(self, generation: int, outcome: int | UserError) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        current = generation == self._generation
        if isinstance(outcome, ValidationError):
            if current:
                first = self.form.show_errors(outcome.errors)
                labels = "、".join(dict.fromkeys(e.label for e in outcome.errors))
                self.say(
                    self.tr("入力内容を確認してください（{0}件）: {1}。保存していません。").format(
                        len(outcome.errors), labels
                    ),
                    error=True,
                )
                if first is None:
                    self.save_button.setFocus()
            return
        if isinstance(outcome, UserError):
            if current:
                self.say(str(outcome), error=True)
            return
        if current:
            self.load(outcome)
            self.say(self.tr("保存しました。"))
        self.saved.emit(outcome)

    def _deleted(self, generation: int, record_id: int, outcome: UserError | None) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        if outcome is not None:
            self.say(str(outcome), error=True)
            return
        if generation == self._generation:
            self.clear()
            self.say(self.tr("削除しました。"))
        self.deleted.emit(record_id)

    def _failed(self, generation: int, what: str, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        log.error("%s editor: %s: %r", self.noun, what, exc)
        if generation == self._generation:
            if self._mode == "loading":
                self._mode = "missing"
                self.heading.setText(what)
            self.say(f"{what}: {exc}", error=True)
            self._update_buttons()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def _update_buttons(self) -> None:
        editable = self._mode in ("new", "edit")
        self.form.setEnabled(editable and not self._busy)
        self.save_button.setEnabled(editable and not self._busy)
        self.revert_button.setEnabled(editable and not self._busy and self.is_dirty())
        self.delete_button.setEnabled(self._mode == "edit" and not self._busy)
