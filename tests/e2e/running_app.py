"""The real `parley` as a subprocess on the test display: start it, wait until it
has painted its first conversation, type into it with xdotool, list the
processes it started, stop it."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_crash_recovery import _env, _parley, _xdotool


def app_env(isolated_dirs: dict[str, Path], base_url: str, **extra: str) -> dict[str, str]:
    env = _env(isolated_dirs, base_url)
    env.update(PARLEY_REPORT_READY="1", **extra)
    return env


class RunningApp:
    def __init__(self, env: dict[str, str], umask: int | None = None) -> None:
        if not os.environ.get("DISPLAY"):
            pytest.fail("needs an X display (run through scripts/test.sh)")

        def set_umask() -> None:
            if umask is not None:
                os.umask(umask)

        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [_parley()],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=set_umask,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def wait_for_line(self, prefix: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if line.startswith(prefix):
                    return line
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        pytest.fail(f"parley never printed {prefix!r}; stderr: {''.join(self.lines)[-2000:]}")

    def wait_painted(self, timeout: float = 60) -> None:
        self.wait_for_line("parley-painted ", timeout)

    def window_id(self) -> str:
        found = _xdotool("search", "--sync", "--onlyvisible", "--pid", str(self.process.pid))
        return found.splitlines()[0]

    def type_and_send(self, text: str) -> None:
        wid = self.window_id()
        time.sleep(0.5)  # focus reaches the composer once the page has loaded
        _xdotool("windowfocus", "--sync", wid)
        _xdotool("type", "--delay", "5", text)
        _xdotool("key", "Return")

    def descendants(self) -> list[int]:
        """The processes this app started, and theirs (QtWebEngine's zygote, renderer…)."""
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # gone meanwhile
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        found: list[int] = []
        frontier = [self.process.pid]
        while frontier:
            pid = frontier.pop()
            children = [child for child, parent in parents.items() if parent == pid]
            found.extend(children)
            frontier.extend(children)
        return found

    def stop(self) -> Any:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        return self.process.returncode
