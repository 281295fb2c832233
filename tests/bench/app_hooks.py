"""Starting the real app for a benchmark, as a person does, and reading the times it
reports about its own start (``PARLEY_REPORT_READY=1``: ``parley-ready <ms>`` once
the conversation page has loaded, ``parley-painted <ms>`` once the first
conversation is painted; milliseconds since the app's process started)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HOOK_PREFIX = "parley-"


@contextmanager
def running(
    command: Sequence[str], env: Mapping[str, str], cwd: Path, stderr: Any
) -> Iterator[subprocess.Popen[str]]:
    """The app started with `command`; stopped (killed if need be) on exit."""
    app = subprocess.Popen(
        list(command), env=dict(env), cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr, text=True
    )
    try:
        yield app
    finally:
        app.terminate()
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()


def reported_times(
    command: Sequence[str], env: Mapping[str, str], cwd: Path, until: str
) -> dict[str, float]:
    """Starts the app, collects its `parley-<name> <ms>` lines until `until` has
    been reported, stops it; {name: ms since its process started}."""
    times: dict[str, float] = {}
    hooked = {**env, "PARLEY_REPORT_READY": "1"}
    with running(command, hooked, cwd, subprocess.PIPE) as app:
        assert app.stderr is not None
        for line in app.stderr:
            name, _, value = line.strip().partition(" ")
            if not name.startswith(HOOK_PREFIX):
                continue
            try:
                times[name.removeprefix(HOOK_PREFIX)] = float(value)
            except ValueError:
                continue
            if until in times:
                return times
    raise RuntimeError(f"the app exited before reporting {until!r} (got {times})")
