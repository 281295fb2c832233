"""Start-up details of `run_gui` that the window tests do not go through."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from desktop.gui import _collect_garbage_after_start

pytestmark = pytest.mark.gui


@pytest.fixture
def collector_off() -> Iterator[None]:
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.enable()


def test_collector_resumes_at_the_first_paint(
    qtbot: Any, make_window: Any, collector_off: None
) -> None:
    window = make_window()
    _collect_garbage_after_start(window)
    assert not gc.isenabled()
    window.first_painted.emit()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 1000  # start-up's objects are out of its way


def test_collector_resumes_even_without_a_paint(
    qtbot: Any, make_window: Any, collector_off: None
) -> None:
    window = make_window()
    _collect_garbage_after_start(window, fallback_ms=200)
    assert not gc.isenabled()
    qtbot.waitUntil(gc.isenabled, timeout=3000)
