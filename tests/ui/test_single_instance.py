"""A second launch hands the running window its activation token, so that on
Wayland the window may take the focus when it comes forward."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop.single_instance import SingleInstance, activation_token

pytestmark = pytest.mark.gui


def test_the_launchers_token_reaches_the_running_window(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = SingleInstance(tmp_path)
    assert running.listen()
    monkeypatch.setenv("XDG_ACTIVATION_TOKEN", "kwin-1234_abc")
    with qtbot.waitSignal(running.activated, timeout=3000) as got:
        assert SingleInstance(tmp_path).hand_over()
    assert got.args == ["kwin-1234_abc"]
    monkeypatch.delenv("XDG_ACTIVATION_TOKEN")
    monkeypatch.delenv("DESKTOP_STARTUP_ID", raising=False)
    with qtbot.waitSignal(running.activated, timeout=3000) as got:
        assert SingleInstance(tmp_path).hand_over()
    assert got.args == [""]


def test_only_a_token_shaped_value_is_passed_on() -> None:
    assert activation_token({"DESKTOP_STARTUP_ID": "gnome-shell/parley/123-0-host_TIME42"})
    assert activation_token({"XDG_ACTIVATION_TOKEN": "a b\nactivate"}) == ""
    assert activation_token({}) == ""
