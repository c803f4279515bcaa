"""Benchmark of the notices tracker's lists at the large demo's 5,000 notices, printed as
JSON.

    python tests/bench/bench_notices.py --dir DIR [--runs 5]

DIR holds (or gets, made once with ``hitori demo --size large``) the large demo data, as
tests/bench/bench_worklog.py makes it. Times, median of ``--runs``:

- each list the tracker reads (app.services.notices.tracker): every notice with its
  nearest deadline and its systems (what the 通知・法令 view loads), the inbox of 未確認,
  the open deadlines by date, the notices by issuer, the open notices with their notes
  (what the handover will print), and the issuers the editor offers;
- beside them, in the same run, the notices' columns read with the standard library's
  sqlite3 in the view's order (the reference: what reading the rows costs at all);
- in the real view (offscreen), the longest event-loop stall while it loads, switches
  through its views (未確認, 発出元別, システム別, すべて) and filters by a word: a 2 ms
  timer ticks on the main thread, the stall is the longest gap beyond it.

Targets (issue 10): each list ≤ 300 ms (what the first rows of a list may take), no UI
stall over 50 ms. After the JSON, PASS/MISS lines go to stderr; exit status 1 on a miss.
"""

from __future__ import annotations

import argparse
import gc
import json
import sqlite3
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_worklog import TODAY, ensure_data, report_checks, timed

from app.paths import DataDir

LIST_TARGET_MS = 300
STALL_TARGET_MS = 50


def bench_services(data_dir: DataDir, runs: int) -> dict[str, Any]:
    from app.services.notices import issuers, tracker
    from app.store.database import open_database

    db = open_database(data_dir)
    with db.sessions() as s:
        lists: dict[str, Callable[[], Any]] = {
            "all notices (the view)": lambda: tracker.all_notices(s, today=TODAY),
            "inbox (未確認)": lambda: tracker.inbox(s, today=TODAY),
            "open deadlines by date": lambda: tracker.by_deadline(s, TODAY),
            "by issuer": lambda: tracker.by_issuer(s, today=TODAY),
            "in progress with notes": lambda: tracker.notices_in_progress(s, today=TODAY),
            "issuers offered": lambda: issuers.offered_issuers(s),
        }
        result: dict[str, Any] = {
            "notices": len(tracker.all_notices(s, today=TODAY)),
            "lists_ms": {name: timed(fn, runs) for name, fn in lists.items()},
        }
    db.dispose()
    conn = sqlite3.connect(f"file:{data_dir.db_path}?mode=ro", uri=True)

    def raw_rows() -> None:
        conn.execute(
            "SELECT id, issuer, doc_number, title, kind, status, issued_on FROM notices"
            " ORDER BY status IN ('done', 'na'), issued_on IS NULL, issued_on DESC, id DESC"
        ).fetchall()

    result["raw_sqlite_rows_ms"] = timed(raw_rows, runs)
    conn.close()
    return result


def bench_view(data_dir: DataDir) -> dict[str, Any]:
    """The longest stall of the real view's event loop while it loads, switches and
    filters."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    from stall_meter import StallMeter, wait_until

    from app.store.database import open_database
    from app.ui.context import AppContext
    from app.ui.jobs import JobRunner
    from app.ui.notices.view import NoticesView

    app = QApplication.instance() or QApplication(sys.argv[:1])
    db = open_database(data_dir)
    ctx = AppContext(db=db, jobs=JobRunner(),
                     settings=QSettings(str(data_dir.settings_path), QSettings.Format.IniFormat),
                     fixed_today=TODAY)  # fmt: skip
    view = NoticesView(ctx)
    view.resize(1366, 700)
    view.show()
    gc.freeze()  # as the application does once its window is up (app.gc_pause)
    meter = StallMeter()
    meter.start()
    view.activate()
    wait_until(lambda: view.model.rowCount() > 0)
    shown: dict[str, int] = {}
    for code in ("unread", "issuer", "system", "all"):
        view.shown.setCurrentIndex(view.shown.findData(code))
        wait_until(lambda: False, 200)
        shown[code] = view.model.rowCount()
    view.filter_box.setText("標準化")
    wait_until(lambda: False, 500)
    shown["filtered 標準化"] = view.model.rowCount()
    view.filter_box.setText("")
    wait_until(lambda: False, 300)
    stall_ms, ticks = meter.stop()
    app.processEvents()
    ctx.jobs.shutdown()
    db.dispose()
    return {"ticks": ticks, "stall_ms_max": stall_ms, "rows": shown}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/hitori-bench"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data_dir = ensure_data(args.dir)
    result = bench_services(data_dir, args.runs)
    result["view"] = bench_view(data_dir)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    med = statistics.median
    checks = [
        *((f"list: {name}", med(v), LIST_TARGET_MS) for name, v in result["lists_ms"].items()),
        ("longest UI stall while the view loads, switches and filters",
         result["view"]["stall_ms_max"], STALL_TARGET_MS),
    ]  # fmt: skip
    missed = report_checks(checks, f"{result['notices']:,} notices")
    raw = med(result["raw_sqlite_rows_ms"])
    print(f"      raw sqlite3, the notices' columns in the view's order: {raw:.1f} ms",
          file=sys.stderr)  # fmt: skip
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
