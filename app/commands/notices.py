"""``hitori notices import FILE_OR_URL [--issuer 発出元]``: notices from an RSS/Atom feed.

    hitori notices import news.rdf
    hitori notices import https://www.digital.go.jp/rss/news.xml --issuer デジタル庁

Prints one summary line (通知を 12 件追加しました（既にあるもの 30 件、取り込めなかった
もの 1 件）), then the items not imported with their reasons and what was shortened,
left out or wrong in the feed. Exit 0 when imported (also when nothing was new); 1 with
one line on stderr when the file or URL cannot be read as a feed — the database is then
not even opened. A URL is fetched only when one is given (三層分離: most PCs cannot).

Imported at every start of the program (the GUI's too): the feed code is imported in
the handler only.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.paths import DataDir

MAX_PRINTED = 200


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    notices = sub.add_parser("notices", parents=[common], help="通知・法令を扱う")
    what = notices.add_subparsers(
        dest="notices_action",
        metavar="操作",
        title="操作",
        help="何をするか",
        required=True,
    )
    imp = what.add_parser(
        "import", parents=[common], help="RSS・Atom のフィードから通知を取り込む",
        description="総務省（news.rdf）・デジタル庁（news.xml）などのフィード（RSS 1.0（RDF）・"
        "RSS 2.0・Atom）の新しい項目を、状態「未確認」の通知として取り込みます。取り込み済みの"
        "項目は追加しません。文字コードは UTF-8・Shift_JIS・EUC-JP に対応し、宣言が誤っていても"
        "読み取ります。URL を指定したときだけネットワークに接続します（インターネットに接続"
        "できないPCでは、接続できるPCでフィードをファイルに保存して指定してください）。",
    )  # fmt: skip
    imp.add_argument(
        "source",
        metavar="ファイルまたはURL",
        help="フィードのファイル、または http:// か https:// で始まるURL（上限 20 MB）",
    )
    imp.add_argument(
        "--issuer",
        metavar="発出元",
        help="通知の発出元（既定: フィードの題名から。「総務省 ホームページ新着情報」なら総務省）",
    )
    imp.set_defaults(handler=cmd_notices_import)


def cmd_notices_import(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.services.notices.feed_import import import_feed
    from app.services.notices.feed_source import read_feed_source
    from app.services.notices.feeds import parse_feed
    from app.store.database import open_database

    got = read_feed_source(args.source)
    feed = parse_feed(got.data, name=got.name, base_url=got.url, charset=got.charset)
    db = open_database(data_dir)
    try:
        with db.sessions.begin() as session:
            result = import_feed(session, feed, issuer=args.issuer, source=got.source)
    finally:
        db.dispose()
    print(result.summary())
    print(
        f"フィード: {result.feed_title or '（題名なし）'}（{result.format}、{result.encoding}、"
        f"{len(feed.items):,} 項目）／発出元: {result.issuer}"
    )
    for title, lines in (("取り込めなかったもの", result.skipped), ("注意", result.notes)):
        if lines:
            print(f"{title}:")
            for line in lines[:MAX_PRINTED]:
                print(f"  {line}")
            if len(lines) > MAX_PRINTED:
                print(f"  ほか {len(lines) - MAX_PRINTED:,} 件")
    return 0
