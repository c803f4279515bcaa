"""``hitori digest --from DATE --to DATE --out FILE``: a digest of a period — the notices,
regulation changes and Q&A notes of the period, grouped by topic with their links and
deadlines, and the officer's own lines (``--intro``) — as plain text for a mail (.txt),
HTML (.html) or PDF (.pdf).

``--keep`` also keeps it (app.services.digests.store), so that the next one starts the
day after it ends: ``--from`` defaults to that day (none kept: a week before today) and
``--to`` to six days after ``--from``. Dates are read as everywhere else (app.jdate:
2026-04-01, R8.4.1, 令和8年4月1日 …).

Exit 0 on success; 1 with one line on stderr for a date that cannot be read, a period
that ends before it begins, an unknown section, a period with nothing in it
(「この期間（…）に載せるものがありません」), a suffix other than .txt/.html/.pdf or a
file that cannot be written — nothing is written or kept then; 2 for usage errors.

Imported at every start of the program: the database and reportlab are imported in the
handler only.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.paths import DataDir

DATE_FORMS = "2026-04-01、R8.4.1、令和8年4月1日 など"
SECTIONS_HELP = "notice（通知）、regulation_version（法令・規程の改定）、knowledge_note（Q&A）"


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    digest = sub.add_parser(
        "digest", parents=[common], help="期間のダイジェスト（通知・改定・Q&A）を書き出す",
        description="期間内に発出された通知、公布・施行された法令・規程の改定、書き留めた"
        "Q&Aを、トピック（タグ）ごとにリンクと期限を付けてまとめ、メールに貼るテキスト"
        "（.txt）、HTML（.html）、PDF（.pdf）に書き出します。--keep を付けると保存し、"
        "次のダイジェストはその翌日から始まります。",
    )  # fmt: skip
    digest.add_argument(
        "--out", type=Path, required=True, metavar="ファイル",
        help="出力ファイル（.txt / .html / .pdf）",
    )  # fmt: skip
    digest.add_argument(
        "--from", dest="start", metavar="日付",
        help=f"この日から（既定: 前回保存したダイジェストの翌日、なければ1週間前。{DATE_FORMS}）",
    )  # fmt: skip
    digest.add_argument(
        "--to", dest="end", metavar="日付", help="この日まで（既定: 始めの日から1週間）"
    )
    digest.add_argument("--title", metavar="件名", help="件名（既定: 「ダイジェスト 期間」）")
    digest.add_argument("--intro", metavar="文章", help="冒頭に載せる自分の言葉", default="")
    digest.add_argument(
        "--sections", metavar="種類",
        help=f"載せるもの（カンマ区切り。既定: すべて。{SECTIONS_HELP}）",
    )  # fmt: skip
    digest.add_argument(
        "--keep", action="store_true",
        help="ダイジェストを保存する（次のダイジェストはこの期間の翌日から）",
    )  # fmt: skip
    digest.set_defaults(handler=cmd_digest)


def _read_date(option: str, text: str) -> date:
    from app.jdate import JDateError, parse_date

    try:
        return parse_date(text)
    except JDateError as exc:
        raise UserError(f"{option} の日付が正しくありません: {exc}") from exc


def period(session: Any, start_text: str | None, end_text: str | None) -> tuple[date, date]:
    """``--from`` (default: the day after the last kept digest, else a week before
    today) and ``--to`` (default: six days after the start)."""
    from app.services.digests.store import next_period

    if start_text is not None:
        start = _read_date("--from", start_text)
        end = start + timedelta(days=6) if start < date.max - timedelta(days=6) else date.max
    else:
        start, end = next_period(session, date.today(), "week")
    if end_text is not None:
        end = _read_date("--to", end_text)
    if end < start:
        where = "" if start_text is not None else "（前回保存したダイジェストの翌日）"
        raise UserError(
            f"--to の日付 {end.isoformat()} が期間の始め {start.isoformat()}{where}より前です"
        )
    return start, end


def _sections(text: str | None) -> tuple[str, ...]:
    from app.services.digests.compose import check_sections
    from app.store.vocab import DIGEST_SECTIONS

    if text is None:
        return tuple(DIGEST_SECTIONS)
    chosen = check_sections(text.split(","))
    if not chosen:
        raise UserError("--sections に載せるものを指定してください")
    return chosen


def cmd_digest(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.services.digests.compose import candidates, compose_content
    from app.services.digests.content import day_text, period_text
    from app.services.digests.render import write_digest
    from app.services.digests.store import (
        TITLE_LIMIT,
        create_digest,
        default_title,
        items_of,
    )
    from app.store.database import open_database

    sections = _sections(args.sections)
    made_at = datetime.now().replace(microsecond=0)
    identity = f"データ: {data_dir.root.name}　作成: {made_at:%Y-%m-%d %H:%M}"
    db = open_database(data_dir, read_only=not args.keep)  # only --keep writes
    try:
        # With --keep the digest is committed after its file is written aside and before
        # the file takes its name: a failed commit leaves no file, a failed write keeps
        # nothing.
        with db.sessions() as session:
            start, end = period(session, args.start, args.end)
            title = (args.title or "").strip() or default_title(start, end)
            if len(title) > TITLE_LIMIT:
                raise UserError(
                    f"--title は{TITLE_LIMIT}文字以内にしてください（{len(title)}文字）"
                )
            found = candidates(session, start, end, sections)
            content = compose_content(title, start, end, args.intro, found, sections=sections)
            if content.is_empty:
                raise UserError(f"この期間（{period_text(start, end)}）に載せるものがありません")
            if args.keep:
                create_digest(session, title, start, end, sections, content.intro,
                              items_of(content))  # fmt: skip
            pages = write_digest(content, args.out, made_at=made_at, identity=identity,
                                 before_placing=session.commit if args.keep else None)  # fmt: skip
    finally:
        db.dispose()
    count = len(content.items)
    shape = f"、{pages} ページ" if args.out.suffix.lower() == ".pdf" else ""
    print(f"ダイジェスト（{count:,} 件{shape}）を書き出しました: {args.out}")
    if args.keep and end < date.max:
        print(f"保存しました。次のダイジェストは {day_text(end + timedelta(days=1))} からです")
    return 0
