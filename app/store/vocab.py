"""Controlled vocabularies stored as short codes, with their Japanese labels."""

from __future__ import annotations

SEGMENTS: dict[str, str] = {
    "mynumber": "マイナンバー利用事務系",
    "lgwan": "LGWAN接続系",
    "internet": "インターネット接続系",
    "standalone": "スタンドアロン・その他",
}

ASSET_STATUSES: dict[str, str] = {
    "in_use": "稼働中",
    "spare": "予備",
    "repair": "修理中",
    "retiring": "廃棄予定",
    "disposed": "廃棄済",
}

# 機密性 / 完全性 / 可用性 classes as in the 情報セキュリティポリシー guideline.
CIA_LEVELS: dict[int, str] = {1: "1（低）", 2: "2（中）", 3: "3（高）"}

ASSET_CATEGORIES: dict[str, str] = {
    "hardware": "ハードウェア",
    "software": "ソフトウェア",
    "network": "ネットワーク機器",
    "service": "サービス",
}

CUSTOM_FIELD_KINDS: dict[str, str] = {
    "text": "文字列",
    "number": "数値",
    "date": "日付",
    "choice": "選択肢",
}

TASK_PRIORITIES: dict[int, str] = {1: "高", 2: "中", 3: "低"}

CONTRACT_KINDS: dict[str, str] = {
    "maintenance": "保守",
    "lease": "リース",
    "support": "サポート",
    "license": "ライセンス",
    "other": "その他",
}

TASK_STATUSES: dict[str, str] = {
    "open": "未着手",
    "doing": "進行中",
    "waiting": "保留",
    "done": "完了",
}

NOTICE_KINDS: dict[str, str] = {
    "tsuchi": "通知",
    "jimurenraku": "事務連絡",
    "irai": "依頼・照会",
    "guideline": "ガイドライン改定",
    "law": "法令改正",
}

NOTICE_STATUSES: dict[str, str] = {
    "unread": "未読",
    "reading": "確認中",
    "acting": "対応中",
    "done": "対応済",
    "na": "対象外",
}

CHECKLIST_KINDS: dict[str, str] = {
    "standardization": "標準化",
    "gov_cloud": "ガバメントクラウド移行",
    "custom": "独自",
}

# Status values of the 総務省 progress survey.
CHECK_STATUSES: dict[str, str] = {
    "done": "完了済み",
    "doing": "作業中",
    "todo": "未",
    "na": "対象外",
}

# 特定移行支援システム: the four reasons (事由).
TOKUTEI_REASONS: dict[int, str] = {
    1: "現行メインフレーム",
    2: "個別開発",
    3: "標準準拠システムが開発されず代替見込みなし",
    4: "事業者のリソースひっ迫",
}

CREDENTIAL_KINDS: dict[str, str] = {
    "password": "パスワード",
    "passphrase": "鍵のパスフレーズ",
    "license_key": "ライセンスキー",
    "other": "その他",
}

DATE_FIELDS = ("purchase_date", "lease_end", "maintenance_end", "eol_date", "last_audited_on")
CIA_FIELDS = ("confidentiality", "integrity", "availability")
