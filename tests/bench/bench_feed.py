"""Benchmark of the feed import: a generated 500-item feed imported into a fresh
database, printed as one JSON document.

    python tests/bench/bench_feed.py [--runs 5] [--items 500] [--dir DIR]

The feed is an RSS 1.0 (RDF) file shaped like 総務省's news.rdf, in UTF-8, each item with
a Japanese title, a link, a dc:date and a summary holding a little HTML. Each run starts
from a fresh copy of an empty database (made once, migrations excluded) and times, as
``hitori notices import FILE`` does them: reading the bytes (decoding included) into
items (``parse_s``), then writing the notices in one transaction with their history and
search index (``import_s``); ``total_s`` is both. Beside it, in the same run, feedparser's
own parse of the same bytes (``feedparser_s``) is the reference: the part of the work
that is the library's. Target: a 500-item feed imported in ≤ 2 s (median). After the
JSON, a PASS or MISS line goes to stderr; the exit status is 1 on a miss.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

TARGET_S = 2.0
ITEMS = 500


def make_feed(items: int) -> bytes:
    """An RDF feed of ``items`` distinct items, as 総務省 publishes it."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rdf:RDF xmlns="http://purl.org/rss/1.0/" '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xml:lang="ja">\n'
        '<channel rdf:about="https://www.soumu.go.jp/news.rdf">'
        "<title>総務省 ホームページ新着情報</title><link>https://www.soumu.go.jp/</link>"
        "<description>総務省ホームページの新着情報</description></channel>\n"
    ]
    for n in range(items):
        url = f"https://www.soumu.go.jp/menu_news/s-news/01gyosei07_{n:08d}.html"
        month, day = 1 + n % 12, 1 + n % 28
        parts.append(
            f'<item rdf:about="{url}"><title>地方公共団体情報システムの標準化に関する'
            f"事務連絡（第{n}報）について</title><link>{url}</link>"
            f"<description>&lt;p&gt;標準準拠システムへの移行に関する&lt;b&gt;留意事項&lt;/b&gt;"
            f"を取りまとめました（{n}）。&lt;/p&gt;</description>"
            f"<dc:date>2026-{month:02d}-{day:02d}T17:00:00+09:00</dc:date></item>\n"
        )
    parts.append("</rdf:RDF>\n")
    return "".join(parts).encode()


def bench(root: Path, runs: int, items: int) -> dict[str, Any]:
    import feedparser
    from sqlalchemy import func, select

    from app.paths import DataDir
    from app.services.notices.feed_import import import_feed
    from app.services.notices.feeds import parse_feed
    from app.store.backup import copy_database
    from app.store.database import open_database
    from app.store.models import Notice

    data = make_feed(items)
    template = DataDir(root / "template")
    open_database(template, actor="bench").dispose()
    parse_times, import_times, totals, reference, added = [], [], [], [], []
    for run in range(runs):
        data_dir = DataDir(root / f"run-{run}")
        data_dir.root.mkdir(parents=True)
        copy_database(template.db_path, data_dir.db_path)
        db = open_database(data_dir, actor="bench")
        try:
            started = time.perf_counter()
            feed = parse_feed(data, name="news.rdf")
            parsed = time.perf_counter()
            with db.sessions.begin() as session:
                result = import_feed(session, feed, source="news.rdf")
            done = time.perf_counter()
            with db.sessions() as session:
                stored = session.scalar(select(func.count(Notice.id)))
        finally:
            db.dispose()
        parse_times.append(parsed - started)
        import_times.append(done - parsed)
        totals.append(done - started)
        added.append(min(result.added, stored or 0))
        started = time.perf_counter()
        feedparser.parse(io.BytesIO(data))
        reference.append(time.perf_counter() - started)
    median = statistics.median(totals)
    return {
        "items": items,
        "feed_bytes": len(data),
        "runs": runs,
        "total_s": round(median, 3),
        "total_s_all": [round(t, 3) for t in totals],
        "parse_s": round(statistics.median(parse_times), 3),
        "import_s": round(statistics.median(import_times), 3),
        "feedparser_s": round(statistics.median(reference), 3),
        "feedparser_s_all": [round(t, 3) for t in reference],
        "ratio_to_feedparser": round(median / max(statistics.median(reference), 1e-6), 1),
        "added_per_run": added,
        "target_s": TARGET_S,
        "ok": median <= TARGET_S and all(a == items for a in added),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--items", type=int, default=ITEMS)
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    if args.dir:
        report = bench(args.dir, args.runs, args.items)
    else:
        with tempfile.TemporaryDirectory(prefix="hitori-bench-feed-") as tmp:
            report = bench(Path(tmp), args.runs, args.items)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    verdict = "PASS" if report["ok"] else "MISS"
    print(
        f"{verdict}  a {report['items']:,}-item feed imported into a fresh database: "
        f"{report['total_s']} s (target ≤ {TARGET_S} s, median of {report['runs']}; "
        f"parse {report['parse_s']} s + write {report['import_s']} s; feedparser's own parse "
        f"{report['feedparser_s']} s)",
        file=sys.stderr,
    )
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
