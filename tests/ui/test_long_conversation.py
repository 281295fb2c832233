"""Opening a long conversation: the visible end is drawn first, and the older turns
follow only once the page reports that frame painted (they must not compete with it)."""

from __future__ import annotations

from typing import Any

import pytest

from desktop.store import MessageStatus
from desktop.ui.flows import display as display_flow
from tests.ui.conftest import run_js

pytestmark = pytest.mark.gui

TURNS_JS = "document.querySelectorAll('.turn').length"


def fill(store: Any, pairs: int) -> int:
    conv = store.create_conversation("long one")
    for n in range(pairs):
        q = store.add_user_message(conv.id, f"question {n}")
        a = store.start_assistant_message(q.id)
        store.finish_message(a.id, MessageStatus.COMPLETE, text=f"answer **{n}**")
    return conv.id


def test_older_turns_wait_for_the_first_frame(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    conv_id = fill(window.store, 60)  # 120 messages, more than the first paint
    reports: list[int] = []
    window.view.turns_painted.connect(reports.append)
    window.open_conversation(conv_id)
    first = display_flow.FIRST_PAINT_TURNS
    assert window.display._paint_wait is not None  # older turns wait for the page's report
    qtbot.waitUntil(lambda: bool(reports), timeout=5000)
    qtbot.waitUntil(lambda: run_js(qtbot, window.view, TURNS_JS) == 120, timeout=10000)
    assert window.display._paint_wait is None
    assert first < 120
    assert run_js(qtbot, window.view, "document.querySelector('.turn').textContent").count(
        "question 0"
    )


def test_a_page_that_never_paints_still_gets_the_older_turns(
    make_window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    conv_id = fill(window.store, 30)
    monkeypatch.setattr(display_flow, "PAINT_FALLBACK_MS", 200)
    window.view.turns_painted.disconnect(window.display._turns_painted)  # as if hidden
    window.open_conversation(conv_id)
    qtbot.waitUntil(lambda: run_js(qtbot, window.view, TURNS_JS) == 60, timeout=10000)


def test_a_late_report_of_an_earlier_load_is_ignored(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    ran: list[str] = []
    window.display._paint_wait = (7, lambda: ran.append("seven"))
    window.display._turns_painted(6)
    assert ran == [] and window.display._paint_wait is not None
    window.display._turns_painted(7)
    window.display._turns_painted(7)
    assert ran == ["seven"]
