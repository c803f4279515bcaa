"""The lists assets choose from — 種別, 部署, 設置場所, メーカー — managed in the program:
add, rename, merge, retire.

種別, 部署 and 設置場所 are tables the assets point to. An asset names its メーカー by
text; the list is the makers table (added here, or retired) and every name in use, keyed
by name: entering a new maker on an asset adds it too. Names are compared
as the import compares them (NFKC, case, spaces): 「ＮＯＴＥ」 and 「note」 are one name,
and a second entry of it is refused. Merging moves every record that names the source
(assets, business systems, stock-takes…, found from the foreign keys) to the target
through the ORM, so each moved record gets its history entry, then deletes the source.
A retired entry (廃止) keeps its records and is marked where entries are chosen.
Every function writes in the caller's transaction: all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.services.inventory.asset_import_rows import name_key
from app.services.inventory.assets import RETIRED_MARK
from app.store.kind_index import model_by_table
from app.store.models import (
    Asset,
    AssetType,
    Base,
    CustomFieldDef,
    Department,
    Location,
    Manufacturer,
)

TABLES: dict[str, type[Any]] = {
    "asset_type": AssetType, "department": Department, "location": Location,
}  # fmt: skip
LABELS = {
    "asset_type": "種別",
    "department": "部署",
    "location": "設置場所",
    "manufacturer": "メーカー",
}
KINDS = tuple(LABELS)
# As long as the columns that hold the names allow (AssetType.name is String(60), …).
NAME_LIMITS: dict[str, int] = {
    kind: (Asset.manufacturer if kind == "manufacturer" else TABLES[kind].name).type.length
    for kind in KINDS
}


class ListError(UserError):
    """A refused change to a list; nothing was written."""


@dataclass(frozen=True)
class ListEntry:
    key: int | str  # the id (種別, 部署, 設置場所) or the name (メーカー)
    name: str
    used: int  # records that name it
    retired_on: date | None = None


def _check_kind(kind: str) -> None:
    if kind not in LABELS:
        raise ListError(f"一覧の種類が不正です: {kind}")


def _asset_column(kind: str) -> Any:
    return Asset.manufacturer if kind == "manufacturer" else getattr(Asset, f"{kind}_id")


def entries(session: Session, kind: str) -> list[ListEntry]:
    """The list in its order (種別 by their order, others by name) with usage counts."""
    _check_kind(kind)
    column = _asset_column(kind)
    if kind == "manufacturer":
        stmt = (
            select(column, func.count()).where(column.is_not(None), column != "")
            .group_by(column)
        )  # fmt: skip
        used_by_name: dict[str, int] = {name: n for name, n in session.execute(stmt)}
        listed = dict(session.execute(select(Manufacturer.name, Manufacturer.retired_on)).all())
        names = sorted(set(used_by_name) | set(listed))
        return [ListEntry(n, n, used_by_name.get(n, 0), listed.get(n)) for n in names]
    model = TABLES[kind]
    used: dict[int, int] = {
        i: n
        for i, n in session.execute(
            select(column, func.count()).where(column.is_not(None)).group_by(column)
        )
    }
    order = (model.sort_order, model.id) if kind == "asset_type" else (model.name,)
    rows = session.execute(select(model.id, model.name, model.retired_on).order_by(*order))
    return [ListEntry(i, n, used.get(i, 0), r) for i, n, r in rows]


def _clean_name(kind: str, name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ListError(f"{LABELS[kind]}の名前を入力してください")
    limit = NAME_LIMITS[kind]
    if len(name) > limit:
        raise ListError(f"{LABELS[kind]}の名前は{limit}文字以内にしてください（{len(name)}文字）")
    return name


def _same_name(session: Session, kind: str, name: str, other_than: int | str | None) -> str | None:
    """The entry whose name is ``name`` after normalisation (width, case, spaces)."""
    key = name_key(name)
    for entry in entries(session, kind):
        if entry.key != other_than and name_key(entry.name) == key:
            return entry.name
    return None


def _refuse_duplicate(session: Session, kind: str, name: str, other_than: Any = None) -> None:
    existing = _same_name(session, kind, name, other_than)
    if existing is not None:
        same = "登録済みです" if existing == name else f"登録済みの「{existing}」と同じ名前です"
        raise ListError(
            f"{LABELS[kind]}「{name}」は{same}（全角・半角、大文字・小文字は区別しません）。"
            "同じものなら統合してください"
        )


def add_entry(session: Session, kind: str, name: str) -> int:
    """A new 種別 / 部署 / 設置場所 / メーカー; returns its id."""
    _check_kind(kind)
    name = _clean_name(kind, name)
    _refuse_duplicate(session, kind, name)
    if kind == "manufacturer":
        maker = Manufacturer(name=name)
        session.add(maker)
        session.flush()
        return int(maker.id)
    if kind == "asset_type":
        (entry,) = create_asset_types(session, [name])
        return int(entry.id)
    entry = TABLES[kind](name=name)
    session.add(entry)
    session.flush()
    return int(entry.id)


def create_asset_types(session: Session, names: list[str]) -> list[AssetType]:
    """New 種別 after the existing ones, codes ``custom-N`` (the name is what users see;
    the code only has to be unique and stable); flushed, in the order of ``names``."""
    codes = set(session.scalars(select(AssetType.code)))
    order = session.scalar(select(func.max(AssetType.sort_order))) or 0
    made: list[AssetType] = []
    number = 0
    for name in names:
        number += 1
        while f"custom-{number}" in codes:
            number += 1
        order += 10
        made.append(AssetType(code=f"custom-{number}", name=name, sort_order=order))
    session.add_all(made)
    session.flush()
    return made


def rename_entry(session: Session, kind: str, key: int | str, new_name: str) -> None:
    _check_kind(kind)
    new_name = _clean_name(kind, new_name)
    if kind == "manufacturer":
        if new_name == key:
            return
        _known_maker(session, str(key))
        _refuse_duplicate(session, kind, new_name, other_than=key)
        _set_manufacturer(session, str(key), new_name)
        listed = _listed_maker(session, str(key))
        if listed is not None:
            listed.name = new_name
        session.flush()
        return
    entry = _get(session, kind, key)
    if entry.name == new_name:
        return
    _refuse_duplicate(session, kind, new_name, other_than=entry.id)
    entry.name = new_name
    session.flush()


def merge_entries(session: Session, kind: str, source: int | str, target: int | str) -> int:
    """Move every record naming ``source`` to ``target`` and delete ``source``; returns
    the number of records moved. Merging an entry into itself is refused."""
    _check_kind(kind)
    if source == target:
        raise ListError(
            f"{LABELS[kind]}を自分自身に統合することはできません。統合先を選んでください"
        )
    if kind == "manufacturer":
        for name in (source, target):
            _known_maker(session, str(name))
        moved = _set_manufacturer(session, str(source), str(target))
        listed = _listed_maker(session, str(source))
        if listed is not None:
            session.delete(listed)
            session.flush()
        return moved
    src, dst = _get(session, kind, source), _get(session, kind, target)
    moved = 0
    table = TABLES[kind].__tablename__
    for referrer in Base.metadata.sorted_tables:
        for fk in referrer.foreign_keys:
            if fk.column.table.name != table or referrer.name == CustomFieldDef.__tablename__:
                continue
            model = _model_of(referrer.name)
            attr = fk.parent.name
            for record in session.scalars(select(model).where(getattr(model, attr) == src.id)):
                setattr(record, attr, dst.id)
                moved += 1
    if kind == "asset_type":
        _merge_custom_fields(session, src.id, dst.id)
    session.flush()
    session.delete(src)
    session.flush()
    return moved


def set_retired(session: Session, kind: str, key: int | str, retired: bool, today: date) -> None:
    """Retire (廃止) an entry or bring it back; its records keep naming it."""
    _check_kind(kind)
    if kind == "manufacturer":
        _known_maker(session, str(key))
        entry = _listed_maker(session, str(key))
        if entry is None:  # a name in use only: it gets its row in the list
            entry = Manufacturer(name=str(key))
            session.add(entry)
    else:
        entry = _get(session, kind, key)
    entry.retired_on = today if retired else None
    session.flush()


def shown_name(name: str, retired_on: date | None) -> str:
    """How an entry is offered where it is chosen."""
    return f"{name}{RETIRED_MARK}" if retired_on is not None else name


# --- helpers ---------------------------------------------------------------------------


def _get(session: Session, kind: str, key: int | str) -> Any:
    entry = session.get(TABLES[kind], key)
    if entry is None:
        raise ListError(
            f"{LABELS[kind]}（ID {key}）は見つかりません。削除された可能性があります"
            "（一覧を読み込み直してください）"
        )
    return entry


def _model_of(table: str) -> type[Any]:
    model = model_by_table(table)
    if model is not None:
        return model
    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table:
            return mapper.class_
    raise LookupError(f"no model maps {table}")


def _listed_maker(session: Session, name: str) -> Manufacturer | None:
    return session.scalar(select(Manufacturer).where(Manufacturer.name == name))


def _known_maker(session: Session, name: str) -> None:
    """Refuse a maker that is neither listed nor used (removed meanwhile)."""
    if _listed_maker(session, name) is None and not session.scalar(
        select(func.count()).select_from(Asset).where(Asset.manufacturer == name)
    ):
        raise ListError(
            f"メーカー「{name}」は一覧にありません。削除された可能性があります"
            "（一覧を読み込み直してください）"
        )


def _set_manufacturer(session: Session, old: str, new: str) -> int:
    assets = session.scalars(select(Asset).where(Asset.manufacturer == old)).all()
    for asset in assets:
        asset.manufacturer = new
    session.flush()
    return len(assets)


def _merge_custom_fields(session: Session, source_id: int, target_id: int) -> None:
    """The source type's 独自項目 go to the target; one the target has already (the same
    key) is dropped (the assets keep their values under that key)."""
    target_keys = set(
        session.scalars(select(CustomFieldDef.key).where(CustomFieldDef.asset_type_id == target_id))
    )
    for field_def in session.scalars(
        select(CustomFieldDef).where(CustomFieldDef.asset_type_id == source_id)
    ).all():
        if field_def.key in target_keys:
            session.delete(field_def)
        else:
            field_def.asset_type_id = target_id
    session.flush()
