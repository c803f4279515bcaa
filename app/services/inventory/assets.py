"""Asset ledger use cases: list rows for the table, filter, validate, create/edit/delete."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import jdate
from app.services.errors import FieldError, ValidationError
from app.services.field_input import Choice
from app.services.inventory.asset_fields import (
    REFERENCE_FIELDS,
    clean_field,
    date_order_problems,
)
from app.services.inventory.custom_fields import fields_for_type
from app.services.inventory.custom_values import clean_custom_values, merge_values
from app.services.records import get_or_not_found
from app.store.models import ASSET_FIELDS as FIELD_LABELS
from app.store.models import Asset, AssetType, Department, Location, Manufacturer
from app.store.search_text import normalize


@dataclass(slots=True)
class AssetRow:
    """One line of the asset table: plain values, cheap to hold 50,000 of."""

    id: int
    asset_tag: str
    name: str
    asset_type_id: int | None
    type_name: str
    status: str
    segment: str | None
    department_id: int | None
    department_name: str
    location_id: int | None
    location_name: str
    user_name: str
    hostname: str
    ip_address: str
    maintenance_end: date | None
    lease_end: date | None
    eol_date: date | None


_ROW_COLUMNS = (
    Asset.id,
    Asset.asset_tag,
    Asset.name,
    Asset.asset_type_id,
    AssetType.name,
    Asset.status,
    Asset.segment,
    Asset.department_id,
    Department.name,
    Asset.location_id,
    Location.name,
    Asset.user_name,
    Asset.hostname,
    Asset.ip_address,
    Asset.maintenance_end,
    Asset.lease_end,
    Asset.eol_date,
)


def _row_query() -> Any:
    return (
        select(*_ROW_COLUMNS)
        .outerjoin(AssetType, AssetType.id == Asset.asset_type_id)
        .outerjoin(Department, Department.id == Asset.department_id)
        .outerjoin(Location, Location.id == Asset.location_id)
    )


def _to_row(r: Any) -> AssetRow:
    return AssetRow(
        r[0], r[1], r[2], r[3], r[4] or "", r[5], r[6], r[7], r[8] or "", r[9], r[10] or "",
        r[11], r[12], r[13], r[14], r[15], r[16],
    )  # fmt: skip


def load_asset_rows(session: Session) -> list[AssetRow]:
    """Every asset as a table row, ordered by asset tag."""
    result = session.execute(_row_query().order_by(Asset.asset_tag))
    return [_to_row(r) for r in result]


def load_asset_row(session: Session, asset_id: int) -> AssetRow | None:
    r = session.execute(_row_query().where(Asset.id == asset_id)).first()
    return _to_row(r) if r else None


# --- filtering -------------------------------------------------------------------------

LIFECYCLE_FILTERS: dict[str, str] = {
    "eol_reached": "EOL（サポート終了）到達",
    "eol_within": "EOLがN か月以内",
    "maintenance_within": "保守終了がNか月以内",
    "lease_within": "リース終了がNか月以内",
    "maintenance_expired": "保守切れ",
}


@dataclass
class AssetFilter:
    """What the ledger shows. Empty sets mean 'any'."""

    type_ids: set[int] = field(default_factory=set)
    segments: set[str] = field(default_factory=set)
    statuses: set[str] = field(default_factory=set)
    department_ids: set[int] = field(default_factory=set)
    location_ids: set[int] = field(default_factory=set)
    lifecycle: str | None = None
    months: int = 6
    text: str = ""

    def is_empty(self) -> bool:
        return not (
            self.type_ids
            or self.segments
            or self.statuses
            or self.department_ids
            or self.location_ids
            or self.lifecycle
            or self.text.strip()
        )


def filter_rows(
    rows: list[AssetRow],
    flt: AssetFilter,
    *,
    today: date | None = None,
    texts: list[str] | None = None,
) -> list[int]:
    """Indexes of ``rows`` that pass ``flt`` (in the order given).

    ``texts`` may carry ``row_search_text`` of every row, computed once, so that
    keyword filtering at 50,000 rows does not normalise every row on each call.
    """
    if flt.is_empty():
        return list(range(len(rows)))
    today = today or date.today()
    horizon = jdate.add_months(today, flt.months)
    positions: Iterable[int] = range(len(rows))
    # Cheapest, most selective conditions first; each pass narrows the positions.
    for attr, wanted in (
        ("segment", flt.segments),
        ("status", flt.statuses),
        ("asset_type_id", flt.type_ids),
        ("department_id", flt.department_ids),
        ("location_id", flt.location_ids),
    ):
        if wanted:
            positions = [i for i in positions if getattr(rows[i], attr) in wanted]
    if flt.lifecycle:
        attr, low, high = _LIFECYCLE_RANGES[flt.lifecycle](today, horizon)
        positions = [
            i
            for i in positions
            if (d := getattr(rows[i], attr)) is not None
            and (low is None or d >= low)
            and (high is None or d <= high)
        ]
    needle = normalize_needle(flt.text)
    if needle:
        if texts is None:
            texts = [row_search_text(r) for r in rows]
        positions = [i for i in positions if needle in texts[i]]
    return list(positions)


# lifecycle filter → (date attribute, lowest, highest) given (today, horizon)
_LIFECYCLE_RANGES: dict[str, Any] = {
    "eol_reached": lambda t, h: ("eol_date", None, t),
    "eol_within": lambda t, h: ("eol_date", t, h),
    "maintenance_within": lambda t, h: ("maintenance_end", t, h),
    "lease_within": lambda t, h: ("lease_end", t, h),
    "maintenance_expired": lambda t, h: ("maintenance_end", None, t - timedelta(days=1)),
}


def normalize_needle(text: str) -> str:
    """Normalise a keyword the way row text is normalised."""
    return normalize(text.strip())


def row_search_text(r: AssetRow) -> str:
    """The normalised text the ledger's keyword filter matches against."""
    return normalize(f"{r.asset_tag} {r.name} {r.user_name} {r.hostname} {r.ip_address}")


