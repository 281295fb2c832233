"""A whole session from the keyboard alone, against the fake server: first start,
settings and token, chat, stop, regenerate, search, switch, export, quit.

Keys go to whatever has focus, as they would for a person; every mouse helper
is replaced by one that fails, so not a single mouse event can be sent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from tests.ui.conftest import last_question, run_js

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
TOKEN = "kb-session-token-0f9e"


def focused() -> Any:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has keyboard focus"
    return widget


def press(qtbot: Any, key: Qt.Key, modifiers: Any = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), key, modifiers)


def type_text(qtbot: Any, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def answers(qtbot: Any, window: Any) -> str:
    return run_js(
        qtbot,
        window.view,
        "Array.from(document.querySelectorAll('.turn.assistant .answer'))"
        ".map(e => e.textContent).join('|')",
    )


def test_whole_session_without_the_mouse(
    make_window: Any, qtbot: Any, fake_server: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    # Nothing may click: every way a test can send a mouse event fails loudly.
    # (Under Xvfb there is no real pointer, so no other mouse events exist.)
    from PySide6.QtTest import QTest

    def no_mouse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("a mouse event was sent in the keyboard-only session")

    for name in ("mouseClick", "mousePress", "mouseRelease", "mouseDClick", "mouseMove"):
        monkeypatch.setattr(QTest, name, no_mouse)
        monkeypatch.setattr(qtbot, name, no_mouse)
    _session(make_window, qtbot, fake_server, tmp_path)


def _session(make_window: Any, qtbot: Any, fake_server: Any, tmp_path: Path) -> None:
    # First start: no token anywhere, so Settings opens by itself.
    window = make_window(environ={"PARLEY_BASE_URL": fake_server.base_url}, first_run=True)
    qtbot.waitUntil(lambda: window.settings_flow.dialog is not None, timeout=5000)
    dialog = window.settings_flow.dialog
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    press(qtbot, Qt.Key.Key_T, ALT)  # "API &token"
    assert focused() is dialog.connection.token_edit
    type_text(qtbot, TOKEN)
    press(qtbot, Qt.Key.Key_Return)  # OK is the default button
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)

    # Chat.
    press(qtbot, Qt.Key.Key_L, CTRL)
    assert focused() is window.composer.editor
    fake_server.set_default("normal", answer="Kettles boil at 100 °C at sea level.")
    type_text(qtbot, "When does water boil?")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.composer.busy and bool(fake_server.requests), timeout=15000)
    assert fake_server.requests[-1].headers["authorization"] == f"Bearer {TOKEN}"
    assert "100 °C" in answers(qtbot, window)
    first = window.current.id

    # Stop a slow answer with Esc.
    fake_server.set_default("slow", first_byte_delay=30)
    type_text(qtbot, "And on Everest?")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.composer.busy, timeout=5000)
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.composer.busy, timeout=3000)
    assert window.status.state_label.text() == "Stopped"

    # Regenerate it.
    fake_server.set_default("normal", answer="About 70 °C on Everest.")
    press(qtbot, Qt.Key.Key_R, CTRL)
    qtbot.waitUntil(lambda: "70 °C" in answers(qtbot, window), timeout=15000)
    assert last_question(fake_server.requests[-1].json) == "And on Everest?"

    # A second conversation, then switch back with Ctrl+PgUp/PgDn.
    press(qtbot, Qt.Key.Key_N, CTRL)
    fake_server.set_default("normal", answer="Paris.")
    type_text(qtbot, "Capital of France?")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: not window.composer.busy and "Paris" in answers(qtbot, window), timeout=15000
    )
    second = window.current.id
    assert second != first
    press(qtbot, Qt.Key.Key_PageDown, CTRL)
    assert window.current.id == first
    press(qtbot, Qt.Key.Key_PageUp, CTRL)
    assert window.current.id == second

    # Search everything and open the hit.
    press(qtbot, Qt.Key.Key_F, CTRL | SHIFT)
    qtbot.waitUntil(lambda: isinstance(focused(), QLineEdit), timeout=5000)
    type_text(qtbot, "Everest")
    qtbot.wait(400)  # the dialog searches 120 ms after the last key
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current.id == first, timeout=5000)

    # Export through the command palette into a file dialog, all typed.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    press(qtbot, Qt.Key.Key_K, CTRL)
    qtbot.waitUntil(lambda: isinstance(focused(), QLineEdit), timeout=5000)
    type_text(qtbot, "export as markdown")
    press(qtbot, Qt.Key.Key_Return)
    target = tmp_path / "boiling.md"
    qtbot.waitUntil(lambda: isinstance(focused(), QLineEdit), timeout=5000)
    field = focused()
    field.selectAll()
    type_text(qtbot, str(target))
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(target.exists, timeout=5000)
    exported = target.read_text(encoding="utf-8")
    assert "When does water boil?" in exported and "70 °C" in exported

    # Quit.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    press(qtbot, Qt.Key.Key_Q, CTRL)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
