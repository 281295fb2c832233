"""The command palette: the fuzzy matcher on its own, then the palette over
the real window's actions, driven by the keyboard only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QWidget

from desktop.store import Store
from desktop.store.paths import default_db_path
from desktop.ui.widgets.command_palette import CONVERSATION_PREFIX, CommandPalette
from desktop.ui.widgets.fuzzy import fuzzy_score, fuzzy_sorted
from tests.ui.test_main_window import send, wait_idle

COMMANDS = [
    "New Conversation",
    "Next Conversation",
    "Copy Last Answer",
    "Copy Last Code Block",
    "Conversation Settings",
    "Settings…",
    "Zoom In",
    "Show Sidebar",
]

# ------------------------------------------------------------------ fuzzy


def test_fuzzy_requires_the_letters_in_order() -> None:
    assert fuzzy_score("zi", "Zoom In") is not None
    assert fuzzy_score("iz", "Zoom In") is None
    assert fuzzy_score("zoomx", "Zoom In") is None
    assert fuzzy_score("a much longer query", "Quit") is None


def test_fuzzy_ignores_case_and_spaces_in_the_query() -> None:
    assert fuzzy_score("ZOOM", "zoom in") == fuzzy_score("zoom", "Zoom In")
    assert fuzzy_score("zoom in", "Zoom In") == fuzzy_score("zoomin", "Zoom In")


def test_fuzzy_empty_query_matches_everything_equally() -> None:
    assert fuzzy_score("", "Anything") == 0.0
    assert fuzzy_score("   ", "") == 0.0
    assert fuzzy_sorted("", COMMANDS) == list(range(len(COMMANDS)))


def test_fuzzy_prefers_word_starts() -> None:
    # "cs": C-onversation S-ettings beats the c…s scattered inside "Copy Last Answer".
    assert fuzzy_sorted("cs", COMMANDS)[0] == COMMANDS.index("Conversation Settings")
    assert fuzzy_score("nc", "New Conversation") > fuzzy_score("nc", "Find in Conversation")


def test_fuzzy_prefers_contiguous_runs() -> None:
    assert fuzzy_score("set", "Settings…") > fuzzy_score("set", "Show Extra Tabs")
    assert fuzzy_score("ode", "Barcode") > fuzzy_score("ode", "Boxed tide")
    assert fuzzy_score("code", "Copy Last Code Block") > fuzzy_score("code", "Color of debate")


def test_fuzzy_prefers_an_early_match_and_a_shorter_text() -> None:
    assert fuzzy_score("new", "New Conversation") > fuzzy_score("new", "Start a New Conversation")
    assert fuzzy_score("zoom", "Zoom") > fuzzy_score("zoom", "Zoom In")


def test_fuzzy_ranks_what_a_person_means_first() -> None:
    def best(query: str) -> str:
        return COMMANDS[fuzzy_sorted(query, COMMANDS)[0]]

    assert best("new") == "New Conversation"
    assert best("ccb") == "Copy Last Code Block"
    assert best("set") == "Settings…"
    assert best("conv set") == "Conversation Settings"
    assert best("side") == "Show Sidebar"
    assert fuzzy_sorted("xyz", COMMANDS) == []


def test_fuzzy_keeps_positions_when_casefold_changes_length() -> None:
    assert fuzzy_score("strasse", "Straße") is None
    assert fuzzy_score("stra", "Straße") is not None


# ---------------------------------------------------------------- palette


@pytest.fixture
def palette_for(qtbot: Any) -> Iterator[Any]:
    """Makes a palette over a window's actions and wires its `palette` action
    to it, as MainWindow does."""
    made: list[CommandPalette] = []

    def make(window: Any, conversations: Any = list) -> CommandPalette:
        palette = CommandPalette(list(window.actions_by_id.values()), conversations, window)
        window.actions_by_id["palette"].triggered.connect(palette.popup)
        made.append(palette)
        return palette

    yield make
    for palette in made:
        palette.close()


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


@pytest.mark.gui
def test_ctrl_k_filter_and_enter_runs_an_action(
    make_window: Any, palette_for: Any, qtbot: Any
) -> None:
    window = make_window()
    palette = palette_for(window)
    qtbot.waitUntil(lambda: window.focusWidget() is window.composer.editor, timeout=3000)
    assert window.sidebar.isVisible()

    qtbot.keyClick(window.composer.editor, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(palette.isVisible, timeout=3000)
    qtbot.waitUntil(lambda: focused() is palette.edit, timeout=3000)
    assert palette.current_label() == palette.labels()[0]
    assert "Command Palette…" not in palette.labels()

    qtbot.keyClicks(focused(), "sidebar")
    assert palette.current_label() is not None
    assert palette.current_label().startswith("Show Sidebar")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    assert not palette.isVisible()
    assert not window.sidebar.isVisible()
    assert not window.actions_by_id["toggle_sidebar"].isChecked()


@pytest.mark.gui
def test_arrows_move_and_wrap_escape_closes(make_window: Any, palette_for: Any, qtbot: Any) -> None:
    window = make_window()
    palette = palette_for(window)
    window.actions_by_id["palette"].trigger()
    qtbot.waitUntil(palette.isVisible, timeout=3000)
    labels = palette.labels()
    qtbot.keyClick(palette.edit, Qt.Key.Key_Down)
    assert palette.current_label() == labels[1]
    qtbot.keyClick(palette.edit, Qt.Key.Key_Up)
    qtbot.keyClick(palette.edit, Qt.Key.Key_Up)
    assert palette.current_label() == labels[-1]
    qtbot.keyClick(palette.edit, Qt.Key.Key_PageUp)
    assert palette.current_label() == labels[-10]
    qtbot.keyClick(palette.edit, Qt.Key.Key_PageDown)
    assert palette.current_label() == labels[-1]

    qtbot.keyClicks(palette.edit, "no such command qqq")
    assert palette.labels() == []
    assert palette.empty.isVisibleTo(palette)
    qtbot.keyClick(palette.edit, Qt.Key.Key_Return)  # nothing to run: stays open
    assert palette.isVisible()
    qtbot.keyClick(palette.edit, Qt.Key.Key_Escape)
    assert not palette.isVisible()


@pytest.mark.gui
def test_disabled_actions_are_left_out_and_a_click_runs(
    make_window: Any, palette_for: Any, qtbot: Any
) -> None:
    window = make_window()
    palette = palette_for(window)
    window.actions_by_id["zoom_out"].setEnabled(False)
    hits: list[str] = []
    zoom_reset: QAction = window.actions_by_id["zoom_reset"]
    zoom_reset.triggered.connect(lambda _checked=False: hits.append("zoom_reset"))
    palette.popup()
    qtbot.waitUntil(palette.isVisible, timeout=3000)
    assert "Zoom Out" not in palette.labels()
    qtbot.keyClicks(palette.edit, "actual")
    rect = palette.list.visualItemRect(palette.list.item(0))
    qtbot.mouseClick(palette.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert hits == ["zoom_reset"]
    assert not palette.isVisible()


@pytest.mark.gui
def test_conversations_appear_and_open(
    make_window: Any, palette_for: Any, qtbot: Any, fake_server: Any
) -> None:
    fake_server.set_default("normal", answer="An answer.")
    window = make_window()
    for question in ("Trains meeting halfway", "Haiku about green tea"):
        window.new_conversation()
        send(qtbot, window, question)
        wait_idle(qtbot, window)
    with Store(default_db_path()) as store:
        rows = [(c.id, c.title) for c in store.list_conversations()]
    assert len(rows) == 2
    palette = palette_for(window, lambda: rows)
    chosen: list[int] = []
    palette.conversation_chosen.connect(chosen.append)
    palette.conversation_chosen.connect(window.open_conversation)

    palette.popup()
    qtbot.waitUntil(palette.isVisible, timeout=3000)
    titles = [label for label in palette.labels() if label.startswith(CONVERSATION_PREFIX)]
    assert titles == [f"{CONVERSATION_PREFIX}{title}" for _id, title in rows]

    trains = next(conv_id for conv_id, title in rows if title.startswith("Trains"))
    qtbot.keyClicks(palette.edit, "trains half")
    assert palette.current_label() == f"{CONVERSATION_PREFIX}{dict(rows)[trains]}"
    qtbot.keyClick(palette.edit, Qt.Key.Key_Enter)
    assert chosen == [trains]
    assert window.sidebar.current_id() == trains


@pytest.mark.gui
def test_window_builds_its_palette_on_first_use(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    assert window._command_palette is None  # not at start-up
    window.actions_by_id["palette"].trigger()
    palette = window.command_palette
    qtbot.waitUntil(palette.isVisible, timeout=3000)
    assert len(palette.labels()) >= len(window.actions_by_id) - 1  # every other command
    palette.close()
    window.actions_by_id["palette"].trigger()
    assert window.command_palette is palette  # built once
    qtbot.waitUntil(palette.isVisible, timeout=3000)
    palette.close()
    assert callable(window.palette)  # QWidget.palette() is no longer shadowed
