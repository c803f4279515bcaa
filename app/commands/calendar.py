"""``hitori calendar --out FILE.ics [--from DATE] [--to DATE]``: every deadline and due
date of a period as an iCalendar file, to import into Outlook or another calendar.

Dates are read as everywhere else (app.jdate: 2026-04-01, R8.4.1, 令和8年4月1日 …).
The period defaults to one year from today. Exit 0 on success; 1 with one line on
stderr for a date that cannot be read or does not exist, a period that ends before it
begins, or a file that cannot be written (nothing is written then); 2 for usage errors.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.paths import DataDir

DATE_FORMS = "2026-04-01、R8.4.1、令和8年4月1日 など"


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    calendar = sub.add_parser(
        "calendar", parents=[common], help="期限と期日を予定表ファイル（.ics）に書き出す",
        description="タスクの期限、通知の回答期限・施行日・対応期限、契約の終了日と解約予告期限、"
        "ライセンスの期限、資産の保守・リース終了日、チェック項目の期限を、Outlook などに"
        "取り込める iCalendar ファイルに書き出します。同じ期限は日付や件名が変わっても同じ予定"
        "として書き出すので、新しいファイルを取り込むと予定が更新されます。",
    )  # fmt: skip
    calendar.add_argument(
        "--out", type=Path, required=True, metavar="ファイル", help="出力ファイル（.ics）"
    )
    calendar.add_argument(
        "--from", dest="start", metavar="日付", help=f"この日から（既定: 今日。{DATE_FORMS}）"
    )
    calendar.add_argument(
        "--to", dest="end", metavar="日付", help="この日まで（既定: 始めの日から1年間）"
    )
    calendar.set_defaults(handler=cmd_calendar)


def _read_date(option: str, text: str) -> date:
    from app.jdate import JDateError, parse_date

    try:
        return parse_date(text)
    except JDateError as exc:
        raise UserError(f"{option} の日付が正しくありません: {exc}") from exc


def period(start_text: str | None, end_text: str | None, today: date) -> tuple[date, date]:
    """The first and last day to export: ``--from`` (default today) and ``--to``
    (default the day before the same date a year later); UserError when one cannot be
    read or the period ends before it begins."""
    from app.jdate import add_months

    start = _read_date("--from", start_text) if start_text is not None else today
    if end_text is not None:
        end = _read_date("--to", end_text)
    else:
        try:
            end = add_months(start, 12) - timedelta(days=1)
        except OverflowError:  # a start in the year 9999
            end = date.max
    if end < start:
        if start_text is None:
            raise UserError(
                f"--to の日付 {end.isoformat()} が今日 {start.isoformat()} より前です。"
                "過去の期間には --from も指定してください"
            )
        raise UserError(
            f"--from の日付 {start.isoformat()} が --to の日付 {end.isoformat()} より後です"
        )
    return start, end


def cmd_calendar(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.gc_pause import gc_paused
    from app.services.schedule.ics import export_calendar
    from app.store.database import open_database

    start, end = period(args.start, args.end, date.today())
    db = open_database(data_dir, read_only=True)  # a calendar only reads
    try:
        # Tens of thousands of deadlines live until the file is written (app.gc_pause).
        with gc_paused(), db.sessions() as session:
            count = export_calendar(session, args.out, start, end)
    finally:
        db.dispose()
    print(f"{count:,} 件の期限を書き出しました: {args.out}")
    return 0
