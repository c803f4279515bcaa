"""Word lists and templates for the demo data of a fictional town (架空県 ひとり町).

Everything here is invented: the town, the vendors, the people and the phone
numbers (555 blocks). Long lists are kept as space- or "|"-separated strings
so that they stay compact.
"""

from __future__ import annotations


def _w(text: str, sep: str | None = None) -> list[str]:
    """Split a compact word list."""
    return text.split(sep)


PREF = "架空県"
TOWN = "ひとり町"
TOWN_FULL = f"{PREF} {TOWN}"
TOWN_ADDRESS = f"{PREF}{TOWN}本町1-1"

# (name, code, hostname prefix, extension, staff weight, default location index)
DEPARTMENTS: list[tuple[str, str, str, str, int, int]] = [
    ("総務課", "0110", "SOMU", "2101", 12, 1),
    ("企画財政課", "0120", "KIKAKU", "2201", 9, 1),
    ("税務課", "0210", "ZEIMU", "1301", 12, 0),
    ("住民課", "0220", "JUMIN", "1101", 12, 0),
    ("福祉課", "0310", "FUKUSHI", "1401", 11, 0),
    ("健康推進課", "0320", "KENKO", "5101", 8, 5),
    ("こども家庭課", "0330", "KODOMO", "1501", 8, 0),
    ("建設課", "0410", "KENSETSU", "3101", 9, 2),
    ("上下水道課", "0420", "SUIDO", "6101", 6, 13),
    ("農林振興課", "0430", "NORIN", "3201", 6, 2),
    ("教育委員会事務局", "0510", "KYOIKU", "4101", 10, 4),
    ("議会事務局", "0610", "GIKAI", "3301", 3, 2),
    ("会計課", "0710", "KAIKEI", "1201", 4, 0),
    ("危機管理室", "0130", "KIKI", "2301", 4, 14),
]
# Departments whose staff work on the マイナンバー利用事務系.
MYNUMBER_DEPTS = _w("税務課 住民課 福祉課 健康推進課 こども家庭課 教育委員会事務局 会計課")

# (name, building, floor)
LOCATIONS: list[tuple[str, str, str]] = [
    ("本庁舎1階", "本庁舎", "1F"),
    ("本庁舎2階", "本庁舎", "2F"),
    ("本庁舎3階", "本庁舎", "3F"),
    ("本庁舎 サーバ室", "本庁舎", "2F"),
    ("分庁舎", "分庁舎", "1F"),
    ("保健センター", "保健センター", "1F"),
    ("中央公民館", "中央公民館", "1F"),
    ("図書館", "図書館", "1F"),
    ("ひとり第一小学校", "ひとり第一小学校", "1F"),
    ("ひとり第二小学校", "ひとり第二小学校", "1F"),
    ("ひとり中学校", "ひとり中学校", "2F"),
    ("給食センター", "給食センター", "1F"),
    ("子育て支援センター", "子育て支援センター", "1F"),
    ("上下水道事務所", "上下水道事務所", "1F"),
    ("防災センター", "防災センター", "2F"),
    ("倉庫（旧庁舎）", "旧庁舎", "1F"),
]
SERVER_ROOM = 3
SCHOOLS = [4, 6, 7, 8, 9, 10, 11]

SURNAMES = _w(
    "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 "
    "斎藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 "
    "村上 遠藤 青木 坂本 福田 太田 西村 藤井 金子 岡本 藤原 中野 三浦 原田 中川 松田 竹内 小野 "
    "田村 中山 和田 石田 森田 上田 原 内田 柴田 酒井 宮崎 横山 高木 安藤 宮本 大野 小島 谷口 "
    "今井 工藤 高田 増田 丸山 杉山 村田 大塚 新井 小山 平野 藤本 河野 上野 野口 武田 松井 千葉"
)
GIVEN_NAMES = _w(
    "太郎 一郎 健太 翔太 大輔 拓也 直樹 和也 達也 健一 誠 浩 修 隆 剛 亮 悠斗 陽翔 蓮 大翔 湊 "
    "颯太 翔 悠真 健二 正樹 博之 秀樹 雅人 智也 花子 陽子 恵子 美穂 由美 裕子 真由美 愛 彩 美咲 "
    "結衣 陽菜 さくら 葵 七海 香織 麻衣 舞 千尋 優子 智子 久美子 明美 直美 典子 沙織 綾 杏 凛"
)
# Vendor staff: "surname given:フリガナ" (in katakana, as forms write it).
CONTACT_NAMES = _w(
    "田中 健一:タナカ ケンイチ|佐々木 美穂:ササキ ミホ|山口 浩:ヤマグチ ヒロシ|"
    "中島 直樹:ナカジマ ナオキ|石井 陽子:イシイ ヨウコ|小川 達也:オガワ タツヤ|"
    "長谷川 誠:ハセガワ マコト|村上 彩:ムラカミ アヤ|遠藤 拓也:エンドウ タクヤ|"
    "青木 香織:アオキ カオリ|坂本 剛:サカモト ツヨシ|藤井 麻衣:フジイ マイ|"
    "金子 亮:カネコ リョウ|岡本 千尋:オカモト チヒロ|三浦 大輔:ミウラ ダイスケ|"
    "竹内 恵子:タケウチ ケイコ|和田 修:ワダ オサム|森田 結衣:モリタ ユイ|"
    "内田 隆:ウチダ タカシ|柴田 沙織:シバタ サオリ|横山 翔太:ヨコヤマ ショウタ|"
    "工藤 智子:クドウ トモコ|丸山 正樹:マルヤマ マサキ|河野 綾:コウノ アヤ",
    "|",
)

