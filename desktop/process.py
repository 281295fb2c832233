"""Process-wide interpreter policy, in one place: how often threads trade the GIL,
and when Python's cyclic garbage collector may run. `configure()` and
`pause_collector_for_start_up()` are called once, by `desktop.gui.run_gui`, before
anything else; nothing else in the app changes these settings.

Why each exists:
- GIL switch interval. The GUI thread takes the GIL for every Python slot and timer
  it runs; while a render thread works (or imports the renderer, ~0.5 s on a first
  answer), each of those waited up to Python's default 5 ms, and a few queued events
  in a row stalled the event loop 30-45 ms. 1 ms bounds each wait; a busy thread
  pays for a few hundred more switches a second, well under 1 % of its time.
- Start-up creates ~30,000 objects and hardly any garbage, yet the collector ran ~60
  times over them (~20 ms): it is off until the first conversation is painted, and
  what start-up made is then frozen out of its way.
- Rendering a 200 KB answer makes ~35,000 tokens that live until the render ends and
  hold no cycles; each collection they triggered walked the whole heap for nothing
  (~20 % of a one-shot render, holding the GIL, so the GUI thread stalled too).
- Importing the renderer makes ~10^5 long-lived objects; the full collection that
  triggered took 40-70 ms with the GIL held, mid-stream. Frozen objects are still
  freed by reference counting; only cycles among them are never collected, and what
  is alive then (modules, widgets, caches) lives as long as the app anyway.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

GIL_SWITCH_S = 0.001

T = TypeVar("T")

_lock = threading.Lock()
_paused = 0
_was_enabled = False
_renderer_frozen = False


def configure() -> None:
    """The interpreter settings the app runs with (call once, first thing)."""
    if sys.getswitchinterval() > GIL_SWITCH_S:
        sys.setswitchinterval(GIL_SWITCH_S)


def pause_collector_for_start_up() -> None:
    """No automatic collection until `start_up_over()`."""
    gc.disable()


def start_up_over() -> None:
    """The first conversation is on screen (or start-up ended otherwise): what
    start-up made is frozen out of the collector's way, and the collector resumes."""
    gc.freeze()
    gc.enable()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the body with automatic garbage collection off (cycles wait until after).
    The pause is counted, so pauses on several threads overlap safely, and the
    collector is only switched back on if it was on before the first of them began."""
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


def import_renderer(load: Callable[[], T]) -> T:
    """Runs `load` (the renderer's first import) without a collection in the middle,
    then, once per process, freezes every object alive."""
    global _renderer_frozen
    with collector_paused():
        loaded = load()
    if not _renderer_frozen:
        _renderer_frozen = True
        gc.freeze()
    return loaded
