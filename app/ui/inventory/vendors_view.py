"""The ベンダー・連絡先 page: vendors with their support hours and emergency contact,
and each vendor's contacts (add, edit, delete)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from app.services.inventory.vendors import load_vendor_rows
from app.store.models import Contact, Vendor
from app.ui.context import AppContext
from app.ui.inventory.record_view import RecordListView
from app.ui.inventory.rows_model import RowColumn
from app.ui.inventory.vendor_editor import ContactsPanel, VendorEditor
from app.ui.translations import QT_TRANSLATE_NOOP

CTX = "VendorsView"


class VendorsView(RecordListView):
    view_key = "vendors"
    title = "ベンダー・連絡先"
    record_model = Vendor
    # Counts of contacts, contracts, systems and licences per vendor.
    shows = frozenset({"contact", "contract", "system", "license"})
    opens = frozenset({"vendor", "contact"})  # a contact opens with its vendor
    noun = "ベンダー"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        columns = [
            RowColumn(QT_TRANSLATE_NOOP(CTX, "名称"), lambda r: r.name),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "代表電話"), lambda r: r.phone),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "サポート受付時間"), lambda r: r.support_hours),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "緊急連絡先"), lambda r: r.emergency_contact),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "連絡先"), lambda r: r.contact_count, "int"),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "契約"), lambda r: r.contract_count, "int"),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "システム"), lambda r: r.system_count, "int"),
            RowColumn(QT_TRANSLATE_NOOP(CTX, "ライセンス"), lambda r: r.license_count, "int"),
        ]
        editor = VendorEditor(ctx)
        super().__init__(ctx, columns, editor, parent)
        self.vendor_editor = editor
        self.contacts = ContactsPanel(ctx, self)
        self.tabs.insertTab(1, self.contacts, self.tr("連絡先"))
        self.table.fit_columns((280, 110, 140, 200, 50, 50, 60))
        self.vendor_editor.vendor_shown.connect(self.contacts.set_vendor)

    def open_record(self, kind: str, record_id: int) -> None:
        if kind != "contact":
            self.show_record(record_id)
            return
        self.ctx.jobs.read(_vendor_of_contact, record_id, key="open", on_result=self._show_vendor)

    def _show_vendor(self, vendor_id: int | None) -> None:
        if vendor_id is not None:
            self.show_record(vendor_id)

    @staticmethod
    def load_rows(session: Session, today: date) -> tuple[list[Any], Any]:
        return load_vendor_rows(session), None


def _vendor_of_contact(session: Session, contact_id: int) -> int | None:
    contact = session.get(Contact, contact_id)
    return contact.vendor_id if contact is not None else None
