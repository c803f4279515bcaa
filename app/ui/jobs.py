"""Background jobs: run a function in a thread pool, hand its result or error back
to the main thread, report progress, and allow cancellation — the one job API.

    ctx.jobs.read(load_rows, today, owner=self, key="rows", on_result=self._show)
    ctx.jobs.write(access.update, record_id, data, owner=self, on_result=self._saved)
    ctx.jobs.watch(self, {"asset", "department"}, self._data_changed)

- ``read(op, *args)`` runs ``op(session, *args)`` in a read session; ``write`` in one write
  transaction (``Session.begin()``, BEGIN IMMEDIATE) on the single writer thread, so
  writes are serialized. UI code opens no sessions of its own.
- A job belongs to its ``owner`` widget (by default the object of a bound-method
  callback): when the owner is destroyed the job is cancelled and its callbacks are
  never called. A newer job with the same ``key`` for the same owner supersedes an
  older one ("latest only"). So widgets need no validity guards or generation counters.
- A write job reports what it committed (app.store.changes); after its callbacks, the
  runner announces it, and every ``watch`` whose kinds it touched is called — views
  reload themselves instead of being told to by hand-made signal connections.
- ``progress=ProgressShown(parent, text)`` shows a progress dialog with a cancel
  button, only if the job takes longer than 600 ms (quick work never flashes a dialog).
  Widgets are only touched in the callbacks, which run on the main thread.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.errors import UserError
from app.gc_pause import gc_paused
from app.progress import Cancelled, Progress
from app.store import changes
from app.store.changes import Changes
from app.store.errors import classify
from app.ui.main_thread_gc import MainThreadCollector

log = logging.getLogger("hitori.ui.jobs")


PROGRESS_DELAY_MS = 600


@dataclass(frozen=True)
class ProgressShown:
    """Show the job's progress in a dialog over ``parent`` after PROGRESS_DELAY_MS."""

    parent: QWidget
    text: str
    cancellable: bool = True


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
        record_changes: bool = False,
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
        self.record_changes = record_changes
        self.changes: Changes | None = None  # what a write job committed

    def cancel(self) -> None:
        self.cancelled = True
        self.progress.cancel()

    def run(self) -> None:
        try:
            with (
                _ui_gets_the_gil_back_quickly(),
                gc_paused() if self.quiet_gc else contextlib.nullcontext(),
                changes.recording() if self.record_changes else contextlib.nullcontext() as done,
            ):
                try:
                    result = self._fn(self.progress, *self._args, **self._kwargs)
                finally:
                    self.changes = done  # committed even when a later step failed
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


Callback = Callable[..., object]


class _Relay(QObject):
    """Lives on the main thread; its slots receive the job's queued signals and call
    the plain Python callbacks there (a lambda connected directly to a signal
    emitted in a worker thread would run in that worker thread). Calls nothing once
    dropped: its owner was destroyed, or a newer job superseded it."""

    def __init__(
        self,
        job: Job,
        owner: QObject | None,
        on_result: Callback | None,
        on_error: Callback | None,
        on_progress: Callback | None,
        on_finished: Callable[[Job], None],
    ) -> None:
        super().__init__()
        self._job = job
        self._owner = owner
        self._on_result = on_result
        self._on_error = on_error
        self._on_progress = on_progress
        self._on_finished = on_finished
        self.dropped = False
        job.signals.result.connect(self._result)
        job.signals.error.connect(self._error)
        job.signals.progress.connect(self._progress)
        job.signals.finished.connect(self._finished)
        if owner is not None:
            owner.destroyed.connect(self.drop)

    @Slot()
    def drop(self) -> None:
        """Forget the callbacks and ask the job to stop."""
        self.dropped = True
        self._on_result = self._on_error = self._on_progress = None
        self._owner = None
        self._job.cancel()

    def _alive(self) -> bool:
        if self.dropped:
            return False
        if self._owner is not None and not shiboken6.isValid(self._owner):
            self.drop()  # destroyed before its signal reached us
            return False
        return True

    @Slot(object)
    def _result(self, value: Any) -> None:
        if self._alive() and self._on_result is not None:
            self._on_result(value)

    @Slot(object)
    def _error(self, exc: BaseException) -> None:
        if not self._alive():
            return
        if self._on_error is not None:
            self._on_error(exc)
        elif not isinstance(exc, Cancelled):
            log.error("unhandled error in job %s: %r", self._job.name, exc)

    @Slot(int, int, str)
    def _progress(self, done: int, total: int, message: str) -> None:
        if self._alive() and self._on_progress is not None:
            self._on_progress(done, total, message)

    @Slot()
    def _finished(self) -> None:
        self._on_finished(self._job)


