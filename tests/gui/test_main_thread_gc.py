"""The cyclic collector runs on the main thread only while the job runner lives."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest

from app.gc_pause import gc_paused
from app.progress import Progress
from app.ui.jobs import JobRunner

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _restore() -> Iterator[None]:
    was, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)
    (gc.enable if was else gc.disable)()


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def _garbage_cycle() -> weakref.ref[_Cycle]:
    return weakref.ref(_Cycle())


def test_automatic_collection_is_off_while_the_runner_lives(qapp) -> None:
    gc.enable()
    runner = JobRunner()
    try:
        assert not gc.isenabled()
    finally:
        runner.shutdown()
    assert gc.isenabled()


def test_cyclic_garbage_is_collected_on_the_main_thread(qtbot) -> None:
    gc.enable()
    runner = JobRunner()
    collected_in: list[int] = []
    gc.callbacks.append(lambda phase, info: collected_in.append(threading.get_ident()))
    try:
        ref = _garbage_cycle()
        assert ref() is not None  # only the collector can free a cycle
        gc.set_threshold(1, 1, 1)
        qtbot.waitUntil(lambda: ref() is None, timeout=3000)
        assert runner.collector.collections > 0
        assert set(collected_in) == {threading.get_ident()}
    finally:
        gc.callbacks.pop()
        runner.shutdown()


def test_jobs_with_quiet_gc_do_not_switch_automatic_collection_on(qtbot) -> None:
    gc.enable()
    runner = JobRunner()
    seen: list[bool] = []

    def work(progress: Progress) -> bool:
        return gc.isenabled()

    try:
        job = runner.run(work, quiet_gc=True, on_result=seen.append)
        qtbot.waitUntil(lambda: job.done)
        qtbot.waitUntil(lambda: bool(seen))
        assert seen == [False]
        assert not gc.isenabled()
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        runner.shutdown()


def test_nothing_is_collected_while_a_pause_is_held(qapp) -> None:
    runner = JobRunner()
    try:
        gc.set_threshold(1, 1, 1)
        _garbage_cycle()
        with gc_paused():
            assert runner.collector.collect_due() == -1
        assert runner.collector.collect_due() >= 0
    finally:
        runner.shutdown()
