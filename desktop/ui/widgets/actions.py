"""Every command of the window, declared once: text, shortcuts, menu, help.

The menus, the command palette and the shortcut sheet are all generated from
`ACTIONS`, so a shortcut cannot be shown in one place and differ in another.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

Std = QKeySequence.StandardKey

# The menu bar, left to right; `ActionSpec.menu` is one of these.
MENUS: tuple[str, ...] = ("File", "Edit", "View", "Conversation", "Help")


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    menu: str
    # Portable key strings ("Ctrl+L"; Ctrl is ⌘ on macOS) or a StandardKey,
    # which expands to the platform's own list of bindings.
    keys: tuple[str | QKeySequence.StandardKey, ...] = ()
    help: str = ""
    checkable: bool = False


@dataclass(frozen=True)
class ComposerKey:
    """A key the message box handles itself, listed in the shortcut sheet.

    `same_as` names the action bound to the same key with the same meaning
    (Esc stops the answer whether or not the box has focus)."""

    keys: tuple[str, ...]
    help: str
    same_as: str = ""


ACTIONS: tuple[ActionSpec, ...] = (
    # File
    ActionSpec("new", "&New Conversation", "File", (Std.New,), "Start a new conversation"),
    ActionSpec(
        "attach",
        "&Attach Files…",
        "File",
        (Std.Open,),
        "Attach images, PDF or text files to the next question",
    ),
    ActionSpec(
        "import_json",
        "&Import Conversation…",
        "File",
        (),
        "Add a conversation from a JSON export",
    ),
    ActionSpec(
        "export_markdown",
        "Export as &Markdown…",
        "File",
        (),
        "Save this conversation as a Markdown file",
    ),
    ActionSpec(
        "export_html", "Export as &HTML…", "File", (), "Save this conversation as a web page"
    ),
    ActionSpec(
        "export_json",
        "Export as &JSON…",
        "File",
        (),
        "Save this conversation with its settings, for importing later",
    ),
    ActionSpec(
        "settings", "&Settings…", "File", ("Ctrl+,",), "Connection, token, model, parameters"
    ),
    ActionSpec("quit", "&Quit", "File", ("Ctrl+Q",), "Quit Parley"),
    # Edit
    ActionSpec(
        "focus_composer",
        "Focus &Composer",
        "Edit",
        ("Ctrl+L",),
        "Move the cursor to the message box",
    ),
    ActionSpec(
        "edit_last",
        "&Edit Last Question",
        "Edit",
        ("Ctrl+Shift+E",),
        "Put the last question back in the message box (Up in an empty box)",
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
    ActionSpec(
        "search",
        "&Search All Conversations…",
        "Edit",
        ("Ctrl+Shift+F",),
        "Find text in every conversation",
    ),
    # View
    ActionSpec(
        "palette",
        "Command &Palette…",
        "View",
        ("Ctrl+K", "Ctrl+Shift+P"),
        "Run any command or open a conversation by typing part of its name",
    ),
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
    # Conversation
    ActionSpec(
        "stop", "S&top Answer", "Conversation", ("Esc",), "Stop the answer that is streaming"
    ),
    ActionSpec(
        "regenerate",
        "Re&generate Answer",
        "Conversation",
        ("Ctrl+R",),
        "Ask for a new answer to the last question",
    ),
    ActionSpec("retry", "&Retry", "Conversation", (), "Send the last question again"),
    ActionSpec(
        "previous_conversation",
        "&Previous Conversation",
        "Conversation",
        ("Ctrl+PgUp", "Ctrl+Shift+Tab"),
        "Go up the list",
    ),
    ActionSpec(
        "next_conversation",
        "&Next Conversation",
        "Conversation",
        ("Ctrl+PgDown", "Ctrl+Tab"),
        "Go down the list",
    ),
    ActionSpec("rename", "Re&name Conversation…", "Conversation", ("F2",), "Change the title"),
    ActionSpec(
        "pin",
        "P&in Conversation",
        "Conversation",
        (),
        "Keep this conversation at the top of the list",
        True,
    ),
    ActionSpec(
        "delete_conversation",
        "&Delete Conversation",
        "Conversation",
        (),
        "Delete this conversation (Delete in the list)",
    ),
    ActionSpec(
        "conversation_settings",
        "Conversation &Settings",
        "Conversation",
        ("Ctrl+Shift+,",),
        "Model and parameters for this conversation only",
    ),
    # Help
    ActionSpec(
        "shortcuts",
        "&Keyboard Shortcuts",
        "Help",
        (Std.HelpContents, "Ctrl+/"),
        "Every shortcut on one sheet",
    ),
    ActionSpec("about", "&About Parley", "Help", (), "Version, licence and where logs are kept"),
)

COMPOSER_KEYS: tuple[ComposerKey, ...] = (
    ComposerKey(("Enter", "Return"), "Send the message"),
    ComposerKey(("Shift+Enter", "Shift+Return"), "Start a new line"),
    ComposerKey(("Esc",), "Stop the answer", same_as="stop"),
    ComposerKey(("Up",), "Edit the last question (in an empty box)", same_as="edit_last"),
    ComposerKey(("PgUp",), "Scroll the conversation up"),
    ComposerKey(("PgDown",), "Scroll the conversation down"),
)

SPECS_BY_ID: dict[str, ActionSpec] = {spec.id: spec for spec in ACTIONS}


def _on_common_keyboards(sequence: QKeySequence) -> bool:
    """False for a bare dedicated key ("New", "Find", "Help", "Zoom In") that a
    StandardKey lists but almost no keyboard has: the sheet would show it as a
    shortcut nobody can press."""
    combo = sequence[0]  # type: ignore[index]  # QKeySequence.operator[] is not in the stubs
    modifiers: Qt.KeyboardModifier = combo.keyboardModifiers()
    key: Qt.Key = combo.key()
    return modifiers != Qt.KeyboardModifier.NoModifier or key.value < Qt.Key.Key_Menu.value


def key_sequences(spec: ActionSpec) -> list[QKeySequence]:
    """The spec's shortcuts on this platform, StandardKeys expanded."""
    result: list[QKeySequence] = []
    for key in spec.keys:
        if isinstance(key, str):
            result.append(QKeySequence(key))
        else:
            result.extend(s for s in QKeySequence.keyBindings(key) if _on_common_keyboards(s))
    return result


def spec_of(action: QAction) -> ActionSpec | None:
    """The spec a QAction made by `build_actions` came from."""
    return SPECS_BY_ID.get(action.objectName().removeprefix("action_"))


def plain_text(action: QAction) -> str:
    """The action's text without mnemonic markers ("&Find…" -> "Find…")."""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")


def unhandled(handlers: Mapping[str, object]) -> list[str]:
    """Ids of declared actions that `handlers` does not wire to anything."""
    return [spec.id for spec in ACTIONS if spec.id not in handlers]


def build_actions(
    parent: QWidget, handlers: Mapping[str, Callable[[], object]]
) -> dict[str, QAction]:
    """Creates a QAction per spec, wired to `handlers[spec.id]`.

    An id without a handler still gets its (inert) action, so the window can
    be built while a command is being written."""
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
