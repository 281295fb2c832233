"""Every command of the window, declared once: text, shortcuts, menu, help.

The menus, the command palette and the shortcut sheet are all generated from
`ACTIONS`, so a shortcut cannot be shown in one place and differ in another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

Std = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    menu: str  # "File", "Edit", "View", "Conversation", "Help"
    keys: tuple[str | QKeySequence.StandardKey, ...] = ()
    help: str = ""
    checkable: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new", "&New Conversation", "File", (Std.New,), "Start a new conversation"),
    ActionSpec(
        "settings", "&Settings…", "File", ("Ctrl+,",), "Connection, token, model, parameters"
    ),
    ActionSpec("quit", "&Quit", "File", ("Ctrl+Q",), "Quit Parley"),
    ActionSpec(
        "focus_composer",
        "Focus &Composer",
        "Edit",
        ("Ctrl+L",),
        "Move the cursor to the message box",
    ),
    ActionSpec(
        "stop", "S&top Answer", "Conversation", ("Esc",), "Stop the answer that is streaming"
    ),
    ActionSpec(
        "copy_answer",
        "Copy Last &Answer",
        "Edit",
        ("Ctrl+Shift+C",),
        "Copy the last answer as Markdown",
    ),
    ActionSpec(
        "copy_code", "Copy Last Code &Block", "Edit", ("Ctrl+Shift+K",), "Copy the last code block"
    ),
    ActionSpec(
        "find", "&Find in Conversation…", "Edit", (Std.Find,), "Highlight text in this conversation"
    ),
    ActionSpec("find_next", "Find &Next", "Edit", (Std.FindNext,), "Next match"),
    ActionSpec("find_previous", "Find Pre&vious", "Edit", (Std.FindPrevious,), "Previous match"),
    ActionSpec("zoom_in", "Zoom &In", "View", ("Ctrl+=", "Ctrl++"), "Larger conversation text"),
    ActionSpec("zoom_out", "Zoom &Out", "View", ("Ctrl+-",), "Smaller conversation text"),
    ActionSpec("zoom_reset", "&Actual Size", "View", ("Ctrl+0",), "Reset the zoom"),
    ActionSpec(
        "toggle_sidebar",
        "Show &Sidebar",
        "View",
        ("Ctrl+B",),
        "Show or hide the conversation list",
        True,
    ),
    ActionSpec(
        "theme_system",
        "Theme: &System",
        "View",
        (),
        "Follow the system's light or dark setting",
        True,
    ),
    ActionSpec("theme_light", "Theme: &Light", "View", (), "Always light", True),
    ActionSpec("theme_dark", "Theme: &Dark", "View", (), "Always dark", True),
    ActionSpec("scroll_top", "Scroll to &Top", "View", ("Ctrl+Home",), "First message"),
    ActionSpec("scroll_bottom", "Scroll to &Bottom", "View", ("Ctrl+End",), "Latest message"),
    ActionSpec(
        "previous_conversation",
        "&Previous Conversation",
        "Conversation",
        ("Ctrl+PgUp",),
        "Go up the list",
    ),
    ActionSpec(
        "next_conversation",
        "&Next Conversation",
        "Conversation",
        ("Ctrl+PgDown", "Ctrl+Tab"),
        "Go down the list",
    ),
    ActionSpec(
        "delete_conversation",
        "&Delete Conversation",
        "Conversation",
        (),
        "Delete this conversation (Delete in the list)",
    ),
    ActionSpec("retry", "&Retry", "Conversation", (), "Send the last question again"),
    ActionSpec(
        "conversation_settings",
        "Conversation &Settings",
        "Conversation",
        ("Ctrl+Shift+,",),
        "Model and parameters for this conversation only",
    ),
)


def key_sequences(spec: ActionSpec) -> list[QKeySequence]:
    result: list[QKeySequence] = []
    for key in spec.keys:
        if isinstance(key, str):
            result.append(QKeySequence(key))
        else:
            result.extend(QKeySequence.keyBindings(key))
    return result


def build_actions(parent: QWidget, handlers: dict[str, Callable[[], None]]) -> dict[str, QAction]:
    """Creates a QAction per spec, wired to `handlers[spec.id]`."""
    actions: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(spec.text, parent)
        action.setObjectName(f"action_{spec.id}")
        action.setShortcuts(key_sequences(spec))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setStatusTip(spec.help)
        action.setToolTip(spec.help)
        action.setCheckable(spec.checkable)
        handler = handlers.get(spec.id)
        if handler is not None:
            action.triggered.connect(lambda _checked=False, h=handler: h())
        parent.addAction(action)
        actions[spec.id] = action
    return actions
