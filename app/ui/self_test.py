"""``hitori --self-test``: visit every view, time it, print one JSON line, exit.

Start-up is timed from the process's creation (app.process_clock) to the first view
being ready: the same clock and end point as the bare-window reference of the benchmark
(tests/bench/bare_window.py). What only the measuring needs (app.process_clock and
psutil) is imported after that end point, so that it is not counted.
"""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

VIEW_TIMEOUT_MS = 120_000


def peak_rss_mb() -> float:
    import psutil

    proc = psutil.Process()
    info = proc.memory_info()
    peak = getattr(info, "peak_wset", None)  # Windows
    if peak is None:
        try:
            import resource

            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
        except ImportError:  # pragma: no cover
            peak = info.rss
    return round(max(peak, info.rss) / 2**20, 1)


class SelfTest(QObject):
    """Drives the window through its views once the first one is ready."""

    def __init__(self, app: QApplication, window: MainWindow) -> None:
        super().__init__(window)
        self.app = app
        self.window = window
        self.results: dict[str, float] = {}
        self.startup_ms: float | None = None
        self._queue = window.view_keys  # asking builds nothing
        self._current: str | None = None
        self._started = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._timed_out)
        self.exit_code = 0
        window.view_ready.connect(self._ready)
        self._current = self._queue.pop(0)
        self._timer.start(VIEW_TIMEOUT_MS)

    def _now_ms(self) -> float:
        return time.perf_counter() * 1000

    def _ready(self, key: str) -> None:
        if key != self._current:
            return
        self._timer.stop()
        if self.startup_ms is None:
            now = time.time()
            from app.process_clock import process_start_time

            self.startup_ms = round((now - process_start_time()) * 1000, 1)
            self.results[key] = self.startup_ms
        else:
            self.results[key] = round(self._now_ms() - self._started, 1)
        QTimer.singleShot(0, self._next)

    def _next(self) -> None:
        if not self._queue:
            self._finish()
            return
        self._current = self._queue.pop(0)
        self._started = self._now_ms()
        self._timer.start(VIEW_TIMEOUT_MS)
        self.window.show_view(self._current)

    def _timed_out(self) -> None:
        print(f"hitori: self-test: view {self._current} did not become ready", file=sys.stderr)
        self.exit_code = 1
        self._finish()

    def _finish(self) -> None:
        payload = {
            "startup_ms": self.startup_ms,
            "views_ms": self.results,
            "rss_mb": peak_rss_mb(),
        }
        print(json.dumps(payload, ensure_ascii=False), flush=True)
        self.app.exit(self.exit_code)
