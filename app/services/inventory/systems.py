"""Business systems (業務システム): vendor, the 標準化対象業務 they serve, 特定移行支援
status, and the servers (assets) and contracts linked to them.

Deleting a system drops its server and contract links (link rows) but is refused
while a checklist or runbook is about it: their history would lose its subject.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services import links
from app.services.field_input import MAX_NOTES, Choice, FieldReader, LinkedItem
from app.services.inventory.contracts import asset_id_by_tag, link_system, unlink_system
from app.services.record_use import count_where, name_taken, refuse_if_used
from app.services.records import get_or_not_found
from app.store.models import (
    Asset,
    AssetType,
    BusinessSystem,
    Checklist,
    Contract,
    Department,
    StandardBusiness,
    Vendor,
    asset_systems,
    contract_systems,
    runbook_systems,
)
from app.store.vocab import SEGMENTS, TOKUTEI_REASONS

FIELD_LABELS = BusinessSystem.__kind__.fields  # declared with the model (app.store.kinds)


@dataclass(slots=True)
class SystemRow:
    id: int
    name: str
    vendor_name: str
    standard_business: str
    department_name: str
    segment: str | None
    tokutei_iko: bool
    tokutei_reason: int | None
    tokutei_deadline: date | None
    migration_planned_on: date | None
    server_count: int
    contract_count: int


def load_system_rows(session: Session) -> list[SystemRow]:
    servers: dict[int, int] = dict(
        session.execute(
            select(asset_systems.c.business_system_id, func.count()).group_by(
                asset_systems.c.business_system_id
            )
        ).all()
    )
    contracts: dict[int, int] = dict(
        session.execute(
            select(contract_systems.c.business_system_id, func.count()).group_by(
                contract_systems.c.business_system_id
            )
        ).all()
    )
    stmt = (
        select(
            BusinessSystem.id,
            BusinessSystem.name,
            Vendor.name,
            StandardBusiness.name,
            Department.name,
            BusinessSystem.segment,
            BusinessSystem.tokutei_iko,
            BusinessSystem.tokutei_reason,
            BusinessSystem.tokutei_deadline,
            BusinessSystem.migration_planned_on,
        )
        .outerjoin(Vendor, Vendor.id == BusinessSystem.vendor_id)
        .outerjoin(StandardBusiness, StandardBusiness.id == BusinessSystem.standard_business_id)
        .outerjoin(Department, Department.id == BusinessSystem.department_id)
        .order_by(func.coalesce(StandardBusiness.sort_order, 999), BusinessSystem.name)
    )
    return [
        SystemRow(
            r[0],
            r[1],
            r[2] or "",
            r[3] or "",
            r[4] or "",
            r[5],
            bool(r[6]),
            r[7],
            r[8],
            r[9],
            servers.get(r[0], 0),
            contracts.get(r[0], 0),
        )
        for r in session.execute(stmt)
    ]


def standard_business_choices(session: Session) -> list[Choice]:
    stmt = select(StandardBusiness.id, StandardBusiness.name).order_by(StandardBusiness.sort_order)
    return [Choice(i, n) for i, n in session.execute(stmt)]


def department_choices(session: Session) -> list[Choice]:
    return [
        Choice(i, n)
        for i, n in session.execute(
            select(Department.id, Department.name).order_by(Department.name)
        )
    ]


def system_choices(session: Session) -> list[Choice]:
    stmt = select(BusinessSystem.id, BusinessSystem.name).order_by(BusinessSystem.name)
    return [Choice(i, n) for i, n in session.execute(stmt)]


def get_system(session: Session, system_id: int) -> BusinessSystem:
    return get_or_not_found(session, BusinessSystem, system_id)


def system_values(system: BusinessSystem) -> dict[str, Any]:
    return {name: getattr(system, name) for name in FIELD_LABELS}


def clean_system_input(
    session: Session, data: dict[str, Any], *, system_id: int | None = None
) -> dict[str, Any]:
    """Validate editor input; raises ValidationError listing every problem.

    特定移行支援: the 事由 (1–4) is required when the flag is set and refused when it is
    not; a deadline without the flag is refused too.
    """
    r = FieldReader(FIELD_LABELS, data)
    out: dict[str, Any] = {}
    if system_id is None or r.has("name"):
        out["name"] = r.text("name", 200, required=True)
        if out["name"] and name_taken(session, BusinessSystem.name, out["name"], system_id):
            r.error("name", f"「{out['name']}」は既に登録されています")
    if r.has("vendor_id"):
        out["vendor_id"] = r.ref_id(session, "vendor_id", Vendor)
    if r.has("department_id"):
        out["department_id"] = r.ref_id(session, "department_id", Department)
    if r.has("standard_business_id"):
        out["standard_business_id"] = r.ref_id(
            session, "standard_business_id", StandardBusiness, text_key=True
        )
    if r.has("segment"):
        segment = r.raw("segment") or None
        if segment is not None and segment not in SEGMENTS:
            r.error("segment", f"不明なネットワーク区分です: {segment}")
        out["segment"] = segment
    for name in ("description", "notes"):
        if r.has(name):
            out[name] = r.text(name, MAX_NOTES)
    for name in ("tokutei_deadline", "migration_planned_on"):
        if r.has(name):
            out[name] = r.date(name)
    _clean_tokutei(session, r, out, system_id)
    r.raise_if_failed()
    return out


def _clean_tokutei(
    session: Session, r: FieldReader, out: dict[str, Any], system_id: int | None
) -> None:
    stored = session.get(BusinessSystem, system_id) if system_id is not None else None
    if r.has("tokutei_iko"):
        out["tokutei_iko"] = r.flag("tokutei_iko")
    if r.has("tokutei_reason"):
        reason = r.integer("tokutei_reason")
        if reason is not None and reason not in TOKUTEI_REASONS:
            r.error("tokutei_reason", "事由は1〜4のいずれかです")
        out["tokutei_reason"] = reason
    flag = out.get("tokutei_iko", bool(stored.tokutei_iko) if stored else False)
    reason = out.get("tokutei_reason", stored.tokutei_reason if stored else None)
    deadline = out.get("tokutei_deadline", stored.tokutei_deadline if stored else None)
    if flag and reason is None and not r.failed("tokutei_reason"):
        r.error("tokutei_reason", "特定移行支援システムの場合は事由（1〜4）を選んでください")
    if not flag and reason is not None and not r.failed("tokutei_reason"):
        r.error("tokutei_reason", "特定移行支援システムでない場合、事由は指定できません")
    if not flag and deadline is not None and not r.failed("tokutei_deadline"):
        r.error("tokutei_deadline", "特定移行支援システムでない場合、移行期限は指定できません")


def create_system(session: Session, data: dict[str, Any]) -> BusinessSystem:
    system = BusinessSystem(**clean_system_input(session, data))
    session.add(system)
    session.flush()
    return system


def update_system(session: Session, system_id: int, data: dict[str, Any]) -> BusinessSystem:
    system = get_system(session, system_id)
    for key, value in clean_system_input(session, data, system_id=system_id).items():
        setattr(system, key, value)
    session.flush()
    return system


def delete_system(session: Session, system_id: int) -> None:
    """Delete a system and its server/contract links; refused while checklists or
    runbooks are about it."""
    system = get_system(session, system_id)
    refuse_if_used(
        f"業務システム「{system.name}」",
        {
            "チェックリスト": count_where(session, Checklist.system_id, system_id),
            "手順書": count_where(session, runbook_systems.c.business_system_id, system_id),
        },
    )
    session.delete(system)
    session.flush()


# --- servers (assets) and contracts --------------------------------------------------------


def list_system_servers(session: Session, system_id: int) -> list[LinkedItem]:
    """The assets linked to a system (servers, and the terminals used for it), each with
    its type so that a terminal is not taken for a server."""
    stmt = (
        select(Asset.id, Asset.asset_tag, Asset.name, AssetType.name, Asset.hostname)
        .join(asset_systems, asset_systems.c.asset_id == Asset.id)
        .outerjoin(AssetType, AssetType.id == Asset.asset_type_id)
        .where(asset_systems.c.business_system_id == system_id)
        .order_by(Asset.asset_tag)
    )
    return [
        LinkedItem(i, f"{t}　{n}", "・".join(x for x in (kind, h) if x))
        for i, t, n, kind, h in session.execute(stmt)
    ]


def list_system_contracts(session: Session, system_id: int) -> list[LinkedItem]:
    stmt = (
        select(Contract.id, Contract.title, Contract.end_date)
        .join(contract_systems, contract_systems.c.contract_id == Contract.id)
        .where(contract_systems.c.business_system_id == system_id)
        .order_by(Contract.end_date)
    )
    return [
        LinkedItem(i, t, f"〜{e.isoformat()}" if e else "") for i, t, e in session.execute(stmt)
    ]


def link_server(session: Session, system_id: int, asset_id: int) -> bool:
    return links.link(session, "system", system_id, "asset", asset_id)


def link_server_by_tag(session: Session, system_id: int, tag: str) -> bool:
    return link_server(session, system_id, asset_id_by_tag(session, tag))


def unlink_server(session: Session, system_id: int, asset_id: int) -> bool:
    return links.unlink(session, "system", system_id, "asset", asset_id)


def link_contract(session: Session, system_id: int, contract_id: int) -> bool:
    return link_system(session, contract_id, system_id)


def unlink_contract(session: Session, system_id: int, contract_id: int) -> bool:
    return unlink_system(session, contract_id, system_id)
