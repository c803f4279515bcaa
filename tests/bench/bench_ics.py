"""Benchmark of the calendar export: every deadline of the large demo in one .ics file,
printed as one JSON document.

    python tests/bench/bench_ics.py [--runs 5] [--dir DIR]

On the large demo (50,000 assets; made in DIR with ``python -m app demo --size large``
unless DIR already holds a database — reuse one, making it takes a while), times, run
after run in one process and with the collector paused as ``hitori calendar`` pauses it:

- ``deadlines()`` over all the data (every date there is);
- ``calendar_bytes()`` of those deadlines (the iCalendar text alone);
- ``export_calendar()``: both, and the file written through app.output_file — what
  ``hitori calendar`` does once started;

and, as the reference in the same run, the very SELECTs ``deadlines()`` sends (caught as
SQLAlchemy hands them to the driver) run with the standard library's sqlite3 alone.
Target: the ICS of every deadline (``export_calendar``) ≤ 1 s, median of the runs. After
the JSON, a PASS or MISS line goes to stderr; the exit status is 1 on a miss.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

TARGET_S = 1.0


def ensure_demo(root: Path) -> None:
    """The large demo in ``root``, unless a database is there already."""
    if (root / "hitori.sqlite3").exists():
        return
    print(f"making the large demo in {root} …", file=sys.stderr)
    subprocess.run(
        [sys.executable, "-m", "app", "demo", "--size", "large", "--data-dir", str(root)],
        cwd=REPO, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def fetch_all(conn: sqlite3.Connection, selects: list[tuple[str, tuple[Any, ...]]]) -> int:
    """Run ``selects`` with sqlite3 alone and fetch every row; how many rows."""
    return sum(len(conn.execute(sql, parameters).fetchall()) for sql, parameters in selects)


def bench(root: Path, runs: int) -> dict[str, Any]:
    from sqlalchemy import event, func, select

    from app.gc_pause import gc_paused
    from app.paths import DataDir
    from app.services.schedule.deadlines import deadlines
    from app.services.schedule.ics import calendar_bytes, export_calendar
    from app.store.database import open_database
    from app.store.models import Asset

    ensure_demo(root)
    data_dir = DataDir(root)
    db = open_database(data_dir, read_only=True)
    selects: list[tuple[str, tuple[Any, ...]]] = []

    def catch(conn: Any, cursor: Any, statement: str, parameters: Any, *rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append((statement, tuple(parameters)))

    stamp = datetime.now(UTC)
    times: dict[str, list[float]] = {"deadlines": [], "ics": [], "export": [], "raw": []}
    with tempfile.TemporaryDirectory(prefix="hitori-bench-ics-") as tmp:
        out = Path(tmp) / "期限.ics"
        with db.sessions() as s:
            assets = s.scalar(select(func.count()).select_from(Asset))
            event.listen(db.engine, "before_cursor_execute", catch)
            items = deadlines(s, date.min, date.max)  # uncounted: warms the caches
            event.remove(db.engine, "before_cursor_execute", catch)
            raw = sqlite3.connect(f"file:{data_dir.db_path}?mode=ro", uri=True)
            for _ in range(runs):
                with gc_paused():
                    took, items = timed(deadlines, s, date.min, date.max)
                    times["deadlines"].append(took)
                    took, data = timed(calendar_bytes, items, stamp=stamp)
                    times["ics"].append(took)
                    took, written = timed(export_calendar, s, out, date.min, date.max, stamp=stamp)
                    times["export"].append(took)
                took, fetched = timed(fetch_all, raw, selects)
                times["raw"].append(took)
            raw.close()
            size = out.stat().st_size
    db.dispose()
    median = {name: statistics.median(values) for name, values in times.items()}
    return {
        "assets": assets,
        "deadlines": len(items),
        "events_written": written,
        "ics_bytes": len(data),
        "file_bytes": size,
        "runs": runs,
        "selects": len(selects),
        "rows_fetched_raw": fetched,
        **{f"{name}_s": round(value, 3) for name, value in median.items()},
        **{f"{name}_s_all": [round(t, 3) for t in values] for name, values in times.items()},
        "export_ratio_to_raw_selects": round(median["export"] / max(median["raw"], 1e-6), 1),
        "target_s": TARGET_S,
        "ok": median["export"] <= TARGET_S and written == len(items) > 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, help="the large demo's data folder (made if empty)")
    args = parser.parse_args()
    if args.dir:
        report = bench(args.dir, args.runs)
    else:
        with tempfile.TemporaryDirectory(prefix="hitori-bench-ics-data-") as tmp:
            report = bench(Path(tmp) / "data", args.runs)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    verdict = "PASS" if report["ok"] else "MISS"
    print(
        f"{verdict}  ICS of every deadline ({report['deadlines']:,}; demo of "
        f"{report['assets']:,} assets): {report['export_s']} s (target ≤ {TARGET_S} s, median of "
        f"{report['runs']}; deadlines() {report['deadlines_s']} s, iCalendar text "
        f"{report['ics_s']} s; the same SELECTs in sqlite3 alone {report['raw_s']} s)",
        file=sys.stderr,
    )
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