class _ProgressUi(QObject):
    """A progress dialog for one job, shown only once it has run PROGRESS_DELAY_MS."""

    def __init__(self, job: Job, spec: ProgressShown) -> None:
        super().__init__(spec.parent)
        self._job = job
        cancel = spec.parent.tr("キャンセル") if spec.cancellable else ""
        self.dialog = QProgressDialog(spec.text, cancel, 0, 0, spec.parent)
        self.dialog.setWindowTitle(spec.text)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(2**31 - 1)  # shown by our timer, not by Qt's
        self.dialog.setAutoReset(False)
        self.dialog.setAutoClose(False)
        self.dialog.canceled.connect(job.cancel)
        self.dialog.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show)
        self._timer.start(PROGRESS_DELAY_MS)
        job.signals.progress.connect(self.report)
        job.signals.finished.connect(self.close)

    def _show(self) -> None:
        if not self._job.done:
            self.dialog.show()

    @Slot(int, int, str)
    def report(self, done: int, total: int, message: str) -> None:
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total > 0 else 0)
        if message:
            self.dialog.setLabelText(message)

    @Slot()
    def close(self) -> None:
        self._timer.stop()
        self.dialog.close()
        self.dialog.deleteLater()
        self.deleteLater()


def _owner_of(callback: Callback | None) -> QObject | None:
    owner = getattr(callback, "__self__", None)
    return owner if isinstance(owner, QObject) else None


def _in_read_session(
    progress: Progress, sessions: Any, reports: bool, op: Callback, *args: Any
) -> Any:
    with sessions() as session:
        return op(session, progress, *args) if reports else op(session, *args)


def _in_write_transaction(
    progress: Progress, sessions: Any, reports: bool, op: Callback, *args: Any
) -> Any:
    with sessions.begin() as session:
        return op(session, progress, *args) if reports else op(session, *args)