# (name, フリガナ (katakana), phone, address, support hours, emergency contact, note)
VENDORS: list[tuple[str, str, str, str, str, str, str]] = [
    (
        "株式会社ひとり電算",
        "ヒトリデンサン",
        "0120-555-101",
        f"{PREF}{TOWN}本町2-3-4",
        "平日 8:30〜17:15",
        "障害受付（24時間） 0120-555-199",
        "基幹系の共同利用を運用",
    ),
    (
        "架空システムズ株式会社",
        "カクウシステムズ",
        "03-5555-0123",
        "東京都千代田区架空町2-4-6 架空ビル5階",
        "平日 9:00〜17:30",
        "夜間休日 オンコール 03-5555-0199",
        "財務会計・人事給与パッケージ",
    ),
    (
        "みどり情報サービス株式会社",
        "ミドリジョウホウサービス",
        "012-555-0147",
        f"{PREF}みどり市中央1-5-8",
        "平日 8:30〜17:30",
        "保守窓口 012-555-0148（平日のみ）",
        "PC・周辺機器の調達と資産管理ツール",
    ),
    (
        "株式会社あおぞらネットワークス",
        "アオゾラネットワークス",
        "012-555-0210",
        f"{PREF}あおぞら市港町3-1",
        "平日 9:00〜18:00",
        "NOC 24時間 0120-555-211",
        "庁内LAN・UTM・セキュリティクラウド接続",
    ),
    (
        "一般社団法人 架空県自治体情報センター",
        "カクウケンジチタイジョウホウセンター",
        "012-555-0300",
        f"{PREF}県庁前2-2",
        "平日 8:30〜17:15",
        "当番者携帯 090-5555-0301",
        "県内町村の共同利用センター",
    ),
    (
        "つばさソフトウェア株式会社",
        "ツバサソフトウェア",
        "03-5555-0456",
        "東京都港区架空浜1-2-3",
        "平日 9:00〜17:00",
        "メール受付のみ（翌営業日回答）",
        "文書管理・電子申請・CMS",
    ),
    (
        "株式会社こもれびデータ",
        "コモレビデータ",
        "06-5555-0789",
        "大阪府架空区こもれび町4-5",
        "平日 9:00〜17:30（土曜 10:00〜15:00）",
        "障害受付 06-5555-0790",
        "図書館システム",
    ),
    (
        "ほしぞら計算センター株式会社",
        "ホシゾラケイサンセンター",
        "012-555-0512",
        f"{PREF}ほしぞら市北2条1-1",
        "平日 8:45〜17:30",
        "運用センター 012-555-0519",
        "税務の汎用機（メインフレーム）を受託運用",
    ),
    (
        "株式会社ひとり電工",
        "ヒトリデンコウ",
        "0120-555-330",
        f"{PREF}{TOWN}駅前1-8",
        "平日 8:00〜17:00",
        "緊急時 携帯 090-5555-0331",
        "UPS・電源・空調",
    ),
    (
        "にじいろ教育システム株式会社",
        "ニジイロキョウイクシステム",
        "03-5555-0871",
        "東京都新宿区架空台3-3-3",
        "平日 8:30〜18:00",
        "ヘルプデスク 0120-555-872",
        "校務支援・GIGA端末",
    ),
    (
        "株式会社みなと水道システム",
        "ミナトスイドウシステム",
        "045-555-0620",
        "神奈川県架空市みなと2-6",
        "平日 9:00〜17:00",
        "障害受付 045-555-0629",
        "上下水道料金システム",
    ),
    (
        "架空リース株式会社",
        "カクウリース",
        "03-5555-0900",
        "東京都中央区架空橋1-1",
        "平日 9:00〜17:00",
        "",
        "PC・複合機のリース",
    ),
    (
        "有限会社やまびこOA",
        "ヤマビコオーエー",
        "012-555-0444",
        f"{PREF}{TOWN}新町5-2",
        "平日 8:30〜17:30",
        "修理受付 012-555-0445",
        "複合機・プリンタの保守",
    ),
    (
        "株式会社せせらぎセキュリティ",
        "セセラギセキュリティ",
        "03-5555-0333",
        "東京都品川区架空坂4-4",
        "平日 9:00〜17:30",
        "インシデント窓口 24時間 03-5555-0334",
        "ウイルス対策・セキュリティ監査",
    ),
]
CONTACT_ROLES = ["営業担当", "SE", "保守窓口", "プロジェクトマネージャ"]

