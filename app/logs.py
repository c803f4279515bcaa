"""Logging: named loggers per subsystem, a rotating file in the data dir, and the
most recent lines kept in memory for the error dialog.

Logging never stops the program: when the log file cannot be written (a full disk,
an I/O error, a permission taken away) the failure is noted once in the recent lines
("cannot write the log file …") and the program carries on, logging in memory only —
no "--- Logging error ---" traceback on stderr. The file is reopened for the next line,
so logging to it resumes once there is room again.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from collections import deque
from contextlib import suppress
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class RecentLines(logging.Handler):
    """Keeps the last ``capacity`` formatted log lines."""

    def __init__(self, capacity: int = 300) -> None:
        super().__init__()
        self.lines: deque[str] = deque(maxlen=capacity)
        self.setFormatter(logging.Formatter(LOG_FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a broken record must not break the program
            self.handleError(record)


class LogFile(logging.handlers.RotatingFileHandler):
    """The rotating log file; a failure to write it is noted once in ``recent``."""

    def __init__(self, path: Path, recent: RecentLines) -> None:
        super().__init__(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        self.setFormatter(logging.Formatter(LOG_FORMAT))
        self.recent = recent
        self.failed = False

    def handleError(self, record: logging.LogRecord) -> None:
        """Instead of printing a traceback: note the first failure in the recent lines,
        and drop the open file with what it could not write (the next line reopens it,
        so the log resumes once there is room again)."""
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            super().handleError(record)  # a bad record: a bug, reported as logging does
            return
        stream, self.stream = self.stream, None
        if stream is not None:
            with suppress(OSError, ValueError):
                stream.close()
        if self.failed:
            return
        self.failed = True
        reason = error.strerror or type(error).__name__
        note = logging.makeLogRecord(
            {
                "name": "hitori.logs",
                "levelno": logging.WARNING,
                "levelname": "WARNING",
                "msg": "cannot write the log file %s (%s); logging in memory only",
                "args": (self.baseFilename, reason),
            }
        )
        self.recent.handle(note)

    def close(self) -> None:
        # Flushing the last lines may fail on a full disk; they are in memory.
        with suppress(OSError, ValueError):
            super().close()


def setup_logging(log_dir: Path | None, *, level: int = logging.INFO) -> RecentLines:
    """Configure the ``hitori`` logger tree; returns the in-memory handler."""
    root = logging.getLogger("hitori")
    root.setLevel(level)
    for handler in list(root.handlers):
        root.removeHandler(handler)
        with suppress(OSError, ValueError):  # a file that cannot be flushed any more
            handler.close()
    recent = RecentLines()
    root.addHandler(recent)
    if log_dir is not None:
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            file_handler = LogFile(log_file(log_dir), recent)
        except OSError:
            root.warning("cannot write the log file in %s", log_dir)
        else:
            root.addHandler(file_handler)
    root.propagate = False
    return recent


def log_file(log_dir: Path) -> Path:
    return log_dir / "hitori.log"
