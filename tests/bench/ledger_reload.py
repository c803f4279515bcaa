"""The longest event-loop stall while the asset ledger reloads, in the real window.

    python tests/bench/ledger_reload.py --data-dir DIR [--reloads N]

Starts the GUI as ``hitori --self-test`` does — the same start-up, so the window, its
views and the garbage collector are as a user's are — lets the self-test visit every
view, then shows the asset ledger and reloads it N times (as F5 does). While each reload
runs, a precise timer on the main thread ticks every TICK_MS; the stall is the longest
gap between two ticks beyond TICK_MS: how long the window could not react. Prints the
self-test's JSON line, then one JSON line of its own (the last line):

    {"reloads": N, "stall_ms": [...], "reload_ms": [...], "stall_ms_median": …,
     "stall_ms_max": …, "rows": …}

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


def install(reloads: int) -> None:
    """Make the self-test end with ``reloads`` timed reloads of the asset ledger."""
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer

    from app.ui import self_test

    class ReloadingSelfTest(self_test.SelfTest):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            self._left = reloads
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
                print(json.dumps({
                    "reloads": len(self._stalls),
                    "rows": ledger.model.total_count(),
                    "stall_ms": self._stalls,
                    "reload_ms": self._times,
                    "stall_ms_median": statistics.median(self._stalls or [0.0]),
                    "stall_ms_max": max(self._stalls or [0.0]),
                }), flush=True)  # fmt: skip
                return
            if self._left == reloads:
                self.window.show_view("assets")
                self.window.assets.ready.connect(self._reloaded)
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
