"""The 詳細 tab of a contract: its fields, the assets and systems it covers, and its
attached files (契約書 PDFs, 見積書 …)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from app.services.inventory import contracts as svc
from app.services.inventory.systems import system_choices
from app.services.inventory.vendors import vendor_choices
from app.store.vocab import CONTRACT_KINDS
from app.ui.context import AppContext
from app.ui.inventory.link_panel import AddMode, LinkListPanel
from app.ui.inventory.record_editor import RecordAccess, RecordEditor
from app.ui.inventory.record_form import FieldSpec, RecordForm
from app.ui.widgets.attachments_panel import AttachmentsPanel
from app.ui.widgets.side_by_side import SideBySide

L = svc.FIELD_LABELS
SPECS = (
    FieldSpec("title", L["title"], required=True),
    FieldSpec("kind", L["kind"], "choice", choices=tuple(CONTRACT_KINDS.items()), blank=False),
    FieldSpec("contract_number", L["contract_number"]),
    FieldSpec("vendor_id", L["vendor_id"], "choice"),
    FieldSpec("start_date", L["start_date"], "date"),
    FieldSpec("end_date", L["end_date"], "date"),
    FieldSpec("amount_yen", L["amount_yen"], "money", placeholder="例: 1,320,000"),
    FieldSpec("auto_renew", L["auto_renew"], "check"),
    FieldSpec("notice_days", L["notice_days"], "number", placeholder="例: 90"),
    FieldSpec("notes", L["notes"], "multiline"),
)


class ContractAccess(RecordAccess):
    def fetch(self, session: Session, record_id: int) -> dict[str, Any]:
        return svc.contract_values(svc.get_contract(session, record_id))

    def fetch_choices(self, session: Session) -> dict[str, list[tuple[Any, str]]]:
        return {"vendor_id": [(c.id, c.name) for c in vendor_choices(session)]}

    def create(self, session: Session, data: dict[str, Any]) -> int:
        return svc.create_contract(session, data).id

    def update(self, session: Session, record_id: int, data: dict[str, Any]) -> None:
        svc.update_contract(session, record_id, data)

    def remove(self, session: Session, record_id: int) -> None:
        svc.delete_contract(session, record_id)


def _add_asset(session: Session, contract_id: int, tag: Any, _mode: str) -> None:
    svc.link_asset_by_tag(session, contract_id, str(tag))


def _remove_asset(session: Session, contract_id: int, asset_id: int) -> None:
    svc.unlink_asset(session, contract_id, asset_id)


def _add_system(session: Session, contract_id: int, system_id: Any, _mode: str) -> None:
    svc.link_system(session, contract_id, int(system_id))


def _remove_system(session: Session, contract_id: int, system_id: int) -> None:
    svc.unlink_system(session, contract_id, system_id)


class ContractEditor(RecordEditor):
    noun = "契約"
    open_asset = Signal(int)
    open_system = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, RecordForm(SPECS, context="ContractEditor"), ContractAccess(), parent)
        self.assets_panel = LinkListPanel(
            ctx,
            self.tr("対象の資産"),
            list_fn=svc.list_contract_assets,
            add_fn=_add_asset,
            remove_fn=_remove_asset,
            modes=[AddMode("tag", self.tr("資産管理番号"), self.tr("資産管理番号"))],
            parent=self,
        )
        self.systems_panel = LinkListPanel(
            ctx,
            self.tr("対象の業務システム"),
            list_fn=svc.list_contract_systems,
            add_fn=_add_system,
            remove_fn=_remove_system,
            modes=[AddMode("system", self.tr("業務システム"), choices=system_choices)],
            parent=self,
        )
        # Side by side on a wide pane; one above the other on a narrow one, so that
        # each picker shows whole names.
        self.links = SideBySide([self.assets_panel, self.systems_panel], parent=self)
        self.body.addWidget(self.links, 1)
        self.attachments_panel = AttachmentsPanel(ctx, "contract", parent=self)
        self.body.addWidget(self.attachments_panel, 1)
        self.assets_panel.item_activated.connect(self.open_asset)
        self.systems_panel.item_activated.connect(self.open_system)

    def heading_for(self, values: dict[str, Any]) -> str:
        kind = CONTRACT_KINDS.get(values.get("kind") or "", "")
        return f"{values.get('title', '')}（{kind}）" if kind else str(values.get("title", ""))

    def record_changed(self, record_id: int | None) -> None:
        if hasattr(self, "assets_panel"):
            self.assets_panel.set_owner(record_id)
            self.systems_panel.set_owner(record_id)
        if hasattr(self, "attachments_panel"):
            self.attachments_panel.set_owner(record_id)
