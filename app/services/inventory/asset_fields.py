"""Validation of asset field values, one field at a time (no database).

:func:`clean_field` turns one editor or import value into its column value and says what
is wrong with it; it depends on nothing but the field and the value, so the import can
remember its answer for a value repeated on thousands of rows. The checks that need
other fields or the database (required fields, a unique tag, existing ids, dates in
order) are in :func:`app.services.inventory.assets.clean_asset_input` and :func:`date_order_errors`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from app import jdate
from app.store.models import ASSET_FIELDS as FIELD_LABELS
from app.store.vocab import ASSET_STATUSES, CIA_FIELDS, DATE_FIELDS, SEGMENTS

TEXT_LIMITS: dict[str, int] = {
    "asset_tag": 60,
    "name": 200,
    "user_name": 100,
    "hostname": 100,
    "ip_address": 60,
    "mac_address": 40,
    "serial_number": 100,
    "manufacturer": 100,
    "model": 100,
    "os_name": 100,
    "notes": 20_000,
}
REFERENCE_FIELDS = ("asset_type_id", "department_id", "location_id")
LATER_THAN_PURCHASE = ("lease_end", "maintenance_end", "eol_date")

_MAC_RE = re.compile(r"^[0-9A-Fa-f]{2}([:-]?)[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$")
_HOST_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_-]{1,63})*$")

Cleaned = tuple[Any, tuple[str, ...]]  # (column value, messages; empty when valid)


def clean_field(name: str, value: Any) -> Cleaned:
    """The column value of ``value`` for field ``name`` and what is wrong with it."""
    return field_cleaner(name)(value)


def field_cleaner(name: str) -> Callable[[Any], Cleaned]:
    """The function :func:`clean_field` uses for field ``name`` (looked up once by a
    caller that cleans a whole column)."""
    if name not in FIELD_LABELS:
        return _unknown_field
    if name in DATE_FIELDS:
        return _clean_date
    if name in CIA_FIELDS:
        return _clean_level
    if name in REFERENCE_FIELDS:
        return _clean_reference
    if name == "status":
        return _clean_status
    if name == "segment":
        return _clean_segment
    return partial(_clean_text, name)


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _unknown_field(_value: Any) -> Cleaned:
    return None, ("不明な項目です",)


def _clean_level(value: Any) -> Cleaned:
    value = _stripped(value)
    if value in (None, ""):
        return None, ()
    if str(value) in ("1", "2", "3"):
        return int(value), ()
    return None, ("1〜3で指定してください",)


def _clean_reference(value: Any) -> Cleaned:
    value = _stripped(value)
    return (int(value) if value not in (None, "") else None), ()


def _clean_status(value: Any) -> Cleaned:
    value = _stripped(value)
    return value, (() if value in ASSET_STATUSES else (f"不明な状態です: {value}",))


def _clean_segment(value: Any) -> Cleaned:
    value = _stripped(value)
    if value in (None, ""):
        return None, ()
    if value not in SEGMENTS:
        return None, (f"不明なネットワーク区分です: {value}",)
    return value, ()


def _clean_text(name: str, value: Any) -> Cleaned:
    text = "" if value is None else str(value).strip()
    return text, _text_problems(name, text)


def _clean_date(value: Any) -> Cleaned:
    value = _stripped(value)
    if isinstance(value, date):
        return value, ()
    try:
        return jdate.parse_optional_date(value), ()
    except jdate.JDateError as exc:
        return None, (str(exc),)


def _text_problems(name: str, text: str) -> tuple[str, ...]:
    problems: list[str] = []
    limit = TEXT_LIMITS.get(name)
    if limit is not None and len(text) > limit:
        problems.append(f"{limit}文字以内で入力してください（{len(text)}文字）")
    if "\x00" in text:
        problems.append("制御文字（NUL）は使えません")
    if not text or problems:
        return tuple(problems)
    if name == "ip_address":
        try:
            ipaddress.ip_address(text)
        except ValueError:
            problems.append(f"IPアドレスの形式ではありません: {text}")
    elif name == "mac_address" and not _MAC_RE.match(text):
        problems.append("MACアドレスの形式ではありません（例: 00:11:22:33:44:55）")
    elif name == "hostname" and not _HOST_RE.match(text):
        problems.append("ホスト名に使えない文字が含まれています")
    return tuple(problems)


def date_order_problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for each end date before the purchase date."""
    purchase = values.get("purchase_date")
    if not purchase:
        return []
    return [
        (later, "購入日より前の日付です")
        for later in LATER_THAN_PURCHASE
        if values.get(later) and values[later] < purchase
    ]
