"""The ライセンスキー box: save a key to the OS keyring (through SecretStore) and show it.

The key is never written to the database, the log or settings; the field is cleared
after saving and when another licence is shown. Without a usable keyring the store
keeps keys in memory for this run only, and this box says so.

Saving is the one write here that is not a single transaction: the service commits the
key's reference, then puts the key into the store (and undoes the reference if that
fails), so it is handed the session factory and runs as a job on the writer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.progress import Progress
from app.secrets import SecretStore
from app.services.inventory.licenses import get_license_key, set_license_key
from app.ui.context import AppContext
from app.ui.widgets.styles import ERROR_STYLE
from app.ui.widgets.unsaved import UnsavedInput

log = logging.getLogger("hitori.ui.inventory")
NOTICE_STYLE = "color: #8a4b00; background: #fff3e0; padding: 4px;"


def _save_key(_p: Progress, sessions: Any, store: SecretStore, license_id: int, key: str) -> None:
    set_license_key(sessions, store, license_id, key)


class LicenseKeyPanel(UnsavedInput, QGroupBox):
    key_saved = Signal()
    key_shown = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("ライセンスキー（OSの資格情報ストアに保存）"), parent)
        self._ctx = ctx
        self._license_id: int | None = None
        self._has_key = False
        self._busy = False
        self._typed = False  # a key typed in and not saved yet
        self._after_save: tuple[Callable[[], None], Callable[[], None]] | None = None
        self.store_label = QLabel(self)
        self.store_label.setWordWrap(True)
        self.key_edit = QLineEdit(self)
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText(self.tr("キーを入力して「キーを保存」"))
        self.save_button = QPushButton(self.tr("キーを保存"), self)
        self.show_button = QPushButton(self.tr("表示"), self)
        self.show_button.setCheckable(True)
        self.state_label = QLabel(self)
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)
        row = QHBoxLayout()
        row.addWidget(self.key_edit, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.show_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.store_label)
        layout.addLayout(row)
        layout.addWidget(self.state_label)
        layout.addWidget(self.error_label)
        self.save_button.clicked.connect(self.save_key)
        self.show_button.toggled.connect(self._toggle_show)
        self.key_edit.textEdited.connect(self._edited)
        self._describe_store()
        self.set_license(None, has_key=False)

    def store(self) -> SecretStore | None:
        return self._ctx.secrets

    def set_license(self, license_id: int | None, *, has_key: bool) -> None:
        if license_id is not None and license_id == self._license_id and self._typed:
            self._has_key = has_key  # the same licence saved again: the typed key stays
            self._update()
            return
        self._license_id, self._has_key = license_id, has_key
        self._hide_key()
        self._say("")
        self._update()

    def save_key(self) -> None:
        store, key, license_id = self.store(), self.key_edit.text(), self._license_id
        if self._busy or store is None or license_id is None or not key.strip():
            return
        self._set_busy(True)
        self._ctx.jobs.run(
            _save_key,
            self._ctx.db.sessions,
            store,
            license_id,
            key,
            writer=True,
            owner=self,
            on_result=lambda _none: self._saved(license_id, None),
            on_error=lambda exc: self._saved(license_id, exc),
            name="save-license-key",
        )

    def reveal(self) -> None:
        """Fetch the key and show it in the field (the 表示 button)."""
        store, license_id = self.store(), self._license_id
        if store is None or license_id is None:
            return
        self._set_busy(True)
        self._ctx.jobs.read(
            get_license_key,
            store,
            license_id,
            owner=self,
            key="reveal",
            on_result=lambda found: self._revealed(license_id, found),
            on_error=lambda exc: self._reveal_failed(license_id, exc),
            name="read-license-key",
        )

    # --- UnsavedInput (app.ui.widgets.unsaved) ------------------------------------------

    def has_unsaved(self) -> bool:
        return self._typed and bool(self.key_edit.text().strip())

    def unsaved_label(self) -> str:
        return self.tr("ライセンスキーの入力欄")

    def save_then(self, done: Callable[[], None], failed: Callable[[], None]) -> None:
        if self._busy or self.store() is None or self._license_id is None:
            failed()
            return
        self._after_save = (done, failed)
        self.save_key()

    def discard_unsaved(self) -> None:
        self._hide_key()
        self._update()

    # --- internals ---------------------------------------------------------------------

    def _edited(self, _text: str) -> None:
        self._typed = True
        self._update()

    def _describe_store(self) -> None:
        store = self.store()
        if store is None:
            self.store_label.setText(self.tr("キーの保存先（キーリング）が初期化されていません。"))
            self.store_label.setStyleSheet(NOTICE_STYLE)
        elif not store.is_persistent():
            self.store_label.setText(store.message)
            self.store_label.setStyleSheet(NOTICE_STYLE)
        else:
            self.store_label.setText(self.tr("保存先: {0}").format(store.backend_name()))
            self.store_label.setStyleSheet("")

    def _toggle_show(self, on: bool) -> None:
        if on:
            self.reveal()
        else:
            self._hide_key()

    def _hide_key(self) -> None:
        self.show_button.blockSignals(True)
        self.show_button.setChecked(False)
        self.show_button.blockSignals(False)
        self.show_button.setText(self.tr("表示"))
        self.key_edit.clear()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self._typed = False

    def _saved(self, license_id: int, outcome: BaseException | None) -> None:
        self._set_busy(False)
        after, self._after_save = self._after_save, None
        self._show_saved(license_id, outcome)
        if after is not None:  # what waited for the save (another licence, closing …)
            after[0 if outcome is None else 1]()

    def _show_saved(self, license_id: int, outcome: BaseException | None) -> None:
        if license_id != self._license_id:
            return  # another licence is shown by now
        if outcome is not None:
            if not isinstance(outcome, UserError):
                log.error("saving a licence key failed: %s", type(outcome).__name__)
            self._say(str(outcome))
            return
        self._has_key = True
        self._hide_key()
        self._say("")
        self._update()
        self.state_label.setText(self.tr("キーを保存しました。"))
        self.key_saved.emit()

    def _revealed(self, license_id: int, outcome: str | None) -> None:
        self._set_busy(False)
        if license_id != self._license_id or not self.show_button.isChecked():
            return  # another licence is shown, or the key was hidden again meanwhile
        if outcome is None:
            self._hide_key()
            self._say(self.tr("保存されたキーはありません（メモリのみの保存は終了時に消えます）。"))
            return
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Normal)
        self.key_edit.setText(outcome)
        self._typed = False  # what is stored, not input
        self.show_button.setText(self.tr("隠す"))
        self.key_shown.emit()

    def _reveal_failed(self, license_id: int, exc: BaseException) -> None:
        self._set_busy(False)
        if not isinstance(exc, UserError):
            log.error("reading a licence key failed: %s", type(exc).__name__)
        if license_id == self._license_id and self.show_button.isChecked():
            self._hide_key()
            self._say(str(exc))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update()

    def _update(self) -> None:
        usable = self.store() is not None and self._license_id is not None and not self._busy
        self.key_edit.setEnabled(usable)
        self.save_button.setEnabled(usable and bool(self.key_edit.text().strip()))
        self.show_button.setEnabled(usable and self._has_key)
        if self._license_id is None:
            self.state_label.setText(self.tr("ライセンスを保存するとキーを登録できます。"))
        elif self._has_key:
            self.state_label.setText(self.tr("キー: 保存済み"))
        else:
            self.state_label.setText(self.tr("キー: 未登録"))

    def _say(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
