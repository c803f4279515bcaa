"""The ライセンスキー box: save a key to the OS keyring (through SecretStore) and show it.

The key is never written to the database, the log or settings; the field is cleared
after saving and when another licence is shown. Without a usable keyring the store
keeps keys in memory for this run only, and this box says so.
"""

from __future__ import annotations

import logging
from typing import Any

import shiboken6
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
from app.services.licenses import get_license_key, set_license_key
from app.ui.context import AppContext
from app.ui.widgets.styles import ERROR_STYLE

log = logging.getLogger("hitori.ui.inventory")
NOTICE_STYLE = "color: #8a4b00; background: #fff3e0; padding: 4px;"


def _save_key(
    _p: Progress, sessions: Any, store: SecretStore, license_id: int, key: str
) -> UserError | None:
    try:
        # The service commits the key's reference, then puts the key into the store.
        set_license_key(sessions, store, license_id, key)
    except UserError as exc:
        return exc
    return None


def _read_key(
    _p: Progress, sessions: Any, store: SecretStore, license_id: int
) -> str | UserError | None:
    try:
        with sessions() as session:
            return get_license_key(session, store, license_id)
    except UserError as exc:
        return exc


class LicenseKeyPanel(QGroupBox):
    key_saved = Signal()
    key_shown = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("ライセンスキー（OSの資格情報ストアに保存）"), parent)
        self._ctx = ctx
        self._license_id: int | None = None
        self._has_key = False
        self._generation = 0
        self._busy = False
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
        self.key_edit.textEdited.connect(lambda _t: self._update())
        self._describe_store()
        self.set_license(None, has_key=False)

    def store(self) -> SecretStore | None:
        return self._ctx.secrets

    def set_license(self, license_id: int | None, *, has_key: bool) -> None:
        self._generation += 1
        self._license_id, self._has_key = license_id, has_key
        self._hide_key()
        self._say("")
        self._update()

    def save_key(self) -> None:
        store, key = self.store(), self.key_edit.text()
        if self._busy or store is None or self._license_id is None or not key.strip():
            return
        generation = self._generation
        self._set_busy(True)
        self._ctx.jobs.run(
            _save_key,
            self._ctx.db.sessions,
            store,
            self._license_id,
            key,
            writer=True,
            on_result=lambda outcome: self._saved(generation, outcome),
            on_error=lambda exc: self._saved(generation, exc),
            name="save-license-key",
        )

    def reveal(self) -> None:
        """Fetch the key and show it in the field (the 表示 button)."""
        store = self.store()
        if store is None or self._license_id is None:
            return
        generation = self._generation
        self._set_busy(True)
        self._ctx.jobs.run(
            _read_key,
            self._ctx.db.sessions,
            store,
            self._license_id,
            on_result=lambda outcome: self._revealed(generation, outcome),
            on_error=lambda exc: self._revealed(generation, exc),
            name="read-license-key",
        )

    # --- internals ---------------------------------------------------------------------

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

    def _saved(self, generation: int, outcome: BaseException | None) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        if generation != self._generation:
            return
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

    def _revealed(self, generation: int, outcome: Any) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        if generation != self._generation or not self.show_button.isChecked():
            return
        if isinstance(outcome, BaseException):
            self._hide_key()
            self._say(str(outcome))
            return
        if outcome is None:
            self._hide_key()
            self._say(self.tr("保存されたキーはありません（メモリのみの保存は終了時に消えます）。"))
            return
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Normal)
        self.key_edit.setText(outcome)
        self.show_button.setText(self.tr("隠す"))
        self.key_shown.emit()

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
