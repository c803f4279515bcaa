"""The longest stall of the event loop while a view works: a 2 ms timer ticks on the main
thread; a stall is the gap between two ticks beyond those 2 ms. Used by the benchmarks
that drive a real view offscreen (bench_worklog, bench_notices)."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

TICK_MS = 2


class StallMeter:
    """``start()``, drive the view (``wait_until``), then ``stop()`` → the longest stall
    in ms and the number of ticks."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._clock = QElapsedTimer()
        self._ticker = QTimer()
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self._tick)

    def _tick(self) -> None:
        if self._clock.isValid():
            self.gaps.append(self._clock.nsecsElapsed() / 1e6)
        self._clock.restart()

    def start(self) -> None:
        self._ticker.start()
        self._clock.start()

    def stop(self) -> tuple[float, int]:
        self._ticker.stop()
        stalls = [max(0.0, gap - TICK_MS) for gap in self.gaps]
        return round(max(stalls or [0.0]), 1), len(self.gaps)


def wait_until(done: Callable[[], bool], timeout_ms: int = 30_000) -> None:
    """Turn the event loop until ``done()`` (or for ``timeout_ms`` when it never is)."""
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout_ms / 1000
    while not done() and time.perf_counter() < deadline:
        QTimer.singleShot(5, loop.quit)
        loop.exec()
