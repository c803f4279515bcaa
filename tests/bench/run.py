"""Benchmarks on the large demo data, printed as one JSON document.

    python tests/bench/run.py [--size large] [--data-dir DIR] [--runs N] [--repeat N]
                              [--only startup|search|table|ledger ...]

Measures, on the demo data of ``--size`` (made once in DIR/SIZE with ``hitori demo``):

- start-up against a bare reference: ``hitori --self-test`` (start-up to a populated
  first view, and the time to populate each view; peak RSS) side by side with a bare
  PySide6 window (tests/bench/bare_window.py), measured the same way: from the process's
  creation to the window being ready, in fresh processes;
- ``hitori search`` as a whole command side by side with a script that runs the same
  full-text statements with the standard library's sqlite3 (tests/bench/stdlib_search.py);
- search latency p50/p95 in the service layer over a fixed query list, side by side with
  the same statements run directly in SQLite;
- sort and filter of the asset table at full size;
- the longest event-loop stall while the asset ledger reloads in the real window
  (tests/bench/ledger_reload.py).

Whole processes are run ``--runs`` times each, interleaved (bare, Hitori, stdlib script,
``hitori search``), after one uncounted round that compiles the bytecode; the report
gives medians and every run. Then one PASS or MISS line per target goes to stderr, and
the exit status is 1 when one is missed. Targets (issue 2, 2-core machine): start-up ≤
1500 ms, search p95 ≤ 50 ms and ≤ 3x raw SQLite, sort/filter ≤ 150 ms, RSS ≤ 350 MB;
(issue 8) start-up ≤ 4x the bare window, ``hitori search`` ≤ 8x the stdlib script, no
event-loop stall over 30 ms while the ledger reloads (median of the reloads).
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


def _process_env(data_dir: DataDir) -> dict[str, str]:
    """As in an installed copy (pip compiles every module when it installs), modules run
    from compiled bytecode: it is kept under the data folder's parent
    (PYTHONPYCACHEPREFIX, whatever PYTHONDONTWRITEBYTECODE says here), and a first,
    uncounted round compiles it. The references run with the same settings."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(data_dir.root.parent / "pycache")
    env["QT_QPA_PLATFORM"] = env.get("QT_QPA_PLATFORM", "offscreen")
    return env


def _run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Run a whole process; its wall time in ms (spawn to exit) and its stdout."""
    started = time.perf_counter()
    out = subprocess.run(
        args, cwd=REPO, env=env, capture_output=True, text=True, check=True, timeout=600
    )
    return (time.perf_counter() - started) * 1000, out.stdout


def _last_json(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def kind_ranges(data_dir: DataDir) -> list[tuple[str, int, int]]:
    """(kind, first rowid, last rowid) of every kind that has search documents, as
    Hitori's search index numbers them (a kind without documents matches nothing)."""
    from app.store.search_index import kind_range

    with sqlite3.connect(f"file:{data_dir.db_path}?mode=ro", uri=True) as conn:
        kinds = [r[0] for r in conn.execute("SELECT DISTINCT kind FROM search_docs")]
    return sorted(((kind, *kind_range(kind)) for kind in kinds), key=lambda k: k[1])


def search_plan(data_dir: DataDir, query: str, per_group: int = 8) -> dict:
    """What tests/bench/stdlib_search.py needs to run the statements ``hitori search``
    runs: the match expression and the statements from Hitori's own code, and the rowid
    range of each kind."""
    from app.store.search_index import DOCS_SQL, MATCH_SQL
    from app.store.search_query import CANDIDATES
    from app.store.search_text import match_expression

    return {
        "expression": match_expression(query),
        "match_sql": MATCH_SQL,
        "docs_sql": DOCS_SQL,
        "kinds": [[kind, kind, lo, hi] for kind, lo, hi in kind_ranges(data_dir)],
        "per_group": per_group,
        "candidates": CANDIDATES,  # the newest matches read per kind (MATCH_SQL's LIMIT)
    }


def bench_processes(data_dir: DataDir, runs: int, query: str) -> tuple[dict, dict]:
    """Start-up and ``hitori search`` as whole processes, each beside its reference.

    Each round runs, one after the other: the bare window, ``hitori --self-test``, the
    stdlib search script and ``hitori search QUERY``, so that the machine's load weighs
    on a measurement and its reference alike."""
    env = _process_env(data_dir)
    py, here = sys.executable, Path(__file__).resolve().parent
    plan = json.dumps(search_plan(data_dir, query), ensure_ascii=False)
    bare: list[float] = []
    selftests: list[dict] = []
    stdlib: list[float] = []
    command: list[float] = []
    folder = ["--data-dir", str(data_dir.root)]
    for attempt in range(runs + 1):
        _ms, out = _run([py, str(here / "bare_window.py")], env)
        bare_ms = _last_json(out)["startup_ms"]
        _ms, out = _run([py, "-m", "app", "--self-test", *folder], env)
        selftest = _last_json(out)
        stdlib_ms, _out = _run(
            [py, str(here / "stdlib_search.py"), str(data_dir.db_path), plan], env
        )
        search_ms, _out = _run([py, "-m", "app", "search", query, *folder], env)
        if attempt:  # the first round compiled the bytecode
            bare.append(bare_ms)
            selftests.append(selftest)
            stdlib.append(round(stdlib_ms, 1))
            command.append(round(search_ms, 1))
    startup = [r["startup_ms"] for r in selftests]
    views = {
        k: statistics.median(r["views_ms"][k] for r in selftests) for k in selftests[0]["views_ms"]
    }
    startup_result = {
        "startup_ms_median": statistics.median(startup),
        "startup_ms_runs": startup,
        "bare_window_ms_median": statistics.median(bare),
        "bare_window_ms_runs": bare,
        "ratio_to_bare_window": round(statistics.median(startup) / statistics.median(bare), 2),
        "views_ms_median": views,
        "rss_mb_max": max(r["rss_mb"] for r in selftests),
    }
    command_result = {
        "query": query,
        "hitori_search_ms_median": statistics.median(command),
        "hitori_search_ms_runs": command,
        "stdlib_script_ms_median": statistics.median(stdlib),
        "stdlib_script_ms_runs": stdlib,
        "ratio_to_stdlib_script": round(statistics.median(command) / statistics.median(stdlib), 2),
    }
    return startup_result, command_result


