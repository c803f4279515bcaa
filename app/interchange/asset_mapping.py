"""Which asset field a ledger column holds: suggestions from Japanese and English headers.

A *mapping* is ``{source header: target}`` where a target is an asset field (a key of
``app.services.inventory.assets.FIELD_LABELS``, which are the keys of ``SYNONYMS`` here: this
module sits below the services layer and does not import it), ``"custom:<key>"`` (kept in
``Asset.custom_fields[key]``), or ``""`` (the user chose not to import the column).
A header missing from a mapping is kept as a custom field: nothing is dropped silently.

Headers are compared after NFKC, case folding, and removing spaces, punctuation and the
long-vowel mark (メーカ = メーカー, コンピュータ名 = コンピューター名). The synonym table
covers the exports of SKYSEA Client View, LANSCOPE, Systemwalker Desktop Patrol,
ISM CloudOne and JP1/IT Desktop Management 2, plus generic Japanese and English names.

The department, location and type columns hold *names*; the import resolves them.
Status and network segment accept the Japanese labels, the codes and common variants.

Columns whose header names a secret (パスワード, PW, 暗証番号, ライセンスキー, プロダクトキー,
password, PIN, license key …: :func:`secret_kind`) are never suggested as a field or a
custom field: their values must not reach the database. Their target is either
``KEYRING`` (each value goes to the OS keyring behind a credential reference) or
``IGNORE``; a suggestion always starts with ``IGNORE``, the safe choice. Headers *about*
a secret (パスワード変更日, キーの保管場所) and physical keys (キー番号, 鍵) are not secrets.
"""

from __future__ import annotations

import re
import unicodedata

from app.store.vocab import ASSET_STATUSES, CIA_LEVELS, SEGMENTS

CUSTOM_PREFIX = "custom:"
IGNORE = ""
KEYRING = "secret:keyring"  # the values go to the OS keyring as credential references

