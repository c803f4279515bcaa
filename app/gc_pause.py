"""Hold off Python's cyclic garbage collector while a big job runs (imports, exports,
loading the asset ledger) and while the process starts.

An import of 10,000 rows creates a few hundred thousand objects that live until it
ends; each time their number grows by a quarter the collector walks them all, which
adds about a fifth to the import's time and, in the GUI, runs in the worker thread
holding the GIL for 100 ms or more, which freezes the window. Reference counting still
frees almost everything; the collector runs again when the last such job ends.

Start-up is the same story: importing SQLAlchemy, the models and Qt's wrappers creates
objects that live as long as the process, and the collector would walk them again and
again while they are made. ``pause_gc`` pauses it until start-up is over (the GUI: its
first view is shown), and ``end_start_up`` then moves what start-up made out of the
collector's reach (``gc.freeze``) instead of collecting on the main thread.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = True
_collected_elsewhere = False


def paused() -> bool:
    """Whether some pause (start-up, a big job) is being held."""
    return _gc_pausers > 0


def take_over_collection() -> bool:
    """Something else (the GUI's main-thread collector) now decides when the collector
    runs: automatic collection is switched off, and no pause ending turns it back on
    until ``give_back_collection``. Returns whether automatic collection would be on
    now (counting a pause in progress as the state it will restore)."""
    global _collected_elsewhere
    with _gc_lock:
        was = _gc_was_enabled if _gc_pausers > 0 else gc.isenabled()
        _collected_elsewhere = True
        gc.disable()
        return was


def give_back_collection(enabled: bool) -> None:
    """Automatic collection decided by the interpreter again: on if ``enabled`` — at once,
    or when the last pause in progress ends."""
    global _collected_elsewhere, _gc_was_enabled
    with _gc_lock:
        _collected_elsewhere = False
        if _gc_pausers > 0:
            _gc_was_enabled = enabled
        elif enabled:
            gc.enable()


def pause_gc() -> Callable[[], None]:
    """No cyclic garbage collection until the returned function is called (calling it
    again does nothing). Process-wide and counted with ``gc_paused`` blocks, so pauses
    in several threads overlap: the collector runs again when the last one ends."""
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    ended = False

    def resume() -> None:
        global _gc_pausers
        nonlocal ended
        with _gc_lock:
            if ended:
                return
            ended = True
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled and not _collected_elsewhere:
                gc.enable()

    return resume


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block; process-wide, so nested and
    concurrent blocks (jobs in several threads) are counted."""
    resume = pause_gc()
    try:
        yield
    finally:
        resume()


def end_start_up(resume: Callable[[], None]) -> None:
    """Start-up is over: what it made (modules, classes, the window) lives as long as the
    process, so it is moved out of the collector's reach — later collections, triggered by
    background work, stay short — and the pause ``resume`` belongs to ends. No collection
    is run first: on the main thread a full one would stall the window it just showed."""
    gc.freeze()
    resume()


def skip_collection_at_exit() -> None:
    """A command has done its work and the process is about to end: move every object
    out of the collector's reach, so that the interpreter's last full collection (a
    quarter of a ``hitori search`` once SQLAlchemy and the models are loaded) has
    nothing to walk. Only for a process that has closed what it opened (files, database
    connections): objects left in reference cycles are not finalized; the operating
    system frees the memory."""
    gc.freeze()
