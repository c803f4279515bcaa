"""``hitori export assets FILE`` and ``hitori labels FILE.pdf``.

    hitori export assets FILE [--layout ledger|security] [--encoding utf-8-sig|cp932]
    hitori labels FILE.pdf [--tags TAG ...] [--sheet A4-12|A4-24|A4-44] [--start N]

Exit 0 on success, 1 with one line on stderr for bad input (unknown tag, bad file,
characters CP932 cannot hold, ...), 2 for usage errors (argparse).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app import argparse_ja
from app.errors import UserError
from app.paths import DataDir

# The choices, named here so that building the parser (at every start, the GUI's too)
# does not import the export code or reportlab. A test checks that they match
# LAYOUTS, ENCODINGS, SHEETS and CODES.
LAYOUTS = {"ledger": "資産台帳（全項目）", "security": "情報資産台帳"}
ENCODINGS = ("utf-8-sig", "cp932")
SHEETS = {
    "A4-12": "12面 86.4×42.3mm",
    "A4-24": "24面 70×33.9mm",
    "A4-44": "44面 48.3×25.4mm",
}
CODES = {"qr": "QRコード", "code128": "バーコード（CODE128）"}


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    export = sub.add_parser("export", parents=[common], help="台帳をファイルに書き出す")
    what = export.add_subparsers(
        dest="export_what",
        metavar="対象",
        title="書き出す対象",
        help="何を書き出すか",
        required=True,
    )
    assets = what.add_parser("assets", parents=[common], help="資産台帳を .xlsx / .csv に書き出す")
    assets.add_argument(
        "file", type=Path, metavar="ファイル", help="出力ファイル（.xlsx または .csv）"
    )
    assets.add_argument(
        "--layout",
        choices=list(LAYOUTS),
        default="ledger",
        metavar="形式",
        help="、".join(f"{k} = {v}" for k, v in LAYOUTS.items()) + "（既定 ledger）",
    )
    assets.add_argument(
        "--encoding",
        choices=list(ENCODINGS),
        default="utf-8-sig",
        metavar="文字コード",
        help="CSV の文字コード: " + "、".join(ENCODINGS) + "（既定 utf-8-sig = BOM付きUTF-8）",
    )
    assets.set_defaults(handler=cmd_export_assets)

    labels = sub.add_parser(
        "labels", parents=[common], help="資産ラベル（QRコード・バーコード）のPDFを作る",
        description="A4のラベル用紙に、資産管理番号のQRコードまたはバーコード（CODE128）、"
        "資産管理番号・名称・設置場所・団体名を印刷するPDFを作ります。",
    )  # fmt: skip
    labels.add_argument("file", type=Path, metavar="ファイル", help="出力ファイル（.pdf）")
    labels.add_argument(
        "--tags", nargs="+", metavar="資産管理番号", help="ラベルを作る資産（既定: 全資産）"
    )
    labels.add_argument(
        "--sheet",
        choices=list(SHEETS),
        default="A4-12",
        metavar="用紙",
        help="ラベル用紙（寸法は目安）: "
        + "、".join(f"{k} = {v}" for k, v in SHEETS.items())
        + "（既定 A4-12）",
    )
    labels.add_argument(
        "--start",
        type=argparse_ja.integer,
        default=1,
        metavar="位置",
        help="最初に使うラベルの位置（左上 = 1、既定 1）",
    )
    labels.add_argument(
        "--code", choices=list(CODES), metavar="コード",
        help="qr = QRコード、code128 = バーコード（CODE128）"
        "（既定: 画面の印刷で最後に選んだもの、なければ qr）",
    )  # fmt: skip
    labels.add_argument(
        "--org", metavar="団体名",
        help="各ラベルの最後の行に印刷する団体名（既定: 画面の印刷で保存した団体名）",
    )  # fmt: skip
    labels.set_defaults(handler=cmd_labels)


def _open(data_dir: DataDir):  # type: ignore[no-untyped-def]
    from app.store.database import open_database

    return open_database(data_dir, read_only=True)  # exports and labels only read


def cmd_export_assets(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.gc_pause import gc_paused
    from app.interchange.asset_export import export_assets
    from app.progress import terminal_progress

    progress = terminal_progress()
    db = _open(data_dir)
    try:
        with gc_paused(), db.sessions() as session:
            result = export_assets(
                session, args.file, layout=args.layout, encoding=args.encoding, progress=progress
            )
    finally:
        db.dispose()
        if progress is not None:
            print(file=sys.stderr)
    print(f"{result.rows:,}件を書き出しました: {result.path}")
    return 0


def cmd_labels(data_dir: DataDir, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from app.reports.asset_labels import make_labels
    from app.services.inventory.label_settings import label_code, organisation
    from app.store.models import Asset

    db = _open(data_dir)
    try:
        with db.sessions() as session:
            if args.tags:
                tags = list(dict.fromkeys(args.tags))
                found: dict[str, int] = {}
                for start in range(0, len(tags), 500):
                    chunk = tags[start : start + 500]
                    stmt = select(Asset.asset_tag, Asset.id).where(Asset.asset_tag.in_(chunk))
                    found.update((tag, i) for tag, i in session.execute(stmt))
                unknown = [t for t in tags if t not in found]
                if unknown:
                    raise UserError(f"資産管理番号が見つかりません: {', '.join(unknown)}")
                ids = [found[t] for t in tags]
            else:
                ids = list(session.scalars(select(Asset.id).order_by(Asset.asset_tag)))
                if not ids:
                    raise UserError("資産が登録されていません。")
            org = args.org if args.org is not None else organisation(session)
            count = make_labels(
                session, ids, args.file, sheet=args.sheet, start_position=args.start,
                footer=" ".join(org.split()), code=args.code or label_code(session),
            )  # fmt: skip
    finally:
        db.dispose()
    print(f"ラベル {count:,}件を作成しました: {args.file}")
    return 0
