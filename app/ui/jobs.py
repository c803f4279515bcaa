"""Background jobs: run a function in a thread pool, hand its result or error back
to the main thread, report progress, and allow cancellation.

Writes go through a pool of one thread so they are serialized; reads may run in
parallel. Widgets are only touched in the callbacks, which run on the main thread.

    job = ctx.jobs.run(load_rows, on_result=self._show, on_error=self._fail)
    job.cancel()
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from app.errors import UserError
from app.gc_pause import gc_paused
from app.progress import Cancelled, Progress
from app.store.errors import classify

log = logging.getLogger("hitori.ui.jobs")


class _Signals(QObject):
    result = Signal(object)
    error = Signal(object)
    progress = Signal(int, int, str)
    finished = Signal()


# A worker thread running Python holds the GIL; the UI thread needs it for every call
# into Python (a slot, a timer, each virtual method of a Python widget while painting)
# and waits up to the switch interval for each: at CPython's 5 ms, a repaint of the
# wizard stalled the window for 100 ms and more during an import. 0.5 ms keeps that
# under 40 ms at no measurable cost to the job. Set while jobs run, counted.
JOB_SWITCH_INTERVAL_S = 0.0005
_switch_lock = threading.Lock()
_switch_users = 0
_switch_before = 0.005


@contextmanager
def _ui_gets_the_gil_back_quickly() -> Iterator[None]:
    global _switch_users, _switch_before
    with _switch_lock:
        if _switch_users == 0:
            _switch_before = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_before, JOB_SWITCH_INTERVAL_S))
        _switch_users += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_before)


class Job(QRunnable):
    """One call of ``fn(progress, *args, **kwargs)`` in the background."""

    def __init__(
        self,
        name: str,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        quiet_gc: bool = False,
    ):
        super().__init__()
        self.setAutoDelete(False)
        self.name = name
        self.signals = _Signals()
        self.progress = Progress(self.signals.progress.emit)
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self.done = False
        self.cancelled = False
        self.quiet_gc = quiet_gc

    def cancel(self) -> None:
        self.cancelled = True
        self.progress.cancel()

    def run(self) -> None:
        try:
            with (
                _ui_gets_the_gil_back_quickly(),
                gc_paused() if self.quiet_gc else contextlib.nullcontext(),
            ):
                result = self._fn(self.progress, *self._args, **self._kwargs)
        except Cancelled as exc:
            self.cancelled = True
            self.signals.error.emit(exc)
        except UserError as exc:  # expected: bad input or a refused operation
            log.info("job %s: %s", self.name, exc)
            self.signals.error.emit(exc)
        except BaseException as exc:  # handed to the main thread, never lost
            exc.__hitori_traceback__ = traceback.format_exc()  # type: ignore[attr-defined]
            level = logging.WARNING if classify(exc) else logging.ERROR
            log.log(level, "job %s failed:\n%s", self.name, exc.__hitori_traceback__)  # type: ignore[attr-defined]
            self.signals.error.emit(exc)
        else:
            self.signals.result.emit(result)
        finally:
            self.done = True
            self.signals.finished.emit()


class _Relay(QObject):
    """Lives on the main thread; its slots receive the job's queued signals and call
    the plain Python callbacks there (a lambda connected directly to a signal
    emitted in a worker thread would run in that worker thread)."""

    def __init__(
        self,
        job: Job,
        on_result: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], object] | None,
        on_progress: Callable[[int, int, str], None] | None,
        on_finished: Callable[[Job], None],
    ) -> None:
        super().__init__()
        self._job = job
        self._on_result = on_result
        self._on_error = on_error
        self._on_progress = on_progress
        self._on_finished = on_finished
        job.signals.result.connect(self._result)
        job.signals.error.connect(self._error)
        job.signals.progress.connect(self._progress)
        job.signals.finished.connect(self._finished)

    @Slot(object)
    def _result(self, value: Any) -> None:
        if self._on_result is not None:
            self._on_result(value)

    @Slot(object)
    def _error(self, exc: BaseException) -> None:
        if self._on_error is not None:
            self._on_error(exc)
        elif not isinstance(exc, Cancelled):
            log.error("unhandled error in job %s: %r", self._job.name, exc)

    @Slot(int, int, str)
    def _progress(self, done: int, total: int, message: str) -> None:
        if self._on_progress is not None:
            self._on_progress(done, total, message)

    @Slot()
    def _finished(self) -> None:
        self._on_finished(self._job)


class JobRunner(QObject):
    """Owns the thread pools. One per application, created at start-up on the main thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._readers = QThreadPool(self)
        self._readers.setMaxThreadCount(2)
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._live: dict[Job, _Relay] = {}
        # Finished jobs are kept a little longer: the pool thread may still be
        # returning from Job.run() when the queued 'finished' arrives here.
        self._recent: deque[tuple[Job, _Relay]] = deque(maxlen=64)

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], object] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        writer: bool = False,
        name: str | None = None,
        quiet_gc: bool = False,
        **kwargs: Any,
    ) -> Job:
        """Start ``fn(progress, *args, **kwargs)``; callbacks run on the main thread.

        ``writer=True`` queues the job behind other writes (one at a time);
        ``quiet_gc=True`` holds off the garbage collector while it runs (big jobs).
        """
        label = name or str(getattr(fn, "__name__", "job"))
        job = Job(label, fn, args, kwargs, quiet_gc=quiet_gc)
        self._live[job] = _Relay(job, on_result, on_error, on_progress, self._forget)
        (self._writer if writer else self._readers).start(job)
        return job

    def _forget(self, job: Job) -> None:
        relay = self._live.pop(job, None)
        if relay is not None:
            self._recent.append((job, relay))

    def active(self) -> int:
        return len(self._live)

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Cancel what can be cancelled and wait for running jobs (on exit)."""
        for job in list(self._live):
            job.cancel()
        self._readers.waitForDone(timeout_ms)
        self._writer.waitForDone(timeout_ms)
