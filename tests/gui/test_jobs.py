"""The background-job API: results and errors arrive on the main thread; cancel; progress."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread

from app.progress import Cancelled, Progress
from app.ui.jobs import JobRunner

pytestmark = pytest.mark.gui


@pytest.fixture
def runner(qapp):
    jobs = JobRunner()
    yield jobs
    jobs.shutdown()


def test_result_arrives_on_main_thread(qtbot, runner) -> None:
    seen: dict[str, object] = {}

    def work(progress: Progress, x: int) -> int:
        seen["worker"] = threading.get_ident()
        return x * 2

    def done(value: int) -> None:
        seen["value"] = value
        seen["callback_is_main"] = QThread.currentThread() is qtbot_main_thread()

    job = runner.run(work, 21, on_result=done)
    qtbot.waitUntil(lambda: "value" in seen)
    assert seen["value"] == 42
    assert seen["worker"] != threading.get_ident()
    assert seen["callback_is_main"] is True
    assert job.done


def qtbot_main_thread():
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.instance().thread()


def test_error_is_delivered_with_traceback(qtbot, runner) -> None:
    errors: list[BaseException] = []

    def work(progress: Progress) -> None:
        raise ValueError("壊れた入力")

    runner.run(work, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ValueError)
    assert "壊れた入力" in errors[0].__hitori_traceback__


def test_progress_and_cancel(qtbot, runner) -> None:
    started = threading.Event()
    release = threading.Event()
    reports: list[tuple[int, int, str]] = []
    errors: list[BaseException] = []

    def work(progress: Progress) -> str:
        progress.report(1, 10, "一件目")
        started.set()
        release.wait(10)
        progress.check()
        return "finished"

    job = runner.run(work, on_progress=lambda *a: reports.append(a), on_error=errors.append)
    assert started.wait(10)
    job.cancel()
    release.set()
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], Cancelled)
    assert job.cancelled
    qtbot.waitUntil(lambda: bool(reports))
    assert reports[0] == (1, 10, "一件目")


def test_writes_are_serialized(qtbot, runner) -> None:
    active = 0
    peak = 0
    lock = threading.Lock()
    finished: list[int] = []

    def write(progress: Progress, n: int) -> int:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        threading.Event().wait(0.02)
        with lock:
            active -= 1
        return n

    for n in range(5):
        runner.run(write, n, writer=True, on_result=finished.append)
    qtbot.waitUntil(lambda: len(finished) == 5)
    assert peak == 1
    assert finished == [0, 1, 2, 3, 4]


def test_quiet_gc_holds_off_the_collector_only_while_big_jobs_run(qtbot, runner) -> None:
    from app import gc_pause

    seen: list[bool] = []
    release = threading.Event()

    def big(progress: Progress) -> bool:
        seen.append(gc_pause.paused())
        release.wait(5)
        return True

    runner.run(big, quiet_gc=True, on_result=seen.append)
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert seen[0] is True
    assert runner.collector.collect_due() == -1  # the main thread's collector waits too
    release.set()
    qtbot.waitUntil(lambda: len(seen) == 2)
    qtbot.waitUntil(lambda: not gc_pause.paused())
    runner.run(lambda progress: gc_pause.paused(), on_result=seen.append)
    qtbot.waitUntil(lambda: len(seen) == 3)
    assert seen[2] is False


def test_the_ui_thread_gets_the_gil_back_quickly_while_jobs_run(qtbot, runner) -> None:
    import sys

    from app.ui.jobs import JOB_SWITCH_INTERVAL_S

    before = sys.getswitchinterval()
    assert before > JOB_SWITCH_INTERVAL_S
    release = threading.Event()
    seen: list[float] = []
    for _ in range(2):  # two at once: the first to end must not restore it yet
        runner.run(lambda progress: (release.wait(5), sys.getswitchinterval())[1],
                   on_result=seen.append)  # fmt: skip
    qtbot.waitUntil(lambda: sys.getswitchinterval() == JOB_SWITCH_INTERVAL_S)
    release.set()
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert seen == [JOB_SWITCH_INTERVAL_S] * 2
    qtbot.waitUntil(lambda: runner.active() == 0)
    qtbot.waitUntil(lambda: sys.getswitchinterval() == before)
