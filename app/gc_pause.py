"""Hold off Python's cyclic garbage collector while a big job runs (imports, exports).

An import of 10,000 rows creates a few hundred thousand objects that live until it
ends; each time their number grows by a quarter the collector walks them all, which
adds about a fifth to the import's time and, in the GUI, runs in the worker thread
holding the GIL for 100 ms or more, which freezes the window. Reference counting still
frees almost everything; the collector runs again when the last such job ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = True


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block; process-wide, so nested and
    concurrent blocks (jobs in several threads) are counted."""
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()
