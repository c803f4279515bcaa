"""The longest event-loop stall while the asset ledger reloads, in the real window.

    python tests/bench/ledger_reload.py --data-dir DIR [--reloads N]

Starts the GUI as ``hitori --self-test`` does — the same start-up, so the window, its
views and the garbage collector are as a user's are — lets the self-test visit every
view, then shows the asset ledger and reloads it N times (as F5 does). While each reload
runs, a precise timer on the main thread ticks every TICK_MS; the stall is the longest
gap between two ticks beyond TICK_MS: how long the window could not react.

A reload keeps the rows that did not change (only new row objects are made and old
ones freed). So that the worst case is measured too, N more reloads then take every
row as changed (as after an import that rewrote them all): ``every_row_changed``.
Prints the self-test's JSON line, then one JSON line of its own (the last line):

    {"reloads": N, "stall_ms": [...], "reload_ms": [...], "stall_ms_median": …,
     "stall_ms_max": …, "reload_ms_median": …, "rows": …,
     "every_row_changed": {"stall_ms": [...], "reload_ms": [...], "stall_ms_median": …,
                           "stall_ms_max": …, "reload_ms_median": …}}

tests/bench/run.py runs it and judges the median stall (target ≤ 30 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TICK_MS = 2
SETTLE_MS = 300  # idle time before each reload


def _figures(stalls: list[float], times: list[float]) -> dict[str, Any]:
    return {
        "stall_ms": stalls,
        "reload_ms": times,
        "stall_ms_median": statistics.median(stalls or [0.0]),
        "stall_ms_max": max(stalls or [0.0]),
        "reload_ms_median": statistics.median(times or [0.0]),
    }


def install(reloads: int) -> None:
    """Make the self-test end with ``reloads`` timed reloads of the asset ledger, then
    ``reloads`` more that take every row as changed."""
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer

    from app.ui import self_test
    from app.ui.assets.table_model import AssetTableModel

    class ReloadingSelfTest(self_test.SelfTest):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            self._left = 2 * reloads
            self._stalls: list[float] = []
            self._times: list[float] = []
            self._clock = QElapsedTimer()
            self._since_tick = QElapsedTimer()
            self._worst = 0.0
            self._ticker = QTimer(self)
            self._ticker.setTimerType(Qt.TimerType.PreciseTimer)
            self._ticker.setInterval(TICK_MS)
            self._ticker.timeout.connect(self._tick)

        def _finish(self) -> None:
            if self.exit_code or self._left <= 0:
                super()._finish()
                ledger = self.window.assets
                result = {
                    "reloads": len(self._stalls[:reloads]),
                    "rows": ledger.model.total_count(),
                    **_figures(self._stalls[:reloads], self._times[:reloads]),
                    "every_row_changed": _figures(self._stalls[reloads:], self._times[reloads:]),
                }
                print(json.dumps(result), flush=True)
                return
            if self._left == 2 * reloads:
                self.window.show_view("assets")
                self.window.assets.ready.connect(self._reloaded)
            if self._left == reloads:  # from now on no row is kept from before
                AssetTableModel.current_rows = lambda _model: ([], None)  # type: ignore[method-assign]
            QTimer.singleShot(SETTLE_MS, self._reload)

        def _reload(self) -> None:
            self._worst = 0.0
            self._clock.start()
            self._since_tick.start()
            self._ticker.start()
            self.window.assets.reload()

        def _tick(self) -> None:
            self._worst = max(self._worst, self._since_tick.restart() - TICK_MS)

        def _reloaded(self) -> None:
            self._tick()  # the gap up to the end of the reload counts too
            self._ticker.stop()
            self._stalls.append(float(self._worst))
            self._times.append(float(self._clock.elapsed()))
            self._left -= 1
            self._finish()

    self_test.SelfTest = ReloadingSelfTest  # type: ignore[misc]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--reloads", type=int, default=5)
    args = parser.parse_args()
    install(args.reloads)
    from app.cli import main as hitori

    return hitori(["--self-test", "--data-dir", str(args.data_dir)])


if __name__ == "__main__":
    sys.exit(main())
