"""The 詳細 tab: show, create, edit and delete one asset, with its 独自項目.

The generic record editor of the other ledger tabs (RecordEditor) with an AssetAccess:
built-in and custom fields are saved in one transaction, all or nothing, and a
ValidationError is shown next to the fields with nothing written. The form's custom
fields follow the 独自項目 dialog opened from here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from app.services.inventory.asset_tags import next_asset_tag
from app.services.inventory.assets import (
    Lookups,
    asset_values,
    create_asset,
    delete_asset,
    get_asset,
    load_lookups,
    update_asset,
)
from app.services.inventory.custom_fields import CustomFieldSpec, load_field_specs
from app.ui.assets.asset_form import AssetForm
from app.ui.assets.custom_fields_dialog import CustomFieldsDialog
from app.ui.context import AppContext
from app.ui.inventory.record_editor import RecordAccess, RecordEditor

log = logging.getLogger("hitori.ui.assets")

CUSTOM = "custom_fields"  # the key of the custom values in the editor's data


@dataclass(frozen=True)
class _FormContext:
    lookups: Lookups
    specs: list[CustomFieldSpec]


# What a duplicate does not take over: it identifies the machine it was read from.
DUPLICATE_CLEARS = (
    "serial_number", "hostname", "ip_address", "mac_address", "user_name", "last_audited_on",
)  # fmt: skip


class AssetAccess(RecordAccess):
    """Assets for the record editor; the custom values travel under ``CUSTOM``."""

    def fetch(self, session: Session, record_id: int) -> dict[str, Any]:
        asset = get_asset(session, record_id)
        return {**asset_values(asset), CUSTOM: dict(asset.custom_fields or {})}

    def fetch_choices(self, session: Session) -> _FormContext:
        return _FormContext(load_lookups(session), load_field_specs(session))

    def blank(self, session: Session, copy_of: int | None) -> dict[str, Any] | None:
        """A new asset starts with the next free tag in the ledger's pattern; a duplicate
        with the copied asset's values, a new tag, and what identifies one machine
        (serial, host name, addresses, user, when seen or audited) left empty."""
        if copy_of is None:
            tag = next_asset_tag(session)
            return {"asset_tag": tag} if tag else None
        asset = get_asset(session, copy_of)
        values: dict[str, Any] = {**asset_values(asset), CUSTOM: dict(asset.custom_fields or {})}
        for name in DUPLICATE_CLEARS:
            values[name] = None
        values["asset_tag"] = next_asset_tag(session, asset.asset_tag)
        return values

    def create(self, session: Session, data: dict[str, Any]) -> int:
        values = dict(data)
        return create_asset(session, values, values.pop(CUSTOM, {})).id

    def update(self, session: Session, record_id: int, data: dict[str, Any]) -> None:
        values = dict(data)
        update_asset(session, record_id, values, values.pop(CUSTOM, {}))

    def remove(self, session: Session, record_id: int) -> None:
        delete_asset(session, record_id)


class AssetEditor(RecordEditor):
    """Edits one asset; ``load(None)`` opens an empty form for a new one."""

    noun = "資産"
    form: AssetForm

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.fields_dialog: CustomFieldsDialog | None = None
        super().__init__(ctx, AssetForm(), AssetAccess(), parent)
        self.form.manage_custom_fields.connect(self.manage_custom_fields)
        # The form's custom fields follow the definitions, wherever they are edited.
        ctx.jobs.watch(self, {"custom_field"}, lambda _changes: self._reload_specs())

    @property
    def current_asset_id(self) -> int | None:
        """The asset shown (or being loaded); None for a new or empty form."""
        return self.current_id

    def set_lookups(self, lookups: Lookups) -> None:
        self.form.set_lookups(lookups)

    # --- RecordEditor hooks ------------------------------------------------------------

    def heading_for(self, values: dict[str, Any]) -> str:
        return f"{values.get('asset_tag', '')}　{values.get('name', '')}"

    def apply_choices(self, choices: Any) -> None:
        self.form.set_lookups(choices.lookups)
        self.form.set_custom_specs(choices.specs)

    def fill_form(self, values: dict[str, Any] | None) -> None:
        builtin = dict(values or {})
        custom = builtin.pop(CUSTOM, None)
        self.form.set_values(builtin if values is not None else None, custom)

    def form_data(self) -> dict[str, Any]:
        return {**self.form.values(), CUSTOM: self.form.custom_values()}

    # --- custom field definitions ------------------------------------------------------

    def manage_custom_fields(self, asset_type_id: int | None = None) -> None:
        """Open the 独自項目 dialog for a 種別; the form follows its changes."""
        if self.fields_dialog is None:
            types = self.form.type_choices()
            self.fields_dialog = CustomFieldsDialog(self._ctx, types, parent=self)
        self.fields_dialog.show_type(asset_type_id)
        self.fields_dialog.open()

    def _reload_specs(self) -> None:
        self._ctx.jobs.read(load_field_specs, owner=self, key="specs", on_result=self._specs_loaded)

    def _specs_loaded(self, specs: list[CustomFieldSpec]) -> None:
        was_dirty = self.is_dirty()
        self.form.set_custom_specs(specs)
        if not was_dirty:  # new fields are not unsaved input
            self._baseline = self.form_data()
        self._update_buttons()
