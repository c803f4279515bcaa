"""Python's cyclic garbage collector runs on the main thread only, while the GUI runs.

The collector runs in whichever thread happens to allocate when a threshold is crossed.
In a worker thread it may free a Python-owned Qt object (a widget a job's callback
closed over), and deleting a QWidget outside the main thread deadlocks with the main
thread's own Qt calls — seen once in the test suite, and reproducible within seconds by
a stress script. So, for as long as the job runner lives, automatic collection is off
and a timer on the main thread collects the generations whose thresholds were crossed,
as the interpreter would have. Reference counting, which frees almost everything, is
untouched; gc_pause's pauses (start-up, big jobs) still hold the timer's work off.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from app import gc_pause

INTERVAL_MS = 500


class MainThreadCollector(QObject):
    """Collects on the main thread, every INTERVAL_MS, what the thresholds call for."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._was_enabled = gc_pause.take_over_collection()
        self.collections = 0
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start(INTERVAL_MS)

    def collect_due(self) -> int:
        """Collect the oldest generation whose threshold is crossed (as CPython would);
        nothing while a pause is held. Returns the generation collected, or -1."""
        if gc_pause.paused():
            return -1
        counts, thresholds = gc.get_count(), gc.get_threshold()
        due = -1
        for generation in range(3):
            if thresholds[generation] and counts[generation] > thresholds[generation]:
                due = generation
        if due >= 0:
            gc.collect(due)
            self.collections += 1
        return due

    def stop(self) -> None:
        """Automatic collection as it was (the runner is shutting down)."""
        if self._stopped:
            return
        self._stopped = True
        self._timer.stop()
        gc_pause.give_back_collection(self._was_enabled)
