"""Rendering with Python's cyclic garbage collector paused. A 200 KB answer parses into
~35,000 tokens that all live until the render ends; each time enough of them pile up,
the collector walks every object in the process, all those tokens included, and finds
nothing to free (tokens hold no reference cycles: refcounting frees them when the render
returns). That was ~20 % of a one-shot render, and since a collection holds the GIL it
also stalled the GUI thread while the render thread worked. The pause is counted, so
renders on several threads overlap safely, and the collector is only switched back on
if it was on before the first of them began."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_paused = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the body with automatic garbage collection off (cycles wait until after)."""
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
