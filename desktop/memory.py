"""Fewer malloc arenas, so that a long session does not keep growing.

glibc gives each thread that allocates an arena of its own (up to eight per core).
Answers are parsed, rendered and encoded on worker threads in pieces of every size,
and each arena keeps its own free holes: over 200 answers the app's memory (PSS)
grew 13 % although nothing leaked. Two arenas keep it within 3 % for the same run
(tests/bench/bench_soak.py), at no cost in speed that the benchmarks show.
"""

from __future__ import annotations

import ctypes
import os
import sys

ARENAS = 2
_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's <malloc.h>
VARIABLE = "MALLOC_ARENA_MAX"


def limit_malloc_arenas() -> list[str]:
    """Caps glibc's malloc arenas for this process and, through the environment,
    for the QtWebEngine processes it starts; returns the variables it set (for
    `gui.restore_environment`, so that a browser opened later does not inherit
    them). Nothing happens where the person chose a value, or malloc is not glibc's."""
    if VARIABLE in os.environ or not sys.platform.startswith("linux"):
        return []
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # no C library to ask, or one without mallopt
        return []
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    if mallopt(_M_ARENA_MAX, ARENAS) != 1:  # musl's mallopt does nothing and says 0
        return []
    os.environ[VARIABLE] = str(ARENAS)
    return [VARIABLE]
