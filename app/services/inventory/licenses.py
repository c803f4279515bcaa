"""Software licences (ライセンス): seats, expiry, assignments to assets or users,
over-assignment, and the licence key kept in the keyring (never in the database).

The key's reference is handled by :mod:`app.services.credentials` (reference committed
first, then the key into the keyring). Deleting a licence deletes its assignments (they
belong to it) and its key.
"""

from __future__ import annotations

import secrets as random_tokens
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.services import credentials
from app.services.errors import FieldError, NotFoundError, ValidationError
from app.services.field_input import MAX_NOTES, FieldReader
from app.services.inventory.contracts import asset_id_by_tag
from app.services.records import get_or_not_found
from app.store.models import (
    Asset,
    Contract,
    CredentialRef,
    License,
    LicenseAssignment,
    Vendor,
)

if TYPE_CHECKING:
    from app.secrets import SecretStore

FIELD_LABELS = License.__kind__.fields  # declared with the model (app.store.kinds)
ASSIGN_LABELS = {"asset_tag": "資産管理番号", "user_name": "利用者", "assigned_on": "割当日"}
KEY_LABEL = "ライセンスキー"
MAX_SEATS = 10_000_000
KEY_SERVICE = credentials.SERVICE


@dataclass(slots=True)
class LicenseRow:
    id: int
    product: str
    vendor_name: str
    seats: int
    assigned: int
    expiry_date: date | None
    contract_title: str
    has_key: bool

    @property
    def over_by(self) -> int:
        return max(0, self.assigned - self.seats)


@dataclass(frozen=True, slots=True)
class LicenseUsage:
    id: int
    product: str
    seats: int
    assigned: int
    over_by: int


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    id: int
    asset_id: int | None
    asset_tag: str
    asset_name: str
    user_name: str
    assigned_on: date | None

    @property
    def label(self) -> str:
        if self.asset_id is not None:
            who = f"（{self.user_name}）" if self.user_name else ""
            return f"{self.asset_tag}　{self.asset_name}{who}"
        return self.user_name


def _assigned_counts(session: Session) -> dict[int, int]:
    stmt = select(LicenseAssignment.license_id, func.count()).group_by(LicenseAssignment.license_id)
    return dict(session.execute(stmt).all())


def load_license_rows(session: Session) -> list[LicenseRow]:
    assigned = _assigned_counts(session)
    stmt = (
        select(
            License.id,
            License.product,
            Vendor.name,
            License.seats,
            License.expiry_date,
            Contract.title,
            License.key_credential_id,
        )
        .outerjoin(Vendor, Vendor.id == License.vendor_id)
        .outerjoin(Contract, Contract.id == License.contract_id)
        .order_by(License.product, License.id)
    )
    return [
        LicenseRow(i, p, v or "", s, assigned.get(i, 0), e, c or "", k is not None)
        for i, p, v, s, e, c, k in session.execute(stmt)
    ]


def license_usage(session: Session, *, over_only: bool = False) -> list[LicenseUsage]:
    """Seats and assignments of every licence; ``over_by`` > 0 flags over-assignment."""
    assigned = (
        select(LicenseAssignment.license_id.label("lid"), func.count().label("n"))
        .group_by(LicenseAssignment.license_id)
        .subquery()
    )
    n = func.coalesce(assigned.c.n, 0)
    stmt = (
        select(License.id, License.product, License.seats, n)
        .outerjoin(assigned, assigned.c.lid == License.id)
        .order_by(License.product, License.id)
    )
    if over_only:
        stmt = stmt.where(n > License.seats)
    return [LicenseUsage(i, p, s, a, max(0, a - s)) for i, p, s, a in session.execute(stmt)]


def get_license(session: Session, license_id: int) -> License:
    return get_or_not_found(session, License, license_id)


def license_values(lic: License) -> dict[str, Any]:
    return {name: getattr(lic, name) for name in FIELD_LABELS}


def clean_license_input(
    session: Session, data: dict[str, Any], *, license_id: int | None = None
) -> dict[str, Any]:
    """Validate editor input; raises ValidationError listing every problem."""
    r = FieldReader(FIELD_LABELS, data)
    out: dict[str, Any] = {}
    if license_id is None or r.has("product"):
        out["product"] = r.text("product", 200, required=True)
    if license_id is None or r.has("seats"):
        seats = r.integer("seats", minimum=1, maximum=MAX_SEATS)
        if seats is None and not r.failed("seats"):
            r.error("seats", "必須です（1以上）")
        out["seats"] = seats
    if r.has("vendor_id"):
        out["vendor_id"] = r.ref_id(session, "vendor_id", Vendor)
    if r.has("contract_id"):
        out["contract_id"] = r.ref_id(session, "contract_id", Contract)
    if r.has("expiry_date"):
        out["expiry_date"] = r.date("expiry_date")
    if r.has("notes"):
        out["notes"] = r.text("notes", MAX_NOTES)
    r.raise_if_failed()
    return out


def create_license(session: Session, data: dict[str, Any]) -> License:
    lic = License(**clean_license_input(session, data))
    session.add(lic)
    session.flush()
    return lic


def update_license(session: Session, license_id: int, data: dict[str, Any]) -> License:
    lic = get_license(session, license_id)
    for key, value in clean_license_input(session, data, license_id=license_id).items():
        setattr(lic, key, value)
    session.flush()
    return lic


