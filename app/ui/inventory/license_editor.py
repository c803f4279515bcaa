"""The 詳細 tab of a licence: fields, seat usage (red when over-assigned), the seat
assignments to assets or users, and the licence key kept in the keyring."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget
from sqlalchemy.orm import Session

from app.secrets import SecretStore
from app.services.field_input import LinkedItem
from app.services.inventory import licenses as svc
from app.services.inventory.contracts import contract_choices
from app.services.inventory.vendors import vendor_choices
from app.ui.context import AppContext
from app.ui.inventory.license_key_panel import LicenseKeyPanel
from app.ui.inventory.link_panel import AddMode, LinkListPanel
from app.ui.inventory.record_editor import RecordAccess, RecordEditor
from app.ui.inventory.record_form import FieldSpec, RecordForm

L = svc.FIELD_LABELS
SPECS = (
    FieldSpec("product", L["product"], required=True),
    FieldSpec("vendor_id", L["vendor_id"], "choice"),
    FieldSpec("seats", L["seats"], "number", required=True, placeholder="例: 10"),
    FieldSpec("expiry_date", L["expiry_date"], "date"),
    FieldSpec("contract_id", L["contract_id"], "choice"),
    FieldSpec("notes", L["notes"], "multiline"),
)
OVER_STYLE = "color: #b00020; font-weight: bold;"


class LicenseAccess(RecordAccess):
    def __init__(self, store: SecretStore | None) -> None:
        self.store = store

    def fetch(self, session: Session, record_id: int) -> dict[str, Any]:
        lic = svc.get_license(session, record_id)
        return {**svc.license_values(lic), "has_key": lic.key_credential_id is not None}

    def fetch_choices(self, session: Session) -> dict[str, list[tuple[Any, str]]]:
        return {
            "vendor_id": [(c.id, c.name) for c in vendor_choices(session)],
            "contract_id": [(c.id, c.name) for c in contract_choices(session)],
        }

    def create(self, session: Session, data: dict[str, Any]) -> int:
        return svc.create_license(session, data).id

    def update(self, session: Session, record_id: int, data: dict[str, Any]) -> None:
        svc.update_license(session, record_id, data)

    def remove(self, session: Session, record_id: int) -> None:
        svc.delete_license(session, record_id, self.store)


def _list_assignments(session: Session, license_id: int) -> list[LinkedItem]:
    return [
        LinkedItem(a.id, a.label, f"割当日 {a.assigned_on.isoformat()}" if a.assigned_on else "")
        for a in svc.list_assignments(session, license_id)
    ]


def _assign(session: Session, license_id: int, value: Any, mode: str, *, today: date) -> None:
    if mode == "asset":
        svc.assign(session, license_id, asset_tag=str(value), assigned_on=today)
    else:
        svc.assign(session, license_id, user_name=str(value), assigned_on=today)


def _unassign(session: Session, _license_id: int, assignment_id: int) -> None:
    svc.unassign(session, assignment_id)


class LicenseEditor(RecordEditor):
    noun = "ライセンス"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        form = RecordForm(SPECS, context="LicenseEditor")
        super().__init__(ctx, form, LicenseAccess(ctx.secrets), parent)
        self.usage_label = QLabel(self)
        self.assignments = LinkListPanel(
            ctx,
            self.tr("割当（資産または利用者）"),
            list_fn=_list_assignments,
            add_fn=partial(_assign, today=ctx.today()),
            remove_fn=_unassign,
            modes=[
                AddMode("asset", self.tr("資産"), self.tr("資産管理番号")),
                AddMode("user", self.tr("利用者"), self.tr("利用者名")),
            ],
            parent=self,
        )
        self.key_panel = LicenseKeyPanel(ctx, self)
        self.body.addWidget(self.usage_label)
        self.body.addWidget(self.assignments, 2)
        self.body.addWidget(self.key_panel)
        self.assignments.loaded.connect(self._update_usage)

    def heading_for(self, values: dict[str, Any]) -> str:
        return str(values.get("product", ""))

    def record_changed(self, record_id: int | None) -> None:
        if not hasattr(self, "assignments"):
            return
        has_key = bool((self._values or {}).get("has_key")) if record_id else False
        self.usage_label.clear()
        self.assignments.set_owner(record_id)
        self.key_panel.set_license(record_id, has_key=has_key)

    def usage(self) -> tuple[int, int]:
        """(assigned, seats) as last shown."""
        seats = (self._values or {}).get("seats") or 0
        return self.assignments.list.count(), int(seats)

    def _update_usage(self) -> None:
        assigned, seats = self.usage()
        over = assigned - seats
        if over > 0:
            self.usage_label.setText(
                self.tr("割当 {0} / {1}席 — {2}席超過しています").format(assigned, seats, over)
            )
            self.usage_label.setStyleSheet(OVER_STYLE)
        else:
            self.usage_label.setText(
                self.tr("割当 {0} / {1}席（残り {2}席）").format(assigned, seats, -over)
            )
            self.usage_label.setStyleSheet("")