# Standard business id -> (department, vendor index, tokutei reason or 0)
STANDARD_SYSTEMS: dict[str, tuple[str, int, int]] = {
    "jumin": ("住民課", 0, 0),
    "senkyo": ("総務課", 0, 0),
    "kotei": ("税務課", 7, 1),
    "kojin_jumin": ("税務課", 7, 1),
    "hojin_jumin": ("税務課", 0, 0),
    "keijidosha": ("税務課", 0, 0),
    "kokuho": ("住民課", 4, 0),
    "kokunen": ("住民課", 4, 0),
    "shogai": ("福祉課", 4, 0),
    "koki": ("住民課", 4, 0),
    "kaigo": ("福祉課", 4, 4),
    "jido_teate": ("こども家庭課", 0, 0),
    "kenko": ("健康推進課", 4, 0),
    "shugaku": ("教育委員会事務局", 9, 0),
    "jido_fuyo": ("こども家庭課", 0, 4),
    "seiho": ("福祉課", 4, 0),
    "kosodate": ("こども家庭課", 0, 0),
    "inkan": ("住民課", 0, 0),
    "koseki": ("住民課", 0, 0),
    "fuhyo": ("住民課", 0, 0),
}
# (name, department, segment, vendor index, description)
OTHER_SYSTEMS: list[tuple[str, str, str, int, str]] = [
    ("財務会計システム", "会計課", "lgwan", 1, "予算編成・執行・決算"),
    ("人事給与システム", "総務課", "lgwan", 1, "人事記録・給与計算・年末調整"),
    ("文書管理システム", "総務課", "lgwan", 5, "収受・起案・決裁・保存"),
    ("グループウェア", "総務課", "lgwan", 5, "庁内掲示板・スケジュール・施設予約"),
    ("庁内LAN", "総務課", "lgwan", 3, "本庁舎・出先機関のネットワーク"),
    ("自治体情報セキュリティクラウド接続", "総務課", "internet", 3, "県のセキュリティクラウド経由"),
    ("統合宛名システム", "住民課", "mynumber", 0, "宛名番号の付番と中間サーバ連携"),
    ("中間サーバー接続（情報連携）", "総務課", "mynumber", 4, "情報提供ネットワーク連携"),
    ("例規集システム", "総務課", "lgwan", 5, "条例・規則のデータベース"),
    ("電子申請システム", "企画財政課", "internet", 5, "オンライン申請の受付"),
    ("図書館システム", "教育委員会事務局", "internet", 6, "蔵書管理・貸出・OPAC"),
    ("校務支援システム", "教育委員会事務局", "standalone", 9, "成績・出欠・指導要録"),
    ("上下水道料金システム", "上下水道課", "lgwan", 10, "検針・調定・収納"),
    ("ホームページCMS", "企画財政課", "internet", 5, "町公式サイトの更新"),
    ("インターネットメール", "総務課", "internet", 3, "インターネット系のメール"),
    ("ウイルス対策管理サーバ", "総務課", "lgwan", 13, "定義ファイル配信・検知ログ"),
    ("資産管理ツール", "総務課", "lgwan", 2, "PCのインベントリ収集"),
    ("防災情報システム", "危機管理室", "lgwan", 3, "避難所・被害情報の集約"),
    ("統合型GIS", "建設課", "lgwan", 2, "地番図・道路台帳・上下水道管路"),
]

