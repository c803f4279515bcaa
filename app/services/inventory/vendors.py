"""Vendors (ベンダー) and their contacts (連絡先): list, validate, create, edit, delete.

Deleting a vendor deletes its contacts (they belong to it) but is refused while
contracts, business systems or licences name the vendor, or while a runbook lists
one of its contacts: those links matter for the handover and are not dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.field_input import MAX_NOTES, Choice, FieldReader
from app.services.record_use import count_where, name_taken, refuse_if_used
from app.services.records import get_or_not_found
from app.store.models import (
    BusinessSystem,
    Contact,
    Contract,
    License,
    Vendor,
    runbook_contacts,
)

FIELD_LABELS = Vendor.__kind__.fields  # declared with the model (app.store.kinds)
CONTACT_LABELS = Contact.__kind__.fields  # declared with the model (app.store.kinds)


@dataclass(slots=True)
class VendorRow:
    id: int
    name: str
    phone: str
    support_hours: str
    emergency_contact: str
    contact_count: int
    contract_count: int
    system_count: int
    license_count: int


@dataclass(slots=True)
class ContactRow:
    id: int
    vendor_id: int | None
    name: str
    role: str
    phone: str
    email: str


def _count_by(session: Session, column: Any) -> dict[int, int]:
    stmt = select(column, func.count()).where(column.is_not(None)).group_by(column)
    return {k: n for k, n in session.execute(stmt)}


def load_vendor_rows(session: Session) -> list[VendorRow]:
    """Every vendor with how many records point at it, ordered by フリガナ then name."""
    contacts = _count_by(session, Contact.vendor_id)
    contracts = _count_by(session, Contract.vendor_id)
    systems = _count_by(session, BusinessSystem.vendor_id)
    licenses = _count_by(session, License.vendor_id)
    stmt = select(
        Vendor.id, Vendor.name, Vendor.phone, Vendor.support_hours, Vendor.emergency_contact
    ).order_by(func.coalesce(func.nullif(Vendor.kana, ""), Vendor.name), Vendor.name)
    return [
        VendorRow(
            r.id,
            r.name,
            r.phone,
            r.support_hours,
            r.emergency_contact,
            contacts.get(r.id, 0),
            contracts.get(r.id, 0),
            systems.get(r.id, 0),
            licenses.get(r.id, 0),
        )
        for r in session.execute(stmt)
    ]


def load_contact_rows(session: Session, vendor_id: int) -> list[ContactRow]:
    stmt = (
        select(
            Contact.id, Contact.vendor_id, Contact.name, Contact.role, Contact.phone, Contact.email
        )
        .where(Contact.vendor_id == vendor_id)
        .order_by(Contact.id)
    )
    return [ContactRow(*r) for r in session.execute(stmt)]


def vendor_choices(session: Session) -> list[Choice]:
    return [
        Choice(i, n)
        for i, n in session.execute(
            select(Vendor.id, Vendor.name).order_by(
                func.coalesce(func.nullif(Vendor.kana, ""), Vendor.name)
            )
        )
    ]


# --- vendors ---------------------------------------------------------------------------


def get_vendor(session: Session, vendor_id: int) -> Vendor:
    return get_or_not_found(session, Vendor, vendor_id)


def vendor_values(vendor: Vendor) -> dict[str, Any]:
    return {name: getattr(vendor, name) for name in FIELD_LABELS}


def clean_vendor_input(
    session: Session, data: dict[str, Any], *, vendor_id: int | None = None
) -> dict[str, Any]:
    """Validate editor input; raises ValidationError listing every problem."""
    r = FieldReader(FIELD_LABELS, data)
    out: dict[str, Any] = {}
    if vendor_id is None or r.has("name"):
        out["name"] = r.text("name", 200, required=True)
        if out["name"] and name_taken(session, Vendor.name, out["name"], vendor_id):
            r.error("name", f"「{out['name']}」は既に登録されています")
    for name, limit in (
        ("kana", 200),
        ("support_hours", 200),
        ("emergency_contact", 200),
        ("address", 300),
        ("notes", MAX_NOTES),
    ):
        if r.has(name):
            out[name] = r.text(name, limit)
    if r.has("phone"):
        out["phone"] = r.phone("phone", 40)
    if r.has("url"):
        out["url"] = r.url("url", 300)
    r.raise_if_failed()
    return out


def create_vendor(session: Session, data: dict[str, Any]) -> Vendor:
    vendor = Vendor(**clean_vendor_input(session, data))
    session.add(vendor)
    session.flush()
    return vendor


def update_vendor(session: Session, vendor_id: int, data: dict[str, Any]) -> Vendor:
    vendor = get_vendor(session, vendor_id)
    for key, value in clean_vendor_input(session, data, vendor_id=vendor_id).items():
        setattr(vendor, key, value)
    session.flush()
    return vendor


def delete_vendor(session: Session, vendor_id: int) -> None:
    """Delete a vendor and its contacts; refused while other records name it."""
    vendor = get_vendor(session, vendor_id)
    contact_ids = select(Contact.id).where(Contact.vendor_id == vendor_id)
    in_runbooks = session.execute(
        select(func.count()).where(runbook_contacts.c.contact_id.in_(contact_ids))
    ).scalar_one()
    refuse_if_used(
        f"ベンダー「{vendor.name}」",
        {
            "契約": count_where(session, Contract.vendor_id, vendor_id),
            "業務システム": count_where(session, BusinessSystem.vendor_id, vendor_id),
            "ライセンス": count_where(session, License.vendor_id, vendor_id),
            "手順書の連絡先": int(in_runbooks),
        },
    )
    session.delete(vendor)  # contacts go with it (delete-orphan)
    session.flush()


# --- contacts --------------------------------------------------------------------------


def get_contact(session: Session, contact_id: int) -> Contact:
    return get_or_not_found(session, Contact, contact_id)


def contact_values(contact: Contact) -> dict[str, Any]:
    return {name: getattr(contact, name) for name in CONTACT_LABELS}


def clean_contact_input(data: dict[str, Any], *, contact_id: int | None = None) -> dict[str, Any]:
    r = FieldReader(CONTACT_LABELS, data)
    out: dict[str, Any] = {}
    if contact_id is None or r.has("name"):
        out["name"] = r.text("name", 100, required=True)
    for name, limit in (("kana", 100), ("role", 100), ("notes", MAX_NOTES)):
        if r.has(name):
            out[name] = r.text(name, limit)
    if r.has("phone"):
        out["phone"] = r.phone("phone", 40)
    if r.has("email"):
        out["email"] = r.email("email", 200)
    r.raise_if_failed()
    return out


def create_contact(session: Session, vendor_id: int, data: dict[str, Any]) -> Contact:
    get_vendor(session, vendor_id)
    contact = Contact(vendor_id=vendor_id, **clean_contact_input(data))
    session.add(contact)
    session.flush()
    return contact


def update_contact(session: Session, contact_id: int, data: dict[str, Any]) -> Contact:
    contact = get_contact(session, contact_id)
    for key, value in clean_contact_input(data, contact_id=contact_id).items():
        setattr(contact, key, value)
    session.flush()
    return contact


def delete_contact(session: Session, contact_id: int) -> None:
    """Delete a contact; refused while a runbook lists it."""
    contact = get_contact(session, contact_id)
    refuse_if_used(
        f"連絡先「{contact.name}」",
        {"手順書": count_where(session, runbook_contacts.c.contact_id, contact_id)},
    )
    session.delete(contact)
    session.flush()
