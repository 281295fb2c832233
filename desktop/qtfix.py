"""A work-around for a reference-counting bug in PySide6 6.12.0 on CPython < 3.12.

`SignalInstance.emit()` returns `True` without taking a reference, so every emit
drops one reference to `True`; after a few hundred emits (a streamed answer
makes thousands) the interpreter aborts with "bool_dealloc". From Python 3.12 on
`True` is immortal and nothing happens. The fix gives `True` (and `False`, for
safety) references that are never released — only when a probe shows the bug.
"""

from __future__ import annotations

import ctypes
import sys

_applied = False


def emit_drops_a_reference() -> bool:
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(4):
        probe.ping.emit()
    return sys.getrefcount(True) < before


def guard_emit_refcount_bug() -> bool:
    """Applies the work-around once if this PySide6 needs it; True if applied."""
    global _applied
    if _applied or sys.version_info >= (3, 12):
        return _applied
    if emit_drops_a_reference():
        # ob_refcnt is the first field of every CPython object.
        for value in (True, False):
            ctypes.c_ssize_t.from_address(id(value)).value += 1 << 40
        _applied = True
    return _applied