def bench_ledger(data_dir: DataDir, reloads: int) -> dict:
    """tests/bench/ledger_reload.py in a fresh process (its own start-up, as a user's)."""
    env = _process_env(data_dir)
    here = Path(__file__).resolve().parent
    args = [sys.executable, str(here / "ledger_reload.py"), "--data-dir", str(data_dir.root)]
    _ms, out = _run([*args, "--reloads", str(reloads)], env)
    return _last_json(out)


def bench_search(data_dir: DataDir, repeat: int) -> dict:
    """Our search (Python service layer) against the same SQL run directly in sqlite3."""
    from app.services.search import global_search
    from app.store.database import open_database
    from app.store.search_index import DOCS_SQL, MATCH_SQL
    from app.store.search_query import CANDIDATES
    from app.store.search_text import match_expression

    db = open_database(data_dir)
    ours: list[float] = []
    raw: list[float] = []
    per_query: dict[str, dict] = {}
    ranges = [(lo, hi) for _kind, lo, hi in kind_ranges(data_dir)]
    conn = sqlite3.connect(data_dir.db_path)

    def raw_search(expr: str) -> int:
        """The same statements global_search runs, straight through sqlite3."""
        n = 0
        for lo, hi in ranges:
            ids = [r[0] for r in conn.execute(MATCH_SQL, (expr, lo, hi, CANDIDATES))]
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
    from sqlalchemy.orm import configure_mappers

    from app.services.inventory.assets import AssetFilter, load_asset_rows
    from app.store.database import open_database
    from app.ui.assets.table_model import AssetTableModel

    app = QApplication.instance() or QApplication([])
    db = open_database(data_dir)
    # The ORM's one-time set-up is start-up's (the GUI does it before its first job), not
    # the load's: opening an up-to-date database no longer runs an ORM query that does it.
    configure_mappers()
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


# (what, where in the report, limit, unit); a missing figure (not measured) is not judged.
TARGETS = [
    ("start-up", ("startup", "startup_ms_median"), 1500, "ms"),
    ("start-up / bare PySide6 window", ("startup", "ratio_to_bare_window"), 4, "x"),
    ("peak RSS", ("startup", "rss_mb_max"), 350, "MB"),
    ("hitori search / stdlib sqlite3 script", ("search_command", "ratio_to_stdlib_script"), 8, "x"),
    ("search p95", ("search", "ours_ms_p95"), 50, "ms"),
    ("search p95 / raw SQLite", ("search", "ratio_p95"), 3, "x"),
    ("asset table sort (slowest column)", ("asset_table", "sort_ms_max"), 150, "ms"),
    ("asset table filter (slowest)", ("asset_table", "filter_ms_max"), 150, "ms"),
    ("longest stall while the ledger reloads", ("ledger_reload", "stall_ms_median"), 30, "ms"),
]


def judge(result: dict) -> list[str]:
    """One PASS or MISS line per target that was measured."""
    lines = []
    for name, (section, key), limit, unit in TARGETS:
        value = result.get(section, {}).get(key)
        if value is not None:
            verdict = "PASS" if value <= limit else "MISS"
            lines.append(f"{verdict}  {name}: {value} {unit} (target ≤ {limit} {unit})")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="large", choices=["small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/hitori-bench"))
    parser.add_argument("--repeat", type=int, default=20, help="in-process search repeats")
    parser.add_argument("--runs", type=int, default=5, help="rounds of whole processes")
    parser.add_argument("--reloads", type=int, default=5, help="ledger reloads")
    parser.add_argument("--query", default="総務", help="the query of the hitori search runs")
    parts = ["startup", "search", "table", "ledger"]
    parser.add_argument("--only", choices=parts, action="append")
    args = parser.parse_args()
    data_dir = DataDir(args.data_dir / args.size)
    only = set(args.only or parts)
    result: dict = {"size": args.size, "data": ensure_data(data_dir, args.size, args.seed)}
    if "startup" in only:
        result["startup"], result["search_command"] = bench_processes(
            data_dir, args.runs, args.query
        )
    if "search" in only:
        result["search"] = bench_search(data_dir, args.repeat)
    if "table" in only:
        result["asset_table"] = bench_table(data_dir)
    if "ledger" in only:
        result["ledger_reload"] = bench_ledger(data_dir, args.reloads)
    print(json.dumps(result, ensure_ascii=False, indent=1), flush=True)
    lines = judge(result)
    print("\n".join(lines), file=sys.stderr)
    return 1 if any(line.startswith("MISS") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
