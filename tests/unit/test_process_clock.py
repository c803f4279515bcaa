"""The process age used to time start-up is precise (not off by the boot-time rounding)."""

from __future__ import annotations

import subprocess
import sys
import time

from app.process_clock import process_age_seconds, process_start_time


def test_a_child_process_start_lies_between_spawn_and_return() -> None:
    code = "from app.process_clock import process_start_time as s; print(repr(s()))"
    before = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    after = time.time()
    started = float(out.stdout)
    # /proc/uptime has 10 ms resolution; psutil's create_time could be off by ~1 s.
    assert before - 0.05 <= started <= after


def test_age_grows_with_the_clock() -> None:
    first = process_age_seconds()
    deadline = time.monotonic() + 0.05
    while time.monotonic() < deadline:
        pass
    assert process_age_seconds() >= first + 0.04
    assert abs(process_start_time() - (time.time() - process_age_seconds())) < 0.05
