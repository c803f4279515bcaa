"""Column suggestions from ledger headers, targets typed by users, coded values."""

from __future__ import annotations

import pytest

from app.interchange.asset_mapping import (
    IGNORE,
    KEYRING,
    SYNONYMS,
    cia_level,
    normalize_header,
    secret_kind,
    segment_code,
    status_code,
    suggest_mapping,
)
from app.services.inventory.assets import FIELD_LABELS
from app.services.inventory.import_profiles import parse_secret_choice, parse_target, target_label


def test_synonym_table_covers_exactly_the_editor_fields_led_by_their_labels() -> None:
    assert list(SYNONYMS) == list(FIELD_LABELS)
    for field, synonyms in SYNONYMS.items():
        assert synonyms[0] == FIELD_LABELS[field]


def test_normalisation() -> None:
    assert normalize_header(" ＭＡＣ アドレス ") == normalize_header("MACアドレス")
    assert normalize_header("メーカ名") == normalize_header("メーカー名")
    assert normalize_header("Serial_Number") == normalize_header("serial number")


def test_systemwalker_headers() -> None:
    headers = [
        "資産管理番号", "モデル名", "シリアル番号", "メーカ名", "分類", "PC名", "ユーザーID",
        "部門名", "コンピュータ名", "IPアドレス", "MACアドレス", "リース契約No", "リース開始日",
        "リース終了日",
    ]  # fmt: skip
    assert suggest_mapping(headers) == {
        "資産管理番号": "asset_tag",
        "モデル名": "model",
        "シリアル番号": "serial_number",
        "メーカ名": "manufacturer",
        "分類": "asset_type_id",
        "PC名": "name",  # コンピュータ名 names the host better
        "ユーザーID": "user_name",
        "部門名": "department_id",
        "コンピュータ名": "hostname",
        "IPアドレス": "ip_address",
        "MACアドレス": "mac_address",
        "リース契約No": "custom:リース契約No",
        "リース開始日": "custom:リース開始日",
        "リース終了日": "lease_end",
    }


def test_jp1_ism_and_generic_headers() -> None:
    jp1 = suggest_mapping(
        ["資産管理番号", "シリアルナンバー", "IPアドレス", "MACアドレス", "ホスト名"]
    )
    assert list(jp1.values()) == [
        "asset_tag", "serial_number", "ip_address", "mac_address", "hostname",
    ]  # fmt: skip
    ism = suggest_mapping(["コンピューター名", "OS", "ユーザー名", "部署", "設置場所", "保守期限"])
    assert list(ism.values()) == [
        "hostname", "os_name", "user_name", "department_id", "location_id", "maintenance_end",
    ]  # fmt: skip
    generic = suggest_mapping(
        ["名称", "機器名", "所属", "使用者", "購入日", "保守終了日", "EOL", "備考", "種別"]
    )
    assert generic == {
        "名称": "name",
        "機器名": "custom:機器名",  # 名称 is the better name column
        "所属": "department_id",
        "使用者": "user_name",
        "購入日": "purchase_date",
        "保守終了日": "maintenance_end",
        "EOL": "eol_date",
        "備考": "notes",
        "種別": "asset_type_id",
    }


def test_english_headers_and_near_misses() -> None:
    mapping = suggest_mapping(
        ["Asset Tag", "Hostname", "IP", "MAC Address", "Serial", "Location", "IPアドレス(2)",
         "username", "product key"]
    )  # fmt: skip
    assert mapping["Asset Tag"] == "asset_tag"
    assert mapping["Hostname"] == "hostname"
    assert mapping["IP"] == "ip_address"
    assert mapping["MAC Address"] == "mac_address"
    assert mapping["Serial"] == "serial_number"
    assert mapping["Location"] == "location_id"
    assert mapping["IPアドレス(2)"] == "custom:IPアドレス(2)"  # IP is taken by the exact match
    assert mapping["username"] == "user_name"
    assert mapping["product key"] == ""  # a secret: not a model name, nor a custom field


def test_contained_synonym_is_a_weaker_suggestion() -> None:
    assert (
        suggest_mapping(["管理", "保守終了日（予定）"])["保守終了日（予定）"] == "maintenance_end"
    )


