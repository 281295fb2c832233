"""Keyboard and screen-reader audit of the real main window: every control
Tab can reach has a name, and Tab / Shift+Tab go round the whole window and
come back to the message box — through the conversation page, never stuck in it."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QCheckBox, QLabel, QWidget

from tests.ui.conftest import run_js
from tests.ui.test_main_window import ask

pytestmark = pytest.mark.gui

# Controls known to lack a name, owned by other modules; each is a bug to fix
# there, after which `test_no_known_gaps_remain` XPASSes and this set goes.
KNOWN_GAPS: set[str] = set()

ANSWER = (
    "See [the docs](https://example.com/docs) and run:\n\n"
    "```python\nprint('hello')\n```\n\nThen [report back](https://example.com/report).\n"
)

MAX_STOPS = 40


def path(widget: QWidget) -> str:
    """The nearest named ancestor and the widget's class, e.g. "sidebar > _List"."""
    own = widget.objectName() or type(widget).__name__
    parent = widget.parentWidget()
    while parent is not None and not parent.objectName():
        parent = parent.parentWidget()
    return f"{parent.objectName()} > {own}" if parent is not None else own


def is_named(widget: QWidget, buddies: set[QWidget]) -> bool:
    if widget.accessibleName().strip() or widget in buddies:
        return True
    if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
        return True
    # A QWebEngineView's page widget stands in for the named view (its focus proxy).
    parent = widget.parentWidget()
    return parent is not None and parent.focusProxy() is widget and is_named(parent, buddies)


def tab_focusable(window: QWidget) -> list[QWidget]:
    return [
        w
        for w in window.findChildren(QWidget)
        if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]


def unnamed(window: QWidget) -> set[str]:
    buddies = {label.buddy() for label in window.findChildren(QLabel) if label.buddy()}
    return {path(w) for w in tab_focusable(window) if not is_named(w, buddies)}


def show_everything(window: Any) -> None:
    """Brings up the optional controls: find bar, per-conversation panel with
    every override on, and a non-empty message box (so Send is enabled)."""
    window.actions_by_id["find"].trigger()
    window.actions_by_id["conversation_settings"].trigger()
    for box in window.panel_dock.findChildren(QCheckBox):
        box.setChecked(True)
    window.composer.set_text("hello")


def test_every_focusable_control_has_a_name(make_window: Any) -> None:
    window = make_window()
    show_everything(window)
    assert len(tab_focusable(window)) > 10
    assert unnamed(window) <= KNOWN_GAPS


def test_no_known_gaps_remain(make_window: Any) -> None:
    window = make_window()
    show_everything(window)
    assert unnamed(window) == set()


# ------------------------------------------------------------- Tab cycle


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def page_focus(qtbot: Any, window: Any) -> str:
    """What has focus inside the conversation page ("" for the page itself)."""
    return run_js(
        qtbot,
        window.view,
        "(() => { const e = document.activeElement;"
        " if (!e || e === document.body) return '';"
        " return e.tagName + '.' + e.className + ':' + (e.textContent || '').slice(0, 24); })()",
    )


def in_view(window: Any, widget: QWidget) -> bool:
    return window.view.isAncestorOf(widget) or widget is window.view


def tab_round(qtbot: Any, window: Any, backward: bool = False) -> list[str]:
    """Presses Tab (or Shift+Tab) from the message box until focus is back in
    it; returns each stop: a widget path, or "page: …" inside the page."""
    window.composer.editor.setFocus()
    qtbot.waitUntil(lambda: focused() is window.composer.editor, timeout=3000)
    key = Qt.Key.Key_Backtab if backward else Qt.Key.Key_Tab
    mods = Qt.KeyboardModifier.ShiftModifier if backward else Qt.KeyboardModifier.NoModifier
    stops: list[str] = []
    for _ in range(MAX_STOPS):
        current = focused()
        inside = in_view(window, current)
        before = page_focus(qtbot, window) if inside else ""
        qtbot.keyClick(current, key, mods)
        if inside:
            # Chromium moves focus inside the page, or hands it back to Qt at the end.
            for _poll in range(100):
                if focused() is not current or page_focus(qtbot, window) != before:
                    break
            else:
                pytest.fail(f"Tab did nothing in the page after {stops}")
        else:
            qtbot.waitUntil(lambda w=current: focused() is not w, timeout=3000)
        now = focused()
        if now is window.composer.editor:
            return stops
        if in_view(window, now):
            stops.append(f"page: {page_focus(qtbot, window)}")
        else:
            stops.append(path(now))
    pytest.fail(f"focus never came back to the message box: {stops}")


@pytest.mark.parametrize("backward", [False, True], ids=["tab", "shift-tab"])
def test_tab_goes_round_an_empty_window(make_window: Any, qtbot: Any, backward: bool) -> None:
    window = make_window()
    window.composer.set_text("hello")
    stops = tab_round(qtbot, window, backward)
    assert "composer > sendButton" in stops
    assert "sidebar > newChat" in stops
    assert any(stop.startswith("sidebar > ") and "List" in stop for stop in stops)
    assert any(stop.startswith("page") for stop in stops)


@pytest.mark.parametrize("backward", [False, True], ids=["tab", "shift-tab"])
def test_tab_passes_through_the_page_and_out(
    make_window: Any, qtbot: Any, fake_server: Any, backward: bool
) -> None:
    fake_server.set_default("normal", answer=ANSWER)
    window = make_window()
    ask(qtbot, window, "Where are the docs?")
    stops = tab_round(qtbot, window, backward)
    page_stops = [stop for stop in stops if stop.startswith("page: ")]
    assert any("the docs" in stop for stop in page_stops), stops
    assert any("report back" in stop for stop in page_stops), stops
    # Leaving the page goes on to the Qt controls (no trap either way).
    assert "sidebar > newChat" in stops
    nameless = run_js(
        qtbot,
        window.view,
        "Array.from(document.querySelectorAll('a[href], button, summary, input, [tabindex]'))"
        ".filter(e => !(e.getAttribute('aria-label') || e.textContent).trim())"
        ".map(e => e.outerHTML.slice(0, 80))",
    )
    assert nameless == []


def test_tab_order_follows_the_layout(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    window.composer.set_text("hello")
    assert tab_round(qtbot, window) == [
        "composer > sendButton",
        "sidebar > newChat",
        "sidebar > conversationFilter",
        "sidebar > _List",
        "page: ",
        "composer > attachButton",
    ]
