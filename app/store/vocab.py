"""Controlled vocabularies stored as short codes, with their Japanese labels.

The database holds the codes and refuses any other value (CHECK constraints declared on
the models from these sets, app.store.models.base.one_of). Adding a code later means a
migration that rebuilds the table's CHECK: a code the areas are known to need is added
here before it is used (``NOTICE_KINDS["other"]``, ``CHECKLIST_KINDS["post_migration"]``).
"""

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
    "other": "その他",
}

NOTICE_STATUSES: dict[str, str] = {
    "unread": "未確認",
    "reading": "確認中",
    "acting": "対応中",
    "done": "対応済",
    "na": "対応不要",
}

# A notice can have one deadline of each kind, each with the history of its changes.
NOTICE_DEADLINE_KINDS: dict[str, str] = {
    "reply": "回答期限",
    "effective": "施行日",
    "action": "対応期限",
}

# Recurring tasks (app.store.models.worklog.TaskSeries): how the occurrences fall.
RECURRENCE_RULES: dict[str, str] = {
    "yearly": "毎年（月日）",
    "monthly": "毎月（日）",
    "interval": "一定の日数ごと",
    "nth_weekday": "第n曜日",
}

# What happens to an occurrence falling on a weekend, public holiday or closure day.
BUSINESS_DAY_RULES: dict[str, str] = {
    "keep": "そのまま",
    "previous": "前の営業日",
    "next": "翌営業日",
}

# date.weekday() numbering.
WEEKDAYS: dict[int, str] = {
    0: "月曜日", 1: "火曜日", 2: "水曜日", 3: "木曜日", 4: "金曜日", 5: "土曜日", 6: "日曜日",
}  # fmt: skip

# The n of "the nth weekday of the month"; -1 is the last one.
NTH_WEEKS: dict[int, str] = {1: "第1", 2: "第2", 3: "第3", 4: "第4", 5: "第5", -1: "最終"}

CHECKLIST_KINDS: dict[str, str] = {
    "standardization": "標準化",
    "gov_cloud": "ガバメントクラウド移行",
    "post_migration": "移行後",
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

# 法令・規程台帳 (app.store.models.regulations): what kind of rule, and whose.
REGULATION_KINDS: dict[str, str] = {
    "law": "法律",
    "cabinet_order": "政令",
    "ministerial_order": "省令・告示",
    "guideline": "ガイドライン・基準",
    "policy": "方針・計画",
    "ordinance": "条例",
    "rule": "規則",
    "outline": "要綱・要領",
    "regulation": "規程",
    "other": "その他",
}
REGULATION_ORIGINS: dict[str, str] = {
    "national": "国",
    "prefecture": "都道府県",
    "own": "自団体",
}

# How sure the officer is of a Q&A knowledge note's answer.
CONFIDENCE_LEVELS: dict[str, str] = {
    "high": "確か（一次情報で確認済み）",
    "medium": "おそらく正しい",
    "low": "未確認",
}

# What a digest (ダイジェスト) can hold: its sections, in their order.
DIGEST_SECTIONS: dict[str, str] = {
    "notice": "通知・事務連絡",
    "regulation_version": "法令・規程の改定",
    "knowledge_note": "Q&A・ナレッジ",
}
