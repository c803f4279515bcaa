"""``hitori regulations list [--lagging]`` and ``hitori regulations starter``: the register
of laws, guidelines and own rules (法令・規程台帳).

    hitori regulations list             # every rule: kind, current version, lagging since
    hitori regulations list --lagging   # only the lagging ones, with what they lag behind
    hitori regulations starter          # add the national entries of the starter set
    hitori regulations starter --file starter.json   # a newer set, given as a file

``list`` only reads (exit 0, also when nothing lags). ``starter`` adds what is new in the
bundled starter set and never changes what the officer edited or deleted; it is refused
(exit 1, one line on stderr, nothing written) when the set's file is broken or from a
newer program. 2 for usage errors.

Imported at every start of the program (the GUI's too): the services are imported in
the handlers only.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from app.paths import DataDir

NAME_WIDTH = 40  # display columns of the name column; longer names are shortened


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    regulations = sub.add_parser(
        "regulations", parents=[common], help="法令・規程台帳を扱う",
        description="法令・ガイドラインと自団体の条例・規則・規程の台帳です。",
    )  # fmt: skip
    what = regulations.add_subparsers(
        dest="regulations_action", metavar="操作", title="操作", help="何をするか", required=True
    )
    listing = what.add_parser(
        "list", parents=[common], help="法令・規程を一覧する",
        description="法令・規程ごとに、種別、現行の版とその日付、追随先の改定に追随できていない"
        "（追随遅れの）ものはその始まりの日を表示します。",
    )  # fmt: skip
    listing.add_argument(
        "--lagging",
        action="store_true",
        help="追随遅れの規程だけを、追随できていない法令・規程と始まりの日とともに表示する",
    )
    listing.set_defaults(handler=cmd_regulations_list)
    starter = what.add_parser(
        "starter", parents=[common], help="国の法令・ガイドラインの初期データを登録する",
        description="標準化法、標準化基本方針、情報セキュリティポリシーガイドライン、ガバメント"
        "クラウドの利用についてなど、国の法令・ガイドラインとその既知の改定を台帳に追加します。"
        "追加済みのものは変更せず（編集した内容はそのまま）、削除したものは追加し直しません。"
        "新しい版の初期データでは、新しい項目と改定だけが追加されます。",
    )  # fmt: skip
    starter.add_argument(
        "--file",
        type=Path,
        metavar="ファイル",
        help="この初期データのファイル（JSON）を使う（既定: プログラムに同梱のもの）",
    )
    starter.set_defaults(handler=cmd_regulations_starter)


def _fit(text: str, width: int) -> str:
    """``text`` padded (or shortened with …) to ``width`` display columns."""
    from app.argparse_ja import display_width

    if display_width(text) > width:
        while display_width(text + "…") > width:
            text = text[:-1]
        text += "…"
    return text + " " * (width - display_width(text))


def _day(d: date | None) -> str:
    from app.jdate import format_date

    return format_date(d) if d is not None else ""


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    from app.argparse_ja import display_width

    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(_fit(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows]  # fmt: skip


def _print_register(rows: Sequence[Any]) -> None:
    table = [("名称", "種別", "現行の版", "日付", "追随遅れ")]
    for row in rows:
        name = _fit(row.short_name or row.title, NAME_WIDTH).rstrip()
        day = row.current_effective_on or row.current_revised_on
        version = row.current_label or ("（改定なし）" if not row.version_count else "（施行前）")
        if row.upcoming_label:
            version += f"／施行予定: {row.upcoming_label}（{_day(row.upcoming_effective_on)}）"
        lag = f"{_day(row.lagging_since)} から" if row.lagging else ""
        table.append((name, row.kind_label, version, _day(day), lag))
    for line in _table(table):
        print(line)
    lagging = sum(1 for row in rows if row.lagging)
    print(f"{len(rows):,} 件（追随遅れ {lagging:,} 件）")


def _print_lagging(lags: Sequence[Any]) -> None:
    if not lags:
        print("追随遅れの規程はありません")
        return
    count = len({lag.dependent_id for lag in lags})
    print(f"追随遅れの規程 {count:,} 件:")
    for lag in lags:
        followed = f"対応済み: {lag.followed_label}" if lag.followed_label else "対応済みの版なし"
        pending = "" if lag.in_force else "、施行前"
        print(
            f"  {lag.dependent_title} → {lag.source_short_name or lag.source_title} "
            f"{lag.newest_label}（{_day(lag.since)} から{pending}、{followed}）"
        )


def cmd_regulations_list(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.services.regulations.dependencies import lagging
    from app.services.regulations.register import register_rows
    from app.store.database import open_database

    today = date.today()
    db = open_database(data_dir, read_only=True)  # a list only reads
    try:
        with db.sessions() as session:
            if args.lagging:
                _print_lagging(lagging(session, today))
                return 0
            rows = register_rows(session, today)
    finally:
        db.dispose()
    if not rows:
        print(
            "法令・規程はまだ登録されていません"
            "（hitori regulations starter で国の法令・ガイドラインを登録できます）"
        )
        return 0
    _print_register(rows)
    return 0


def cmd_regulations_starter(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.services.regulations.starter import adopt_starter, load_starter
    from app.store.database import open_database

    starter = load_starter(args.file)  # a broken set is said before the database is opened
    db = open_database(data_dir)
    try:
        with db.sessions.begin() as session:
            result = adopt_starter(session, starter)
    finally:
        db.dispose()
    print(result.summary())
    for title, names in (("追加した法令・規程", result.added_entries),
                         ("追加した改定", result.added_versions),
                         ("同じ名称があるため追加しなかったもの", result.same_title)):  # fmt: skip
        if names:
            print(f"{title}:")
            for name in names:
                print(f"  {name}")
    return 0
