"""独自項目 values: validated against their definitions (app.services.custom_fields) and
stored in ``Asset.custom_fields`` under the key — text as typed, numbers as int/float,
dates as ISO strings — together with the asset's own fields, all or nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from app import jdate
from app.services.assets import clean_asset_input, get_asset
from app.services.custom_fields import FieldDefLike, field_key, fields_for_type
from app.services.errors import FieldError, ValidationError
from app.store.models import Asset

MAX_TEXT_CHARS = 2000
_NUMBER_RE = re.compile(r"^[+-]?\d{1,30}(\.\d{1,15})?$")


def display_value(value: Any) -> str:
    """A stored value as the editor shows it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _clean_one(d: FieldDefLike, text: str) -> Any:
    """One typed value; raises ValueError with a Japanese message."""
    if d.kind == "number":
        normal = unicodedata.normalize("NFKC", text).replace(",", "").strip()
        if not _NUMBER_RE.match(normal):
            raise ValueError(f"数値で入力してください: {text[:30]}")
        return float(normal) if "." in normal else int(normal)
    if d.kind == "date":
        try:
            parsed = jdate.parse_date(text)
        except jdate.JDateError as exc:
            raise ValueError(str(exc)) from exc
        return parsed.isoformat()
    if d.kind == "choice":
        if text not in d.choices:
            raise ValueError(f"選択肢にない値です: {text[:30]}")
        return text
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"{MAX_TEXT_CHARS}文字以内で入力してください（{len(text)}文字）")
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise ValueError("制御文字は使えません")
    return text


def clean_custom_values(
    defs: Iterable[FieldDefLike],
    values: Mapping[str, Any],
    *,
    current: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Validate typed values (key → text) against ``defs``; None means "clear".

    A value equal to what is stored (``current``) is kept as stored without
    checking, so an old value that no longer fits its definition does not block
    saving other fields. Raises ValidationError with fields "custom:<key>".
    """
    by_key = {d.key: d for d in defs}
    current = current or {}
    out: dict[str, Any] = {}
    errors: list[FieldError] = []
    for key, raw in values.items():
        d = by_key.get(key)
        if d is None:
            errors.append(FieldError(field_key(key), key, "定義されていない独自項目です"))
            continue
        text = "" if raw is None else str(raw).strip()
        if key in current and text == display_value(current[key]):
            out[key] = current[key]
            continue
        if not text:
            out[key] = None
            continue
        try:
            out[key] = _clean_one(d, text)
        except ValueError as exc:
            errors.append(FieldError(field_key(key), d.label, str(exc)))
    if errors:
        raise ValidationError(errors)
    return out


def merge_values(existing: Mapping[str, Any] | None, cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """A NEW dict: ``existing`` with ``cleaned`` applied (None removes a key).

    Keys not in ``cleaned`` (e.g. of deleted definitions) are kept.
    """
    merged = dict(existing or {})
    for key, value in cleaned.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def set_custom_values(session: Session, asset_id: int, values: Mapping[str, Any]) -> Asset:
    """Validate and store custom values of one asset (history and search follow)."""
    asset = get_asset(session, asset_id)
    defs = fields_for_type(session, asset.asset_type_id)
    cleaned = clean_custom_values(defs, values, current=asset.custom_fields)
    merged = merge_values(asset.custom_fields, cleaned)
    if merged != (asset.custom_fields or {}):
        asset.custom_fields = merged  # a new dict: SQLAlchemy sees the change
    session.flush()
    return asset


def _type_id(data: Mapping[str, Any], asset: Asset | None) -> int | None:
    if "asset_type_id" not in data:
        return asset.asset_type_id if asset else None
    try:
        value = data["asset_type_id"]
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None  # clean_asset_input reports it


def save_asset(
    session: Session, asset_id: int | None, data: dict[str, Any], custom: Mapping[str, Any]
) -> Asset:
    """Create (asset_id None) or update an asset with its custom values, all or nothing.

    Every problem, built-in and custom, is raised in one ValidationError.
    """
    asset = get_asset(session, asset_id) if asset_id is not None else None
    current = dict(asset.custom_fields or {}) if asset else {}
    errors: list[FieldError] = []
    cleaned: dict[str, Any] = {}
    try:
        cleaned = clean_custom_values(
            fields_for_type(session, _type_id(data, asset)), custom, current=current
        )
    except ValidationError as exc:
        errors = exc.errors
    try:
        values = clean_asset_input(session, data, asset_id=asset_id)
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
            asset.custom_fields = merged
    session.flush()
    return asset