def test_parse_target() -> None:
    assert parse_target("hostname", "PC名") == "hostname"
    assert parse_target("ホスト名", "PC名") == "hostname"
    assert parse_target("custom", "メモ") == "custom:メモ"
    assert parse_target("custom:備考2", "メモ") == "custom:備考2"
    assert parse_target("-", "メモ") == ""
    with pytest.raises(ValueError, match="取込先「色」は不明な項目です"):
        parse_target("色", "メモ")
    assert target_label("") == "取り込まない"
    assert target_label("custom:メモ") == "独自項目「メモ」"
    assert target_label("lease_end") == "リース終了日"


def test_coded_values_accept_labels_codes_and_variants() -> None:
    assert status_code("稼働中") == "in_use"
    assert status_code("in_use") == "in_use"
    assert status_code("廃棄済み") == "disposed"
    assert status_code("不明") == "不明"  # left for validation to report
    assert segment_code("LGWAN接続系") == "lgwan"
    assert segment_code("ＬＧＷＡＮ系") == "lgwan"
    assert segment_code("マイナンバー利用事務系") == "mynumber"
    assert segment_code("internet") == "internet"
    assert cia_level("２") == "2"
    assert cia_level("3（高）") == "3"
    assert cia_level("中") == "2"


# --- columns holding secrets -------------------------------------------------------------

PASSWORD_HEADERS = [
    "パスワード", "管理者パスワード", "初期パスワード", "BIOSパスワード", "Wi-Fiパスワード",
    "パスワード（初期値）", "ＰＷ", "PW", "P/W", "ID/PW", "ログインPW", "BIOS PW", "pwd",
    "パスフレーズ", "暗証番号", "PIN", "PINコード", "secret", "Client Secret", "password",
    "Admin Password", "passwd", "Passphrase", "adminpw", "BitLocker回復キー", "WPAキー",
    "SSH秘密鍵", "APIキー", "ユーザーID・パスワード", "シークレット",
]  # fmt: skip
LICENSE_KEY_HEADERS = [
    "ライセンスキー", "プロダクトキー", "ﾌﾟﾛﾀﾞｸﾄｷｰ", "製品キー", "シリアルキー", "ライセンス認証キー",
    "license key", "Licence Key", "Product Key", "PRODUCT_KEY", "productkey", "キー", "Key",
]  # fmt: skip
NOT_SECRET_HEADERS = [
    "キーボード", "キー番号", "鍵番号", "鍵", "鍵の保管場所", "キーの保管場所", "キーボード種別",
    "パスワード変更日", "パスワード有効期限", "パスワード設定の有無", "ライセンスキーの保管場所",
    "ライセンス数", "ライセンス番号", "シリアル番号", "製品名", "ホスト名", "Keyboard",
    "Key No.", "Key ID", "Room key", "Password last changed", "password expiry", "Pass",
    "ping", "Shipping", "spin", "upward", "OS", "備考", "",
]  # fmt: skip


@pytest.mark.parametrize("header", PASSWORD_HEADERS)
def test_password_like_headers_are_secrets(header: str) -> None:
    assert secret_kind(header) == "password"


@pytest.mark.parametrize("header", LICENSE_KEY_HEADERS)
def test_licence_key_headers_are_secrets(header: str) -> None:
    assert secret_kind(header) == "license_key"


@pytest.mark.parametrize("header", NOT_SECRET_HEADERS)
def test_near_misses_are_not_secrets(header: str) -> None:
    assert secret_kind(header) is None


def test_secret_columns_are_never_suggested_as_fields_or_custom_fields() -> None:
    headers = ["資産管理番号", "名称", "パスワード", "シリアルキー", "ユーザーIDとパスワード",
               "キーボード", "キー番号", "鍵の保管場所"]  # fmt: skip
    mapping = suggest_mapping(headers)
    assert mapping["パスワード"] == IGNORE
    assert mapping["シリアルキー"] == IGNORE  # not serial_number
    assert mapping["ユーザーIDとパスワード"] == IGNORE  # not user_name
    assert mapping["キーボード"] == "custom:キーボード"
    assert mapping["キー番号"] == "custom:キー番号"
    assert mapping["鍵の保管場所"] != IGNORE  # about a key, not a secret


def test_secret_choices() -> None:
    assert parse_secret_choice("keyring") == KEYRING
    assert parse_secret_choice(" KEYRING ") == KEYRING
    assert parse_secret_choice("skip") == IGNORE
    with pytest.raises(ValueError, match="keyring または skip"):
        parse_secret_choice("custom")
    assert target_label(KEYRING) == "キーリングに保存（認証情報の参照）"
