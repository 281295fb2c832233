"""One Parley at a time per history: launching it again brings the running
window forward and the second process exits at once with status 0; after a
crash the next launch starts normally."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from desktop import APP_ID
from desktop.single_instance import server_name
from tests.e2e.running_app import RunningApp, app_env

pytestmark = [pytest.mark.e2e, pytest.mark.gui]


def test_a_second_launch_hands_over_and_exits(
    isolated_dirs: dict[str, Path], fake_server: Any
) -> None:
    env = app_env(isolated_dirs, fake_server.base_url)
    first = RunningApp(env)
    try:
        first.wait_painted()
        second = RunningApp(env)
        try:
            started = time.monotonic()
            status = second.process.wait(20)
            took = time.monotonic() - started
        finally:
            second.stop()
        assert status == 0
        assert took < 5, f"the second launch took {took:.1f} s to hand over"
        assert first.process.poll() is None  # the first one runs on
        log = isolated_dirs["state"] / APP_ID / "log" / "parley.log"
        deadline = time.monotonic() + 5
        while "asked this window to come forward" not in log.read_text():
            assert time.monotonic() < deadline, "the running window was not asked forward"
            time.sleep(0.05)
    finally:
        first.stop()


def test_a_launch_after_a_crash_starts(isolated_dirs: dict[str, Path], fake_server: Any) -> None:
    env = app_env(isolated_dirs, fake_server.base_url)
    crashed = RunningApp(env)
    crashed.wait_painted()
    crashed.process.send_signal(signal.SIGKILL)
    crashed.process.wait(10)
    again = RunningApp(env)
    try:
        again.wait_painted()
    finally:
        again.stop()


def test_each_user_and_history_folder_has_its_own_name(tmp_path: Path) -> None:
    one, two = server_name(tmp_path / "a"), server_name(tmp_path / "b")
    assert one != two and one == server_name(tmp_path / "a")
    assert one.startswith(f"parley-{os.getuid()}-")
