"""Contracts (契約: 保守・リース・サポート…): list, validate, create/edit/delete, and the
assets and business systems each contract covers.

Deleting a contract drops its covered-asset and covered-system links (they belong to
it) but is refused while a licence names the contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.services import links
from app.services.errors import ValidationError
from app.services.field_input import MAX_NOTES, Choice, FieldReader, LinkedItem
from app.services.record_use import count_where, refuse_if_used
from app.services.records import get_or_not_found
from app.store.models import (
    Asset,
    BusinessSystem,
    Contract,
    License,
    Vendor,
    contract_assets,
    contract_systems,
)
from app.store.vocab import CONTRACT_KINDS

FIELD_LABELS = Contract.__kind__.fields  # declared with the model (app.store.kinds)
MAX_AMOUNT = 10**13  # 10兆円: anything larger is a typo
MAX_NOTICE_DAYS = 3650


@dataclass(slots=True)
class ContractRow:
    id: int
    title: str
    kind: str
    contract_number: str
    vendor_id: int | None
    vendor_name: str
    start_date: date | None
    end_date: date | None
    amount_yen: int | None
    auto_renew: bool
    notice_days: int | None
    asset_count: int
    system_count: int

    @property
    def notice_by(self) -> date | None:
        """The last day to give notice (end date minus the notice period)."""
        return notice_deadline(self.end_date, self.notice_days)


def notice_deadline(end: date | None, notice_days: int | None) -> date | None:
    if end is None:
        return None
    return end - timedelta(days=notice_days or 0)


def _counts(session: Session, column: Any) -> dict[int, int]:
    return dict(session.execute(select(column, func.count()).group_by(column)).all())


def _row_query() -> Any:
    return select(
        Contract.id,
        Contract.title,
        Contract.kind,
        Contract.contract_number,
        Contract.vendor_id,
        Vendor.name,
        Contract.start_date,
        Contract.end_date,
        Contract.amount_yen,
        Contract.auto_renew,
        Contract.notice_days,
    ).outerjoin(Vendor, Vendor.id == Contract.vendor_id)


def load_contract_rows(session: Session, today: date | None = None) -> list[ContractRow]:
    """Every contract: with ``today``, the current ones first (soonest end first, then
    those without an end date), the ended ones after them (latest first); without it,
    soonest end first."""
    assets = _counts(session, contract_assets.c.contract_id)
    systems = _counts(session, contract_systems.c.contract_id)
    if today is None:
        order: tuple[Any, ...] = (Contract.end_date.is_(None), Contract.end_date, Contract.id)
    else:
        group = case((Contract.end_date < today, 2), (Contract.end_date.is_(None), 1), else_=0)
        order = (
            group,
            case((group == 0, Contract.end_date)),
            Contract.end_date.desc(),
            Contract.id,
        )
    stmt = _row_query().order_by(*order)
    return [
        ContractRow(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5] or "",
            r[6],
            r[7],
            r[8],
            bool(r[9]),
            r[10],
            assets.get(r[0], 0),
            systems.get(r[0], 0),
        )
        for r in session.execute(stmt)
    ]


def contract_choices(session: Session) -> list[Choice]:
    stmt = select(Contract.id, Contract.title, Contract.contract_number).order_by(Contract.title)
    return [Choice(i, f"{t}（{n}）" if n else t) for i, t, n in session.execute(stmt)]


def get_contract(session: Session, contract_id: int) -> Contract:
    return get_or_not_found(session, Contract, contract_id)


def contract_values(contract: Contract) -> dict[str, Any]:
    return {name: getattr(contract, name) for name in FIELD_LABELS}


def clean_contract_input(
    session: Session, data: dict[str, Any], *, contract_id: int | None = None
) -> dict[str, Any]:
    """Validate editor input; raises ValidationError listing every problem."""
    r = FieldReader(FIELD_LABELS, data)
    out: dict[str, Any] = {}
    if contract_id is None or r.has("title"):
        out["title"] = r.text("title", 200, required=True)
    if r.has("kind") or contract_id is None:
        kind = r.raw("kind") or "maintenance"
        if kind not in CONTRACT_KINDS:
            r.error("kind", f"不明な種別です: {kind}")
        out["kind"] = kind
    if r.has("contract_number"):
        out["contract_number"] = r.text("contract_number", 60)
    if r.has("notes"):
        out["notes"] = r.text("notes", MAX_NOTES)
    if r.has("vendor_id"):
        out["vendor_id"] = r.ref_id(session, "vendor_id", Vendor)
    for name in ("start_date", "end_date"):
        if r.has(name):
            out[name] = r.date(name)
    if r.has("amount_yen"):
        out["amount_yen"] = r.integer("amount_yen", minimum=0, maximum=MAX_AMOUNT)
    if r.has("auto_renew"):
        out["auto_renew"] = r.flag("auto_renew")
    if r.has("notice_days"):
        out["notice_days"] = r.integer("notice_days", minimum=0, maximum=MAX_NOTICE_DAYS)
    start, end = (
        _effective(session, contract_id, out, "start_date"),
        _effective(session, contract_id, out, "end_date"),
    )
    if start and end and end < start and not r.failed("end_date"):
        r.error("end_date", "開始日より前の日付です")
    notice = out.get("notice_days")
    if notice and start and end and end - timedelta(days=notice) < start:
        r.error("notice_days", "解約予告の期限が契約開始日より前になります")
    r.raise_if_failed()
    return out


def _effective(session: Session, contract_id: int | None, out: dict[str, Any], name: str) -> Any:
    """The value after this edit: the new one when given, else what is stored."""
    if name in out or contract_id is None:
        return out.get(name)
    contract = session.get(Contract, contract_id)
    return getattr(contract, name) if contract is not None else None


def create_contract(session: Session, data: dict[str, Any]) -> Contract:
    contract = Contract(**clean_contract_input(session, data))
    session.add(contract)
    session.flush()
    return contract


def update_contract(session: Session, contract_id: int, data: dict[str, Any]) -> Contract:
    contract = get_contract(session, contract_id)
    for key, value in clean_contract_input(session, data, contract_id=contract_id).items():
        setattr(contract, key, value)
    session.flush()
    return contract


def delete_contract(session: Session, contract_id: int) -> None:
    """Delete a contract and its coverage links; refused while a licence names it."""
    contract = get_contract(session, contract_id)
    refuse_if_used(
        f"契約「{contract.title}」",
        {"ライセンス": count_where(session, License.contract_id, contract_id)},
    )
    session.delete(contract)
    session.flush()


# --- covered assets and systems ------------------------------------------------------------


def list_contract_assets(session: Session, contract_id: int) -> list[LinkedItem]:
    stmt = (
        select(Asset.id, Asset.asset_tag, Asset.name)
        .join(contract_assets, contract_assets.c.asset_id == Asset.id)
        .where(contract_assets.c.contract_id == contract_id)
        .order_by(Asset.asset_tag)
    )
    return [LinkedItem(i, f"{tag}　{name}") for i, tag, name in session.execute(stmt)]


def list_contract_systems(session: Session, contract_id: int) -> list[LinkedItem]:
    stmt = (
        select(BusinessSystem.id, BusinessSystem.name)
        .join(contract_systems, contract_systems.c.business_system_id == BusinessSystem.id)
        .where(contract_systems.c.contract_id == contract_id)
        .order_by(BusinessSystem.name)
    )
    return [LinkedItem(i, name) for i, name in session.execute(stmt)]


def asset_id_by_tag(session: Session, tag: str, *, field: str = "asset_tag") -> int:
    """The id of the asset with 資産管理番号 ``tag``; ValidationError naming it if none."""
    from app.services.errors import FieldError

    tag = tag.strip()
    if not tag:
        raise ValidationError([FieldError(field, "資産管理番号", "必須です")])
    found = session.execute(select(Asset.id).where(Asset.asset_tag == tag)).scalar()
    if found is None:
        raise ValidationError(
            [FieldError(field, "資産管理番号", f"「{tag}」の資産は登録されていません")]
        )
    return int(found)


def link_asset(session: Session, contract_id: int, asset_id: int) -> bool:
    return links.link(session, "contract", contract_id, "asset", asset_id)


def link_asset_by_tag(session: Session, contract_id: int, tag: str) -> bool:
    return link_asset(session, contract_id, asset_id_by_tag(session, tag))


def unlink_asset(session: Session, contract_id: int, asset_id: int) -> bool:
    return links.unlink(session, "contract", contract_id, "asset", asset_id)


def link_system(session: Session, contract_id: int, system_id: int) -> bool:
    return links.link(session, "contract", contract_id, "system", system_id)


def unlink_system(session: Session, contract_id: int, system_id: int) -> bool:
    return links.unlink(session, "contract", contract_id, "system", system_id)