class JobRunner(QObject):
    """Owns the thread pools. One per application, created at start-up on the main thread."""

    # What a write job committed (Changes), after its own callbacks ran.
    data_changed = Signal(object)

    def __init__(self, parent: QObject | None = None, *, sessions: Any = None) -> None:
        super().__init__(parent)
        self.sessions = sessions
        self._readers = QThreadPool(self)
        self._readers.setMaxThreadCount(2)
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._live: dict[Job, _Relay] = {}
        self._latest: dict[tuple[int, str], Job] = {}
        self._watchers: list[tuple[QObject, frozenset[str] | None, Callback]] = []
        # Finished jobs are kept a little longer: the pool thread may still be
        # returning from Job.run() when the queued 'finished' arrives here.
        self._recent: deque[tuple[Job, _Relay]] = deque(maxlen=64)
        # The cyclic collector runs on this (the main) thread only while jobs may run:
        # see main_thread_gc for the deadlock it avoids.
        self.collector = MainThreadCollector(self)

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        owner: QObject | None = None,
        key: str | None = None,
        on_result: Callback | None = None,
        on_error: Callback | None = None,
        on_progress: Callback | None = None,
        writer: bool = False,
        name: str | None = None,
        quiet_gc: bool = False,
        progress: ProgressShown | None = None,
        **kwargs: Any,
    ) -> Job:
        """Start ``fn(progress, *args, **kwargs)``; callbacks run on the main thread.

        ``owner`` (default: the object of a bound-method callback) ends the job's life
        with its own; ``key`` makes the job supersede an earlier one of the same owner
        and key. ``writer=True`` queues it behind other writes (one at a time) and
        announces what it committed; ``quiet_gc=True`` holds off the garbage collector
        while it runs (big jobs).
        """
        label = name or str(getattr(fn, "__name__", "job"))
        owner = owner or _owner_of(on_result) or _owner_of(on_error)
        job = Job(label, fn, args, kwargs, quiet_gc=quiet_gc, record_changes=writer)
        if key is not None:
            slot = (id(owner), key)
            earlier = self._latest.get(slot)
            if earlier is not None and earlier in self._live:
                self._live[earlier].drop()
            self._latest[slot] = job
        self._live[job] = _Relay(job, owner, on_result, on_error, on_progress, self._finished)
        if progress is not None:
            _ProgressUi(job, progress)
        (self._writer if writer else self._readers).start(job)
        return job

    def drop(self, owner: QObject, key: str) -> None:
        """Forget ``owner``'s job ``key`` if one is running (its callbacks won't run)."""
        job = self._latest.get((id(owner), key))
        if job is not None and job in self._live:
            self._live[job].drop()

    def read(self, op: Callback, *args: Any, reports: bool = False, **options: Any) -> Job:
        """``op(session, *args)`` in a session that reads (see ``run`` for options);
        ``reports=True``: ``op(session, progress, *args)``, for long work that reports
        its progress and stops when cancelled."""
        options.setdefault("name", getattr(op, "__name__", "read"))
        return self.run(_in_read_session, self._sessions(), reports, op, *args, **options)

    def write(self, op: Callback, *args: Any, reports: bool = False, **options: Any) -> Job:
        """``op(session, *args)`` in one write transaction, on the writer thread
        (``reports`` as for ``read``)."""
        options.setdefault("name", getattr(op, "__name__", "write"))
        return self.run(
            _in_write_transaction, self._sessions(), reports, op, *args, writer=True, **options
        )

    def watch(self, owner: QObject, kinds: Iterable[str] | None, callback: Callback) -> None:
        """Call ``callback(changes)`` after every write that touched one of ``kinds``
        (None: any write), for as long as ``owner`` lives."""
        entry = (owner, None if kinds is None else frozenset(kinds), callback)
        self._watchers.append(entry)
        owner.destroyed.connect(lambda *_: self._unwatch(entry))

    def _unwatch(self, entry: tuple[QObject, frozenset[str] | None, Callback]) -> None:
        if entry in self._watchers:
            self._watchers.remove(entry)

    def _sessions(self) -> Any:
        if self.sessions is None:
            raise RuntimeError("JobRunner was made without a session factory")
        return self.sessions

    def _finished(self, job: Job) -> None:
        relay = self._live.pop(job, None)
        if relay is not None:
            self._recent.append((job, relay))
        for slot, latest in list(self._latest.items()):
            if latest is job:
                del self._latest[slot]
        if job.changes:
            self.announce(job.changes)

    def announce(self, changed: Changes) -> None:
        """Tell every watcher (and ``data_changed``) what was committed."""
        for owner, kinds, callback in list(self._watchers):
            if shiboken6.isValid(owner) and (kinds is None or changed.touches(kinds)):
                callback(changed)
        self.data_changed.emit(changed)

    def active(self) -> int:
        return len(self._live)

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Cancel what can be cancelled and wait for running jobs (on exit)."""
        for job in list(self._live):
            job.cancel()
        self._readers.waitForDone(timeout_ms)
        self._writer.waitForDone(timeout_ms)
        self.collector.stop()
