"""The 詳細 tab of a record list: show, create, edit and delete one record.

How a record is read, written and deleted is said by a RecordAccess: a plain object
(no Qt) whose methods run in worker threads, handed their session by the job runner
(``ctx.jobs.read`` / ``write``). A ValidationError is shown next to the fields and
nothing is written; a refused delete (the record is still in use) is shown as a
message. Lists showing the record reload themselves when the write is announced.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from app.services.errors import NotFoundError
from app.ui.context import AppContext
from app.ui.inventory.record_form import RecordForm
from app.ui.widgets.editor_results import EditorResults
from app.ui.widgets.unsaved import UnsavedInput

log = logging.getLogger("hitori.ui.inventory")


class RecordAccess:
    """Reads and writes one kind of record; every method runs in a worker thread."""

    def fetch(self, session: Session, record_id: int) -> dict[str, Any]:
        raise NotImplementedError

    def fetch_choices(self, session: Session) -> Any:
        """What the form needs besides the record (by default: choices by field name,
        handed to ``RecordEditor.apply_choices``)."""
        return {}

    def create(self, session: Session, data: dict[str, Any]) -> int:
        raise NotImplementedError

    def update(self, session: Session, record_id: int, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def remove(self, session: Session, record_id: int) -> None:
        raise NotImplementedError

    def blank(self, session: Session, copy_of: int | None) -> dict[str, Any] | None:
        """The values a new record's form starts with: empty (None), or, to duplicate
        ``copy_of``, its values (kinds with unique fields clear or renew them)."""
        return None if copy_of is None else self.fetch(session, copy_of)


@dataclass(frozen=True)
class _Loaded:
    values: dict[str, Any] | None
    choices: Any
    missing: bool = False


def _load(
    session: Session, access: RecordAccess, record_id: int | None, copy_of: int | None = None
) -> _Loaded:
    choices = access.fetch_choices(session)
    if record_id is None:
        try:
            return _Loaded(access.blank(session, copy_of), choices)
        except NotFoundError:  # the record to copy was deleted meanwhile
            return _Loaded(access.blank(session, None), choices)
    try:
        return _Loaded(access.fetch(session, record_id), choices)
    except NotFoundError:
        return _Loaded(None, choices, missing=True)


def _save(
    session: Session, access: RecordAccess, record_id: int | None, data: dict[str, Any]
) -> int:
    """Create or update; returns the record's id."""
    if record_id is None:
        return access.create(session, data)
    access.update(session, record_id, data)
    return record_id


