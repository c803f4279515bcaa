"""独自項目 values: validated against their definitions (app.services.inventory.custom_fields), as
stored in ``Asset.custom_fields`` under the key — text as typed, numbers as int/float,
dates as ISO strings. They are saved with the asset's own fields, all or nothing, by
app.services.inventory.assets (``create_asset`` / ``update_asset``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from app import jdate
from app.services.errors import FieldError, ValidationError
from app.services.inventory.custom_fields import FieldDefLike, field_key

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
