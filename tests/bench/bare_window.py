"""The reference for Hitori's start-up: a bare PySide6 window, as a whole process.

    python tests/bench/bare_window.py

Creates a QApplication and a QMainWindow, shows it, and prints one JSON line,
``{"startup_ms": …}``: the time from this process's creation to the event loop's
first turn with the window shown. It is measured as ``hitori --self-test`` measures
its start-up (app.ui.self_test): the same clock (the process's creation time read
from /proc, app.process_clock), the same end point (a callback run by the event loop
after the window was shown). Nothing of Hitori is imported: this is what any PySide6
program pays before it can show anything.
"""

from __future__ import annotations

import json
import os
import sys
import time


def process_start_time() -> float:
    """As app.process_clock.process_start_time, with the standard library only."""
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime", encoding="ascii") as fh:
            uptime = float(fh.read().split()[0])
        return time.time() - max(0.0, uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):  # not Linux: psutil is exact there
        import psutil

        return psutil.Process().create_time()


def main() -> int:
    start = process_start_time()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.resize(1400, 860)
    result: dict[str, float] = {}

    def shown() -> None:
        result["startup_ms"] = round((time.time() - start) * 1000, 1)
        app.quit()

    window.show()
    QTimer.singleShot(0, shown)
    app.exec()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
