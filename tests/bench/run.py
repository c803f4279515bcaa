"""Benchmarks on the large demo data, printed as one JSON document.

    python tests/bench/run.py [--size large] [--data-dir DIR] [--repeat N]

Measures: start-up to a populated main window (``hitori --self-test`` in a fresh
process, median of several runs) and the time to populate each view; search
latency p50/p95 over a fixed query list, side by side with the same FTS5 query
run directly in SQLite; sort and filter of the asset table at full size; peak RSS.
Targets (issue 2, 2-core machine): startup ≤ 1500 ms, search p95 ≤ 50 ms and
≤ 3x raw SQLite, sort/filter ≤ 150 ms, RSS ≤ 350 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.paths import DataDir  # noqa: E402

QUERIES = [
    "課",
    "総務",
    "保守",
    "通知",
    "サーバ",
    "ｻｰﾊﾞ",
    "住民基本台帳",
    "HT-PC-0001",
    "標準化",
    "Windows",
    "本庁舎",
    "障害対応",
    "バックアップ",
    "デジタル庁",
    "ひとり",
    "税",
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def ensure_data(data_dir: DataDir, size: str, seed: int) -> dict:
    marker = data_dir.root / f"bench-{size}-{seed}.json"
    if marker.exists() and data_dir.db_path.exists():
        return json.loads(marker.read_text())
    data_dir.root.mkdir(parents=True, exist_ok=True)
    for p in data_dir.root.glob("hitori.sqlite3*"):
        p.unlink()
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "app", "demo", "--size", size, "--seed", str(seed),
         "--data-dir", str(data_dir.root)],
        cwd=REPO, check=True, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    info = {
        "demo_seconds": round(time.perf_counter() - started, 1),
        "db_mb": round(data_dir.db_path.stat().st_size / 2**20, 1),
    }
    marker.write_text(json.dumps(info))
    return info


def bench_startup(data_dir: DataDir, repeat: int) -> dict:
    """``hitori --self-test`` in fresh processes. As in an installed copy (pip compiles
    every module when it installs), the app's modules run from compiled bytecode: it is
    kept under the data folder (PYTHONPYCACHEPREFIX, whatever PYTHONDONTWRITEBYTECODE
    says here), and a first, uncounted run compiles it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(data_dir.root.parent / "pycache")
    runs = []
    for attempt in range(repeat + 1):
        out = subprocess.run(
            [sys.executable, "-m", "app", "--self-test", "--data-dir", str(data_dir.root)],
            cwd=REPO, env=env, capture_output=True, text=True, check=True, timeout=600,
        )  # fmt: skip
        if attempt:
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    startup = [r["startup_ms"] for r in runs]
    views = {k: statistics.median(r["views_ms"][k] for r in runs) for k in runs[0]["views_ms"]}
    return {
        "startup_ms_median": statistics.median(startup),
        "startup_ms_runs": startup,
        "views_ms_median": views,
        "rss_mb_max": max(r["rss_mb"] for r in runs),
    }


