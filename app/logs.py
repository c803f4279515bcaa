"""Logging: named loggers per subsystem, a rotating file in the data dir, and the
most recent lines kept in memory for the error dialog."""

from __future__ import annotations

import logging
import logging.handlers
from collections import deque
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


def setup_logging(log_dir: Path | None, *, level: int = logging.INFO) -> RecentLines:
    """Configure the ``hitori`` logger tree; returns the in-memory handler."""
    root = logging.getLogger("hitori")
    root.setLevel(level)
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    recent = RecentLines()
    root.addHandler(recent)
    if log_dir is not None:
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            file_handler = logging.handlers.RotatingFileHandler(
                log_dir / "hitori.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
            )
        except OSError:
            root.warning("cannot write the log file in %s", log_dir)
        else:
            file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
            root.addHandler(file_handler)
    root.propagate = False
    return recent


def log_file(log_dir: Path) -> Path:
    return log_dir / "hitori.log"
