"""What `run_gui` does once the first conversation is painted (the window tests
build the window without going through run_gui)."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from typing import Any

import pytest

from desktop.gui import _after_start

pytestmark = pytest.mark.gui

VARIABLE = "PARLEY_TEST_SET_FOR_QT"


@pytest.fixture
def collector_off(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The collector off as at start-up; freezing is counted, not done, so that the
    rest of the test session keeps the collector's state it would have had."""
    monkeypatch.setenv(VARIABLE, "1")
    frozen: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
    gc.disable()
    try:
        yield frozen
    finally:
        gc.enable()


def test_first_paint_resumes_the_collector_and_restores_the_environment(
    qtbot: Any, make_window: Any, collector_off: list[int]
) -> None:
    window = make_window()
    _after_start(window, [VARIABLE])
    assert not gc.isenabled()
    assert os.environ.get(VARIABLE) == "1"
    window.first_painted.emit()
    assert gc.isenabled()
    assert collector_off == [1]  # start-up's objects are put out of its way
    assert VARIABLE not in os.environ


def test_without_a_paint_the_collector_resumes_after_a_while(
    qtbot: Any, make_window: Any, collector_off: list[int]
) -> None:
    window = make_window()
    qtbot.waitUntil(lambda: window.display.painted_once, timeout=5000)  # no second paint signal
    _after_start(window, [VARIABLE], fallback_ms=200)
    assert not gc.isenabled()
    qtbot.waitUntil(gc.isenabled, timeout=3000)
    assert VARIABLE not in os.environ