class RecordEditor(EditorResults, UnsavedInput, QWidget):
    """Edits one record; ``load(None)`` opens an empty form for a new one."""

    saved = Signal(int)
    deleted = Signal(int)
    loaded = Signal(object)  # the record id (None for a new one) once the form is filled

    new_button_text = "新規登録"  # the button that opens an empty form

    def __init__(
        self,
        ctx: AppContext,
        form: RecordForm | QWidget,
        access: RecordAccess,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        # A RecordForm, or a form with the same members (edited, set_values, values,
        # show_errors); subclasses say which in ``fill_form``/``form_data``.
        self.form: Any = cast(Any, form)
        self.access = access
        self._record_id: int | None = None
        self._mode = "empty"  # empty / loading / new / edit / missing
        self._copy_of: int | None = None  # the record a new one duplicates
        self._values: dict[str, Any] | None = None
        self._baseline: dict[str, Any] = {}
        self._busy = False
        # What to do once the save under way commits or is refused (UnsavedInput).
        self._after_save: tuple[Callable[[], None], Callable[[], None]] | None = None
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setBold(True)
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)  # a title is shown as typed
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.save_button = QPushButton(self.tr("保存"), self)
        self.save_button.setToolTip(self.tr("保存 (Ctrl+S)"))
        self.save_button.setDefault(True)
        self.revert_button = QPushButton(self.tr("元に戻す"), self)
        self.revert_button.setToolTip(self.tr("保存していない変更を取り消します"))
        self.delete_button = QPushButton(self.tr("削除"), self)
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.save_button)
        self.buttons.addWidget(self.revert_button)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.delete_button)
        self.body = QVBoxLayout()  # subclasses add link panels below the form
        self.body.addWidget(self.form, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.message)
        layout.addLayout(self.body, 1)
        layout.addLayout(self.buttons)
        save_action = QAction(self.tr("保存"), self)
        save_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        save_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_action.triggered.connect(self.save)
        self.addAction(save_action)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        self.delete_button.clicked.connect(self.delete)
        self.form.edited.connect(self._update_buttons)
        self.clear()

    # --- hooks (main thread) -----------------------------------------------------------

    def heading_for(self, values: dict[str, Any]) -> str:
        return str(values.get("name") or values.get("title") or "")

    def record_changed(self, record_id: int | None) -> None:
        """Called when another record (or none) is shown: refresh linked lists."""

    def apply_choices(self, choices: Any) -> None:
        """Hand the form what ``RecordAccess.fetch_choices`` read."""
        for name, items in choices.items():
            self.form.set_choices(name, items)

    def fill_form(self, values: dict[str, Any] | None) -> None:
        self.form.set_values(values)

    def form_data(self) -> dict[str, Any]:
        """The input as saved (and compared for unsaved changes)."""
        return dict(self.form.values())

    # --- public ------------------------------------------------------------------------

    @property
    def current_id(self) -> int | None:
        return self._record_id

    def mode(self) -> str:
        return self._mode

    def is_dirty(self) -> bool:
        return self._mode in ("new", "edit") and self.form_data() != self._baseline

    # --- UnsavedInput (app.ui.widgets.unsaved) ------------------------------------------

    def has_unsaved(self) -> bool:
        return self.is_dirty()

    def unsaved_label(self) -> str:
        if self._mode == "new":
            return self.tr("新しい{0}").format(self.noun)
        return self.tr("{0}「{1}」").format(self.noun, self.heading_for(self._values or {}))

    def save_then(self, done: Callable[[], None], failed: Callable[[], None]) -> None:
        if self._busy or self._mode not in ("new", "edit"):
            failed()  # a save or delete is under way: the user can try again after it
            return
        self._after_save = (done, failed)
        self.save()

    def discard_unsaved(self) -> None:
        self.revert()

    def clear(self) -> None:
        self._record_id, self._values, self._mode = None, None, "empty"
        self.fill_form(None)
        self._baseline = self.form_data()
        self.heading.setText(
            self.tr("{0}を選択するか、「{1}」を押してください。").format(
                self.noun, self.tr(self.new_button_text)
            )
        )
        self.say("")
        self._update_buttons()
        self.record_changed(None)

    def load(self, record_id: int | None, *, copy_of: int | None = None) -> None:
        """Fill the form from the database (None: a form for a new record, started from
        the kind's blank values or, with ``copy_of``, as a duplicate of that record)."""
        self._record_id, self._mode = record_id, "loading"
        self._copy_of = copy_of if record_id is None else None
        self.heading.setText(self.tr("読み込み中…"))
        self.say("")
        self._update_buttons()
        self._ctx.jobs.read(
            _load,
            self.access,
            record_id,
            self._copy_of,
            owner=self,
            key="load",
            on_result=lambda loaded: self._filled(record_id, loaded),
            on_error=lambda exc: self._failed(self.tr("読み込めませんでした"), exc),
        )

    def revert(self) -> None:
        if self._mode in ("new", "edit"):
            self.fill_form(self._values)
            self.say("")
            self._update_buttons()

    def save(self) -> None:
        if self._busy or self._mode not in ("new", "edit"):
            return
        self._set_busy(True)
        saving = self._record_id
        self._ctx.jobs.write(
            _save,
            self.access,
            saving,
            self.form_data(),
            owner=self,
            on_result=lambda record_id: self._saved(saving, record_id),
            on_error=lambda exc: self._save_failed(saving, exc),
        )

    def delete(self) -> None:
        if self._busy or self._mode != "edit" or self._record_id is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("{0}の削除").format(self.noun),
            self.tr("「{0}」を削除しますか？\n削除すると元に戻せません。").format(
                self.heading_for(self._values or {})
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        record_id = self._record_id
        self._set_busy(True)
        self._ctx.jobs.write(
            self.access.remove,
            record_id,
            owner=self,
            on_result=lambda _none: self._deleted(record_id),
            on_error=lambda exc: self._delete_failed(record_id, exc),
        )

    # --- job results (main thread) -----------------------------------------------------

    def _filled(self, record_id: int | None, loaded: _Loaded) -> None:
        self.apply_choices(loaded.choices)
        self._values = loaded.values
        self.fill_form(loaded.values)
        self._baseline = self.form_data()
        if loaded.missing:
            self._mode = "missing"
            self.heading.setText(self.tr("{0}（ID {1}）は見つかりません。").format(
                self.noun, record_id))  # fmt: skip
            self.say(self.tr("削除された可能性があります。再読み込みしてください。"), error=True)
        elif record_id is None:
            self._mode = "new"
            if self._copy_of is not None:
                self.heading.setText(self.tr("複製して新規登録（{0}）").format(self.noun))
                self.say(self.tr("複製した内容です。保存すると新しい記録になります。"))
            else:
                self.heading.setText(self.tr("新規登録（{0}）").format(self.noun))
        else:
            self._mode = "edit"
            self.heading.setText(self.heading_for(loaded.values or {}))
        self._update_buttons()
        self.record_changed(record_id if self._mode == "edit" else None)
        self.loaded.emit(record_id)