# Asset types: code -> (tag prefix, hostname part, weight per 1000)
TYPE_PLAN: dict[str, tuple[str, str, int]] = {
    "desktop": ("PC", "PC", 360),
    "laptop": ("PC", "NB", 170),
    "thin_client": ("PC", "TC", 110),
    "printer": ("PR", "PR", 70),
    "network": ("NW", "SW", 50),
    "wireless": ("NW", "AP", 30),
    "firewall": ("NW", "FW", 5),
    "server": ("SV", "SV", 30),
    "storage": ("SV", "NAS", 8),
    "ups": ("UP", "UPS", 20),
    "mobile": ("MB", "TB", 55),
    "peripheral": ("PE", "", 35),
    "media": ("PE", "", 20),
    "software": ("SW", "", 25),
    "cloud": ("CL", "", 12),
}
# code -> "maker:model|maker:model|..."
MODELS: dict[str, str] = {
    "desktop": "富士通:ESPRIMO D7012/M|富士通:ESPRIMO D588/TX|NEC:Mate MKM30/B|NEC:Mate MRL36/L|"
    "Dell:OptiPlex 7010|HP:ProDesk 400 G9|Lenovo:ThinkCentre M75q Gen 2",
    "laptop": "富士通:LIFEBOOK A5513/N|NEC:VersaPro VKT44/X|Panasonic:Let's note FV4|"
    "Dell:Latitude 5440|Lenovo:ThinkPad L14 Gen 4|HP:ProBook 450 G10",
    "thin_client": "HP:t640 Thin Client|Dell:Wyse 5070|富士通:FUTRO S9011",
    "printer": "RICOH:IM C3010|RICOH:SP C840|Canon:imageRUNNER ADVANCE DX C3926F|Sharp:MX-3661|"
    "Canon:LBP712Ci",
    "network": "Cisco:Catalyst 9200L-48P|YAMAHA:SWX3220-16MT|YAMAHA:RTX1300|"
    "Allied Telesis:x230-28GT|Allied Telesis:CentreCOM GS970M",
    "wireless": "Cisco:Catalyst 9120AXI|YAMAHA:WLX322|Allied Telesis:AT-TQ6702 GEN2",
    "firewall": "YAMAHA:UTX200|Fortinet:FortiGate 100F|Allied Telesis:AT-AR4050S",
    "server": "富士通:PRIMERGY RX2540 M6|NEC:Express5800/R120j-2M|Dell:PowerEdge R650|"
    "HP:ProLiant DL360 Gen10 Plus|Lenovo:ThinkSystem SR630 V2",
    "storage": "NEC:iStorage V100|Dell:PowerVault ME5012|富士通:ETERNUS AF150 S3",
    "ups": "APC:Smart-UPS 1500 SMT1500RMJ2U|APC:Smart-UPS 750 SMT750J|オムロン:BN150T",
    "mobile": "Apple:iPad (第9世代)|Apple:iPhone SE (第3世代)|Sharp:AQUOS sense8|"
    "富士通:arrows Tab Q5011",
    "peripheral": "Canon:imageFORMULA DR-C240|Sony:RC-S300（ICカードリーダ）|"
    "EPSON:DS-570WII|Canon:LBP-8100（帳票用）",
    "media": "I-O DATA:ED-V4/16GR（暗号化USB）|Buffalo:RUF3-HSVB16G|Buffalo:HD-PGF2.0U3",
    "software": "株式会社ひとり電算:基幹系パッケージ Ver.8|架空システムズ株式会社:財務会計 V12|"
    "つばさソフトウェア株式会社:文書管理 R5",
    "cloud": "つばさソフトウェア株式会社:LGWAN-ASP 電子契約|架空システムズ株式会社:給与明細Web",
}
# Name suffix per type for the display name.
TYPE_WORD: dict[str, str] = {
    "desktop": "事務用PC", "laptop": "ノートPC", "thin_client": "シンクライアント",
    "printer": "複合機", "network": "L2スイッチ", "wireless": "無線AP", "firewall": "UTM",
    "server": "サーバ", "storage": "NAS", "ups": "UPS", "mobile": "タブレット",
    "peripheral": "スキャナ等", "media": "USBメモリ", "software": "ソフトウェア",
    "cloud": "クラウドサービス",
}  # fmt: skip
PC_OS_NEW = _w("Windows 11 Pro 23H2|Windows 11 Pro 24H2|Windows 11 Enterprise 23H2", "|")
PC_OS_OLD = _w("Windows 10 Pro 22H2|Windows 10 Enterprise LTSC 2019", "|")
THIN_OS = _w("Windows 10 IoT Enterprise LTSC 2021|HP ThinPro 8.0", "|")
SERVER_OS = _w(
    "Windows Server 2022 Standard|Windows Server 2019 Standard|Windows Server 2016 Standard|"
    "Windows Server 2012 R2 Standard|Red Hat Enterprise Linux 9|Red Hat Enterprise Linux 8",
    "|",
)
MOBILE_OS = {"iPad": "iPadOS 17", "iPhone": "iOS 17", "AQUOS": "Android 14", "arrows": "Android 14"}
# OS end of support dates that set an asset's eol_date.
OS_EOL = {
    "Windows 10 Pro 22H2": (2025, 10, 14),
    "Windows Server 2012 R2 Standard": (2023, 10, 10),
    "Windows Server 2016 Standard": (2027, 1, 12),
}
SERVER_ROLES = _w("AP DB Web ファイル バックアップ 帳票 認証 連携")
ASSET_NOTES = _w(
    "メモリ増設済み（8GB→16GB）|液晶に輝点あり|窓口用 2台目|来庁者用の記載台端末|"
    "バッテリー劣化のため交換予定|異動により配置換え|二要素認証（静脈）装置付き|"
    "帳票印刷用に固定|予備機として倉庫保管|HDD交換済み|管理者:総務課 情報係",
    "|",
)

