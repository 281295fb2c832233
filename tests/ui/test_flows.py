"""The window's controllers: the conversation shown is one object with one signal,
answers in flight end in one place (`ChatFlow.shutdown`), and the worker reports
the API's own event values on one signal, streamed or not."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop.api.events import ResponseStarted, TextDelta
from desktop.ui.flows.current import CurrentConversation

pytestmark = pytest.mark.gui


def test_current_conversation_says_when_it_changes(qtbot: Any) -> None:
    current = CurrentConversation()
    seen: list[int | None] = []
    current.changed.connect(seen.append)
    current.editing = 12
    current.set(3)
    current.set(3)  # the same one again: no news
    current.set(None)
    assert seen == [3, None]
    assert current.editing is None  # an edit does not carry over


def test_deleting_a_conversation_ends_its_answer_and_keeps_what_arrived(
    make_window: Any, qtbot: Any, fake_server: Any
) -> None:
    fake_server.set_default("normal", answer="slow " * 300, delta_size=10, delta_rate=100)
    window = make_window()
    window.composer.editor.setFocus()
    window.composer.set_text("Tell me slowly")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    conv = window.current.id
    qtbot.waitUntil(lambda: bool(window.chat.in_flight(conv).text), timeout=10000)
    window.delete_conversation(conv)
    # Ended at once, not when the worker next reports.
    assert window.chat.in_flight(conv) is None
    answer = window.store.messages(conv)[-1]
    assert answer.status == "stopped" and answer.text.startswith("slow")
    assert window.current.id != conv and not window.composer.busy


def test_the_worker_reports_a_whole_reply_as_events(qtbot: Any, fake_server: Any) -> None:
    from desktop.workers import start_response

    fake_server.set_default("normal", answer="All at once.")
    body = {"model": "m", "input": "hi", "stream": False}
    handle = start_response(fake_server.base_url, "token", body)
    # Plain callables run on the worker's thread: lists only, no Qt objects.
    events: list[Any] = []
    replies: list[Any] = []
    handle.worker.arrived.connect(events.append)
    handle.worker.finished.connect(replies.append)
    handle.start()
    qtbot.waitUntil(lambda: bool(replies), timeout=10000)
    assert handle.join(5000)
    assert isinstance(events[0], ResponseStarted)
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "All at once."
    assert replies[0].text == "All at once."
    assert fake_server.requests[0].headers["accept"] == "application/json"
