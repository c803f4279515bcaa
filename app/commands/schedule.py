"""``hitori schedule --fy 年度 --out FILE.pdf [--assets]``: the 年間スケジュール as a PDF.

The 年度's deadlines and due dates (app.services.schedule.yearly) on A4 landscape, April
to September on one page and October to March on the next (app.reports.yearly_schedule).
Exit 0 on success; 1 with one line on stderr for a 年度 that cannot be read or is out of
range, or a file that cannot be written (nothing is written then); 2 for usage errors.

Imported at every start of the program (the GUI's too): reportlab and the database are
imported in the handler only.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from app.commands.tasks import FY_FORMS, read_fiscal_year
from app.paths import DataDir


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    schedule = sub.add_parser(
        "schedule", parents=[common], help="年間スケジュールをPDFにする",
        description="年度（4月〜翌年3月）のタスクの期限、通知の回答期限・施行日・対応期限、"
        "契約の終了日と解約予告期限、ライセンスの期限、チェック項目の期限を、月ごとの欄に並べた"
        "A4横のPDFにします（上半期と下半期で1ページずつ。多い月は次のページに続きます）。",
    )  # fmt: skip
    schedule.add_argument("--fy", required=True, metavar="年度", help=f"年度（{FY_FORMS}）")
    schedule.add_argument(
        "--out", type=Path, required=True, metavar="ファイル", help="出力ファイル（.pdf）"
    )
    schedule.add_argument(
        "--assets",
        action="store_true",
        help="資産の保守終了日・リース終了日も載せる（件数が多くなります）",
    )
    schedule.set_defaults(handler=cmd_schedule)


def cmd_schedule(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.reports.yearly_schedule import write_yearly_schedule
    from app.services.schedule.yearly import yearly_schedule
    from app.services.tasks.series import check_fiscal_year
    from app.store.database import open_database

    fy = check_fiscal_year(read_fiscal_year(args.fy))
    db = open_database(data_dir, read_only=True)  # a schedule only reads
    try:
        with db.sessions() as session:
            schedule = yearly_schedule(session, fy, include_assets=args.assets)
    finally:
        db.dispose()
    pages = write_yearly_schedule(schedule, args.out, printed_on=date.today())
    print(
        f"{schedule.label} 年間スケジュール（{schedule.total:,} 件、{pages} ページ）を"
        f"書き出しました: {args.out}"
    )
    return 0
