"""desktop.memory caps glibc's malloc arenas: threads that allocate share two
arenas instead of getting one each (counted with glibc's own `malloc_info`)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SCRIPT = r"""
import ctypes, os, sys, tempfile, threading

if sys.argv[1] == "limited":
    from desktop.memory import limit_malloc_arenas
    print("set", limit_malloc_arenas(), os.environ.get("MALLOC_ARENA_MAX"))

together = threading.Barrier(6)

def work():
    kept = [bytes(4096) for _ in range(200)]  # past pymalloc's size: glibc's malloc
    together.wait()  # all alive at once: none can take over an arena another left

threads = [threading.Thread(target=work) for _ in range(6)]
for t in threads:
    t.start()
for t in threads:
    t.join()
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
path = tempfile.mktemp()
stream = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, stream)
libc.fclose(stream)
print("arenas", open(path).read().count("<heap nr="))
os.unlink(path)
"""


def arenas(mode: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.split("arenas")[1]), done.stdout


def test_threads_share_two_arenas() -> None:
    unlimited, _ = arenas("stock")
    limited, out = arenas("limited")
    assert "set ['MALLOC_ARENA_MAX'] 2" in out
    assert unlimited > 2  # the threads got arenas of their own
    assert limited <= 2


def test_a_value_the_person_chose_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.memory import limit_malloc_arenas

    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() == []
    assert os.environ["MALLOC_ARENA_MAX"] == "4"
