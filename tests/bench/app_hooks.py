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


class SoakHooks:
    """What the soak benchmark reads from inside the app that no public surface
    shows: the one place that touches the window's internals, so that a change in
    how the window is built is mended here alone."""

    def __init__(self, window: Any) -> None:
        self._store = window.store

    def _answers(self) -> list[dict[str, Any]]:
        found = []
        for conversation in self._store.list_conversations(limit=100_000):
            exported = self._store.export_conversation(conversation.id)
            found += [m for m in exported["messages"] if m["role"] == "assistant"]
        return found

    def answer_statuses(self) -> dict[str, int]:
        """How many stored answers (every version) have each status."""
        counts: dict[str, int] = {}
        for message in self._answers():
            counts[message["status"]] = counts.get(message["status"], 0) + 1
        return counts

    def answers_containing(self, text: str) -> int:
        return sum(1 for message in self._answers() if text in message["text"])


def soak_hooks(window: Any) -> SoakHooks:
    return SoakHooks(window)