# Work log: category -> (weight, "title|body" templates). Fields: {asset} {host} {system}
# {dept} {user} {vendor} {os}
WORKLOG: dict[str, tuple[int, list[str]]] = {
    "問合せ対応": (30, [
        "{dept} 印刷できない|{user}さんから連絡。{asset}のドライバを入れ直して解決。",
        "{system} 操作の問合せ|{dept}から帳票の出し方の問合せ。操作手順書を案内した。",
        "パスワード失念|{dept} {user}さんのドメインアカウントをロック解除、初期化。",
        "{host} ネットワーク接続不可|LANケーブル抜け。{user}さんへ配線の固定を依頼。",
        "共有フォルダの権限|{dept}の共有フォルダに異動者を追加してほしいとの依頼。",
    ]),
    "障害対応": (15, [
        "{system} 応答遅延|{vendor}へ連絡。夜間バッチの長時間化が原因。翌朝解消を確認。",
        "{asset} 起動しない|電源ユニット故障。予備機に入れ替え、{vendor}へ修理依頼。",
        "{host} ディスク警告|RAIDのディスク1本が故障。保守で交換、リビルド完了を確認。",
        "{dept} 複合機 紙詰まり多発|定着ユニット交換。{vendor}が来庁して対応。",
        "ウイルス検知|{host}で検知、隔離済み。LAN切断のうえフルスキャン、異常なし。",
    ]),
    "設定変更": (15, [
        "{host} IPアドレス変更|配置換えに伴い変更。台帳とDNSを更新した。",
        "{system} 帳票レイアウト変更|{vendor}のパッチ適用後、帳票の印字位置を調整。",
        "UTM ポリシー追加|{dept}の外部サービス利用申請により通信を許可。",
        "{asset} {os} 更新|月例更新を適用し再起動。業務影響なし。",
    ]),
    "定期作業": (15, [
        "月例 Windows Update|検証機で確認後、{dept}の端末へ配信。失敗端末なし。",
        "バックアップ確認|{system}の夜間バックアップ成功を確認、媒体を交換した。",
        "{system} 年次更新|年度切替処理を{vendor}と実施。確認リストを完了。",
        "ログ確認|{host}のイベントログとUTMログを確認、不審な通信なし。",
    ]),
    "調達": (7, [
        "{dept} PC更新 見積|{vendor}から見積を取得。次年度予算要求の資料に反映。",
        "{system} 保守契約 更新|仕様書を作成し{vendor}と随意契約の手続を進めた。",
        "トナー・消耗品発注|{dept}分の消耗品を発注。納期は1週間程度。",
    ]),
    "会議": (8, [
        "{system} 定例会|{vendor}と月次定例。標準化の移行スケジュールを確認した。",
        "情報セキュリティ委員会|年次の点検結果と研修計画を報告した。",
        "県 情報政策課 説明会|ガバメントクラウドの共同調達について説明を受けた。",
    ]),
    "研修": (3, [
        "情報セキュリティ研修|{dept}の職員向けに標的型メール対策を説明した。",
        "新規採用職員 研修|端末の使い方と三層分離の注意点を説明した。",
    ]),
    "資産管理": (5, [
        "{asset} 棚卸|現物と台帳を照合。管理シールを貼り直した。",
        "{asset} 廃棄|データ消去証明書を受領し、台帳を廃棄済みに更新した。",
    ]),
    "標準化対応": (2, [
        "{system} 移行テスト|標準準拠システムとの帳票比較。差異3件を{vendor}へ連絡。",
        "{system} データ移行|文字の同定作業を{dept}と確認した。",
    ]),
}  # fmt: skip
WORKLOG_MINUTES = {"障害対応": (30, 240), "会議": (30, 120), "研修": (60, 180)}

