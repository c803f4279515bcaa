"""Editors of a vendor and of its contacts, and the 連絡先 tab that lists the contacts
(read again whenever a write touched a contact)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from app.services.inventory import vendors as svc
from app.store.changes import Changes
from app.ui.context import AppContext
from app.ui.inventory.record_editor import RecordAccess, RecordEditor
from app.ui.inventory.record_form import FieldSpec, RecordForm
from app.ui.inventory.rows_model import RowColumn, RowsTableModel, RowsTableView
from app.ui.translations import QT_TRANSLATE_NOOP
from app.ui.widgets.unsaved import ask_first, unsaved_in

L = svc.FIELD_LABELS
VENDOR_SPECS = (
    FieldSpec("name", L["name"], required=True),
    FieldSpec("kana", L["kana"]),
    FieldSpec("phone", L["phone"], placeholder="例: 03-1234-5678"),
    FieldSpec("support_hours", L["support_hours"], placeholder="例: 平日 9:00〜17:30"),
    FieldSpec("emergency_contact", L["emergency_contact"], placeholder="例: 090-1234-5678（夜間）"),
    FieldSpec("address", L["address"]),
    FieldSpec("url", L["url"], placeholder="https://"),
    FieldSpec("notes", L["notes"], "multiline"),
)
C = svc.CONTACT_LABELS
CONTACT_SPECS = (
    FieldSpec("name", C["name"], required=True),
    FieldSpec("kana", C["kana"]),
    FieldSpec("role", C["role"]),
    FieldSpec("phone", C["phone"]),
    FieldSpec("email", C["email"]),
    FieldSpec("notes", C["notes"], "multiline"),
)
CTX = "ContactsPanel"


class VendorAccess(RecordAccess):
    def fetch(self, session: Session, record_id: int) -> dict[str, Any]:
        return svc.vendor_values(svc.get_vendor(session, record_id))

    def create(self, session: Session, data: dict[str, Any]) -> int:
        return svc.create_vendor(session, data).id

    def update(self, session: Session, record_id: int, data: dict[str, Any]) -> None:
        svc.update_vendor(session, record_id, data)

    def remove(self, session: Session, record_id: int) -> None:
        svc.delete_vendor(session, record_id)


class ContactAccess(RecordAccess):
    """Contacts of one vendor (a new instance per vendor shown)."""

    def __init__(self, vendor_id: int | None) -> None:
        self.vendor_id = vendor_id

    def fetch(self, session: Session, record_id: int) -> dict[str, Any]:
        return svc.contact_values(svc.get_contact(session, record_id))

    def create(self, session: Session, data: dict[str, Any]) -> int:
        assert self.vendor_id is not None
        return svc.create_contact(session, self.vendor_id, data).id

    def update(self, session: Session, record_id: int, data: dict[str, Any]) -> None:
        svc.update_contact(session, record_id, data)

    def remove(self, session: Session, record_id: int) -> None:
        svc.delete_contact(session, record_id)


class VendorEditor(RecordEditor):
    noun = "ベンダー"
    vendor_shown = Signal(object)  # the saved vendor now shown, or None

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        form = RecordForm(VENDOR_SPECS, context="VendorEditor")
        super().__init__(ctx, form, VendorAccess(), parent)

    def record_changed(self, record_id: int | None) -> None:
        self.vendor_shown.emit(record_id)


class ContactEditor(RecordEditor):
    noun = "連絡先"
    new_button_text = "連絡先を追加"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        form = RecordForm(CONTACT_SPECS, context="ContactEditor")
        super().__init__(ctx, form, ContactAccess(None), parent)

    def heading_for(self, values: dict[str, Any]) -> str:
        role = values.get("role") or ""
        return f"{values.get('name', '')}（{role}）" if role else str(values.get("name", ""))


class ContactsPanel(QWidget):
    """The contacts of the vendor shown: a list, and an editor with 新規・保存・削除."""

    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._vendor_id: int | None = None
        self.hint = QLabel(self.tr("保存済みのベンダーを選ぶと連絡先を追加できます。"), self)
        self.hint.setWordWrap(True)
        self.model = RowsTableModel(
            [
                RowColumn(QT_TRANSLATE_NOOP(CTX, "氏名"), lambda r: r.name),
                RowColumn(QT_TRANSLATE_NOOP(CTX, "役割・所属"), lambda r: r.role),
                RowColumn(QT_TRANSLATE_NOOP(CTX, "電話"), lambda r: r.phone),
                RowColumn(QT_TRANSLATE_NOOP(CTX, "メール"), lambda r: r.email),
            ],
            self,
            context=CTX,
        )
        self.table = RowsTableView(self.model, self)
        self.table.fit_columns((110, 120, 120))
        self.editor = ContactEditor(ctx, self)
        self.new_button = QPushButton(self.tr("連絡先を追加"), self)
        self.editor.buttons.insertWidget(0, self.new_button)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.editor)
        splitter.setSizes([180, 420])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.hint)
        layout.addWidget(splitter, 1)
        self.new_button.clicked.connect(self.new_contact)
        self.table.record_chosen.connect(self._on_chosen)
        self.set_vendor(None)
        ctx.jobs.watch(self, {"contact"}, self._data_changed)

    def set_vendor(self, vendor_id: int | None) -> None:
        if vendor_id is not None and vendor_id == self._vendor_id:
            self.refresh()  # the same vendor saved again: a contact being edited stays
            return
        self._vendor_id = vendor_id
        self._ctx.jobs.drop(self, "contacts")  # another vendor's list is not shown
        self.editor.access = ContactAccess(vendor_id)
        self.editor.clear()
        self.model.set_rows([])
        self.hint.setVisible(vendor_id is None)
        self.new_button.setEnabled(vendor_id is not None)
        if vendor_id is not None:
            self.refresh()

    def new_contact(self) -> None:
        if self._vendor_id is None or ask_first(self, self.editor, self.new_contact):
            return
        self.table.clear_selection_silently()
        self.editor.load(None)

    def _on_chosen(self, contact_id: int) -> None:
        if contact_id == self.editor.current_id:
            return
        if unsaved_in(self.editor):
            # The contact being edited stays selected while the user is asked.
            previous = self.editor.current_id
            if previous is None or not self.table.select_id(previous):
                self.table.clear_selection_silently()
            ask_first(self, self.editor, lambda: self._choose(contact_id))
            return
        self.editor.load(contact_id)

    def _choose(self, contact_id: int) -> None:
        self.editor.load(contact_id)
        self.table.select_id(contact_id)

    def refresh(self) -> None:
        if self._vendor_id is None:
            return
        self._ctx.jobs.read(
            svc.load_contact_rows,
            self._vendor_id,
            owner=self,
            key="contacts",
            on_result=self._show,
            name="load-contacts",
        )

    def _data_changed(self, _changes: Changes) -> None:
        self.refresh()

    def _show(self, rows: list[svc.ContactRow]) -> None:
        self.model.set_rows(rows)
        if self.editor.current_id is not None:
            self.table.select_id(self.editor.current_id)
        self.loaded.emit()
