"""Built-in reference data: the 20 標準化対象業務, the 40-step checklist, asset types."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.paths import templates_dir
from app.store.models import (
    AssetType,
    ChecklistTemplate,
    ChecklistTemplateItem,
    StandardBusiness,
)

STANDARDIZATION_TEMPLATE = "standardization-40"

DEFAULT_ASSET_TYPES: list[tuple[str, str, str]] = [
    ("desktop", "デスクトップPC", "hardware"),
    ("laptop", "ノートPC", "hardware"),
    ("thin_client", "シンクライアント", "hardware"),
    ("server", "サーバ", "hardware"),
    ("storage", "ストレージ・NAS", "hardware"),
    ("network", "ネットワーク機器", "network"),
    ("firewall", "ファイアウォール・UTM", "network"),
    ("wireless", "無線LANアクセスポイント", "network"),
    ("printer", "プリンタ・複合機", "hardware"),
    ("peripheral", "周辺機器", "hardware"),
    ("mobile", "携帯端末・タブレット", "hardware"),
    ("media", "外部記憶媒体", "hardware"),
    ("ups", "UPS", "hardware"),
    ("software", "ソフトウェア", "software"),
    ("cloud", "クラウドサービス", "service"),
]


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def ensure_reference_data(session: Session) -> None:
    """Insert what is missing; never overwrite what the user has edited."""
    _ensure_asset_types(session)
    _ensure_standard_businesses(session)
    _ensure_standardization_template(session)


def _ensure_asset_types(session: Session) -> None:
    have = set(session.execute(select(AssetType.code)).scalars())
    for order, (code, name, category) in enumerate(DEFAULT_ASSET_TYPES):
        if code not in have:
            session.add(AssetType(code=code, name=name, category=category, sort_order=order))


def _ensure_standard_businesses(session: Session) -> None:
    have = set(session.execute(select(StandardBusiness.id)).scalars())
    rows = _read_tsv(templates_dir() / "standard_businesses.tsv")
    for order, row in enumerate(rows):
        if row["id"] not in have:
            session.add(
                StandardBusiness(
                    id=row["id"],
                    name=row["name"],
                    aliases=row.get("aliases") or "",
                    lead_ministry=row.get("lead_ministry_unverified") or "",
                    sort_order=order,
                )
            )


def _ensure_standardization_template(session: Session) -> None:
    exists = session.execute(
        select(ChecklistTemplate.id).where(ChecklistTemplate.code == STANDARDIZATION_TEMPLATE)
    ).first()
    if exists:
        return
    template = ChecklistTemplate(
        code=STANDARDIZATION_TEMPLATE,
        name="標準化 移行手順（総務省 進捗調査の40手順）",
        kind="standardization",
        builtin=True,
        description="自治体情報システムの標準化・共通化に係る手順書に基づく作業項目",
    )
    for pos, row in enumerate(_read_tsv(templates_dir() / "standardization_steps.tsv")):
        template.items.append(
            ChecklistTemplateItem(
                code=row["id"], group_name=row["group"], title=row["step"], position=pos
            )
        )
    session.add(template)
