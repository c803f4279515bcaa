"""Progress reporting and cancellation for long work, independent of any UI toolkit."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable


class Cancelled(Exception):
    """The user cancelled the work; everything it did has been rolled back."""


class Progress:
    """Handed to long-running service functions.

    ``report(done, total, message)`` tells how far the work is; ``check()``
    raises Cancelled once ``cancel()`` has been called (from any thread).
    """

    def __init__(self, sink: Callable[[int, int, str], None] | None = None) -> None:
        self._sink = sink
        self._cancel = threading.Event()

    def report(self, done: int, total: int, message: str = "") -> None:
        if self._sink is not None:
            self._sink(done, total, message)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled("キャンセルされました")


def terminal_progress() -> Progress | None:
    """A Progress that redraws one line on stderr for a command run in a terminal
    (None when stderr is not a terminal: nothing to redraw in a log)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int, message: str) -> None:
        print(f"\r{message} {done:,}/{total:,}\033[K", end="", file=sys.stderr, flush=True)

    return Progress(show)
