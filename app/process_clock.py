"""When this process started, precisely enough to time start-up.

psutil's create_time on Linux adds the boot time from /proc/stat, which is
rounded to whole seconds, so "now - create_time" can be off by up to a second.
On Linux the age is read from /proc/self/stat and /proc/uptime instead (both
counted from boot); elsewhere psutil's value is exact.
"""

from __future__ import annotations

import os
import time

import psutil


def process_age_seconds() -> float:
    """Seconds since this process was created."""
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            # Field 22 (starttime, in clock ticks since boot) comes after the
            # parenthesised command name, which may itself contain spaces.
            fields = fh.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime", encoding="ascii") as fh:
            uptime = float(fh.read().split()[0])
        ticks = os.sysconf("SC_CLK_TCK")
        return max(0.0, uptime - int(fields[19]) / ticks)
    except (OSError, ValueError, IndexError):
        return max(0.0, time.time() - psutil.Process().create_time())


def process_start_time() -> float:
    """The process's creation as a time.time() timestamp."""
    return time.time() - process_age_seconds()
