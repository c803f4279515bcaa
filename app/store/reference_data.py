"""Built-in reference data: the 20 標準化対象業務, the 40-step checklist, asset types.

Seeded when a database is created or upgraded, and again whenever the built-in data
changes: a fingerprint of it (this module's lists and the template files) is stored with
the seeded data, so that opening an up-to-date database costs one read and writes nothing
(``is_current``). What a user deleted of it stays deleted until the built-in data changes."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import cast

from sqlalchemy import Connection, Table, insert, select, update
from sqlalchemy.orm import Session

from app.paths import templates_dir
from app.store import search_index
from app.store.kind_index import declared_models
from app.store.models import (
    AssetType,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Setting,
    StandardBusiness,
)

STANDARDIZATION_TEMPLATE = "standardization-40"
TEMPLATE_FILES = ("standard_businesses.tsv", "standardization_steps.tsv")
# The settings row that holds the fingerprint of the reference data last seeded.
FINGERPRINT_KEY = "reference_data.fingerprint"
# Bump when the seeding itself changes in a way the lists and files do not show.
SEEDING_VERSION = 1

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


def fingerprint() -> str:
    """A hash of the built-in reference data as this version of Hitori has it."""
    digest = hashlib.sha256(
        repr((SEEDING_VERSION, DEFAULT_ASSET_TYPES, _searched_kinds())).encode()
    )
    for name in TEMPLATE_FILES:
        digest.update((templates_dir() / name).read_bytes())
    return digest.hexdigest()


def _searched_kinds() -> list[tuple[str, int, str]]:
    """The searched kinds as declared (kept in the database for ``hitori search``)."""
    return [
        (m.__kind__.code, m.__kind__.search_block, m.__kind__.label)
        for m in declared_models()
        if m.__kind__.search_block is not None
    ]


def _settings() -> Table:
    return cast("Table", Setting.__table__)


def is_current(connection: Connection) -> bool:
    """True when the reference data was seeded from what this version has built in (one
    read; plain SQL, so that the ORM's mappers need not be configured for it)."""
    settings = _settings()
    stored = connection.execute(
        select(settings.c.value).where(settings.c.key == FINGERPRINT_KEY)
    ).scalar_one_or_none()
    return stored == fingerprint()


def ensure_reference_data(session: Session) -> None:
    """Insert what is missing; never overwrite what the user has edited. Then note what
    was seeded (``is_current``)."""
    _ensure_asset_types(session)
    _ensure_standard_businesses(session)
    _ensure_standardization_template(session)
    search_index.sync_kinds(session)
    _note_fingerprint(session)


def _note_fingerprint(session: Session) -> None:
    # Plain SQL: a note of the program's, not a user's setting, so no change history.
    settings = _settings()
    value = fingerprint()
    this_row = settings.c.key == FINGERPRINT_KEY
    stored = session.execute(select(settings.c.value).where(this_row)).first()
    if stored is None:
        session.execute(insert(settings).values(key=FINGERPRINT_KEY, value=value))
    elif stored[0] != value:
        session.execute(update(settings).where(this_row).values(value=value))


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