# field → synonyms, most specific first (earlier synonyms win when two columns compete).
# The first synonym of each field is its label in the editor (FIELD_LABELS).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "asset_tag": (
        "資産管理番号", "資産番号", "管理番号", "資産管理No", "資産No", "資産ID", "資産コード",
        "備品番号", "機器番号", "台帳番号", "機器管理番号", "管理No", "asset tag", "asset no",
        "asset number", "asset id", "asset code", "tag",
    ),
    "name": (
        "名称", "機器名", "資産名", "機器名称", "資産名称", "品名", "品目", "名前", "name",
        "asset name", "device name", "PC名", "端末名",
    ),
    "asset_type_id": (
        "種別", "資産種別", "機器種別", "分類", "資産分類", "機器分類", "種類", "機種区分",
        "type", "asset type", "category", "device type",
    ),
    "status": ("状態", "ステータス", "稼働状況", "稼働状態", "利用状況", "使用状況", "status"),
    "segment": (
        "ネットワーク区分", "ネットワーク", "セグメント", "接続系", "系統", "三層分離区分",
        "segment", "network segment",
    ),
    "department_id": (
        "部署", "部署名", "部門名", "部門", "所属", "所属部署", "所属名", "課名", "担当課",
        "管理部署", "組織", "組織名", "department", "dept", "section", "division",
    ),
    "location_id": (
        "設置場所", "場所", "設置先", "設置箇所", "所在地", "設置場所名", "保管場所",
        "ロケーション", "location", "place", "site", "room",
    ),
    "user_name": (
        "利用者", "使用者", "利用者名", "使用者名", "ユーザー名", "ユーザー", "担当者",
        "ユーザーID", "ユーザID", "ログオンユーザー", "ログインユーザー", "user", "user name",
        "user id", "owner", "assigned to",
    ),
    "hostname": (
        "ホスト名", "コンピュータ名", "コンピュータ", "端末名", "マシン名", "PC名", "hostname",
        "host name", "host", "computer name", "machine name", "device name",
    ),
    "ip_address": ("IPアドレス", "IPv4アドレス", "IP", "IPv4", "ip address", "ipv4 address"),
    "mac_address": (
        "MACアドレス", "物理アドレス", "MAC", "mac address", "physical address",
    ),
    "serial_number": (
        "シリアル番号", "シリアルナンバー", "シリアルNo", "シリアル", "製造番号", "製造No",
        "製品番号", "S/N", "SN", "serial", "serial number", "serial no",
    ),
    "manufacturer": (
        "メーカー", "メーカー名", "製造元", "製造者", "製造メーカー", "manufacturer", "maker",
        "vendor", "make",
    ),
    "model": (
        "型番", "モデル名", "モデル", "機種名", "機種", "型式", "製品名", "model", "model name",
        "product name",
    ),
    "os_name": ("OS", "OS名", "オペレーティングシステム", "OS種別", "os name", "operating system"),
    "purchase_date": (
        "購入日", "購入年月日", "取得日", "取得年月日", "導入日", "導入年月日", "納入日",
        "納品日", "調達日", "purchase date", "purchased", "acquired",
    ),
    "lease_end": (
        "リース終了日", "リース満了日", "リース期限", "リース終了", "リース期間終了日",
        "lease end", "lease end date", "lease expiry", "lease expiration",
    ),
    "maintenance_end": (
        "保守終了日", "保守期限", "保守満了日", "保守契約終了日", "保守期間終了日",
        "保証期限", "保証終了日", "maintenance end", "warranty end", "warranty expiry",
        "warranty expiration",
    ),
    "eol_date": (
        "サポート終了日（EOL）", "EOL", "サポート終了日", "サポート期限", "EOS", "end of life",
        "eol date", "end of support",
    ),
    "last_audited_on": (
        "最終棚卸日", "棚卸日", "最終確認日", "棚卸確認日", "last audited", "last audit",
        "audited on",
    ),
    "confidentiality": ("機密性", "confidentiality"),
    "integrity": ("完全性", "integrity"),
    "availability": ("可用性", "availability"),
    "notes": ("備考", "メモ", "摘要", "コメント", "特記事項", "notes", "note", "remarks", "memo"),
}  # fmt: skip

_PUNCT = re.compile(r"[\s_\-‐―−ー・･.:：/／()（）\[\]［］「」【】#＃'\"]+")
# Shorter synonyms must match the whole header ("name" must not claim "username").
_CONTAINS_MIN_ASCII = 5
_CONTAINS_MIN_OTHER = 4