# Notice issuers: (issuer, weight, document number prefixes)
ISSUERS: list[tuple[str, int, str]] = [
    ("総務省", 30, "総行情 総行住 総税市"),
    ("デジタル庁", 25, "デジ地"),
    ("厚生労働省", 12, "老発 社援発 保発"),
    ("文部科学省", 6, "文科初"),
    ("こども家庭庁", 6, "こ成環 こ支家"),
    ("法務省", 5, "法務省民一"),
    (f"{PREF} 情報政策課", 16, "架情政"),
]
# Topics: "topic|issuers (indexes)|standard business id or -"
NOTICE_TOPICS = [
    "地方公共団体情報システム標準化基本方針の改定|01|-",
    "標準準拠システムへの移行に係る進捗状況調査|01|-",
    "特定移行支援システムの該当見込みに関する調査|01|-",
    "ガバメントクラウドの利用に関する基準|1|-",
    "情報セキュリティポリシーに関するガイドラインの改定|06|-",
    "住民基本台帳ネットワークシステムの運用|06|jumin",
    "マイナンバーカードの交付事務|016|jumin",
    "自治体情報セキュリティクラウドの次期更改|06|-",
    "Windows 10 のサポート終了への対応|6|-",
    "LGWAN接続に関する運用の見直し|06|-",
    "情報セキュリティ監査の実施|06|-",
    "地方公共団体における情報化の推進状況調査|06|-",
    "戸籍情報システム標準仕様書の改定|5|koseki",
    "介護保険システム標準仕様書の改定|2|kaigo",
    "国民健康保険システム標準仕様書の改定|2|kokuho",
    "GIGAスクール構想 端末の更新|3|shugaku",
    "校務DXの推進|3|shugaku",
    "児童手当制度の改正に伴うシステム改修|4|jido_teate",
    "子ども・子育て支援制度の見直し|4|kosodate",
    "公金受取口座の登録促進|10|-",
    "定額減税に係るシステム改修|06|kojin_jumin",
    "ランサムウェア対策の徹底|016|-",
    "年末年始における情報セキュリティ対策|06|-",
    "大型連休前の情報セキュリティ対策|06|-",
    "デジタル基盤改革支援補助金の交付申請|016|-",
    "行政事務標準文字への対応|01|-",
    "自治体DX推進計画の改定|016|-",
    "統合宛名システムの標準仕様|1|-",
    "中間サーバー・プラットフォームの更改|06|-",
    "固定資産税システムの標準化対応|0|kotei",
    "選挙人名簿管理システムの標準化対応|0|senkyo",
    "生成AIの利用に関する留意事項|016|-",
    "障害者福祉システム標準仕様書の改定|2|shogai",
    "後期高齢者医療システムの標準化対応|2|koki",
    "生活保護システム標準仕様書の改定|2|seiho",
]
NOTICE_SUMMARY = _w(
    "{topic}について、{issuer}から各団体へ周知があった。|"
    "{topic}に関し、対応方針と今後のスケジュールが示された。|"
    "{topic}について、調査票による回答が求められている。|"
    "{topic}について、主な変更点と経過措置が示された。",
    "|",
)
NOTICE_INTERPRETATION = _w(
    "当町では{dept}と調整のうえ対応する。{system}への影響をベンダーに確認する。|"
    "当町の対応は不要と判断。参考として保存。|"
    "回答は{dept}の取りまとめ。県の説明会資料もあわせて確認すること。|"
    "予算措置が必要になる可能性あり。次年度の予算要求で検討。|"
    "ベンダーからの改修案内待ち。{system}の保守契約の範囲内か確認する。",
    "|",
)
NOTICE_SOURCES = ["LGWAN 電子文書", "県からのメール転送", "総務省 ホームページ新着情報",
                  "デジタル庁 RSS", "郵送", "自治体向けポータル"]  # fmt: skip

