"""Answers kept running on the server (issue 20), in the real window against the fake
server's background responses: a dropped or silent connection resumes without paying
twice, Stop stops it on the server, closing the window leaves it running for the next
start, and a server without background responses is learned, silently."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop.config.profiles import Profiles
from desktop.config.settings import Settings
from desktop.store import Store
from desktop.store.paths import default_db_path
from tests.fakeserver import FakeResponsesServer
from tests.fakeserver.background import Break
from tests.fakeserver.scenarios import DEFAULT_REASONING

pytestmark = pytest.mark.gui

ANSWER = "".join(f"Word{i} " for i in range(400))


def send(qtbot: Any, window: Any, text: str) -> None:
    window.composer.editor.setFocus()
    window.composer.set_text(text)
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)


def wait_idle(qtbot: Any, window: Any, timeout: int = 20000) -> None:
    qtbot.waitUntil(lambda: not window.composer.busy, timeout=timeout)


def posts(server: FakeResponsesServer) -> list[Any]:
    return [r for r in server.requests if r.method == "POST" and r.path.endswith("/responses")]


def resumes(server: FakeResponsesServer) -> list[str]:
    return [r.path for r in server.requests if r.method == "GET"]


def last_answer(window: Any) -> Any:
    return window.store.messages(window.current.id)[-1]


def state(window: Any) -> str:
    return str(window.status.state_label.text())


def asking(make_window: Any, qtbot: Any, server: FakeResponsesServer, rate: float = 150) -> Any:
    """A window that has just asked for ANSWER, which arrives at `rate` deltas a second."""
    server.set_default("normal", answer=ANSWER, delta_size=8, delta_rate=rate)
    window = make_window()
    send(qtbot, window, "Count")
    return window


def test_a_dropped_connection_resumes_the_same_text_with_one_post(
    make_window: Any, qtbot: Any, fake_server: FakeResponsesServer
) -> None:
    fake_server.background.break_streams(Break(40), Break(60))
    window = asking(make_window, qtbot, fake_server)
    qtbot.waitUntil(lambda: "running on the server" in state(window), timeout=10000)
    qtbot.waitUntil(lambda: state(window).startswith("Reconnecting… (attempt 1)"), timeout=10000)
    # Cleared once events flow again; the answer is still kept on the server.
    qtbot.waitUntil(lambda: state(window).startswith("Streaming…"), timeout=10000)
    assert "running on the server" in state(window)
    wait_idle(qtbot, window)
    answer = last_answer(window)
    assert (answer.status, answer.text) == ("complete", ANSWER)  # nothing lost or twice
    assert len(posts(fake_server)) == 1
    body = posts(fake_server)[0].json
    assert (body["background"], body["store"]) == (True, True)
    assert len(resumes(fake_server)) == 2
    assert not window.banner.isVisible()
    assert state(window).startswith("Done")


def test_a_silent_connection_is_attached_again_and_finishes(
    make_window: Any,
    qtbot: Any,
    fake_server: FakeResponsesServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A laptop asleep: the connection stays open and nothing comes. (A minute in life;
    # half a second here.)
    monkeypatch.setattr("desktop.api.background.IDLE_TIMEOUT", 0.5)
    fake_server.background.break_streams(Break(30, "stall"))
    window = asking(make_window, qtbot, fake_server, rate=300)
    wait_idle(qtbot, window)
    answer = last_answer(window)
    assert (answer.status, answer.text) == ("complete", ANSWER)
    assert len(posts(fake_server)) == 1
    assert len(resumes(fake_server)) == 1
    assert "starting_after=" in resumes(fake_server)[0]


def test_stop_stops_the_answer_on_the_server_and_keeps_what_arrived(
    make_window: Any, qtbot: Any, fake_server: FakeResponsesServer
) -> None:
    window = asking(make_window, qtbot, fake_server, rate=60)
    qtbot.waitUntil(lambda: "running on the server" in state(window), timeout=10000)
    qtbot.waitUntil(lambda: "Word3 " in window.chat.in_flight(window.current.id).text)
    window.composer.button.click()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: fake_server.background.cancelled == ["resp_bg0001"], timeout=5000)
    answer = last_answer(window)
    assert answer.status == "stopped"
    assert 0 < len(answer.text) < len(ANSWER) and ANSWER.startswith(answer.text)
    assert state(window) == "Stopped"


def test_deleting_the_conversation_stops_its_answer_on_the_server(
    make_window: Any, qtbot: Any, fake_server: FakeResponsesServer
) -> None:
    window = asking(make_window, qtbot, fake_server, rate=60)
    qtbot.waitUntil(lambda: "running on the server" in state(window), timeout=10000)
    window.delete_conversation(window.current.id)
    qtbot.waitUntil(lambda: fake_server.background.cancelled == ["resp_bg0001"], timeout=5000)


def left_running(make_window: Any, qtbot: Any, server: FakeResponsesServer) -> Any:
    """Asks, closes the window mid-answer, and does what the next start does first;
    returns the answer as the window left it."""
    window = asking(make_window, qtbot, server, rate=80)

    def saved_with_sequence() -> bool:
        answer = last_answer(window)
        return answer.sequence_number is not None and len(answer.text) > 50

    qtbot.waitUntil(saved_with_sequence, timeout=10000)
    conv_id = window.current.id
    window.close()
    with Store(default_db_path()) as store:
        left = store.messages(conv_id)[-1]
        store.recover_interrupted()
    return left


def test_closing_the_window_leaves_the_answer_running_and_the_next_start_resumes_it(
    make_window: Any, qtbot: Any, fake_server: FakeResponsesServer
) -> None:
    left = left_running(make_window, qtbot, fake_server)
    assert fake_server.background.cancelled == []  # still running on the server
    assert left.status == "streaming" and left.response_id == "resp_bg0001"
    job = fake_server.background.job("resp_bg0001")
    # The text saved is exactly that of the events up to the number saved with it.
    shown = "".join(
        event["delta"]
        for event in _events(job)
        if event.get("type") == "response.output_text.delta"
        and event["sequence_number"] <= left.sequence_number
    )
    assert left.text == shown

    again = make_window()
    qtbot.waitUntil(lambda: again.current.id == left.conversation_id, timeout=5000)
    assert not again.banner.isVisible()  # continuing, not offering Retry
    wait_idle(qtbot, again)
    answer = again.store.messages(left.conversation_id)[-1]
    assert (answer.status, answer.text) == ("complete", ANSWER)
    assert answer.reasoning == DEFAULT_REASONING  # begun before the cut: not twice
    assert len(posts(fake_server)) == 1
    assert resumes(fake_server)[-1].endswith(f"starting_after={left.sequence_number}")


def reopened_while_unwell(
    make_window: Any, qtbot: Any, server: FakeResponsesServer
) -> tuple[Any, Any]:
    """An answer left running, and the next start's window, whose resumes the server
    answers 503 for now."""
    left = left_running(make_window, qtbot, server)
    server.background.failing_resumes = 100
    return left, make_window()


def test_closing_the_window_while_a_resume_waits_leaves_the_answer_on_the_server(
    make_window: Any, qtbot: Any, fake_server: FakeResponsesServer
) -> None:
    left, window = reopened_while_unwell(make_window, qtbot, fake_server)
    qtbot.waitUntil(lambda: len(resumes(fake_server)) >= 1, timeout=10000)
    window.close()
    assert fake_server.background.cancelled == []
    with Store(default_db_path()) as store:
        kept = store.messages(left.conversation_id)[-1]
    assert (kept.text, kept.sequence_number) == (left.text, left.sequence_number)
    assert kept.status in {"streaming", "interrupted"}  # resumed by the next start


def test_retry_fetches_the_rest_of_an_answer_the_server_still_has(
    make_window: Any, qtbot: Any, fake_server: FakeResponsesServer
) -> None:
    left, window = reopened_while_unwell(make_window, qtbot, fake_server)
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=20000)
    assert window.banner.retry.isVisible()
    kept = window.store.messages(left.conversation_id)[-1]
    assert (kept.status, kept.text) == ("interrupted", left.text)
    assert kept.sequence_number == left.sequence_number  # still resumable
    fake_server.background.failing_resumes = 0
    window.banner.retry.click()
    wait_idle(qtbot, window)
    answer = last_answer(window)
    assert (answer.id, answer.status, answer.text) == (left.id, "complete", ANSWER)
    assert len(posts(fake_server)) == 1  # fetched, not paid for again
    assert len(window.store.versions(answer.id)) == 1


def _events(job: Any) -> list[dict[str, Any]]:
    import json

    found = []
    for raw in job.events:
        for line in raw.decode().splitlines():
            if line.startswith("data: "):
                found.append(json.loads(line[6:]))
    return found


def test_an_answer_the_server_no_longer_has_is_offered_for_retry(
    make_window: Any, qtbot: Any, fake_server: FakeResponsesServer
) -> None:
    with Store(default_db_path()) as store:
        conversation = store.create_conversation("Left running")
        question = store.add_user_message(conversation.id, "Tell me more")
        answer = store.start_assistant_message(question.id, "openai/gpt-5.4-pro")
        store.update_streaming(answer.id, "Half of it", response_id="resp_gone", sequence=9)
        store.recover_interrupted()
    window = make_window()
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=10000)
    assert window.banner.retry.isVisible()
    assert "resp_gone" in window.banner.label.text()  # the server's 404, in a sentence
    saved = window.store.messages(conversation.id)[-1]
    assert (saved.status, saved.text, saved.sequence_number) == ("interrupted", "Half of it", None)
    assert resumes(fake_server) == ["/v1/responses/resp_gone?stream=true&starting_after=9"]
    fake_server.set_default("normal", answer="The whole answer.")
    window.banner.retry.click()  # asks anew: the server has nothing to resume
    wait_idle(qtbot, window)
    assert last_answer(window).text == "The whole answer."


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("refuse_400", "the server refused it (400: Unknown parameter: 'background')"),
        ("refuse_404", "the server refused it (404: Not found)"),
        ("refuse_501", "the server refused it (501: Background responses are not"),
        ("no_id", "the server gave the answer no id"),
    ],
)
def test_a_server_without_background_answers_is_learned_silently(
    make_window: Any, qtbot: Any, fake_server: FakeResponsesServer, mode: str, reason: str
) -> None:
    fake_server.background.set_mode(mode)
    fake_server.set_default("normal", answer="Plain answer.")
    window = make_window()
    send(qtbot, window, "Hello")
    wait_idle(qtbot, window)
    assert last_answer(window).text == "Plain answer."
    assert not window.banner.isVisible()  # no error for the fallback
    assert "running on the server" not in state(window)
    # Remembered in settings.toml, and the next answer asks the ordinary way at once.
    profile = Profiles(Settings()).active()
    assert (profile.keep_running, profile.background_support) == (True, "no")
    assert profile.background_note.startswith(reason)
    first = len(fake_server.requests)
    send(qtbot, window, "Again")
    wait_idle(qtbot, window)
    assert [r.json.get("background") for r in fake_server.requests[first:]] == [None]
    # Settings says so, with the reason, in plain words.
    window.settings_requested.emit()
    qtbot.waitUntil(lambda: window.settings_flow.dialog is not None, timeout=5000)
    page = window.settings_flow.dialog.connection
    assert page.keep_running.isChecked()
    note = page.keep_running_note.text()
    assert note.startswith(f"This server does not keep answers running: {reason}")
    window.settings_flow.dialog.reject()


def test_the_option_turned_off_streams_the_ordinary_way(
    make_window: Any, qtbot: Any, fake_server: FakeResponsesServer
) -> None:
    settings = Settings()
    window = make_window(settings=settings)
    window.settings_requested.emit()
    qtbot.waitUntil(lambda: window.settings_flow.dialog is not None, timeout=5000)
    dialog = window.settings_flow.dialog
    assert dialog.connection.keep_running.isChecked()  # on by default
    assert "finds out with the next answer" in dialog.connection.keep_running_note.text()
    dialog.connection.keep_running.setChecked(False)
    assert dialog.apply()
    dialog.accept()
    assert "keep_running = false" in settings.path.read_text()
    fake_server.set_default("normal", answer="Plain answer.")
    send(qtbot, window, "Hello")
    wait_idle(qtbot, window)
    assert last_answer(window).text == "Plain answer."
    assert "background" not in fake_server.requests[-1].json
