"""The process-wide policy: set once at start-up, never by the parts that benefit
from it; the collector pause nests, overlaps across threads, and leaves the
collector as it found it."""

from __future__ import annotations

import gc
import sys
import threading

import pytest

from desktop.process import GIL_SWITCH_S, collector_paused, configure
from desktop.render import render_markdown


def test_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_left_off_if_it_was_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_restored_after_an_exception() -> None:
    try:
        with collector_paused():
            raise KeyError("x")
    except KeyError:
        pass
    assert gc.isenabled()


def test_overlapping_renders_on_threads() -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                render_markdown("# T\n\n- a\n- b\n\n```python\nx = 1\n```\n")
        except BaseException as error:  # noqa: BLE001 - reported by the assert below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert gc.isenabled()


def test_configure_sets_the_switch_interval() -> None:
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    try:
        configure()
        assert sys.getswitchinterval() == pytest.approx(GIL_SWITCH_S)
    finally:
        sys.setswitchinterval(before)


def test_a_render_thread_leaves_the_switch_interval_alone(qapp: object) -> None:
    """Policy is set at start-up, not as a side effect of building a part."""
    from desktop.ui.flows.render_thread import RenderThread

    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    try:
        thread = RenderThread()
        assert sys.getswitchinterval() == pytest.approx(0.005)
        thread.deleteLater()
    finally:
        sys.setswitchinterval(before)