# --- lookups for editors ---------------------------------------------------------------


@dataclass(frozen=True)
class Lookups:
    types: list[Choice]
    departments: list[Choice]
    locations: list[Choice]
    # The makers offered while typing (listed or in use; not the retired ones).
    makers: tuple[str, ...] = ()


RETIRED_MARK = "（廃止）"  # after a retired entry's name where entries are chosen


def load_lookups(session: Session) -> Lookups:
    """The choices of 種別, 部署 and 設置場所: retired ones last, marked 「（廃止）」 (kept,
    so that an asset naming one still shows it)."""

    def choices(model: Any, *order: Any) -> list[Choice]:
        stmt = select(model.id, model.name, model.retired_on).order_by(
            model.retired_on.is_not(None), *order
        )
        return [Choice(i, n + RETIRED_MARK if r else n) for i, n, r in session.execute(stmt)]

    retired = set(
        session.scalars(select(Manufacturer.name).where(Manufacturer.retired_on.is_not(None)))
    )
    in_use = session.scalars(select(Asset.manufacturer).where(Asset.manufacturer != "").distinct())
    listed = session.scalars(select(Manufacturer.name).where(Manufacturer.retired_on.is_(None)))
    makers = tuple(sorted((set(in_use) | set(listed)) - retired))
    return Lookups(
        types=choices(AssetType, AssetType.sort_order),
        departments=choices(Department, Department.name),
        locations=choices(Location, Location.name),
        makers=makers,
    )


# --- validation and saving -------------------------------------------------------------


def _err(name: str, message: str) -> FieldError:
    return FieldError(name, FIELD_LABELS.get(name, name), message)


def clean_asset_input(
    session: Session, data: dict[str, Any], *, asset_id: int | None = None
) -> dict[str, Any]:
    """Validate editor input (strings or values) and return typed column values.

    Raises ValidationError listing every problem; nothing is written.
    """
    errors: list[FieldError] = []
    out: dict[str, Any] = {}
    for name, value in data.items():
        out[name], problems = clean_field(name, value)
        errors.extend(FieldError(name, FIELD_LABELS.get(name, name), m) for m in problems)
    errors.extend(_check_fields(session, out, asset_id))
    if errors:
        raise ValidationError(errors)
    return out


