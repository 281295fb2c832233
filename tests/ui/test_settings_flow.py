"""The settings dialog as the window uses it: first start, connection test on a
worker thread, and per-conversation overrides reaching the request body."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import TOKEN, last_question

pytestmark = pytest.mark.gui


def test_first_start_without_token_opens_settings(qtbot: Any, make_window: Any) -> None:
    window = make_window(environ={}, first_run=True)
    qtbot.waitUntil(lambda: window.settings_flow.dialog is not None, timeout=3000)
    dialog = window.settings_flow.dialog
    assert dialog.isVisible()
    assert dialog.windowTitle() == "Parley Settings"
    dialog.reject()


def test_connection_test_runs_on_worker_and_reports(
    qtbot: Any, make_window: Any, fake_server: Any
) -> None:
    window = make_window()
    dialog = window.settings_flow.open()
    fake_server.set_default("nonstream", answer="OK")
    with qtbot.waitSignal(dialog.test_requested, timeout=3000):
        dialog.connection.test_button.click()
    qtbot.waitUntil(lambda: "Connected" in dialog.connection.test_result.text(), timeout=10000)
    sent = fake_server.requests[-1]
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.json["max_output_tokens"] == 16
    fake_server.set_default("http_401")
    dialog.connection.test_button.click()
    qtbot.waitUntil(lambda: "token" in dialog.connection.test_result.text().lower(), timeout=10000)
    assert TOKEN not in dialog.connection.test_result.text()
    dialog.reject()


def test_conversation_override_wins_over_global(
    qtbot: Any, make_window: Any, fake_server: Any
) -> None:
    window = make_window()
    store = window.store
    fake_server.set_default("normal", answer="fine")
    window.actions_by_id["conversation_settings"].trigger()
    assert window.panel_dock.isVisible()
    panel = window.panel_flow.panel
    panel.boxes["model"].setChecked(True)
    panel.fields["model"].set_value("gpt-5.4")
    window.composer.set_text("Which model?")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.composer.busy and bool(fake_server.requests), timeout=10000)
    body = fake_server.requests[-1].json
    assert body["model"] == "gpt-5.4"
    assert last_question(body) == "Which model?"
    assert store.conversation_settings(window.current.id)["model"] == "gpt-5.4"
    assert window.status.model_label.text() == "gpt-5.4"


def test_panel_is_built_on_first_show_with_the_open_conversations_overrides(
    qtbot: Any, make_window: Any
) -> None:
    window = make_window()
    store = window.store
    chat = store.create_conversation("tuned")
    store.set_conversation_settings(chat.id, {"temperature": 0.3})
    window.open_conversation(chat.id)
    assert not window.panel_flow.built  # start-up does not pay for it
    window.actions_by_id["conversation_settings"].trigger()
    panel = window.panel_flow.panel
    assert panel is not None and window.panel_dock.widget() is not None
    assert panel.overrides() == {"temperature": 0.3}
    # It fits its dock: no field cut off behind a horizontal scroll bar.
    qtbot.waitUntil(lambda: panel.isVisible(), timeout=3000)
    scroller = window.panel_dock.widget()
    assert scroller.width() >= panel.minimumSizeHint().width()
    qtbot.waitUntil(lambda: not scroller.horizontalScrollBar().isVisible(), timeout=3000)
    assert panel.width() <= scroller.viewport().width()
    # Built once: hiding and showing again keeps the same panel.
    window.actions_by_id["conversation_settings"].trigger()
    window.actions_by_id["conversation_settings"].trigger()
    assert window.panel_flow.panel is panel


def test_request_body_reflects_every_parameter_and_omits_unset(
    qtbot: Any, make_window: Any, fake_server: Any, isolated_dirs: Any
) -> None:
    from desktop.config.settings import Settings

    settings = Settings()
    settings.update(
        {
            "model": "openai/gpt-5.4",
            "instructions": "Be brief.",
            "temperature": 0.4,
            "top_p": 0.8,
            "max_output_tokens": 900,
            "reasoning_effort": "high",
            "reasoning_summary": "concise",
            "text_verbosity": "low",
            "web_search": True,
            "tool_choice": "auto",
            "max_tool_calls": 3,
            "store": False,
        }
    )
    fake_server.set_default("normal", answer="ok")
    window = make_window(settings=settings)
    window.composer.set_text("Every knob")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.composer.busy and bool(fake_server.requests), timeout=10000)
    body = fake_server.requests[-1].json
    assert body["model"] == "openai/gpt-5.4"
    assert body["instructions"] == "Be brief."
    assert body["temperature"] == 0.4
    assert body["top_p"] == 0.8
    assert body["max_output_tokens"] == 900
    assert body["reasoning"] == {"effort": "high", "summary": "concise"}
    assert body["text"] == {"verbosity": "low"}
    assert body["tools"] == [{"type": "web_search"}]
    assert body["tool_choice"] == "auto"
    assert body["max_tool_calls"] == 3
    assert body["store"] is False
    assert body["stream"] is True
    assert "previous_response_id" not in body

    # With defaults, only what the user set goes out (and the request for the encrypted
    # reasoning that the next question carries back, and the profile's ask that the
    # server keep the answer running). `store` set false above asked for none of that.
    fake_server.set_default("normal", answer="ok")
    plain = make_window(settings=Settings(isolated_dirs["config"] / "other.toml"))
    plain.composer.set_text("Nothing set")
    qtbot.keyClick(plain.composer.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: not plain.composer.busy and len(fake_server.requests) == 2, timeout=10000
    )
    assert set(fake_server.requests[-1].json) == {
        "model",
        "input",
        "stream",
        "include",
        "background",
        "store",
    }


class _CountingSecrets:
    """Stands in for LazyKeyringSecrets: counts warm-ups."""

    def __init__(self) -> None:
        self.warm_ups = 0

    def warm_up(self) -> None:
        self.warm_ups += 1


@pytest.mark.parametrize("token_in_env", [False, True], ids=["keyring-token", "env-token"])
def test_keyring_warms_up_after_the_first_frame_only_when_needed(
    qtbot: Any, make_window: Any, token_in_env: bool
) -> None:
    from desktop.gui import _warm_up_after_first_paint

    window = make_window()
    secrets = _CountingSecrets()
    environ = {"CLOUDFLARE_API_TOKEN": TOKEN} if token_in_env else {}
    _warm_up_after_first_paint(window, secrets, environ)  # type: ignore[arg-type]
    assert secrets.warm_ups == 0  # nothing before the frame
    window.first_painted.emit()
    window.first_painted.emit()
    assert secrets.warm_ups == (0 if token_in_env else 1)


def test_first_painted_comes_once_even_for_an_empty_window(qtbot: Any, make_window: Any) -> None:
    """Start-up's deferred work hangs on this signal: an empty history (a first
    start) must produce it too, and only once however many loads follow."""
    window = make_window()
    assert window.current.id is None
    qtbot.waitUntil(lambda: window.display.painted_once, timeout=5000)
    later: list[int] = []
    window.first_painted.connect(lambda: later.append(1))
    for _ in range(2):
        with qtbot.waitSignal(window.view.turns_painted, timeout=5000):
            window.new_conversation()
    assert later == []


def test_closing_the_window_ends_a_connection_test_still_running(
    qtbot: Any, make_window: Any, fake_server: Any
) -> None:
    """A connection test waiting on a slow server is stopped and its thread waited
    for when the window closes (a QThread destroyed while it runs aborts the app)."""
    window = make_window()
    dialog = window.settings_flow.open()
    fake_server.set_default("slow")
    dialog.connection.test_button.click()
    qtbot.waitUntil(lambda: window.settings_flow._test is not None, timeout=3000)
    thread = window.settings_flow._test.worker_thread
    qtbot.waitUntil(lambda: bool(fake_server.requests), timeout=5000)
    dialog.reject()
    window.close()
    assert thread.isFinished()