def bench_search(data_dir: DataDir, repeat: int) -> dict:
    """Our search (Python service layer) against the same SQL run directly in sqlite3."""
    from app.services.search import global_search
    from app.store.database import open_database
    from app.store.search_index import DOCS_SQL, KIND_CODES, MATCH_SQL, kind_range
    from app.store.search_text import match_expression

    db = open_database(data_dir)
    ours: list[float] = []
    raw: list[float] = []
    per_query: dict[str, dict] = {}
    conn = sqlite3.connect(data_dir.db_path)

    def raw_search(expr: str) -> int:
        """The same statements global_search runs, straight through sqlite3."""
        n = 0
        for kind in KIND_CODES:
            lo, hi = kind_range(kind)
            ids = [r[0] for r in conn.execute(MATCH_SQL, (expr, lo, hi))]
            if ids:
                n += len(conn.execute(DOCS_SQL.format(marks=",".join(map(str, ids)))).fetchall())
        return n

    try:
        with db.sessions() as session:
            for q in QUERIES:  # warm the page cache once
                global_search(session, q)
                raw_search(match_expression(q))
            for q in QUERIES:
                q_ours, q_raw = [], []
                for _ in range(repeat):
                    t = time.perf_counter()
                    res = global_search(session, q)
                    q_ours.append((time.perf_counter() - t) * 1000)
                    t = time.perf_counter()
                    rows = raw_search(match_expression(q))
                    q_raw.append((time.perf_counter() - t) * 1000)
                ours += q_ours
                raw += q_raw
                per_query[q] = {
                    "groups": len(res.groups),
                    "hits": res.total,
                    "raw_rows": rows,
                    "ours_ms_p50": round(statistics.median(q_ours), 2),
                    "raw_ms_p50": round(statistics.median(q_raw), 2),
                }
    finally:
        conn.close()
        db.dispose()
    return {
        "queries": len(QUERIES),
        "repeat": repeat,
        "ours_ms_p50": round(percentile(ours, 50), 2),
        "ours_ms_p95": round(percentile(ours, 95), 2),
        "raw_sqlite_ms_p50": round(percentile(raw, 50), 2),
        "raw_sqlite_ms_p95": round(percentile(raw, 95), 2),
        "ratio_p95": round(percentile(ours, 95) / max(percentile(raw, 95), 1e-6), 2),
        "per_query": per_query,
    }


def bench_table(data_dir: DataDir) -> dict:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.services.assets import AssetFilter, load_asset_rows
    from app.store.database import open_database
    from app.ui.assets.table_model import AssetTableModel

    app = QApplication.instance() or QApplication([])
    db = open_database(data_dir)
    t = time.perf_counter()
    with db.sessions() as session:
        rows = load_asset_rows(session)
    load_ms = (time.perf_counter() - t) * 1000
    db.dispose()
    from datetime import date

    from app.ui.assets.table_model import search_texts

    model = AssetTableModel(today=date.today())
    # As the ledger view does: the keyword haystack is built in the loading job.
    t = time.perf_counter()
    texts = search_texts(rows)
    texts_ms = (time.perf_counter() - t) * 1000
    model.set_rows(rows, texts)
    timings: dict[str, float] = {}
    for col in range(model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            t = time.perf_counter()
            model.sort(col, order)
            timings[f"sort_col{col}_{order.name}"] = (time.perf_counter() - t) * 1000
    filters = {
        "segment": AssetFilter(segments={"lgwan"}),
        "status": AssetFilter(statuses={"in_use"}),
        "lifecycle_maint_6m": AssetFilter(lifecycle="maintenance_within", months=6),
        "eol_reached": AssetFilter(lifecycle="eol_reached"),
        "text": AssetFilter(text="総務"),
        "department+segment": AssetFilter(department_ids={1}, segments={"mynumber"}),
    }
    for name, flt in filters.items():
        t = time.perf_counter()
        model.set_filter(flt)
        timings[f"filter_{name}"] = (time.perf_counter() - t) * 1000
    model.set_filter(AssetFilter())
    sorts = [v for k, v in timings.items() if k.startswith("sort")]
    filts = [v for k, v in timings.items() if k.startswith("filter")]
    del app
    return {
        "rows": len(rows),
        "load_rows_ms": round(load_ms, 1),
        "keyword_texts_ms_in_background": round(texts_ms, 1),
        "sort_ms_max": round(max(sorts), 1),
        "sort_ms_median": round(statistics.median(sorts), 1),
        "filter_ms_max": round(max(filts), 1),
        "filter_ms": {k: round(v, 1) for k, v in timings.items() if k.startswith("filter")},
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="large", choices=["small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/hitori-bench"))
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--startup-runs", type=int, default=3)
    parser.add_argument("--only", choices=["startup", "search", "table"], action="append")
    args = parser.parse_args()
    data_dir = DataDir(args.data_dir / args.size)
    only = set(args.only or ["startup", "search", "table"])
    result: dict = {"size": args.size, "data": ensure_data(data_dir, args.size, args.seed)}
    if "startup" in only:
        result["startup"] = bench_startup(data_dir, args.startup_runs)
    if "search" in only:
        result["search"] = bench_search(data_dir, args.repeat)
    if "table" in only:
        result["asset_table"] = bench_table(data_dir)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
