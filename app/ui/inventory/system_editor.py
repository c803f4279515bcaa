"""The 詳細 tab of a business system: vendor, 標準化対象業務, 特定移行支援 status, and the
servers (assets) and contracts linked to it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QWidget
from sqlalchemy.orm import Session

from app.services.inventory import systems as svc
from app.services.inventory.contracts import contract_choices
from app.services.inventory.vendors import vendor_choices
from app.store.vocab import SEGMENTS, TOKUTEI_REASONS
from app.ui.context import AppContext
from app.ui.inventory.link_panel import AddMode, LinkListPanel
from app.ui.inventory.record_editor import RecordAccess, RecordEditor
from app.ui.inventory.record_form import FieldSpec, RecordForm
from app.ui.widgets.date_edit import JDateEdit
from app.ui.widgets.side_by_side import SideBySide

L = svc.FIELD_LABELS
REASON_CHOICES = tuple((code, f"{code}: {label}") for code, label in TOKUTEI_REASONS.items())
SPECS = (
    FieldSpec("name", L["name"], required=True),
    FieldSpec("standard_business_id", L["standard_business_id"], "choice"),
    FieldSpec("vendor_id", L["vendor_id"], "choice"),
    FieldSpec("department_id", L["department_id"], "choice"),
    FieldSpec("segment", L["segment"], "choice", choices=tuple(SEGMENTS.items())),
    FieldSpec("migration_planned_on", L["migration_planned_on"], "date"),
    FieldSpec("tokutei_iko", L["tokutei_iko"], "check"),
    FieldSpec(
        "tokutei_reason", L["tokutei_reason"], "choice", choices=REASON_CHOICES,
        depends_on="tokutei_iko",
    ),
    FieldSpec("tokutei_deadline", L["tokutei_deadline"], "date", depends_on="tokutei_iko"),
    FieldSpec("description", L["description"], "multiline"),
    FieldSpec("notes", L["notes"], "multiline"),
)  # fmt: skip
# 特定移行支援システム: "概ね5年以内", about the end of FY2030 (a default the user can edit).
TOKUTEI_DEFAULT_DEADLINE = "2031-03-31"


class SystemAccess(RecordAccess):
    def fetch(self, session: Session, record_id: int) -> dict[str, Any]:
        return svc.system_values(svc.get_system(session, record_id))

    def fetch_choices(self, session: Session) -> dict[str, list[tuple[Any, str]]]:
        return {
            "vendor_id": [(c.id, c.name) for c in vendor_choices(session)],
            "standard_business_id": [
                (c.id, c.name) for c in svc.standard_business_choices(session)
            ],
            "department_id": [(c.id, c.name) for c in svc.department_choices(session)],
        }

    def create(self, session: Session, data: dict[str, Any]) -> int:
        return svc.create_system(session, data).id

    def update(self, session: Session, record_id: int, data: dict[str, Any]) -> None:
        svc.update_system(session, record_id, data)

    def remove(self, session: Session, record_id: int) -> None:
        svc.delete_system(session, record_id)


def _add_server(session: Session, system_id: int, tag: Any, _mode: str) -> None:
    svc.link_server_by_tag(session, system_id, str(tag))


def _remove_server(session: Session, system_id: int, asset_id: int) -> None:
    svc.unlink_server(session, system_id, asset_id)


def _add_contract(session: Session, system_id: int, contract_id: Any, _mode: str) -> None:
    svc.link_contract(session, system_id, int(contract_id))


def _remove_contract(session: Session, system_id: int, contract_id: int) -> None:
    svc.unlink_contract(session, system_id, contract_id)


class SystemEditor(RecordEditor):
    noun = "業務システム"
    open_asset = Signal(int)
    open_contract = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        form = RecordForm(SPECS, context="SystemEditor")
        super().__init__(ctx, form, SystemAccess(), parent)
        self.servers_panel = LinkListPanel(
            ctx,
            self.tr("関連する機器（サーバ・端末など）"),
            list_fn=svc.list_system_servers,
            add_fn=_add_server,
            remove_fn=_remove_server,
            modes=[AddMode("tag", self.tr("資産管理番号"), self.tr("資産管理番号"))],
            parent=self,
        )
        self.contracts_panel = LinkListPanel(
            ctx,
            self.tr("契約"),
            list_fn=svc.list_system_contracts,
            add_fn=_add_contract,
            remove_fn=_remove_contract,
            modes=[AddMode("contract", self.tr("契約"), choices=contract_choices)],
            parent=self,
        )
        # Side by side on a wide pane; one above the other on a narrow one, so that
        # each picker shows whole names.
        self.links = SideBySide([self.servers_panel, self.contracts_panel], parent=self)
        self.body.addWidget(self.links, 1)
        self.servers_panel.item_activated.connect(self.open_asset)
        self.contracts_panel.item_activated.connect(self.open_contract)
        flag = self.form.inputs["tokutei_iko"]
        assert isinstance(flag, QCheckBox)
        flag.clicked.connect(self._flag_clicked)

    def record_changed(self, record_id: int | None) -> None:
        if hasattr(self, "servers_panel"):
            self.servers_panel.set_owner(record_id)
            self.contracts_panel.set_owner(record_id)

    def _flag_clicked(self, on: bool) -> None:
        deadline = self.form.inputs["tokutei_deadline"]
        assert isinstance(deadline, JDateEdit)
        if on and not deadline.text().strip():
            deadline.setText(TOKUTEI_DEFAULT_DEADLINE)
