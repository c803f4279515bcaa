"""Benchmark of 一括変更: 5,000 selected assets given another 部署, with history, printed
as one JSON document.

    python tests/bench/bench_bulk_edit.py [--runs 5] [--dir DIR]

On the medium demo (5,000 assets), times app.services.inventory.bulk_edit.bulk_update
over every asset — alternating between two departments so that each run changes all
of them — in one transaction, with its history rows and the change notice; beside it,
in the same run, the same UPDATE done with the standard library's sqlite3 alone
(``executemany``, no history) as the floor. Target (issue): ≤ 3 s with history. After
the JSON, a PASS or MISS line goes to stderr; the exit status is 1 on a miss.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

TARGET_S = 3.0
ASSETS = 5_000


def bench(root: Path, runs: int) -> dict[str, Any]:
    from sqlalchemy import func, select

    from app.gc_pause import gc_paused
    from app.paths import DataDir
    from app.services.demo import generate_demo
    from app.services.inventory.bulk_edit import bulk_update
    from app.store.database import open_database
    from app.store.models import Asset, ChangeLogEntry, Department

    data_dir = DataDir(root / "data")
    db = open_database(data_dir, actor="bench")
    generate_demo(db.sessions, size="medium")
    with db.sessions() as s:
        ids = list(s.scalars(select(Asset.id).order_by(Asset.id).limit(ASSETS)))
        departments = list(s.scalars(select(Department.id).order_by(Department.id).limit(2)))
        history_before = s.scalar(select(func.count(ChangeLogEntry.id)))
    with db.sessions.begin() as s:  # a start where every asset is in the first
        bulk_update(s, ids, "department_id", departments[0])
    times, changed = [], []
    for run in range(runs):
        target = departments[(run + 1) % 2]
        with gc_paused():
            started = time.perf_counter()
            with db.sessions.begin() as s:
                changed.append(bulk_update(s, ids, "department_id", target))
            times.append(time.perf_counter() - started)
    with db.sessions() as s:
        history_rows = s.scalar(select(func.count(ChangeLogEntry.id))) - history_before
    db.dispose()
    raw = []
    conn = sqlite3.connect(data_dir.db_path)
    for run in range(runs):
        target = departments[run % 2]
        started = time.perf_counter()
        with conn:
            conn.executemany(
                "UPDATE assets SET department_id = ? WHERE id = ?", [(target, i) for i in ids]
            )
        raw.append(time.perf_counter() - started)
    conn.close()
    median = statistics.median(times)
    return {
        "assets": len(ids),
        "runs": runs,
        "bulk_update_s": round(median, 3),
        "bulk_update_s_all": [round(t, 3) for t in times],
        "changed_per_run": changed,
        "history_rows_written": history_rows,
        "raw_sqlite_update_s": round(statistics.median(raw), 3),
        "raw_sqlite_update_s_all": [round(t, 3) for t in raw],
        "ratio_to_raw": round(median / max(statistics.median(raw), 1e-6), 1),
        "target_s": TARGET_S,
        "ok": median <= TARGET_S and all(c == len(ids) for c in changed),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    if args.dir:
        report = bench(args.dir, args.runs)
    else:
        with tempfile.TemporaryDirectory(prefix="hitori-bench-bulk-") as tmp:
            report = bench(Path(tmp), args.runs)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    verdict = "PASS" if report["ok"] else "MISS"
    print(
        f"{verdict}  一括変更 of {report['assets']:,} assets with history: "
        f"{report['bulk_update_s']} s (target ≤ {TARGET_S} s, median of {report['runs']}; "
        f"raw sqlite3 UPDATE without history {report['raw_sqlite_update_s']} s)",
        file=sys.stderr,
    )
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
