"""app.gc_pause: the collector is off inside nested/concurrent blocks, back on after."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from app.gc_pause import gc_paused


@pytest.fixture(autouse=True)
def _restore() -> Iterator[None]:
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_nested_blocks_enable_again_only_after_the_outer() -> None:
    gc.enable()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_enables_it_again() -> None:
    gc.enable()
    with pytest.raises(ZeroDivisionError), gc_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_stays_off_when_it_was_off() -> None:
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()


def test_blocks_in_two_threads_overlap() -> None:
    gc.enable()
    inside, release = threading.Event(), threading.Event()

    def worker() -> None:
        with gc_paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=worker)
    thread.start()
    assert inside.wait(5)
    with gc_paused():
        pass
    assert not gc.isenabled()  # the worker's block is still open
    release.set()
    thread.join(5)
    assert gc.isenabled()


def test_a_pause_ending_does_not_switch_on_what_was_taken_over() -> None:
    from app.gc_pause import give_back_collection, pause_gc, take_over_collection

    gc.enable()
    resume = pause_gc()  # start-up's pause, begun before the GUI's collector exists
    assert take_over_collection() is True  # the state the pause will restore
    resume()
    assert not gc.isenabled()
    with gc_paused():
        pass
    assert not gc.isenabled()
    give_back_collection(True)
    assert gc.isenabled()


def test_giving_back_during_a_pause_waits_for_the_pause_to_end() -> None:
    from app.gc_pause import give_back_collection, take_over_collection

    gc.enable()
    was = take_over_collection()
    with gc_paused():
        give_back_collection(was)
        assert not gc.isenabled()
    assert gc.isenabled()