# Recurring tasks: "title|month|day|body"
RECURRING_TASKS = [
    "予算要求（情報システム関係経費）|10|20|次年度の保守料・更新費を財政担当へ提出",
    "出納閉鎖に伴う支払確認|5|31|前年度分の保守料・リース料の支払漏れを確認",
    "SSL証明書更新（町ホームページ）|8|31|CSR作成、認証局へ申請、CMSへ適用",
    "SSL証明書更新（電子申請）|2|15|証明書の期限切れに注意。ベンダーと日程調整",
    "ウイルス対策ソフト ライセンス更新|12|31|台数を確認して更新手続",
    "年度末 人事異動に伴うアカウント整理|3|31|退職・異動者のアカウント停止と権限変更",
    "新規採用職員 アカウント発行・PC準備|4|1|アカウント発行、端末の割当、研修日程",
    "情報セキュリティ研修（全職員）|7|31|eラーニングの受講状況を確認",
    "情報セキュリティ内部監査|11|30|チェックシートによる各課の自己点検",
    "資産棚卸（現物確認）|2|28|台帳と現物を照合し、所在不明を報告",
    "情報化の推進状況調査 回答|6|30|総務省の調査票を県経由で提出",
    "標準化 進捗状況調査 回答|10|31|40手順の進捗をデジタル庁へ報告",
    "次年度 保守契約の準備|3|15|見積取得、仕様書、随意契約理由書の作成",
    "年末年始 システム停止計画の周知|12|20|停止日時とバックアップ計画を各課へ通知",
    "防災訓練（サーバ停止・起動）|9|1|停電想定でUPSからのシャットダウン手順を確認",
    "UPS バッテリー点検|6|15|交換時期の確認と自己診断",
    "ドメイン管理者アカウントの棚卸|4|15|不要な管理者アカウントがないか確認",
]
# Recurring tasks done with a runbook: (task title prefix, runbook title)
SERIES_RUNBOOKS = [
    ("SSL証明書更新", "SSL証明書更新手順"),
    ("年度末 人事異動", "人事異動時のアカウント整理"),
    ("新規採用職員", "新規職員 アカウント発行手順"),
    ("資産棚卸", "年度末 資産棚卸手順"),
    ("防災訓練", "停電時のサーバ停止・起動手順"),
]
ONE_OFF_TASKS = _w(
    "{asset} の交換手配|{system} 法改正対応の確認|{dept} PC 配置換え|"
    "{location} 無線AP 増設の検討|{system} 保守契約の見直し|{dept} 複合機の更新検討|"
    "{asset} の修理見積|{system} ベンダーへの問合せ回答待ち",
    "|",
)

# Runbooks: "title|frequency|purpose|step;step;step..."
RUNBOOKS = [
    "月次 Windows Update 適用手順|毎月|更新プログラムを検証後に配信する|"
    "WSUSで今月の更新を承認;検証用PCへ適用し業務システムの動作確認;全端末へ配信;失敗端末の確認",
    "バックアップテープ交換|毎週|バックアップ媒体を世代管理する|"
    "バックアップジョブの成功を確認;テープを取り出しラベルを記入;耐火金庫へ保管;交換記録に記入",
    "住基端末 障害時の切替手順|障害時|窓口業務を止めない|"
    "住民課へ影響範囲を連絡;予備端末を接続;静脈認証装置の登録確認;ベンダーへ障害連絡",
    "新規職員 アカウント発行手順|随時|異動・採用時のアカウントを準備|"
    "人事異動通知を確認;ドメインアカウントを作成;グループウェアへ登録;初期パスワードを封書で交付",
    "人事異動時のアカウント整理|年次|不要アカウントを残さない|"
    "異動者一覧を入手;各システムの権限を変更;退職者アカウントを無効化;結果を台帳に記録",
    "UTM ファームウェア更新手順|随時|脆弱性に対応する|"
    "リリースノートを確認;設定をバックアップ;業務時間外に更新;通信の疎通を確認",
    "SSL証明書更新手順|年次|証明書の期限切れを防ぐ|"
    "CSRを作成;認証局へ申請;中間証明書を含めて適用;ブラウザで有効期限を確認",
    "停電時のサーバ停止・起動手順|障害時|データを守る|"
    "UPSの残量を確認;業務システムを順に停止;復電後にストレージから起動;各課へ再開を連絡",
    "ウイルス検知時の初動対応|障害時|被害の拡大を防ぐ|"
    "該当端末をLANから切断;管理サーバで検知内容を確認;フルスキャン;県へ報告の要否を判断",
    "PC 廃棄（データ消去）手順|随時|情報漏えいを防ぐ|"
    "台帳で対象を確認;データ消去ソフトで消去;消去証明書を受領;台帳を廃棄済みに更新",
    "年度末 資産棚卸手順|年次|台帳と現物を一致させる|"
    "各課へ棚卸表を配布;回収して差異を確認;所在不明品を調査;結果を総務課長へ報告",
]
RUNBOOK_SYSTEM_KINDS = [
    "月次バックアップ確認|毎月|障害時に復元できることを確かめる|"
    "ジョブログを確認;復元テスト用フォルダへリストア;ファイルの整合性を確認",
    "障害時の連絡・切替手順|障害時|業務停止を最小限にする|"
    "担当課へ影響を連絡;ベンダーの保守窓口へ連絡;暫定運用へ切替;復旧後に記録",
    "年度切替作業|年次|新年度の処理を開始する|"
    "年度切替の日程をベンダーと調整;切替前にバックアップ;切替処理;担当課で帳票を確認",
    "法改正パッチ適用手順|随時|制度改正に追随する|"
    "改修内容の説明を受ける;検証環境で適用;担当課の確認;本番へ適用",
    "ユーザー登録・削除手順|随時|権限を最小限に保つ|"
    "申請書を確認;利用者を登録・削除;権限を設定;申請者へ完了を連絡",
]
RUNBOOK_PREP = _w("作業予定を関係課へ連絡;作業前の状態を記録（画面キャプチャ）", ";")
RUNBOOK_POST = _w("作業結果を作業ログに登録;関係課へ完了を連絡;手順書の改訂要否を確認", ";")
RUNBOOK_EXPECT = _w("エラーが表示されないこと|画面に完了と表示されること|ログに異常がないこと", "|")

