"""Per-field validation of asset values (app.services.inventory.asset_fields)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.services.inventory.asset_fields import clean_field, date_order_problems, field_cleaner

CASES: list[tuple[str, Any, Any, tuple[str, ...]]] = [
    ("name", "  事務用PC  ", "事務用PC", ()),
    ("name", None, "", ()),
    ("asset_tag", "X" * 61, "X" * 61, ("60文字以内で入力してください（61文字）",)),
    ("notes", "a\x00b", "a\x00b", ("制御文字（NUL）は使えません",)),
    ("ip_address", "10.0.0.1", "10.0.0.1", ()),
    ("ip_address", "fe80::1", "fe80::1", ()),
    ("ip_address", "10.0.0.256", "10.0.0.256", ("IPアドレスの形式ではありません: 10.0.0.256",)),
    ("mac_address", "00-11-22-33-44-55", "00-11-22-33-44-55", ()),
    ("mac_address", "00:11:22", "00:11:22",
     ("MACアドレスの形式ではありません（例: 00:11:22:33:44:55）",)),
    ("hostname", "pc-01.example", "pc-01.example", ()),
    ("hostname", "総務PC", "総務PC", ("ホスト名に使えない文字が含まれています",)),
    ("purchase_date", "R8.3.31", date(2026, 3, 31), ()),
    ("purchase_date", date(2020, 1, 2), date(2020, 1, 2), ()),
    ("purchase_date", "", None, ()),
    ("purchase_date", "R8.2.30", None, ("2月30日は存在しない日付です",)),
    ("confidentiality", "2", 2, ()),
    ("confidentiality", "", None, ()),
    ("confidentiality", "4", None, ("1〜3で指定してください",)),
    ("department_id", "7", 7, ()),
    ("department_id", "", None, ()),
    ("status", "in_use", "in_use", ()),
    ("status", "lost", "lost", ("不明な状態です: lost",)),
    ("segment", "lgwan", "lgwan", ()),
    ("segment", "", None, ()),
    ("segment", "cloud", None, ("不明なネットワーク区分です: cloud",)),
    ("colour", "red", None, ("不明な項目です",)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "value", "expected", "messages"), CASES)
def test_clean_field(name: str, value: Any, expected: Any, messages: tuple[str, ...]) -> None:
    cleaned, problems = clean_field(name, value)
    assert problems == messages
    if not messages or name in ("asset_tag", "notes", "ip_address", "mac_address", "hostname"):
        assert cleaned == expected
    assert field_cleaner(name)(value) == (cleaned, problems)


def test_a_too_long_address_is_not_also_called_malformed() -> None:
    assert clean_field("ip_address", "1" * 61) == (
        "1" * 61,
        ("60文字以内で入力してください（61文字）",),
    )


def test_dates_before_the_purchase_date() -> None:
    values = {"purchase_date": date(2024, 4, 1), "lease_end": date(2024, 3, 31),
              "maintenance_end": date(2024, 4, 1), "eol_date": None}  # fmt: skip
    assert date_order_problems(values) == [("lease_end", "購入日より前の日付です")]
    assert date_order_problems({"lease_end": date(2000, 1, 1)}) == []