def _check_fields(session: Session, out: dict[str, Any], asset_id: int | None) -> list[FieldError]:
    """The checks that need the other fields or the database."""
    errors: list[FieldError] = []
    if asset_id is None or "asset_tag" in out:
        tag = out.get("asset_tag", "")
        if not tag:
            errors.append(_err("asset_tag", "必須です"))
        else:
            clash = session.execute(
                select(Asset.id).where(Asset.asset_tag == tag, Asset.id != (asset_id or -1))
            ).first()
            if clash:
                errors.append(_err("asset_tag", f"「{tag}」は既に使われています"))
    if (asset_id is None or "name" in out) and not out.get("name"):
        errors.append(_err("name", "必須です"))
    for key, model in zip(REFERENCE_FIELDS, (AssetType, Department, Location), strict=True):
        if out.get(key) is not None and session.get(model, out[key]) is None:
            errors.append(_err(key, "選択肢にない値です"))
    errors.extend(_err(name, message) for name, message in date_order_problems(out))
    return errors


def create_asset(
    session: Session, data: dict[str, Any], custom: Mapping[str, Any] | None = None
) -> Asset:
    """A new asset from ``data`` (fields keyed like FIELD_LABELS) and its custom values,
    all or nothing: every problem, built-in and custom, is raised in one ValidationError.
    The GUI's editor, the tests and the other services all save assets through here."""
    return _save(session, None, data, custom or {})


def update_asset(
    session: Session, asset_id: int, data: dict[str, Any], custom: Mapping[str, Any] | None = None
) -> Asset:
    """Change the fields given in ``data`` and the custom values given in ``custom``
    (a None value removes one), all or nothing."""
    return _save(session, get_asset(session, asset_id), data, custom or {})


def set_custom_values(session: Session, asset_id: int, custom: Mapping[str, Any]) -> Asset:
    """Change custom values only."""
    return update_asset(session, asset_id, {}, custom)


def _save(
    session: Session, asset: Asset | None, data: dict[str, Any], custom: Mapping[str, Any]
) -> Asset:
    current = dict(asset.custom_fields or {}) if asset else {}
    errors: list[FieldError] = []
    cleaned: dict[str, Any] = {}
    if custom:
        defs = fields_for_type(session, _type_id(data, asset))
        try:
            cleaned = clean_custom_values(defs, custom, current=current)
        except ValidationError as exc:
            errors = exc.errors
    try:
        values = clean_asset_input(session, data, asset_id=asset.id if asset else None)
    except ValidationError as exc:
        raise ValidationError(exc.errors + errors) from None
    if errors:
        raise ValidationError(errors)
    merged = merge_values(current, cleaned)
    if asset is None:
        values.setdefault("status", "in_use")
        asset = Asset(**values, custom_fields=merged)
        session.add(asset)
    else:
        for key, value in values.items():
            setattr(asset, key, value)
        if merged != current:
            asset.custom_fields = merged  # a new dict: SQLAlchemy sees the change
    session.flush()
    return asset


def _type_id(data: Mapping[str, Any], asset: Asset | None) -> int | None:
    """The 種別 whose custom fields apply: the one being saved, else the asset's."""
    if "asset_type_id" not in data:
        return asset.asset_type_id if asset else None
    try:
        value = data["asset_type_id"]
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None  # clean_asset_input reports it


def delete_asset(session: Session, asset_id: int) -> None:
    session.delete(get_asset(session, asset_id))
    session.flush()


def get_asset(session: Session, asset_id: int) -> Asset:
    return get_or_not_found(session, Asset, asset_id)


def asset_values(asset: Asset) -> dict[str, Any]:
    """The editable values of ``asset`` keyed like FIELD_LABELS."""
    return {name: getattr(asset, name) for name in FIELD_LABELS}
