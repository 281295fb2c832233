"""Work-arounds for two reference-counting bugs of PySide6 6.12.0 on CPython 3.11.

- `SignalInstance.emit()` returns `True` without taking a reference, so every emit
  drops one reference to `True`.
- Every call of a C++ method that returns `void` (`setObjectName`, `postEvent`,
  `QWebEnginePage.runJavaScript`, `QTimer.start`…) returns `None` without taking a
  reference, so each drops one reference to `None`; `processEvents()` drops three.

`None` starts with ~5,000 references and `True` with fewer, and a streamed answer
makes thousands of such calls: after a few long answers the interpreter aborts with
"none_dealloc" or "bool_dealloc" (the benchmark hit it on its second 200 KB answer).

Which versions need it (the probes below, and tests/test_qtfix.py's loop of twice
as many calls as `None` has references, run without the guard):
PySide6 6.12.0 on CPython 3.11 has both bugs. PySide6 6.11.0 and 6.11.3 on CPython
3.11 have neither. On CPython 3.12 and later `None`, `True` and `False` are immortal,
so the lost references do no harm with any PySide6 and nothing is applied. The set-up
picks the newest CPython on the machine, so the guard only acts where 3.11 is the
newest there is (Debian 12's python3, for one). It gives the objects references that
are never released, and only for a bug a probe shows.
"""

from __future__ import annotations

import ctypes
import sys

_applied: set[str] = set()

# Far more references than a process can drop; a refcount stays a positive Py_ssize_t.
_SPARE_REFERENCES = 1 << 40


# Calls per probe: a first call may set something up that holds references itself,
# so it is made before counting, and the loss must show on most of the calls.
_PROBE_CALLS = 16


def emit_drops_a_reference() -> bool:
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    probe.ping.emit()
    before = sys.getrefcount(True)
    for _ in range(_PROBE_CALLS):
        probe.ping.emit()
    return before - sys.getrefcount(True) >= _PROBE_CALLS // 2


def void_call_drops_none() -> bool:
    from PySide6.QtCore import QObject

    probe = QObject()
    probe.setObjectName("probe")
    before = sys.getrefcount(None)
    for _ in range(_PROBE_CALLS):
        probe.setObjectName("probe")
    return before - sys.getrefcount(None) >= _PROBE_CALLS // 2


def _add_spare_references(value: object) -> bool:
    """ob_refcnt is the first field of a CPython object (not in a Py_TRACE_REFS
    debug build, nor is 1 << 40 a count on 32 bits): written only if what is read
    there is the reference count."""
    field = ctypes.c_ssize_t.from_address(id(value))
    if ctypes.sizeof(ctypes.c_ssize_t) < 8 or abs(field.value - sys.getrefcount(value)) > 8:
        return False
    field.value += _SPARE_REFERENCES
    return True


def guard_refcount_bugs() -> frozenset[str]:
    """Applies each work-around once if this PySide6 needs it; returns the names of
    those applied ("emit", "void")."""
    if sys.version_info >= (3, 12):
        return frozenset(_applied)
    if "emit" not in _applied and emit_drops_a_reference():
        guarded = [_add_spare_references(True), _add_spare_references(False)]
        if all(guarded):
            _applied.add("emit")
    if "void" not in _applied and void_call_drops_none() and _add_spare_references(None):
        _applied.add("void")
    return frozenset(_applied)
