"""What an editor does with the result of its background load/save/delete jobs.

Shared by the asset editor and the generic record editor of the other ledger tabs.
The class using it is a QWidget with: ``form`` (``show_errors`` returns the first
invalid widget), ``message`` (a QLabel), ``heading``, ``save_button``,
``revert_button``, ``delete_button``, the ``saved``/``deleted`` signals, ``load``,
``clear``, ``is_dirty``, and the state ``_record_id``, ``_mode``, ``_busy``. The job
runner never calls these for an editor that was destroyed meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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
    _record_id: int | None
    _mode: str
    _busy: bool
    _after_save: tuple[Callable[[], None], Callable[[], None]] | None

    if TYPE_CHECKING:  # provided by QObject and the editor; never shadow them at run time

        def tr(self, sourceText: str, /, disambiguation: str | None = ..., n: int = ...) -> str: ...
        def load(self, record_id: int | None) -> None: ...
        def clear(self) -> None: ...
        def is_dirty(self) -> bool: ...

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
        self.message.setVisible(bool(text))

    def _saved(self, saving: int | None, record_id: int) -> None:
        """A save of ``saving`` (None: a new record) committed as ``record_id``."""
        self._set_busy(False)
        after, self._after_save = self._after_save, None
        if self._still_showing(saving):
            self.load(record_id)
            self.say(self.tr("保存しました。"))
        self.saved.emit(record_id)
        if after is not None:
            after[0]()  # what was waiting for the save (another record, closing …)

    def _save_failed(self, saving: int | None, exc: BaseException) -> None:
        self._set_busy(False)
        after, self._after_save = self._after_save, None
        if after is not None:
            after[1]()  # what was waiting for the save does not happen
        if not self._still_showing(saving):
            return
        if isinstance(exc, ValidationError):
            first = self.form.show_errors(exc.errors)
            labels = "、".join(dict.fromkeys(e.label for e in exc.errors))
            self.say(
                self.tr("入力内容を確認してください（{0}件）: {1}。保存していません。").format(
                    len(exc.errors), labels
                ),
                error=True,
            )
            if first is None:
                self.save_button.setFocus()
        elif isinstance(exc, UserError):
            self.say(str(exc), error=True)
        else:
            self._failed(self.tr("保存できませんでした"), exc)

    def _deleted(self, record_id: int) -> None:
        self._set_busy(False)
        if self._record_id == record_id:
            self.clear()
            self.say(self.tr("削除しました。"))
        self.deleted.emit(record_id)

    def _delete_failed(self, record_id: int, exc: BaseException) -> None:
        self._set_busy(False)
        if self._record_id != record_id:
            return
        if isinstance(exc, UserError):
            self.say(str(exc), error=True)
        else:
            self._failed(self.tr("削除できませんでした"), exc)

    def _still_showing(self, saving: int | None) -> bool:
        """The form still shows what was saved (the user did not move on meanwhile)."""
        if saving is None:
            return self._mode == "new" and self._record_id is None
        return self._record_id == saving

    def _failed(self, what: str, exc: BaseException) -> None:
        self._set_busy(False)
        log.error("%s editor: %s: %r", self.noun, what, exc)
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
