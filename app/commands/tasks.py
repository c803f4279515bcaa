"""``hitori tasks generate`` and ``hitori tasks starter``: a 年度's recurring work.

    hitori tasks generate --fy 2026 [--series ID]
    hitori tasks starter [--fy 令和8年度] [--list | --only 件名 ...]

``generate`` creates the occurrences of every active rule (or of one) in the 年度 that
are not there yet; ``starter`` lists the bundled starter set of yearly work, or adopts
all of it or the chosen titles and generates their 年度. Both are idempotent, so running
them again adds only what is missing. A 年度 is given in 西暦 or 和暦 (2026, 令和8年度,
R8). Exit 0 on success; 1 with one line on stderr for a 年度 that cannot be read or is
out of range, an unknown rule or title (nothing is written then); 2 for usage errors.

Imported at every start of the program (the GUI's too): the services are imported in
the handlers only.
"""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Any

from app import argparse_ja
from app.errors import UserError
from app.paths import DataDir

FY_FORMS = "2026、令和8年度、R8 など"
# Dates of a listed item's rule shown before 「ほか n 回」.
SHOWN_DATES = 3


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    tasks = sub.add_parser("tasks", parents=[common], help="繰り返しタスク（定例業務）を扱う")
    what = tasks.add_subparsers(
        dest="tasks_action", metavar="操作", title="操作", help="何をするか", required=True
    )
    generate = what.add_parser(
        "generate", parents=[common], help="年度の繰り返しタスクを作成する",
        description="有効な繰り返しタスクの規則（または --series で指定した1件）から、指定した"
        "年度の各回をタスクとして作成します。作成済みの回は作り直さないので、何度実行しても"
        "足りない回だけが追加されます。",
    )  # fmt: skip
    generate.add_argument("--fy", required=True, metavar="年度", help=f"年度（{FY_FORMS}）")
    generate.add_argument(
        "--series",
        type=argparse_ja.integer,
        metavar="規則ID",
        help="この規則だけ（既定: 有効な全規則）",
    )
    generate.set_defaults(handler=cmd_tasks_generate)

    starter = what.add_parser(
        "starter", parents=[common], help="定例業務の雛形を一覧・登録する",
        description="自治体の情報担当の年間の定例業務（人事異動に伴うアカウント整理、出納閉鎖前の"
        "支払確認、予算要求など）の雛形を一覧するか、繰り返しタスクとして登録してその年度のタスク"
        "を作成します。同じ件名の規則が既にあれば登録しません。",
    )  # fmt: skip
    starter.add_argument(
        "--fy", metavar="年度", help=f"タスクを作成する年度（既定: 今年度。{FY_FORMS}）"
    )
    choice = starter.add_mutually_exclusive_group()
    choice.add_argument("--list", action="store_true", help="雛形を一覧して終了する（登録しない）")
    choice.add_argument(
        "--only", nargs="+", metavar="件名", help="この件名の雛形だけ登録する（既定: すべて）"
    )
    starter.set_defaults(handler=cmd_tasks_starter)


def read_fiscal_year(text: str) -> int:
    """The 年度 ``text`` names: 2026, ２０２６, 2026年度, 令和8年度, 令和元年度, R8 …;
    UserError when it names none. The range is checked by the services."""
    stem = unicodedata.normalize("NFKC", text).strip().removesuffix("年度").strip()
    if stem.isascii() and stem.isdigit():
        return int(stem)
    from app.jdate import JDateError, parse_date

    try:
        # The era year's last day: within the era for every first year (元年) too.
        return parse_date(f"{stem}年12月31日").year
    except JDateError:
        raise UserError(f"--fy の年度が読めません: {text}（{FY_FORMS}）") from None


def _checked_fiscal_year(text: str) -> int:
    from app.services.tasks.series import check_fiscal_year

    return check_fiscal_year(read_fiscal_year(text))


def cmd_tasks_generate(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.jdate import fiscal_year_label
    from app.services.tasks.series import generate_fiscal_year
    from app.store.database import open_database

    fy = _checked_fiscal_year(args.fy)
    db = open_database(data_dir)
    try:
        with db.sessions.begin() as session:
            result = generate_fiscal_year(session, args.series, fy)
    finally:
        db.dispose()
    print(
        f"{fiscal_year_label(fy)}: {len(result.created):,} 件を作成しました"
        f"（既にあるもの {result.existing:,} 件）"
    )
    if args.series is None and not result.created and not result.existing:
        print(
            "有効な繰り返しタスクがありません"
            "（hitori tasks starter で定例業務の雛形を登録できます）"
        )
    return 0


def _adopted_titles(data_dir: DataDir) -> set[str]:
    """The titles of the rules there are (none when there is no database yet: listing
    the starter set must not create one)."""
    if not data_dir.db_path.exists():
        return set()
    from sqlalchemy import select

    from app.store.database import open_database
    from app.store.models import TaskSeries

    db = open_database(data_dir, read_only=True)
    try:
        with db.sessions() as session:
            return set(session.scalars(select(TaskSeries.title)))
    finally:
        db.dispose()


def _dates_text(dates: Sequence[date]) -> str:
    shown = "、".join(f"{d.month}月{d.day}日" for d in dates[:SHOWN_DATES])
    more = len(dates) - SHOWN_DATES
    return shown + (f" ほか{more}回" if more > 0 else "") if dates else "この年度はなし"


def _list_starter(data_dir: DataDir, fy: int) -> int:
    from app.jdate import fiscal_year_label
    from app.services.tasks.recurrence import RULE_ATTRIBUTES, Rule, rule_dates
    from app.services.tasks.starter import load_starter

    items = load_starter()
    adopted = _adopted_titles(data_dir)
    print(f"定例業務の雛形 {len(items)} 件（日付は{fiscal_year_label(fy)}、休日の調整前）:")
    for item in items:
        rule = Rule(**{name: item.values[name] for name in RULE_ATTRIBUTES if name in item.values})
        mark = "［登録済み］" if item.title in adopted else ""
        print(f"  {item.title}　{_dates_text(rule_dates(rule, fy))}{mark}")
    return 0


def cmd_tasks_starter(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.jdate import fiscal_year, fiscal_year_label

    fy = _checked_fiscal_year(args.fy) if args.fy is not None else fiscal_year(date.today())
    if args.list:
        return _list_starter(data_dir, fy)
    from app.services.tasks.starter import adopt_starter, load_starter
    from app.store.database import open_database

    items = load_starter()  # a broken set is said before the database is opened
    db = open_database(data_dir)
    try:
        with db.sessions.begin() as session:
            result = adopt_starter(session, fy, chosen=args.only, items=items)
    finally:
        db.dispose()
    print(
        f"定例業務の雛形から {len(result.created):,} 件を登録しました"
        f"（登録済み {len(result.already):,} 件）"
    )
    generation = result.generation
    print(
        f"{fiscal_year_label(fy)}: {len(generation.created):,} 件を作成しました"
        f"（既にあるもの {generation.existing:,} 件）"
    )
    return 0