def delete_license(session: Session, license_id: int, store: SecretStore | None = None) -> None:
    """Delete a licence with its assignments, and its key when nothing else uses it.

    Without a ``store`` the key's reference is kept (so the keyring entry is not lost
    track of); with one, the key is removed from the store first, then its reference.
    """
    lic = get_license(session, license_id)
    ref = session.get(CredentialRef, lic.key_credential_id) if lic.key_credential_id else None
    session.delete(lic)
    session.flush()
    if ref is not None and store is not None and not credentials.in_use(session, ref.id):
        credentials.forget(session, store, ref)


# --- assignments ---------------------------------------------------------------------------


def list_assignments(session: Session, license_id: int) -> list[AssignmentRow]:
    stmt = (
        select(
            LicenseAssignment.id,
            LicenseAssignment.asset_id,
            Asset.asset_tag,
            Asset.name,
            LicenseAssignment.user_name,
            LicenseAssignment.assigned_on,
        )
        .outerjoin(Asset, Asset.id == LicenseAssignment.asset_id)
        .where(LicenseAssignment.license_id == license_id)
        .order_by(LicenseAssignment.id)
    )
    return [
        AssignmentRow(i, a, tag or "", name or "", u, d)
        for i, a, tag, name, u, d in session.execute(stmt)
    ]


def assign(
    session: Session,
    license_id: int,
    *,
    asset_tag: str = "",
    asset_id: int | None = None,
    user_name: str = "",
    assigned_on: date | None = None,
) -> LicenseAssignment:
    """Assign a seat to an asset (by id or 資産管理番号) and/or a user name.

    Over-assignment is allowed (it happens in real life) and shown by license_usage.
    """
    get_license(session, license_id)
    user_name = user_name.strip()
    errors: list[FieldError] = []
    if len(user_name) > 100:
        errors.append(FieldError("user_name", "利用者", "100文字以内で入力してください"))
    if asset_id is None and asset_tag.strip():
        asset_id = asset_id_by_tag(session, asset_tag)
    elif asset_id is not None and session.get(Asset, asset_id) is None:
        raise NotFoundError(f"資産（ID {asset_id}）は見つかりません。")
    if asset_id is None and not user_name:
        errors.append(
            FieldError("asset_tag", "割当先", "資産管理番号か利用者名のどちらかを入力してください")
        )
    if not errors:
        dup = select(LicenseAssignment.id).where(LicenseAssignment.license_id == license_id)
        dup = (
            dup.where(LicenseAssignment.asset_id == asset_id)
            if asset_id is not None
            else dup.where(
                LicenseAssignment.asset_id.is_(None), LicenseAssignment.user_name == user_name
            )
        )
        if session.execute(dup.limit(1)).first():
            field = "asset_tag" if asset_id is not None else "user_name"
            errors.append(FieldError(field, ASSIGN_LABELS[field], "既に割り当てられています"))
    if errors:
        raise ValidationError(errors)
    row = LicenseAssignment(
        license_id=license_id, asset_id=asset_id, user_name=user_name, assigned_on=assigned_on
    )
    session.add(row)
    session.flush()
    return row


def unassign(session: Session, assignment_id: int) -> None:
    row = session.get(LicenseAssignment, assignment_id)
    if row is None:
        raise NotFoundError("割当は見つかりません。削除された可能性があります。")
    session.delete(row)
    session.flush()


# --- the licence key (keyring only) --------------------------------------------------------


def key_reference(session: Session, license_id: int) -> CredentialRef | None:
    lic = get_license(session, license_id)
    return session.get(CredentialRef, lic.key_credential_id) if lic.key_credential_id else None


def _clean_key(key: str) -> str:
    key = key.strip()
    if not key:
        raise ValidationError([FieldError("license_key", KEY_LABEL, "キーを入力してください")])
    if credentials.secret_problem(key) is not None:
        raise ValidationError(
            [FieldError("license_key", KEY_LABEL, "4096文字以内で、制御文字を含めないでください")]
        )
    return key


def set_license_key(
    sessions: sessionmaker[Session], store: SecretStore, license_id: int, key: str
) -> credentials.RefKey:
    """Keep ``key`` in ``store`` and link a CredentialRef to the licence.

    The database gets the reference (label, service, username, where kept) only; it is
    committed before the key goes into the store (see app.services.credentials).
    Raises ValidationError for an empty key, NotFoundError for a missing licence, and
    SecretStoreError when the store fails (a reference made for it is removed again).
    """
    key = _clean_key(key)

    def prepare(session: Session, where_kept: str) -> tuple[CredentialRef, bool]:
        lic = get_license(session, license_id)
        if lic.key_credential_id:
            ref = session.get(CredentialRef, lic.key_credential_id)
            if ref is not None:
                return ref, False
        ref = credentials.new_reference(
            session,
            label=credentials.free_label(session, f"{KEY_LABEL}: {lic.product[:60]} #{lic.id}"),
            kind="license_key",
            username=f"license-{lic.id}-{random_tokens.token_hex(4)}",
            where_kept=where_kept,
        )
        lic.key_credential_id = ref.id
        return ref, True

    return credentials.save_secret(sessions, store, key, prepare).ref


def get_license_key(session: Session, store: SecretStore, license_id: int) -> str | None:
    """The licence key from the store; None when none was saved (or it is gone)."""
    ref = key_reference(session, license_id)
    return None if ref is None else store.get(ref)
