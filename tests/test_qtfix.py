"""The work-arounds for PySide6 6.12's lost references to None and True.

Each case runs in its own interpreter: without the work-around the loop aborts the
process ("none_dealloc" / "bool_dealloc"), which must not take the test run down.
On CPython 3.12+ (what the set-up picks where it exists) the objects are immortal:
the loop survives bare and the guard must apply nothing; on 3.11 with PySide6 6.12
the bare loop aborts and the guard must be applied.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import resource
import sys

resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # the unguarded run aborts: no core file
from PySide6.QtCore import QCoreApplication, QObject, Signal
from desktop.qtfix import emit_drops_a_reference, guard_refcount_bugs, void_call_drops_none

app = QCoreApplication([])
# Twice as many calls as None or True has references (~5,000 at start). On 3.12+
# they are immortal (a count of billions that never moves): as many calls as on 3.11.
start = max(sys.getrefcount(None), sys.getrefcount(True))
calls = 2 * (start if start < 1 << 20 else 5_000) + 1000
buggy = {"void": void_call_drops_none(), "emit": emit_drops_a_reference()}[sys.argv[1]]
if sys.argv[2] == "guarded":
    print("applied", sorted(guard_refcount_bugs()), flush=True)
print("buggy", buggy, flush=True)


class Probe(QObject):
    ping = Signal()


probe = Probe()
before = sys.getrefcount(None)
for _ in range(calls):
    if sys.argv[1] == "void":
        probe.setObjectName("x")
    else:
        probe.ping.emit()
QCoreApplication.processEvents()
print("survived", flush=True)
print("lost", before - sys.getrefcount(None), flush=True)
"""


def run(kind: str, mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, kind, mode],
        capture_output=True,
        text=True,
        timeout=45,
    )


@pytest.mark.parametrize("kind", ["void", "emit"])
def test_many_calls_survive_with_the_guard(kind: str) -> None:
    guarded = run(kind, "guarded")
    assert guarded.returncode == 0, guarded.stderr[-2000:]
    assert "survived" in guarded.stdout
    buggy = "buggy True" in guarded.stdout
    assert (kind in guarded.stdout.split("applied", 1)[1].splitlines()[0]) == buggy

    # The same loop without the guard: it is what aborted the app (when this
    # PySide6 and Python have the bug; on Python 3.12+ None and True are immortal).
    bare = run(kind, "bare")
    if buggy:
        assert bare.returncode != 0
        assert "_dealloc" in bare.stderr
    else:
        assert bare.returncode == 0, bare.stderr[-2000:]


def test_nothing_is_applied_where_none_is_immortal() -> None:
    guarded = run("void", "guarded")
    assert guarded.returncode == 0, guarded.stderr[-2000:]
    lost = int(guarded.stdout.split("lost", 1)[1].split()[0])
    if sys.version_info >= (3, 12):
        # Immortal: the count does not move, whatever PySide6 does with it.
        assert "applied []" in guarded.stdout
        assert lost == 0
    else:
        assert ("applied ['emit', 'void']" in guarded.stdout) == ("buggy True" in guarded.stdout)
