"""Fixtures shared by every layer's tests: isolated config/data dirs, and the
rule that GUI tests never skip silently in CI."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.gui import expected_qt_messages, rendering_defaults
from desktop.qtfix import guard_refcount_bugs

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Qt draws in software without OpenGL, as `parley` runs (desktop/gui.py).
rendering_defaults()

# PySide6 6.12.0 loses a reference to True on every signal emit and one to None on
# every void C++ call (see desktop/qtfix.py).
guard_refcount_bugs()

pytest_plugins = ["tests.fakeserver.fixtures"]


def pytest_configure(config: pytest.Config) -> None:
    """Qt's failed OpenGL probes are expected without OpenGL (`parley` logs them at
    debug level); any other Qt warning still fails the test that caused it."""
    for message in expected_qt_messages():
        config.addinivalue_line("qt_log_ignore", re.escape(message))


@pytest.fixture
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Path]]:
    """Point XDG config/data/cache/state dirs at fresh folders and drop credentials
    from the environment, so no test ever reads or writes the real ones."""
    dirs = {
        "config": tmp_path / "config",
        "data": tmp_path / "data",
        "cache": tmp_path / "cache",
        "state": tmp_path / "state",
    }
    for path in dirs.values():
        path.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(dirs["config"]))
    monkeypatch.setenv("XDG_DATA_HOME", str(dirs["data"]))
    monkeypatch.setenv("XDG_CACHE_HOME", str(dirs["cache"]))
    monkeypatch.setenv("XDG_STATE_HOME", str(dirs["state"]))
    for name in ("CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_API_TOKEN", "PARLEY_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    yield dirs


def pytest_runtest_setup(item: pytest.Item) -> None:
    """GUI tests need a display: outside CI they skip without one; in CI
    (CI=true) a missing display is a failure, never a silent skip."""
    if item.get_closest_marker("gui") is None:
        return
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if has_display or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return
    if IN_CI:
        pytest.fail("GUI test without a display in CI: run it through scripts/test.sh")
    pytest.skip("no display: set DISPLAY or run scripts/test.sh")
