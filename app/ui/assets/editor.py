"""The 詳細 tab: show, create, edit and delete one asset, with its 独自項目.

Reads and writes run as background jobs (writes on the single writer); built-in
and custom fields are saved in one transaction, all or nothing. A ValidationError
is shown next to the fields and nothing is written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget
from sqlalchemy.orm import Session, sessionmaker

from app.progress import Progress
from app.services.assets import Lookups, asset_values, delete_asset, get_asset, load_lookups
from app.services.custom_fields import CustomFieldSpec, load_field_specs
from app.services.custom_values import save_asset
from app.services.errors import NotFoundError, ValidationError
from app.ui.assets.asset_form import AssetForm
from app.ui.assets.custom_fields_dialog import CustomFieldsDialog
from app.ui.context import AppContext
from app.ui.widgets.editor_results import EditorResults

log = logging.getLogger("hitori.ui.assets")


@dataclass(frozen=True)
class _Loaded:
    values: dict[str, Any] | None
    lookups: Lookups
    specs: list[CustomFieldSpec]
    custom: dict[str, Any] | None = None
    missing: bool = False


def _load(_p: Progress, sessions: sessionmaker[Session], asset_id: int | None) -> _Loaded:
    with sessions() as session:
        lookups, specs = load_lookups(session), load_field_specs(session)
        if asset_id is None:
            return _Loaded(None, lookups, specs)
        try:
            asset = get_asset(session, asset_id)
        except NotFoundError:
            return _Loaded(None, lookups, specs, missing=True)
        return _Loaded(asset_values(asset), lookups, specs, dict(asset.custom_fields or {}))


def _load_specs(_p: Progress, sessions: sessionmaker[Session]) -> list[CustomFieldSpec]:
    with sessions() as session:
        return load_field_specs(session)


def _save(
    _p: Progress,
    sessions: sessionmaker[Session],
    asset_id: int | None,
    data: dict[str, Any],
    custom: dict[str, str],
) -> int | ValidationError | NotFoundError:
    """Create or update; invalid input is an expected outcome, returned rather than raised."""
    try:
        with sessions.begin() as session:
            return save_asset(session, asset_id, data, custom).id
    except (ValidationError, NotFoundError) as exc:
        return exc


def _delete(_p: Progress, sessions: sessionmaker[Session], asset_id: int) -> NotFoundError | None:
    try:
        with sessions.begin() as session:
            delete_asset(session, asset_id)
    except NotFoundError as exc:
        return exc
    return None


class AssetEditor(EditorResults, QWidget):
    """Edits one asset; ``load(None)`` opens an empty form for a new one."""

    noun = "資産"
    saved = Signal(int)
    deleted = Signal(int)
    loaded = Signal(object)  # the asset id (None for a new asset) once the form is filled

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._asset_id: int | None = None
        self._mode = "empty"  # empty / loading / new / edit / missing
        self._values: dict[str, Any] | None = None
        self._custom: dict[str, Any] | None = None
        self._baseline: tuple[dict[str, Any], dict[str, str]] = ({}, {})
        self._generation = 0
        self._busy = False
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setBold(True)
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.form = AssetForm(self)
        self.save_button = QPushButton(self.tr("保存"), self)
        self.save_button.setToolTip(self.tr("保存 (Ctrl+S)"))
        self.save_button.setDefault(True)
        self.revert_button = QPushButton(self.tr("元に戻す"), self)
        self.revert_button.setToolTip(self.tr("保存していない変更を取り消します"))
        self.delete_button = QPushButton(self.tr("削除"), self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.message)
        layout.addWidget(self.form, 1)
        layout.addLayout(buttons)
        save_action = QAction(self.tr("保存"), self)
        save_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        save_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_action.triggered.connect(self.save)
        self.addAction(save_action)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        self.delete_button.clicked.connect(self.delete)
        self.form.edited.connect(self._update_buttons)
        self.form.manage_custom_fields.connect(self.manage_custom_fields)
        self.fields_dialog: CustomFieldsDialog | None = None
        self.clear()

    # --- public ------------------------------------------------------------------------

    @property
    def current_asset_id(self) -> int | None:
        """The asset shown (or being loaded); None for a new or empty form."""
        return self._asset_id

    def mode(self) -> str:
        return self._mode

    def is_dirty(self) -> bool:
        """True when the form holds input that has not been saved."""
        return self._mode in ("new", "edit") and self._form_state() != self._baseline

    def set_lookups(self, lookups: Lookups) -> None:
        self.form.set_lookups(lookups)

    def clear(self) -> None:
        """Nothing selected: an empty, disabled form."""
        self._generation += 1
        self._asset_id, self._values, self._custom, self._mode = None, None, None, "empty"
        self.form.set_values(None)
        self._baseline = self._form_state()
        self.heading.setText(self.tr("資産を選択するか、「新規登録」を押してください。"))
        self.say("")
        self._update_buttons()

    def load(self, asset_id: int | None) -> None:
        """Fill the form from the database (None: a new-asset form)."""
        self._generation += 1
        generation = self._generation
        self._asset_id, self._mode = asset_id, "loading"
        self.heading.setText(self.tr("読み込み中…"))
        self.say("")
        self._update_buttons()
        self._ctx.jobs.run(
            _load,
            self._ctx.db.sessions,
            asset_id,
            on_result=lambda loaded: self._filled(generation, asset_id, loaded),
            on_error=lambda exc: self._failed(generation, self.tr("読み込めませんでした"), exc),
            name="load-asset",
        )

    def revert(self) -> None:
        """Back to the values last loaded from the database."""
        if self._mode in ("new", "edit"):
            self.form.set_values(self._values, self._custom)
            self.say("")
            self._update_buttons()

    def save(self) -> None:
        if self._busy or self._mode not in ("new", "edit"):
            return
        generation = self._generation
        self._set_busy(True)
        self._ctx.jobs.run(
            _save,
            self._ctx.db.sessions,
            self._asset_id,
            self.form.values(),
            self.form.custom_values(),
            writer=True,
            on_result=lambda outcome: self._saved(generation, outcome),
            on_error=lambda exc: self._failed(generation, self.tr("保存できませんでした"), exc),
            name="save-asset",
        )

    def delete(self) -> None:
        if self._busy or self._mode != "edit" or self._asset_id is None:
            return
        values = self._values or {}
        answer = QMessageBox.question(
            self,
            self.tr("資産の削除"),
            self.tr("「{0}　{1}」を削除しますか？\n削除すると元に戻せません。").format(
                values.get("asset_tag", ""), values.get("name", "")
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        asset_id, generation = self._asset_id, self._generation
        self._set_busy(True)
        self._ctx.jobs.run(
            _delete,
            self._ctx.db.sessions,
            asset_id,
            writer=True,
            on_result=lambda outcome: self._deleted(generation, asset_id, outcome),
            on_error=lambda exc: self._failed(generation, self.tr("削除できませんでした"), exc),
            name="delete-asset",
        )

    # --- job results (main thread) -----------------------------------------------------

    def _filled(self, generation: int, asset_id: int | None, loaded: _Loaded) -> None:
        if not shiboken6.isValid(self) or generation != self._generation:
            return  # another asset was selected meanwhile
        self.form.set_lookups(loaded.lookups)
        self.form.set_custom_specs(loaded.specs)
        self._values, self._custom = loaded.values, loaded.custom
        self.form.set_values(loaded.values, loaded.custom)
        self._baseline = self._form_state()
        if loaded.missing:
            self._mode = "missing"
            self.heading.setText(self.tr("資産（ID {0}）は見つかりません。").format(asset_id))
            self.say(self.tr("削除された可能性があります。再読み込みしてください。"), error=True)
        elif asset_id is None:
            self._mode = "new"
            self.heading.setText(self.tr("新規登録"))
        else:
            self._mode = "edit"
            values = loaded.values or {}
            self.heading.setText(f"{values.get('asset_tag', '')}　{values.get('name', '')}")
        self._update_buttons()
        self.loaded.emit(asset_id)

    # --- custom field definitions ------------------------------------------------------

    def manage_custom_fields(self, asset_type_id: int | None = None) -> None:
        """Open the 独自項目 dialog for a 種別; the form follows its changes."""
        if self.fields_dialog is None:
            types = self.form.type_choices()
            self.fields_dialog = CustomFieldsDialog(self._ctx, types, parent=self)
            self.fields_dialog.changed.connect(self._reload_specs)
        self.fields_dialog.show_type(asset_type_id)
        self.fields_dialog.open()

    def _reload_specs(self) -> None:
        self._ctx.jobs.run(
            _load_specs,
            self._ctx.db.sessions,
            on_result=self._specs_loaded,
            name="load-custom-fields",
        )

    def _specs_loaded(self, specs: list[CustomFieldSpec]) -> None:
        if not shiboken6.isValid(self):
            return
        was_dirty = self.is_dirty()
        self.form.set_custom_specs(specs)
        if not was_dirty:  # new fields are not unsaved input
            self._baseline = self._form_state()
        self._update_buttons()

    # --- internals ---------------------------------------------------------------------

    def _form_state(self) -> tuple[dict[str, Any], dict[str, str]]:
        return self.form.values(), self.form.custom_values()