# Credential references (never the secret): "label|username|where kept"
CREDENTIALS = [
    "ドメイン管理者|hitori-admin|金庫内 封筒（総務課長保管）",
    "UTM 管理画面|admin|Windows 資格情報マネージャー（情報係PC）",
    "L3スイッチ enable|netadmin|金庫内 封筒（総務課長保管）",
    "無線LAN コントローラ|wlcadmin|Windows 資格情報マネージャー（情報係PC）",
    "Microsoft 365 グローバル管理者|admin@hitori-town.example|金庫内 封筒（二人で開封）",
    "バックアップサーバ 管理者|backupadmin|鍵付きキャビネット（サーバ室）",
    "ウイルス対策管理コンソール|avadmin|Windows 資格情報マネージャー（情報係PC）",
]

LICENSES: list[tuple[str, int, str]] = [
    # (product, vendor index, rule) rules: av / office / ichitaro / acrobat / cad / cal
    ("ウイルス対策ソフト（エンドポイント保護） 年間ライセンス", 13, "av"),
    ("Microsoft 365 Apps for enterprise", 2, "office"),
    ("一太郎2024", 2, "ichitaro"),
    ("Adobe Acrobat Pro", 2, "acrobat"),
    ("AutoCAD LT", 2, "cad"),
    ("Windows Server 2022 ユーザーCAL", 2, "cal"),
]

# Attachments: owner kind -> file name templates ({year} {tag} {host})
ATTACHMENT_NAMES: dict[str, list[str]] = {
    "asset": ["保守契約書_{year}.pdf", "構成図.xlsx", "納品書_{tag}.pdf", "設定シート_{host}.xlsx",
              "写真_設置状況.jpg", "保証書.pdf", "データ消去証明書_{tag}.pdf"],
    "notice": ["通知本文.pdf", "別紙1_調査票.xlsx", "別添_Q&A.pdf", "回答様式.xlsx",
               "説明会資料_{year}.pdf"],
    "runbook": ["手順書_画面キャプチャ.docx", "構成図.vsdx", "チェックシート.xlsx",
                "保守窓口一覧_{year}.pdf"],
    "checklist_progress": ["作業完了報告書_{year}.pdf", "議事録_{year}.docx", "証跡_画面.png",
                           "ベンダー回答_{year}.pdf"],
}  # fmt: skip
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "jpg": "image/jpeg",
    "png": "image/png",
    "vsdx": "application/vnd.ms-visio.drawing",
}

GOV_CLOUD_ITEMS = [
    "CSP|CSP（クラウド事業者）の確認（ベンダーの利用するクラウド）",
    "CSP|先行事業の留意事項の確認",
    "回線|接続回線の調達（LGWAN回線・専用線の比較）",
    "回線|ネットワーク構成図の作成",
    "運用|運用管理補助者の調達（単独利用方式／共同利用方式）",
    "費用|見積の取得と比較（移行経費・運用経費）",
    "費用|県との共同調達の検討",
    "費用|運用経費の予算要求",
    "申請|ガバメントクラウド利用申請（GCAS）",
    "移行|セキュリティ対策（アクセス制御・ログ管理）の確認",
    "移行|移行リハーサルの実施",
]
EVIDENCE = _w(
    "庁内推進会議 議事録（{d}）|ベンダー提出資料 第2版（{d}）|課長決裁（{d}）|"
    "県への報告様式（{d}）|移行計画書（{d}版）|テスト結果報告書（{d}）",
    "|",
)