def normalize_header(text: str) -> str:
    """The form headers and synonyms are compared in."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text).casefold())


def _index() -> dict[str, list[tuple[str, str, int]]]:
    """field → [(normalised synonym, field, rank)]."""
    out: dict[str, list[tuple[str, str, int]]] = {}
    for field, synonyms in SYNONYMS.items():
        out[field] = [(normalize_header(w), field, rank) for rank, w in enumerate(synonyms)]
    return out


_INDEX = _index()


def _score(header: str, field: str) -> int:
    """How well ``header`` names ``field`` (0: not at all)."""
    norm = normalize_header(header)
    best = 0
    for synonym, _field, rank in _INDEX[field]:
        if not norm or not synonym:
            continue
        if norm == synonym:
            best = max(best, 1000 - rank)
        elif synonym in norm and len(synonym) >= (
            _CONTAINS_MIN_ASCII if synonym.isascii() else _CONTAINS_MIN_OTHER
        ):
            best = max(best, 500 - rank)
    return best


def suggest_mapping(headers: list[str]) -> dict[str, str]:
    """A target for every header: each field goes to the column that names it best.

    Columns that name no field (or whose field went to a better column, e.g. the
    second of ユーザーID and ユーザー名) are suggested as custom fields; columns that
    hold secrets are not imported (``IGNORE``) until the user chooses ``KEYRING``.
    """
    candidates: list[tuple[int, int, str, str]] = []
    secret = {h for h in headers if secret_kind(h) is not None}
    for column, header in enumerate(headers):
        if header in secret:
            continue
        for field in SYNONYMS:
            score = _score(header, field)
            if score:
                candidates.append((score, -column, header, field))
    candidates.sort(reverse=True)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for *_rank, header, field in candidates:
        if header not in mapping and field not in taken:
            mapping[header] = field
            taken.add(field)
    return {h: IGNORE if h in secret else mapping.get(h, custom_target(h)) for h in headers}


def custom_target(header: str) -> str:
    return f"{CUSTOM_PREFIX}{header}"


def is_custom(target: str) -> bool:
    return target.startswith(CUSTOM_PREFIX)


def custom_key(target: str) -> str:
    """The ``Asset.custom_fields`` key of a custom target (at most 60 characters)."""
    return target[len(CUSTOM_PREFIX) :].strip()[:60]


# --- secrets ---------------------------------------------------------------------------

# Words (compared normalised: キー → キ) that make a header a secret, with its kind;
# licence words first (ライセンス認証キー is a licence key, not an 認証キー).
_SECRET_PHRASES: tuple[tuple[str, str], ...] = tuple(
    (normalize_header(word), kind)
    for words, kind in (
        (("ライセンスキー", "プロダクトキー", "製品キー", "シリアルキー", "アクティベーションキー",
          "インストールキー", "CDキー", "ライセンス認証キー"), "license_key"),
        (("パスワード", "パスフレーズ", "パスコード", "暗証", "シークレット", "秘密鍵", "暗号鍵",
          "暗号化鍵", "認証キー", "回復キー", "リカバリーキー", "暗号化キー", "暗号キー",
          "アクセスキー", "APIキー", "セキュリティキー", "ネットワークキー", "事前共有キー",
          "共有キー", "WEPキー", "WPAキー"), "password"),
    )
    for word in words
)  # fmt: skip
# ASCII words (whole words of the header) that name a secret.
_SECRET_WORDS = frozenset({
    "pw", "pwd", "passwd", "password", "passwords", "passphrase", "passcode", "pin",
    "pincode", "secret", "secrets", "psk",
})  # fmt: skip
_SECRET_SUFFIXES = ("password", "passwd", "pwd", "pw", "passphrase", "secret")
_LICENSE_WORDS = frozenset({"license", "licence", "product", "serial", "activation", "cd",
                            "install", "registration"})  # fmt: skip
# A word before "key" that makes it a physical key, and after it: about the key.
_PHYSICAL = frozenset({"room", "door", "cabinet", "locker", "car", "rack", "box", "desk"})
_ABOUT_AFTER_KEY = frozenset({"no", "number", "num", "id", "location", "holder", "box",
                              "storage", "count", "type", "ring", "board"})  # fmt: skip
# Headers *about* a secret, not the secret: ends of the normalised header.
_ABOUT_JA = tuple(normalize_header(w) for w in (
    "有無", "要否", "変更日", "更新日", "設定日", "登録日", "期限", "期日", "日付", "日", "場所",
    "保管先", "保管", "所在", "管理者", "担当", "担当者", "桁数", "文字数", "長さ", "ポリシー",
    "方針", "区分", "種別", "種類", "状態", "数", "番号の有無", "有効期間",
))  # fmt: skip
_ABOUT_EN = frozenset({"date", "changed", "updated", "expiry", "expires", "expiration",
                       "policy", "length", "location", "owner", "set", "required", "type",
                       "count", "holder", "storage", "age", "rotation"})  # fmt: skip
_ASCII_WORD = re.compile(r"[a-z0-9]+")


def _key_kind(words: list[str]) -> str | None:
    """The kind named by the English words around "key" (None: not a secret key)."""
    for i, word in enumerate(words):
        before = words[i - 1] if i else ""
        after = words[i + 1] if i + 1 < len(words) else ""
        if word in ("key", "keys"):
            if before in _PHYSICAL or after in _ABOUT_AFTER_KEY:
                continue
            return "license_key" if before in _LICENSE_WORDS or len(words) == 1 else "password"
        if word.endswith("key") and word[:-3] in _LICENSE_WORDS:
            return "license_key"
        if word.endswith("key") and word[:-3] in (
            "api",
            "access",
            "secret",
            "private",
            "recovery",
            "wifi",
            "network",
            "security",
        ):
            return "password"
    return None


def secret_kind(header: str) -> str | None:
    """``"password"`` or ``"license_key"`` when the column ``header`` holds secrets
    (their values must never be stored in clear), else None.

    >>> secret_kind("管理者パスワード"), secret_kind("Product Key"), secret_kind("キーボード")
    ('password', 'license_key', None)
    """
    norm = normalize_header(header)
    if not norm:
        return None
    text = unicodedata.normalize("NFKC", header).casefold()
    words = _ASCII_WORD.findall(text)
    if norm.endswith(_ABOUT_JA) or (words and words[-1] in _ABOUT_EN):
        return None
    if norm in ("キ", "key", "keys"):  # a column called just キー / Key
        return "license_key"
    for phrase, kind in _SECRET_PHRASES:
        if phrase in norm:
            return kind
    if norm in _SECRET_WORDS or any(
        w in _SECRET_WORDS or (w.endswith(_SECRET_SUFFIXES) and w.isalpha()) for w in words
    ):
        return "password"
    return _key_kind(words)


def is_keyring(target: str) -> bool:
    return target == KEYRING


# --- values of coded fields ------------------------------------------------------------

_STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "in_use": ("稼働", "稼動中", "使用中", "利用中", "運用中", "在籍", "active", "in use"),
    "spare": ("在庫", "保管", "保管中", "未使用", "予備機", "stock", "spare"),
    "repair": ("修理", "故障", "故障中", "repair", "broken"),
    "retiring": ("廃棄予定", "返却予定", "撤去予定", "retiring"),
    "disposed": ("廃棄", "廃棄済み", "返却済", "返却済み", "撤去済", "disposed", "retired"),
}
_SEGMENT_WORDS: dict[str, tuple[str, ...]] = {
    "mynumber": ("マイナンバー系", "マイナンバー", "個人番号利用事務系", "マイナンバー利用事務"),
    "lgwan": ("LGWAN系", "LGWAN", "LGWAN接続"),
    "internet": ("インターネット系", "インターネット", "インターネット接続", "internet"),
    "standalone": ("スタンドアロン", "その他", "独立", "standalone"),
}


def _value_table(labels: dict[str, str], extra: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, label in labels.items():
        table[normalize_header(code)] = code
        table[normalize_header(label)] = code
    for code, words in extra.items():
        for word in words:
            table[normalize_header(word)] = code
    return table


_STATUS_TABLE = _value_table(ASSET_STATUSES, _STATUS_WORDS)
_SEGMENT_TABLE = _value_table(SEGMENTS, _SEGMENT_WORDS)
_CIA_TABLE = {
    **{normalize_header(label): str(level) for level, label in CIA_LEVELS.items()},
    **{normalize_header(word): str(level) for level, word in ((1, "低"), (2, "中"), (3, "高"))},
    **{str(level): str(level) for level in CIA_LEVELS},
}


def status_code(value: str) -> str:
    """The status code for a label or code (稼働中 → in_use); unknown text as given."""
    return _STATUS_TABLE.get(normalize_header(value), value)


def segment_code(value: str) -> str:
    """The segment code for a label or code (LGWAN接続系 → lgwan); unknown text as given."""
    return _SEGMENT_TABLE.get(normalize_header(value), value)


def cia_level(value: str) -> str:
    """「2」, 「２」, 「2（中）」, 「中」 → "2"; anything else as given."""
    return _CIA_TABLE.get(normalize_header(value), value)
